"""Pabulib participatory-budgeting elections: the ``.pb`` reader at the data edge.

Pabulib files (sections META, PROJECTS, VOTES; pabulib.org/format) are parsed with pabutools, which
is GPL-3.0 and therefore an optional extra imported inside :func:`read_pb` only; a missing install
raises a message saying ``pip install 'cgresearch[pb]'``. The rules that run on an election live in
:mod:`cgresearch.allocation.pb`.

Examples
--------
>>> from cgresearch.paths import raw_data_dir
>>> election = read_pb(raw_data_dir() / "pabulib" / "Poland_Czestochowa_2020_Mirow.pb")
>>> election.vote_type, election.n_projects, election.n_voters
('cumulative', 10, 373)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch.errors import CGResearchError, InputError

__all__ = ["PBElection", "pabutools_election", "pb_number", "read_pb"]


def pabutools_election() -> Any:
    """Return ``pabutools.election``, or say how to install the optional extra."""
    try:
        import pabutools.election as election
    except ImportError as exc:  # pragma: no cover - the test environment installs the extra
        raise CGResearchError(
            "participatory budgeting needs pabutools (GPL-3.0, an optional extra): "
            "run `pip install 'cgresearch[pb]'`"
        ) from exc
    return election


def pb_number(x: Any) -> int | float:
    """An exact pabutools number (gmpy2 mpq) as an int when integral, else a float."""
    f = Fraction(int(x.numerator), int(x.denominator)) if hasattr(x, "denominator") else x
    if isinstance(f, Fraction):
        return int(f) if f.denominator == 1 else float(f)
    return int(f) if float(f).is_integer() else float(f)


@dataclass(frozen=True)
class PBElection:
    """A participatory-budgeting election read from a Pabulib file.

    Attributes
    ----------
    name : str
        File name without extension.
    vote_type : str
        ``"approval"`` or ``"cumulative"``.
    budget : int or float
        The budget limit.
    projects : pandas.DataFrame
        One row per project in file order: ``project_id`` (str, as in the file), ``cost``,
        ``votes`` (number of voters supporting it) and ``score`` (approvals or points: the
        welfare one project contributes), ``name``.
    instance, profile : pabutools objects
        The parsed election, for pabutools' rules and analysis.
    """

    name: str
    vote_type: str
    budget: int | float
    projects: pd.DataFrame = field(repr=False)
    instance: Any = field(repr=False)
    profile: Any = field(repr=False)

    @property
    def n_projects(self) -> int:
        """Number of projects."""
        return len(self.projects)

    @property
    def n_voters(self) -> int:
        """Number of ballots."""
        return len(self.profile)

    def to_frame(self) -> pd.DataFrame:
        """Return the project table."""
        return self.projects.copy()


def read_pb(path: str | Path) -> PBElection:
    """Read a Pabulib ``.pb`` file with pabutools.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    PBElection

    Raises
    ------
    InputError
        Missing file, or a file pabutools cannot parse, or a vote type other than approval or
        cumulative.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such Pabulib file; give the path to a .pb file")
    pe = pabutools_election()
    try:
        instance, profile = pe.parse_pabulib(str(path))
    except Exception as exc:  # pabutools raises bare exceptions on malformed files
        raise InputError(f"{path}: not a readable Pabulib file ({exc})") from exc
    if isinstance(profile, pe.AbstractApprovalProfile):
        vote_type = "approval"
    elif isinstance(profile, pe.AbstractCumulativeProfile):
        vote_type = "cumulative"
    else:
        raise InputError(
            f"{path}: vote type {instance.meta.get('vote_type', '?')!r} is not supported; "
            "use a file with approval or cumulative votes"
        )
    order = list(getattr(instance, "project_meta", {}) or [])
    if len(order) != len(instance):
        order = sorted(instance, key=lambda p: p.name)
    votes = {p: 0 for p in instance}
    score: dict[Any, Any] = {p: 0 for p in instance}
    for ballot in profile:
        if vote_type == "approval":
            for p in ballot:
                votes[p] += 1
                score[p] += 1
        else:
            for p in ballot:
                points = ballot[p]
                if points > 0:
                    votes[p] += 1
                    score[p] += points
    meta = getattr(instance, "project_meta", {}) or {}
    projects = pd.DataFrame(
        {
            "project_id": [str(p.name) for p in order],
            "cost": [pb_number(p.cost) for p in order],
            "votes": [int(votes[p]) for p in order],
            "score": [pb_number(score[p]) for p in order],
            "name": [str(meta.get(p, {}).get("name", "")) for p in order],
        }
    )
    return PBElection(
        name=path.stem,
        vote_type=vote_type,
        budget=pb_number(instance.budget_limit),
        projects=projects,
        instance=instance,
        profile=profile,
    )

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

import csv
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch.errors import CGResearchError, InputError, closest_match, msg

__all__ = ["PBElection", "check_pabulib", "pabutools_election", "pb_number", "read_pb"]


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


_SECTIONS = ("meta", "projects", "votes")
_VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
_MAX_LISTED = 10


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def check_pabulib(name: str, text: str) -> None:
    """Check the structure of a Pabulib file before pabutools parses it.

    Refuses, naming the file, section and line and what is missing or wrong: an empty file, a
    misspelled or missing section (META, PROJECTS, VOTES), a row with too few or too many
    fields (a file cut mid-row), META without ``budget`` or ``vote_type`` (or with values that
    are not usable), a project whose cost is not a positive number, a duplicate project id, a vote
    for a project not in PROJECTS, points that do not match the votes, and fewer ballots than
    META's ``num_votes`` (a file cut mid-VOTES). Rows are split with :mod:`csv` on ``;`` as
    pabutools does.

    Raises
    ------
    InputError
        Listing the problems (the first ten in full).

    Examples
    --------
    >>> try:
    ...     check_pabulib("x.pb", chr(10).join(["META", "key;value", "budget;10"]))
    ... except InputError as err:
    ...     print(str(err)[:60])
    x.pb: not a complete Pabulib file: no PROJECTS section; no V
    """
    if not text.strip():
        raise InputError.of(
            "{file}: the file is empty; a Pabulib file has the sections META, PROJECTS and VOTES "
            "(pabulib.org/format)",
            file=name,
        )
    problems: list[str] = []
    section = ""
    header: list[str] = []
    header_line = 0
    seen: dict[str, int] = {}
    meta: dict[str, str] = {}
    projects: dict[str, int] = {}
    ballots = 0
    last_line = 0
    lines = text.splitlines()
    rows = csv.reader(lines, delimiter=";")
    expect_header = False
    for row in rows:
        line = rows.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        last_line = line
        first = row[0].strip()
        where = f"section {section.upper()}, line {line}" if section else f"line {line}"
        if first.lower() in _SECTIONS and len(row) == 1:
            section = first.lower()
            if section in seen:
                problems.append(f"line {line}: a second {section.upper()} section")
            seen[section] = line
            expect_header = True
            continue
        if expect_header:
            header = [h.strip() for h in row]
            header_line = line
            expect_header = False
            need = {"meta": ["key", "value"], "projects": ["project_id", "cost"]}.get(
                section, ["voter_id", "vote"]
            )
            missing = [h for h in need if h not in header]
            if missing:
                problems.append(
                    f"{where}: the {section.upper()} header has no column "
                    f"{', '.join(repr(m) for m in missing)} (found {';'.join(header)})"
                )
            continue
        if len(row) == 1:
            near = closest_match(first.lower(), _SECTIONS, cutoff=0.6)
            if near and not section:
                problems.append(
                    f"line {line}: {first!r} is not a section name; did you mean {near.upper()!r}?"
                )
            elif near:
                problems.append(
                    f"{where}: {first!r} is not a section name; did you mean {near.upper()!r}?"
                )
            elif not section:
                problems.append(
                    f"line {line}: expected a section name (META, PROJECTS or VOTES), found "
                    f"{first!r}"
                )
            else:
                problems.append(
                    f"{where}: 1 field where the header (line {header_line}) has {len(header)}"
                )
            continue
        if not section:
            problems.append(
                f"line {line}: expected a section name (META, PROJECTS or VOTES), found "
                f"{';'.join(row)[:40]!r}"
            )
            continue
        if section != "meta" and len(row) != len(header):
            problems.append(
                f"{where}: {len(row)} fields where the header (line {header_line}) has "
                f"{len(header)}"
            )
            continue
        cells = {h: c.strip() for h, c in zip(header, row, strict=False)}
        if section == "meta":
            meta[first] = row[1].strip()
        elif section == "projects":
            pid = cells.get("project_id", first)
            if pid in projects:
                problems.append(
                    f"{where}: project {pid!r} appears twice (also line {projects[pid]})"
                )
            projects[pid] = line
            cost = _number(cells.get("cost", ""))
            if cost is None:
                problems.append(
                    f"{where}: project {pid!r} has cost {cells.get('cost')!r}, not a number"
                )
            elif cost <= 0:
                problems.append(
                    f"{where}: project {pid!r} has cost {cells.get('cost')}; a cost must be "
                    "positive"
                )
        else:
            ballots += 1
            voter = cells.get("voter_id", first)
            vote = [v.strip() for v in cells.get("vote", "").split(",") if v.strip()]
            unknown = [v for v in vote if "projects" in seen and v not in projects]
            if unknown:
                problems.append(
                    f"{where}: voter {voter!r} votes for {', '.join(repr(u) for u in unknown)}, "
                    "not in PROJECTS"
                )
            if "points" in cells and cells["points"].lower() != "none":
                points = [p for p in cells["points"].split(",") if p.strip()]
                if len(points) != len(vote) or any(_number(p) is None for p in points):
                    problems.append(
                        f"{where}: voter {voter!r} has {len(vote)} votes but points "
                        f"{cells['points']!r}; give one number per voted project"
                    )
    absent = [s.upper() for s in _SECTIONS if s not in seen]
    if absent:
        missing = [msg("no {section} section", section=s) for s in absent]
        also = (
            msg(" Also: {problems}", problems="; ".join(problems[:_MAX_LISTED])) if problems else ""
        )
        raise InputError.of(
            "{file}: not a complete Pabulib file: {missing}. A Pabulib file has the sections "
            "META, PROJECTS and VOTES (pabulib.org/format); get the complete file.{also}",
            file=name,
            missing=missing,
            also=also,
        )
    if "budget" not in meta:
        problems.append("section META: no 'budget' key; add a line budget;<amount>")
    elif (_number(meta["budget"]) or 0) <= 0:
        problems.append(f"section META: budget {meta['budget']!r} must be a positive number")
    if "vote_type" not in meta:
        problems.append("section META: no 'vote_type' key; add vote_type;approval (or cumulative)")
    elif meta["vote_type"] not in _VOTE_TYPES:
        problems.append(
            f"section META: vote_type {meta['vote_type']!r} is not one of {', '.join(_VOTE_TYPES)}"
        )
    declared = _number(meta.get("num_votes", "")) if meta.get("num_votes") else None
    if declared is not None and int(declared) != ballots:
        cut = " (the file looks cut mid-VOTES: get the complete file)" if ballots < declared else ""
        problems.append(
            f"section VOTES: META says num_votes {int(declared)} but the section has {ballots} "
            f"ballots, the last at line {last_line}{cut}"
        )
    declared = _number(meta.get("num_projects", "")) if meta.get("num_projects") else None
    if declared is not None and int(declared) != len(projects):
        problems.append(
            f"section PROJECTS: META says num_projects {int(declared)} but the section has "
            f"{len(projects)} projects"
        )
    if not text.endswith(("\n", "\r")):
        problems.append(
            f"line {last_line}: the file does not end with a line break, so it looks cut in that "
            "line; get the complete file (if it is complete, add a line break at its end)"
        )
    if problems:
        more = (
            msg("\n  ... and {n} more", n=len(problems) - _MAX_LISTED)
            if len(problems) > _MAX_LISTED
            else ""
        )
        listed = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
        if len(problems) == 1:
            raise InputError.of(
                "{file}: 1 problem in the Pabulib file; fix them and read it again:\n{listed}",
                file=name,
                listed=listed,
            )
        raise InputError.of(
            "{file}: {n} problems in the Pabulib file; fix them and read it again:\n{listed}{more}",
            file=name,
            n=len(problems),
            listed=listed,
            more=more,
        )


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
        Missing file, a file that is not UTF-8, any fault :func:`check_pabulib` finds, a file
        pabutools cannot parse, or a vote type other than approval or cumulative.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.of("{file}: no such Pabulib file; give the path to a .pb file", file=path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.of(
            "{file}: not UTF-8 (invalid byte at offset {offset}); Pabulib files are UTF-8: save "
            "it again as UTF-8",
            file=path.name,
            offset=exc.start,
        ) from None
    check_pabulib(path.name, text)
    pe = pabutools_election()
    try:
        instance, profile = pe.parse_pabulib(str(path))
    except Exception as exc:  # pabutools raises bare exceptions on malformed files
        raise InputError.of(
            "{file}: not a readable Pabulib file ({reason})", file=path, reason=exc
        ) from exc
    if isinstance(profile, pe.AbstractApprovalProfile):
        vote_type = "approval"
    elif isinstance(profile, pe.AbstractCumulativeProfile):
        vote_type = "cumulative"
    else:
        raise InputError.of(
            "{file}: vote type {vote_type!r} is not supported; use a file with approval or "
            "cumulative votes",
            file=path,
            vote_type=instance.meta.get("vote_type", "?"),
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

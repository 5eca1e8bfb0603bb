"""Seoul's participatory-budget votes: screening stages and the mixed vote count.

A round goes proposals → screened → put to the vote → counted:

* **screening** (:func:`screen_proposals`): a proposal is screened in when its type exists in the
  budget system, its theme is eligible for the type (a type without themes takes any), its cost
  is within the type's cap for its kind (``project`` or ``programme``) and at least the type's
  minimum, and the review (column ``review_passed``, if given) passed. Screened proposals are put
  to the vote (column ``on_ballot``, if given, narrows them further).
* **contests**: each city-level or dong type is one contest (one envelope); a gu-level type is one
  contest per gu (``"<type>:<gu_code>"``), the gu's share of the type's envelope.
* **the mixed count** (:func:`count_votes`): every voter votes in a channel — ``e_vote`` (the
  on-line vote) or ``onsite`` (the committee and assembly vote). A proposal's score in its contest
  is ``w · e_share + (1 − w) · onsite_share``, with ``w`` the system's ``e_vote_weight`` (Seoul
  stated 50 %) and a channel's share the fraction of that channel's voters in the contest who
  voted for the proposal (Seoul's published weights are channel shares; normalising each channel
  by its own voter count is our reading). A contest with no voters in a channel gives the other
  channel the whole weight.
* **vote limits**: a voter may support at most ``floor(vote_limit_share × n)`` of the ``n``
  proposals on her contest's ballot (at least 1): 30 % of 560 gave each voter 168 votes in 2014.

Bad ballots raise :class:`~cgresearch.errors.InputError` naming the row, voter and project: a vote
for an unknown project, for a project not on the ballot, twice for one project, in an unknown
channel, or over the per-voter limit.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation.budget_system import BudgetSystem
>>> bs = BudgetSystem.from_dict({"total_eok": 10, "e_vote_weight": 0.5,
...     "types": {"city": {"envelope_eok": 10, "caps_eok": {"project": 5}}}})
>>> props = pd.DataFrame({"proposal_id": ["a", "b"], "type": "city", "gu_code": 11110,
...                       "kind": "project", "theme": "안전", "cost_eok": [4.0, 6.0]})
>>> s = screen_proposals(props, bs)
>>> s.table["put_to_vote"].tolist()
[True, False]
>>> ballots = pd.DataFrame({"voter_id": ["v1", "v2", "m1"], "proposal_id": ["a", "a", "a"],
...                         "channel": ["e_vote", "e_vote", "onsite"]})
>>> count_votes(s, ballots, bs).table["score"].tolist()
[1.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cgresearch.allocation.budget_system import COST_KINDS, BudgetSystem
from cgresearch.errors import InputError, ParameterError

__all__ = [
    "CHANNELS",
    "Screening",
    "VoteCount",
    "contest_of",
    "count_votes",
    "screen_proposals",
]

#: Vote channels: the on-line vote and the on-site (committee / assembly) vote.
CHANNELS: tuple[str, ...] = ("e_vote", "onsite")

_REQUIRED = ("proposal_id", "type", "gu_code", "kind", "theme", "cost_eok")


def contest_of(system: BudgetSystem, type_code: str, gu_code: int) -> str:
    """The contest a proposal competes in: its type, or ``type:gu`` for a gu-level type.

    >>> from cgresearch.allocation.budget_system import BudgetSystem
    >>> bs = BudgetSystem.from_dict({"total_eok": 9, "types": {
    ...     "gu": {"level": "gu", "per_gu_average_eok": 1}}}, n_gu=9)
    >>> contest_of(bs, "gu", 11110)
    'gu:11110'
    """
    return f"{type_code}:{int(gu_code)}" if system.type(type_code).level == "gu" else type_code


@dataclass(frozen=True)
class Screening:
    """Proposals through the screening stages.

    Attributes
    ----------
    table : pandas.DataFrame
        Every proposal with ``contest``, ``eligible_theme``, ``within_cap``, ``screened`` and
        ``put_to_vote`` (bool).
    stages : pandas.DataFrame
        One row per type: ``type``, ``proposals``, ``screened``, ``put_to_vote``,
        ``proposed_eok``, ``put_to_vote_eok``.
    system : BudgetSystem
    """

    table: pd.DataFrame = field(repr=False)
    stages: pd.DataFrame = field(repr=False)
    system: BudgetSystem = field(repr=False)

    def ballot(self) -> pd.DataFrame:
        """The proposals put to the vote."""
        return self.table[self.table["put_to_vote"]].reset_index(drop=True)


def _check_proposals(df: pd.DataFrame, system: BudgetSystem) -> None:
    for col in _REQUIRED:
        if col not in df.columns:
            raise InputError(
                f"proposals: no column {col!r}; columns are {', '.join(map(str, df.columns))}"
            )
    codes = {t.code for t in system.types}
    for i, v in enumerate(df["type"]):
        if v not in codes:
            raise InputError(
                f"proposals, row {i}, column 'type': {v!r} is not a type of budget system "
                f"{system.name!r}; types: {', '.join(sorted(codes))}"
            )
    for i, v in enumerate(df["kind"]):
        if v not in COST_KINDS:
            raise InputError(
                f"proposals, row {i}, column 'kind': {v!r}; use one of {', '.join(COST_KINDS)}"
            )
    c = pd.to_numeric(df["cost_eok"], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(c) | (c <= 0))
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"proposals, row {i}, column 'cost_eok': {df['cost_eok'].iloc[i]!r}; "
            "each cost must be a number > 0 (억원)"
        )
    if df["proposal_id"].duplicated().any():
        dup = df.loc[df["proposal_id"].duplicated(), "proposal_id"].iloc[0]
        raise InputError(f"proposals, column 'proposal_id': {dup!r} appears twice")


def screen_proposals(proposals: pd.DataFrame, system: BudgetSystem) -> Screening:
    """Run the screening stages of ``system`` on ``proposals`` (see the module docstring).

    Parameters
    ----------
    proposals : pandas.DataFrame
        ``proposal_id``, ``type``, ``gu_code`` (where the project is; the envelope's gu for a
        gu-level type), ``kind`` (``project`` / ``programme``), ``theme``, ``cost_eok`` and
        optionally ``review_passed`` and ``on_ballot`` (bool).
    system : BudgetSystem

    Raises
    ------
    InputError
        Missing columns, unknown types or kinds, bad costs, duplicate ids (naming the row).
    ParameterError
        A cost cap below every proposal of its type and kind (naming the key): nothing of that
        kind could ever be funded, which is a mistake in the budget-system file.
    """
    df = proposals.reset_index(drop=True).copy()
    _check_proposals(df, system)
    df["proposal_id"] = df["proposal_id"].astype(str)
    cost = df["cost_eok"].astype(float)
    cap = np.array([system.type(t).cap(k) for t, k in zip(df["type"], df["kind"], strict=True)])
    lo = np.array([system.type(t).min_cost_eok for t in df["type"]])
    for (t, k), idx in df.groupby(["type", "kind"]).groups.items():
        c = cost.loc[idx]
        limit = system.type(t).cap(k)
        if math.isfinite(limit) and (c > limit).all():
            raise ParameterError(
                f"types.{t}.caps_eok.{k} = {limit:g} is below every {k} proposal of type {t!r} "
                f"(cheapest {c.min():g}억, {len(c)} proposals): raise the cap"
            )
    themes = [system.type(t).themes for t in df["type"]]
    df["contest"] = [
        contest_of(system, t, g) for t, g in zip(df["type"], df["gu_code"], strict=True)
    ]
    df["eligible_theme"] = [not th or x in th for x, th in zip(df["theme"], themes, strict=True)]
    df["within_cap"] = (cost.to_numpy() <= cap + 1e-12) & (cost.to_numpy() >= lo - 1e-12)
    review = _bool_column(df, "review_passed")
    df["screened"] = df["eligible_theme"] & df["within_cap"] & review
    df["put_to_vote"] = df["screened"] & _bool_column(df, "on_ballot")
    g = df.groupby("type", sort=False)
    stages = pd.DataFrame(
        {
            "type": list(g.groups),
            "proposals": g.size().to_numpy(),
            "screened": g["screened"].sum().to_numpy(),
            "put_to_vote": g["put_to_vote"].sum().to_numpy(),
            "proposed_eok": g["cost_eok"].sum().to_numpy(),
            "put_to_vote_eok": [float(x.loc[x["put_to_vote"], "cost_eok"].sum()) for _, x in g],
        }
    )
    return Screening(table=df, stages=stages, system=system)


def _bool_column(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.ones(len(df), dtype=bool)
    s = df[col]
    bad = np.flatnonzero(s.isna().to_numpy())
    if bad.size:
        raise InputError(f"proposals, row {int(bad[0])}, column {col!r}: missing; give True/False")
    return s.astype(bool).to_numpy()


@dataclass(frozen=True)
class VoteCount:
    """The mixed count of a round.

    Attributes
    ----------
    table : pandas.DataFrame
        The proposals put to the vote with ``e_votes``, ``onsite_votes``, ``e_voters`` and
        ``onsite_voters`` (voters of the channel in the contest), ``score`` (mixed) and
        ``votes`` (both channels).
    ballots : pandas.DataFrame
        The validated ballots (``voter_id``, ``proposal_id``, ``channel``, ``contest``).
    e_vote_weight : float
    """

    table: pd.DataFrame = field(repr=False)
    ballots: pd.DataFrame = field(repr=False)
    e_vote_weight: float

    @property
    def n_voters(self) -> int:
        """Number of distinct voters."""
        return int(self.ballots["voter_id"].nunique())


def count_votes(
    screening: Screening, ballots: pd.DataFrame, system: BudgetSystem | None = None
) -> VoteCount:
    """Validate the ballots and count them with Seoul's mixed weights.

    Parameters
    ----------
    screening : Screening
        From :func:`screen_proposals`.
    ballots : pandas.DataFrame
        One row per vote: ``voter_id``, ``proposal_id``, ``channel`` (``e_vote`` / ``onsite``).
    system : BudgetSystem, optional
        Default: the screening's system (its ``e_vote_weight`` and ``vote_limit_share``).

    Raises
    ------
    InputError
        A vote for an unknown project or one not on the ballot, a repeated vote, an unknown
        channel, or a voter over the per-voter limit (naming row, voter and project).
    """
    system = screening.system if system is None else system
    for col in ("voter_id", "proposal_id", "channel"):
        if col not in ballots.columns:
            raise InputError(f"ballots: no column {col!r}; give voter_id, proposal_id, channel")
    b = ballots.reset_index(drop=True)[["voter_id", "proposal_id", "channel"]].copy()
    b["voter_id"] = b["voter_id"].astype(str)
    b["proposal_id"] = b["proposal_id"].astype(str)
    table = screening.table
    known = pd.Index(table["proposal_id"])
    pos = known.get_indexer(b["proposal_id"])
    bad = np.flatnonzero(pos < 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"ballots, row {i}: voter {b.at[i, 'voter_id']!r} voted for unknown project "
            f"{b.at[i, 'proposal_id']!r}; remove the vote or add the project"
        )
    on = table["put_to_vote"].to_numpy()[pos]
    bad = np.flatnonzero(~on)
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"ballots, row {i}: voter {b.at[i, 'voter_id']!r} voted for project "
            f"{b.at[i, 'proposal_id']!r}, which was screened out and is not on the ballot"
        )
    bad = np.flatnonzero(~b["channel"].isin(CHANNELS).to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"ballots, row {i}, column 'channel': {b.at[i, 'channel']!r} (voter "
            f"{b.at[i, 'voter_id']!r}); use one of {', '.join(CHANNELS)}"
        )
    dup = b.duplicated(["voter_id", "proposal_id"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"ballots, row {i}: voter {b.at[i, 'voter_id']!r} voted twice for project "
            f"{b.at[i, 'proposal_id']!r}; keep one vote"
        )
    b["contest"] = table["contest"].to_numpy()[pos]
    ballot = table[table["put_to_vote"]]
    n_on = ballot.groupby("contest").size()
    limit = np.maximum(1, np.floor(system.vote_limit_share * n_on + 1e-9)).astype(int)
    # running count of each voter's votes in a contest: the first vote past the limit is named
    rank = b.groupby(["voter_id", "contest"], sort=False).cumcount().to_numpy() + 1
    lim = limit.reindex(b["contest"]).to_numpy()
    over = np.flatnonzero(rank > lim)
    if over.size:
        i = int(over[0])
        c = b.at[i, "contest"]
        raise InputError(
            f"ballots, row {i}: voter {b.at[i, 'voter_id']!r} is over the per-voter limit in "
            f"contest {c!r} with project {b.at[i, 'proposal_id']!r}: at most {int(limit[c])} "
            f"votes ({system.vote_limit_share:.0%} of {int(n_on[c])} projects on the ballot)"
        )
    w = system.e_vote_weight
    votes = b.groupby(["proposal_id", "channel"]).size().unstack(fill_value=0)
    voters = b.groupby(["contest", "channel"])["voter_id"].nunique().unstack(fill_value=0)
    for ch in CHANNELS:
        if ch not in votes.columns:
            votes[ch] = 0
        if ch not in voters.columns:
            voters[ch] = 0
    out = ballot.reset_index(drop=True).copy()
    out["e_votes"] = out["proposal_id"].map(votes["e_vote"]).fillna(0).astype(int)
    out["onsite_votes"] = out["proposal_id"].map(votes["onsite"]).fillna(0).astype(int)
    out["e_voters"] = out["contest"].map(voters["e_vote"]).fillna(0).astype(int)
    out["onsite_voters"] = out["contest"].map(voters["onsite"]).fillna(0).astype(int)
    out["votes"] = out["e_votes"] + out["onsite_votes"]
    ev, ov = out["e_voters"].to_numpy(float), out["onsite_voters"].to_numpy(float)
    e_share = np.divide(out["e_votes"], ev, out=np.zeros(len(out)), where=ev > 0)
    o_share = np.divide(out["onsite_votes"], ov, out=np.zeros(len(out)), where=ov > 0)
    we = np.where(ov == 0, np.where(ev > 0, 1.0, 0.0), np.where(ev == 0, 0.0, w))
    out["score"] = we * e_share + (1 - we) * o_share
    return VoteCount(table=out, ballots=b, e_vote_weight=w)

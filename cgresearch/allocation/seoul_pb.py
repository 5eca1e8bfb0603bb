"""Selecting Seoul's participatory-budget projects: Seoul's rank rule, MES and max-welfare.

After the mixed count (:mod:`cgresearch.allocation.seoul_votes`), every contest (a city-level
type, or a gu-level type in one gu) funds projects within its envelope. Three rules run on the
same ballots:

* ``"seoul"`` — the rule Seoul uses: rank the contest's projects by mixed score (ties: proposal id
  as text) and fund each one that still fits in what is left of the envelope;
* ``"mes"`` — the Method of Equal Shares (cost satisfaction) per contest, on the approval
  ballots of both channels (each voter one equal share of the contest's envelope), with a
  completion (:data:`cgresearch.allocation.pb.MES_COMPLETIONS`; ``"greedy"`` by default):
  pabutools' own, or (default, for no or greedy completion) the same rule in arrays
  (:mod:`cgresearch.allocation.mes_fast`, tested equal to pabutools);
* ``"max-welfare"`` — the project-selection MIP (:func:`cgresearch.allocation.select_projects`)
  maximising the total mixed score within every contest's envelope (and at most one project per
  ``duplicate_group``, when the proposals carry one).

Cost caps hold because only screened proposals are on the ballot. Amounts are 억원; pabutools
runs on whole 만원 (10,000 KRW), so costs and envelopes are rounded to 만원 for MES.

:func:`compare_rules` audits each outcome on the whole round with pabutools' analysis
(:func:`cgresearch.allocation.pb_audit.audit_allocation`), and :func:`gains_by_gu` says where the
money goes, with the SMG / gu co-funding split of gu-level projects.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation.budget_system import BudgetSystem
>>> from cgresearch.allocation.seoul_votes import count_votes, screen_proposals
>>> bs = BudgetSystem.from_dict({"total_eok": 10, "types": {"city": {"envelope_eok": 10}}})
>>> props = pd.DataFrame({"proposal_id": ["a", "b", "c"], "type": "city", "gu_code": 11110,
...                       "kind": "project", "theme": "안전", "cost_eok": [6.0, 5.0, 4.0]})
>>> ballots = pd.DataFrame({"voter_id": ["1", "2", "3", "1"],
...                         "proposal_id": ["a", "a", "b", "c"], "channel": "e_vote"})
>>> votes = count_votes(screen_proposals(props, bs), ballots)
>>> select_round(votes, {"city": 10.0}, "seoul").selected["proposal_id"].tolist()
['a', 'c']
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.budget_system import BudgetSystem, gu_type_envelopes
from cgresearch.allocation.pb import MES_COMPLETIONS
from cgresearch.allocation.seoul_votes import VoteCount
from cgresearch.errors import ModelError, ParameterError

__all__ = [
    "SEOUL_RULES",
    "RoundOutcome",
    "SeoulRound",
    "compare_rules",
    "contest_envelopes",
    "gains_by_gu",
    "run_seoul_round",
    "select_round",
]

#: Rules of :func:`select_round`.
SEOUL_RULES: tuple[str, ...] = ("seoul", "mes", "max-welfare")
_MANWON = 10_000  # 만원 per 억원
_TOL = 1e-9


def contest_envelopes(system: BudgetSystem, districts: pd.DataFrame) -> pd.Series:
    """Envelope of every contest (억원): city and dong types whole, gu types per gu.

    Gu-level types are split across ``districts`` by
    :func:`cgresearch.allocation.gu_type_envelopes` (the envelope model).

    Examples
    --------
    >>> from cgresearch.allocation import load_budget_system
    >>> from cgresearch.data import load_districts
    >>> from cgresearch.paths import scenarios_dir
    >>> bs = load_budget_system(scenarios_dir() / "budget_system" / "seoul_2025.toml")
    >>> env = contest_envelopes(bs, load_districts())
    >>> len(env), round(float(env.sum()), 6)
    (28, 600.0)
    """
    out: dict[str, float] = {}
    for t in system.types:
        if t.level == "gu":
            split = gu_type_envelopes(system, t.code, districts)
            for gu, v in split.items():
                out[f"{t.code}:{int(gu)}"] = float(v)
        else:
            out[t.code] = t.envelope_eok
    return pd.Series(out, name="envelope_eok")


@dataclass(frozen=True)
class RoundOutcome:
    """The funded projects of one rule on one round.

    Attributes
    ----------
    rule : str
        ``"seoul"``, ``"mes+greedy"`` (MES and its completion) or ``"max-welfare"``.
    selected : pandas.DataFrame
        The funded proposals (the vote table's rows).
    spend : pandas.DataFrame
        One row per contest: ``contest``, ``envelope_eok``, ``spent_eok``, ``unspent_eok``,
        ``n_funded``.
    time_s : float
        Seconds the rule took.
    """

    rule: str
    selected: pd.DataFrame = field(repr=False)
    spend: pd.DataFrame = field(repr=False)
    time_s: float

    @property
    def spent_eok(self) -> float:
        """Total spend, 억원."""
        return float(self.spend["spent_eok"].sum())

    def to_frame(self) -> pd.DataFrame:
        """Return the funded proposals."""
        return self.selected.copy()


def _check_envelopes(votes: VoteCount, envelopes: Mapping[str, float] | pd.Series) -> pd.Series:
    env = pd.Series(dict(envelopes) if not isinstance(envelopes, pd.Series) else envelopes)
    env = env.astype(float)
    missing = sorted(set(votes.table["contest"]) - set(env.index))
    if missing:
        raise ParameterError(
            f"envelopes: no envelope for contest {', '.join(missing[:5])}"
            f"{' …' if len(missing) > 5 else ''}; give one for every contest with projects"
        )
    bad = env[~np.isfinite(env.to_numpy()) | (env < 0)]
    if len(bad):
        raise ParameterError(f"envelopes[{bad.index[0]!r}] = {bad.iloc[0]!r}: give a number >= 0")
    return env


def _rank_rule(table: pd.DataFrame, env: pd.Series) -> np.ndarray:
    funded = np.zeros(len(table), dtype=bool)
    for contest, idx in table.groupby("contest").indices.items():
        sub = table.iloc[idx]
        order = np.lexsort((sub["proposal_id"].to_numpy(), -sub["score"].to_numpy()))
        left = float(env[contest])
        cost = sub["cost_eok"].to_numpy(float)
        for j in order:
            if cost[j] <= left + _TOL:
                funded[idx[j]] = True
                left -= cost[j]
    return funded


def _mes_fast(table: pd.DataFrame, ballots: pd.DataFrame, env: pd.Series, completion: str | None):
    from cgresearch.allocation.mes_fast import greedy_completion, mes_approval_cost

    funded = np.zeros(len(table), dtype=bool)
    row_of = {p: i for i, p in enumerate(table["proposal_id"])}
    by_contest = ballots.groupby("contest")
    for contest, idx in table.groupby("contest").indices.items():
        sub = table.iloc[idx]
        costs = {
            pid: round(float(c) * _MANWON)
            for pid, c in zip(sub["proposal_id"], sub["cost_eok"], strict=True)
        }
        budget = int(np.floor(float(env[contest]) * _MANWON + 1e-6))
        if contest not in by_contest.groups:
            continue
        b = by_contest.get_group(contest)
        voter = pd.factorize(b["voter_id"])[0]
        sup = pd.Series(voter).groupby(b["proposal_id"].to_numpy()).agg(list).to_dict()
        chosen = mes_approval_cost(costs, sup, n_voters=int(voter.max()) + 1, budget=budget)
        if completion == "greedy":
            n_sup = {p: len(v) for p, v in sup.items()}
            chosen = greedy_completion(costs, n_sup, chosen, budget)
        for p in chosen:
            funded[row_of[p]] = True
    return funded


def _mes(table: pd.DataFrame, ballots: pd.DataFrame, env: pd.Series, completion: str | None):
    from cgresearch.allocation.pb import mes_with_completion
    from cgresearch.data.pabulib import pabutools_election

    pe = pabutools_election()
    funded = np.zeros(len(table), dtype=bool)
    row_of = {p: i for i, p in enumerate(table["proposal_id"])}
    by_contest = ballots.groupby("contest")
    for contest, idx in table.groupby("contest").indices.items():
        sub = table.iloc[idx]
        projects = {
            pid: pe.Project(pid, round(float(c) * _MANWON))
            for pid, c in zip(sub["proposal_id"], sub["cost_eok"], strict=True)
        }
        budget = int(np.floor(float(env[contest]) * _MANWON + 1e-6))
        inst = pe.Instance(projects.values(), budget_limit=budget)
        if contest not in by_contest.groups:
            continue
        b = by_contest.get_group(contest)
        sets = b.groupby("voter_id", sort=False)["proposal_id"].agg(frozenset)
        multi = pe.ApprovalMultiProfile(instance=inst)
        for s, n in sets.value_counts(sort=False).items():
            ballot = pe.FrozenApprovalBallot([projects[p] for p in sorted(s)])
            multi[ballot] = int(n)
        alloc = mes_with_completion(inst, multi, completion)
        for p in alloc:
            funded[row_of[str(p.name)]] = True
    return funded


def _max_welfare(
    table: pd.DataFrame, env: pd.Series, solver: str, time_limit: float | None
) -> np.ndarray:
    from cgresearch.allocation.selection import select_projects

    df = pd.DataFrame(
        {
            "proposal_id": table["proposal_id"].to_numpy(),
            "gu_name": table["contest"].to_numpy(),
            "cost_mkrw": table["cost_eok"].to_numpy(float),
            "score": table["score"].to_numpy(float),
        }
    )
    if "duplicate_group" in table.columns:
        df["duplicate_group"] = table["duplicate_group"].to_numpy()
    used = env[env.index.isin(df["gu_name"].unique())]
    res = select_projects(
        df, used, cost="cost_mkrw", score="score", solver=solver, time_limit=time_limit
    )
    return df["proposal_id"].isin(set(res.selected["proposal_id"])).to_numpy()


def select_round(
    votes: VoteCount,
    envelopes: Mapping[str, float] | pd.Series,
    rule: str = "seoul",
    *,
    completion: str | None = "greedy",
    mes_engine: str = "arrays",
    solver: str = "highs",
    time_limit: float | None = None,
) -> RoundOutcome:
    """Fund projects in every contest by ``rule``.

    Parameters
    ----------
    votes : VoteCount
        From :func:`cgresearch.allocation.seoul_votes.count_votes`.
    envelopes : mapping or Series
        Contest -> envelope (억원), e.g. :func:`contest_envelopes`.
    rule : {"seoul", "mes", "max-welfare"}
    completion : {"greedy", "add1", "add1-greedy", None}
        MES completion (ignored by the other rules). ``"add1"`` raises each voter's share by
        1 만원 at a time and is slow on large rounds.
    mes_engine : {"arrays", "pabutools"}
        ``"arrays"`` (default): :mod:`cgresearch.allocation.mes_fast`, the same rule in arrays,
        for completion ``None`` or ``"greedy"`` (seconds at Seoul's size); ``"pabutools"``:
        pabutools' own MES and completion (minutes at Seoul's size; always used for ``add1``).
    solver, time_limit
        For ``"max-welfare"``.

    Returns
    -------
    RoundOutcome
    """
    if rule not in SEOUL_RULES:
        raise ParameterError(f"unknown rule {rule!r}: use one of {', '.join(SEOUL_RULES)}")
    if rule == "mes" and completion is not None and completion not in MES_COMPLETIONS:
        raise ParameterError(
            f"unknown completion {completion!r}: use one of {', '.join(MES_COMPLETIONS)} or None"
        )
    env = _check_envelopes(votes, envelopes)
    table = votes.table
    start = time.perf_counter()
    if rule == "seoul":
        funded = _rank_rule(table, env)
    elif rule == "mes":
        if mes_engine not in ("arrays", "pabutools"):
            raise ParameterError(f"mes_engine {mes_engine!r}: use 'arrays' or 'pabutools'")
        if mes_engine == "arrays" and completion in (None, "greedy"):
            funded = _mes_fast(table, votes.ballots, env, completion)
        else:
            funded = _mes(table, votes.ballots, env, completion)
    else:
        funded = _max_welfare(table, env, solver, time_limit)
    elapsed = time.perf_counter() - start
    sel = table[funded].reset_index(drop=True)
    spent = sel.groupby("contest")["cost_eok"].sum()
    n = sel.groupby("contest").size()
    spend = pd.DataFrame({"contest": env.index, "envelope_eok": env.to_numpy()})
    spend["spent_eok"] = spend["contest"].map(spent).fillna(0.0).to_numpy()
    spend["unspent_eok"] = spend["envelope_eok"] - spend["spent_eok"]
    spend["n_funded"] = spend["contest"].map(n).fillna(0).astype(int).to_numpy()
    over = spend[spend["unspent_eok"] < -1e-6]
    if len(over):
        raise ModelError(
            f"rule {rule}: contest {over['contest'].iloc[0]} spends "
            f"{over['spent_eok'].iloc[0]:,.4f}억 above its envelope; report this round"
        )
    name = f"mes+{completion}" if rule == "mes" and completion else rule
    return RoundOutcome(rule=name, selected=sel, spend=spend, time_s=elapsed)


def _round_profile(votes: VoteCount, budget_eok: float) -> tuple[Any, Any, dict[str, Any]]:
    from cgresearch.data.pabulib import pabutools_election

    pe = pabutools_election()
    t = votes.table
    projects = {
        pid: pe.Project(pid, round(float(c) * _MANWON))
        for pid, c in zip(t["proposal_id"], t["cost_eok"], strict=True)
    }
    inst = pe.Instance(projects.values(), budget_limit=round(float(budget_eok) * _MANWON))
    multi = pe.ApprovalMultiProfile(instance=inst)
    sets = votes.ballots.groupby("voter_id", sort=False)["proposal_id"].agg(frozenset)
    for s, n in sets.value_counts(sort=False).items():
        ballot = pe.FrozenApprovalBallot([projects[p] for p in sorted(s)])
        multi[ballot] = int(n)
    return inst, multi, projects


def compare_rules(
    votes: VoteCount,
    envelopes: Mapping[str, float] | pd.Series,
    rules: Sequence[tuple[str, str | None]] = (
        ("seoul", None),
        ("mes", "greedy"),
        ("max-welfare", None),
    ),
    *,
    outcomes: Sequence[RoundOutcome] | None = None,
) -> pd.DataFrame:
    """Fairness figures of several rules on the same round, from pabutools' analysis.

    The audit runs on the whole round (every project on every ballot; a voter's satisfaction is
    the cost of the funded projects she voted for, in 억원).

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``rule``, ``n_funded``, ``spent_eok``, ``unspent_eok``,
        ``unspent_share``, ``share_with_nothing``, ``gini_satisfaction``,
        ``avg_satisfaction_eok``, ``time_s``.
    """
    from cgresearch.allocation.pb_audit import audit_allocation

    env = _check_envelopes(votes, envelopes)
    total = float(env[env.index.isin(votes.table["contest"].unique())].sum())
    if outcomes is None:
        outcomes = [select_round(votes, env, r, completion=c) for r, c in rules]
    inst, multi, projects = _round_profile(votes, total)
    rows = []
    for out in outcomes:
        audit = audit_allocation(inst, multi, [projects[p] for p in out.selected["proposal_id"]])
        spent = float(out.selected["cost_eok"].sum())
        rows.append(
            {
                "rule": out.rule,
                "n_funded": len(out.selected),
                "spent_eok": spent,
                "unspent_eok": total - spent,
                "unspent_share": (total - spent) / total if total else 0.0,
                "share_with_nothing": audit.share_with_nothing,
                "gini_satisfaction": audit.gini_cost_satisfaction,
                "avg_satisfaction_eok": audit.avg_cost_satisfaction / _MANWON,
                "time_s": out.time_s,
            }
        )
    return pd.DataFrame(rows)


def gains_by_gu(
    outcomes: Sequence[RoundOutcome], districts: pd.DataFrame, system: BudgetSystem
) -> pd.DataFrame:
    """Where the money of each rule goes: one row per gu and rule.

    Columns: ``rule``, ``adm_code``, ``name_ko``, ``spent_eok`` (funded projects located in the
    gu, every type), ``n_funded``, ``per_capita_krw``, ``gu_level_eok`` (gu-level types only),
    ``city_pays_eok`` and ``gu_pays_eok`` (the co-funding split of the gu-level spend: the gu
    pays ``1 − smg_matching_share`` of it up to ``gu_contribution_cap_eok``, the city the rest),
    and ``vs_seoul_eok`` (difference with the ``"seoul"`` rule when it is among the outcomes).
    """
    d = districts[["adm_code", "name_ko", "pop_total_2017q1"]].copy()
    d["adm_code"] = d["adm_code"].astype(int)
    gu_types = {t.code for t in system.types if t.level == "gu"}
    cof = system.cofunding
    frames = []
    for out in outcomes:
        s = out.selected
        gu = s["gu_code"].astype(int)
        spent = s.groupby(gu)["cost_eok"].sum()
        n = s.groupby(gu).size()
        local = s[s["type"].isin(gu_types)]
        local_spent = local.groupby(local["gu_code"].astype(int))["cost_eok"].sum()
        f = d.copy()
        f.insert(0, "rule", out.rule)
        f["spent_eok"] = f["adm_code"].map(spent).fillna(0.0)
        f["n_funded"] = f["adm_code"].map(n).fillna(0).astype(int)
        f["per_capita_krw"] = f["spent_eok"] * 1e8 / f["pop_total_2017q1"]
        f["gu_level_eok"] = f["adm_code"].map(local_spent).fillna(0.0)
        gu_part = f["gu_level_eok"] * (1 - cof.smg_matching_share)
        if cof.gu_contribution_cap_eok is not None:
            gu_part = gu_part.clip(upper=cof.gu_contribution_cap_eok)
        f["gu_pays_eok"] = gu_part
        f["city_pays_eok"] = f["gu_level_eok"] - gu_part
        frames.append(f.drop(columns="pop_total_2017q1"))
    out = pd.concat(frames, ignore_index=True)
    if (out["rule"] == "seoul").any():
        base = out[out["rule"] == "seoul"].set_index("adm_code")["spent_eok"]
        out["vs_seoul_eok"] = out["spent_eok"] - out["adm_code"].map(base)
    return out


@dataclass(frozen=True)
class SeoulRound:
    """One round run end to end: screening, count, each rule's outcome, audit and gains by gu."""

    screening: Any = field(repr=False)
    votes: VoteCount = field(repr=False)
    envelopes: pd.Series = field(repr=False)
    outcomes: tuple[RoundOutcome, ...] = field(repr=False)
    comparison: pd.DataFrame = field(repr=False)
    gains: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The comparison and every rule's funded projects (id, title, type, gu, cost, votes)."""
        cols = [
            c
            for c in ("proposal_id", "title_ko", "type", "gu_code", "cost_eok")
            if c in self.votes.table.columns
        ]
        rules = {}
        for out, row in zip(self.outcomes, self.comparison.to_dict("records"), strict=True):
            sel = out.selected
            rules[out.rule] = {
                **{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()},
                "projects": [
                    {
                        **{c: (r[c].item() if hasattr(r[c], "item") else r[c]) for c in cols},
                        "votes": int(r["votes"]),
                        "score": float(r["score"]),
                    }
                    for r in sel.to_dict("records")
                ],
            }
        return {
            "n_proposals": len(self.screening.table),
            "n_put_to_vote": int(self.screening.table["put_to_vote"].sum()),
            "n_voters": self.votes.n_voters,
            "envelopes_eok": float(self.envelopes.sum()),
            "rules": rules,
        }


def run_seoul_round(
    system: BudgetSystem,
    proposals: pd.DataFrame,
    ballots: pd.DataFrame,
    districts: pd.DataFrame,
    *,
    rules: Sequence[str] = SEOUL_RULES,
    completion: str | None = "greedy",
) -> SeoulRound:
    """Screen, count and select with every rule in ``rules``; audit and map the gains.

    Examples
    --------
    >>> # see notebooks/08_participatory_budget.py and ``cgresearch seoul-pb``
    """
    from cgresearch.allocation.seoul_votes import count_votes, screen_proposals

    screening = screen_proposals(proposals, system)
    votes = count_votes(screening, ballots, system)
    env = contest_envelopes(system, districts)
    outs = tuple(select_round(votes, env, r, completion=completion) for r in rules)
    comparison = compare_rules(votes, env, outcomes=outs)
    gains = gains_by_gu(outs, districts, system)
    return SeoulRound(screening, votes, env, outs, comparison, gains)

"""Participatory budgeting on real votes: greedy, Method of Equal Shares and maximum welfare.

Elections in the Pabulib ``.pb`` format are read with pabutools, and the published rules are
pabutools' own (its rules are not re-written here):

* ``"greedy"`` — the standard rule used by most cities: visit projects by decreasing vote count
  (approval ballots) or points (cumulative ballots) and fund each that still fits in the budget;
  ties go to the project whose id sorts first as a string. This is pabutools'
  ``greedy_utilitarian_welfare``, which orders projects by welfare per unit of cost, run with a
  satisfaction equal to *points × cost* (``Cost_Sat`` for approval ballots), so that welfare per
  cost is exactly the vote count or points;
* ``"mes"`` — pabutools' ``method_of_equal_shares`` with cost satisfaction (``Cost_Sat``; on
  cumulative ballots a voter supports a project she gave any points to), without completion by
  default; ``completion`` completes it with pabutools' own tools (see :data:`MES_COMPLETIONS`):
  ``"greedy"`` (``completion_by_rule_combination`` of MES then the greedy rule above), ``"add1"``
  (MES's ``voter_budget_increment=1``: every voter's share grows by one currency unit until the
  outcome is exhaustive or would overspend, as on equalshares.net) or ``"add1-greedy"`` (both);
* ``"max-welfare"`` — our own knapsack MIP on HiGHS (:mod:`cgresearch.allocation.solver`):
  the funded set with the largest total votes or points within the budget, proven optimal.

pabutools is GPL-3.0 and therefore an optional extra: it is imported inside the functions that
need it, and a missing install raises a message saying ``pip install 'cgresearch[pb]'``.

Examples
--------
>>> from cgresearch.paths import raw_data_dir
>>> election = read_pb(raw_data_dir() / "pabulib" / "Poland_Czestochowa_2020_Mirow.pb")
>>> election.vote_type, election.n_projects, election.n_voters
('cumulative', 10, 373)
>>> outcome = pb_outcome(election, "max-welfare")
>>> outcome.total_cost <= election.budget
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pulp

from cgresearch.allocation.solver import SolveResult, affine, solve
from cgresearch.data.pabulib import PBElection, read_pb
from cgresearch.data.pabulib import pabutools_election as _pabutools
from cgresearch.data.pabulib import pb_number as _number
from cgresearch.errors import ModelError, ParameterError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr

__all__ = [
    "MES_COMPLETIONS",
    "PB_RULES",
    "PBElection",
    "PBOutcome",
    "compare_pb_rules",
    "pb_outcome",
    "pb_outcome_from_file",
    "read_pb",
]

#: Rules understood by :func:`pb_outcome` and ``cgresearch pb --rule``.
PB_RULES = ("greedy", "mes", "max-welfare")
#: Completion methods of the Method of Equal Shares (``cgresearch pb --completion``).
MES_COMPLETIONS = ("greedy", "add1", "add1-greedy")


@dataclass(frozen=True)
class PBOutcome:
    """The funded projects of one rule on one election.

    Attributes
    ----------
    election : str
        Election name.
    rule : str
        One of :data:`PB_RULES`, with its completion (``"mes+greedy"`` ...).
    selected : tuple of str
        Funded project ids, as in the file, in file order.
    total_cost : int or float
        Cost of the funded projects.
    welfare : int or float
        Total approvals (approval ballots) or points (cumulative ballots) of the funded projects.
    budget : int or float
        The budget limit.
    projects : pandas.DataFrame
        The funded projects' rows of :attr:`PBElection.projects`.
    solve_result : SolveResult or None
        The MIP run for ``"max-welfare"``.
    """

    election: str
    rule: str
    selected: tuple[str, ...]
    total_cost: int | float
    welfare: int | float
    budget: int | float
    vote_type: str
    projects: pd.DataFrame = field(repr=False)
    solve_result: SolveResult | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the CLI's JSON: ``selected``, ``total_cost``, ``welfare``, ``budget``,
        ``rule`` and ``projects`` (``project_id``, ``name``, ``cost``, ``votes``, ``score`` of
        each funded project)."""
        cols = ["project_id", "name", "cost", "votes", "score"]
        return {
            "selected": list(self.selected),
            "total_cost": self.total_cost,
            "welfare": self.welfare,
            "budget": self.budget,
            "rule": self.rule,
            "projects": [
                {c: _plain(row[c]) for c in cols} for row in self.projects.to_dict("records")
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the funded projects (``project_id``, ``cost``, ``votes``, ``score``, ``name``)."""
        return self.projects.copy()

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """Return a short plain-text report: funded projects, cost and welfare, in ``lang``
        (Korean by default; the projects' table keeps the file's names and columns)."""
        if self.vote_type == "approval":
            welfare = tr(
                "welfare {welfare:,} (approvals of funded projects)", lang, welfare=self.welfare
            )
        else:
            welfare = tr(
                "welfare {welfare:,} (points of funded projects)", lang, welfare=self.welfare
            )
        lines = [
            tr(
                "{election}: rule {rule}, {n} projects funded",
                lang,
                election=self.election,
                rule=self.rule,
                n=len(self.selected),
            ),
            self.projects[["project_id", "name", "cost", "votes", "score"]].to_string(index=False)
            if len(self.projects)
            else tr("(none)", lang),
            tr(
                "total cost {cost:,} of budget {budget:,} ({share:.1%})",
                lang,
                cost=self.total_cost,
                budget=self.budget,
                share=self.total_cost / self.budget,
            ),
            welfare,
        ]
        return "\n".join(lines)


def _plain(x: Any) -> Any:
    """numpy scalars as plain Python numbers (for JSON)."""
    return x.item() if hasattr(x, "item") else x


def _outcome(election: PBElection, rule: str, ids: set[str], res: SolveResult | None) -> PBOutcome:
    table = election.projects[election.projects["project_id"].isin(ids)].reset_index(drop=True)
    cost = sum(Fraction(c) for c in table["cost"])
    welfare = sum(Fraction(s) for s in table["score"])
    return PBOutcome(
        election=election.name,
        rule=rule,
        selected=tuple(table["project_id"]),
        total_cost=_number(cost),
        welfare=_number(welfare),
        budget=election.budget,
        vote_type=election.vote_type,
        projects=table,
        solve_result=res,
    )


def _greedy_sat_class(election: PBElection) -> Any:
    pe = _pabutools()
    if election.vote_type == "approval":
        return pe.Cost_Sat
    return _points_times_cost_class()


def _points_times_cost_class() -> Any:
    pe = _pabutools()

    def points_times_cost(
        instance: Any, profile: Any, ballot: Any, project: Any, precomputed_values: Any
    ) -> Any:
        return ballot[project] * project.cost if project in ballot else 0

    class PointsTimesCostSat(pe.AdditiveSatisfaction):
        """Satisfaction = points given × cost, so that welfare per unit cost = points."""

        def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
            pe.AdditiveSatisfaction.__init__(self, instance, profile, ballot, points_times_cost)

    return PointsTimesCostSat


def _max_welfare_ids(
    election: PBElection, *, solver: str, time_limit: float | None
) -> tuple[set[str], SolveResult]:
    t = election.projects
    prob = pulp.LpProblem("pb_max_welfare", pulp.LpMaximize)
    idx = list(range(len(t)))
    x = prob.add_variable_dicts("x", idx, cat=pulp.LpBinary)
    prob += affine(x, [float(s) for s in t["score"]])
    prob += (affine(x, [float(c) for c in t["cost"]]) <= float(election.budget), "budget")
    # Scores are integers (approvals) or exact points: a zero gap proves the welfare optimum.
    res = solve(prob, solver=solver, time_limit=time_limit, mip_gap=0.0)
    if not res.optimal:
        raise ModelError(f"{election.name}: maximum-welfare MIP: {res.message}")
    ids = {t["project_id"].iat[i] for i in idx if res.value(x[i]) > 0.5}
    spent = sum(Fraction(c) for c in t.loc[t["project_id"].isin(ids), "cost"])
    if spent > Fraction(election.budget):
        raise ModelError(
            f"{election.name}: the MIP's selection costs {float(spent):,} above the budget "
            f"{election.budget:,} (solver tolerance); report this instance"
        )
    return ids, res


def pb_outcome(
    election: PBElection,
    rule: str,
    *,
    completion: str | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
) -> PBOutcome:
    """Compute the funded projects of ``rule`` on ``election``.

    Parameters
    ----------
    election : PBElection
        From :func:`read_pb`.
    rule : {"greedy", "mes", "max-welfare"}
        See the module docstring.
    completion : {None, "greedy", "add1", "add1-greedy"}
        Completion of ``"mes"`` (pabutools'); an error for the other rules.
    solver, time_limit
        Passed to :func:`cgresearch.allocation.solver.solve` for ``"max-welfare"``.

    Returns
    -------
    PBOutcome

    Examples
    --------
    >>> from cgresearch.paths import raw_data_dir
    >>> e = read_pb(raw_data_dir() / "pabulib" / "Netherlands_Amsterdam_179.pb")
    >>> pb_outcome(e, "greedy").total_cost <= e.budget
    True
    """
    if rule not in PB_RULES:
        raise ParameterError(f"unknown rule {rule!r}: use one of {', '.join(PB_RULES)}")
    _check_completion(rule, completion)
    if rule == "max-welfare":
        ids, res = _max_welfare_ids(election, solver=solver, time_limit=time_limit)
        return _outcome(election, rule, ids, res)
    _pabutools()
    from pabutools.rules import greedy_utilitarian_welfare

    if rule == "greedy":
        alloc = greedy_utilitarian_welfare(
            election.instance, election.profile, sat_class=_greedy_sat_class(election)
        )
    else:
        alloc = mes_with_completion(election.instance, election.profile, completion)
        if completion:
            rule = f"mes+{completion}"
    return _outcome(election, rule, {str(p.name) for p in alloc}, None)


def _check_completion(rule: str, completion: str | None) -> None:
    if completion is None:
        return
    if rule != "mes":
        raise ParameterError(
            f"completion {completion!r} applies to rule 'mes' only (rule is {rule!r}); drop it"
        )
    if completion not in MES_COMPLETIONS:
        raise ParameterError(
            f"unknown completion {completion!r}: use one of {', '.join(MES_COMPLETIONS)}"
        )


def mes_with_completion(instance: Any, profile: Any, completion: str | None = None) -> Any:
    """pabutools' MES (cost satisfaction) with one of :data:`MES_COMPLETIONS` (or none).

    Returns pabutools' ``BudgetAllocation``. ``"greedy"`` completes with the greedy rule of
    :func:`pb_outcome` (ordered by votes, or points, per unit of cost), through pabutools'
    ``completion_by_rule_combination``; ``"add1"`` is MES's ``voter_budget_increment=1``.
    """
    _pabutools()
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    _check_completion("mes", completion)
    mes_params: dict[str, Any] = {"sat_class": Cost_Sat}
    if completion in ("add1", "add1-greedy"):
        mes_params["voter_budget_increment"] = 1
    if completion in (None, "add1"):
        return method_of_equal_shares(instance, profile, **mes_params)
    approval = isinstance(profile, _pabutools().AbstractApprovalProfile)
    greedy_sat = Cost_Sat if approval else _points_times_cost_class()
    return completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [mes_params, {"sat_class": greedy_sat}],
    )


def pb_outcome_from_file(
    path: str | Path,
    rule: str,
    *,
    completion: str | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
) -> PBOutcome:
    """Read a ``.pb`` file and compute ``rule`` on it (what ``cgresearch pb`` runs).

    Examples
    --------
    >>> from cgresearch.paths import raw_data_dir
    >>> f = raw_data_dir() / "pabulib" / "Poland_Czestochowa_2020_Mirow.pb"
    >>> d = pb_outcome_from_file(f, "greedy").to_dict()
    >>> d["selected"], d["total_cost"], d["welfare"]
    (['261'], 232000, 1706)
    """
    if rule not in PB_RULES:
        raise ParameterError(f"unknown rule {rule!r}: use one of {', '.join(PB_RULES)}")
    _check_completion(rule, completion)
    return pb_outcome(
        read_pb(path), rule, completion=completion, solver=solver, time_limit=time_limit
    )


def _supports_any(ballot: Any, funded: set[Any]) -> bool:
    if hasattr(ballot, "items"):  # cumulative ballot: project -> points
        return any(points > 0 and p in funded for p, points in ballot.items())
    return any(p in funded for p in ballot)


def compare_pb_rules(
    election: PBElection, rules: Sequence[str] = PB_RULES, *, solver: str = "highs"
) -> pd.DataFrame:
    """Fairness figures of several rules side by side.

    Columns: ``rule``, ``n_funded``, ``total_cost``, ``spent_share`` (of the budget),
    ``welfare``, ``voters_with_funded`` (voters who approved, or gave points to, at least one
    funded project; pabutools' ``percent_non_empty_handed`` on approval ballots) and
    ``share_with_funded`` (the same as a share of all voters), ``avg_cost_satisfaction``
    (mean money spent on a voter's supported projects), ``gini_cost_satisfaction`` (pabutools'
    Gini coefficient of that satisfaction) and ``category_proportionality`` (pabutools'; NaN
    when the file declares no categories).

    Parameters
    ----------
    election : PBElection
    rules : sequence of str
    solver : str
        Solver for ``"max-welfare"``.

    Returns
    -------
    pandas.DataFrame
    """
    _pabutools()
    from pabutools.analysis import (
        avg_satisfaction,
        category_proportionality,
        gini_coefficient_of_satisfaction,
    )
    from pabutools.election import Cost_Sat

    by_id = {str(p.name): p for p in election.instance}
    rows = []
    for rule in rules:
        out = pb_outcome(election, rule, solver=solver)
        alloc = [by_id[i] for i in out.selected]
        funded = set(alloc)
        n_with = sum(1 for ballot in election.profile if _supports_any(ballot, funded))
        if election.instance.categories:
            cat = float(category_proportionality(election.instance, election.profile, alloc))
        else:
            cat = math.nan
        rows.append(
            {
                "rule": rule,
                "n_funded": len(out.selected),
                "total_cost": out.total_cost,
                "spent_share": float(out.total_cost) / float(election.budget),
                "welfare": out.welfare,
                "voters_with_funded": n_with,
                "share_with_funded": n_with / election.n_voters,
                "avg_cost_satisfaction": float(
                    avg_satisfaction(election.instance, election.profile, alloc, Cost_Sat)
                ),
                "gini_cost_satisfaction": float(
                    gini_coefficient_of_satisfaction(
                        election.instance, election.profile, alloc, Cost_Sat
                    )
                ),
                "category_proportionality": cat,
            }
        )
    return pd.DataFrame(rows)

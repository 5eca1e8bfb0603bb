"""District envelopes: how much of a governance budget each autonomous district (gu) receives.

Three ways to split a total ``B`` (억원) across districts ``i``:

**Formula** (:func:`formula_allocation`). ``weighted`` rule: every gu gets ``base_eok`` and the
rest, ``B − n·base``, is split by weighted indicator shares, ``t_i = base + (B − n·base) Σ_k ω_k
s_ik`` with ``s_ik = indicator_ik / Σ_j indicator_jk`` and ``ω_k = weight_k / weights_sum``.
Indicators (:data:`~cgresearch.allocation.scenario.INDICATORS`): ``base`` (1 each: an equal
share), ``pop``, ``elderly`` (65+), ``area``, ``dong`` (administrative dong) and ``fiscal_need``.
``shortfall`` rule, modelled on Seoul's equalisation grant (조정교부금): ``general_share`` (0.9)
of ``B`` by each gu's share of the fiscal shortfall (기준재정수요액 − 수입액), the rest equally
(the special grant is discretionary; an equal split stands in for it). Per-gu standard need and
revenue are not public here, so the shortfall is proxied by ``fiscal_need = population × (1 −
재정자립도/100)``: equal need per person, own revenue covering the gu's fiscal-independence share.

**Goal programming** (objective ``goal``). Minimise the weighted absolute deviation from the
formula targets, ``Σ w_i |x_i − t_i|`` (``w_i = 1``, or ``1/(n σ_i)`` with ``σ_i = t_i/B`` for
``deviation = "relative"``), subject to ``Σ x_i = B``, floors, caps, stability
``(1−δ)p_i ≤ x_i ≤ (1+δ)p_i``, performance tiers (grade → [min, max]) and the per-capita equity
bound ``max_i x_i/pop_i ≤ R · min_i x_i/pop_i`` (linearised with two auxiliary variables, ``lo ≤
x_i/pop_i ≤ hi``, ``hi ≤ R·lo``). Several allocations often share the least total deviation (an
extra 억원 taken from any over-target gu costs the same), so a tie-break term ``ε (D⁺ + D⁻)`` with
``d⁺_i ≤ σ_i D⁺``, ``d⁻_i ≤ σ_i D⁻`` spreads increases and cuts in proportion to the targets. It
is small enough not to change the least deviation (ε = 10⁻⁴ · min w · min σ; moving money between
two gu changes the deviation by at least ``|w_a ± w_b|`` per 억원).

**Max-min fairness** (objective ``maxmin``). Maximise ``Z = min_i x_i/σ_i``: the worst-off
district's amount relative to its need share. In per-person terms ``Z · 10⁸/Σpop`` is the smallest
need-weighted per-capita amount (KRW), where a gu's need index is its target per capita over the
city's. Ties among the better-off districts are broken by the least goal deviation (weight
10⁻⁶/max w, small enough that raising ``Z`` by δ, which moves at most δ 억원, always wins), and
then by the proportional tie-break above. These tie-breaks sit near HiGHS' tolerances for
max-min; another solver (``solver = "cbc"``) returns the same worst-off amount but may pick another
of the equally fair allocations.
``combined`` minimises ``a · Σ w|d|/B − b · Z/B`` with the scenario's ``combination`` weights.

These are linear programmes solved by HiGHS through highspy directly
(:mod:`~cgresearch.allocation.highs_lp`; each gu's floors, caps, stability limits and tier as
the bounds of its amount): :func:`solve_envelopes` loads a fresh model, :class:`EnvelopeModel`
keeps one and re-solves it from a cold start after changing costs and bounds, so both give the
same optimum even where several are optimal. Another ``solver`` (e.g. ``"cbc"``) goes through
PuLP and :mod:`~cgresearch.allocation.solver`. (The default objectives are closed forms or small
QPs: :mod:`~cgresearch.allocation.objectives`.)
Shadow prices follow the solver module's rule: the *improvement* of the objective per unit
increase of a constraint's right-hand side.

Examples
--------
>>> from cgresearch.allocation import Scenario, solve_envelopes
>>> from cgresearch.data.districts import load_districts
>>> s = Scenario(name="demo", total_budget_eok=250, floor_eok=9, cap_eok=11)
>>> res = solve_envelopes(load_districts(), s)
>>> res.status, round(float(res.table["amount_eok"].sum()), 6)
('optimal', 250.0)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.envelope_lp import (
    GROUPS,
    EnvelopeData,
    build_lp,
    lp_columns,
    prepare_data,
    solve_pulp,
)
from cgresearch.allocation.envelope_model import EnvelopeModel, diagnoses_for, formula_solution
from cgresearch.allocation.envelope_result import EnvelopeResult, build_result, compare
from cgresearch.allocation.highs_lp import HighsLP
from cgresearch.allocation.objectives import UNIQUE_OBJECTIVES, solve_unique
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import formula_allocation
from cgresearch.errors import InputError, ModelError, ParameterError

__all__ = [
    "GROUPS",
    "EnvelopeModel",
    "EnvelopeResult",
    "compare",
    "equity_frontier",
    "formula_allocation",
    "score_frontier",
    "solve_envelopes",
]


def solve_envelopes(districts: pd.DataFrame, scenario: Scenario) -> EnvelopeResult:
    """Solve one envelope scenario (closed form, or HiGHS through highspy) and explain it.

    Parameters
    ----------
    districts : DataFrame
        One row per gu (:func:`cgresearch.data.load_districts` for Seoul's 25).
    scenario : Scenario
        What to solve (:func:`~cgresearch.allocation.scenario.load_scenario`).

    Returns
    -------
    EnvelopeResult
        For an infeasible scenario, ``status == "infeasible"``, ``message`` and
        ``quick_diagnosis`` give the cheap diagnosis (at most one elastic LP) and
        ``diagnosis`` says, on first use, which constraint groups conflict and by how much to
        relax them.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> s = Scenario(name="g", total_budget_eok=20, weights={"base": 0.5, "pop": 0.5},
    ...              floor_eok=9)
    >>> solve_envelopes(d, s).table["amount_eok"].round(6).tolist()
    [9.0, 11.0]
    """
    data = prepare_data(districts, scenario)
    lp = build_lp(data)
    if scenario.objective == "formula":
        sol, diag = formula_solution(data, lp)
        return build_result(data, lp, sol, diag, diag)
    if scenario.objective in UNIQUE_OBJECTIVES:
        sol = solve_unique(data, lp)
    elif scenario.solver == "highs":
        sol = HighsLP().solve(data, lp)
    else:
        sol = solve_pulp(lp, scenario)
    # The quick diagnosis now; the full explanation (a few dozen LPs) on first use.
    return build_result(data, lp, sol, *diagnoses_for(data, sol, "quick"))


def equity_frontier(
    districts: pd.DataFrame,
    scenario: Scenario,
    ratios: Any = None,
    *,
    n_points: int = 12,
) -> pd.DataFrame:
    """Trace the equity–efficiency frontier by the ε-constraint method.

    For each per-capita equity bound ``R`` (largest over smallest per-capita amount), solve the
    scenario with ``max_per_capita_ratio = R`` and record the best objective: the price in
    objective terms (e.g. deviation from the formula, 억원) of each tighter equity bound.

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        The scenario; its own ``max_per_capita_ratio`` is replaced by each bound.
    ratios : sequence of float, optional
        The bounds (≥ 1). Default: ``n_points`` values from the ratio of the scenario solved
        without an equity bound down to 1.
    n_points : int
        Number of default bounds.

    Returns
    -------
    DataFrame
        ``max_per_capita_ratio`` (the bound), ``status``, ``objective_value``,
        ``objective_label``, ``total_abs_deviation_eok``, ``achieved_ratio``, ``gini``,
        ``theil``, ``min_need_weighted_per_capita_krw``; one row per bound, loosest first.

    Examples
    --------
    >>> from cgresearch.data.districts import load_districts
    >>> f = equity_frontier(load_districts(), Scenario(name="f", total_budget_eok=250),
    ...                     ratios=[5, 3, 2])
    >>> bool(f["objective_value"].is_monotonic_increasing)
    True
    """
    model = EnvelopeModel(districts, scenario)
    if ratios is None:
        free = model.solve({"max_per_capita_ratio": None}, diagnose=False)
        if not free.ok:
            raise ModelError(
                f"equity_frontier: scenario '{scenario.name}' has no allocation even without an "
                f"equity bound ({free.status}): {free.message}"
            )
        top = free.metrics["max_min_ratio"]
        ratios = np.linspace(top, 1.0, n_points)
    rows = []
    for r in sorted((float(v) for v in ratios), reverse=True):
        if r < 1:
            raise ParameterError(f"equity_frontier: ratio {r:g} is below 1")
        res = model.solve({"max_per_capita_ratio": r}, diagnose=False)
        m = res.metrics if res.ok else {}
        rows.append(
            {
                "max_per_capita_ratio": r,
                "status": res.status,
                "objective_value": res.objective_value,
                "objective_label": res.objective_label,
                "total_abs_deviation_eok": m.get("total_abs_deviation_eok", np.nan),
                "achieved_ratio": m.get("max_min_ratio", np.nan),
                "gini": m.get("gini", np.nan),
                "theil": m.get("theil", np.nan),
                "min_need_weighted_per_capita_krw": m.get(
                    "min_need_weighted_per_capita_krw", np.nan
                ),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["scenario"] = scenario.name
    return out


def score_frontier(
    districts: pd.DataFrame,
    scenario: Scenario,
    proposals: pd.DataFrame,
    ratios: Any = None,
    *,
    n_points: int = 8,
    score: str = "score",
    mip_gap: float = 1e-4,
) -> pd.DataFrame:
    """Equity–efficiency frontier in proposal scores (ε-constraint on the per-capita ratio).

    For each equity bound ``R``, one mixed-integer programme chooses the district envelopes
    ``x_i`` (억원) *and* the funded proposals together: maximise ``Σ score_j y_j`` subject to
    ``Σ x_i = B``, the scenario's floors, caps, stability and tiers on ``x``, the per-capita
    bound ``max x_i/pop_i ≤ R · min x_i/pop_i``, each district's spend ``Σ_{j in i} cost_j y_j ≤
    100 x_i`` (million KRW), at most one proposal per ``duplicate_group``, ``mandatory``
    proposals funded, and ``y_j`` binary (continuous in [0, 1] where ``partial_allowed``). The
    curve is the most score each equity bound allows: non-increasing as ``R`` tightens.

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        Budget and bounds on the envelopes (its objective and formula are not used here).
    proposals : DataFrame
        ``gu_code`` (= ``adm_code``), ``cost_mkrw``, the ``score`` column and optionally
        ``duplicate_group``, ``mandatory``, ``partial_allowed``.
    ratios : sequence of float, optional
        The bounds; default ``n_points`` values from the ratio of the best unconstrained choice
        down to 1.
    n_points : int
        Number of default bounds.
    score : str
        The proposal column maximised (``"score"`` or ``"votes"``).
    mip_gap : float
        Relative MIP gap at which HiGHS may stop.

    Returns
    -------
    DataFrame
        ``max_per_capita_ratio``, ``status``, ``objective_value`` (total score),
        ``objective_label``, ``n_selected``, ``spent_mkrw``, ``achieved_ratio``, ``mip_gap``;
        one row per bound, loosest first.
    """
    data = prepare_data(districts, scenario)
    codes = list(data.districts["adm_code"])
    for col in ("gu_code", "cost_mkrw", score):
        if col not in proposals.columns:
            raise InputError(f"proposals: column '{col}' is missing")
    where = {c: i for i, c in enumerate(codes)}
    unknown = sorted({c for c in proposals["gu_code"] if c not in where})
    if unknown:
        raise InputError(f"proposals: gu_code {unknown[:3]} not in the district table")
    label = f"total {score} of the funded proposals (higher is better)"

    def solve_at(ratio: float | None) -> dict[str, Any]:
        return _score_mip(data, proposals, where, ratio, score, mip_gap)

    if ratios is None:
        free = solve_at(None)
        top = free["achieved_ratio"] if np.isfinite(free["achieved_ratio"]) else 3.0
        ratios = np.linspace(max(top, 1.0), 1.0, n_points)
    rows = []
    for r in sorted((float(v) for v in ratios), reverse=True):
        if r < 1:
            raise ParameterError(f"score_frontier: ratio {r:g} is below 1")
        rows.append({"max_per_capita_ratio": r, **solve_at(r), "objective_label": label})
    out = pd.DataFrame(rows)
    out.attrs["scenario"] = scenario.name
    labels = proposals.get("data_label", pd.Series(dtype=str)).astype(str)
    out.attrs["synthetic"] = bool((labels == "synthetic").any())
    return out


def _score_mip(
    data: EnvelopeData,
    proposals: pd.DataFrame,
    where: dict[Any, int],
    ratio: float | None,
    score: str,
    mip_gap: float,
) -> dict[str, Any]:
    """One joint envelope + selection MIP (see :func:`score_frontier`)."""
    import pulp

    from cgresearch.allocation.solver import affine, solve

    scenario = data.scenario.with_overrides({"max_per_capita_ratio": ratio})
    lp = build_lp(replace(data, scenario=scenario), elastic_off=frozenset({"goal"}))
    n = data.n
    cols = lp_columns(n)
    prob = pulp.LpProblem("score_frontier", pulp.LpMaximize)
    x = [prob.add_variable(f"x_{i}", 0) for i in range(n)]
    lo, hi = prob.add_variable("pc_lo", 0), prob.add_variable("pc_hi", 0)
    var = {**dict(enumerate(x)), cols["lo"]: lo, cols["hi"]: hi}
    order = np.argsort(lp.a_row, kind="stable")
    starts = np.searchsorted(lp.a_row[order], np.arange(len(lp.row_names) + 1))
    for r, name in enumerate(lp.row_names):
        if lp.row_group[r] not in GROUPS or np.isnan(lp.rhs[r]):
            continue
        idx = order[starts[r] : starts[r + 1]]
        idx = idx[lp.a_val[idx] != 0]
        expr = affine([var[int(j)] for j in lp.a_col[idx]], lp.a_val[idx])
        kind, rhs = lp.row_kind[r], float(lp.rhs[r])
        prob += (
            expr == rhs if kind == "eq" else (expr >= rhs if kind == "ge" else expr <= rhs),
            name,
        )
    m = len(proposals)
    partial = (
        proposals["partial_allowed"].fillna(False).astype(bool).to_numpy()
        if "partial_allowed" in proposals.columns
        else np.zeros(m, dtype=bool)
    )
    y = [
        prob.add_variable(f"y_{j:05d}", 0, 1, cat="Continuous" if partial[j] else "Binary")
        for j in range(m)
    ]
    cost = proposals["cost_mkrw"].to_numpy(dtype=float)
    value = proposals[score].to_numpy(dtype=float)
    gu = np.array([where[c] for c in proposals["gu_code"]])
    prob += affine(y, value)
    for i in range(n):
        members = np.flatnonzero(gu == i)
        prob += (
            affine([y[j] for j in members] + [x[i]], [*cost[members], -100.0]) <= 0,
            f"spend_{i}",
        )
    if "duplicate_group" in proposals.columns:
        groups = proposals["duplicate_group"]
        for g, members in groups[groups.notna()].groupby(groups[groups.notna()]).groups.items():
            if len(members) > 1:
                pos = [proposals.index.get_loc(k) for k in members]
                prob += (affine([y[j] for j in pos]) <= 1, f"dup_{g}")
    if "mandatory" in proposals.columns:
        for j in np.flatnonzero(proposals["mandatory"].fillna(False).astype(bool).to_numpy()):
            prob += (affine([y[j]]) == 1, f"mandatory_{j}")
    res = solve(prob, time_limit=scenario.time_limit_s, mip_gap=mip_gap)
    if not res.has_solution:
        return {
            "status": res.status,
            "objective_value": np.nan,
            "n_selected": 0,
            "spent_mkrw": np.nan,
            "achieved_ratio": np.nan,
            "mip_gap": np.nan,
        }
    amounts = np.array([res.value(v) for v in x])
    funded = np.array([res.value(v) for v in y])
    pc = amounts * data.k
    return {
        "status": res.status,
        "objective_value": float(np.dot(funded, value)),
        "n_selected": int((funded > 1e-6).sum()),
        "spent_mkrw": float(np.dot(funded, cost)),
        "achieved_ratio": float(pc.max() / pc.min()) if pc.min() > 0 else math.inf,
        "mip_gap": res.mip_gap,
    }

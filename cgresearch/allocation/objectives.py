"""Objectives of the envelope model that give one answer: least squares and its closed forms.

When floors, caps, stability limits or tiers force money away from the formula targets ``t``,
the least-absolute-deviation objective (``goal``) has many optima and a solver picks one. The
objectives here are strictly convex in the amounts, so the allocation is unique:

``equal_adjustment`` (the default)
    Least squares ``min ½ Σ (x_i − t_i)²`` subject to ``Σ x_i = B`` and each gu's bounds. Its
    solution is the water-filling closed form ``x_i = clip(t_i + λ, lo_i, hi_i)``: every gu not
    held by a bound gets its formula target plus the same *common adjustment* ``λ`` (억원).
``proportional``
    Least squares relative to the targets, ``min ½ Σ (x_i − t_i)² / t_i``; closed form
    ``x_i = clip(λ t_i, lo_i, hi_i)``: every free gu gets its target times a common factor.
``least_squares``
    ``min ½ Σ w_i (x_i − t_i)²`` with the scenario's deviation weights (``w_i = 1`` or, for
    ``deviation = "relative"``, ``∝ 1/t_i``) as a convex QP on HiGHS (highspy,
    ``passHessian``). Without an equity bound it equals ``equal_adjustment`` (absolute) or
    ``proportional`` (relative); it is also how those two are solved when a per-capita equity
    bound (not a per-gu box) is set.
``minmax_relative``
    Lexicographic: first the smallest band ``M`` with ``|x_i − t_i| ≤ M t_i`` for every gu (an LP),
    then least squares within that band (a QP).

Here ``lo_i`` is the largest of 0, the floor, the lower stability limit and the tier minimum,
and ``hi_i`` the smallest of the cap, the upper stability limit and the tier maximum. The closed
forms are solved exactly by sorting the breakpoints of the piecewise-linear ``Σ x_i(λ)``.

Which of the five properties each objective has (hypothesis-tested in
``tests/allocation/test_objectives_properties.py``; see ``scenarios/README.md``) is recorded
in :data:`OBJECTIVE_PROPERTIES`.

Examples
--------
>>> import numpy as np
>>> x, lam = water_fill(np.array([7.1, 10.0, 12.9]), np.ones(3),
...                     np.array([8.0, 0, 0]), np.full(3, np.inf), 30.0)
>>> x.round(6).tolist(), round(lam, 6)
([8.0, 9.55, 12.45], -0.45)
"""

from __future__ import annotations

import time

import numpy as np

from cgresearch.allocation.closed_form import bound_prices, kkt_improvement, water_fill
from cgresearch.allocation.envelope_lp import (
    EnvelopeData,
    EnvelopeLP,
    EnvelopeSolution,
    box_bounds,
    lp_columns,
)
from cgresearch.allocation.equity_path import equity_exact
from cgresearch.errors import ModelError

__all__ = [
    "DEFAULT_OBJECTIVE",
    "OBJECTIVE_PROPERTIES",
    "UNIQUE_OBJECTIVES",
    "bound_prices",
    "run_highs",
    "solve_unique",
    "water_fill",
]

#: The default objective of a scenario.
DEFAULT_OBJECTIVE = "equal_adjustment"
#: Objectives with a unique optimum (strictly convex in the amounts), solved here.
UNIQUE_OBJECTIVES: tuple[str, ...] = (
    "equal_adjustment",
    "proportional",
    "least_squares",
    "minmax_relative",
)
_CLOSED_FORMS = ("equal_adjustment", "proportional")
_PROPERTIES = ("unique", "resource", "need", "symmetry", "order", "continuity")
#: objective -> property -> "yes" / "no" / a condition; as tested (box bounds: floors, caps,
#: stability limits and tiers; the per-capita equity bound is not a box).
OBJECTIVE_PROPERTIES: dict[str, dict[str, str]] = {
    "equal_adjustment": dict.fromkeys(_PROPERTIES, "yes"),
    "least_squares": dict.fromkeys(_PROPERTIES, "yes"),
    "proportional": {
        **dict.fromkeys(_PROPERTIES, "yes"),
        "resource": "only with base_eok = 0 (targets proportional to the total)",
    },
    "minmax_relative": {
        **dict.fromkeys(_PROPERTIES, "yes"),
        "resource": "not proved (no counterexample found)",
        "need": "not proved (no counterexample found)",
        "continuity": "not proved",
    },
    "goal": {
        "unique": "no (ties broken by a fixed proportional rule and the solver's path)",
        "resource": "no",
        "need": "no",
        "symmetry": "no",
        "order": "no",
        "continuity": "no",
    },
}
_TOL = 1e-9
_QP_ITERATIONS = 20_000


# --- the box of each gu -------------------------------------------------------------------------
def _uses_closed_form(data: EnvelopeData) -> bool:
    return data.scenario.objective in _CLOSED_FORMS and data.scenario.max_per_capita_ratio is None


def solve_unique(data: EnvelopeData, lp: EnvelopeLP) -> EnvelopeSolution:
    """Solve a :data:`UNIQUE_OBJECTIVES` scenario (closed form, or HiGHS QP)."""
    if _uses_closed_form(data):
        return _closed_form(data, lp)
    if data.scenario.objective == "minmax_relative":
        return _minmax_relative(data, lp)
    return _qp(data, lp)


def _closed_form(data: EnvelopeData, lp: EnvelopeLP) -> EnvelopeSolution:
    start = time.perf_counter()
    s = data.scenario
    lo, hi = box_bounds(data)
    budget = s.total_budget_eok
    scale = max(1.0, abs(budget))
    if np.any(lo > hi + _TOL * scale) or not (
        lo.sum() <= budget + _TOL * scale and budget <= hi.sum() + _TOL * scale
    ):
        return EnvelopeSolution(
            "infeasible", "no allocation satisfies every bound", None, None, 0.0
        )
    t = data.target
    if s.objective == "equal_adjustment":
        x, lam = water_fill(t, np.ones(data.n), lo, hi, budget)
        multiplier = lam
    else:
        x, factor = water_fill(np.zeros(data.n), t, lo, hi, budget)
        # w_i (x_i − t_i) with w_i = 1/(n σ_i) = B/(n t_i): (factor − 1) B / n.
        multiplier = (factor - 1.0) * budget / data.n
    values = np.zeros(len(lp.col_names))
    values[: data.n] = x
    improvement = kkt_improvement(data, lp, x, multiplier, lo, hi)
    elapsed = time.perf_counter() - start
    return EnvelopeSolution(
        "optimal",
        "optimal solution found",
        values,
        improvement,
        elapsed,
        multiplier=multiplier,
    )


# --- HiGHS: the QP and the min-max LP ----------------------------------------------------------
def _group_rows(data: EnvelopeData, lp: EnvelopeLP, extra_cols: int = 0):
    """The budget and equity rows over the columns x, pc_lo, pc_hi (+ ``extra_cols``).

    Each gu's floors, caps, stability limits and tier are column bounds (:func:`box_bounds`).
    """
    n = data.n
    cols = lp_columns(n)
    keep = np.array([*range(n), cols["lo"], cols["hi"]])
    col_of = np.full(len(lp.col_names), -1)
    col_of[keep] = np.arange(keep.size)
    active = np.isin(lp.row_group, ("budget", "equity")) & ~np.isnan(lp.rhs)
    rows = np.flatnonzero(active)
    row_of = np.full(len(lp.row_names), -1)
    row_of[rows] = np.arange(rows.size)
    lo, hi = lp.row_bounds()
    nz = active[lp.a_row] & (lp.a_val != 0)
    return (
        keep.size + extra_cols,
        rows,
        lo[rows],
        hi[rows],
        row_of[lp.a_row[nz]],
        col_of[lp.a_col[nz]],
        lp.a_val[nz],
    )


def run_highs(
    ncol: int,
    col_lb: np.ndarray,
    col_ub: np.ndarray,
    cost: np.ndarray,
    row_lb: np.ndarray,
    row_ub: np.ndarray,
    e_row: np.ndarray,
    e_col: np.ndarray,
    e_val: np.ndarray,
    hessian: np.ndarray | None,
    time_limit: float | None,
    *,
    presolve: bool = True,
):
    """One HiGHS solve: returns (status word, solution or None)."""
    import highspy

    from cgresearch.allocation.solver import new_highs

    # Shift every column to a zero lower bound (x = y + lb): HiGHS' QP solver can fail on tiny
    # positive lower bounds (a "Solve error" at lb = 1e-6), never on zero ones.
    shift = np.where(np.isfinite(col_lb), col_lb, 0.0)
    col_lb, col_ub = col_lb - shift, col_ub - shift
    activity = np.bincount(e_row, weights=e_val * shift[e_col], minlength=row_lb.size)
    row_lb, row_ub = row_lb - activity, row_ub - activity
    if hessian is not None:
        cost = cost + hessian * shift
    h = new_highs()
    h.setOptionValue("qp_regularization_value", 0.0)
    # HiGHS' QP solver can cycle on degenerate problems without regularisation: bound its
    # iterations and retry once with its default regularisation (1e-7) before giving up.
    h.setOptionValue("qp_iteration_limit", _QP_ITERATIONS)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    if not presolve:
        h.setOptionValue("presolve", "off")
    inf = highspy.kHighsInf
    h.addVars(ncol, col_lb, np.where(np.isinf(col_ub), inf, col_ub))
    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost)
    order = np.argsort(e_row, kind="stable")
    m = row_lb.size
    starts = np.searchsorted(e_row[order], np.arange(m)).astype(np.int32)
    h.addRows(
        m,
        np.where(np.isinf(row_lb), -inf, row_lb),
        np.where(np.isinf(row_ub), inf, row_ub),
        int(e_val.size),
        starts,
        e_col[order].astype(np.int32),
        e_val[order],
    )
    if hessian is not None:
        on = np.flatnonzero(hessian != 0).astype(np.int32)  # explicit zeros upset HiGHS' QP
        starts = np.searchsorted(on, np.arange(ncol + 1)).astype(np.int32)
        h.passHessian(ncol, int(on.size), 1, starts, on, hessian[on])  # 1: triangular
    h.run()
    S = highspy.HighsModelStatus
    ms = h.getModelStatus()
    if hessian is not None and ms in (S.kIterationLimit, S.kSolveError):
        h.setOptionValue("qp_regularization_value", 1e-7)
        h.clearSolver()
        h.run()
        ms = h.getModelStatus()
    if ms == S.kOptimal:
        sol = h.getSolution()
        return "optimal", (np.asarray(sol.col_value, dtype=float) + shift, sol)
    if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return "infeasible", None
    if ms in (S.kTimeLimit, S.kIterationLimit):
        return "time_limit", None
    raise ModelError(f"HiGHS could not solve the envelope model: {h.modelStatusToString(ms)}")


def _qp(data: EnvelopeData, lp: EnvelopeLP, band: float | None = None) -> EnvelopeSolution:
    """``min ½ Σ w (x − t)²`` over every active constraint group (optionally within a band)."""
    start = time.perf_counter()
    n = data.n
    ncol, rows, rlo, rhi, er, ec, ev = _group_rows(data, lp)
    w, t = data.weight, data.target
    cost = np.zeros(ncol)
    cost[:n] = -w * t
    hess = np.zeros(ncol)
    hess[:n] = w
    lo, hi = box_bounds(data)
    if np.any(lo > hi):
        return EnvelopeSolution(
            "infeasible", "no allocation satisfies every bound", None, None, 0.0
        )
    col_lb = np.zeros(ncol)
    col_ub = np.full(ncol, np.inf)
    col_lb[:n], col_ub[:n] = lo, hi
    if data.scenario.max_per_capita_ratio is None:
        col_ub[n : n + 2] = 0.0  # the per-capita band columns are in no row: pin them
    sigma = 1.0
    if data.scenario.max_per_capita_ratio is not None:
        # The band columns (the lowest and highest per-capita amount, KRW per person) are about
        # k = KRW per person per 억원 times larger than the amounts, and HiGHS' QP solver cycles on
        # that scaling (iteration limit even on two gu). Measure them in units of sigma instead:
        # the rows are the same rows (same activity, same duals); only the two columns rescale.
        sigma = max(float(np.max(np.abs(data.k * t))), 1e-300) / max(float(np.max(t)), 1e-300)
        ev = np.where((ec == n) | (ec == n + 1), ev * sigma, ev)
    if band is not None:
        col_lb[:n] = np.maximum(lo, t * (1 - band))
        col_ub[:n] = np.minimum(hi, t * (1 + band))
        col_lb[:n] = np.minimum(col_lb[:n], col_ub[:n])
    if data.scenario.max_per_capita_ratio is not None:
        # HiGHS' QP solver returns non-optimal points as "optimal" here: solved exactly instead
        return equity_exact(data, lp, col_lb[:n], col_ub[:n], start)
    status, sol = run_highs(
        ncol, col_lb, col_ub, cost, rlo, rhi, er, ec, ev, hess, data.scenario.time_limit_s
    )
    elapsed = time.perf_counter() - start
    if sol is None:
        return _message(status, data, elapsed)
    x, sol = sol
    values = np.zeros(len(lp.col_names))
    cols = lp_columns(n)
    values[:n] = x[:n]
    values[cols["lo"]], values[cols["hi"]] = x[n] * sigma, x[n + 1] * sigma
    improvement = np.zeros(len(lp.row_names))
    improvement[rows] = -np.asarray(sol.row_dual, dtype=float) + 0.0
    reduced = np.asarray(sol.col_dual, dtype=float)[:n]
    bound_prices(data, lp, x[:n], reduced, lo, hi, improvement)
    lam = float(np.asarray(sol.row_dual)[0]) if rows.size and rows[0] == 0 else None
    return EnvelopeSolution(
        "optimal",
        "optimal solution found",
        values,
        improvement,
        elapsed,
        multiplier=lam,
        band=band,
    )


def _minmax_relative(data: EnvelopeData, lp: EnvelopeLP) -> EnvelopeSolution:
    """Stage 1: the least band ``M`` with ``|x_i − t_i| ≤ M t_i``; stage 2: least squares in it."""
    start = time.perf_counter()
    n = data.n
    ncol, rows, rlo, rhi, er, ec, ev = _group_rows(data, lp, extra_cols=1)
    m_col = ncol - 1
    t = data.target
    idx = np.arange(n)
    m0 = rows.size
    # x_i − t_i M ≤ t_i and x_i + t_i M ≥ t_i
    er = np.concatenate([er, m0 + idx, m0 + idx, m0 + n + idx, m0 + n + idx])
    ec = np.concatenate([ec, idx, np.full(n, m_col), idx, np.full(n, m_col)])
    ev = np.concatenate([ev, np.ones(n), -t, np.ones(n), t])
    rlo = np.concatenate([rlo, np.full(n, -np.inf), t])
    rhi = np.concatenate([rhi, t, np.full(n, np.inf)])
    cost = np.zeros(ncol)
    cost[m_col] = 1.0
    lo, hi = box_bounds(data)
    if np.any(lo > hi):
        return EnvelopeSolution(
            "infeasible", "no allocation satisfies every bound", None, None, 0.0
        )
    col_lb, col_ub = np.zeros(ncol), np.full(ncol, np.inf)
    col_lb[:n], col_ub[:n] = lo, hi
    if data.scenario.max_per_capita_ratio is None:
        col_ub[n : n + 2] = 0.0  # the per-capita band columns are in no row: pin them
    status, sol = run_highs(
        ncol,
        col_lb,
        col_ub,
        cost,
        rlo,
        rhi,
        er,
        ec,
        ev,
        None,
        data.scenario.time_limit_s,
    )
    if sol is None:
        return _message(status, data, time.perf_counter() - start)
    band = float(sol[0][m_col])
    out = _qp(data, lp, band=band * (1 + 1e-12) + 1e-13)
    return EnvelopeSolution(
        out.status,
        out.message,
        out.values,
        out.improvement,
        time.perf_counter() - start,
        multiplier=out.multiplier,
        band=band,
        ratio_slope=out.ratio_slope,
        budget_slope=out.budget_slope,
    )


def _message(status: str, data: EnvelopeData, elapsed: float) -> EnvelopeSolution:
    if status == "infeasible":
        return EnvelopeSolution(
            "infeasible", "no allocation satisfies every bound", None, None, elapsed
        )
    limit = data.scenario.time_limit_s
    return EnvelopeSolution(
        status,
        f"stopped by the time limit of {limit:g} s before optimality"
        if limit
        else "HiGHS' QP solver stopped at its iteration limit before optimality: solve this "
        "scenario with objective = 'goal' or drop max_per_capita_ratio",
        None,
        None,
        elapsed,
    )

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

import functools
import time
from dataclasses import replace

import numpy as np

from cgresearch.allocation.envelope_lp import (
    EnvelopeData,
    EnvelopeLP,
    EnvelopeSolution,
    box_bounds,
    lp_columns,
)
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


def water_fill(
    base: np.ndarray,
    slope: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    total: float,
) -> tuple[np.ndarray, float]:
    """Return ``x_i = clip(base_i + λ slope_i, lower_i, upper_i)`` with ``Σ x_i = total``, and λ.

    ``Σ x_i(λ)`` is non-decreasing and piecewise linear in λ with breakpoints where a gu meets a
    bound; the segment holding ``total`` is found by sorting them, and λ is then solved from
    the gu strictly between their bounds. ``slope = 1`` gives the equal adjustment, ``base = 0``
    and ``slope = t`` the proportional one.

    Parameters
    ----------
    base, slope : ndarray
        Per gu; ``slope ≥ 0``.
    lower, upper : ndarray
        Per gu bounds (``upper`` may be ``inf``); ``lower ≤ upper``.
    total : float
        The sum the amounts must reach, between ``Σ lower`` and ``Σ upper``.

    Returns
    -------
    x : ndarray
    lam : float
        The multiplier (any value of an interval where every gu is at a bound: its left end).

    Raises
    ------
    ModelError
        When ``total`` is outside ``[Σ lower, Σ upper]`` or a lower bound is above its upper.

    Examples
    --------
    >>> x, lam = water_fill(np.zeros(2), np.array([1.0, 3.0]), np.zeros(2), np.array([2.0, 9]), 8)
    >>> x.tolist(), lam
    ([2.0, 6.0], 2.0)
    """
    base, slope = np.asarray(base, float), np.asarray(slope, float)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    if np.any(lower > upper + _TOL) or not (
        lower.sum() - _TOL * max(1.0, abs(total))
        <= total
        <= upper.sum() + _TOL * max(1.0, abs(total))
    ):
        raise ModelError(
            f"water_fill: the total {total:g} is outside the bounds' range "
            f"[{lower.sum():g}, {upper.sum():g}] or a lower bound is above its upper bound"
        )
    moving = slope > 0
    fixed_x = np.clip(base, lower, upper)

    def amounts(lam: float) -> np.ndarray:
        return np.where(moving, np.clip(base + lam * slope, lower, upper), fixed_x)

    with np.errstate(divide="ignore", invalid="ignore"):
        lo_bp = (lower - base) / slope
        hi_bp = (upper - base) / slope
    points = np.concatenate([lo_bp[moving], hi_bp[moving]])
    points = np.unique(points[np.isfinite(points)])
    if points.size == 0:
        return fixed_x, 0.0
    x_at = np.clip(base[None, :] + points[:, None] * slope[None, :], lower, upper)
    sums = np.where(moving[None, :], x_at, fixed_x[None, :]).sum(axis=1)
    tol = _TOL * max(1.0, abs(total))
    k = int(np.searchsorted(sums, total - tol))
    if k < points.size and (k == 0 or abs(sums[k] - total) <= tol):
        return amounts(float(points[k])), float(points[k])
    # Inside a segment (or beyond the last breakpoint): Σ x is linear in λ over the gu strictly
    # between their bounds; solve λ from them exactly.
    probe = float(points[-1] + 1.0) if k == points.size else float((points[k - 1] + points[k]) / 2)
    inside = moving & (base + probe * slope > lower) & (base + probe * slope < upper)
    rest = float(np.where(inside, 0.0, amounts(probe)).sum())
    moving_sum = float(slope[inside].sum())
    if moving_sum <= 0:
        return amounts(probe), probe
    lam = (total - rest - float(base[inside].sum())) / moving_sum
    return amounts(lam), float(lam)


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
    improvement = _kkt_improvement(data, lp, x, multiplier, lo, hi)
    elapsed = time.perf_counter() - start
    return EnvelopeSolution(
        "optimal",
        "optimal solution found",
        values,
        improvement,
        elapsed,
        multiplier=multiplier,
    )


def _kkt_improvement(
    data: EnvelopeData, lp: EnvelopeLP, x: np.ndarray, lam: float, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Row prices of ``½ Σ w (x − t)²`` at the closed form (improvement per unit rhs increase).

    A gu at its lower bound has ``ν_i = w_i (x_i − t_i) − λ ≥ 0``, at its upper bound
    ``η_i = λ − w_i (x_i − t_i) ≥ 0``: the reduced cost of its amount.
    """
    imp = np.zeros(len(lp.row_names))
    bound_prices(data, lp, x, data.weight * (x - data.target) - lam, lo, hi, imp)
    imp[0] = -lam
    return imp


def bound_prices(
    data: EnvelopeData,
    lp: EnvelopeLP,
    x: np.ndarray,
    reduced: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    imp: np.ndarray,
) -> None:
    """Put each gu's reduced cost (d objective / d bound) on the first row holding that bound."""
    scale = np.maximum(1.0, np.abs(x))
    n = data.n
    at_lo = np.flatnonzero((np.abs(x - lo) <= 1e-9 * scale) & (reduced > 0))
    at_hi = np.flatnonzero((np.abs(x - hi) <= 1e-9 * scale) & (reduced < 0))
    # Row blocks of _structure: budget, goal, floor, cap, stab_lo, stab_hi, tier_lo, tier_hi.
    lower = ((2, data.floor), (4, data.stab_lo), (6, data.tier_lo))
    upper = ((3, data.cap), (5, data.stab_hi), (7, data.tier_hi))
    for where, rows in ((at_lo, lower), (at_hi, upper)):
        for i in where.tolist():
            for block, bound in rows:
                if abs(bound[i] - x[i]) <= 1e-9 * scale[i]:
                    imp[1 + (block - 1) * n + i] = -reduced[i]
                    break


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
        return _equity_exact(data, lp, col_lb[:n], col_ub[:n], start)
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


def _equity_exact(
    data: EnvelopeData, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray, start: float
) -> EnvelopeSolution:
    """``min ½ Σ w (x − t)²`` with ``Σ x = B``, the box, and ``max k x ≤ r · min k x``, exactly.

    HiGHS' QP solver returns non-optimal points as "optimal" on this problem (HiGHS 1.16, even
    on two gu, in the band and in the pairwise form), so it is solved here without it. For a
    fixed lowest per-capita level ``L`` the band is a box, ``L/k_i ≤ x_i ≤ rL/k_i``, and the
    problem is a weighted water-fill (``x_i = clip(t_i + λ/w_i, …)``). Its optimal value ``F`` is
    convex in ``L`` (a partial minimum of a convex problem) on an interval found by bisection, and
    piecewise quadratic (the set of gu at a bound changes at finitely many ``L``), so its slope
    ``F'`` (envelope theorem: the bound multipliers times the band's motion) is non-decreasing
    and piecewise linear: :func:`_convex_minimum` finds its zero by regula falsi, exact once both
    ends lie on one piece (a handful of water-fills against the 68 of a golden-section search).
    The amounts are unique (the objective is strictly convex in them), whichever optimal ``L``.
    The budget's shadow price is ``λ``; the equity
    bound's, ``dF/dR`` of the optimal value ``F`` in the ratio bound ``R``, is a central finite
    difference of this exact optimum, made on demand (:func:`_ratio_slope`).
    """
    s = data.scenario
    budget, r = s.total_budget_eok, float(s.max_per_capita_ratio)
    k, t, w = data.k, data.target, data.weight
    scale = max(1.0, abs(budget))
    infeasible = EnvelopeSolution(
        "infeasible",
        "no allocation satisfies every bound and the per-capita equity bound",
        None,
        None,
        time.perf_counter() - start,
    )
    if np.any(lo > hi):
        return infeasible

    def box(level: float) -> tuple[np.ndarray, np.ndarray]:
        return np.maximum(lo, level / k), np.minimum(hi, r * level / k)

    # every gu's band meets its box: max k lo / r ≤ L ≤ min k hi
    left, right = float(np.max(k * lo) / r), float(np.min(k * hi))
    right = min(right, float(np.max(k)) * budget)  # no gu gets more than the budget

    def bisect(pred, a: float, b: float) -> float:
        """The boundary between a (pred false) and b (pred true), for a monotone pred."""
        for _ in range(200):
            mid = (a + b) / 2
            a, b = (a, mid) if pred(mid) else (mid, b)
            if b - a <= 1e-15 * max(1.0, abs(b)):
                break
        return b

    if left > right:
        return infeasible
    # Σ upper(L) ≥ B (non-decreasing in L) and Σ lower(L) ≤ B (non-decreasing in L)
    if box(right)[1].sum() < budget - _TOL * scale or box(left)[0].sum() > budget + _TOL * scale:
        return infeasible
    if box(left)[1].sum() < budget:
        left = bisect(lambda v: box(v)[1].sum() >= budget, left, right)
    if box(right)[0].sum() > budget:
        right = -bisect(lambda v: box(-v)[0].sum() <= budget, -right, -left)
    if left > right * (1 + 1e-12):
        return infeasible

    def solve(level: float) -> tuple[float, np.ndarray, float]:
        """The slope ``F'(L)``, the amounts and λ at the level ``L`` (one water-fill)."""
        a, b = box(level)
        lower = np.minimum(a, b)
        x, lam = water_fill(t, 1.0 / w, lower, b, budget)
        # Envelope theorem: F'(L) = Σ ν_i · d(bound_i)/dL over the gu held by a band bound that
        # moves with L, with ν_i = w_i (x_i − t_i) − λ the bound's multiplier.
        nu = w * (x - t) - lam
        eps = 1e-12 * np.maximum(1.0, np.abs(x))
        at_low = (x <= lower + eps) & (level / k > lo) & (nu > 0)
        at_high = (x >= b - eps) & (r * level / k < hi) & (nu < 0) & ~at_low
        slope = float(np.sum(nu[at_low] / k[at_low]) + np.sum(nu[at_high] * r / k[at_high]))
        return slope, x, lam

    level = _convex_minimum(lambda v: solve(v)[0], left, right)
    _, x, lam = solve(level)
    values = np.zeros(len(lp.col_names))
    cols = lp_columns(data.n)
    values[: data.n] = x
    values[cols["lo"]], values[cols["hi"]] = float(np.min(k * x)), float(np.max(k * x))
    improvement = _kkt_improvement(data, lp, x, lam, lo, hi)
    return EnvelopeSolution(
        "optimal",
        "optimal solution found",
        values,
        improvement,
        time.perf_counter() - start,
        multiplier=lam,
        ratio_slope=functools.partial(_ratio_slope, data, lp, lo, hi, x),
        budget_slope=functools.partial(_budget_slope, data, lp, lo, hi, x),
    )


def _convex_minimum(slope, left: float, right: float) -> float:
    """Minimiser on ``[left, right]`` of a convex function given its non-decreasing slope.

    Regula falsi with the Illinois modification on the slope, safeguarded by bisection: on a
    piecewise-linear slope the secant step is exact as soon as both bracket ends lie on the
    same linear piece. Ends at ``left`` (``right``) when the slope there is ≥ 0 (≤ 0).

    Examples
    --------
    >>> round(_convex_minimum(lambda v: max(2 * (v - 1), v - 1), -5.0, 7.0), 12)
    1.0
    """
    fa, fb = slope(left), slope(right)
    if fa >= 0:
        return left
    if fb <= 0:
        return right
    a, b = left, right
    side = 0
    for _ in range(200):
        if b - a <= 1e-15 * max(1.0, abs(a), abs(b)):
            break
        m = b - fb * (b - a) / (fb - fa)
        if not a < m < b:
            m = (a + b) / 2
        fm = slope(m)
        if fm == 0:
            return m
        if fm < 0:
            a, fa = m, fm
            if side == -1:
                fb /= 2
            side = -1
        else:
            b, fb = m, fm
            if side == 1:
                fa /= 2
            side = 1
        if abs(fm) <= 1e-13 * max(1.0, abs(fa), abs(fb)) and b - a <= 1e-9 * max(1.0, abs(m)):
            return m
    return a if -fa <= fb else b


#: Relative step of the central difference in the ratio bound: large against the accuracy of
#: the exact optimum (amounts to about 1e-9), small against the curvature of F.
_RATIO_STEP = 1e-3


def _ratio_slope(
    data: EnvelopeData, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray, x: np.ndarray
) -> float:
    """``dF/dR``: how the least ``F = ½ Σ w (x − t)²`` changes per unit of the ratio bound ``R``.

    A central finite difference of the exact optimum, ``(F(R + h) − F(R − h)) / 2h`` with
    ``h = 10⁻³ R`` (one-sided where ``R − h`` is below 1 or infeasible); 0 when the bound does
    not bind at ``x``. ``F`` is convex in ``R`` and smooth between the values of ``R`` where a gu
    meets or leaves a bound; at such a kink the central difference is the mean of the two
    one-sided slopes. The improvement per unit increase of ``R`` is ``−dF/dR ≥ 0``.
    """
    r = float(data.scenario.max_per_capita_ratio)
    pc = data.k * x
    if pc.min() <= 0 or pc.max() < r * pc.min() * (1 - 1e-6):
        return 0.0  # the bound is slack: loosening it changes nothing

    def value(ratio: float) -> float | None:
        scenario = data.scenario.with_overrides({"max_per_capita_ratio": ratio})
        sol = _equity_exact(replace(data, scenario=scenario), lp, lo, hi, time.perf_counter())
        if sol.values is None:
            return None
        y = sol.values[: data.n]
        return float(0.5 * np.sum(data.weight * (y - data.target) ** 2))

    h = _RATIO_STEP * r
    here = float(0.5 * np.sum(data.weight * (x - data.target) ** 2))
    up = value(r + h)
    down = value(r - h) if r - h >= 1.0 else None
    if up is None:
        return 0.0 if down is None else (here - down) / h
    if down is None:
        return (up - here) / h
    return (up - down) / (2 * h)


def _budget_slope(
    data: EnvelopeData, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray, x: np.ndarray
) -> float:
    """``dF/dB`` on the exact equity path: a central difference in the total ``B``.

    The formula targets are linear in ``B`` (``t + ΔB · ∂t/∂B``) and move with it, as the budget
    price of the other objectives does. With the equity band the budget multiplier ``λ`` is not
    this derivative when every gu is held by the band (the water-fill's ``λ`` is then any value
    of an interval), so it is measured on the exact optimum instead.
    """
    budget = float(data.scenario.total_budget_eok)
    h = _RATIO_STEP * max(1.0, abs(budget))

    def value(total: float) -> float | None:
        scenario = data.scenario.with_overrides({"total_budget_eok": total})
        target = data.target + (total - budget) * data.dtarget_db
        moved = replace(data, scenario=scenario, target=target)
        sol = _equity_exact(moved, lp, lo, hi, time.perf_counter())
        if sol.values is None:
            return None
        y = sol.values[: data.n]
        return float(0.5 * np.sum(data.weight * (y - target) ** 2))

    here = float(0.5 * np.sum(data.weight * (x - data.target) ** 2))
    up, down = value(budget + h), value(budget - h)
    if up is None:
        return 0.0 if down is None else (here - down) / h
    if down is None:
        return (up - here) / h
    return (up - down) / (2 * h)


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

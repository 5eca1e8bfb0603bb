"""The exact equity-bounded least-squares path, and its budget and ratio prices.

``min ½ Σ w (x − t)²`` with ``Σ x = B``, each gu's box and the per-capita equity bound
``max k x ≤ r · min k x``, solved without HiGHS' QP solver: for a fixed lowest per-capita level
the band is a box and the problem a water-fill
(:func:`~cgresearch.allocation.closed_form.water_fill`); the level is found by regula falsi on
the slope of the piecewise-quadratic optimal value (:func:`equity_exact`). The
prices of the budget and of the ratio bound are central finite differences of this exact
optimum, made on demand.

Examples
--------
>>> round(_convex_minimum(lambda v: max(2 * (v - 1), v - 1), -5.0, 7.0), 12)
1.0
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace

import numpy as np

from cgresearch.allocation.closed_form import kkt_improvement, water_fill
from cgresearch.allocation.envelope_lp import (
    EnvelopeData,
    EnvelopeLP,
    EnvelopeSolution,
    lp_columns,
)

__all__ = ["equity_exact"]

_TOL = 1e-9


def equity_exact(
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
    improvement = kkt_improvement(data, lp, x, lam, lo, hi)
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
        sol = equity_exact(replace(data, scenario=scenario), lp, lo, hi, time.perf_counter())
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
        sol = equity_exact(moved, lp, lo, hi, time.perf_counter())
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

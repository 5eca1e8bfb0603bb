"""The water-filling closed form of the unique objectives, and its prices (KKT conditions).

:func:`water_fill` solves ``x_i = clip(base_i + λ slope_i, lower_i, upper_i)`` with
``Σ x_i = total`` exactly, by sorting the breakpoints of the piecewise-linear ``Σ x_i(λ)``:
``equal_adjustment`` and ``proportional`` (:mod:`cgresearch.allocation.objectives`) and each
level of the exact equity path (:mod:`cgresearch.allocation.equity_path`).
:func:`kkt_improvement` and :func:`bound_prices` turn its multiplier and the reduced costs
into row prices of the envelope LP.

Examples
--------
>>> import numpy as np
>>> x, lam = water_fill(np.array([7.1, 10.0, 12.9]), np.ones(3),
...                     np.array([8.0, 0, 0]), np.full(3, np.inf), 30.0)
>>> x.round(6).tolist(), round(lam, 6)
([8.0, 9.55, 12.45], -0.45)
"""

from __future__ import annotations

import numpy as np

from cgresearch.allocation.envelope_lp import EnvelopeData, EnvelopeLP
from cgresearch.errors import ModelError

__all__ = ["bound_prices", "kkt_improvement", "water_fill"]

_TOL = 1e-9


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


def kkt_improvement(
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

"""Envelopes in whole units (e.g. 0.01억원 = 100만원, or 1억원) with the total kept exact.

Officials allocate in whole units. Rounding each envelope on its own breaks the total; the
largest-remainder (Hamilton) method keeps it but suffers the *Alabama paradox*: a larger total can
give a gu one unit less. A divisor method never does (it is *house-monotone*): Webster /
Sainte-Laguë gives gu ``i`` ``median(lo_i, round(q_i / d), hi_i)`` units for a common divisor
``d`` chosen so the units add up to the total, with ``q_i`` the continuous amount in units and
``lo_i``/``hi_i`` its bounds in whole units (rounded inwards). Units are handed out one at a time
to the highest ``q_i / (a_i + ½)``, so each larger total only adds units; exact ties go to the gu
with the larger continuous amount, then the smaller ``adm_code``, so the order of the rows does
not matter.

Examples
--------
>>> import numpy as np
>>> round_to_units(np.array([2.4, 3.4, 4.2]), 1.0).tolist()   # 3.4/3.5 claims the 10th unit
[2.0, 4.0, 4.0]
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from cgresearch.errors import ParameterError

__all__ = ["ROUNDING_METHODS", "round_to_units"]

#: ``webster`` (Sainte-Laguë divisor method, house-monotone) or ``largest_remainder``
#: (Hamilton; shown for comparison: it suffers the Alabama paradox).
ROUNDING_METHODS: tuple[str, ...] = ("webster", "largest_remainder")
_EPS = 1e-9


def round_to_units(
    amounts: np.ndarray,
    unit: float,
    *,
    total: float | None = None,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    keys: np.ndarray | None = None,
    method: str = "webster",
) -> np.ndarray:
    """Return the amounts rounded to whole ``unit``\\ s, summing exactly to ``total``.

    Parameters
    ----------
    amounts : ndarray
        Continuous amounts (억원), ≥ 0.
    unit : float
        The unit (억원), e.g. 0.01 for 100만원.
    total : float, optional
        The total to keep (default ``amounts.sum()``); must be a whole number of units.
    lower, upper : ndarray, optional
        Per-gu bounds (억원), rounded inwards to whole units.
    keys : ndarray, optional
        Tie-break keys (e.g. ``adm_code``), smaller first; default the row order.
    method : {"webster", "largest_remainder"}

    Returns
    -------
    ndarray
        Multiples of ``unit``.

    Raises
    ------
    ParameterError
        When the total is not a whole number of units, or the bounds in whole units cannot
        hold it (the unit is too coarse for them).

    Examples
    --------
    >>> round_to_units(np.array([2.5, 2.5, 5.0]), 1.0, lower=np.array([3.0, 0, 0])).tolist()
    [3.0, 2.0, 5.0]
    """
    q_amounts = np.asarray(amounts, dtype=float)
    n = q_amounts.size
    if method not in ROUNDING_METHODS:
        raise ParameterError(
            f"rounding method {method!r} is unknown: use {' or '.join(ROUNDING_METHODS)}"
        )
    if not (unit > 0 and math.isfinite(unit)):
        raise ParameterError(f"rounding_unit_eok = {unit!r} must be a positive number (억원)")
    total = float(q_amounts.sum()) if total is None else float(total)
    house_f = total / unit
    house = round(house_f)
    if abs(house - house_f) > 1e-6 * max(1.0, house_f):
        raise ParameterError(
            f"rounding_unit_eok = {unit:g}: the total {total:g}억원 is not a whole number of "
            f"units: choose a unit that divides the total (e.g. {total / max(house, 1):g})"
        )
    q = q_amounts / unit
    lo = np.zeros(n) if lower is None else np.nan_to_num(np.asarray(lower, float), nan=0.0)
    hi = np.full(n, np.inf) if upper is None else np.asarray(upper, float)
    hi = np.where(np.isnan(hi), np.inf, hi)
    lo_u = np.ceil(lo / unit - 1e-9).astype(float)
    hi_u = np.where(np.isinf(hi), np.inf, np.floor(hi / unit + 1e-9))
    if lo_u.sum() > house or hi_u.sum() < house or np.any(lo_u > hi_u):
        raise ParameterError(
            f"rounding_unit_eok = {unit:g}억원 is too coarse for the bounds: in whole units "
            f"they allow totals from {lo_u.sum() * unit:g} to {hi_u.sum() * unit:g}억원, not "
            f"{total:g}억원: use a smaller unit"
        )
    order_key = np.arange(n) if keys is None else np.asarray(keys)
    if method == "largest_remainder":
        units = _largest_remainder(q, house, lo_u, hi_u, order_key)
    else:
        units = _webster(q, house, lo_u, hi_u, order_key)
    return units * unit


def _tie_rank(q: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Rank for exact ties: larger continuous amount first, then the smaller key."""
    order = sorted(range(q.size), key=lambda i: (-q[i], keys[i]))
    rank = np.empty(q.size, dtype=np.int64)
    rank[order] = np.arange(q.size)
    return rank


def _webster(
    q: np.ndarray, house: int, lo: np.ndarray, hi: np.ndarray, keys: np.ndarray
) -> np.ndarray:
    # A valid Webster allocation of a smaller house (median(lo, round(q/d), hi) for a divisor
    # d at which it does not exceed the house), then one unit at a time by priority.
    total_q = float(q.sum())
    d = total_q / house if house > 0 and total_q > 0 else 1.0
    while True:
        # Every claim q_i / (k + ½) above d, ties left out: a prefix of the priority order, so
        # the result does not depend on where it starts.
        a = np.clip(np.floor(q / d + 0.5 - _EPS), lo, hi)
        if a.sum() <= house:
            break
        d *= 1.01
    rank = _tie_rank(q, keys)
    heap = [(-q[i] / (a[i] + 0.5), int(rank[i]), i) for i in range(q.size) if a[i] < hi[i]]
    heapq.heapify(heap)
    remaining = house - int(a.sum())
    while remaining > 0:
        _, r, i = heapq.heappop(heap)
        a[i] += 1
        remaining -= 1
        if a[i] < hi[i]:
            heapq.heappush(heap, (-q[i] / (a[i] + 0.5), r, i))
    return a


def _largest_remainder(
    q: np.ndarray, house: int, lo: np.ndarray, hi: np.ndarray, keys: np.ndarray
) -> np.ndarray:
    quota = q * house / q.sum() if q.sum() > 0 else np.zeros(q.size)
    a = np.clip(np.floor(quota + _EPS), lo, hi)
    rank = _tie_rank(q, keys)
    rem = quota - np.floor(quota + _EPS)
    order = sorted(range(q.size), key=lambda i: (-rem[i], rank[i]))
    remaining = house - int(a.sum())
    while remaining > 0:
        moved = False
        for i in order:
            if remaining > 0 and a[i] < hi[i]:
                a[i] += 1
                remaining -= 1
                moved = True
        if not moved:
            break
    return a

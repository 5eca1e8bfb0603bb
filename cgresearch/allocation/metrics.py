"""Equity and welfare figures of an allocation: Gini, Theil, max/min ratio, welfare sums.

All functions take plain arrays (per-capita amounts, utilities) and optional non-negative weights
(e.g. population, so that every person counts once). Integer weights give the same value as
repeating each observation that many times, which is how the tests check them.

Examples
--------
>>> from cgresearch.allocation.metrics import gini, theil, max_min_ratio
>>> round(gini([1, 2, 3]), 6), round(theil([1, 1, 1]), 6), max_min_ratio([2, 4, 8])
(0.222222, 0.0, 4.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cgresearch.errors import ParameterError

__all__ = [
    "egalitarian_welfare",
    "gini",
    "gini_arrays",
    "max_min_ratio",
    "nash_welfare",
    "theil",
    "theil_arrays",
    "utilitarian_welfare",
]

ArrayLike = Sequence[float] | np.ndarray


def _prepare(values: ArrayLike, weights: ArrayLike | None, what: str) -> tuple[np.ndarray, ...]:
    y = np.asarray(values, dtype=float)
    if y.ndim != 1 or y.size == 0:
        raise ParameterError(f"{what}: give a non-empty one-dimensional array of values")
    if not np.all(np.isfinite(y)):
        raise ParameterError(f"{what}: values must be finite (found NaN or infinity)")
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != y.shape or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise ParameterError(
            f"{what}: weights must be finite, ≥ 0, one per value, with a positive sum"
        )
    return y, w


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the (weighted) Gini coefficient of non-negative values.

    ``G = Σ_i Σ_j w_i w_j |y_i − y_j| / (2 W² ȳ)`` with ``W = Σ w`` and ``ȳ`` the weighted mean;
    0 = perfect equality. All-zero values give 0.

    Examples
    --------
    >>> round(gini([0, 0, 1]), 6)
    0.666667
    """
    y, w = _prepare(values, weights, "gini")
    if np.any(y < 0):
        raise ParameterError("gini: values must be ≥ 0 (amounts per capita)")
    return gini_arrays(y, w)


def gini_arrays(y: np.ndarray, w: np.ndarray) -> float:
    """Return the weighted Gini of arrays already checked, without checking them again.

    The fast path for callers that hold clean arrays (the envelope results); :func:`gini` checks
    its inputs first.

    Parameters
    ----------
    y : numpy.ndarray
        Finite values ≥ 0.
    w : numpy.ndarray
        Weights ≥ 0 with a positive sum, one per value.

    Examples
    --------
    >>> import numpy as np
    >>> round(gini_arrays(np.array([1.0, 3.0]), np.ones(2)), 6)
    0.25
    """
    total = w.sum()
    mean = float(np.dot(w, y) / total)
    if mean == 0:
        return 0.0
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    # Σ_i Σ_j w_i w_j |y_i − y_j| = 2 Σ_i w_i y_i (W_<i − W_>i) for sorted y (ties contribute 0).
    cum = np.cumsum(w)
    below = cum - w
    above = total - cum
    s = 2.0 * float(np.sum(w * y * (below - above)))
    return float(s / (2.0 * total * total * mean))


def theil(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the (weighted) Theil T index ``Σ (w_i/W)(y_i/ȳ) ln(y_i/ȳ)`` (0 = equality).

    Zero values contribute 0 (the limit of ``s ln s``).

    Examples
    --------
    >>> round(theil([1, 3]), 6)
    0.130812
    """
    y, w = _prepare(values, weights, "theil")
    if np.any(y < 0):
        raise ParameterError("theil: values must be ≥ 0 (amounts per capita)")
    return theil_arrays(y, w)


def theil_arrays(y: np.ndarray, w: np.ndarray) -> float:
    """Return the weighted Theil T of arrays already checked, without checking them again.

    The fast path for callers that hold clean arrays (the envelope results); :func:`theil` checks
    its inputs first.

    Parameters
    ----------
    y : numpy.ndarray
        Finite values ≥ 0.
    w : numpy.ndarray
        Weights ≥ 0 with a positive sum, one per value.

    Examples
    --------
    >>> import numpy as np
    >>> round(theil_arrays(np.array([1.0, 3.0]), np.ones(2)), 6)
    0.130812
    """
    mean = float(np.dot(w, y) / w.sum())
    if mean == 0:
        return 0.0
    s = y / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0)), 0.0)
    return float(np.dot(w, terms) / w.sum())


def max_min_ratio(values: ArrayLike) -> float:
    """Return ``max / min`` of the values (``inf`` when the smallest is 0 and the largest is not).

    Examples
    --------
    >>> max_min_ratio([5, 10])
    2.0
    """
    y, _ = _prepare(values, None, "max_min_ratio")
    lo, hi = float(y.min()), float(y.max())
    if lo <= 0:
        return 1.0 if hi == lo else float("inf")
    return hi / lo


def utilitarian_welfare(utilities: ArrayLike) -> float:
    """Return the sum of utilities (e.g. approvals of funded projects over voters).

    Examples
    --------
    >>> utilitarian_welfare([1, 2, 0])
    3.0
    """
    y, _ = _prepare(utilities, None, "utilitarian_welfare")
    return float(y.sum())


def egalitarian_welfare(utilities: ArrayLike) -> float:
    """Return the smallest utility (Rawlsian welfare).

    Examples
    --------
    >>> egalitarian_welfare([1, 2, 0])
    0.0
    """
    y, _ = _prepare(utilities, None, "egalitarian_welfare")
    return float(y.min())


def nash_welfare(utilities: ArrayLike) -> float:
    """Return the Nash welfare ``Σ ln u_i`` (``-inf`` when a utility is 0).

    Examples
    --------
    >>> round(nash_welfare([1, 2, 4]), 6)
    2.079442
    """
    y, _ = _prepare(utilities, None, "nash_welfare")
    if np.any(y < 0):
        raise ParameterError("nash_welfare: utilities must be ≥ 0")
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(y)))

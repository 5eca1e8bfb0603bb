"""Effect sizes of a gap between two respondent groups: weighted Cohen's d and Cliff's delta.

Cohen's d uses the pooled weighted standard deviation
(``sqrt(((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2))``, ``s^2`` the weighted variance as
R's ``svyvar``, ``n`` the respondents); Cliff's delta is the weighted
``sum_i sum_j w_i w_j sign(y_i - y_j) / (W_a W_b)``. Used by
:func:`cgresearch.survey.gaps.gap_table` (and re-exported there).

Examples
--------
>>> import numpy as np
>>> float(cliffs_delta(np.array([3.0, 4.0]), np.array([1.0, 2.0])))
1.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "cliffs_delta",
    "cohens_d",
    "weighted_var",
]


def weighted_var(y: np.ndarray, w: np.ndarray) -> float:
    """R's ``svyvar``: weighted variance with the factor n / (n - 1) (NaN below two values).

    Examples
    --------
    >>> weighted_var(np.array([1.0, 2.0, 3.0]), np.ones(3))
    1.0
    """
    n = y.size
    if n < 2:
        return np.nan
    mu = (w * y).sum() / w.sum()
    return float((w * (y - mu) ** 2).sum() / w.sum() * n / (n - 1))


def _valued(
    x: np.ndarray | Sequence[float], w: np.ndarray | Sequence[float] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights (1 when none) as float arrays, the rows with a missing value dropped."""
    xv = np.asarray(x, dtype=float)
    wv = np.ones_like(xv) if w is None else np.asarray(w, dtype=float)
    keep = ~np.isnan(xv)
    return xv[keep], wv[keep]


def cohens_d(
    a: np.ndarray | Sequence[float],
    b: np.ndarray | Sequence[float],
    wa: np.ndarray | Sequence[float] | None = None,
    wb: np.ndarray | Sequence[float] | None = None,
) -> float:
    """Cohen's d of ``a - b`` with the pooled (weighted) standard deviation.

    ``d = (mean_a - mean_b) / sqrt(((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2))`` where
    means are weighted and ``s^2`` is the weighted variance with the factor ``n / (n - 1)`` (R's
    ``svyvar``); with no weights, the textbook d. Missing values are dropped.

    Examples
    --------
    >>> round(cohens_d([2, 4, 6], [1, 2, 3]), 6)  # (4 - 2) / sqrt((2*4 + 2*1) / 4)
    1.264911
    """
    xa, va = _valued(a, wa)
    xb, vb = _valued(b, wb)
    na, nb = xa.size, xb.size
    if na < 2 or nb < 2:
        return np.nan
    pooled = ((na - 1) * weighted_var(xa, va) + (nb - 1) * weighted_var(xb, vb)) / (na + nb - 2)
    if pooled <= 0:
        return np.nan
    diff = (va * xa).sum() / va.sum() - (vb * xb).sum() / vb.sum()
    return float(diff / np.sqrt(pooled))


def cliffs_delta(
    a: np.ndarray | Sequence[float],
    b: np.ndarray | Sequence[float],
    wa: np.ndarray | Sequence[float] | None = None,
    wb: np.ndarray | Sequence[float] | None = None,
) -> float:
    """Cliff's delta ``P(A > B) - P(A < B)``, weighted: ``sum w_i w_j sign(a_i - b_j) / (W_a W_b)``.

    Computed by sorting (O((n_a + n_b) log n_b)). Unweighted, it equals ``2 U / (n_a n_b) - 1``
    with U the Mann–Whitney statistic of ``a``. Missing values are dropped.

    Examples
    --------
    >>> cliffs_delta([3, 4, 5], [1, 2, 3])  # 8 wins, 1 tie, 0 losses of 9 pairs
    0.8888888888888888
    """
    xa, va = _valued(a, wa)
    xb, vb = _valued(b, wb)
    if xa.size == 0 or xb.size == 0:
        return np.nan
    order = np.argsort(xb, kind="stable")
    sb, cw = xb[order], np.concatenate([[0.0], np.cumsum(vb[order])])
    below = cw[np.searchsorted(sb, xa, side="left")]
    above = cw[-1] - cw[np.searchsorted(sb, xa, side="right")]
    return float((va * (below - above)).sum() / (va.sum() * cw[-1]))

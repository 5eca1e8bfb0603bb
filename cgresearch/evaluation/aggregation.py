"""Aggregation of children's scores into their parent's score, and ranks.

Three rules, each renormalising the weights over the children a unit has (a missing child drops
out and the others' weights are scaled to sum to 1, as COINr's ``Aggregate()`` with ``na.rm``):

- ``arithmetic``: the weighted mean ``Σ wⱼ yⱼ / Σ wⱼ`` (fully compensatory);
- ``geometric``: ``Π yⱼ^(wⱼ/Σw)``; like COINr's ``a_gmean`` it refuses values ≤ 0 (normalise to
  a range that starts above 0, e.g. 1–100);
- ``copeland``: non-compensatory. For each pair of units, unit *a* outranks *b* when the weight
  of the children where *a* is better, plus half the weight of ties, exceeds half of the weight
  they share; the score is the number of units it outranks minus the number that outrank it
  (COINr's ``a_copeland`` on the outranking matrix).

Ranks: 1 = best, ties by minimum rank (COINr's ``rank(…, ties.method = "min")``).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.aggregation import aggregate
>>> y = pd.DataFrame({"a": [2.0, 8.0], "b": [8.0, None]}, index=["u1", "u2"])
>>> aggregate(y, pd.Series({"a": 1.0, "b": 3.0})).tolist()
[6.5, 8.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.errors import ModelError, ParameterError, closest_match

__all__ = ["AGGREGATIONS", "aggregate", "rank_scores"]

AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric", "copeland")


def _weights_matrix(values: pd.DataFrame, weights: pd.Series | pd.DataFrame) -> np.ndarray:
    if isinstance(weights, pd.DataFrame):
        w = weights.reindex(index=values.index, columns=values.columns).to_numpy(dtype=float)
    else:
        w = np.broadcast_to(
            weights.reindex(values.columns).to_numpy(dtype=float), values.shape
        ).copy()
    if np.isnan(w).any():
        raise ParameterError("aggregation weights are missing for some children")
    return w


def aggregate(
    values: pd.DataFrame,
    weights: pd.Series | pd.DataFrame,
    method: str = "arithmetic",
    *,
    code: str = "",
) -> pd.Series:
    """Aggregate children's scores (units × children) into one score per unit.

    Parameters
    ----------
    values : pandas.DataFrame
        Units × children (missing values allowed).
    weights : pandas.Series or pandas.DataFrame
        One weight per child, or units × children (per-unit weights).
    method : {"arithmetic", "geometric", "copeland"}
    code : str
        The parent's code, named in errors.

    Returns
    -------
    pandas.Series
        The parent's score per unit (NaN for a unit with no child value or zero weight).

    Examples
    --------
    >>> y = pd.DataFrame({"a": [1.0, 4.0], "b": [4.0, 1.0]})
    >>> aggregate(y, pd.Series({"a": 1.0, "b": 1.0}), "geometric").tolist()
    [2.0, 2.0]
    """
    if method not in AGGREGATIONS:
        hint = closest_match(method, AGGREGATIONS)
        raise ParameterError(
            f"aggregate = {method!r} is unknown: use one of {', '.join(AGGREGATIONS)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )
    y = values.to_numpy(dtype=float)
    w = _weights_matrix(values, weights)
    ok = ~np.isnan(y)
    wk = np.where(ok, w, 0.0)
    total = wk.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = wk / total[:, None]
    if method == "arithmetic":
        out = np.where(total > 0, np.nansum(np.where(ok, y, 0.0) * share, axis=1), np.nan)
    elif method == "geometric":
        bad = ok & (y <= 0)
        if bad.any():
            i, j = (int(v[0]) for v in np.nonzero(bad))
            raise ModelError(
                f"geometric aggregation of {code or 'a parent'!s}: unit {values.index[i]!r} has "
                f"{values.columns[j]!r} = {y[i, j]:g} ≤ 0; the geometric mean needs values > 0: "
                "normalise to a range above 0 (e.g. --range 1 100) or aggregate arithmetically"
            )
        logs = np.where(ok, np.log(np.where(ok, y, 1.0)), 0.0)
        out = np.where(total > 0, np.exp((logs * share).sum(axis=1)), np.nan)
    else:
        if isinstance(weights, pd.DataFrame):
            raise ParameterError(
                "Copeland aggregation takes one weight per child, not per-unit weights "
                "(benefit-of-the-doubt): choose another weighting or aggregation"
            )
        out = _copeland(y, w[0] if len(w) else np.zeros(y.shape[1]))
        out = np.where(total > 0, out, np.nan)
    return pd.Series(out, index=values.index, name=code or None)


def _copeland(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = y.shape[0]
    score = np.zeros(n)
    for a in range(n):
        for b in range(a + 1, n):
            common = ~np.isnan(y[a]) & ~np.isnan(y[b])
            shared = w[common].sum()
            if shared <= 0:
                continue
            ya, yb, wc = y[a, common], y[b, common], w[common]
            support = wc[ya > yb].sum() + 0.5 * wc[ya == yb].sum()
            if support > shared / 2:
                score[a] += 1
                score[b] -= 1
            elif support < shared / 2:
                score[a] -= 1
                score[b] += 1
    return score


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank every column, 1 = highest score, ties by minimum rank; missing scores stay missing.

    Scores that agree to 9 decimals tie (so that 50 and 50.000000000001, the same number
    reached by two paths of floating-point arithmetic, share a rank).

    >>> rank_scores(pd.DataFrame({"I": [5.0, 9.0, 5.0]}))["I"].tolist()
    [2.0, 1.0, 2.0]
    """
    return scores.round(9).rank(axis=0, method="min", ascending=False, na_option="keep")

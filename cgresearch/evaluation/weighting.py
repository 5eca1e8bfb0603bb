"""Weights of children within their parent: declared, equal, PCA and benefit of the doubt.

- ``meta``: the framework's declared weights (or a mapping code → weight replacing some of them);
- ``equal``: every child of a parent weighs the same;
- ``pca``: for each parent, the squared loadings of the first principal component of its
  children's standardised scores (complete units only), which sum to 1 (the OECD/JRC Handbook's
  "squared factor loadings scaled to unity", with one component);
- ``bod``: benefit of the doubt, one LP per unit on HiGHS: ``max Σⱼ wⱼ y_uj`` subject to
  ``Σⱼ wⱼ y_vj ≤ 1`` for every unit *v* and ``w ≥ 0``. The optimum ``CI_u ∈ [0, 1]`` is the unit's
  composite under the weights most favourable to it (1 = on the frontier); values must be ≥ 0.
  A missing child counts as 0 in every unit's constraint and objective.

Weights are always returned normalised to sum to 1 within each parent.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.weighting import bod_scores
>>> y = pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]}, index=["u1", "u2"])
>>> bod_scores(y)[0].round(6).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cgresearch.errors import ModelError, ParameterError, closest_match
from cgresearch.evaluation._lp import solve_lp
from cgresearch.evaluation.framework import Framework

__all__ = ["WEIGHTINGS", "bod_scores", "pca_weights", "within_parent_weights"]

WEIGHTINGS: tuple[str, ...] = ("meta", "equal", "pca", "bod")


def within_parent_weights(
    framework: Framework, weights: str | Mapping[str, float] = "meta"
) -> pd.Series:
    """Declared (``"meta"``), ``"equal"`` or overridden (mapping) weights, summing to 1 per parent.

    The index gets weight 1. ``"pca"`` and ``"bod"`` depend on the data: see :func:`pca_weights`
    and :func:`bod_scores` (here they give the declared weights).

    >>> fw = Framework(pd.DataFrame({"code": ["a", "b", "I"], "parent": ["I", "I", None],
    ...                              "direction": [1, 1, None], "weight": [1, 3, 1]}))
    >>> within_parent_weights(fw).to_dict()
    {'a': 0.25, 'b': 0.75, 'I': 1.0}
    """
    if isinstance(weights, Mapping):
        fw = framework.with_weights(weights)
        raw = fw.weights
    elif weights in WEIGHTINGS:
        raw = framework.weights
        if weights == "equal":
            raw = pd.Series(1.0, index=raw.index)
    else:
        hint = closest_match(str(weights), WEIGHTINGS)
        raise ParameterError(
            f"weights = {weights!r} is unknown: use one of {', '.join(WEIGHTINGS)} or a table of "
            "code = weight" + (f" (did you mean {hint!r}?)" if hint else "")
        )
    w = {str(k): float(v) for k, v in raw.items()}
    out = dict(w)
    for code in framework.codes:
        kids = framework.children(code)
        if kids:
            total = sum(w[k] for k in kids)
            if total <= 0:
                raise ParameterError(
                    f"the weights of the children of {code!r} ({', '.join(kids)}) are all zero"
                )
            for k in kids:
                out[k] = w[k] / total
    out[framework.root] = 1.0
    return pd.Series(out, dtype=float).reindex(list(framework.codes))


def pca_weights(values: pd.DataFrame) -> pd.Series:
    """Squared first-component loadings of the standardised children (sum 1).

    Units with any missing child are left out; with fewer than 3 complete units, a single child,
    or a constant child, the children weigh equally.

    >>> y = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
    >>> pca_weights(y).round(6).tolist()
    [0.5, 0.5]
    """
    cols = list(values.columns)
    x = values.dropna().to_numpy(dtype=float)
    equal = pd.Series(1.0 / len(cols), index=cols)
    if len(cols) < 2 or x.shape[0] < 3:
        return equal
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return equal
    z = (x - x.mean(axis=0)) / sd
    corr = z.T @ z / (x.shape[0] - 1)
    vals, vecs = np.linalg.eigh(corr)
    v = vecs[:, int(np.argmax(vals))]
    w = v**2
    return pd.Series(w / w.sum(), index=cols)


def bod_scores(values: pd.DataFrame, *, code: str = "") -> tuple[pd.Series, pd.DataFrame]:
    """Benefit-of-the-doubt composite ``CI_u`` and each unit's own weights (one LP per unit).

    Parameters
    ----------
    values : pandas.DataFrame
        Units × children, values ≥ 0 (missing counted as 0).
    code : str
        The parent's code, named in errors.

    Returns
    -------
    (pandas.Series, pandas.DataFrame)
        ``CI_u`` in [0, 1] per unit, and units × children weights (the LP solution scaled to sum
        to 1; equal weights for a unit whose values are all 0).

    Examples
    --------
    >>> y = pd.DataFrame({"a": [4.0, 2.0], "b": [1.0, 1.0]}, index=["u1", "u2"])
    >>> ci, w = bod_scores(y)
    >>> ci.round(6).tolist()
    [1.0, 1.0]
    """
    y = values.to_numpy(dtype=float)
    y0 = np.where(np.isnan(y), 0.0, y)
    if (y0 < 0).any():
        i, j = (int(v[0]) for v in np.nonzero(y0 < 0))
        raise ModelError(
            f"benefit-of-the-doubt weights for {code or 'a parent'}: unit {values.index[i]!r} "
            f"has {values.columns[j]!r} = {y0[i, j]:g} < 0; BoD needs values ≥ 0: normalise "
            "with minmax, rank, target or goalposts"
        )
    n, k = y0.shape
    ci = np.zeros(n)
    w = np.full((n, k), 1.0 / k)
    active = y0.any(axis=0)
    if not active.any():
        return pd.Series(ci, index=values.index), pd.DataFrame(w, values.index, values.columns)
    a = y0[:, active]
    for u in range(n):
        if not y0[u].any():
            continue
        sol, obj = solve_lp(
            a[u],
            a,
            np.full(n, -np.inf),
            np.ones(n),
            np.zeros(a.shape[1]),
            np.full(a.shape[1], np.inf),
            maximise=True,
            what=f"benefit-of-the-doubt LP of unit {values.index[u]!r}",
        )
        ci[u] = obj
        full = np.zeros(k)
        full[active] = sol
        if full.sum() > 0:
            w[u] = full / full.sum()
    return pd.Series(ci, index=values.index), pd.DataFrame(w, values.index, values.columns)

"""Estimates by domain (``svyby``): one estimate per group, each over the full design as R does.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> from cgresearch.survey.estimators import svymean
>>> df = pd.DataFrame(
...     {"psu": [1, 1, 2, 2, 3, 3], "g": list("ababab"), "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}
... )
>>> by = svyby(SurveyDesign(df, ids="psu"), "y", "g", svymean)
>>> by.to_frame()["estimate"].tolist()  # means of 1, 3, 5 and of 2, 4, 6
[3.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import InputError
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.estimators import Estimate, svymean, svyratio
from cgresearch.survey.proportions import ProportionCI

__all__ = [
    "ByEstimate",
    "svyby",
]


# ---------------------------------------------------------------------- domains
@dataclass(frozen=True, eq=False)
class ByEstimate:
    """One estimator applied to every domain of a grouping (R's ``svyby``).

    Attributes
    ----------
    by : tuple of str
        Grouping column(s).
    groups : pandas.DataFrame
        One row per non-empty group (sorted as R: first grouping column varying fastest).
    results : tuple
        The per-group results (:class:`Estimate` or :class:`ProportionCI`), same order.
    """

    by: tuple[str, ...]
    groups: pd.DataFrame
    results: tuple[Any, ...]
    df: float
    names: tuple[str, ...] = field(default=())

    @property
    def estimate(self) -> np.ndarray:
        """Estimates, groups x statistics."""
        return np.vstack([np.atleast_1d(np.asarray(r.estimate, dtype=float)) for r in self.results])

    @property
    def se(self) -> np.ndarray:
        """Standard errors, groups x statistics."""
        return np.vstack([np.atleast_1d(np.asarray(r.se, dtype=float)) for r in self.results])

    @property
    def deff(self) -> np.ndarray | None:
        """Design effects, groups x statistics, when the estimator computed them."""
        if any(r.deff is None for r in self.results):
            return None
        return np.vstack([r.deff for r in self.results])

    @property
    def vcov(self) -> np.ndarray:
        """Block-diagonal variance matrix of all group estimates, as R's ``svyby(covmat=TRUE)``
        for Taylor-linearisation designs (covariances between domains are not estimated)."""
        blocks = [np.atleast_2d(r.vcov) for r in self.results]
        size = sum(b.shape[0] for b in blocks)
        out = np.zeros((size, size))
        k = 0
        for b in blocks:
            out[k : k + b.shape[0], k : k + b.shape[0]] = b
            k += b.shape[0]
        return out

    def ci(self, level: float = 0.95) -> pd.DataFrame:
        """Intervals per group and statistic (t with the full design's df; a proportion keeps
        the interval of its own method): the grouping columns, term, lower, upper."""
        f = self.to_frame(level)
        return f[[*self.by, "term", "ci_lower", "ci_upper"]].rename(
            columns={"ci_lower": "lower", "ci_upper": "upper"}
        )

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy table: the grouping columns, then the estimator's own ``to_frame`` columns."""
        parts = []
        for (_, g), r in zip(self.groups.iterrows(), self.results, strict=True):
            f = r.to_frame(level) if not isinstance(r, ProportionCI) else r.to_frame()
            if isinstance(r, Estimate):
                ci = r.ci(level, self.df)
                f["ci_lower"] = ci["lower"].to_numpy()
                f["ci_upper"] = ci["upper"].to_numpy()
                f["df"] = self.df
            for col in reversed(self.by):
                f.insert(0, col, g[col])
            parts.append(f)
        return pd.concat(parts, ignore_index=True)


def svyby(
    design: SurveyDesign,
    variables: str | Sequence[str],
    by: str | Sequence[str],
    estimator: Callable[..., Any] = svymean,
    **kwargs: Any,
) -> ByEstimate:
    """Apply ``estimator`` to every domain defined by ``by``, keeping the full design (``svyby``).

    Parameters
    ----------
    design : SurveyDesign
    variables : str or list of str
        Passed to the estimator (for :func:`svyratio` pass ``(numerator, denominator)``).
    by : str or list of str
        Grouping column(s); rows with a missing group value are left out.
    estimator : callable
        ``svymean`` (default), ``svytotal``, ``svyratio``, ``svyciprop``, ``svyvar`` or any
        function ``f(domain_design, variables, **kwargs)``.
    **kwargs
        Passed on (``deff=True``, ``na_rm=True``, ``method="beta"`` ...).

    Returns
    -------
    ByEstimate
        Confidence intervals use the full design's degrees of freedom.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 5.0, 7.0]})
    >>> svyby(SurveyDesign(df), "y", "g").estimate.ravel().tolist()
    [2.0, 6.0]
    """
    by_cols = [by] if isinstance(by, str) else list(by)
    frame = pd.DataFrame({c: design.column(c).to_numpy() for c in by_cols})
    active = design.w != 0
    ok = active & ~frame.isna().any(axis=1).to_numpy()
    if not ok.any():
        raise InputError(f"no rows with weight > 0 and a value of {by_cols}")
    present = frame[ok].drop_duplicates()
    # R orders interaction levels with the first factor varying fastest
    sort_keys = []
    for c in reversed(by_cols):
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            sort_keys.append(present[c].map({v: i for i, v in enumerate(col.cat.categories)}))
        else:
            sort_keys.append(present[c])
    present = present.assign(**{f"_k{i}": k for i, k in enumerate(sort_keys)})
    present = present.sort_values([f"_k{i}" for i in range(len(sort_keys))], kind="stable")
    present = present[by_cols].reset_index(drop=True)
    results = []
    for _, g in present.iterrows():
        mask = ok.copy()
        for c in by_cols:
            mask &= (frame[c] == g[c]).to_numpy()
        sub = design.subset(mask)
        if isinstance(variables, tuple) and estimator is svyratio:
            results.append(estimator(sub, variables[0], variables[1], **kwargs))
        else:
            results.append(estimator(sub, variables, **kwargs))
    names = tuple(results[0].names) if hasattr(results[0], "names") else ()
    return ByEstimate(tuple(by_cols), present, tuple(results), float(design.degf), names)

"""Quantiles with Woodruff confidence intervals, equal to R's ``survey::svyquantile``.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
>>> q = svyquantile(SurveyDesign(df, ids="psu"), "y", [0.5])
>>> float(q.table["estimate"].iloc[0])
3.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey._variables import complete_cases, expand_variables, t_critical
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.proportions import svyciprop

__all__ = [
    "QuantileEstimate",
    "svyquantile",
]


# ---------------------------------------------------------------------- quantiles
@dataclass(frozen=True, eq=False)
class QuantileEstimate:
    """Quantiles with Woodruff confidence intervals and the SE derived from them (R >= 4).

    ``table`` has one row per variable and quantile: variable, quantile, estimate, ci_lower,
    ci_upper, se.
    """

    table: pd.DataFrame
    level: float
    df: float
    interval_type: str
    qrule: str

    @property
    def estimate(self) -> np.ndarray:
        """Quantile estimates, in table order."""
        return self.table["estimate"].to_numpy()

    @property
    def se(self) -> np.ndarray:
        """Standard errors derived from the interval widths, in table order."""
        return self.table["se"].to_numpy()

    def ci(self) -> pd.DataFrame:
        """Woodruff intervals (at ``level``): variable, quantile, lower, upper."""
        return self.table[["variable", "quantile", "ci_lower", "ci_upper"]].rename(
            columns={"ci_lower": "lower", "ci_upper": "upper"}
        )

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self.table.copy()


def _qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's ``qrule_math``: the smallest x with weighted CDF >= p (cumulative sums in long
    double, as R's ``cumsum``)."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cum = np.cumsum(w[order].astype(np.longdouble))
    total = cum[-1]
    cumw = cum.astype(float)
    tot = float(total)
    hits = np.flatnonzero(cumw <= p * tot)
    pos = int(hits[-1]) if hits.size else 0
    posnext = pos if pos == xs.size - 1 else pos + 1
    wlow = p - cumw[pos] / tot
    return float(xs[pos] if wlow == 0 else xs[posnext])


def svyquantile(
    design: SurveyDesign,
    variables: str | Sequence[str],
    quantiles: float | Sequence[float],
    *,
    alpha: float = 0.05,
    interval_type: Literal["mean", "beta", "xlogit", "asin"] = "mean",
    qrule: Literal["math"] = "math",
    na_rm: bool = False,
    df: float | None = None,
) -> QuantileEstimate:
    """Design-based quantiles with Woodruff intervals, as R's ``svyquantile`` in survey >= 4.

    The defaults are R's: ``interval.type="mean"`` (interval for the CDF at the estimate, from
    ``svymean``, mapped back through the quantile function) and ``qrule="math"`` (inverse of the
    weighted empirical CDF); ``se`` is the interval width over ``2 * t(1 - alpha/2, df)``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> svyquantile(SurveyDesign(df), "y", 0.5).table["estimate"].tolist()
    [3.0]
    """
    if qrule != "math":
        raise ParameterError(f"qrule {qrule!r} is not available; use 'math' (R's default)")
    if interval_type not in ("mean", "beta", "xlogit", "asin"):
        raise ParameterError(
            f"interval_type must be mean, beta, xlogit or asin; not {interval_type!r}"
        )
    qs = [quantiles] if np.isscalar(quantiles) else list(quantiles)  # type: ignore[arg-type]
    vars_ = [variables] if isinstance(variables, str) else list(variables)
    rows = []
    names, x = expand_variables(design, vars_)
    if len(names) != len(vars_):
        raise InputError("svyquantile needs numeric variables")
    design, x = complete_cases(design, x, names, na_rm)
    dfree = float(design.degf if df is None else df)
    tq = t_critical(1 - alpha, dfree)
    w = design.w
    level = 1 - alpha
    method = {"mean": "mean", "beta": "beta", "xlogit": "xlogit", "asin": "asin"}[interval_type]
    for j, var in enumerate(vars_):
        xi = x[j]
        for p in qs:
            qhat = _qrule_math(xi, w, p)
            ind = (xi <= qhat).astype(float)
            pc = svyciprop(design, ind, method=method, level=level, df=dfree)  # type: ignore[arg-type]
            if method == "mean":
                pl, pu = pc.estimate - tq * pc.se, pc.estimate + tq * pc.se
            else:
                pl, pu = pc.lower, pc.upper
            lo = np.nan if (np.isnan(pl) or pl < 0) else _qrule_math(xi, w, pl)
            hi = np.nan if (np.isnan(pu) or pu > 1) else _qrule_math(xi, w, pu)
            rows.append(
                {
                    "variable": var,
                    "quantile": p,
                    "estimate": qhat,
                    "ci_lower": lo,
                    "ci_upper": hi,
                    "se": (hi - lo) / (2 * tq),
                }
            )
    return QuantileEstimate(pd.DataFrame(rows), level, dfree, interval_type, qrule)

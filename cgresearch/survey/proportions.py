"""Confidence intervals for proportions, equal to R's ``survey::svyciprop``.

Methods ``logit``, ``likelihood``, ``asin``, ``beta``, ``mean`` and ``xlogit`` with R's
formulas (the design effect and design degrees of freedom of the full design kept for domains).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "y": [1, 0, 1, 1, 0, 1]})
>>> ci = svyciprop(SurveyDesign(df, ids="psu"), "y")
>>> round(ci.estimate, 4)  # 4 of 6 equally weighted respondents
0.6667
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey._variables import t_critical
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.estimators import svymean, svyvar

__all__ = [
    "ProportionCI",
    "svyciprop",
]

CipropMethod = Literal["logit", "likelihood", "asin", "beta", "mean", "xlogit"]


# ---------------------------------------------------------------------- proportions
@dataclass(frozen=True, eq=False)
class ProportionCI:
    """A proportion with the confidence interval of R's ``svyciprop``.

    ``se`` is the design-based standard error of the proportion (as R's ``SE()`` on the result).
    """

    name: str
    estimate: float
    se: float
    lower: float
    upper: float
    method: str
    level: float
    df: float

    @property
    def names(self) -> tuple[str, ...]:
        """One-element tuple with the variable name (uniform with :class:`Estimate`)."""
        return (self.name,)

    @property
    def vcov(self) -> np.ndarray:
        """1 x 1 variance matrix of the proportion."""
        return np.array([[self.se**2]])

    @property
    def deff(self) -> None:
        """Not computed for proportions with intervals."""
        return None

    def ci(self, level: float | None = None) -> pd.DataFrame:
        """The interval computed by :func:`svyciprop` (its ``level``; recompute for another)."""
        if level is not None and not np.isclose(level, self.level):
            raise ParameterError(
                f"this interval was computed at level {self.level}; call svyciprop(..., "
                f"level={level}) for another level"
            )
        return pd.DataFrame(
            {"lower": [self.lower], "upper": [self.upper]}, index=pd.Index([self.name], name="term")
        )

    def to_frame(self, level: float | None = None) -> pd.DataFrame:
        """One-row table: term, estimate, se, ci_lower, ci_upper, method, level, df."""
        return pd.DataFrame(
            {
                "term": [self.name],
                "statistic": "proportion",
                "estimate": [self.estimate],
                "se": [self.se],
                "ci_lower": [self.lower],
                "ci_upper": [self.upper],
                "df": [self.df],
                "method": [self.method],
                "level": [self.level],
            }
        )


def _binary(
    design: SurveyDesign, variable: str | Sequence[bool] | np.ndarray
) -> tuple[str, np.ndarray]:
    if isinstance(variable, str):
        s = design.column(variable)
        name = variable
    else:
        s = pd.Series(np.asarray(variable))
        name = "x"
        if len(s) != design.n:
            raise ParameterError(f"{len(s)} values given for a design of {design.n} rows")
    x = s.to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(x)
    if not np.isin(x[ok], (0.0, 1.0)).all():
        raise InputError(
            f"svyciprop needs a 0/1 or boolean variable; {name!r} has values "
            f"{np.unique(x[ok])[:6].tolist()}"
        )
    return name, x


def _expit(z: float | np.ndarray) -> Any:
    return 1.0 / (1.0 + np.exp(-np.asarray(z)))


def svyciprop(
    design: SurveyDesign,
    variable: str | Sequence[bool] | np.ndarray,
    method: CipropMethod = "logit",
    *,
    level: float = 0.95,
    df: float | None = None,
    na_rm: bool = False,
) -> ProportionCI:
    """Proportion with a confidence interval suited to proportions near 0 or 1 (R's ``svyciprop``).

    Parameters
    ----------
    design : SurveyDesign
    variable : str or array of bool / 0-1
        Column name, or one value per row of the design.
    method : {"logit", "likelihood", "asin", "beta", "mean", "xlogit"}
        ``logit``/``xlogit``: t interval on the logit scale; ``likelihood``: Rao-Scott scaled
        profile likelihood (as R: spline-interpolated profile); ``asin``: arcsine square root;
        ``beta``: Korn-Graubard with effective sample size; ``mean``: plain t interval.
    level : float
        Confidence level.
    df : float, optional
        Degrees of freedom; ``design.degf`` by default.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"psu": range(8), "yes": [1, 0, 0, 1, 0, 0, 0, 1]})
    >>> p = svyciprop(SurveyDesign(df, ids="psu"), "yes", method="mean")
    >>> round(p.estimate, 3)
    0.375
    """
    name, x = _binary(design, variable)
    frame = pd.DataFrame({"_y": x})
    sub = _with_data(design, frame)
    m = svymean(sub, "_y", na_rm=na_rm)
    if na_rm:
        sub = sub.subset(~np.isnan(x))
    p = float(m.estimate[0])
    se = float(m.se[0])
    dfree = float(sub.degf if df is None else df)
    t = t_critical(level, dfree)
    if method == "mean":
        lo, hi = p - t * se, p + t * se
    elif method == "asin":
        a = np.arcsin(np.sqrt(p))
        sa = se / (2 * np.sqrt(p * (1 - p)))
        lo, hi = np.sin(a - t * sa) ** 2, np.sin(a + t * sa) ** 2
    elif method in ("xlogit", "logit"):
        a = np.log(p / (1 - p))
        sa = se / (p * (1 - p))
        lo, hi = _expit(a - t * sa), _expit(a + t * sa)
    elif method == "beta":
        alpha = 1 - level
        n_eff = p * (1 - p) / se**2
        n_eff *= (stats.t.ppf(alpha / 2, sub.n_rows_r - 1) / stats.t.ppf(alpha / 2, sub.degf)) ** 2
        lo = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        hi = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    elif method == "likelihood":
        lo, hi = _likelihood_ci(sub, np.nan_to_num(x), p, se, level, dfree)
    else:
        raise ParameterError(
            f"method must be one of logit, likelihood, asin, beta, mean, xlogit; not {method!r}"
        )
    return ProportionCI(name, p, se, float(lo), float(hi), method, level, dfree)


def _with_data(design: SurveyDesign, frame: pd.DataFrame) -> SurveyDesign:
    """The same design with derived columns (estimators need them for derived variables)."""
    return design.with_columns(frame)


def _fmm_spline(x: np.ndarray, y: np.ndarray, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)`` (Forsythe-Malcolm-Moler end conditions, ``3 * length(x)`` points)."""
    n = x.size
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 3:
        t = (y[1] - y[0]) / (x[1] - x[0])
        b[:] = t
    else:
        nm1 = n - 1
        d[0] = x[1] - x[0]
        c[1] = (y[1] - y[0]) / d[0]
        for i in range(1, nm1):
            d[i] = x[i + 1] - x[i]
            b[i] = 2.0 * (d[i - 1] + d[i])
            c[i + 1] = (y[i + 1] - y[i]) / d[i]
            c[i] = c[i + 1] - c[i]
        b[0] = -d[0]
        b[nm1] = -d[n - 2]
        c[0] = c[nm1] = 0.0
        if n > 3:
            c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
            c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
            c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
            c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
        for i in range(1, n):
            t = d[i - 1] / b[i - 1]
            b[i] = b[i] - t * d[i - 1]
            c[i] = c[i] - t * c[i - 1]
        c[nm1] = c[nm1] / b[nm1]
        for i in range(n - 2, -1, -1):
            c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
        b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
        for i in range(nm1):
            b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
            d[i] = (c[i + 1] - c[i]) / d[i]
            c[i] = 3.0 * c[i]
        c[nm1] = 3.0 * c[nm1]
        d[nm1] = d[n - 2]
    xout = np.linspace(x[0], x[-1], n_out)
    idx = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, n - 1)
    dx = xout - x[idx]
    yout = y[idx] + dx * (b[idx] + dx * (c[idx] + dx * d[idx]))
    return xout, yout


def _likelihood_ci(
    design: SurveyDesign, y: np.ndarray, p: float, se_p: float, level: float, ddf: float
) -> tuple[float, float]:
    """R's svyciprop(method="likelihood"): profile of the quasi-binomial intercept, Rao-Scott
    scaled (confint.svyglm), built from R's 10-step grid, FMM spline and linear inversion."""
    w_all = design.w
    keep = w_all != 0
    w = w_all[keep] / w_all[keep].mean()
    yy = y[keep]
    b0 = np.log(p / (1 - p))
    se_b = se_p / (p * (1 - p))

    def deviance(b: float) -> float:
        mu = _expit(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.where(yy == 1, -2 * np.log(mu), -2 * np.log(1 - mu))
        return float((w * dev).sum())

    d0 = deviance(b0)
    mu0 = _expit(b0)
    # residuals.svyglm(type="pearson"): prior weights / design weights = 1 here
    pearson = (yy - mu0) / np.sqrt(mu0 * (1 - mu0))
    # summary.svyglm dispersion: svyvar of Pearson residuals on the design (rows in the domain)
    res = np.zeros(design.n)
    res[keep] = pearson
    dispersion = float(svyvar(_with_data(design, pd.DataFrame({"_r": res})), "_r").estimate[0])
    # lambda = design-based variance / naive (X'WX)^-1 variance of the intercept
    lam = se_b**2 * float((w * mu0 * (1 - mu0)).sum())
    if np.isfinite(ddf):
        alpha = stats.norm.cdf(stats.t.ppf((1 - level) / 2, ddf) * np.sqrt(lam)) / 2
    else:
        alpha = stats.norm.cdf(stats.norm.ppf((1 - level) / 2) * np.sqrt(lam)) / 2
    n = yy.size
    zmax = np.sqrt(stats.f.isf(alpha, 1, n - 1))
    delta = zmax / 5
    # summary.svyglm std.err is the design-based one
    zi, bi = [0.0], [b0]
    for sgn in (-1.0, 1.0):
        step, z = 0, 0.0
        while (step := step + 1) < 10 and abs(z) < zmax:
            b = b0 + sgn * step * delta * se_b
            zz = (deviance(b) - d0) / dispersion
            z = sgn * np.sqrt(max(zz, 0.0))
            zi.append(z)
            bi.append(b)
    order = np.argsort(zi, kind="stable")
    xs, ys = np.asarray(bi)[order], np.asarray(zi)[order]
    sx, sy = _fmm_spline(xs, ys, 3 * xs.size)
    cutoff = np.array([stats.norm.ppf(2 * alpha), stats.norm.isf(2 * alpha)])
    lo_hi = np.interp(cutoff, sy, sx, left=np.nan, right=np.nan)
    return float(_expit(lo_hi[0])), float(_expit(lo_hi[1]))

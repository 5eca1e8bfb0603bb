"""Design-based estimators with Taylor-linearisation variance, equal to R's ``survey`` package.

``svymean``, ``svytotal``, ``svyratio``, ``svyciprop``, ``svyquantile`` and ``svyby`` follow
R's functions of the same names (survey >= 4): the same influence values, the same design
degrees of freedom for t-based confidence intervals (R's ``confint(..., df=degf(design))``),
the same design effects, and domain estimates that keep the full design.

Categorical columns (object, string, category or boolean-as-category) are expanded into one
indicator per level, named ``<column><level>`` as R does (``stypeE``, ``stypeH`` ...); boolean
columns are used as 0/1 numbers.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
>>> est = svymean(SurveyDesign(df, ids="psu"), "y")
>>> round(float(est.estimate[0]), 3), round(float(est.se[0]), 4)
(3.5, 1.1547)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "ByEstimate",
    "Estimate",
    "ProportionCI",
    "QuantileEstimate",
    "svyby",
    "svyciprop",
    "svymean",
    "svyquantile",
    "svyratio",
    "svytotal",
    "svyvar",
]

CipropMethod = Literal["logit", "likelihood", "asin", "beta", "mean", "xlogit"]


def _tcrit(level: float, df: float) -> float:
    """Two-sided critical value: t with ``df`` degrees of freedom (normal when infinite)."""
    if not 0 < level < 1:
        raise ParameterError(f"confidence level must be in (0, 1), not {level}")
    a = (1 - level) / 2
    if not np.isfinite(df):
        return float(-stats.norm.ppf(a))
    if df <= 0:
        return float("nan")
    return float(-stats.t.ppf(a, df))


@dataclass(frozen=True, eq=False)
class Estimate:
    """Estimates of one statistic for one or more variables, with their design-based variance.

    Attributes
    ----------
    statistic : str
        ``"mean"``, ``"total"``, ``"ratio"`` ...
    names : tuple of str
        One name per estimate (``api00``, ``stypeE``, ``api00/api99`` ...).
    estimate : numpy.ndarray
        Point estimates.
    vcov : numpy.ndarray
        Design-based variance matrix (Taylor linearisation).
    df : float
        Design degrees of freedom used for confidence intervals (R's ``degf(design)``).
    deff : numpy.ndarray or None
        Design effects (variance / variance under simple random sampling), when asked for.
    """

    statistic: str
    names: tuple[str, ...]
    estimate: np.ndarray
    vcov: np.ndarray
    df: float
    deff: np.ndarray | None = None

    @property
    def se(self) -> np.ndarray:
        """Standard errors: square roots of the diagonal of ``vcov``."""
        return np.sqrt(np.diag(self.vcov))

    def __getitem__(self, name: str) -> float:
        return float(self.estimate[self.names.index(name)])

    def ci(self, level: float = 0.95, df: float | None = None) -> pd.DataFrame:
        """t-based confidence intervals ``estimate ± t(df) * se`` (R's ``confint(df=degf)``).

        Parameters
        ----------
        level : float
            Confidence level.
        df : float, optional
            Degrees of freedom; the design's by default, ``numpy.inf`` for normal intervals.
        """
        t = _tcrit(level, self.df if df is None else df)
        return pd.DataFrame(
            {"lower": self.estimate - t * self.se, "upper": self.estimate + t * self.se},
            index=pd.Index(self.names, name="term"),
        )

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy table: term, estimate, se, ci_lower, ci_upper, df (and deff when computed)."""
        ci = self.ci(level)
        out = pd.DataFrame(
            {
                "term": list(self.names),
                "statistic": self.statistic,
                "estimate": self.estimate,
                "se": self.se,
                "ci_lower": ci["lower"].to_numpy(),
                "ci_upper": ci["upper"].to_numpy(),
                "df": self.df,
            }
        )
        if self.deff is not None:
            out["deff"] = self.deff
        return out


# ---------------------------------------------------------------------- data preparation
def _expand(design: SurveyDesign, variables: str | Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Numeric matrix (p x n) of ``variables``, categorical columns expanded to level indicators."""
    names: list[str] = []
    cols: list[np.ndarray] = []  # one row per estimate: the (p, n) layout keeps rows contiguous
    for var in [variables] if isinstance(variables, str) else list(variables):
        s = design.column(var)
        if isinstance(s.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
        ):
            cat = s.astype("category")
            miss = cat.isna().to_numpy()
            for level in cat.cat.categories:
                col = (cat == level).to_numpy(dtype=float)
                col[miss] = np.nan
                names.append(f"{var}{level}")
                cols.append(col)
        else:
            names.append(var)
            cols.append(s.to_numpy(dtype=float, na_value=np.nan))
    if not cols:
        raise ParameterError("no variables given")
    return names, np.vstack(cols)


def _complete(
    design: SurveyDesign, x: np.ndarray, names: Sequence[str], na_rm: bool
) -> tuple[SurveyDesign, np.ndarray]:
    """Handle missing values as R: error (na_rm=False) or restrict the domain (na_rm=True)."""
    miss = np.isnan(x).any(axis=0)
    if not miss.any():
        return design, x
    in_domain = design.domain
    if not (miss & in_domain).any():
        return design, np.where(np.isnan(x), 0.0, x)
    if not na_rm:
        rows = np.flatnonzero(miss & in_domain)
        bad = [n for j, n in enumerate(names) if np.isnan(x[j, in_domain]).any()]
        raise InputError(
            f"{bad} have {rows.size} missing value(s) (first rows {rows[:5].tolist()}); "
            "pass na_rm=True to estimate over the complete cases (a domain, as R's na.rm)"
        )
    return design.subset(~miss), np.where(np.isnan(x), 0.0, x)


def _svyvar_diag(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Diagonal of R's ``svyvar`` (x is p x n): weighted variance times n/(n-1), n = rows with
    weight > 0."""
    n = int((w != 0).sum())
    psum = w.sum()
    xbar = x @ w / psum
    return ((x - xbar[:, None]) ** 2) @ w / psum * n / (n - 1)


# ---------------------------------------------------------------------- mean and total
def svymean(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    na_rm: bool = False,
    deff: bool | Literal["replace"] = False,
) -> Estimate:
    """Design-based mean (proportions per level for categorical columns), as R's ``svymean``.

    Parameters
    ----------
    design : SurveyDesign
        The design (or a domain of it).
    variables : str or list of str
        Column name(s).
    na_rm : bool
        Drop rows with a missing value in any of ``variables`` (as a domain).
    deff : bool or "replace"
        Also compute design effects against simple random sampling without replacement
        (True) or with replacement (``"replace"``).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 2.0]})
    >>> float(svymean(SurveyDesign(df, weights="w"), "y").estimate[0])
    2.8333333333333335
    """
    names, x = _expand(design, variables)
    design, x = _complete(design, x, names, na_rm)
    w = design.w
    psum = w.sum()
    avg = x @ w / psum
    v = design.variance_centred(x, w / psum, avg)
    d = None
    if deff:
        nobs = int((w != 0).sum())
        vs = _svyvar_diag(x, w)
        if deff == "replace":
            vsrs = vs / nobs
        elif psum < nobs:
            vsrs = np.full_like(vs, np.nan)
        else:
            vsrs = vs * (psum - nobs) / (psum * nobs)
        d = np.diag(v) / vsrs
    return Estimate("mean", tuple(names), avg, v, design.degf, d)


def svytotal(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    na_rm: bool = False,
    deff: bool | Literal["replace"] = False,
) -> Estimate:
    """Design-based (Horvitz-Thompson) total, as R's ``svytotal``.

    Parameters are as :func:`svymean`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 2.0]})
    >>> float(svytotal(SurveyDesign(df, weights="w"), "y").estimate[0])
    17.0
    """
    names, x = _expand(design, variables)
    design, x = _complete(design, x, names, na_rm)
    w = design.w
    tot = x @ w
    v = design.variance_centred(x, w, np.zeros(len(names)))
    d = None
    if deff:
        nobs = int((w != 0).sum())
        big_n = w.sum()
        vsrs = _svyvar_diag(x, w) * big_n**2 / nobs
        if deff != "replace":
            vsrs = vsrs * (big_n - nobs) / big_n
        d = np.diag(v) / vsrs
    return Estimate("total", tuple(names), tot, v, design.degf, d)


def svyvar(design: SurveyDesign, variable: str, *, na_rm: bool = False) -> Estimate:
    """Design-based population variance of one variable (R's ``svyvar``, n/(n-1) scaling).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]})
    >>> float(svyvar(SurveyDesign(df), "y").estimate[0])
    1.6666666666666667
    """
    names, x = _expand(design, variable)
    if len(names) != 1:
        raise ParameterError("svyvar takes one numeric variable")
    design, x = _complete(design, x, names, na_rm)
    w = design.w
    n = int((w != 0).sum())
    psum = w.sum()
    xbar = (x[0] * w).sum() / psum
    z = (x[0] - xbar) ** 2 * n / (n - 1)
    zbar = (z * w).sum() / psum
    v = design.variance((z - zbar) * w / psum)
    return Estimate("variance", tuple(names), np.array([zbar]), v, design.degf)


# ---------------------------------------------------------------------- ratio
def svyratio(
    design: SurveyDesign,
    numerator: str | Sequence[str],
    denominator: str | Sequence[str],
    *,
    na_rm: bool = False,
    deff: bool = False,
) -> Estimate:
    """Ratio of two design-based totals, as R's ``svyratio`` (combined ratio estimator).

    One estimate per numerator/denominator pair, named ``"num/den"``; ``vcov`` is the joint
    variance matrix of all pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [2.0, 4.0, 6.0], "x": [1.0, 2.0, 3.0]})
    >>> float(svyratio(SurveyDesign(df), "y", "x").estimate[0])
    2.0
    """
    nums = [numerator] if isinstance(numerator, str) else list(numerator)
    dens = [denominator] if isinstance(denominator, str) else list(denominator)
    ny, y = _expand(design, nums)
    nx, x = _expand(design, dens)
    allx = np.vstack([y, x])
    design, allx = _complete(design, allx, [*ny, *nx], na_rm)
    y, x = allx[: len(ny)], allx[len(ny) :]
    w = design.w
    ty = y @ w
    tx = x @ w
    names, est, infl, raw = [], [], [], []
    for j in range(len(nx)):  # R's order: numerators vary fastest
        for i in range(len(ny)):
            r = ty[i] / tx[j]
            names.append(f"{ny[i]}/{nx[j]}")
            est.append(r)
            resid = (y[i] - r * x[j]) / tx[j]
            raw.append(resid)
            infl.append(resid * w)
    v = design.variance(np.vstack(infl).T)
    d = None
    if deff:
        rr = np.vstack(raw)
        nobs = int((w != 0).sum())
        big_n = w.sum()
        vsrs = _svyvar_diag(rr, w) * big_n**2 / nobs * (big_n - nobs) / big_n
        d = np.diag(v) / vsrs
    return Estimate("ratio", tuple(names), np.array(est), v, design.degf, d)


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
    t = _tcrit(level, dfree)
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
    names, x = _expand(design, vars_)
    if len(names) != len(vars_):
        raise InputError("svyquantile needs numeric variables")
    design, x = _complete(design, x, names, na_rm)
    dfree = float(design.degf if df is None else df)
    tq = _tcrit(1 - alpha, dfree)
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

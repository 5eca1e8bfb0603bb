"""Design-based estimators with Taylor-linearisation variance, equal to R's ``survey`` package.

``svymean``, ``svytotal``, ``svyvar`` and ``svyratio`` follow R's functions of the same names
(survey >= 4): the same influence values, the same design
degrees of freedom for t-based confidence intervals (R's ``confint(..., df=degf(design))``),
the same design effects, and domain estimates that keep the full design. Proportions
(``svyciprop``) are in :mod:`~cgresearch.survey.proportions`, quantiles (``svyquantile``) in
:mod:`~cgresearch.survey.quantiles`, estimates by domain (``svyby``) in
:mod:`~cgresearch.survey.domains`; all are re-exported by :mod:`cgresearch.survey`.

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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError
from cgresearch.survey._variables import complete_cases, expand_variables, t_critical
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "Estimate",
    "svymean",
    "svyratio",
    "svytotal",
    "svyvar",
]


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
        t = t_critical(level, self.df if df is None else df)
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
    names, x = expand_variables(design, variables)
    design, x = complete_cases(design, x, names, na_rm)
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
    names, x = expand_variables(design, variables)
    design, x = complete_cases(design, x, names, na_rm)
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
    names, x = expand_variables(design, variable)
    if len(names) != 1:
        raise ParameterError("svyvar takes one numeric variable")
    design, x = complete_cases(design, x, names, na_rm)
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
    ny, y = expand_variables(design, nums)
    nx, x = expand_variables(design, dens)
    allx = np.vstack([y, x])
    design, allx = complete_cases(design, allx, [*ny, *nx], na_rm)
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

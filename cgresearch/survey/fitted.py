"""Fitted design-based models: coefficients, sandwich covariance and the Wald test of a term.

:class:`GLMResult` (R's ``svyglm``) and :class:`OrdinalResult` (``svyolr`` / ``polr``) share
:class:`FittedModel`: coefficients by name, standard errors, t statistics and p-values on the
residual degrees of freedom, confidence intervals, and :func:`reg_term_test` (R's
``regTermTest``), the design-based Wald F test that every coefficient of a term is zero. The
models are fitted in :mod:`cgresearch.survey.models` (``svyglm``) and
:mod:`cgresearch.survey.ordinal` (``svyolr``, ``olr``), which re-export these names.

Examples
--------
>>> import numpy as np
>>> fit = FittedModel(("a", "b"), np.array([1.0, 2.0]), np.eye(2), 10.0, {"a": [0], "b": [1]})
>>> reg_term_test(fit, "b").F  # (2 / 1)^2 on 1 and 10 df
4.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import ParameterError

__all__ = [
    "FittedModel",
    "GLMResult",
    "OrdinalResult",
    "WaldTest",
    "regTermTest",
    "reg_term_test",
]


@dataclass(frozen=True, eq=False)
class WaldTest:
    """Design-based Wald test that the coefficients of ``terms`` are zero (R's ``regTermTest``).

    ``F = chisq / df`` on ``(df, ddf)`` degrees of freedom (``ddf`` = model residual df).
    """

    terms: tuple[str, ...]
    chisq: float
    F: float
    df: int
    ddf: float
    p_value: float

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the test."""
        return pd.DataFrame(
            [
                {
                    "terms": " + ".join(self.terms),
                    "F": self.F,
                    "df": self.df,
                    "ddf": self.ddf,
                    "p_value": self.p_value,
                    "chisq": self.chisq,
                }
            ]
        )


@dataclass(frozen=True, eq=False)
class FittedModel:
    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    df_resid: float
    terms: dict[str, list[int]]

    @property
    def params(self) -> pd.Series:
        """Coefficients by name."""
        return pd.Series(self.coef, index=list(self.names), name="estimate")

    @property
    def vcov(self) -> pd.DataFrame:
        """Design-based variance matrix of the coefficients."""
        return pd.DataFrame(self.cov, index=list(self.names), columns=list(self.names))

    @property
    def se(self) -> pd.Series:
        """Design-based standard errors."""
        return pd.Series(np.sqrt(np.diag(self.cov)), index=list(self.names), name="se")

    @property
    def tvalues(self) -> pd.Series:
        """Coefficient / standard error."""
        return self.params / self.se

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from t with the residual degrees of freedom (as R's summary)."""
        t = self.tvalues.to_numpy()
        if self.df_resid > 0 and np.isfinite(self.df_resid):
            p = 2 * stats.t.sf(np.abs(t), self.df_resid)
        else:
            p = 2 * stats.norm.sf(np.abs(t))
        return pd.Series(p, index=list(self.names), name="p_value")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals with t on the residual degrees of freedom (R's ``confint.svyglm``)."""
        q = stats.t.ppf(0.5 + level / 2, self.df_resid) if self.df_resid > 0 else np.nan
        return pd.DataFrame(
            {
                "lower": self.coef - q * self.se.to_numpy(),
                "upper": self.coef + q * self.se.to_numpy(),
            },
            index=list(self.names),
        )

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy coefficient table: term, estimate, se, t, p_value, ci_lower, ci_upper."""
        ci = self.conf_int(level)
        return pd.DataFrame(
            {
                "term": list(self.names),
                "estimate": self.coef,
                "se": self.se.to_numpy(),
                "t": self.tvalues.to_numpy(),
                "p_value": self.pvalues.to_numpy(),
                "ci_lower": ci["lower"].to_numpy(),
                "ci_upper": ci["upper"].to_numpy(),
            }
        )

    def wald_test(self, terms: str | list[str]) -> WaldTest:
        """Wald F test that all coefficients of ``terms`` are zero (see :func:`reg_term_test`)."""
        return reg_term_test(self, terms)

    regTermTest = wald_test  # R's spelling


@dataclass(frozen=True, eq=False)
class GLMResult(FittedModel):
    """A design-based generalised linear model (R's ``svyglm``).

    Attributes: ``params``, ``se``, ``vcov``, ``tvalues``, ``pvalues``, ``df_resid``
    (``degf + 1 - p``), ``family``, ``nobs`` (rows used), ``iterations``.
    """

    family: str = "gaussian"
    nobs: int = 0
    iterations: int = 0


@dataclass(frozen=True, eq=False)
class OrdinalResult(FittedModel):
    """A proportional-odds logit model, ``logit P(Y <= k) = zeta_k - x'beta``.

    ``params`` holds the slopes ``beta`` followed by the cut points ``zeta`` named
    ``"lev1|lev2"`` (as R's ``svyolr``/``polr``); ``levels`` are the ordered response levels.
    """

    levels: tuple[str, ...] = ()
    n_beta: int = 0
    nobs: int = 0

    @property
    def beta(self) -> pd.Series:
        """Slopes."""
        return self.params.iloc[: self.n_beta]

    @property
    def zeta(self) -> pd.Series:
        """Cut points (intercepts) between successive levels."""
        return self.params.iloc[self.n_beta :]


def reg_term_test(
    model: FittedModel, terms: str | list[str], *, df: float | None = None
) -> WaldTest:
    """Design-based Wald test that every coefficient of ``terms`` is zero (R's ``regTermTest``).

    Parameters
    ----------
    model : GLMResult or OrdinalResult
    terms : str or list of str
        Term labels as in the formula (``"stype"``, ``"ell:meals"``).
    df : float, optional
        Denominator degrees of freedom; the model's residual df by default (F test). Use
        ``numpy.inf`` for a chi-squared test.

    Examples
    --------
    >>> import pandas as pd
    >>> from cgresearch.survey.design import SurveyDesign
    >>> from cgresearch.survey.models import svyglm
    >>> df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "g": list("abab" * 2),
    ...                    "y": [1.0, 2.5, 2.9, 4.4, 5.2, 6.1, 6.8, 8.3]})
    >>> reg_term_test(svyglm("y ~ x + g", SurveyDesign(df)), "g").df
    1
    """
    labels = [terms] if isinstance(terms, str) else list(terms)
    unknown = [t for t in labels if t not in model.terms]
    if unknown:
        raise ParameterError(
            f"term(s) {unknown} not in the model; its terms are {list(model.terms)}"
        )
    idx = sorted({i for t in labels for i in model.terms[t]})
    b = model.coef[idx]
    v = model.cov[np.ix_(idx, idx)]
    chisq = float(b @ np.linalg.solve(v, b))
    k = len(idx)
    ddf = model.df_resid if df is None else df
    if np.isfinite(ddf):
        f = chisq / k
        p = float(stats.f.sf(f, k, ddf))
    else:
        f = chisq / k
        p = float(stats.chi2.sf(chisq, k))
    return WaldTest(tuple(labels), chisq, f, k, float(ddf), p)


regTermTest = reg_term_test  # R's spelling

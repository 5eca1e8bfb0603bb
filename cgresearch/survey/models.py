"""Design-based regression models, equal to R's ``svyglm`` and ``svyolr``.

* :func:`svyglm` - linear (``gaussian``) and logistic (``quasibinomial``) regression fitted by
  weighted least squares / IRLS with the sampling weights, standard errors from the sandwich
  ``A^-1 V(U) A^-1`` where ``V(U)`` is the design-based variance of the estimating functions
  (R's ``svy.varcoef``), and residual degrees of freedom ``degf(design) + 1 - p`` as R.
* :func:`svyolr` - survey-weighted proportional-odds (cumulative logit) model with R's and
  MASS ``polr``'s parametrisation ``logit P(Y <= k) = zeta_k - x'beta``; design-based sandwich
  standard errors as R's ``svyolr`` (the first in Python).
* :func:`olr` - the unweighted proportional-odds logit through statsmodels' ``OrderedModel``
  with ``distr="logit"`` (statsmodels' default is probit), reported in the same parametrisation.
* :func:`reg_term_test` (alias ``regTermTest``) - design-based Wald F test of a model term.

Formulas are R-style (patsy): ``"api00 ~ ell + meals + stype"``; categorical columns get
treatment contrasts and R's column names (``stypeH``); dotted column names may be written bare.
Rows with missing values in the model variables are dropped as a domain (R's ``na.omit`` on a
design).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"psu": range(6), "x": [1.0, 2, 3, 4, 5, 6],
...                    "y": [2.1, 3.9, 6.2, 7.8, 10.1, 12.0]})
>>> fit = svyglm("y ~ x", SurveyDesign(df, ids="psu"))
>>> float(round(fit.params["x"], 3))
1.991
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.survey._formula import ModelFrame, model_frame
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "GLMResult",
    "OrdinalResult",
    "WaldTest",
    "olr",
    "regTermTest",
    "reg_term_test",
    "svyglm",
    "svyolr",
]


# ---------------------------------------------------------------------- results
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
class _Fitted:
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
class GLMResult(_Fitted):
    """A design-based generalised linear model (R's ``svyglm``).

    Attributes: ``params``, ``se``, ``vcov``, ``tvalues``, ``pvalues``, ``df_resid``
    (``degf + 1 - p``), ``family``, ``nobs`` (rows used), ``iterations``.
    """

    family: str = "gaussian"
    nobs: int = 0
    iterations: int = 0


@dataclass(frozen=True, eq=False)
class OrdinalResult(_Fitted):
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


# ---------------------------------------------------------------------- svyglm
def _frame_for(design: SurveyDesign, formula: str) -> tuple[ModelFrame, SurveyDesign]:
    data = design.data.reset_index(drop=True)
    mf = model_frame(formula, data)
    if not mf.kept.all():
        design = design.subset(mf.kept)
    return mf, design


def _full(mf: ModelFrame, values: np.ndarray) -> np.ndarray:
    out = np.zeros((mf.kept.size, *values.shape[1:]))
    out[mf.kept] = values
    return out


def _binary_response(mf: ModelFrame, formula: str) -> np.ndarray:
    y = mf.y.to_numpy(dtype=float)
    if y.shape[1] == 1:
        y = y[:, 0]
        if not np.all((y >= 0) & (y <= 1)):
            raise InputError(f"quasibinomial response of {formula!r} must lie in [0, 1]")
        return y
    # a factor response: first level is failure, as R's glm
    return 1.0 - y[:, 0]


def svyglm(
    formula: str,
    design: SurveyDesign,
    family: Literal["gaussian", "quasibinomial"] = "gaussian",
    *,
    max_iter: int = 100,
    tol: float = 1e-12,
) -> GLMResult:
    """Design-based linear or logistic regression, as R's ``svyglm``.

    Parameters
    ----------
    formula : str
        R-style formula, e.g. ``"api00 ~ ell + meals + stype"``. For ``quasibinomial`` the
        response is 0/1, boolean, a proportion, or a two-level factor (first level = 0).
    design : SurveyDesign
    family : {"gaussian", "quasibinomial"}
        Identity-link linear model or logit-link model with quasi-binomial variance.
    max_iter, tol : int, float
        IRLS limits (relative change in deviance), tighter than R's default 1e-8.

    Returns
    -------
    GLMResult

    Raises
    ------
    cgresearch.errors.ModelError
        Collinear predictors or IRLS that does not converge.

    Examples
    --------
    >>> import pandas as pd
    >>> from cgresearch.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "y": [0, 0, 1, 0, 1, 1]})
    >>> fit = svyglm("y ~ x", SurveyDesign(df), family="quasibinomial")
    >>> float(round(fit.params["x"], 3))
    1.214
    """
    if family not in ("gaussian", "quasibinomial"):
        raise ParameterError(f"family must be 'gaussian' or 'quasibinomial', not {family!r}")
    mf, design = _frame_for(design, formula)
    x = mf.x
    w_all = design.w[mf.kept]
    active = w_all != 0
    w = w_all / w_all[active].mean()
    if family == "gaussian":
        y = mf.y.to_numpy(dtype=float)
        if y.shape[1] != 1:
            raise InputError(f"the response of {formula!r} must be numeric for family='gaussian'")
        y = y[:, 0]
    else:
        y = _binary_response(mf, formula)
    rank = np.linalg.matrix_rank(x[active] * np.sqrt(w[active])[:, None])
    if rank < x.shape[1]:
        raise ModelError(
            f"the predictors of {formula!r} are collinear (rank {rank} of {x.shape[1]} columns "
            f"{mf.names}); drop a redundant term"
        )
    iterations = 1
    if family == "gaussian":
        xtwx = x.T @ (x * w[:, None])
        beta = np.linalg.solve(xtwx, x.T @ (w * y))
        mu = x @ beta
        score = x * (w * (y - mu))[:, None]
    else:
        mu = (w * y + 0.5) / (w + 1.0)  # glm's binomial mustart
        eta = np.log(mu / (1 - mu))
        dev_old = np.inf
        beta = np.zeros(x.shape[1])
        for iterations in range(1, max_iter + 1):  # noqa: B007 - reported below
            v = mu * (1 - mu)
            z = eta + (y - mu) / v
            ww = w * v
            xtwx = x.T @ (x * ww[:, None])
            beta = np.linalg.solve(xtwx, x.T @ (ww * z))
            eta = x @ beta
            mu = 1 / (1 + np.exp(-eta))
            with np.errstate(divide="ignore", invalid="ignore"):
                dev = -2 * float(np.sum(w * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))
            if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
                break
            dev_old = dev
        else:
            raise ModelError(
                f"IRLS for {formula!r} did not converge in {max_iter} iterations; the "
                "outcome may be perfectly separated by the predictors"
            )
        v = mu * (1 - mu)
        xtwx = x.T @ (x * (w * v)[:, None])
        score = x * (w * (y - mu))[:, None]
    ainv = np.linalg.inv(xtwx)
    cov = design.variance(_full(mf, score @ ainv))
    df_resid = design.degf + 1 - x.shape[1]
    return GLMResult(
        tuple(mf.names),
        beta,
        cov,
        float(df_resid),
        mf.terms,
        family=family,
        nobs=int(active.sum()),
        iterations=iterations,
    )


def reg_term_test(model: _Fitted, terms: str | list[str], *, df: float | None = None) -> WaldTest:
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


# ---------------------------------------------------------------------- ordinal logit
def _ordinal_response(mf: ModelFrame, formula: str) -> tuple[np.ndarray, list[str]]:
    """0-based category codes and level labels of an ordered response."""
    y = mf.y
    if y.shape[1] == 1:
        vals = y.iloc[:, 0].to_numpy(dtype=float)
        levels = np.unique(vals)
        codes = np.searchsorted(levels, vals)
        labels = [f"{v:g}" for v in levels]
    else:
        arr = y.to_numpy(dtype=float)
        codes = arr.argmax(axis=1)
        labels = [str(c).split("[", 1)[1][:-1] if "[" in str(c) else str(c) for c in y.columns]
        present = np.unique(codes)
        if present.size < len(labels):  # unused levels are dropped, as R's model.frame does not
            keep = [labels[i] for i in present]
            codes = np.searchsorted(present, codes)
            labels = keep
    if len(labels) < 3:
        raise InputError(
            f"the response of {formula!r} has {len(labels)} level(s); an ordinal model needs 3 "
            "or more (use svyglm(..., family='quasibinomial') for two)"
        )
    return codes, labels


def _ordinal_parts(
    params: np.ndarray, x: np.ndarray, y: np.ndarray, q: int
) -> tuple[np.ndarray, ...]:
    p = x.shape[1]
    beta, zeta = params[:p], params[p:]
    eta = x @ beta
    cuts = np.concatenate([[-np.inf], zeta, [np.inf]])
    a = cuts[y + 1] - eta  # upper
    b = cuts[y] - eta  # lower
    fa = 1 / (1 + np.exp(-a))
    fb = 1 / (1 + np.exp(-b))
    prob = fa - fb
    return a, b, fa, fb, prob


def _ordinal_negloglik(params: np.ndarray, x: np.ndarray, y: np.ndarray, wt: np.ndarray, q: int):
    *_, prob = _ordinal_parts(params, x, y, q)
    if np.any(prob <= 0):
        return np.inf
    return -float(np.sum(wt * np.log(prob)))


def _ordinal_scores(params: np.ndarray, x: np.ndarray, y: np.ndarray, q: int):
    """Per-row gradient of log P(y) and the pieces for the Hessian."""
    n, p = x.shape
    _, _, fa, fb, prob = _ordinal_parts(params, x, y, q)
    prob = np.where(prob > 0, prob, np.nan)  # an infeasible trial point: NaN, never a warning
    da = fa * (1 - fa)  # logistic density at the upper cut
    db = fb * (1 - fb)
    la = da / prob
    lb = -db / prob
    ga = np.zeros((n, p + q))  # d a / d theta
    gb = np.zeros((n, p + q))
    ga[:, :p] = -x
    gb[:, :p] = -x
    up = y < q
    lo = y > 0
    ga[np.flatnonzero(up), p + y[up]] = 1.0
    gb[np.flatnonzero(lo), p + y[lo] - 1] = 1.0
    ga[~up, :] = 0.0  # a = +inf: no contribution
    gb[~lo, :] = 0.0
    scores = ga * la[:, None] + gb * lb[:, None]
    laa = da * (1 - 2 * fa) / prob - la**2
    lbb = -db * (1 - 2 * fb) / prob - lb**2
    lab = -la * lb
    return scores, ga, gb, laa, lbb, lab


def _theta_jacobian(theta: np.ndarray, p: int, q: int) -> np.ndarray:
    """d(beta, zeta) / d(beta, theta) for zeta = cumsum(theta_1, exp(theta_2), ...)."""
    jac = np.eye(p + q)
    for i in range(q):
        jac[p + i, p] = 1.0
        for j in range(1, i + 1):
            jac[p + i, p + j] = np.exp(theta[p + j])
    return jac


def _ordinal_fit(
    x: np.ndarray, y: np.ndarray, wt: np.ndarray, q: int, formula: str
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum (weighted) likelihood; returns parameters and the Hessian of -loglik."""
    n, p = x.shape
    # R's start: logistic regression of y > q1 on x, cut points spaced on the logit scale
    q1 = (q + 1) // 2
    y1 = (y >= q1).astype(float)
    xi = np.column_stack([np.ones(n), x])
    wn = wt / wt.mean()
    mu = (wn * y1 + 0.5) / (wn + 1)
    eta = np.log(mu / (1 - mu))
    for _ in range(50):
        v = mu * (1 - mu)
        z = eta + (y1 - mu) / v
        coefs = np.linalg.lstsq(xi * np.sqrt(wn * v)[:, None], z * np.sqrt(wn * v), rcond=None)[0]
        eta_new = xi @ coefs
        if np.max(np.abs(eta_new - eta)) < 1e-10:
            eta = eta_new
            break
        eta = eta_new
        mu = 1 / (1 + np.exp(-eta))
    spacing = np.log((np.arange(1, q + 1) / (q + 1)) / (1 - np.arange(1, q + 1) / (q + 1)))
    gammas = -coefs[0] + spacing - spacing[q1 - 1]
    theta0 = np.concatenate([coefs[1:], [gammas[0]], np.log(np.diff(gammas))])

    def to_params(theta: np.ndarray) -> np.ndarray:
        return np.concatenate(
            [theta[:p], np.cumsum(np.concatenate([[theta[p]], np.exp(theta[p + 1 :])]))]
        )

    def fun(theta: np.ndarray) -> float:
        return _ordinal_negloglik(to_params(theta), x, y, wt, q)

    def grad(theta: np.ndarray) -> np.ndarray:
        s = _ordinal_scores(to_params(theta), x, y, q)[0]
        return _theta_jacobian(theta, p, q).T @ -(s * wt[:, None]).sum(axis=0)

    res = optimize.minimize(
        fun, theta0, jac=grad, method="BFGS", options={"gtol": 1e-10, "maxiter": 2000}
    )
    params, hess = _newton_polish(to_params(res.x), x, y, wt, q)
    if not np.all(np.isfinite(params)) or np.any(np.diff(params[p:]) <= 0):
        raise ModelError(f"the ordinal model {formula!r} did not converge to valid cut points")
    return params, hess


def _newton_polish(
    params: np.ndarray, x: np.ndarray, y: np.ndarray, wt: np.ndarray, q: int
) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps in (beta, zeta) with the analytic Hessian: converged to machine precision."""
    hess = _ordinal_hessian(params, x, y, wt, q)
    for _ in range(20):
        s = _ordinal_scores(params, x, y, q)[0]
        step = np.linalg.solve(hess, -(s * wt[:, None]).sum(axis=0))
        params = params - step
        hess = _ordinal_hessian(params, x, y, wt, q)
        if np.max(np.abs(step)) < 1e-13 * (1 + np.max(np.abs(params))):
            break
    return params, hess


def _ordinal_hessian(params: np.ndarray, x: np.ndarray, y: np.ndarray, wt: np.ndarray, q: int):
    """Hessian of the weighted negative log-likelihood in (beta, zeta)."""
    _, ga, gb, laa, lbb, lab = _ordinal_scores(params, x, y, q)
    h = (
        ga.T @ (ga * (wt * laa)[:, None])
        + gb.T @ (gb * (wt * lbb)[:, None])
        + ga.T @ (gb * (wt * lab)[:, None])
        + gb.T @ (ga * (wt * lab)[:, None])
    )
    return -h


def _ordinal_frame(
    formula: str, data: pd.DataFrame
) -> tuple[ModelFrame, np.ndarray, list[str], np.ndarray, list[str], dict[str, list[int]]]:
    mf = model_frame(formula, data)
    if "(Intercept)" not in mf.names:
        raise ParameterError(f"{formula!r}: the ordinal model needs its intercept (cut points)")
    keep = [i for i, nm in enumerate(mf.names) if nm != "(Intercept)"]
    x = mf.x[:, keep]
    names = [mf.names[i] for i in keep]
    terms = {t: [keep.index(i) for i in cols] for t, cols in mf.terms.items() if t != "(Intercept)"}
    y, levels = _ordinal_response(mf, formula)
    return mf, x, names, y, levels, terms


def svyolr(formula: str, design: SurveyDesign) -> OrdinalResult:
    """Survey-weighted proportional-odds (ordinal) logistic regression, equal to R's ``svyolr``.

    Model: ``logit P(Y <= k) = zeta_k - x'beta`` (MASS ``polr`` parametrisation), fitted by
    maximising the sampling-weighted log-likelihood; standard errors from the sandwich of the
    per-row scores with the design-based variance (R: ``svyrecvar(scores %*% solve(H))``);
    ``df_resid = degf(design) - len(beta)`` as R.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"``; the response is an ordered categorical column (its category order
        is used) or numeric codes such as Likert answers 1-5 (sorted); 3 or more levels.
    design : SurveyDesign

    Returns
    -------
    OrdinalResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cgresearch.survey.design import SurveyDesign
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=300)
    >>> y = np.digitize(x + rng.logistic(size=300), [-1.0, 0.0, 1.0]) + 1
    >>> df = pd.DataFrame({"psu": np.arange(300) // 3, "x": x, "y": y})
    >>> fit = svyolr("y ~ x", SurveyDesign(df, ids="psu"))
    >>> fit.zeta.index.tolist()
    ['1|2', '2|3', '3|4']
    """
    data = design.data.reset_index(drop=True)
    mf, x, names, y, levels, terms = _ordinal_frame(formula, data)
    if not mf.kept.all():
        design = design.subset(mf.kept)
    wt = design.w[mf.kept]
    active = wt != 0
    x, y, wt_a = x[active], y[active], wt[active]
    q = len(levels) - 1
    params, hess = _ordinal_fit(x, y, wt_a, q, formula)
    vm = np.linalg.inv(hess)
    scores = _ordinal_scores(params, x, y, q)[0] * wt_a[:, None]
    rows = np.flatnonzero(mf.kept)[active]
    infl = np.zeros((design.n, params.size))
    infl[rows] = scores @ vm
    cov = design.variance(infl)
    zeta_names = [f"{levels[i]}|{levels[i + 1]}" for i in range(q)]
    return OrdinalResult(
        tuple(names + zeta_names),
        params,
        cov,
        float(design.degf - len(names)),
        terms,
        levels=tuple(levels),
        n_beta=len(names),
        nobs=int(active.sum()),
    )


def olr(formula: str, data: pd.DataFrame) -> OrdinalResult:
    """Unweighted proportional-odds logit via statsmodels ``OrderedModel(distr="logit")``.

    statsmodels fits the model (its default link is probit, so the logit link is set
    explicitly); a few analytic Newton steps then take its BFGS stopping point to the exact
    maximum, and the covariance is the inverse of the analytic Hessian. Reported in MASS
    ``polr``'s parametrisation (slopes, then cut points ``zeta``). For survey data use
    :func:`svyolr`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=200)
    >>> df = pd.DataFrame({"x": x, "y": np.digitize(x + rng.logistic(size=200), [-1, 0, 1])})
    >>> olr("y ~ x", df).zeta.index.tolist()
    ['0|1', '1|2', '2|3']
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    _, x, names, y, levels, terms = _ordinal_frame(formula, data.reset_index(drop=True))
    q = len(levels) - 1
    endog = pd.Series(pd.Categorical.from_codes(y, categories=levels, ordered=True))
    model = OrderedModel(endog, pd.DataFrame(x, columns=names), distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="bfgs", maxiter=5000, disp=False)
    p = len(names)
    theta = np.asarray(res.params, dtype=float)
    zeta = np.cumsum(np.concatenate([[theta[p]], np.exp(theta[p + 1 :])]))
    # BFGS stops near 1e-5; finish with analytic Newton steps and use the analytic Hessian
    params, hess = _newton_polish(np.concatenate([theta[:p], zeta]), x, y, np.ones(len(y)), q)
    if (
        not res.mle_retvals.get("converged", True)
        and np.max(np.abs(params - np.concatenate([theta[:p], zeta]))) > 1e-2
    ):
        raise ModelError(f"statsmodels OrderedModel did not converge for {formula!r}")
    cov = np.linalg.inv(hess)
    zeta_names = [f"{levels[i]}|{levels[i + 1]}" for i in range(q)]
    return OrdinalResult(
        tuple(names + zeta_names),
        params,
        cov,
        float(len(y) - p - q),
        terms,
        levels=tuple(levels),
        n_beta=p,
        nobs=len(y),
    )

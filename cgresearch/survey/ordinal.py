"""Proportional-odds (cumulative logit) models: design-based ``svyolr`` and unweighted ``olr``.

* :func:`svyolr` - survey-weighted proportional-odds model with R's and MASS ``polr``'s
  parametrisation ``logit P(Y <= k) = zeta_k - x'beta``; design-based sandwich standard errors as
  R's ``svyolr``.
* :func:`olr` - the unweighted model through statsmodels' ``OrderedModel`` with
  ``distr="logit"`` (statsmodels' default is probit), reported in the same parametrisation.

Both return an :class:`~cgresearch.survey.fitted.OrdinalResult`; both are re-exported by
:mod:`cgresearch.survey.models` and :mod:`cgresearch.survey`.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9], "y": [1, 1, 2, 1, 2, 3, 2, 3, 3]})
>>> fit = olr("y ~ x", df)
>>> list(fit.params.index)  # the slope, then the cut points zeta_k
['x', '1|2', '2|3']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.survey._formula import ModelFrame, model_frame
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.fitted import OrdinalResult

__all__ = ["olr", "svyolr"]


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

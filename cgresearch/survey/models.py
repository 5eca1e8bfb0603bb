"""Design-based regression models, equal to R's ``svyglm``; the model API in one place.

* :func:`svyglm` - linear (``gaussian``) and logistic (``quasibinomial``) regression fitted by
  weighted least squares / IRLS with the sampling weights, standard errors from the sandwich
  ``A^-1 V(U) A^-1`` where ``V(U)`` is the design-based variance of the estimating functions
  (R's ``svy.varcoef``), and residual degrees of freedom ``degf(design) + 1 - p`` as R.
* :func:`svyolr` and :func:`olr` - proportional-odds models (:mod:`cgresearch.survey.ordinal`,
  re-exported here).
* :func:`reg_term_test` (alias ``regTermTest``) - design-based Wald F test of a model term, and
  the result classes (:mod:`cgresearch.survey.fitted`, re-exported here).

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

from typing import Literal

import numpy as np

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.survey._formula import ModelFrame, model_frame
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.fitted import (
    GLMResult,
    OrdinalResult,
    WaldTest,
    reg_term_test,
    regTermTest,
)
from cgresearch.survey.ordinal import olr, svyolr

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

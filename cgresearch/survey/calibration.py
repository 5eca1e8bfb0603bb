"""Calibration of survey weights: post-stratification, raking and GREG, as R's survey package.

Each function returns a new :class:`~cgresearch.survey.design.SurveyDesign` with calibrated
weights and a calibration step that R's ``svyrecvar`` applies to influence values before the
variance is computed, so standard errors after calibration equal R's:

* :func:`post_stratify` (R ``postStratify``): influence values minus their post-stratum means;
* :func:`rake` (R ``rake``): iterative post-stratification over margins with R's stopping rule;
  the variance uses R's 10 back-fitting sweeps over the margins of the final iteration;
* :func:`calibrate` (R ``calibrate``, ``calfun="linear"`` or ``"raking"``): GREG weights
  ``w * g``; the variance uses the residuals of the weighted regression on the calibration
  variables (R's ``qr.resid`` on ``x / (g sqrt(w))``).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 2.0, 3.0, 4.0]})
>>> d = post_stratify(SurveyDesign(df), "g", {"a": 30, "b": 10})
>>> d.weights.tolist()
[15.0, 15.0, 5.0, 5.0]
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.survey._formula import r_name, rhs_matrix
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "CalibrationInfo",
    "calibrate",
    "postStratify",
    "post_stratify",
    "rake",
]


@dataclass(frozen=True)
class CalibrationInfo:
    """How a calibration ended.

    ``iterations`` counts complete sweeps (raking: post-stratification on every margin);
    ``max_change`` is the largest change of a cell of the joint margin table in the last sweep
    (raking) or the relative misfit (raking calibration); ``epsilon`` the tolerance used.
    """

    method: str
    converged: bool
    iterations: int
    max_change: float
    epsilon: float

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the fields."""
        return pd.DataFrame([self.__dict__])


# ---------------------------------------------------------------------- adjustment records
@dataclass(frozen=True, eq=False)
class _PostStratAdjustment:
    codes: np.ndarray
    n_cells: int
    weights: np.ndarray  # after
    old_weights: np.ndarray  # before

    def residualize(self, x: np.ndarray, overwrite: bool = False) -> np.ndarray:
        psw = self.weights.copy()
        oldw = self.old_weights
        psw[(psw == 0) & (oldw == 0)] = 1.0
        ratio = oldw / psw
        den = np.bincount(self.codes, weights=oldw, minlength=self.n_cells)
        out = np.empty_like(x)
        for j in range(x.shape[0]):
            means = np.bincount(self.codes, weights=x[j] * ratio, minlength=self.n_cells) / den
            out[j] = x[j] - means[self.codes] * psw
        return out


@dataclass(frozen=True, eq=False)
class _RakeAdjustment:
    """R's raking residuals: 10 back-fitting sweeps of post-stratification over the margins.

    Every sweep subtracts, per margin m, ``psw_m * mean_cell(x / psw_m)``: what is subtracted
    always lies in the span of ``psw_m`` times the cell indicators of m. So the sweeps are run
    on the cell coefficients ``B_m`` (items x cells) of all items at once, with the cross-margin
    Gram tables ``G[m, m'][c, c'] = sum over rows in cell c of m and c' of m' of psw_m' / psw_m``
    (tiny matrices), and the rows are touched only to form the first cell sums and the final
    ``x - sum_m psw_m * B_m[:, codes_m]``. The arithmetic is R's sweep for sweep (only the order
    of the floating-point sums differs).
    """

    margins: tuple[tuple[np.ndarray, int, np.ndarray], ...]  # (codes, n_cells, weights after)
    #: Optional joint cells of all margin variables, with ``psw_m = base * factors[m][joint]``
    #: (raking multiplies the weights by one factor per cell): then the cell sums, the Gram
    #: tables and the final subtraction need a single pass over the rows per item.
    joint: np.ndarray | None = None
    base: np.ndarray | None = None
    factors: tuple[np.ndarray, ...] = ()

    def residualize(self, x: np.ndarray, overwrite: bool = False) -> np.ndarray:
        if self.joint is not None and self.base is not None:
            return self._residualize_joint(x, self.joint, self.base, overwrite)
        margins = self.margins
        n_m = len(margins)
        inv = [1.0 / psw for _, _, psw in margins]
        cnt = [np.bincount(codes, minlength=k).astype(float) for codes, k, _ in margins]
        gram: dict[tuple[int, int], np.ndarray] = {}
        for a, (ca, ka, _) in enumerate(margins):
            for b, (cb, kb, pswb) in enumerate(margins):
                flat = np.bincount(ca * kb + cb, weights=inv[a] * pswb, minlength=ka * kb)
                gram[a, b] = flat.reshape(ka, kb)
        # cell sums of x / psw_m for every item and margin: items x cells
        start = [_cell_sums(x, codes, k, inv[a]) for a, (codes, k, _) in enumerate(margins)]
        coef = [np.zeros((x.shape[0], k)) for _, k, _ in margins]
        for _ in range(10):  # R: a fixed 10 sweeps of back-fitting
            for a in range(n_m):
                sums = start[a].copy()
                for b in range(n_m):
                    sums -= coef[b] @ gram[a, b].T
                coef[a] += sums / cnt[a]
        out = np.array(x, dtype=float, copy=True)
        buf = np.empty(x.shape[1])
        for (codes, _, psw), b in zip(margins, coef, strict=True):
            for j in range(x.shape[0]):  # row by row: cache-friendly, no items x rows temporary
                np.take(b[j], codes, out=buf)
                buf *= psw
                out[j] -= buf
        return out

    def _residualize_joint(
        self, x: np.ndarray, joint: np.ndarray, base: np.ndarray, overwrite: bool
    ) -> np.ndarray:
        """The same sweeps with every row-level quantity taken through the joint cells (in
        ``x`` itself when ``overwrite``: no second items x rows array)."""
        factors = self.factors
        n_j = factors[0].size
        cnt_j = np.bincount(joint, minlength=n_j).astype(float)
        inds = []  # joint cell -> cell of margin m, as an indicator matrix (n_joint x k_m)
        for codes, k, _ in self.margins:
            code_of = np.zeros(n_j, dtype=np.intp)
            code_of[joint] = codes
            ind = np.zeros((n_j, k))
            ind[np.arange(n_j), code_of] = 1.0
            ind[cnt_j == 0] = 0.0
            inds.append(ind)
        sums_j = _cell_sums(x, joint, n_j, 1.0 / base)  # items x joint cells of x / base
        start = [(sums_j / f) @ ind for f, ind in zip(factors, inds, strict=True)]
        cnt = [cnt_j @ ind for ind in inds]
        gram = {
            (a, b): inds[a].T @ (inds[b] * (cnt_j * factors[b] / factors[a])[:, None])
            for a in range(len(inds))
            for b in range(len(inds))
        }
        coef = [np.zeros((x.shape[0], ind.shape[1])) for ind in inds]
        for _ in range(10):  # R: a fixed 10 sweeps of back-fitting
            for a in range(len(inds)):
                sums = start[a].copy()
                for b in range(len(inds)):
                    sums -= coef[b] @ gram[a, b].T
                coef[a] += sums / cnt[a]
        h = sum((c @ ind.T) * f for c, ind, f in zip(coef, inds, factors, strict=True))
        out = x if overwrite and x.dtype == float else np.array(x, dtype=float, copy=True)
        buf = np.empty(x.shape[1])
        for j in range(x.shape[0]):
            np.take(h[j], joint, out=buf)
            buf *= base
            out[j] -= buf
        return out


def _joint_factors(
    joint: np.ndarray, n_joint: int, base: np.ndarray, after: list[np.ndarray]
) -> tuple[np.ndarray, ...] | None:
    """Per margin, the factor of each joint cell with ``after[m] = base * factor[joint]``, or
    None when the weights do not factor so (a zero weight)."""
    if not (base > 0).all():
        return None
    cnt = np.bincount(joint, minlength=n_joint)
    out = []
    for wa in after:
        f = np.bincount(joint, weights=wa / base, minlength=n_joint) / np.maximum(cnt, 1)
        f = np.where(cnt > 0, f, 1.0)
        if not np.allclose(wa, base * f[joint], rtol=1e-10, atol=0.0):
            return None
        out.append(f)
    return tuple(out)


def _cell_sums(x: np.ndarray, codes: np.ndarray, k: int, scale: np.ndarray) -> np.ndarray:
    """Return ``sum over rows in cell c of x[j] * scale`` for every row j of x (items x cells)."""
    out = np.empty((x.shape[0], k))
    buf = np.empty(x.shape[1])
    for j in range(x.shape[0]):
        np.multiply(x[j], scale, out=buf)
        out[j] = np.bincount(codes, weights=buf, minlength=k)
    return out


@dataclass(frozen=True, eq=False)
class _GregAdjustment:
    q: np.ndarray  # orthonormal basis of the columns of mm * sqrt(w)
    w: np.ndarray  # g * sqrt(w)

    def residualize(self, x: np.ndarray, overwrite: bool = False) -> np.ndarray:
        e = x / self.w
        e = e - (e @ self.q) @ self.q.T
        return e * self.w


# ---------------------------------------------------------------------- post-stratification
def _cells(design: SurveyDesign, columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: design.column(c).to_numpy() for c in columns})
    bad = frame.isna().any(axis=1).to_numpy()
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise InputError(f"calibration variable(s) {list(columns)} missing at row(s) {rows}")
    return frame


def _population_table(population: object, columns: Sequence[str]) -> pd.DataFrame:
    """Population counts as a frame with ``columns`` + ``Freq``."""
    if isinstance(population, pd.DataFrame):
        other = [c for c in population.columns if c not in columns]
        if len(other) != 1 or not set(columns) <= set(population.columns):
            raise ParameterError(
                f"population table needs the columns {list(columns)} and one count column; "
                f"got {list(population.columns)}"
            )
        return population.rename(columns={other[0]: "Freq"})[[*columns, "Freq"]]
    if isinstance(population, (pd.Series, Mapping)):
        s = pd.Series(population)
        if len(columns) != 1:
            raise ParameterError("give a DataFrame of population counts for several variables")
        return pd.DataFrame({columns[0]: s.index.to_numpy(), "Freq": s.to_numpy(dtype=float)})
    raise ParameterError("population must be a DataFrame (levels + counts), Series or dict")


def _key(values: object) -> str:
    vals = values if isinstance(values, tuple) else (values,)
    return "\x1f".join(str(v) for v in vals)


def _setup(
    design: SurveyDesign, cols: list[str], population: object, partial: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Cell code of every row and the population count of every cell (validated)."""
    frame = _cells(design, cols)
    groups = frame.groupby(cols, sort=True, dropna=False)
    codes = groups.ngroup().to_numpy()
    cells = [_key(k) for k in groups.size().index]
    pop = _population_table(population, cols)
    pop_keys = [_key(tuple(r)) for r in pop[cols].itertuples(index=False, name=None)]
    pop_s = pd.Series(pop["Freq"].to_numpy(dtype=float), index=pop_keys)
    if pop_s.index.duplicated().any():
        dup = pop_s.index[pop_s.index.duplicated()].tolist()
        raise InputError(f"population table repeats cell(s) {dup[:5]} of {cols}")
    positive = set(pop_s.index[(pop_s > 0).to_numpy()])
    only_sample = [c for c in cells if c not in positive]
    if only_sample:
        raise InputError(
            f"post-stratum cell(s) {[c.replace(chr(31), ':') for c in only_sample[:5]]} of "
            f"{cols} are in the sample but have no population count; add them to the "
            "population table"
        )
    only_pop = sorted(positive - set(cells))
    if only_pop and not partial:
        raise InputError(
            f"population cell(s) {[c.replace(chr(31), ':') for c in only_pop[:5]]} of {cols} "
            "have no sampled rows; merge cells or pass partial=True to ignore them"
        )
    return codes, pop_s.reindex(cells).to_numpy()


def _poststrat_weights(codes: np.ndarray, pop: np.ndarray, w_old: np.ndarray) -> np.ndarray:
    sample = np.bincount(codes, weights=w_old, minlength=pop.size)
    return w_old * (pop / sample)[codes]


def post_stratify(
    design: SurveyDesign,
    strata: str | Sequence[str],
    population: pd.DataFrame | pd.Series | Mapping[object, float],
    *,
    partial: bool = False,
) -> SurveyDesign:
    """Post-stratify the weights to known population counts (R's ``postStratify``).

    Parameters
    ----------
    design : SurveyDesign
    strata : str or list of str
        Post-stratification variable(s).
    population : DataFrame, Series or dict
        Population counts per cell: a DataFrame with the ``strata`` columns and one count column
        (R's ``Freq``), or a Series/dict ``level -> count`` for a single variable.
    partial : bool
        Ignore population cells absent from the sample (otherwise an error, as R).

    Returns
    -------
    SurveyDesign
        Weights summing to the population count in every cell.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a", "b", "b"], "y": [1.0, 2.0, 4.0]})
    >>> post_stratify(SurveyDesign(df), "g", {"a": 5, "b": 5}).weights.tolist()
    [5.0, 2.5, 2.5]
    """
    cols = [strata] if isinstance(strata, str) else list(strata)
    codes, pop = _setup(design, cols, population, partial)
    w_old = design.full_weights
    w_new = _poststrat_weights(codes, pop, w_old)
    adj = _PostStratAdjustment(codes, pop.size, w_new, w_old)
    info = CalibrationInfo("poststratify", True, 1, 0.0, 0.0)
    return design.with_weights(w_new, adj, info)


postStratify = post_stratify  # R's spelling


# ---------------------------------------------------------------------- raking
def rake(
    design: SurveyDesign,
    margins: Sequence[str | Sequence[str]],
    population_margins: Sequence[pd.DataFrame | pd.Series | Mapping[object, float]],
    *,
    max_iter: int = 10,
    epsilon: float = 1.0,
) -> SurveyDesign:
    """Rake the weights to several population margins by iterative proportional fitting (R's
    ``rake``).

    Each iteration post-stratifies on every margin in turn; it stops when no cell of the joint
    weighted table of all margin variables changes by ``epsilon`` or more (``epsilon < 1`` is a
    fraction of the total weight, as R). The result's ``calibration_info`` reports convergence;
    a warning is issued when ``max_iter`` is reached first.

    Parameters
    ----------
    design : SurveyDesign
    margins : list
        One variable (or list of variables) per margin.
    population_margins : list
        Population counts per margin, as for :func:`post_stratify`.
    max_iter : int
        Maximum number of sweeps (R's ``control$maxit``, default 10).
    epsilon : float
        Convergence tolerance (R's ``control$epsilon``, default 1).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]})
    >>> d = rake(SurveyDesign(df), ["a", "b"], [{"x": 6, "y": 4}, {"u": 5, "v": 5}])
    >>> d.calibration_info.converged, d.weights.tolist()
    (True, [3.0, 3.0, 2.0, 2.0])
    """
    if len(margins) != len(population_margins):
        raise ParameterError(
            f"{len(margins)} margins but {len(population_margins)} population margins"
        )
    if max_iter < 1:
        raise ParameterError("max_iter must be at least 1")
    cols = [[m] if isinstance(m, str) else list(m) for m in margins]
    setups = [_setup(design, c, p, False) for c, p in zip(cols, population_margins, strict=True)]
    all_vars = list(dict.fromkeys(v for c in cols for v in c))
    joint = _cells(design, all_vars).groupby(all_vars, sort=True, dropna=False).ngroup().to_numpy()
    n_joint = int(joint.max()) + 1
    w = design.full_weights
    eps = epsilon * float(w.sum()) if epsilon < 1 else epsilon
    old = np.bincount(joint, weights=w, minlength=n_joint)
    converged = False
    it = 0
    delta = np.inf
    after: list[np.ndarray] = []
    while it < max_iter:
        after = []
        for codes, pop in setups:
            w = _poststrat_weights(codes, pop, w)
            after.append(w)
        new = np.bincount(joint, weights=w, minlength=n_joint)
        delta = float(np.max(np.abs(old - new)))
        if delta < eps:
            converged = True
            break
        old = new
        it += 1
    if not converged:
        warnings.warn(
            f"raking did not converge after {it} iterations (largest change {delta:.3g}); "
            "raise max_iter or check the margins for empty or conflicting cells",
            RuntimeWarning,
            stacklevel=2,
        )
    base = design.full_weights
    factors = _joint_factors(joint, n_joint, base, after)
    adj = _RakeAdjustment(
        tuple((codes, pop.size, wa) for (codes, pop), wa in zip(setups, after, strict=True)),
        joint=joint if factors is not None else None,
        base=base if factors is not None else None,
        factors=factors or (),
    )
    info = CalibrationInfo("rake", converged, it + (1 if converged else 0), delta, eps)
    return design.with_weights(w, adj, info)


# ---------------------------------------------------------------------- GREG
def _totals_vector(names: list[str], totals: object) -> np.ndarray:
    if isinstance(totals, (Mapping, pd.Series)):
        t = {r_name(str(k)): float(v) for k, v in dict(totals).items()}
        missing = [n for n in names if n not in t]
        extra = [k for k in t if k not in names]
        if missing or extra:
            raise ParameterError(
                f"population totals must name the model-matrix columns {names}; "
                f"missing {missing}, unknown {extra}"
            )
        return np.array([t[n] for n in names])
    arr = np.asarray(totals, dtype=float).ravel()
    if arr.size != len(names):
        raise ParameterError(f"{arr.size} population totals for the {len(names)} columns {names}")
    return arr


def calibrate(
    design: SurveyDesign,
    formula: str | Sequence[str],
    population_totals: Mapping[str, float] | pd.Series | Sequence[float],
    calfun: Literal["linear", "raking"] = "linear",
    *,
    max_iter: int = 50,
    epsilon: float = 1e-7,
) -> SurveyDesign:
    """Calibrate the weights to known population totals (GREG; R's ``calibrate``).

    Parameters
    ----------
    design : SurveyDesign
    formula : str or list of str
        Right-hand side such as ``"~stype + api99"`` (treatment contrasts and an intercept, as
        R's ``model.matrix``), or a list of columns (joined with ``+``).
    population_totals : dict, Series or sequence
        Population total of every model-matrix column, by R name (``"(Intercept)"``,
        ``"stypeH"``, ``"api99"``; patsy names are accepted too) or in column order.
    calfun : {"linear", "raking"}
        Distance function: linear (GREG, closed form) or raking (multiplicative, Newton).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    >>> d = calibrate(SurveyDesign(df), "~x", {"(Intercept)": 8, "x": 24})
    >>> [round(v, 6) for v in d.weights.tolist()]
    [0.8, 1.6, 2.4, 3.2]
    """
    rhs = formula if isinstance(formula, str) else "~" + " + ".join(formula)
    names, mm = rhs_matrix(rhs, design.data.reset_index(drop=True))
    pop = _totals_vector(names, population_totals)
    ww = design.full_weights
    whalf = np.sqrt(ww)
    sample_total = (mm * ww[:, None]).sum(axis=0)
    q, _ = np.linalg.qr(mm * whalf[:, None])
    if calfun == "linear":
        tmat = (mm * whalf[:, None]).T @ (mm * whalf[:, None])
        try:
            t = np.linalg.solve(tmat, pop - sample_total)
        except np.linalg.LinAlgError as exc:
            raise ModelError(
                f"calibration variables {names} are collinear in the sample; drop one"
            ) from exc
        g = 1.0 + mm @ t
        info = CalibrationInfo("linear", True, 1, 0.0, epsilon)
    elif calfun == "raking":
        g, info = _grake_raking(mm, ww, pop, max_iter, epsilon)
    else:
        raise ParameterError(f"calfun must be 'linear' or 'raking', not {calfun!r}")
    adj = _GregAdjustment(q, g * whalf)
    return design.with_weights(ww * g, adj, info)


def _grake_raking(
    mm: np.ndarray, ww: np.ndarray, pop: np.ndarray, max_iter: int, epsilon: float
) -> tuple[np.ndarray, CalibrationInfo]:
    """R's ``grake`` with ``cal.raking`` (g = exp(X eta)), Newton steps via the pseudo-inverse."""
    sample_total = (mm * ww[:, None]).sum(axis=0)
    eta = np.zeros(mm.shape[1])
    scales = pop / sample_total
    scale = None
    if np.min(scales) > 20:
        scale = float(np.mean(scales))
        ww = ww * scale
        sample_total = sample_total * scale
    xeta = mm @ eta
    it = 1
    converged = False
    misfit = pop - sample_total
    while True:
        deriv = np.exp(xeta)
        tmat = (mm * (ww * deriv)[:, None]).T @ mm
        misfit = pop - sample_total - (mm * (ww * (np.exp(xeta) - 1))[:, None]).sum(axis=0)
        eta = eta + np.linalg.pinv(tmat, rcond=256 * np.finfo(float).eps) @ misfit
        xeta = mm @ eta
        misfit = pop - sample_total - (mm * (ww * (np.exp(xeta) - 1))[:, None]).sum(axis=0)
        achieved = float(np.max(np.abs(misfit) / (1 + np.abs(pop))))
        if achieved < epsilon:
            converged = True
            break
        it += 1
        if it > max_iter:
            break
    if not converged:
        raise ModelError(
            f"raking calibration did not converge in {max_iter} iterations (misfit {achieved:.3g})"
        )
    g = np.exp(xeta)
    if scale is not None:
        g = g * scale
    return g, CalibrationInfo("raking", converged, it, achieved, epsilon)

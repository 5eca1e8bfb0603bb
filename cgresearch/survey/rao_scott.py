"""The Rao–Scott second-order adjusted Pearson test of a two-way table under a survey design.

R's ``svychisq(~row + col, design)`` with its default ``statistic = "F"``. Used by
:func:`cgresearch.survey.gaps.gap_table` for every item against the grouping column (and
re-exported there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "RaoScottResult",
    "integer_codes",
    "rao_scott",
    "rao_scott_coded",
]


@dataclass(frozen=True)
class RaoScottResult:
    """Rao–Scott adjusted Pearson test of a two-way table (R's ``svychisq``).

    Attributes
    ----------
    row, col : str
        Names of the row and column variables.
    table : DataFrame
        Weighted cell counts rescaled to the number of rows ``N`` (R's
        ``svytable(..., Ntotal = N)``).
    pearson : float
        Pearson's X^2 of ``table``.
    f : float
        Second-order adjusted statistic ``X^2 / trace(Delta)`` (R's default ``statistic = "F"``).
    ndf, ddf : float
        Its degrees of freedom ``d0 = trace(Delta)^2 / trace(Delta^2)`` and ``d0 * nu``
        (nu = design degrees of freedom).
    p_value : float
        ``P(F(ndf, ddf) > f)``.
    first_order_p : float
        First-order correction: ``P(chi^2((r-1)(c-1)) > X^2 / mean eigenvalue)`` (``"Chisq"``).
    eigenvalues : numpy.ndarray
        Generalised design effects (eigenvalues of Delta).
    generalised : bool
        True when the table has empty cells that make ``C' D^-1 C`` singular: R's ``svychisq``
        stops with an error there; here the Moore–Penrose inverse is used instead (treat the
        p-value with care, or merge sparse categories).
    """

    row: str
    col: str
    table: pd.DataFrame
    pearson: float
    f: float
    ndf: float
    ddf: float
    p_value: float
    first_order_p: float
    eigenvalues: np.ndarray
    generalised: bool = False

    def to_frame(self) -> pd.DataFrame:
        """One-row summary."""
        return pd.DataFrame(
            {
                "row": [self.row],
                "col": [self.col],
                "pearson_x2": [self.pearson],
                "F": [self.f],
                "ndf": [self.ndf],
                "ddf": [self.ddf],
                "p_value": [self.p_value],
                "first_order_p": [self.first_order_p],
                "generalised": [self.generalised],
            }
        )


def integer_codes(
    values: pd.Series | np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, list[object]]:
    """Integer codes of ``values`` (sorted levels among the ``keep`` rows; -1 = missing/other).

    Examples
    --------
    >>> codes, levels = integer_codes(["b", "a", None, "b"], np.ones(4, dtype=bool))
    >>> codes.tolist(), levels
    ([1, 0, -1, 1], ['a', 'b'])
    """
    s = pd.Series(values)
    codes, uniques = pd.factorize(s.where(pd.Series(keep, index=s.index)), sort=False)
    levels = list(uniques)
    try:
        order = sorted(range(len(levels)), key=lambda i: levels[i])
    except TypeError:
        order = sorted(range(len(levels)), key=lambda i: str(levels[i]))
    remap = np.full(len(levels) + 1, -1)
    remap[np.array(order, dtype=int)] = np.arange(len(levels))
    return np.where(codes < 0, -1, remap[codes]), [levels[i] for i in order]


def rao_scott_coded(
    design: SurveyDesign,
    ri: np.ndarray,
    ci: np.ndarray,
    r_lev: list[object],
    c_lev: list[object],
    row: str,
    col: str,
) -> RaoScottResult:
    """Rao-Scott test of integer-coded ``ri`` x ``ci`` (-1 = missing) over the design's domain.

    The codes and levels come from :func:`integer_codes`; :func:`rao_scott` is this test on two
    columns of the design, :func:`~cgresearch.survey.gaps.gap_table` calls it with codes it has
    already computed. ``row`` and ``col`` name the variables in messages.
    """
    w = design.w
    nr, nc = len(r_lev), len(c_lev)
    if nr < 2 or nc < 2:
        raise InputError(
            f"Crosstab {row!r} x {col!r} needs at least two values of each; found {nr} and {nc}."
        )
    valid = (w != 0) & (ri >= 0) & (ci >= 0)
    cell = np.where(valid, ci * nr + ri, -1)  # rows vary fastest, as R's interaction()
    k = nr * nc
    wv = np.where(valid, w, 0.0)
    wsum = wv.sum()
    p = np.bincount(cell[valid], weights=wv[valid], minlength=k) / wsum
    infl = np.outer(wv / wsum, -p)
    rows = np.flatnonzero(valid)
    infl[rows, cell[rows]] += wv[rows] / wsum
    v = design.variance(infl)
    n_tot = float(design.n_rows_r)
    nu = float(design.degf)

    obs = p.reshape(nc, nr).T * n_tot  # nr x nc
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n_tot
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(((obs - expected) ** 2 / expected).sum())

    rows_of = np.tile(np.arange(nr), nc)
    cols_of = np.repeat(np.arange(nc), nr)
    rd = (rows_of[:, None] == np.arange(1, nr)[None, :]).astype(float)
    cd = (cols_of[:, None] == np.arange(1, nc)[None, :]).astype(float)
    x1 = np.column_stack([np.ones(k), rd, cd])
    x12 = np.column_stack([rd[:, i] * cd[:, j] for j in range(nc - 1) for i in range(nr - 1)])
    beta, *_ = np.linalg.lstsq(x1, x12, rcond=None)
    cmat = x12 - x1 @ beta
    idiag = np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p))
    ic = cmat * idiag[:, None]
    denom = cmat.T @ ic / n_tot
    numr = ic.T @ v @ ic
    try:
        delta = np.linalg.solve(denom, numr)
        generalised = False
    except np.linalg.LinAlgError:  # empty cells: R stops here; use the generalised inverse
        delta = np.linalg.pinv(denom) @ numr
        generalised = True
    tr = float(np.trace(delta))
    d0 = tr**2 / float(np.trace(delta @ delta))
    f = pearson / tr
    table = pd.DataFrame(obs, index=pd.Index(r_lev, name=row), columns=pd.Index(c_lev, name=col))
    return RaoScottResult(
        row=row,
        col=col,
        table=table,
        pearson=pearson,
        f=f,
        ndf=d0,
        ddf=d0 * nu,
        p_value=float(stats.f.sf(f, d0, d0 * nu)),
        first_order_p=float(stats.chi2.sf(pearson / (tr / delta.shape[0]), delta.shape[0])),
        eigenvalues=np.sort(np.linalg.eigvals(delta).real)[::-1],
        generalised=generalised,
    )


def rao_scott(design: SurveyDesign, row: str, col: str) -> RaoScottResult:
    """Rao–Scott second-order adjusted Pearson test of ``row`` by ``col``, as R's ``svychisq``.

    Equal to ``svychisq(~row + col, design)`` (default ``statistic = "F"``): cell proportions and
    their design-based covariance V over the rows where both are present; ``Delta`` =
    ``(C' D^-1 C / N)^-1 C' D^-1 V D^-1 C`` with C the interaction contrasts orthogonal to the main
    effects and D the cell proportions; ``F = X^2 / trace(Delta)`` on ``d0`` and ``d0 * nu``
    degrees of freedom. ``N`` is the number of rows in the domain and nu the design's degrees of
    freedom, as R.

    Parameters
    ----------
    design : SurveyDesign
    row, col : str
        Categorical columns of ``design.data`` (any values; missing values are left out).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": list("xxyyxyxy"), "b": list("ppqqqppq"), "psu": range(8)})
    >>> round(rao_scott(SurveyDesign(df, ids="psu"), "a", "b").pearson, 6)  # x: 3p 1q; y: 1p 3q
    2.0
    """
    keep = design.w != 0
    ri, r_lev = integer_codes(design.column(row), keep)
    ci, c_lev = integer_codes(design.column(col), keep)
    return rao_scott_coded(design, ri, ci, r_lev, c_lev, row, col)

"""Statistics of Likert scales: Cronbach's alpha and response distributions.

:func:`cronbach_alpha` reproduces R's ``psych::alpha`` (raw and standardised alpha, Feldt and
Duhachek confidence intervals, corrected item-total correlations ``r.drop``, alpha if an item is
deleted) and adds a survey-weighted variant. :func:`response_distribution` gives the (weighted)
share of each response code by group, the input of the diverging stacked Likert bar chart. The
scales themselves (:class:`LikertScale`, :func:`recode`, :func:`construct_scores`) live in
:mod:`cgresearch.survey.likert` and are re-exported here.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "c": [1, 2, 3, 4, 5]})
>>> round(cronbach_alpha(df, ["a", "c"]).alpha, 6)  # two identical items
1.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey._checks import require_columns
from cgresearch.survey.likert import (
    LikertItem,
    LikertScale,
    construct_scores,
    recode,
    scales_from_codebook,
)

__all__ = [
    "AlphaResult",
    "LikertItem",
    "LikertScale",
    "ResponseDistribution",
    "construct_scores",
    "cronbach_alpha",
    "recode",
    "response_distribution",
    "scales_from_codebook",
]


# --- Cronbach's alpha --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one scale, with the statistics ``psych::alpha`` reports.

    Attributes
    ----------
    alpha : float
        Raw alpha ``k/(k-1) * (1 - tr(C)/sum(C))`` from the (weighted) item covariance matrix C.
    std_alpha : float
        Standardised alpha (from the correlation matrix).
    g6 : float
        Guttman's lambda 6 (squared multiple correlations).
    average_r, median_r : float
        Mean and median inter-item correlation.
    signal_noise : float
        ``k * average_r / (1 - average_r)``.
    ase : float
        Duhachek & Iacobucci asymptotic standard error of alpha (``sqrt(Q / n)``).
    ci_feldt, ci_duhachek : tuple of float
        Confidence intervals (Feldt's F-based interval; ``alpha ± z * ase``).
    level : float
        Confidence level.
    n_obs : float
        Observations used for the CIs and ``ase``: rows with at least one valid item (pairwise) or
        complete rows (listwise); with weights, Kish's effective sample size of those rows.
    n_items : int
    mean, sd : float
        Mean and standard deviation of the respondents' mean item score.
    items : DataFrame
        One row per item: ``n``, ``mean``, ``sd``, ``raw_r`` (item vs. total), ``std_r``,
        ``r_drop`` (corrected item-total correlation), ``alpha_if_deleted``,
        ``std_alpha_if_deleted``, ``ase_if_deleted``.
    weighted : bool
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    """

    alpha: float
    std_alpha: float
    g6: float
    average_r: float
    median_r: float
    signal_noise: float
    ase: float
    ci_feldt: tuple[float, float]
    ci_duhachek: tuple[float, float]
    level: float
    n_obs: float
    n_items: int
    mean: float
    sd: float
    items: pd.DataFrame
    weighted: bool
    missing: str

    def to_frame(self) -> pd.DataFrame:
        """Item-level table (one row per item), as ``psych::alpha``'s item stats and drop table."""
        return self.items.copy()

    def summary_frame(self) -> pd.DataFrame:
        """One-row table of the scale-level statistics and both confidence intervals."""
        return pd.DataFrame(
            {
                "alpha": [self.alpha],
                "std_alpha": [self.std_alpha],
                "g6": [self.g6],
                "average_r": [self.average_r],
                "median_r": [self.median_r],
                "signal_noise": [self.signal_noise],
                "ase": [self.ase],
                "feldt_lower": [self.ci_feldt[0]],
                "feldt_upper": [self.ci_feldt[1]],
                "duhachek_lower": [self.ci_duhachek[0]],
                "duhachek_upper": [self.ci_duhachek[1]],
                "level": [self.level],
                "n_obs": [self.n_obs],
                "n_items": [self.n_items],
                "mean": [self.mean],
                "sd": [self.sd],
                "weighted": [self.weighted],
                "missing": [self.missing],
            }
        )


def _wcov_pair(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """Weighted covariance of the rows where both are valid (unbiased, reliability weights).

    ``sum w (x - xbar)(y - ybar) / (W - sum w^2 / W)``: with unit weights, R's ``cov``.
    """
    m = ~(np.isnan(x) | np.isnan(y))
    if m.sum() < 2:
        return np.nan
    xw, yw, ww = x[m], y[m], w[m]
    sw = ww.sum()
    mx, my = (ww * xw).sum() / sw, (ww * yw).sum() / sw
    denom = sw - (ww**2).sum() / sw
    if denom <= 0:
        return np.nan
    return float((ww * (xw - mx) * (yw - my)).sum() / denom)


def _wcov_matrix(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    k = x.shape[1]
    c = np.empty((k, k))
    if not np.isnan(x).any():
        sw = w.sum()
        xc = x - (w[:, None] * x).sum(axis=0) / sw
        return (w[:, None] * xc).T @ xc / (sw - (w**2).sum() / sw)
    for i in range(k):
        for j in range(i, k):
            c[i, j] = c[j, i] = _wcov_pair(x[:, i], x[:, j], w)
    return c


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1 / diag(R^-1)`` (as psych::smc for a proper R)."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    return 1.0 - 1.0 / np.diag(inv)


def _alpha_core(c: np.ndarray) -> dict[str, float]:
    """psych:::alpha.1 on a covariance matrix C: raw/std alpha, G6, r statistics, Q."""
    k = c.shape[0]
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    sum_c, tr_c = c.sum(), np.trace(c)
    sum_r = r.sum()
    raw = (1 - tr_c / sum_c) * k / (k - 1)
    std = (1 - k / sum_r) * k / (k - 1)
    g6 = 1 - (k - _smc(r).sum()) / sum_r
    av_r = (sum_r - k) / (k * (k - 1))
    off = r[np.tril_indices(k, -1)]
    cc = c @ c
    q = (2 * k**2 / ((k - 1) ** 2 * sum_c**3)) * (
        sum_c * (np.trace(cc) + tr_c**2) - 2 * (tr_c * cc.sum())
    )
    return {
        "raw": float(raw),
        "std": float(std),
        "g6": float(g6),
        "av_r": float(av_r),
        "med_r": float(np.median(off)),
        "sn": float(k * av_r / (1 - av_r)),
        "q": float(q),
    }


def _wmean_sd(v: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    m = ~np.isnan(v)
    vm, wm = v[m], w[m]
    sw = wm.sum()
    mean = float((wm * vm).sum() / sw)
    denom = sw - (wm**2).sum() / sw
    var = float((wm * (vm - mean) ** 2).sum() / denom) if denom > 0 else np.nan
    return mean, math.sqrt(var) if var == var else np.nan


def _wcorr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    cxy = _wcov_pair(x, y, w)
    m = ~(np.isnan(x) | np.isnan(y))
    cxx = _wcov_pair(x[m], x[m], w[m])
    cyy = _wcov_pair(y[m], y[m], w[m])
    return float(cxy / math.sqrt(cxx * cyy))


def cronbach_alpha(
    df: pd.DataFrame,
    items: Sequence[str] | LikertScale,
    *,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    missing: str = "pairwise",
    level: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha with confidence intervals and item diagnostics, as R's ``psych::alpha``.

    Unweighted and with ``missing="pairwise"`` every number equals ``psych::alpha(x)`` (pairwise
    covariances, ``use = "pairwise"``): ``raw_alpha``, ``std.alpha``, ``G6(smc)``, ``average_r``,
    ``S/N``, ``ase``, ``median_r``, the Feldt interval (``alpha.ci``), the item statistics
    (``raw.r``, ``std.r``, ``r.drop``, ``mean``, ``sd``) and the ``alpha.drop`` table.
    One deliberate difference: psych counts every row (even all-missing rows) in ``n``; here ``n``
    counts the rows with at least one valid item. The Duhachek interval uses the normal quantile
    (psych prints ``alpha ± 1.96 ase``).

    With ``weights``, C is the weighted covariance matrix (``cov.wt``'s unbiased form,
    ``sum w (x - xbar)(y - ybar) / (W - sum w^2 / W)``; pairwise-complete rows per pair), item
    means/SDs and item-total correlations are weighted, and ``n`` in the CIs and ``ase`` is Kish's
    effective sample size ``(sum w)^2 / sum w^2``. Alpha is a ratio of variances and so invariant to
    the scale of the weights.

    Parameters
    ----------
    df : DataFrame
        Item answers. With a :class:`LikertScale`, raw answers (recoded here by :func:`recode`);
        with a list of column names, numeric already-recoded items.
    items : sequence of str or LikertScale
        At least two items.
    weights : str or array-like, optional
        Weight column name or one weight per row (positive).
    missing : {"pairwise", "listwise"}
        Pairwise-complete covariances (psych's default) or complete rows only.
    level : float
        Confidence level of both intervals.

    Returns
    -------
    AlphaResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})
    >>> round(cronbach_alpha(df, ["a", "b", "c"]).alpha, 4)
    0.9451
    """
    if isinstance(items, LikertScale):
        names = items.item_names
        data = recode(df[names], items)
    else:
        names = list(items)
        require_columns(df, names, "cronbach_alpha")
        data = df[names].apply(pd.to_numeric, errors="coerce")
    k = len(names)
    if k < 2:
        raise ParameterError("Cronbach's alpha needs at least two items.")
    if missing not in ("pairwise", "listwise"):
        raise ParameterError(f"missing must be 'pairwise' or 'listwise', not {missing!r}.")
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, got {level}.")

    x = data.to_numpy(dtype=float)
    if weights is None:
        w = np.ones(len(df))
    else:
        w = (df[weights] if isinstance(weights, str) else pd.Series(np.asarray(weights))).to_numpy(
            dtype=float
        )
        if w.shape[0] != len(df):
            raise InputError(f"weights has {w.shape[0]} values for {len(df)} rows.")
        bad = np.flatnonzero(~(w > 0))
        if bad.size:
            raise InputError(
                f"Row position {int(bad[0])}: weight {w[bad[0]]!r} is not positive "
                f"({bad.size} bad weight(s)); give positive weights or drop those rows."
            )
    keep = ~np.isnan(x).any(axis=1) if missing == "listwise" else ~np.isnan(x).all(axis=1)
    x, w = x[keep], w[keep]
    n_obs = float(w.sum() ** 2 / (w**2).sum()) if weights is not None else float(x.shape[0])
    if x.shape[0] < 2:
        raise InputError("Cronbach's alpha needs at least two respondents with valid answers.")

    c = _wcov_matrix(x, w)
    if np.isnan(c).any():
        raise InputError(
            "Some pair of items has fewer than two respondents answering both; alpha is undefined."
        )
    zero = [names[i] for i in np.flatnonzero(np.diag(c) <= 0)]
    if zero:
        raise InputError(f"Item(s) {zero} have no variance; drop them before computing alpha.")

    core = _alpha_core(c)
    ase = math.sqrt(core["q"] / n_obs)
    z = stats.norm.ppf(0.5 + level / 2)
    df1, df2 = n_obs - 1, (n_obs - 1) * (k - 1)
    p = 1 - level
    feldt = (
        float(1 - (1 - core["raw"]) * stats.f.ppf(1 - p / 2, df1, df2)),
        float(1 - (1 - core["raw"]) * stats.f.ppf(p / 2, df1, df2)),
    )

    total = np.nanmean(x, axis=1)
    mean_t, sd_t = _wmean_sd(total, w)
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    std_r = r.sum(axis=0) / math.sqrt(r.sum())
    rows = []
    for i, name in enumerate(names):
        others = [j for j in range(k) if j != i]
        c_drop = c[i].sum() - c[i, i]
        r_drop = c_drop / math.sqrt(c[i, i] * c[np.ix_(others, others)].sum())
        if k > 2:
            d = _alpha_core(c[np.ix_(others, others)])
            a_del, s_del, ase_del = d["raw"], d["std"], math.sqrt(d["q"] / n_obs)
        else:  # psych's two-item convention: alpha of the remaining single item is not defined
            j = others[0]
            a_del, s_del, ase_del = c[i, j] / c[j, j], r[i, j], np.nan
        m_i, sd_i = _wmean_sd(x[:, i], w)
        rows.append(
            {
                "item": name,
                "n": int((~np.isnan(x[:, i])).sum()),
                "mean": m_i,
                "sd": sd_i,
                "raw_r": _wcorr(total, x[:, i], w),
                "std_r": float(std_r[i]),
                "r_drop": float(r_drop),
                "alpha_if_deleted": float(a_del),
                "std_alpha_if_deleted": float(s_del),
                "ase_if_deleted": float(ase_del),
            }
        )
    return AlphaResult(
        alpha=core["raw"],
        std_alpha=core["std"],
        g6=core["g6"],
        average_r=core["av_r"],
        median_r=core["med_r"],
        signal_noise=core["sn"],
        ase=ase,
        ci_feldt=feldt,
        ci_duhachek=(core["raw"] - z * ase, core["raw"] + z * ase),
        level=level,
        n_obs=n_obs,
        n_items=k,
        mean=mean_t,
        sd=sd_t,
        items=pd.DataFrame(rows),
        weighted=weights is not None,
        missing=missing,
    )


# --- response distributions -------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseDistribution:
    """Weighted share of each response code, by item and group (missing codes excluded).

    Attributes
    ----------
    table : DataFrame
        Columns ``item``, ``group``, ``code``, ``label``, ``share`` (0–1, sums to 1 within
        item × group), ``n`` (unweighted valid answers in item × group).
    codes : tuple of int
        The scale's valid codes, low to high.
    labels : tuple of str
        Code labels in the requested language.
    midpoint : float
        Scale midpoint (the neutral category when the number of codes is odd).
    item_labels : dict
        Item name to display label.
    groups : tuple of str
        Groups in display order.
    """

    table: pd.DataFrame
    codes: tuple[int, ...]
    labels: tuple[str, ...]
    midpoint: float
    item_labels: Mapping[str, str]
    groups: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The tidy share table."""
        return self.table.copy()

    def wide(self) -> pd.DataFrame:
        """Shares as a wide table: rows (item, group), columns the codes."""
        return self.table.pivot_table(
            index=["item", "group"], columns="code", values="share", sort=False
        ).reindex(columns=list(self.codes), fill_value=0.0)


def response_distribution(
    df: pd.DataFrame,
    scale: LikertScale,
    *,
    group: str | None = None,
    weights: str | None = None,
    items: Sequence[str] | None = None,
    lang: str = "en",
    recode_reverse: bool = False,
) -> ResponseDistribution:
    """Share of each response code for every item of ``scale``, by ``group`` (weighted).

    Missing codes are excluded from the denominators. By default reverse-worded items are shown as
    worded (``recode_reverse=False``), which is what a respondent saw.

    Parameters
    ----------
    df : DataFrame
        Raw answers.
    scale : LikertScale
    group : str, optional
        Grouping column; ``None`` puts everyone in group ``"all"``.
    weights : str, optional
        Weight column; shares are ``sum w[code] / sum w[valid]``.
    items : sequence of str, optional
        Subset of the scale's items (default all).
    lang : {"en", "ko", "ko+en"}
        Language of the code and item labels.
    recode_reverse : bool
        Flip reverse-worded items before tabulating.

    Examples
    --------
    >>> import pandas as pd
    >>> s = LikertScale("s", (LikertItem("a"),), codes=(1, 2, 3))
    >>> d = response_distribution(pd.DataFrame({"a": [1, 1, 3, 8]}), s)
    >>> d.table["share"].round(3).tolist()
    [0.667, 0.0, 0.333]
    """
    names = list(items) if items is not None else scale.item_names
    for n in names:
        scale.item(n)
    cols = names + ([group] if group else []) + ([weights] if weights else [])
    require_columns(df, cols, "response_distribution")
    if recode_reverse:
        rec = recode(df[names], scale)
    else:
        plain = LikertScale(
            scale.name,
            tuple(LikertItem(it.name) for it in scale.items if it.name in names),
            codes=scale.codes,
            missing_codes=scale.missing_codes,
        )
        rec = recode(df[names], plain)
    g = df[group].astype(str) if group else pd.Series("all", index=df.index)
    w = df[weights].astype(float) if weights else pd.Series(1.0, index=df.index)
    groups = tuple(pd.unique(g))
    code_lab = scale.code_labels("ko" if lang == "ko" else "en")
    if lang == "ko+en":
        code_lab = tuple(
            f"{k} / {e}"
            for k, e in zip(scale.code_labels("ko"), scale.code_labels("en"), strict=True)
        )
    rows = []
    for name in names:
        for grp in groups:
            in_g = (g == grp).to_numpy()
            v = rec[name].to_numpy()[in_g]
            ww = w.to_numpy()[in_g]
            valid = ~np.isnan(v)
            tot = ww[valid].sum()
            for code, lab in zip(scale.codes, code_lab, strict=True):
                share = float(ww[valid & (v == code)].sum() / tot) if tot > 0 else np.nan
                rows.append(
                    {
                        "item": name,
                        "group": grp,
                        "code": code,
                        "label": lab,
                        "share": share,
                        "n": int(valid.sum()),
                    }
                )
    return ResponseDistribution(
        table=pd.DataFrame(rows),
        codes=tuple(scale.codes),
        labels=tuple(code_lab),
        midpoint=scale.midpoint,
        item_labels={n: scale.item(n).label(lang) for n in names},
        groups=groups,
    )

"""Likert scales: item metadata, recoding, construct scores and Cronbach's alpha.

A :class:`LikertScale` declares the items of one construct (with Korean and English labels), the
valid response codes, the codes that mean "don't know" / "refused" (they become missing), and which
items are reverse-worded. :func:`recode` turns raw answers into analysable numbers (missing codes to
``NaN``, reverse-worded items to ``(min + max) - x``) and reports any code outside the declared
scale with its row and column. :func:`construct_scores` averages the recoded items of each construct
under a minimum-valid-items rule. :func:`cronbach_alpha` reproduces R's ``psych::alpha`` (raw and
standardised alpha, Feldt and Duhachek confidence intervals, corrected item-total correlations
``r.drop``, alpha if an item is deleted) and adds a survey-weighted variant.
:func:`response_distribution` gives the (weighted) share of each response code by group, the input
of the diverging stacked Likert bar chart.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.scales import LikertItem, LikertScale, recode, construct_scores
>>> trust = LikertScale(
...     "trust",
...     items=(LikertItem("trust_1", "신뢰 1", "Trust 1"),
...            LikertItem("trust_2", "신뢰 2", "Trust 2", reverse=True)),
... )
>>> df = pd.DataFrame({"trust_1": [5, 8, 2], "trust_2": [1, 4, 9]})
>>> recode(df, trust)["trust_2"].tolist()
[5.0, 2.0, nan]
>>> construct_scores(df, [trust])["trust"].tolist()
[5.0, 2.0, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError

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

#: Five-point agreement labels used when a scale declares no code labels of its own.
_DEFAULT_LABELS_KO = ("전혀 그렇지 않다", "그렇지 않다", "보통이다", "그렇다", "매우 그렇다")
_DEFAULT_LABELS_EN = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")


@dataclass(frozen=True)
class LikertItem:
    """One Likert item: its column name, Korean and English wording, and direction.

    Parameters
    ----------
    name : str
        Column name in the survey table (e.g. ``"cg_3"``).
    label_ko, label_en : str
        Item wording (short labels for tables and figures).
    reverse : bool
        ``True`` for a reverse-worded item, recoded as ``(min + max) - x``.
    """

    name: str
    label_ko: str = ""
    label_en: str = ""
    reverse: bool = False

    def label(self, lang: str = "en") -> str:
        """Return the label in ``lang`` (``"ko"``, ``"en"``, ``"ko+en"``); the name if empty."""
        if lang == "ko":
            return self.label_ko or self.name
        if lang == "en":
            return self.label_en or self.name
        if lang == "ko+en":
            parts = [p for p in (self.label_ko, self.label_en) if p]
            return " / ".join(parts) if parts else self.name
        raise ParameterError(f"lang must be 'ko', 'en' or 'ko+en', not {lang!r}.")


@dataclass(frozen=True)
class LikertScale:
    """A construct measured by several Likert items on one response scale.

    Parameters
    ----------
    name : str
        Construct name; the column name of its score in :func:`construct_scores`.
    items : tuple of LikertItem
        The items (at least one; names unique).
    codes : tuple of int
        Valid substantive codes in ascending order, e.g. ``(1, 2, 3, 4, 5)``.
    missing_codes : tuple of int
        Codes recorded for "don't know" / "refused"; they become ``NaN`` (default ``(8, 9)``).
    code_labels_ko, code_labels_en : tuple of str
        Labels of ``codes`` (default: five-point agreement labels when ``codes`` has five values).
    label_ko, label_en : str
        Construct labels.
    min_valid : int or None
        Minimum number of valid (non-missing) items for a construct score; ``None`` means the
        "half rule": at least ``ceil(k / 2)`` of the ``k`` items.
    """

    name: str
    items: tuple[LikertItem, ...]
    codes: tuple[int, ...] = (1, 2, 3, 4, 5)
    missing_codes: tuple[int, ...] = (8, 9)
    code_labels_ko: tuple[str, ...] = field(default=())
    code_labels_en: tuple[str, ...] = field(default=())
    label_ko: str = ""
    label_en: str = ""
    min_valid: int | None = None

    def __post_init__(self) -> None:
        if not self.items:
            raise ParameterError(f"Scale {self.name!r} has no items: give at least one LikertItem.")
        names = [it.name for it in self.items]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ParameterError(f"Scale {self.name!r} lists items more than once: {dupes}.")
        if len(self.codes) < 2 or list(self.codes) != sorted(set(self.codes)):
            raise ParameterError(
                f"Scale {self.name!r}: codes must be at least two distinct ascending integers, "
                f"got {self.codes}."
            )
        overlap = set(self.codes) & set(self.missing_codes)
        if overlap:
            raise ParameterError(
                f"Scale {self.name!r}: codes {sorted(overlap)} are both valid and missing codes."
            )
        for lab, attr in (
            (self.code_labels_ko, "code_labels_ko"),
            (self.code_labels_en, "code_labels_en"),
        ):
            if lab and len(lab) != len(self.codes):
                raise ParameterError(
                    f"Scale {self.name!r}: {attr} has {len(lab)} labels for "
                    f"{len(self.codes)} codes."
                )
        if self.min_valid is not None and not 1 <= self.min_valid <= len(self.items):
            raise ParameterError(
                f"Scale {self.name!r}: min_valid must be between 1 and {len(self.items)}, "
                f"got {self.min_valid}."
            )

    @property
    def item_names(self) -> list[str]:
        """Column names of the items, in declared order."""
        return [it.name for it in self.items]

    @property
    def reverse_items(self) -> list[str]:
        """Column names of the reverse-worded items."""
        return [it.name for it in self.items if it.reverse]

    @property
    def low(self) -> int:
        """Lowest valid code."""
        return self.codes[0]

    @property
    def high(self) -> int:
        """Highest valid code."""
        return self.codes[-1]

    @property
    def midpoint(self) -> float:
        """Scale midpoint ``(min + max) / 2``."""
        return (self.low + self.high) / 2

    @property
    def required_valid(self) -> int:
        """Minimum number of valid items for a score (``min_valid`` or the half rule)."""
        return self.min_valid if self.min_valid is not None else math.ceil(len(self.items) / 2)

    def code_labels(self, lang: str = "en") -> tuple[str, ...]:
        """Labels of the valid codes in ``lang`` (``"ko"`` or ``"en"``); the codes if undeclared."""
        declared = self.code_labels_ko if lang == "ko" else self.code_labels_en
        if declared:
            return declared
        if len(self.codes) == 5:
            return _DEFAULT_LABELS_KO if lang == "ko" else _DEFAULT_LABELS_EN
        return tuple(str(c) for c in self.codes)

    def item(self, name: str) -> LikertItem:
        """Return the item called ``name``."""
        for it in self.items:
            if it.name == name:
                return it
        raise ParameterError(f"Scale {self.name!r} has no item {name!r}; items: {self.item_names}.")


def _parse_labels(text: object) -> dict[int, str]:
    """``"1=Strongly disagree; 2=Disagree"`` -> ``{1: "Strongly disagree", 2: "Disagree"}``."""
    out: dict[int, str] = {}
    if not isinstance(text, str) or not text.strip():
        return out
    for part in text.split(";"):
        code, sep, label = part.partition("=")
        if sep and code.strip().lstrip("-").isdigit():
            out[int(code)] = label.strip()
    return out


def scales_from_codebook(
    codebook: pd.DataFrame, constructs: Sequence[str] | None = None
) -> dict[str, LikertScale]:
    """Build one :class:`LikertScale` per construct from a codebook table.

    The codebook has one row per variable with columns ``name``, ``construct``, ``question_ko``,
    ``question_en``, ``labels_ko`` / ``labels_en`` (value labels as ``"1=...; 2=...; 8=..."``),
    ``missing_codes`` (``"8,9"``) and ``reverse`` (bool) — the layout of
    :func:`cgresearch.data.synth.survey.codebook_frame`. The valid codes of a scale are the labelled
    codes that are not missing codes; only variables with at least two valid codes are used. A
    construct whose items do not share one set of codes is skipped when ``constructs`` is not
    given (demographics, say) and raises :class:`InputError` when it is asked for.

    Parameters
    ----------
    codebook : DataFrame
    constructs : sequence of str, optional
        Constructs to build (default: every construct with Likert items), in this order.

    Examples
    --------
    >>> import pandas as pd
    >>> cb = pd.DataFrame({"name": ["a", "b"], "construct": ["c", "c"],
    ...                    "question_ko": ["가", "나"], "question_en": ["A", "B"],
    ...                    "labels_ko": ["1=낮음; 2=중간; 3=높음; 8=모름"] * 2,
    ...                    "labels_en": ["1=low; 2=mid; 3=high; 8=DK"] * 2,
    ...                    "missing_codes": ["8", "8"], "reverse": [False, True]})
    >>> s = scales_from_codebook(cb)["c"]
    >>> s.codes, s.missing_codes, s.reverse_items
    ((1, 2, 3), (8,), ['b'])
    """
    need = ["name", "construct", "question_ko", "question_en", "labels_ko", "labels_en"]
    need += ["missing_codes", "reverse"]
    _check_columns(codebook, need, "codebook")
    out: dict[str, LikertScale] = {}
    wanted = list(constructs) if constructs is not None else list(pd.unique(codebook["construct"]))
    for construct in wanted:
        rows = codebook[codebook["construct"] == construct]
        if rows.empty:
            raise ParameterError(
                f"construct {construct!r} is not in the codebook; "
                f"constructs: {list(pd.unique(codebook['construct']))}."
            )
        items, spec = [], None
        for _, r in rows.iterrows():
            ko, en = _parse_labels(r["labels_ko"]), _parse_labels(r["labels_en"])
            raw_miss = r["missing_codes"]  # '8,9', 8 (a number), or blank (NaN as pandas reads)
            miss_text = "" if raw_miss is None or pd.isna(raw_miss) else str(raw_miss)
            miss = tuple(int(float(c)) for c in miss_text.split(",") if c.strip())
            codes = tuple(sorted(c for c in ko if c not in miss))
            if len(codes) < 2:
                continue
            this = (codes, miss, tuple(ko[c] for c in codes), tuple(en.get(c, "") for c in codes))
            if spec is not None and this[:2] != spec[:2]:
                if constructs is None:  # not one Likert scale (e.g. demographics): skip it
                    spec, items = None, []
                    break
                raise InputError(
                    f"codebook, variable {r['name']!r}: codes {codes} / missing {miss} differ from "
                    f"the other items of construct {construct!r}; one scale needs one set of codes."
                )
            spec = spec or this
            items.append(
                LikertItem(
                    str(r["name"]), str(r["question_ko"]), str(r["question_en"]), bool(r["reverse"])
                )
            )
        if spec is None:
            if constructs is not None:
                raise ParameterError(
                    f"construct {construct!r} has no Likert items in the codebook."
                )
            continue
        out[construct] = LikertScale(
            str(construct),
            tuple(items),
            codes=spec[0],
            missing_codes=spec[1],
            code_labels_ko=spec[2],
            code_labels_en=spec[3] if all(spec[3]) else (),
        )
    return out


def _check_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{what}: column(s) {missing} not in the table; available: {list(df.columns)}."
        )


def recode(df: pd.DataFrame, scale: LikertScale | Sequence[LikertScale]) -> pd.DataFrame:
    """Return a copy of ``df`` with the items of ``scale`` ready for analysis.

    Missing codes (``scale.missing_codes``) and empty cells become ``NaN``; reverse-worded items
    become ``(min + max) - x``; other columns are untouched. Item columns come back as float.

    Parameters
    ----------
    df : DataFrame
        Raw survey answers.
    scale : LikertScale or sequence of LikertScale
        The scale(s) whose items to recode.

    Raises
    ------
    InputError
        If an item column is missing, or a cell holds a value that is neither a valid code nor a
        missing code (the message names the row label, row position, column and value).

    Examples
    --------
    >>> import pandas as pd
    >>> s = LikertScale("s", (LikertItem("a"), LikertItem("b", reverse=True)))
    >>> recode(pd.DataFrame({"a": [1, 9], "b": [2, 5]}), s).to_dict("list")
    {'a': [1.0, nan], 'b': [4.0, 1.0]}
    """
    scales = [scale] if isinstance(scale, LikertScale) else list(scale)
    out = df.copy()
    for sc in scales:
        _check_columns(df, sc.item_names, f"scale {sc.name!r}")
        valid = np.asarray(sc.codes, dtype=float)
        miss = np.asarray(sc.missing_codes, dtype=float)
        for it in sc.items:
            raw = pd.to_numeric(df[it.name], errors="coerce").to_numpy(dtype=float)
            text_bad = df[it.name].notna().to_numpy() & np.isnan(raw)
            is_missing = np.isin(raw, miss)
            ok = np.isnan(raw) | is_missing | np.isin(raw, valid)
            bad = np.flatnonzero(~ok | text_bad)
            if bad.size:
                pos = int(bad[0])
                value = df[it.name].iloc[pos]
                value = value.item() if isinstance(value, np.generic) else value
                raise InputError(
                    f"Row {df.index[pos]!r} (position {pos}), column {it.name!r}: value "
                    f"{value!r} is outside scale {sc.name!r} (valid codes "
                    f"{list(sc.codes)}, missing codes {list(sc.missing_codes)}); "
                    f"{bad.size} cell(s) in this column are out of scale. Correct the data or "
                    "declare the code in the scale."
                )
            values = np.where(is_missing, np.nan, raw)
            if it.reverse:
                values = (sc.low + sc.high) - values
            out[it.name] = values
    return out


def construct_scores(
    df: pd.DataFrame,
    scales: Sequence[LikertScale],
    *,
    min_valid: int | None = None,
) -> pd.DataFrame:
    """Score each construct as the mean of its recoded items (raw data in, one column per scale).

    ``df`` holds RAW answers: this function applies :func:`recode` itself (do not pass recoded
    data, or reverse-worded items would be flipped twice). A respondent's score is the mean of
    their valid items if at least ``min_valid`` items are valid (default: the scale's own
    ``min_valid``, else the half rule ``ceil(k / 2)``), otherwise ``NaN``.

    Parameters
    ----------
    df : DataFrame
        Raw survey answers.
    scales : sequence of LikertScale
        Constructs to score.
    min_valid : int, optional
        Overrides every scale's minimum number of valid items.

    Returns
    -------
    DataFrame
        Same index as ``df``, one float column per scale (named ``scale.name``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = LikertScale("s", (LikertItem("a"), LikertItem("b"), LikertItem("c")))
    >>> df = pd.DataFrame({"a": [1, 8], "b": [2, 9], "c": [4, 4]})
    >>> construct_scores(df, [s])["s"].tolist()  # row 2 has 1 valid item of 3 (needs 2)
    [2.3333333333333335, nan]
    """
    out = pd.DataFrame(index=df.index)
    for sc in scales:
        need = min_valid if min_valid is not None else sc.required_valid
        if not 1 <= need <= len(sc.items):
            raise ParameterError(
                f"min_valid must be between 1 and {len(sc.items)} for scale {sc.name!r}, "
                f"got {need}."
            )
        items = recode(df[sc.item_names], sc)
        n_valid = items.notna().sum(axis=1)
        out[sc.name] = items.mean(axis=1, skipna=True).where(n_valid >= need)
    return out


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
        _check_columns(df, names, "cronbach_alpha")
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
    _check_columns(df, cols, "response_distribution")
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

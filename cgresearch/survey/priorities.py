"""Policy-demand priorities: IPA, Borich needs scores, Locus for Focus and the combined rule.

Policy-demand surveys ask every respondent how important each policy task is (I) and how well it is
performed now (P), on the same Likert scale. From those pairs this module computes

- **Importance–Performance Analysis** (Martilla & James 1977): item mean performance (x) against
  mean importance (y), split into four quadrants by two dividing lines chosen explicitly with
  ``cut=``: ``"mean"`` (the mean of the item means, the data-centred IPA), ``"median"`` (the median
  of the item means), ``"midpoint"`` (the scale midpoint) or two numbers ``(x_cut, y_cut)``.
- **Borich needs scores** (Borich 1980): ``BNS = sum_i (I_i - P_i) * mean(I) / N``, i.e. the mean
  gap times the mean importance; with survey weights both means are weighted
  (``sum w (I - P) / sum w * sum w I / sum w``).
- **Locus for Focus** (Mink 1991): mean importance (x) against mean gap ``I - P`` (y), cut at the
  means of the item means; the first quadrant is high importance and high gap.
- **Paired gap tests** (:func:`paired_gap_tests`): is the mean gap I - P of a task different from
  zero, with a design-based standard error (R's ``svyttest(I(imp - perf) ~ 0, design)``)?
- **Combined priority** of Korean policy-demand studies: an item in both the Borich top-k and the
  LfF first quadrant is 1st priority, in exactly one of them 2nd priority, otherwise 3rd; ``k``
  defaults to the number of items in the LfF first quadrant.

Rules stated once, used everywhere:

- **Missing answers** are dropped pairwise per item: a respondent missing I or P of an item does not
  count for that item (for its I, P, gap or N) but counts for the others. Don't-know / refused codes
  must be recoded to missing first (:func:`cgresearch.survey.scales.recode`); values outside
  ``scale`` raise :class:`cgresearch.errors.InputError`.
- **Ties on a dividing line**: a value equal to the cut (within ``1e-9`` to absorb rounding) counts
  as **high** (``value >= cut``), for IPA and LfF alike.
- **Borich ranks**: descending needs score; equal scores share the smallest rank (``"min"``), and
  the top-k set holds every item whose rank is at most ``k`` (ties at the k-th place are all in).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.priorities import pairs_from_prefixes, policy_priorities
>>> df = pd.DataFrame({"imp_A": [5, 4, 5, 4], "perf_A": [2, 3, 2, 3],
...                    "imp_B": [4, 4, 3, 3], "perf_B": [4, 3, 3, 4],
...                    "imp_C": [3, 4, 4, 5], "perf_C": [4, 4, 5, 5]})
>>> res = policy_priorities(df, pairs_from_prefixes(df.columns))
>>> res.to_frame()[["item", "borich", "priority"]].to_dict("list")
{'item': ['A', 'B', 'C'], 'borich': [9.0, 0.0, -2.0], 'priority': [1, 3, 3]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign

__all__ = [
    "IPA_QUADRANTS",
    "BorichResult",
    "IPAResult",
    "LocusForFocusResult",
    "PairedGapResult",
    "PriorityResult",
    "borich",
    "importance_performance",
    "locus_for_focus",
    "paired_gap_tests",
    "pairs_from_prefixes",
    "policy_priorities",
]

#: IPA quadrant names (Martilla & James 1977) with Korean labels, keyed by (high I, high P).
IPA_QUADRANTS: dict[tuple[bool, bool], tuple[str, str]] = {
    (True, False): ("Concentrate here", "집중 개선"),
    (True, True): ("Keep up the good work", "현상 유지"),
    (False, False): ("Low priority", "저순위"),
    (False, True): ("Possible overkill", "과잉 노력"),
}

#: Tolerance under which a value counts as lying exactly on a dividing line (then: high side).
_TIE_TOL = 1e-9

Pairs = Mapping[str, tuple[str, str]]


def pairs_from_prefixes(
    columns: Iterable[str], importance: str = "imp_", performance: str = "perf_"
) -> dict[str, tuple[str, str]]:
    """Pair importance and performance columns by their common suffix.

    Examples
    --------
    >>> pairs_from_prefixes(["imp_T1", "perf_T1", "imp_T2", "perf_T2", "sex"])
    {'T1': ('imp_T1', 'perf_T1'), 'T2': ('imp_T2', 'perf_T2')}
    """
    cols = list(columns)
    out = {
        c[len(importance) :]: (c, performance + c[len(importance) :])
        for c in cols
        if c.startswith(importance) and performance + c[len(importance) :] in cols
    }
    if not out:
        raise InputError(
            f"No column pairs '{importance}<item>' / '{performance}<item>' found among {cols}."
        )
    return out


def _is_high(value: float, cut: float) -> bool:
    return bool(value >= cut - _TIE_TOL * max(1.0, abs(cut)))


def _pair_means(
    data: pd.DataFrame,
    pairs: Pairs,
    weights: str | None,
    scale: tuple[float, float] | None,
    labels: Mapping[str, str] | None,
) -> pd.DataFrame:
    """Per item: N, sum of weights, weighted mean I, P and gap over pairwise-complete rows."""
    if not pairs:
        raise ParameterError("pairs is empty: give at least one item -> (importance, performance).")
    needed = [c for ip in pairs.values() for c in ip] + ([weights] if weights else [])
    absent = [c for c in needed if c not in data.columns]
    if absent:
        raise InputError(f"Column(s) {absent} not in the table; available: {list(data.columns)}.")
    if weights:
        w_all = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~(w_all > 0))
        if bad.size:
            raise InputError(
                f"Row {data.index[bad[0]]!r}, column {weights!r}: weight {w_all[bad[0]]!r} is not "
                f"positive ({bad.size} bad weight(s)); fix or drop those rows."
            )
    else:
        w_all = np.ones(len(data))
    rows = []
    for item, (icol, pcol) in pairs.items():
        vals = {}
        for col in (icol, pcol):
            v = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
            nonnum = np.flatnonzero(data[col].notna().to_numpy() & np.isnan(v))
            if nonnum.size:
                pos = int(nonnum[0])
                raise InputError(
                    f"Row {data.index[pos]!r}, column {col!r}: {data[col].iloc[pos]!r} is not a "
                    "number."
                )
            if scale is not None:
                out = np.flatnonzero(~np.isnan(v) & ((v < scale[0]) | (v > scale[1])))
                if out.size:
                    pos = int(out[0])
                    raise InputError(
                        f"Row {data.index[pos]!r}, column {col!r}: value {v[pos]:g} is outside the "
                        f"scale {scale[0]:g}–{scale[1]:g} ({out.size} such cell(s)). Recode "
                        "don't-know/refused codes to missing first "
                        "(cgresearch.survey.scales.recode) or pass the right scale=."
                    )
            vals[col] = v
        imp, perf = vals[icol], vals[pcol]
        ok = ~(np.isnan(imp) | np.isnan(perf))
        n = int(ok.sum())
        if n == 0:
            raise InputError(
                f"Item {item!r}: no respondent answered both {icol!r} and {pcol!r}; drop the item."
            )
        w, i_, p_ = w_all[ok], imp[ok], perf[ok]
        sw = w.sum()
        rows.append(
            {
                "item": item,
                "label": (labels or {}).get(item, item),
                "n": n,
                "sum_w": float(sw),
                "importance": float((w * i_).sum() / sw),
                "performance": float((w * p_).sum() / sw),
                "gap": float((w * (i_ - p_)).sum() / sw),
                "importance_unweighted": float(i_.mean()),
                "gap_unweighted": float((i_ - p_).mean()),
            }
        )
    return pd.DataFrame(rows)


# --- IPA ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IPAResult:
    """Importance–Performance Analysis.

    Attributes
    ----------
    table : DataFrame
        One row per item: ``item``, ``label``, ``n``, ``importance``, ``performance``, ``gap``,
        ``high_importance``, ``high_performance``, ``quadrant`` (English name), ``quadrant_ko``.
    x_cut, y_cut : float
        Dividing lines on performance (x) and importance (y).
    cut : str
        The rule that set them (``"mean"``, ``"median"``, ``"midpoint"`` or ``"fixed"``).
    weighted : bool
    """

    table: pd.DataFrame
    x_cut: float
    y_cut: float
    cut: str
    weighted: bool

    def to_frame(self) -> pd.DataFrame:
        """The item table."""
        return self.table.copy()


def _cuts(
    x: pd.Series, y: pd.Series, cut: str | tuple[float, float], scale: tuple[float, float] | None
) -> tuple[float, float, str]:
    if isinstance(cut, tuple):
        if len(cut) != 2:
            raise ParameterError(f"cut as numbers must be (x_cut, y_cut), got {cut}.")
        return float(cut[0]), float(cut[1]), "fixed"
    if cut == "mean":
        return float(x.mean()), float(y.mean()), cut
    if cut == "median":
        return float(x.median()), float(y.median()), cut
    if cut == "midpoint":
        if scale is None:
            raise ParameterError("cut='midpoint' needs scale=(low, high), e.g. scale=(1, 5).")
        mid = (scale[0] + scale[1]) / 2
        return mid, mid, cut
    raise ParameterError(
        f"cut must be 'mean', 'median', 'midpoint' or (x_cut, y_cut), not {cut!r}."
    )


def importance_performance(
    data: pd.DataFrame,
    pairs: Pairs,
    *,
    weights: str | None = None,
    cut: str | tuple[float, float] = "mean",
    scale: tuple[float, float] | None = (1, 5),
    labels: Mapping[str, str] | None = None,
) -> IPAResult:
    """Importance–Performance Analysis with explicit dividing lines.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, recoded answers (missing as NaN).
    pairs : mapping
        Item name -> (importance column, performance column); see :func:`pairs_from_prefixes`.
    weights : str, optional
        Survey-weight column; item means are then weighted.
    cut : {"mean", "median", "midpoint"} or (float, float)
        Dividing lines: mean or median of the item means, the scale midpoint, or fixed
        ``(performance cut, importance cut)``.
    scale : (low, high) or None
        Response scale; values outside raise :class:`InputError`; needed for ``"midpoint"``.
    labels : mapping, optional
        Item name -> display label (e.g. Korean task names).

    Returns
    -------
    IPAResult
        Quadrants: high I & low P "Concentrate here", high I & high P "Keep up the good work",
        low I & low P "Low priority", low I & high P "Possible overkill"; a value on a line is high.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"imp_A": [5, 4], "perf_A": [2, 2], "imp_B": [3, 3], "perf_B": [4, 4]})
    >>> importance_performance(df, pairs_from_prefixes(df.columns)).table["quadrant"].tolist()
    ['Concentrate here', 'Possible overkill']
    """
    t = _pair_means(data, pairs, weights, scale, labels)
    x_cut, y_cut, rule = _cuts(t["performance"], t["importance"], cut, scale)
    t["high_importance"] = [_is_high(v, y_cut) for v in t["importance"]]
    t["high_performance"] = [_is_high(v, x_cut) for v in t["performance"]]
    names = [
        IPA_QUADRANTS[(hi, hp)]
        for hi, hp in zip(t["high_importance"], t["high_performance"], strict=True)
    ]
    t["quadrant"] = [n[0] for n in names]
    t["quadrant_ko"] = [n[1] for n in names]
    cols = ["item", "label", "n", "importance", "performance", "gap"]
    cols += ["high_importance", "high_performance", "quadrant", "quadrant_ko"]
    return IPAResult(t[cols], x_cut, y_cut, rule, weights is not None)


# --- Borich -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BorichResult:
    """Borich needs scores.

    Attributes
    ----------
    table : DataFrame
        One row per item, sorted by rank: ``item``, ``label``, ``n``, ``importance`` (mean I),
        ``gap`` (mean I - P), ``borich`` (gap x importance; weighted if weights were given),
        ``borich_unweighted``, ``rank`` (1 = largest need; ties share the smallest rank).
    weighted : bool
    """

    table: pd.DataFrame
    weighted: bool

    def to_frame(self) -> pd.DataFrame:
        """The ranked item table."""
        return self.table.copy()

    def top(self, k: int) -> list[str]:
        """Items ranked ``k`` or better (all items tied at the k-th place are included)."""
        if k < 0:
            raise ParameterError(f"k must be non-negative, got {k}.")
        return self.table.loc[self.table["rank"] <= k, "item"].tolist()


def borich(
    data: pd.DataFrame,
    pairs: Pairs,
    *,
    weights: str | None = None,
    scale: tuple[float, float] | None = (1, 5),
    labels: Mapping[str, str] | None = None,
) -> BorichResult:
    """Borich needs scores ``sum (I - P) * mean(I) / N`` per item, ranked.

    Parameters are those of :func:`importance_performance`. With ``weights`` the score is
    ``(sum w (I - P) / sum w) * (sum w I / sum w)``; the unweighted score is always reported too.
    Respondents missing I or P of an item are dropped for that item (N counts the complete pairs).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"imp_A": [5, 4], "perf_A": [2, 3], "imp_B": [3, 3], "perf_B": [3, 2]})
    >>> borich(df, pairs_from_prefixes(df.columns)).table[["item", "borich"]].values.tolist()
    [['A', 9.0], ['B', 1.5]]
    """
    t = _pair_means(data, pairs, weights, scale, labels)
    t["borich"] = t["gap"] * t["importance"]
    t["borich_unweighted"] = t["gap_unweighted"] * t["importance_unweighted"]
    t["rank"] = t["borich"].rank(ascending=False, method="min").astype(int)
    t = t.sort_values(["rank"], kind="stable").reset_index(drop=True)
    cols = ["item", "label", "n", "importance", "gap", "borich", "borich_unweighted", "rank"]
    return BorichResult(t[cols], weights is not None)


# --- Locus for Focus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocusForFocusResult:
    """Locus for Focus: mean importance (x) against mean gap I - P (y).

    Attributes
    ----------
    table : DataFrame
        One row per item: ``item``, ``label``, ``n``, ``importance``, ``gap``, ``quadrant``
        (1 = high I & high gap, 2 = low I & high gap, 3 = low I & low gap, 4 = high I & low gap).
    x_cut, y_cut : float
        Mean of the item mean importances; mean of the item mean gaps.
    weighted : bool
    """

    table: pd.DataFrame
    x_cut: float
    y_cut: float
    weighted: bool

    def to_frame(self) -> pd.DataFrame:
        """The item table."""
        return self.table.copy()

    @property
    def first_quadrant(self) -> list[str]:
        """Items in the first quadrant (high importance, high gap)."""
        return self.table.loc[self.table["quadrant"] == 1, "item"].tolist()


_LFF_QUADRANT = {(True, True): 1, (False, True): 2, (False, False): 3, (True, False): 4}


def locus_for_focus(
    data: pd.DataFrame,
    pairs: Pairs,
    *,
    weights: str | None = None,
    scale: tuple[float, float] | None = (1, 5),
    labels: Mapping[str, str] | None = None,
) -> LocusForFocusResult:
    """Locus for Focus quadrants, cut at the means of the item means (ties count as high).

    Parameters are those of :func:`importance_performance`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"imp_A": [5, 5], "perf_A": [2, 2], "imp_B": [3, 3], "perf_B": [3, 3]})
    >>> locus_for_focus(df, pairs_from_prefixes(df.columns)).first_quadrant
    ['A']
    """
    t = _pair_means(data, pairs, weights, scale, labels)
    x_cut, y_cut = float(t["importance"].mean()), float(t["gap"].mean())
    t["quadrant"] = [
        _LFF_QUADRANT[(_is_high(i, x_cut), _is_high(g, y_cut))]
        for i, g in zip(t["importance"], t["gap"], strict=True)
    ]
    cols = ["item", "label", "n", "importance", "gap", "quadrant"]
    return LocusForFocusResult(t[cols], x_cut, y_cut, weights is not None)


# --- combined -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityResult:
    """IPA, Borich and Locus for Focus of the same items, with the combined priority.

    Attributes
    ----------
    table : DataFrame
        One row per item in the order of ``pairs``: ``item``, ``label``, ``n``, ``importance``,
        ``performance``, ``gap``, ``ipa_quadrant``, ``borich``, ``borich_rank``, ``in_borich_top``,
        ``lff_quadrant``, ``in_lff_first``, ``priority`` (1, 2 or 3).
    ipa : IPAResult
    borich : BorichResult
    lff : LocusForFocusResult
    top_k : int
        The k used for the Borich top-k set.
    """

    table: pd.DataFrame
    ipa: IPAResult
    borich: BorichResult
    lff: LocusForFocusResult
    top_k: int

    def to_frame(self) -> pd.DataFrame:
        """The combined item table."""
        return self.table.copy()


def policy_priorities(
    data: pd.DataFrame,
    pairs: Pairs,
    *,
    weights: str | None = None,
    top_k: int | None = None,
    ipa_cut: str | tuple[float, float] = "mean",
    scale: tuple[float, float] | None = (1, 5),
    labels: Mapping[str, str] | None = None,
) -> PriorityResult:
    """All three analyses and the combined priority of Korean policy-demand studies.

    1st priority: in the Borich top-k **and** the LfF first quadrant; 2nd: in exactly one of them;
    3rd: in neither. ``top_k`` defaults to the number of items in the LfF first quadrant (the usual
    practice: compare as many top Borich items as LfF puts in its first quadrant).

    Parameters
    ----------
    data, pairs, weights, scale, labels
        As in :func:`importance_performance`.
    top_k : int, optional
        Size of the Borich top set (ties at the k-th rank are all included).
    ipa_cut
        The IPA dividing lines (``cut=`` of :func:`importance_performance`).

    Returns
    -------
    PriorityResult
    """
    ipa = importance_performance(
        data, pairs, weights=weights, cut=ipa_cut, scale=scale, labels=labels
    )
    bor = borich(data, pairs, weights=weights, scale=scale, labels=labels)
    lff = locus_for_focus(data, pairs, weights=weights, scale=scale, labels=labels)
    first = set(lff.first_quadrant)
    k = len(first) if top_k is None else int(top_k)
    if not 0 <= k <= len(pairs):
        raise ParameterError(f"top_k must be between 0 and {len(pairs)}, got {top_k}.")
    top = set(bor.top(k))
    t = ipa.table[["item", "label", "n", "importance", "performance", "gap"]].copy()
    t["ipa_quadrant"] = ipa.table["quadrant"].to_numpy()
    b = bor.table.set_index("item")
    t["borich"] = t["item"].map(b["borich"])
    t["borich_rank"] = t["item"].map(b["rank"]).astype(int)
    t["in_borich_top"] = t["item"].isin(top)
    t["lff_quadrant"] = lff.table["quadrant"].to_numpy()
    t["in_lff_first"] = t["item"].isin(first)
    both = t["in_borich_top"] & t["in_lff_first"]
    either = t["in_borich_top"] | t["in_lff_first"]
    t["priority"] = np.where(both, 1, np.where(either, 2, 3))
    return PriorityResult(t, ipa, bor, lff, k)


# --- design-based paired tests ------------------------------------------------------------------


@dataclass(frozen=True)
class PairedGapResult:
    """Design-based tests that the mean gap importance - performance is zero, per item.

    Attributes
    ----------
    table : DataFrame
        ``item``, ``label``, ``n`` (complete pairs), ``importance``, ``performance``, ``gap``
        (weighted means over the complete pairs), ``se`` (design-based, Taylor linearisation),
        ``t``, ``df``, ``p_value``, ``ci_lower``, ``ci_upper``.
    level : float
    """

    table: pd.DataFrame
    level: float

    def to_frame(self) -> pd.DataFrame:
        """The item table."""
        return self.table.copy()


def paired_gap_tests(
    design: SurveyDesign,
    pairs: Pairs,
    *,
    level: float = 0.95,
    scale: tuple[float, float] | None = (1, 5),
    labels: Mapping[str, str] | None = None,
) -> PairedGapResult:
    """Design-based paired t test of importance against performance for every item.

    For each item the gap ``d = I - P`` of the respondents who answered both is averaged with the
    design weights (a domain: the design stays whole); its standard error is the
    Taylor-linearisation SE of that domain mean, and ``t = mean / se`` is referred to a t
    distribution with ``degf(design) - 1`` degrees of freedom, exactly as R's
    ``svyttest(I(imp - perf) ~ 0, design, na.rm = TRUE)``.

    Parameters
    ----------
    design : SurveyDesign
        Design whose data hold the recoded importance and performance columns.
    pairs : mapping
        Item -> (importance column, performance column).
    level : float
        Confidence level of the interval for the mean gap.
    scale : (low, high) or None
        Response scale; values outside raise :class:`InputError` (``None``: no check).
    labels : mapping, optional
        Item -> display label.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"imp_A": [5, 4, 5, 4], "perf_A": [2, 3, 2, 3]})
    >>> res = paired_gap_tests(SurveyDesign(df), pairs_from_prefixes(df.columns))
    >>> res.table[["gap", "df"]].values.tolist()
    [[2.0, 2.0]]
    """
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, got {level}.")
    means = _pair_means(design.data, pairs, None, scale, labels)  # validates columns and values
    w = design.w
    df = float(design.degf - 1)
    tcrit = float(stats.t.ppf(0.5 + level / 2, df)) if df > 0 else np.nan
    rows = []
    for (item, (icol, pcol)), (_, m) in zip(pairs.items(), means.iterrows(), strict=True):
        imp = pd.to_numeric(design.data[icol], errors="coerce").to_numpy(dtype=float)
        perf = pd.to_numeric(design.data[pcol], errors="coerce").to_numpy(dtype=float)
        ok = (w != 0) & ~(np.isnan(imp) | np.isnan(perf))
        wv = np.where(ok, w, 0.0)
        sw = wv.sum()
        if sw <= 0:
            raise InputError(f"Item {item!r}: no respondent in the design answered both columns.")
        d = np.where(ok, imp - perf, 0.0)
        mean = float((wv * d).sum() / sw)
        se = float(np.sqrt(design.variance(wv * (d - mean) / sw)[0, 0]))
        t = mean / se if se > 0 else np.nan
        rows.append(
            {
                "item": item,
                "label": m["label"],
                "n": int(ok.sum()),
                "importance": float((wv * np.where(ok, imp, 0.0)).sum() / sw),
                "performance": float((wv * np.where(ok, perf, 0.0)).sum() / sw),
                "gap": mean,
                "se": se,
                "t": t,
                "df": df,
                "p_value": float(2 * stats.t.sf(abs(t), df)) if df > 0 else np.nan,
                "ci_lower": mean - tcrit * se,
                "ci_upper": mean + tcrit * se,
            }
        )
    return PairedGapResult(pd.DataFrame(rows), level)

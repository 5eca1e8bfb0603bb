"""Survey figures: Likert bars, group-gap dumbbells, IPA, Borich ranking and Locus for Focus.

Every function draws a result object computed in :mod:`cgresearch.survey` and returns the
matplotlib :class:`~matplotlib.figure.Figure`; none computes an estimate. Labels may be Korean,
English or both (``lang="ko" | "en" | "ko+en"``); the Hangul font and colour-blind-safe palettes
come from :mod:`cgresearch.figures.style`. Add the real/synthetic caption with
:func:`cgresearch.figures.style.caption` (``synthetic=`` is an argument of every function here,
``None`` to omit it) and write files with :func:`cgresearch.figures.style.save`.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.priorities import importance_performance, pairs_from_prefixes
>>> from cgresearch.figures.survey import ipa_chart
>>> df = pd.DataFrame({"imp_A": [5, 4], "perf_A": [2, 3], "imp_B": [3, 4], "perf_B": [4, 4]})
>>> fig = ipa_chart(importance_performance(df, pairs_from_prefixes(df.columns)), synthetic=True)
>>> fig.axes[0].get_xlabel()
'Performance (mean score, 1–5 scale)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cgresearch.errors import ParameterError
from cgresearch.figures import style
from cgresearch.vocabulary import RESPONDENT_GROUPS

if TYPE_CHECKING:
    from cgresearch.survey.gaps import GapTable
    from cgresearch.survey.priorities import BorichResult, IPAResult, LocusForFocusResult
    from cgresearch.survey.scales import ResponseDistribution

__all__ = [
    "borich_chart",
    "gap_dumbbell",
    "ipa_chart",
    "likert_bars",
    "locus_for_focus_chart",
]

_TEXT = {
    "share": {"en": "Share of valid answers (%)", "ko": "응답 비율 (%)"},
    "mean": {"en": "Weighted mean score", "ko": "가중 평균 점수"},
    "importance": {"en": "Importance (mean score{scale})", "ko": "중요도 (평균 점수{scale})"},
    "performance": {"en": "Performance (mean score{scale})", "ko": "수행도 (평균 점수{scale})"},
    "gap": {"en": "Gap: importance - performance (score points)", "ko": "격차: 중요도 - 수행도"},
    "borich": {"en": "Borich needs score (score points²)", "ko": "Borich 요구도 (점수²)"},
    "ci": {"en": "{level:.0%} CI", "ko": "{level:.0%} 신뢰구간"},
    "construct": {"en": "scale score", "ko": "척도 점수"},
}


def _lang_key(lang: str) -> str:
    if lang not in ("en", "ko", "ko+en"):
        raise ParameterError(f"lang must be 'en', 'ko' or 'ko+en', not {lang!r}")
    return "ko" if lang == "ko" else "en"


def _t(key: str, lang: str, **kw: object) -> str:
    if lang == "ko+en":
        return f"{_TEXT[key]['ko'].format(**kw)} / {_TEXT[key]['en'].format(**kw)}"
    return _TEXT[key][_lang_key(lang)].format(**kw)


def _scale_text(scale: tuple[float, float] | None) -> str:
    return f", {scale[0]:g}–{scale[1]:g} scale" if scale else ""


def _group_label(code: str, lang: str, labels: Mapping[str, str] | None) -> str:
    if labels and code in labels:
        return labels[code]
    term = RESPONDENT_GROUPS.get(code)
    if term is None:
        return code
    if lang == "ko":
        return term.ko
    if lang == "ko+en":
        return f"{term.ko} ({term.en})"
    return term.en


def _finish(fig: Figure, caption_text: str, synthetic: bool | None) -> Figure:
    if synthetic is not None:
        style.caption(fig, caption_text, synthetic=synthetic)
    return fig


def likert_bars(
    dist: ResponseDistribution,
    *,
    lang: str = "en",
    group_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Diverging stacked bars: one bar per item and group, disagreement left of 0, agreement right.

    The neutral category (the middle code of an odd scale) is centred on 0. One rectangle is drawn
    per code and bar, so a figure has ``len(codes) * items * groups`` rectangles.

    Parameters
    ----------
    dist : ResponseDistribution
        From :func:`cgresearch.survey.scales.response_distribution`.
    lang : {"en", "ko", "ko+en"}
        Language of the axis text and group labels (item and code labels come from ``dist``).
    group_labels : mapping, optional
        Group code -> label (default: the respondent-group vocabulary, else the code).
    title : str, optional
    synthetic : bool, optional
        Add the real/synthetic data caption.
    """
    style.apply_style()
    wide = dist.wide()
    codes = list(dist.codes)
    k = len(codes)
    cmap = style.diverging_cmap()
    colours = [cmap(v) for v in np.linspace(0.1, 0.9, k)]
    neutral = k // 2 if k % 2 == 1 else None
    if neutral is not None:  # the diverging map's centre is near-white: use a visible grey
        colours[neutral] = (0.8, 0.8, 0.8, 1.0)
    n_left = k // 2
    rows = list(wide.index)
    fig_h = max(2.5, 0.35 * len(rows) + 1.5)
    fig, ax = plt.subplots(figsize=(9, fig_h))
    ylabels = []
    for pos, (item, grp) in enumerate(rows):
        shares = wide.loc[(item, grp)].to_numpy(dtype=float) * 100
        shares = np.nan_to_num(shares)
        half = shares[neutral] / 2 if neutral is not None else 0.0
        left = -(shares[:n_left].sum() + half)
        for j in range(k):
            ax.barh(pos, shares[j], left=left, color=colours[j], edgecolor="white", height=0.8)
            left += shares[j]
        ylabels.append(
            f"{dist.item_labels.get(item, item)} · {_group_label(grp, lang, group_labels)}"
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), ylabels)
    ax.invert_yaxis()
    ax.set_xlabel(_t("share", lang))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{abs(v):.0f}"))
    lim = 100
    ax.set_xlim(-lim, lim)
    handles = [Patch(facecolor=c, label=lab) for c, lab in zip(colours, dist.labels, strict=True)]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=min(k, 5))
    if title:
        fig.suptitle(title)
    return _finish(fig, title or "Likert responses by group", synthetic)


def gap_dumbbell(
    gaps: GapTable,
    *,
    variables: Sequence[str] | None = None,
    lang: str = "en",
    group_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Dumbbell chart: each variable's group means on one line, with confidence intervals.

    One marker per group and variable (with a horizontal CI bar) and one grey segment per variable
    joining the lowest and highest group mean; construct scores are marked [scale score]. Uses
    ``gaps.means`` (columns ``variable``, ``label``, ``kind``, ``group``, ``mean``, ``ci_lower``,
    ``ci_upper``) and ``gaps.level``.

    Parameters
    ----------
    gaps : GapTable
        From :func:`cgresearch.survey.gaps.gap_table`.
    variables : sequence of str, optional
        Subset and order of variables (default: all, in table order).
    """
    style.apply_style()
    m = gaps.means
    order = list(variables) if variables is not None else list(dict.fromkeys(m["variable"]))
    groups = list(dict.fromkeys(m["group"]))
    colours = style.palette(len(groups))
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.55 * len(order) + 1.5)))
    offsets = np.linspace(-0.2, 0.2, len(groups)) if len(groups) > 1 else np.zeros(1)
    ylabels = []
    for pos, var in enumerate(order):
        rows = m[m["variable"] == var]
        if rows.empty:
            raise ParameterError(f"variable {var!r} is not in the gap table")
        ax.plot(
            [rows["mean"].min(), rows["mean"].max()],
            [pos, pos],
            color="#999999",
            linewidth=3,
            zorder=1,
            solid_capstyle="round",
        )
        ylabels.append(str(rows["label"].iloc[0]))
    for g, (grp, colour, off) in enumerate(zip(groups, colours, offsets, strict=True)):
        rows = m[m["group"] == grp].set_index("variable").reindex(order)
        y = np.arange(len(order)) + off
        err = np.vstack([rows["mean"] - rows["ci_lower"], rows["ci_upper"] - rows["mean"]])
        ax.errorbar(
            rows["mean"],
            y,
            xerr=err,
            fmt="o",
            color=colour,
            ecolor=colour,
            capsize=3,
            markersize=7,
            zorder=2 + g,
            label=_group_label(str(grp), lang, group_labels),
        )
    kinds = m.drop_duplicates("variable").set_index("variable")["kind"]
    mark = f" [{_t('construct', lang)}]"
    ylabels = [
        lab + mark if kinds.get(var) == "construct" else lab
        for lab, var in zip(ylabels, order, strict=True)
    ]
    ax.set_yticks(range(len(order)), ylabels)
    ax.invert_yaxis()
    level = gaps.level
    ax.set_xlabel(f"{_t('mean', lang)} ({_t('ci', lang, level=level)})")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=len(groups))
    if title:
        fig.suptitle(title)
    return _finish(fig, title or "Group means with confidence intervals", synthetic)


def _label_points(
    ax: Axes, xs: Sequence[float], ys: Sequence[float], labels: Sequence[str]
) -> None:
    """Label points; a point in the right half gets its label on its left, inside the axes."""
    xs = [float(x) for x in xs]
    mid = (min(xs) + max(xs)) / 2 if xs else 0.0
    for x, y, lab in zip(xs, ys, labels, strict=True):
        right = x > mid
        ax.annotate(
            str(lab),
            (x, y),
            xytext=(-5 if right else 5, 4),
            textcoords="offset points",
            ha="right" if right else "left",
            va="bottom",
            fontsize="small",
        )


def ipa_chart(
    ipa: IPAResult,
    *,
    lang: str = "en",
    scale: tuple[float, float] | None = (1, 5),
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """IPA quadrant chart: performance (x) against importance (y), items labelled.

    Dashed lines at ``ipa.x_cut`` and ``ipa.y_cut``; the four quadrant names in the corners.
    """
    style.apply_style()
    t = ipa.table
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.scatter(t["performance"], t["importance"], s=50, color=style.PALETTE[0], zorder=3)
    _label_points(ax, t["performance"], t["importance"], t["label"])
    ax.axvline(ipa.x_cut, color="#555555", linestyle="--", linewidth=1)
    ax.axhline(ipa.y_cut, color="#555555", linestyle="--", linewidth=1)
    _pad_limits(ax, t["performance"], t["importance"], ipa.x_cut, ipa.y_cut)
    names = {
        ("left", "top"): ("Concentrate here", "집중 개선"),
        ("right", "top"): ("Keep up the good work", "현상 유지"),
        ("left", "bottom"): ("Low priority", "저순위"),
        ("right", "bottom"): ("Possible overkill", "과잉 노력"),
    }
    for (h, v), (en, ko) in names.items():
        text = ko if lang == "ko" else (f"{ko} / {en}" if lang == "ko+en" else en)
        ax.text(
            0.02 if h == "left" else 0.98,
            0.98 if v == "top" else 0.02,
            text,
            transform=ax.transAxes,
            ha=h,
            va=v,
            color="#555555",
            fontsize="small",
        )
    ax.set_xlabel(_t("performance", lang, scale=_scale_text(scale)))
    ax.set_ylabel(_t("importance", lang, scale=_scale_text(scale)))
    if title:
        ax.set_title(title)
    return _finish(fig, title or f"Importance–performance analysis (cut: {ipa.cut})", synthetic)


def _pad_limits(
    ax: Axes, xs: Sequence[float], ys: Sequence[float], x_cut: float, y_cut: float
) -> None:
    x = np.append(np.asarray(xs, dtype=float), x_cut)
    y = np.append(np.asarray(ys, dtype=float), y_cut)
    px = max(0.1, 0.15 * (x.max() - x.min()))
    py = max(0.1, 0.15 * (y.max() - y.min()))
    ax.set_xlim(x.min() - px, x.max() + px)
    ax.set_ylim(y.min() - py, y.max() + py)


def borich_chart(
    borich: BorichResult,
    *,
    top_k: int | None = None,
    lang: str = "en",
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Horizontal bars of Borich needs scores, highest need on top; the top-k highlighted."""
    style.apply_style()
    t = borich.table
    top = set(borich.top(top_k)) if top_k is not None else set()
    colours = [style.PALETTE[5] if it in top else style.PALETTE[0] for it in t["item"]]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(t) + 1.2)))
    ax.barh(range(len(t)), t["borich"], color=colours)
    ax.set_yticks(
        range(len(t)), [f"{r}. {lab}" for r, lab in zip(t["rank"], t["label"], strict=True)]
    )
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    for pos, v in enumerate(t["borich"]):
        ax.annotate(
            f"{v:.2f}",
            (v, pos),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize="small",
        )
    ax.set_xlabel(_t("borich", lang))
    if top:
        ax.legend(
            handles=[Patch(facecolor=style.PALETTE[5], label=f"Borich top {top_k}")],
            loc="lower right",
        )
    if title:
        ax.set_title(title)
    kind = "weighted" if borich.weighted else "unweighted"
    return _finish(fig, title or f"Borich needs scores ({kind})", synthetic)


def locus_for_focus_chart(
    lff: LocusForFocusResult,
    *,
    lang: str = "en",
    scale: tuple[float, float] | None = (1, 5),
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Locus for Focus: mean importance (x) against mean gap (y), cut at the item means.

    First-quadrant items (high importance, high gap) are drawn in the highlight colour; the
    quadrant numbers 1–4 are written in the corners.
    """
    style.apply_style()
    t = lff.table
    first = t["quadrant"] == 1
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.scatter(t.loc[~first, "importance"], t.loc[~first, "gap"], s=50, color=style.PALETTE[0])
    ax.scatter(t.loc[first, "importance"], t.loc[first, "gap"], s=60, color=style.PALETTE[5])
    _label_points(ax, t["importance"], t["gap"], t["label"])
    ax.axvline(lff.x_cut, color="#555555", linestyle="--", linewidth=1)
    ax.axhline(lff.y_cut, color="#555555", linestyle="--", linewidth=1)
    _pad_limits(ax, t["importance"], t["gap"], lff.x_cut, lff.y_cut)
    corners = {1: (0.98, 0.98, "right", "top"), 2: (0.02, 0.98, "left", "top")}
    corners |= {3: (0.02, 0.02, "left", "bottom"), 4: (0.98, 0.02, "right", "bottom")}
    for q, (x, y, h, v) in corners.items():
        text = f"{q}사분면" if lang == "ko" else f"Quadrant {q}"
        ax.text(x, y, text, transform=ax.transAxes, ha=h, va=v, color="#555555", fontsize="small")
    ax.set_xlabel(_t("importance", lang, scale=_scale_text(scale)))
    ax.set_ylabel(_t("gap", lang))
    if title:
        ax.set_title(title)
    return _finish(fig, title or "Locus for Focus", synthetic)

"""Survey figures: Likert bars, group-gap dumbbells, IPA, Borich ranking and Locus for Focus.

Every function draws a result object computed in :mod:`cgresearch.survey` and returns the
matplotlib :class:`~matplotlib.figure.Figure`; none computes an estimate. Every text is Korean by
default and English with ``lang="en"`` (:func:`cgresearch.i18n.tr`); the Hangul font and
colour-blind-safe palettes come from :mod:`cgresearch.figures.style`. Add the real/synthetic
caption with :func:`cgresearch.figures.style.caption` (``synthetic=`` is an argument of every
function here, ``None`` to omit it) and write files with :func:`cgresearch.figures.style.save`.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.priorities import importance_performance, pairs_from_prefixes
>>> from cgresearch.figures.survey import ipa_chart
>>> df = pd.DataFrame({"imp_A": [5, 4], "perf_A": [2, 3], "imp_B": [3, 4], "perf_B": [4, 4]})
>>> ipa = importance_performance(df, pairs_from_prefixes(df.columns))
>>> ipa_chart(ipa, lang="en", synthetic=True).axes[0].get_xlabel()
'Performance (mean score, 5-point scale)'
>>> ipa_chart(ipa, synthetic=True).axes[0].get_xlabel()
'수행도(평균 점수, 5점 척도)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cgresearch.errors import ParameterError
from cgresearch.figures import style
from cgresearch.formatting import scale_name
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
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


def _group_label(code: str, lang: Lang, labels: Mapping[str, str] | None) -> str:
    if labels and code in labels:
        return labels[code]
    term = RESPONDENT_GROUPS.get(code)
    if term is None:
        return code
    return term.ko if lang == "ko" else term.en


def _scale_text(scale: tuple[float, float] | None, lang: Lang) -> str:
    return f", {scale_name(scale[0], scale[1], lang)}" if scale else ""


def _finish(fig: Figure, caption_text: str, synthetic: bool | None, lang: Lang) -> Figure:
    if synthetic is not None:
        style.caption(fig, caption_text, synthetic=synthetic, lang=lang)
    return fig


def likert_bars(
    dist: ResponseDistribution,
    *,
    lang: Lang = DEFAULT_LANG,
    group_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Diverging stacked bars: one bar per item and group, disagreement left of 0, agreement right.

    Each item's wording is written once, as a heading over its block of group bars (the tick
    labels name the groups). The neutral category (the middle code of an odd scale) is centred on
    0. One rectangle is drawn per code and bar, so a figure has ``len(codes) * items * groups``
    rectangles. The title sits above the response legend, never on it.

    Parameters
    ----------
    dist : ResponseDistribution
        From :func:`cgresearch.survey.scales.response_distribution`.
    lang : {"ko", "en"}
        Language of the axis text and group labels (item and code labels come from ``dist``).
    group_labels : mapping, optional
        Group code -> label (default: the respondent-group vocabulary, else the code).
    title : str, optional
    synthetic : bool, optional
        Add the real/synthetic data caption.
    """
    lang = _lang(lang)
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
    items = list(dict.fromkeys(item for item, _ in rows))
    fig_h = max(2.5, 0.35 * (len(rows) + len(items)) + 1.8)
    fig, ax = plt.subplots(figsize=(9, fig_h))
    ticks: list[float] = []
    ticklabels: list[str] = []
    pos = 0
    for item in items:
        ax.text(
            -99,
            pos,
            str(dist.item_labels.get(item, item)),
            ha="left",
            va="center",
            fontweight="semibold",  # the shipped NanumGothicBold registers as weight 600
            fontsize="small",
        )
        pos += 1
        for it, grp in rows:
            if it != item:
                continue
            shares = np.nan_to_num(wide.loc[(it, grp)].to_numpy(dtype=float) * 100)
            half = shares[neutral] / 2 if neutral is not None else 0.0
            left = -(shares[:n_left].sum() + half)
            for j in range(k):
                ax.barh(pos, shares[j], left=left, color=colours[j], edgecolor="white", height=0.8)
                left += shares[j]
            ticks.append(pos)
            ticklabels.append(_group_label(grp, lang, group_labels))
            pos += 1
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ticks, ticklabels)
    ax.set_ylim(pos - 0.4, -0.6)
    ax.set_xlabel(tr("Share of valid answers (%)", lang))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{abs(v):.0f}"))
    ax.set_xlim(-100, 100)
    handles = [Patch(facecolor=c, label=lab) for c, lab in zip(colours, dist.labels, strict=True)]
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=min(k, 5),
        borderaxespad=0.3,
    )
    if title:
        ax.set_title(title, pad=44)  # above the one-row legend
    return _finish(fig, title or tr("Likert responses by group", lang), synthetic, lang)


def _lang(lang: str) -> Lang:
    try:
        return check_lang(lang)
    except ParameterError as exc:
        raise ParameterError(f"lang must be 'ko' or 'en', not {lang!r}") from exc


def gap_dumbbell(
    gaps: GapTable,
    *,
    variables: Sequence[str] | None = None,
    lang: Lang = DEFAULT_LANG,
    group_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Dumbbell chart: each variable's group means, with confidence intervals.

    One marker per group and variable (with a horizontal CI bar), the groups a little apart
    vertically, and one grey connector per variable that runs through its group markers (from the
    lowest to the highest mean); construct scores are marked [scale score]. Uses ``gaps.means``
    (columns ``variable``, ``label``, ``kind``, ``group``, ``mean``, ``ci_lower``, ``ci_upper``)
    and ``gaps.level``.

    Parameters
    ----------
    gaps : GapTable
        From :func:`cgresearch.survey.gaps.gap_table`.
    variables : sequence of str, optional
        Subset and order of variables (default: all, in table order).
    lang : {"ko", "en"}
    """
    lang = _lang(lang)
    style.apply_style()
    m = gaps.means
    order = list(variables) if variables is not None else list(dict.fromkeys(m["variable"]))
    groups = list(dict.fromkeys(m["group"]))
    colours = style.palette(len(groups))
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.55 * len(order) + 1.5)))
    offsets = np.linspace(-0.2, 0.2, len(groups)) if len(groups) > 1 else np.zeros(1)
    offset_of = dict(zip(groups, offsets, strict=True))
    ylabels = []
    for pos, var in enumerate(order):
        rows = m[m["variable"] == var]
        if rows.empty:
            raise ParameterError(f"variable {var!r} is not in the gap table")
        # the connector joins the markers where they are drawn (mean, row + group offset)
        pts = sorted((float(r["mean"]), pos + offset_of[r["group"]]) for _, r in rows.iterrows())
        ax.plot(
            [x for x, _ in pts],
            [y for _, y in pts],
            color="#999999",
            linewidth=2.5,
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
    mark = " [" + tr("scale score", lang) + "]"
    ylabels = [
        lab + mark if kinds.get(var) == "construct" else lab
        for lab, var in zip(ylabels, order, strict=True)
    ]
    ax.set_yticks(range(len(order)), ylabels)
    ax.invert_yaxis()
    ax.set_xlabel(tr("Weighted mean score ({level}% CI)", lang, level=f"{gaps.level * 100:.0f}"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(groups), borderaxespad=0.3)
    if title:
        ax.set_title(title, pad=44)
    return _finish(fig, title or tr("Group means with confidence intervals", lang), synthetic, lang)


def _numbered_points(
    fig: Figure,
    ax: Axes,
    xs: Sequence[float],
    ys: Sequence[float],
    labels: Sequence[str],
    colours: Sequence[str],
    key: Sequence[tuple[str, str]],
    lang: Lang,
) -> None:
    """Draw numbered markers and, under the axes, the key: number → label, colour → meaning.

    A number inside its marker never spills out of the axes or over another label, whatever the
    length of the item names; the key below holds the names.
    """
    for i, (x, y, colour) in enumerate(zip(xs, ys, colours, strict=True), start=1):
        ax.scatter([x], [y], s=260, color=colour, zorder=3, edgecolor="white")
        ax.annotate(
            str(i),
            (x, y),
            ha="center",
            va="center",
            color="white",
            fontsize="small",
            fontweight="semibold",
            zorder=4,
        )
    numbered = [
        Line2D([], [], linestyle="", marker="o", color=colours[i], label=f"{i + 1}. {lab}")
        for i, lab in enumerate(labels)
    ]
    meanings = [Patch(facecolor=c, label=text) for c, text in key]
    legend = ax.legend(
        handles=numbered,
        title=tr("Items", lang),
        loc="upper left",
        bbox_to_anchor=(0.0, -0.13),
        frameon=False,
        fontsize="small",
        alignment="left",
    )
    ax.add_artist(legend)
    ax.legend(
        handles=meanings,
        title=tr("Colours", lang),
        loc="upper left",
        bbox_to_anchor=(0.0, -0.15 - 0.05 * (len(labels) + 1)),
        frameon=False,
        fontsize="small",
        alignment="left",
    )


def _quadrant_colours(quadrants: Sequence[object], order: Sequence[object]) -> list[str]:
    fixed = (style.PALETTE[5], style.PALETTE[0], "#999999", style.PALETTE[2])
    colours = dict(zip(order, fixed, strict=True))
    return [colours[q] for q in quadrants]


def ipa_chart(
    ipa: IPAResult,
    *,
    lang: Lang = DEFAULT_LANG,
    scale: tuple[float, float] | None = (1, 5),
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """IPA quadrant chart: performance (x) against importance (y), items numbered.

    Dashed lines at ``ipa.x_cut`` and ``ipa.y_cut``. Each item is a numbered marker coloured by its
    quadrant; under the axes a key gives each number's item and each colour's quadrant name
    ("Concentrate here" …), so no label runs out of the axes or over a marker.
    """
    lang = _lang(lang)
    style.apply_style()
    t = ipa.table
    fig, ax = plt.subplots(figsize=(7, 5.5))
    names = {
        (False, True): tr("Concentrate here (low performance, high importance)", lang),
        (True, True): tr("Keep up the good work (high performance, high importance)", lang),
        (False, False): tr("Low priority (low performance, low importance)", lang),
        (True, False): tr("Possible overkill (high performance, low importance)", lang),
    }
    quads = [
        (bool(p), bool(i)) for p, i in zip(t["high_performance"], t["high_importance"], strict=True)
    ]
    order = [(False, True), (True, True), (False, False), (True, False)]
    colours = _quadrant_colours(quads, order)
    ax.axvline(ipa.x_cut, color="#555555", linestyle="--", linewidth=1)
    ax.axhline(ipa.y_cut, color="#555555", linestyle="--", linewidth=1)
    _pad_limits(ax, t["performance"], t["importance"], ipa.x_cut, ipa.y_cut)
    present = [q for q in order if q in quads]
    key = [(_quadrant_colours([q], order)[0], names[q]) for q in present]
    _numbered_points(
        fig, ax, t["performance"], t["importance"], list(t["label"]), colours, key, lang
    )
    ax.set_xlabel(tr("Performance (mean score{scale})", lang, scale=_scale_text(scale, lang)))
    ax.set_ylabel(tr("Importance (mean score{scale})", lang, scale=_scale_text(scale, lang)))
    if title:
        ax.set_title(title)
    cuts = {
        "mean": tr("item means", lang),
        "median": tr("item medians", lang),
        "midpoint": tr("scale midpoint", lang),
    }
    default = tr(
        "Importance–performance analysis (dividing lines: {cut})", lang, cut=cuts.get(ipa.cut, "")
    )
    return _finish(fig, title or default, synthetic, lang)


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
    lang: Lang = DEFAULT_LANG,
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Horizontal bars of Borich needs scores, highest need on top; the top-k highlighted."""
    lang = _lang(lang)
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
    ax.margins(x=0.15)  # room for the value labels at both ends
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
    ax.set_xlabel(tr("Borich needs score (score points squared)", lang))
    if top:
        ax.legend(
            handles=[
                Patch(facecolor=style.PALETTE[5], label=tr("Borich top {k}", lang, k=top_k)),
                Patch(facecolor=style.PALETTE[0], label=tr("Other items", lang)),
            ],
            loc="lower right",
        )
    if title:
        ax.set_title(title)
    default = (
        tr("Borich needs scores (weighted)", lang)
        if borich.weighted
        else tr("Borich needs scores (unweighted)", lang)
    )
    return _finish(fig, title or default, synthetic, lang)


def locus_for_focus_chart(
    lff: LocusForFocusResult,
    *,
    lang: Lang = DEFAULT_LANG,
    scale: tuple[float, float] | None = (1, 5),
    title: str | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Locus for Focus: mean importance (x) against mean gap (y), cut at the item means.

    Items are numbered markers coloured by quadrant; first-quadrant items (high importance, large
    gap: focus first) in the highlight colour. The quadrant numbers 1–4 are written in the
    corners and explained, with the item names, in the key under the axes.
    """
    lang = _lang(lang)
    style.apply_style()
    t = lff.table
    fig, ax = plt.subplots(figsize=(7, 5.5))
    meaning = {
        1: tr("Quadrant 1: high importance, large gap (focus first)", lang),
        2: tr("Quadrant 2: low importance, large gap", lang),
        3: tr("Quadrant 3: low importance, small gap", lang),
        4: tr("Quadrant 4: high importance, small gap", lang),
    }
    order = [1, 2, 3, 4]
    quads = [int(q) for q in t["quadrant"]]
    ax.axvline(lff.x_cut, color="#555555", linestyle="--", linewidth=1)
    ax.axhline(lff.y_cut, color="#555555", linestyle="--", linewidth=1)
    _pad_limits(ax, t["importance"], t["gap"], lff.x_cut, lff.y_cut)
    corners = {1: (0.98, 0.98, "right", "top"), 2: (0.02, 0.98, "left", "top")}
    corners |= {3: (0.02, 0.02, "left", "bottom"), 4: (0.98, 0.02, "right", "bottom")}
    for q, (x, y, h, v) in corners.items():
        ax.text(
            x,
            y,
            tr("Quadrant {q}", lang, q=q),
            transform=ax.transAxes,
            ha=h,
            va=v,
            color="#555555",
            fontsize="small",
        )
    key = [(_quadrant_colours([q], order)[0], meaning[q]) for q in order if q in quads]
    _numbered_points(
        fig,
        ax,
        t["importance"],
        t["gap"],
        list(t["label"]),
        _quadrant_colours(quads, order),
        key,
        lang,
    )
    ax.set_xlabel(tr("Importance (mean score{scale})", lang, scale=_scale_text(scale, lang)))
    ax.set_ylabel(tr("Gap: importance minus performance (score points)", lang))
    if title:
        ax.set_title(title)
    return _finish(fig, title or tr("Locus for Focus", lang), synthetic, lang)

"""Figures of the CG evaluation: index map, pillar heatmap, rank intervals, grade probabilities,
Sobol bars, monitoring progress, a gu's feedback profile and envelopes with their ranges.

Each function draws values it is given (it computes nothing beyond sorting) and returns the
matplotlib figure. Text is Korean by default (``lang="en"`` for English) through
:func:`cgresearch.i18n.tr`; colours are the colour-blind-safe Okabe–Ito palette and ``cividis``
of :mod:`cgresearch.figures.style`; pass ``synthetic=`` to add the real/synthetic caption.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.figures.evaluation import sobol_chart
>>> s = pd.DataFrame({"S1": [0.2, 0.5], "S1_conf": [0.05, 0.05], "ST": [0.3, 0.6],
...                   "ST_conf": [0.05, 0.05]}, index=["normalisation", "weights"])
>>> fig = sobol_chart(s, lang="en")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Normalisation', 'Pillar weights']
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cgresearch.figures import style
from cgresearch.i18n import Lang, tr
from cgresearch.vocabulary import GRADES

__all__ = [
    "LIGHT_COLOURS",
    "envelope_range_chart",
    "factor_label",
    "feedback_profile_chart",
    "grade_label",
    "grade_probability_chart",
    "index_map",
    "monitoring_chart",
    "pillar_heatmap",
    "rank_interval_chart",
    "sobol_chart",
]

#: Traffic-light colours (Okabe–Ito: bluish green, yellow, vermillion, grey): at risk and off
#: track differ in lightness too, so readers with a red–green deficiency tell them apart.
LIGHT_COLOURS: dict[str, str] = {
    "on_track": "#009E73",
    "at_risk": "#F0E442",
    "off_track": "#D55E00",
    "no_data": "#999999",
}

#: Grade colours, best first (blue, sky blue, orange: distinct for colour-blind readers).
_GRADE_COLOURS = ("#0072B2", "#56B4E9", "#E69F00", "#CC79A7", "#999999")


def factor_label(factor: str, lang: Lang = "ko") -> str:
    """The reader's name of a Monte Carlo factor (``normalisation``, ``weights`` ...).

    >>> factor_label("weights", "en")
    'Pillar weights'
    """
    labels = {
        "normalisation": tr("Normalisation", lang),
        "aggregation": tr("Aggregation", lang),
        "imputation": tr("Imputation", lang),
        "weights": tr("Pillar weights", lang),
    }
    return labels.get(factor, factor)


def grade_label(grade: str, lang: Lang = "ko") -> str:
    """The reader's name of a grade: "가 등급" in Korean, "Grade A (top)" in English.

    >>> grade_label("가", "en"), grade_label("가")
    ('Grade A (top)', '가 등급')
    """
    term = GRADES.get(grade)
    if lang == "en" and term is not None:
        return term.en
    return tr("Grade {grade}", lang, grade=grade)


def _light_label(light: str, lang: Lang) -> str:
    labels = {
        "on_track": tr("On track", lang),
        "at_risk": tr("At risk", lang),
        "off_track": tr("Off track", lang),
        "no_data": tr("No data", lang),
    }
    return labels.get(light, light)


def _names(index: pd.Index, names: Mapping[object, str] | None) -> list[str]:
    return [str(names.get(u, u)) if names else str(u) for u in index]


def _finish(
    fig: Figure, text: str, synthetic: bool | None, lang: Lang, source: str | None = None
) -> Figure:
    fig.tight_layout()
    if synthetic is not None:
        style.caption(fig, text, synthetic=synthetic, source=source, lang=lang)
    return fig


def index_map(
    scores: pd.Series,
    *,
    lang: Lang = "ko",
    label: str | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
    boundaries: pd.DataFrame | None = None,
) -> Figure:
    """Choropleth of an index score of the 25 gu.

    Parameters
    ----------
    scores : Series
        Index ``adm_code`` (the gu), one score each.
    lang : {"ko", "en"}
    label : str, optional
        Colour-bar label (default "CG index score (0-100)" in ``lang``).
    title : str, optional
    synthetic : bool, optional
        Add the data caption.
    boundaries : DataFrame, optional
        Passed to :func:`cgresearch.figures.maps.district_map`.
    """
    from cgresearch.figures.maps import district_map

    values = pd.DataFrame({"adm_code": scores.index.astype(int), "score": scores.to_numpy(float)})
    fig = district_map(
        values,
        "score",
        boundaries=boundaries,
        label=label or tr("CG index score (0-100)", lang),
        title=title if title is not None else tr("Composite CG index by gu", lang),
    )
    if synthetic is not None:
        style.caption(
            fig, tr("Composite CG index by gu.", lang), synthetic=synthetic, source=None, lang=lang
        )
    return fig


def pillar_heatmap(
    scores: pd.DataFrame,
    *,
    names: Mapping[object, str] | None = None,
    pillar_names: Mapping[str, str] | None = None,
    lang: Lang = "ko",
    synthetic: bool | None = None,
) -> Figure:
    """Heatmap of pillar scores: one row per unit (in the given order), one column per pillar.

    Parameters
    ----------
    scores : DataFrame
        Units × pillars (e.g. 0-100 scores), rows in the order to show (best first).
    names : mapping, optional
        Unit → display name (e.g. adm_code → 구 name).
    pillar_names : mapping, optional
        Pillar code → display name.
    """
    style.apply_style()
    n, p = scores.shape
    fig, ax = plt.subplots(figsize=(1.3 + 1.25 * p, 0.9 + 0.27 * n))
    data = scores.to_numpy(float)
    im = ax.imshow(data, cmap=style.sequential_cmap(), aspect="auto")
    for i in range(n):
        for j in range(p):
            v = data[i, j]
            if np.isfinite(v):
                # dark text on light cells, white on dark: by the cell's own lightness
                r, g, b, _ = im.cmap(im.norm(v))
                light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7,
                        color="black" if light else "white")  # fmt: skip
    ax.set_yticks(range(n), _names(scores.index, names), fontsize=8)
    cols = [pillar_names.get(c, c) if pillar_names else c for c in scores.columns]
    ax.set_xticks(range(p), cols, rotation=30, ha="right", fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    bar = fig.colorbar(im, ax=ax, shrink=0.6, pad=0.02)
    bar.set_label(tr("Pillar score (0-100)", lang))
    ax.set_title(tr("Pillar scores by gu", lang))
    text = tr("Pillar scores of the CG index, gu sorted by index.", lang)
    return _finish(fig, text, synthetic, lang)


def rank_interval_chart(
    intervals: pd.DataFrame,
    *,
    names: Mapping[object, str] | None = None,
    lang: Lang = "ko",
    n_draws: int | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Caterpillar plot: each unit's 5-95 % rank interval, median and nominal rank.

    Parameters
    ----------
    intervals : DataFrame
        ``nominal, median, q05, q95`` per unit (from
        :attr:`cgresearch.evaluation.UncertaintyResult.rank_intervals`).
    n_draws : int, optional
        Shown in the caption.
    """
    style.apply_style()
    iv = intervals.sort_values(["median", "nominal"], kind="stable")
    n = len(iv)
    fig, ax = plt.subplots(figsize=(7.0, 0.9 + 0.26 * n))
    y = np.arange(n)
    ax.hlines(y, iv["q05"], iv["q95"], color=style.PALETTE[0], lw=2.2, alpha=0.8)
    ax.plot(iv["median"], y, "o", color=style.PALETTE[0], ms=5)
    ax.plot(iv["nominal"], y, "D", mfc="none", mec=style.PALETTE[5], ms=6, mew=1.3)
    ax.set_yticks(y, _names(iv.index, names), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0.5, max(float(iv["q95"].max()), n) + 0.5)
    ax.set_xlabel(tr("Rank (1 = best)", lang))
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Line2D([], [], color=style.PALETTE[0], lw=2.2, label=tr("5-95 % rank interval", lang)),
        Line2D([], [], color=style.PALETTE[0], marker="o", ls="", label=tr("Median rank", lang)),
        Line2D(
            [],
            [],
            marker="D",
            ls="",
            mfc="none",
            mec=style.PALETTE[5],
            label=tr("Nominal rank", lang),
        ),
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08 - 1.2 / (n + 4)),
        ncols=3, fontsize=8, frameon=False,
    )  # fmt: skip
    ax.set_title(tr("Rank intervals under methodological uncertainty", lang))
    text = tr(
        "Ranks over {n} Monte Carlo draws of normalisation, aggregation, imputation and weights.",
        lang,
        n=f"{n_draws:,}" if n_draws else "?",
    )
    return _finish(fig, text, synthetic, lang)


def grade_probability_chart(
    probs: pd.DataFrame,
    *,
    names: Mapping[object, str] | None = None,
    lang: Lang = "ko",
    synthetic: bool | None = None,
) -> Figure:
    """Stacked bars: the probability of each grade (columns, best first) for each unit.

    Rows are shown in the given order (e.g. by nominal rank).
    """
    style.apply_style()
    n = len(probs)
    fig, ax = plt.subplots(figsize=(7.0, 0.9 + 0.26 * n))
    y = np.arange(n)
    left = np.zeros(n)
    for k, grade in enumerate(probs.columns):
        v = probs[grade].to_numpy(float)
        colour = _GRADE_COLOURS[k % len(_GRADE_COLOURS)]
        ax.barh(y, v, left=left, color=colour, edgecolor="white", lw=0.5,
                label=grade_label(str(grade), lang))  # fmt: skip
        for yi, (lo, w) in enumerate(zip(left, v, strict=True)):
            if w >= 0.12:
                ax.text(lo + w / 2, yi, f"{w:.0%}", ha="center", va="center", fontsize=6.5,
                        color="white" if k == 0 else "black")  # fmt: skip
        left += v
    ax.set_yticks(y, _names(probs.index, names), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(tr("Probability of the grade", lang))
    ax.legend(
        ncols=len(probs.columns), loc="upper center",
        bbox_to_anchor=(0.5, -0.08 - 1.2 / (n + 4)), fontsize=8, frameon=False,
    )  # fmt: skip
    ax.set_title(tr("Probability of each grade", lang))
    return _finish(fig, tr("Share of Monte Carlo draws in which each gu gets each grade.", lang),
                   synthetic, lang)  # fmt: skip


def sobol_chart(sobol: pd.DataFrame, *, lang: Lang = "ko", synthetic: bool | None = None) -> Figure:
    """Horizontal bars of first-order (S1) and total (ST) Sobol indices with 95 % intervals."""
    style.apply_style()
    s = sobol
    n = len(s)
    fig, ax = plt.subplots(figsize=(7.0, 1.4 + 0.55 * n))
    y = np.arange(n)
    h = 0.38
    ax.barh(y - h / 2, s["S1"].clip(lower=0), h, xerr=s.get("S1_conf"), color=style.PALETTE[0],
            label=tr("First-order effect", lang), capsize=2)  # fmt: skip
    ax.barh(y + h / 2, s["ST"].clip(lower=0), h, xerr=s.get("ST_conf"), color=style.PALETTE[1],
            label=tr("Total effect (with interactions)", lang), capsize=2)  # fmt: skip
    ax.set_yticks(y, [factor_label(str(f), lang) for f in s.index])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float((s["ST"] + s.get("ST_conf", 0)).max()) * 1.05))
    ax.set_xlabel(tr("Sobol index (share of rank variance)", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(tr("What drives the ranks: Sobol sensitivity", lang))
    return _finish(
        fig,
        tr(
            "Sobol indices of the mean absolute rank change, estimated with SALib; whiskers: "
            "95% confidence intervals (bootstrap).",
            lang,
        ),
        synthetic,
        lang,
    )


def monitoring_chart(
    latest: pd.DataFrame,
    *,
    goal_names: Mapping[str, str] | None = None,
    lang: Lang = "ko",
    synthetic: bool | None = None,
) -> Figure:
    """Progress of each task towards its target, grouped by goal, coloured by its light.

    Parameters
    ----------
    latest : DataFrame
        :attr:`cgresearch.evaluation.MonitoringTable.latest` (``task_id, goal, progress,
        elapsed, light`` and a task name column ``task_ko``/``task_en``).
    goal_names : mapping, optional
        Goal code → display name.
    """
    style.apply_style()
    t = latest.sort_values(["goal", "task_id"], kind="stable").reset_index(drop=True)
    name_col = "task_en" if lang == "en" and "task_en" in t.columns else "task_ko"
    n = len(t)
    fig, ax = plt.subplots(figsize=(8.0, 1.4 + 0.3 * n))
    y = np.arange(n)
    prog = t["progress"].to_numpy(float)
    ax.barh(y, np.nan_to_num(np.clip(prog, 0, 1.2)), color=[LIGHT_COLOURS[x] for x in t["light"]],
            height=0.7)  # fmt: skip
    ax.plot(t["elapsed"], y, "|", color="black", ms=13, mew=2)
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    labels = [f"{r.task_id} {getattr(r, name_col)}" for r in t.itertuples(index=False)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    # goal bands: a light background and the goal's name at the right
    for k, (goal, rows) in enumerate(t.groupby("goal", sort=False).groups.items()):
        lo, hi = min(rows) - 0.5, max(rows) + 0.5
        if k % 2 == 0:
            ax.axhspan(lo, hi, color="#f2f2f2", zorder=-1)
        label = textwrap.fill(goal_names.get(goal, goal) if goal_names else goal, 14)
        ax.text(1.01, (lo + hi) / 2, label, va="center", ha="left", fontsize=7,
                transform=ax.get_yaxis_transform())  # fmt: skip
    ax.set_xlim(0, 1.22)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(tr("Share of the baseline-to-target distance achieved", lang))
    handles = [Patch(color=c, label=_light_label(k, lang)) for k, c in LIGHT_COLOURS.items()]
    handles.append(Line2D([], [], marker="|", ls="", color="black", ms=10, mew=2,
                          label=tr("Share of time elapsed", lang)))  # fmt: skip
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1 - 1.5 / (n + 4)),
              ncols=5, fontsize=8, frameon=False)  # fmt: skip
    ax.set_title(tr("Action tasks: progress against time, by goal", lang))
    fig.tight_layout()
    fig.subplots_adjust(right=0.80)  # room for the goal names right of the axes
    if synthetic is not None:
        text = tr("Latest reported year of each task; bar = progress, tick = time elapsed.", lang)
        style.caption(fig, text, synthetic=synthetic, lang=lang)
    return fig


def feedback_profile_chart(
    unit_scores: pd.Series,
    median: pd.Series,
    previous: pd.Series | None = None,
    *,
    title: str = "",
    pillar_names: Mapping[str, str] | None = None,
    lang: Lang = "ko",
    synthetic: bool | None = None,
) -> Figure:
    """One gu's pillar profile: its scores as bars, the Seoul median and last year as markers."""
    style.apply_style()
    codes = list(unit_scores.index)
    y = np.arange(len(codes))
    fig, ax = plt.subplots(figsize=(7.0, 1.3 + 0.45 * len(codes)))
    ax.barh(y, unit_scores.to_numpy(float), color=style.PALETTE[0], height=0.6,
            label=tr("This gu", lang))  # fmt: skip
    ax.plot(median.reindex(codes).to_numpy(float), y, "D", color=style.PALETTE[1], ms=7,
            label=tr("Seoul median", lang))  # fmt: skip
    if previous is not None:
        ax.plot(previous.reindex(codes).to_numpy(float), y, "o", mfc="none",
                mec=style.PALETTE[5], ms=8, mew=1.5, label=tr("Last year", lang))  # fmt: skip
    ax.set_yticks(y, [pillar_names.get(c, c) if pillar_names else c for c in codes], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 104)  # room for a marker at 100 (drawn whole, not cut by the frame)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(tr("Pillar score (0-100)", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3, fontsize=8, frameon=False)
    ax.set_title(title)
    return _finish(fig, tr("Pillar profile against the Seoul median and last year.", lang),
                   synthetic, lang)  # fmt: skip


def envelope_range_chart(
    table: pd.DataFrame,
    *,
    lang: Lang = "ko",
    synthetic: bool | None = None,
) -> Figure:
    """Each gu's envelope with the range the evaluation's uncertainty implies.

    Parameters
    ----------
    table : DataFrame
        One row per gu: ``name`` (display), ``amount_eok`` (with the nominal grades),
        ``low_eok``, ``high_eok`` (the range over the grade draws), ``grade``; rows in the
        order to show.
    """
    style.apply_style()
    t = table.reset_index(drop=True)
    n = len(t)
    fig, ax = plt.subplots(figsize=(7.0, 1.2 + 0.27 * n))
    y = np.arange(n)
    grades = list(dict.fromkeys(t["grade"]))
    for k, g in enumerate(sorted(grades)):
        sel = (t["grade"] == g).to_numpy()
        ax.plot(t.loc[sel, "amount_eok"], y[sel], "o", color=_GRADE_COLOURS[k], ms=6,
                label=grade_label(g, lang), zorder=3)  # fmt: skip
    ax.hlines(y, t["low_eok"], t["high_eok"], color="#555555", lw=2, alpha=0.6,
              label=tr("Range over the Monte Carlo grades", lang))  # fmt: skip
    ax.set_yticks(y, t["name"].astype(str), fontsize=8)
    ax.invert_yaxis()
    style.set_krw_axis(ax, "x", unit="eok")
    ax.set_xlabel(tr("Envelope (100 million KRW)", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06 - 1.0 / (n + 4)), ncols=4,
              fontsize=8, frameon=False)  # fmt: skip
    ax.set_title(tr("Envelopes with tiers from the evaluation", lang))
    return _finish(
        fig,
        tr("Dot: envelope under the nominal grades; line: range when the grades are drawn.", lang),
        synthetic,
        lang,
    )

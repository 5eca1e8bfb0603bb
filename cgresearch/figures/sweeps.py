"""Figures of scenario sweeps: equity–efficiency frontier, tornado, Monte Carlo ranges.

Each function draws a result object of :mod:`cgresearch.sweeps.analysis` (it computes nothing)
and returns the matplotlib figure. Korean district names render with the shipped Hangul font of
:mod:`cgresearch.figures.style`; amounts are in 억원. Pass ``synthetic=`` to add the real/synthetic
data caption (:func:`cgresearch.figures.style.caption`).

Examples
--------
>>> from cgresearch.figures.sweeps import frontier_chart
>>> fig = frontier_chart(equity_efficiency_frontier(results), synthetic=False)  # doctest: +SKIP
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from cgresearch.figures import style
from cgresearch.i18n import Lang, tr

if TYPE_CHECKING:
    from cgresearch.sweeps.analysis import Frontier, MonteCarloRanges, Tornado

__all__ = ["column_label", "describe_point", "frontier_chart", "mc_range_chart", "tornado_chart"]


def _label(column: str, lang: Lang = "ko") -> str:
    """The reader's name of a result column or swept parameter (``param.`` prefix optional)."""
    labels = {
        "metric.gini": tr("Gini of per-capita amounts (lower = more equal)", lang),
        "metric.gini_pop": tr(
            "Population-weighted Gini of per-capita amounts (lower = more equal)", lang
        ),
        "metric.theil": tr("Theil index of per-capita amounts (lower = more equal)", lang),
        "metric.max_min_ratio": tr(
            "Largest / smallest per-capita amount (lower = more equal)", lang
        ),
        "formula_fit_pct": tr("Formula fit: % of the budget where the need formula puts it", lang),
        "min_per_capita_krw": tr("Smallest per-capita amount (KRW)", lang),
        "metric.total_abs_deviation_eok": tr(
            "Total deviation from the formula targets (100 million KRW)", lang
        ),
        "total_budget_eok": tr("Total budget (100 million KRW)", lang),
        "floor_eok": tr("Floor per gu (100 million KRW)", lang),
        "cap_eok": tr("Cap per gu (100 million KRW)", lang),
        "stability_delta": tr("Year-on-year limit δ", lang),
        "max_per_capita_ratio": tr("Per-capita equity bound (largest / smallest)", lang),
        "objective": tr("Objective", lang),
    }
    key = column.removeprefix("param.")
    return labels.get(column, labels.get(key, key))


def column_label(column: str, lang: Lang = "ko") -> str:
    """Return the reader's name of a sweep result column or swept parameter.

    >>> column_label("param.floor_eok", "en")
    'Floor per gu (100 million KRW)'
    """
    return _label(column, lang)


def describe_point(overrides: dict, lang: Lang = "ko") -> str:
    """Return a parameter point in the reader's words, e.g. ``총예산(억원) 250, 목적함수 ...``.

    Examples
    --------
    >>> describe_point({"total_budget_eok": 250, "stability_delta": 0.3}, "en")
    'Total budget (100 million KRW) 250, Year-on-year limit δ 0.3'
    """
    parts = []
    for key, v in overrides.items():
        parts.append(f"{_label(key, lang)} {_level(v, lang)}")
    return ", ".join(parts)


def _level(value: object, lang: Lang) -> str:
    """A parameter level as the reader sees it: a number, or an objective by its name."""
    names = {
        "equal_adjustment": tr("formula + equal adjustment", lang),
        "proportional": tr("formula × common factor", lang),
        "least_squares": tr("least squares to the formula", lang),
        "minmax_relative": tr("smallest relative band", lang),
        "goal": tr("least absolute deviation", lang),
        "maxmin": tr("max-min fairness", lang),
        "formula": tr("the formula as it is", lang),
        "combined": tr("goal and max-min combined", lang),
    }
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return names.get(str(value), str(value))


def _fit_texts(ax, rounds: int = 10) -> None:
    """Widen the x-limits until every text drawn in ``ax`` lies inside it (no text over the
    tick labels on the left or past the frame on the right)."""
    for _ in range(rounds):
        renderer = ax.figure.canvas.get_renderer()
        inverse = ax.transData.inverted()
        lo, hi = ax.get_xlim()
        x0, x1 = lo, hi
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            (left, _), (right, _) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
            x0, x1 = min(x0, left), max(x1, right)
        if x0 >= lo and x1 <= hi:
            return
        pad = 0.04 * (x1 - x0)
        ax.set_xlim(x0 - pad, x1 + pad)


def _finish(fig: Figure, text: str, synthetic: bool | None, lang: Lang = "ko") -> Figure:
    fig.tight_layout()  # keep tick and axis labels inside the figure, above the caption
    if synthetic is not None:
        style.caption(fig, text, synthetic=synthetic, lang=lang)
    return fig


def frontier_chart(
    frontier: Frontier,
    *,
    color_by: str | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Scatter every parameter point's equity against efficiency; join the Pareto frontier.

    Parameters
    ----------
    frontier : Frontier
        From :func:`cgresearch.sweeps.analysis.equity_efficiency_frontier`.
    color_by : str, optional
        A numeric column of ``frontier.points`` (e.g. ``"param.total_budget_eok"``) to colour
        the points by (``cividis``); default: one colour.
    title : str, optional
        Figure title.
    synthetic : bool, optional
        Add the real/synthetic data caption.
    """
    style.apply_style()
    pts = frontier.points
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    x, y = pts[frontier.equity].to_numpy(float), pts[frontier.efficiency].to_numpy(float)
    if color_by is not None:
        if color_by not in pts.columns:
            raise KeyError(f"frontier_chart: no column {color_by!r} in the frontier points")
        sc = ax.scatter(
            x, y, c=pts[color_by].to_numpy(float), cmap=style.sequential_cmap(), s=18, alpha=0.8
        )
        bar = fig.colorbar(sc, ax=ax)
        bar.set_label(_label(color_by, lang))
    else:
        ax.scatter(
            x,
            y,
            s=14,
            color=style.PALETTE[7],
            alpha=0.6,
            label=tr("scenario (parameter point)", lang),
        )
    on = frontier.pareto().sort_values(frontier.equity)
    ax.plot(
        on[frontier.equity],
        on[frontier.efficiency],
        "-o",
        color=style.PALETTE[5],
        markersize=5,
        linewidth=1.6,
        label=tr("Pareto frontier ({n} points)", lang, n=len(on)),
    )
    ax.xaxis.set_major_locator(MaxNLocator(5))  # few ticks: Gini values have many digits
    ax.set_xlabel(_label(frontier.equity, lang))
    ax.set_ylabel(textwrap.fill(_label(frontier.efficiency, lang), 40))
    ax.legend(loc="best", fontsize="small")
    ax.set_title(
        title
        or tr("Equity–efficiency frontier across {n} parameter points", lang, n=f"{len(pts):,}")
    )
    return _finish(
        fig, title or tr("Equity–efficiency frontier of the sweep", lang), synthetic, lang
    )


def tornado_chart(
    tornado: Tornado,
    *,
    district: str | int | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Draw the tornado of parameter swings (억원).

    With ``district``, the true tornado of that district: a base line at its mean allocation over
    every optimal scenario, and per parameter (largest swing on top) one bar from the base to
    the district's mean allocation at the parameter's lowest level and one to that at its
    highest level, each end labelled with the level. Without, one bar per district: the swing
    of the parameter that moves it most, coloured by that parameter (the legend lists only the
    parameters drawn).
    """
    style.apply_style()
    if district is not None:
        rows = tornado.for_district(district).sort_values("swing_eok", ascending=True)
        rows = rows.reset_index(drop=True)
        fig, ax = plt.subplots(figsize=(9, 1.8 + 0.6 * len(rows)))
        colors = style.palette(2)
        base = float(rows["base_eok"].iloc[0])
        for i, r in enumerate(rows.itertuples(index=False)):
            for value, level, colour, is_high in (
                (r.amount_at_low_eok, r.low_level, colors[0], False),
                (r.amount_at_high_eok, r.high_level, colors[1], True),
            ):
                ax.barh(i, value - base, left=base, color=colour, height=0.6)
                # a level that leaves the district at its base: low on the left, high on the right
                right = value > base or (value == base and is_high)
                ax.text(
                    value,
                    i,
                    f" {_level(level, lang)}" if right else f"{_level(level, lang)} ",
                    ha="left" if right else "right",
                    va="center",
                    fontsize="small",
                )
        ax.axvline(base, color="black", lw=1.2)
        ax.set_yticks(range(len(rows)), [_label(p, lang) for p in rows["parameter"]])
        name = rows["name_ko"].iloc[0] if lang == "ko" else rows["name_en"].iloc[0]
        style.set_krw_axis(
            ax, "x", unit="eok", label=tr("Allocation of {name}", lang, name=name), lang=lang
        )
        ends = rows[["amount_at_low_eok", "amount_at_high_eok"]].to_numpy(float)
        lo = min(float(np.nanmin(ends)), base)
        hi = max(float(np.nanmax(ends)), base)
        span = hi - lo if hi - lo > 1e-6 else max(abs(base) * 0.05, 1.0)
        ax.set_xlim(lo - 0.3 * span, hi + 0.3 * span)
        ax.set_title(title or tr("Tornado: what moves {name}", lang, name=name))
        handles = [
            Line2D(
                [], [], color=colors[0], lw=6, label=tr("at the parameter's lowest level", lang)
            ),
            Line2D(
                [], [], color=colors[1], lw=6, label=tr("at the parameter's highest level", lang)
            ),
            Line2D(
                [],
                [],
                color="black",
                lw=1.2,
                label=tr("base: mean over all scenarios ({value})", lang, value=f"{base:,.2f}"),
            ),
        ]
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
        _finish(fig, title or tr("Tornado chart for {name}", lang, name=name), synthetic, lang)
        _fit_texts(ax)  # after the layout: long level names (an objective's) stay inside
        return fig
    top = tornado.top().sort_values("swing_eok")
    drawn = sorted(top["parameter"].unique())  # the legend lists only parameters with a bar
    params = sorted(tornado.table["parameter"].unique())
    colors = dict(zip(params, style.palette(len(params)), strict=True))
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.3 * len(top)))
    ax.barh(
        np.arange(len(top)),
        top["swing_eok"],
        color=[colors[p] for p in top["parameter"]],
        height=0.7,
    )
    ax.set_yticks(np.arange(len(top)), list(top["name_ko" if lang == "ko" else "name_en"]))
    style.set_krw_axis(
        ax, "x", unit="eok", label=tr("Swing of the district's allocation", lang), lang=lang
    )
    handles = [Line2D([], [], color=colors[p], lw=6, label=_label(p, lang)) for p in drawn]
    ax.legend(
        handles=handles,
        title=tr("parameter", lang),
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        fontsize="small",
    )
    ax.set_title(title or tr("Which parameter moves each district's allocation most", lang))
    return _finish(fig, title or tr("Largest parameter swing per district", lang), synthetic, lang)


def mc_range_chart(
    ranges: MonteCarloRanges,
    *,
    title: str | None = None,
    synthetic: bool | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Draw each district's allocation range under Monte Carlo: min–max, outer percentiles, median.

    A thin line spans min–max, a thick bar the lowest to highest requested percentile, and a dot
    marks the middle percentile (the median when 50 is requested).
    """
    style.apply_style()
    t = ranges.table.sort_values("mean").reset_index(drop=True)
    pct = sorted(ranges.percentiles)
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.3 * len(t)))
    y = np.arange(len(t))
    c = style.palette(3)
    ax.hlines(y, t["min"], t["max"], color=c[0], linewidth=1, label=tr("min–max", lang))
    if len(pct) >= 2:
        lo, hi = f"p{pct[0]:g}", f"p{pct[-1]:g}"
        ax.hlines(
            y,
            t[lo],
            t[hi],
            color=c[0],
            linewidth=5,
            alpha=0.6,
            label=tr("percentiles {lo}–{hi}", lang, lo=f"{pct[0]:g}", hi=f"{pct[-1]:g}"),
        )
    middle = pct[len(pct) // 2] if pct else None
    mid = f"p{middle:g}" if pct else "mean"
    if middle is None:
        mid_label = tr("mean", lang)
    elif middle == 50:
        mid_label = tr("median", lang)
    else:
        mid_label = tr("percentile {p}", lang, p=f"{middle:g}")
    ax.plot(t[mid], y, "o", color=c[1], markersize=4, label=mid_label)
    ax.set_yticks(y, list(t["name_ko" if lang == "ko" or "name_en" not in t else "name_en"]))
    style.set_krw_axis(ax, "x", unit="eok", label=tr("Allocation", lang), lang=lang)
    ax.legend(loc="lower right", fontsize="small")
    n = int(t["n"].max()) if len(t) else 0
    if ranges.point is not None:
        scope = tr("point {point}", lang, point=ranges.point)
    else:
        scope = tr("all points", lang)
    ax.set_title(
        title or tr("Allocation under {n} Monte Carlo draws ({scope})", lang, n=n, scope=scope)
    )
    return _finish(
        fig,
        title or tr("Monte Carlo range of each district's allocation", lang),
        synthetic,
        lang,
    )

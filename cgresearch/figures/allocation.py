"""Pictures and files of district-envelope results: maps, ranked bars, frontier, exports.

Everything here draws or writes an already computed result
(:class:`cgresearch.allocation.EnvelopeResult`, the table of
:func:`cgresearch.allocation.compare`, the table of :func:`cgresearch.allocation.equity_frontier`);
nothing is solved here.

Examples
--------
>>> from cgresearch.allocation import Scenario, solve_envelopes
>>> from cgresearch.data.districts import load_districts
>>> res = solve_envelopes(load_districts(), Scenario(name="s", total_budget_eok=250, floor_eok=9))
>>> fig = allocation_bars(res)  # doctest: +SKIP
>>> paths = write_allocation(res, outdir=tmp_path)  # doctest: +SKIP
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cgresearch import paths
from cgresearch.errors import ParameterError
from cgresearch.figures import style
from cgresearch.figures.maps import district_map
from cgresearch.formatting import format_eok
from cgresearch.i18n import Lang, tr
from cgresearch.outputs import staged_folder

__all__ = [
    "allocation_bars",
    "allocation_map",
    "comparison_bars",
    "comparison_map",
    "frontier_chart",
    "objective_name",
    "write_allocation",
    "write_comparison",
]


def _source(lang: Lang) -> str:
    return tr(
        "districts.csv: 2017 Q1 population, KOSIS fiscal independence; JUSO 2015 boundaries. "
        "Amounts are scenario results, not actual allocations",
        lang,
    )


def objective_name(objective: str, lang: Lang = "ko") -> str:
    """Return the reader's name of an envelope objective (never its code).

    >>> objective_name("equal_adjustment", "en")
    'formula targets plus one common adjustment'
    """
    names = {
        "equal_adjustment": tr("formula targets plus one common adjustment", lang),
        "proportional": tr("formula targets times one common factor", lang),
        "least_squares": tr("weighted least squares to the formula targets", lang),
        "minmax_relative": tr("smallest relative band around the formula targets", lang),
        "formula": tr("the formula as it is", lang),
        "goal": tr("least absolute deviation from the formula targets", lang),
        "maxmin": tr("max-min fairness on need-weighted per-capita amounts", lang),
        "combined": tr("goal deviation and max-min fairness combined", lang),
    }
    return names.get(objective, objective)


def _wrap(text: str, width: int = 72) -> str:
    """Wrap a title to fit the figure; Hangul glyphs are about 1.6 Latin letters wide."""
    if re.search("[\uac00-\ud7a3]", text):
        width = int(width * 0.72)
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _scenario_caption(fig: Figure, result: Any, lang: Lang) -> str:
    """Caption a figure of one scenario's allocation: label, total, objective, real data source."""
    sc = result.scenario
    return style.caption(
        fig,
        tr(
            "Scenario: {label}. Total {total}; objective: {objective}.",
            lang,
            label=sc.label(lang),
            total=format_eok(sc.total_budget_eok, lang, decimals=1),
            objective=objective_name(sc.objective, lang),
        ),
        synthetic=False,
        source=_source(lang),
        lang=lang,
    )


def _unit(kind: str, lang: Lang) -> str:
    return tr("KRW", lang) if kind == "krw" else tr("100 million KRW", lang)


def _column_label(column: str, lang: Lang) -> tuple[str, str, str, bool]:
    """(quantity, quantity with unit, value format, diverging) of a table column."""
    known = {
        "amount_eok": (tr("Allocation", lang), "eok", "{:.2f}", False),
        "change_eok": (tr("Change from last year", lang), "eok", "{:+.2f}", True),
        "per_capita_krw": (tr("Allocation per person", lang), "krw", "{:,.0f}", False),
        "deviation_eok": (tr("Deviation from the formula target", lang), "eok", "{:+.2f}", True),
        "target_eok": (tr("Formula target", lang), "eok", "{:.2f}", False),
    }
    if column not in known:
        raise ParameterError(
            f"allocation_map: column {column!r} cannot be mapped: use one of {', '.join(known)}"
        )
    quantity, unit, fmt, diverging = known[column]
    return quantity, f"{quantity} ({_unit(unit, lang)})", fmt, diverging


def _names(table: pd.DataFrame, lang: Lang) -> pd.Series:
    return table["name_ko" if lang == "ko" or "name_en" not in table else "name_en"]


def _require_table(result: Any) -> pd.DataFrame:
    if not getattr(result, "ok", False):
        raise ValueError(
            f"scenario '{result.scenario.name}' has no allocation to draw ({result.status}): "
            f"{result.message}"
        )
    return result.table


def allocation_map(
    result: Any, column: str = "amount_eok", *, ax: plt.Axes | None = None, lang: Lang = "ko"
) -> Figure:
    """Map the 25 gu coloured by a column of the allocation table.

    Parameters
    ----------
    result : EnvelopeResult
        An optimal result.
    column : str
        ``amount_eok`` (default), ``change_eok`` (diverging), ``per_capita_krw``,
        ``deviation_eok`` (diverging) or ``target_eok``.
    ax : Axes, optional
        Draw into this axes.
    lang : {"ko", "en"}
        The language of every text (the scenario by its :meth:`~Scenario.label`).
    """
    table = _require_table(result)
    quantity, label, fmt, diverging = _column_label(column, lang)
    fig = district_map(
        table,
        column,
        label=label,
        title=_wrap(
            tr(
                "{quantity} by gu: {scenario}",
                lang,
                quantity=quantity,
                scenario=result.scenario.label(lang),
            )
        ),
        diverging=diverging,
        value_format=fmt,
        ax=ax,
        lang=lang,
    )
    _scenario_caption(fig, result, lang)
    return fig


def _comparison_labels(
    comparison: pd.DataFrame, labels: tuple[str, str] | None, lang: Lang
) -> tuple[str, str]:
    """Scenarios A and B for the reader: ``labels``, else the labels ``compare`` keeps in the
    table's ``attrs`` (by language), else the scenario names."""
    if labels is not None:
        return labels
    out = []
    for side in ("a", "b"):
        label = comparison.attrs.get(f"label_{side}")
        if isinstance(label, dict):
            label = label.get(lang)
        out.append(str(label or comparison.attrs.get(f"scenario_{side}", side.upper())))
    return out[0], out[1]


def comparison_map(
    comparison: pd.DataFrame,
    *,
    labels: tuple[str, str] | None = None,
    ax: plt.Axes | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Map who gains (blue) and who loses (red) between two scenarios (``compare`` output).

    ``labels`` names scenarios A and B for the reader (default: the labels that
    :func:`~cgresearch.allocation.compare` keeps in the table's ``attrs``).
    """
    a, b = _comparison_labels(comparison, labels, lang)
    fig = district_map(
        comparison,
        "change_eok",
        label=tr("Change ({unit})", lang, unit=_unit("eok", lang)),
        title=_wrap(tr("Who gains and who loses: {a} → {b}", lang, a=a, b=b)),
        diverging=True,
        value_format="{:+.2f}",
        ax=ax,
        lang=lang,
    )
    style.caption(
        fig,
        tr("Scenario B ({b}) minus scenario A ({a}).", lang, a=a, b=b),
        synthetic=False,
        source=_source(lang),
        lang=lang,
    )
    return fig


def allocation_bars(result: Any, *, ax: plt.Axes | None = None, lang: Lang = "ko") -> Figure:
    """Ranked horizontal bars of the allocation with floors, caps, tiers and targets drawn.

    Bars are sorted from the largest allocation (top) down; a dark tick marks each floor, an
    orange tick each cap, a grey band each performance-tier range and a hollow circle the formula
    target. ``lang`` chooses the language of every text.
    """
    style.apply_style()
    table = _require_table(result).sort_values("amount_eok", ascending=True, kind="stable")
    n = len(table)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, max(4.0, 0.28 * n + 1.5)))
    else:
        fig = ax.figure
    y = np.arange(n)
    colours = style.palette(4)
    ax.barh(y, table["amount_eok"], color=colours[0], height=0.7, label=tr("allocation", lang))
    handles: list[Any] = [
        plt.Rectangle((0, 0), 1, 1, color=colours[0], label=tr("allocation", lang))
    ]
    for lo_col, hi_col, colour, name, width in (
        ("tier_min_eok", "tier_max_eok", "#999999", tr("grade range", lang), 7),
        ("stability_min_eok", "stability_max_eok", colours[3], tr("stability range", lang), 2.5),
    ):
        ranges = table[[lo_col, hi_col]].to_numpy(dtype=float)
        if not np.isfinite(ranges).any():
            continue
        for yi, (lo, hi) in zip(y, ranges, strict=True):
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [yi, yi], color=colour, lw=width, alpha=0.55, zorder=3)
        handles.append(Line2D([], [], color=colour, lw=width, alpha=0.55, label=name))
    for column, colour, name in (
        ("floor_eok", "black", tr("floor", lang)),
        ("cap_eok", colours[1], tr("cap", lang)),
    ):
        values = table[column].to_numpy(dtype=float)
        if np.isfinite(values).any():
            ax.scatter(values, y, marker="|", s=260, linewidths=2.4, color=colour, zorder=4)
            handles.append(
                Line2D([], [], marker="|", ls="", ms=14, mew=2.4, color=colour, label=name)
            )
    ax.scatter(
        table["target_eok"], y, marker="o", s=22, facecolors="none", edgecolors=colours[2], zorder=5
    )
    handles.append(
        Line2D(
            [], [], marker="o", ls="", mfc="none", mec=colours[2], label=tr("formula target", lang)
        )
    )
    ax.set_yticks(y, _names(table, lang))
    style.set_krw_axis(ax, "x", unit="eok", label=tr("Allocation", lang), lang=lang)
    ax.set_title(
        _wrap(
            tr("Allocation by gu, ranked: {scenario}", lang, scenario=result.scenario.label(lang))
        )
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        frameon=True,
    )
    _scenario_caption(fig, result, lang)
    return fig


def comparison_bars(
    comparison: pd.DataFrame,
    *,
    labels: tuple[str, str] | None = None,
    ax: plt.Axes | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Ranked bars of the change per gu between two scenarios (gains blue, losses red).

    ``labels`` names scenarios A and B for the reader (default: the labels that
    :func:`~cgresearch.allocation.compare` keeps in the table's ``attrs``).
    """
    style.apply_style()
    t = comparison.sort_values("change_eok", ascending=True, kind="stable")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, max(4.0, 0.28 * len(t) + 1.5)))
    else:
        fig = ax.figure
    cmap = style.diverging_cmap()
    colours = [cmap(0.85) if v > 0 else cmap(0.15) for v in t["change_eok"]]
    ax.barh(np.arange(len(t)), t["change_eok"], color=colours)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(np.arange(len(t)), _names(t, lang))
    style.set_krw_axis(ax, "x", unit="eok", label=tr("Change", lang), lang=lang)
    a, b = _comparison_labels(comparison, labels, lang)
    ax.set_title(_wrap(tr("Change per gu: {a} → {b}", lang, a=a, b=b)))
    ax.legend(
        handles=[
            plt.Rectangle((0, 0), 1, 1, color=cmap(0.85), label=tr("gains", lang)),
            plt.Rectangle((0, 0), 1, 1, color=cmap(0.15), label=tr("loses", lang)),
        ],
        loc="lower right",
        fontsize="small",
    )
    style.caption(
        fig,
        tr("Scenario B ({b}) minus scenario A ({a}).", lang, a=a, b=b),
        synthetic=False,
        source=_source(lang),
        lang=lang,
    )
    return fig


def frontier_chart(
    frontier: pd.DataFrame,
    *,
    synthetic: bool | None = None,
    ax: plt.Axes | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Draw an equity–efficiency frontier (``equity_frontier`` or ``score_frontier`` output).

    x: the equity bound (largest over smallest per-capita amount, tighter to the right); y: the
    best objective under it. Bounds that no allocation meets are marked at the bottom.
    ``synthetic`` (default: the frontier's ``attrs["synthetic"]``, set by ``score_frontier``
    for synthetic proposals) chooses the caption's data label.
    """
    style.apply_style()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.5))
    else:
        fig = ax.figure
    ok = frontier[frontier["status"] == "optimal"]
    bad = frontier[frontier["status"] != "optimal"]
    colour = style.palette(2)
    ax.plot(
        ok["max_per_capita_ratio"],
        ok["objective_value"],
        marker="o",
        color=colour[0],
        label=tr("best objective under the bound", lang),
    )
    if len(bad):
        floor = float(ok["objective_value"].min()) if len(ok) else 0.0
        ax.scatter(
            bad["max_per_capita_ratio"],
            np.full(len(bad), floor),
            marker="x",
            color=colour[1],
            label=tr("no allocation meets the bound", lang),
            zorder=4,
        )
    ax.invert_xaxis()
    ax.set_xlabel(tr("Equity bound: max / min per-capita amount (ratio; tighter →)", lang))
    label = str(frontier["objective_label"].iloc[0]) if len(frontier) else tr("objective", lang)
    ax.set_ylabel(textwrap.fill(label[0].upper() + label[1:], 36))
    name = frontier.attrs.get("label", frontier.attrs.get("scenario", ""))
    ax.set_title(
        _wrap(tr("Equity–efficiency frontier (ε-constraint): {scenario}", lang, scenario=name))
    )
    ax.legend(fontsize="small")
    if synthetic is None:
        synthetic = bool(frontier.attrs.get("synthetic", False))
    text = tr(
        "Each point re-solves the scenario with the per-capita equity bound on the x axis.", lang
    )
    if synthetic:
        text += " " + tr("Proposals are synthetic; districts are real.", lang)
    style.caption(
        fig, text, synthetic=synthetic, source=None if synthetic else _source(lang), lang=lang
    )
    return fig


#: Files ``write_allocation`` and ``write_comparison`` may write (an older output without the
#: cgresearch marker but holding only these names may be replaced).
_ALLOCATION_FILES = tuple(
    ["allocation.csv", "allocation.xlsx", "summary.txt", "scenario.toml", "comparison.csv"]
    + [
        f"{stem}.{ext}"
        for stem in ("map_amount", "map_change", "bars", "bars_change")
        for ext in ("png", "svg")
    ]
)


def _outdir(name: str, outdir: str | Path | None) -> Path:
    """The output folder: ``outdir``, else ``outputs/allocation/<name>`` (never outside it)."""
    if outdir is not None:
        return Path(outdir)
    root = paths.outputs_dir() / "allocation"
    folder = root / name
    if name in ("", ".", "..") or folder.resolve().parent != root.resolve():
        raise ParameterError(
            f"scenario name {name!r} cannot be a folder name inside {root}: give the scenario a "
            "plain name (letters, digits, '_' or '-'), or pass --out"
        )
    return folder


def _scenario_frame(result: Any) -> pd.DataFrame:
    rows = [
        {"key": k, "value": v if isinstance(v, str | int | float) else repr(v)}
        for k, v in result.scenario.to_dict().items()
    ]
    return pd.DataFrame(rows)


def write_allocation(
    result: Any, outdir: str | Path | None = None, *, figures: bool = True, lang: Lang = "ko"
) -> list[Path]:
    """Write an envelope result: CSV, Excel, a text summary and (optionally) figures.

    ``summary.txt`` is in ``lang`` (Korean by default, ``"en"`` for English), as the command
    line prints it.

    Files, under ``outdir`` (default ``outputs/allocation/<scenario name>/``):
    ``allocation.csv`` (one row per gu), ``allocation.xlsx`` (sheets ``allocation``,
    ``shadow_prices``, ``metrics``, ``scenario`` and ``diagnosis`` when infeasible),
    ``summary.txt``, ``scenario.toml`` and, for an optimal result with ``figures``,
    ``map_amount``, ``map_change`` (when previous amounts are given) and ``bars`` as PNG + SVG.

    Returns
    -------
    list of Path
        The files written.
    """
    target = _outdir(result.scenario.name, outdir)
    with staged_folder(target, command="allocate", known=_ALLOCATION_FILES) as folder:
        written: list[Path] = []
        table = result.to_frame()
        csv = folder / "allocation.csv"
        table.to_csv(csv, index=False, encoding="utf-8", float_format="%.10g")
        written.append(csv)
        xlsx = folder / "allocation.xlsx"
        metrics = pd.DataFrame(
            {"metric": list(result.metrics), "value": list(result.metrics.values())}
        )
        with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="allocation", index=False)
            result.shadow_prices.to_excel(writer, sheet_name="shadow_prices", index=False)
            metrics.to_excel(writer, sheet_name="metrics", index=False)
            _scenario_frame(result).to_excel(writer, sheet_name="scenario", index=False)
            if result.diagnosis is not None:
                diag = result.diagnosis.fixes.copy()
                diag.insert(0, "message", [result.diagnosis.message] + [""] * (len(diag) - 1))
                diag.to_excel(writer, sheet_name="diagnosis", index=False)
        written.append(xlsx)
        summary = folder / "summary.txt"
        summary.write_text(result.summary(lang) + "\n", encoding="utf-8")
        written.append(summary)
        toml = folder / "scenario.toml"
        toml.write_text(result.scenario.to_toml(), encoding="utf-8")
        written.append(toml)
        if figures and result.ok:
            fig = allocation_map(result, "amount_eok", lang=lang)
            written += style.save(fig, "map_amount", folder)
            plt.close(fig)
            if result.table["change_eok"].notna().all():
                fig = allocation_map(result, "change_eok", lang=lang)
                written += style.save(fig, "map_change", folder)
                plt.close(fig)
            fig = allocation_bars(result, lang=lang)
            written += style.save(fig, "bars", folder)
            plt.close(fig)
    return [target / p.name for p in written]


def write_comparison(
    comparison: pd.DataFrame,
    outdir: str | Path | None = None,
    *,
    figures: bool = True,
    lang: Lang = "ko",
) -> list[Path]:
    """Write a ``compare`` table as CSV (and a map and bar chart) under ``outdir``.

    The default folder is ``outputs/allocation/compare_<A>_vs_<B>/``.
    """
    a = comparison.attrs.get("scenario_a", "A")
    b = comparison.attrs.get("scenario_b", "B")
    target = _outdir(f"compare_{a}_vs_{b}", outdir)
    with staged_folder(target, command="compare", known=_ALLOCATION_FILES) as folder:
        csv = folder / "comparison.csv"
        comparison.to_csv(csv, index=False, encoding="utf-8", float_format="%.10g")
        written = [csv]
        if figures:
            fig = comparison_map(comparison, lang=lang)
            written += style.save(fig, "map_change", folder)
            plt.close(fig)
            fig = comparison_bars(comparison, lang=lang)
            written += style.save(fig, "bars_change", folder)
            plt.close(fig)
    return [target / p.name for p in written]

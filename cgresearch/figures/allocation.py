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
from cgresearch.i18n import Lang
from cgresearch.outputs import staged_folder

__all__ = [
    "allocation_bars",
    "allocation_map",
    "comparison_bars",
    "comparison_map",
    "frontier_chart",
    "write_allocation",
    "write_comparison",
]

_SOURCE = (
    "districts.csv: 2017 Q1 population, KOSIS fiscal independence; JUSO 2015 boundaries. "
    "Amounts are scenario results, not actual allocations"
)


def _scenario_caption(fig: Figure, result: Any) -> str:
    """Caption a figure of one scenario's allocation: name, total, objective, real data source."""
    sc = result.scenario
    return style.caption(
        fig,
        f"Scenario '{sc.name}', total {sc.total_budget_eok:,.1f}억원, objective {sc.objective}.",
        synthetic=False,
        source=_SOURCE,
    )


_COLUMN_LABELS = {
    "amount_eok": ("Allocation (억원)", "{:.2f}", False),
    "change_eok": ("Change vs previous (억원)", "{:+.2f}", True),
    "per_capita_krw": ("Allocation per person (KRW)", "{:,.0f}", False),
    "deviation_eok": ("Deviation from formula target (억원)", "{:+.2f}", True),
    "target_eok": ("Formula target (억원)", "{:.2f}", False),
}


def _require_table(result: Any) -> pd.DataFrame:
    if not getattr(result, "ok", False):
        raise ValueError(
            f"scenario '{result.scenario.name}' has no allocation to draw ({result.status}): "
            f"{result.message}"
        )
    return result.table


def allocation_map(
    result: Any, column: str = "amount_eok", *, ax: plt.Axes | None = None
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
    """
    table = _require_table(result)
    label, fmt, diverging = _COLUMN_LABELS.get(column, (column, "{:.2f}", False))
    fig = district_map(
        table,
        column,
        label=label,
        title=f"{label.split(' (')[0]} by gu: scenario '{result.scenario.name}'",
        diverging=diverging,
        value_format=fmt,
        ax=ax,
    )
    _scenario_caption(fig, result)
    return fig


def comparison_map(comparison: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Map who gains (blue) and who loses (red) between two scenarios (``compare`` output)."""
    a = comparison.attrs.get("scenario_a", "A")
    b = comparison.attrs.get("scenario_b", "B")
    fig = district_map(
        comparison,
        "change_eok",
        label=f"Change from '{a}' to '{b}' (억원)",
        title=f"Who gains and who loses: '{a}' → '{b}'",
        diverging=True,
        value_format="{:+.2f}",
        ax=ax,
    )
    style.caption(fig, f"Scenario '{b}' minus scenario '{a}'.", synthetic=False, source=_SOURCE)
    return fig


def allocation_bars(result: Any, *, ax: plt.Axes | None = None) -> Figure:
    """Ranked horizontal bars of the allocation with floors, caps, tiers and targets drawn.

    Bars are sorted from the largest allocation (top) down; a dark tick marks each floor, an
    orange tick each cap, a grey band each performance-tier range and a hollow circle the formula
    target.
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
    ax.barh(y, table["amount_eok"], color=colours[0], height=0.7, label="allocation")
    handles: list[Any] = [plt.Rectangle((0, 0), 1, 1, color=colours[0], label="allocation")]
    for lo_col, hi_col, colour, name, width in (
        ("tier_min_eok", "tier_max_eok", "#999999", "tier range", 7),
        ("stability_min_eok", "stability_max_eok", colours[3], "stability range", 2.5),
    ):
        ranges = table[[lo_col, hi_col]].to_numpy(dtype=float)
        if not np.isfinite(ranges).any():
            continue
        for yi, (lo, hi) in zip(y, ranges, strict=True):
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [yi, yi], color=colour, lw=width, alpha=0.55, zorder=3)
        handles.append(Line2D([], [], color=colour, lw=width, alpha=0.55, label=name))
    for column, colour, name in (
        ("floor_eok", "black", "floor"),
        ("cap_eok", colours[1], "cap"),
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
        Line2D([], [], marker="o", ls="", mfc="none", mec=colours[2], label="formula target")
    )
    ax.set_yticks(y, table["name_ko"])
    style.set_krw_axis(ax, "x", unit="eok", label="Allocation")
    ax.set_title(f"Allocation by gu, ranked: scenario '{result.scenario.name}'")
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        frameon=True,
    )
    _scenario_caption(fig, result)
    return fig


def comparison_bars(comparison: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Ranked bars of the change per gu between two scenarios (gains blue, losses red)."""
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
    ax.set_yticks(np.arange(len(t)), t["name_ko"])
    style.set_krw_axis(ax, "x", unit="eok", label="Change")
    a = comparison.attrs.get("scenario_a", "A")
    b = comparison.attrs.get("scenario_b", "B")
    ax.set_title(f"Change per gu: '{a}' → '{b}'")
    style.caption(fig, f"Scenario '{b}' minus scenario '{a}'.", synthetic=False, source=_SOURCE)
    return fig


def frontier_chart(
    frontier: pd.DataFrame, *, synthetic: bool | None = None, ax: plt.Axes | None = None
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
        label="best objective under the bound",
    )
    if len(bad):
        floor = float(ok["objective_value"].min()) if len(ok) else 0.0
        ax.scatter(
            bad["max_per_capita_ratio"],
            np.full(len(bad), floor),
            marker="x",
            color=colour[1],
            label="no allocation meets the bound",
            zorder=4,
        )
    ax.invert_xaxis()
    ax.set_xlabel("Equity bound: max / min per-capita amount (ratio; tighter →)")
    label = str(frontier["objective_label"].iloc[0]) if len(frontier) else "objective"
    ax.set_ylabel(textwrap.fill(label[0].upper() + label[1:], 36))
    name = frontier.attrs.get("scenario", "")
    ax.set_title(f"Equity–efficiency frontier (ε-constraint): scenario '{name}'")
    ax.legend(fontsize="small")
    if synthetic is None:
        synthetic = bool(frontier.attrs.get("synthetic", False))
    style.caption(
        fig,
        "Each point re-solves the scenario with the per-capita equity bound on the x axis."
        + (" Proposals are synthetic; districts are real." if synthetic else ""),
        synthetic=synthetic,
        source=None if synthetic else _SOURCE,
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
            fig = allocation_map(result, "amount_eok")
            written += style.save(fig, "map_amount", folder)
            plt.close(fig)
            if result.table["change_eok"].notna().all():
                fig = allocation_map(result, "change_eok")
                written += style.save(fig, "map_change", folder)
                plt.close(fig)
            fig = allocation_bars(result)
            written += style.save(fig, "bars", folder)
            plt.close(fig)
    return [target / p.name for p in written]


def write_comparison(
    comparison: pd.DataFrame, outdir: str | Path | None = None, *, figures: bool = True
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
            fig = comparison_map(comparison)
            written += style.save(fig, "map_change", folder)
            plt.close(fig)
            fig = comparison_bars(comparison)
            written += style.save(fig, "bars_change", folder)
            plt.close(fig)
    return [target / p.name for p in written]

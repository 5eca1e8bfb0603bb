"""Figures of the CG project inventory: funding sources, districts, policy tasks.

Each function draws a table the caller has already aggregated (counts and budgets in million KRW)
and returns the figure; nothing here computes. Budgets are shown in 억원 (100 million KRW).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"n_projects": [920, 206], "budget_mkrw": [6060700, 1600800]},
...                  index=pd.Index(["smg_grant", "other"], name="funding_source"))
>>> fig = funding_source_chart(t, labels={"smg_grant": "SMG grant", "other": "Other"})
>>> len(fig.axes)
2
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cgresearch.figures.style import convert_krw, palette, sequential_cmap, set_krw_axis

__all__ = ["district_budget_chart", "funding_source_chart", "task_heatmap"]


def funding_source_chart(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Figure:
    """Draw projects and budget by funding source, each bar labelled with its share.

    Parameters
    ----------
    table
        One row per funding source (index), columns ``n_projects`` and ``budget_mkrw``.
    labels
        Display names of the index codes (e.g. ``"서울시 보조금\\nSMG grant"``).
    """
    labels = dict(labels or {})
    names = [labels.get(str(i), str(i)) for i in table.index]
    colours = palette(len(table))
    fig, (ax_n, ax_b) = plt.subplots(1, 2, figsize=(9, 3.6))
    counts = table["n_projects"].to_numpy(dtype=float)
    budget = convert_krw(table["budget_mkrw"].to_numpy(dtype=float), "mkrw", "eok")
    for ax, values, fmt in ((ax_n, counts, "{:,.0f}"), (ax_b, budget, "{:,.0f}")):
        y = np.arange(len(values))
        ax.barh(y, values, color=colours)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        total = values.sum()
        for yi, v in zip(y, values, strict=True):
            ax.text(v, yi, f" {fmt.format(v)} ({v / total:.1%})", va="center", fontsize="small")
        ax.set_xlim(0, values.max() * 1.45)
    ax_n.set_xlabel("Projects (count)")
    ax_n.set_title("Projects by funding source")
    set_krw_axis(ax_b, "x", "eok", label="Budget")
    ax_b.set_yticklabels([])
    ax_b.set_title("Budget by funding source")
    fig.tight_layout()
    return fig


def district_budget_chart(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Figure:
    """Draw each gu's budget as horizontal bars stacked by funding source, largest on top.

    Parameters
    ----------
    table
        One row per gu (index: Korean name), one column per funding source, values in million KRW.
    labels
        Display names of the columns.
    """
    labels = dict(labels or {})
    order = table.sum(axis=1).sort_values(ascending=True).index
    data = convert_krw(table.loc[order].astype(float), "mkrw", "eok")
    fig, ax = plt.subplots(figsize=(8, 7.5))
    left = np.zeros(len(data))
    for colour, col in zip(palette(data.shape[1]), data.columns, strict=True):
        ax.barh(data.index, data[col], left=left, color=colour, label=labels.get(col, col))
        left += data[col].to_numpy()
    set_krw_axis(ax, "x", "eok", label="Budget of CG projects")
    ax.set_ylabel("District (gu)")
    ax.legend(title="Funding source", loc="lower right", frameon=True)
    ax.set_title("CG project budget by district and funding source")
    fig.tight_layout()
    return fig


def task_heatmap(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Figure:
    """Draw a heat map of project counts, gu (rows) by policy task (columns), counts annotated.

    Parameters
    ----------
    table
        Counts: index gu (Korean name), one column per policy task code.
    labels
        Display names of the task codes.
    """
    labels = dict(labels or {})
    fig, ax = plt.subplots(figsize=(7, 8))
    values = table.to_numpy(dtype=float)
    im = ax.imshow(values, aspect="auto", cmap=sequential_cmap())
    ax.set_xticks(range(table.shape[1]), [labels.get(c, c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), table.index)
    ax.grid(False)
    threshold = values.max() * 0.6
    for (r, c), v in np.ndenumerate(values):
        ax.text(
            c,
            r,
            f"{v:.0f}",
            ha="center",
            va="center",
            fontsize=7,
            color="black" if v > threshold else "white",
        )
    fig.colorbar(im, ax=ax, label="Projects (count)", shrink=0.6)
    ax.set_xlabel("Policy task")
    ax.set_ylabel("District (gu)")
    ax.set_title("CG projects by district and policy task")
    fig.tight_layout()
    return fig

"""Figures of the CG project inventory: funding sources, districts, policy tasks.

Each function draws a table the caller has already aggregated (counts and budgets in million KRW)
and returns the figure; nothing here computes. Budgets are shown in 억원 (100 million KRW). Every
text is Korean by default and English with ``lang="en"``; codes (funding sources, policy tasks)
are shown by their names from :mod:`cgresearch.vocabulary` unless ``labels`` names them.

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

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cgresearch.errors import ParameterError
from cgresearch.figures.style import convert_krw, palette, sequential_cmap, set_krw_axis
from cgresearch.formatting import term_name
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr

__all__ = ["district_budget_chart", "funding_source_chart", "task_heatmap"]


def _name(code: object, labels: Mapping[str, str], lang: Lang) -> str:
    """The display name of a code: ``labels``, else the vocabulary, else the value itself."""
    if str(code) in labels:
        return labels[str(code)]
    try:
        return term_name(str(code), lang)
    except ParameterError:
        return str(code)


def funding_source_chart(
    table: pd.DataFrame, labels: Mapping[str, str] | None = None, *, lang: Lang = DEFAULT_LANG
) -> Figure:
    """Draw projects and budget by funding source, each bar labelled with its share.

    Parameters
    ----------
    table
        One row per funding source (index), columns ``n_projects`` and ``budget_mkrw``.
    labels
        Display names of the index codes (e.g. ``"서울시 보조금\\nSMG grant"``).
    """
    lang = check_lang(lang)
    labels = dict(labels or {})
    names = [_name(i, labels, lang) for i in table.index]
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
    ax_n.set_xlabel(tr("Projects (count)", lang))
    ax_n.set_title(tr("Projects by funding source", lang))
    set_krw_axis(ax_b, "x", "eok", label=tr("Budget", lang), lang=lang)
    ax_b.set_yticklabels([])
    ax_b.set_title(tr("Budget by funding source", lang))
    fig.tight_layout()
    return fig


def district_budget_chart(
    table: pd.DataFrame, labels: Mapping[str, str] | None = None, *, lang: Lang = DEFAULT_LANG
) -> Figure:
    """Draw each gu's budget as horizontal bars stacked by funding source, largest on top.

    Parameters
    ----------
    table
        One row per gu (index: Korean name), one column per funding source, values in million KRW.
    labels
        Display names of the columns.
    """
    lang = check_lang(lang)
    labels = dict(labels or {})
    order = table.sum(axis=1).sort_values(ascending=True).index
    data = convert_krw(table.loc[order].astype(float), "mkrw", "eok")
    fig, ax = plt.subplots(figsize=(8, 7.5))
    left = np.zeros(len(data))
    for colour, col in zip(palette(data.shape[1]), data.columns, strict=True):
        ax.barh(data.index, data[col], left=left, color=colour, label=_name(col, labels, lang))
        left += data[col].to_numpy()
    set_krw_axis(ax, "x", "eok", label=tr("Budget of CG projects", lang), lang=lang)
    ax.set_ylabel(tr("District (gu)", lang))
    ax.legend(title=tr("Funding source", lang), loc="lower right", frameon=True)
    ax.set_title(tr("CG project budget by district and funding source", lang))
    fig.tight_layout()
    return fig


def task_heatmap(
    table: pd.DataFrame, labels: Mapping[str, str] | None = None, *, lang: Lang = DEFAULT_LANG
) -> Figure:
    """Draw a heat map of project counts, gu (rows) by policy task (columns), counts annotated.

    Parameters
    ----------
    table
        Counts: index gu (Korean name), one column per policy task code.
    labels
        Display names of the task codes (default: their names, wrapped to fit a column).
    """
    lang = check_lang(lang)
    labels = dict(labels or {})
    fig, ax = plt.subplots(figsize=(8, 8.5))
    values = table.to_numpy(dtype=float)
    im = ax.imshow(values, aspect="auto", cmap=sequential_cmap())
    names = [
        textwrap.fill(_name(c, labels, lang), 8 if lang == "ko" else 18) for c in table.columns
    ]
    ax.set_xticks(range(table.shape[1]), names, fontsize="x-small")
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
    fig.colorbar(im, ax=ax, label=tr("Projects (count)", lang), shrink=0.6)
    ax.set_xlabel(tr("Policy task", lang))
    ax.set_ylabel(tr("District (gu)", lang))
    ax.set_title(tr("CG projects by district and policy task", lang))
    fig.tight_layout()
    return fig

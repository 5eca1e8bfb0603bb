"""Pictures of Seoul's participatory budget: the 2012–2025 series, rules compared, who gains.

Everything here draws already computed tables (:func:`cgresearch.data.pb_series`,
:func:`cgresearch.allocation.compare_rules`, :func:`cgresearch.allocation.gains_by_gu`); nothing
is counted or solved here. Text is Korean by default (``lang="en"`` for English).

Examples
--------
>>> from cgresearch.data import load_pb_facts, pb_series
>>> fig = pb_series_chart(pb_series(load_pb_facts()))  # doctest: +SKIP
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cgresearch.figures import style
from cgresearch.figures.maps import district_map
from cgresearch.i18n import Lang, tr

__all__ = [
    "gains_map",
    "pb_rules_chart",
    "pb_series_chart",
    "rule_comparison_chart",
    "rule_label",
    "series_label",
]


def series_label(series: str, lang: Lang = "ko") -> str:
    """The reader's name of a series of :func:`cgresearch.data.pb_series`."""
    labels = {
        "total_eok": tr("Citizen PB total", lang),
        "city_participation_eok": tr("City participation type", lang),
        "city_collaborative_eok": tr("City collaborative-governance type", lang),
        "gu_participation_eok": tr("Gu participation type", lang),
        "dong_pilot_eok": tr("Dong pilot", lang),
        "proposals": tr("Citizen proposals", lang),
        "put_to_vote": tr("Projects put to the vote", lang),
        "projects_selected": tr("Projects selected", lang),
        "committee_members": tr("PB committee members", lang),
    }
    return labels.get(series, series)


def rule_label(rule: str, lang: Lang = "ko") -> str:
    """The reader's name of a selection rule (``seoul``, ``mes+greedy``, ``max-welfare`` ...)."""
    if rule == "seoul":
        return tr("Seoul's rule (rank by votes)", lang)
    if rule == "max-welfare":
        return tr("Max welfare (MIP)", lang)
    if rule == "greedy":
        return tr("Greedy (by votes, skipping what no longer fits)", lang)
    if rule.startswith("mes+"):
        completions = {
            "greedy": tr("greedy", lang),
            "add1": tr("add-one budget increase", lang),
            "add1-greedy": tr("add-one then greedy", lang),
        }
        completion = completions.get(rule[4:], rule[4:])
        return tr("MES + {completion} completion", lang, completion=completion)
    if rule == "mes":
        return tr("MES (no completion)", lang)
    return rule


def _panel(ax: plt.Axes, s: pd.DataFrame, names: list[str], lang: Lang) -> None:
    colours = style.palette(len(names))
    markers = "osD^v<>"
    for i, name in enumerate(names):
        d = s[s["series"] == name].sort_values("year")
        # NaN breaks the line: a year without a published figure stays a gap
        ax.plot(
            d["year"],
            d["value"],
            marker=markers[i % len(markers)],
            color=colours[i],
            lw=1.4,
            label=series_label(name, lang),
        )
        for r in d.dropna(subset=["value"]).itertuples():
            ax.annotate(
                r.source_ids.replace(";", ","),
                (r.year, r.value),
                textcoords="offset points",
                xytext=(3, 4),
                fontsize=6,
                color=colours[i],
            )
    years = sorted(s["year"].unique())
    ax.set_xticks(years, [str(y) for y in years], rotation=90)
    ax.margins(y=0.12)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2)


def pb_series_chart(series: pd.DataFrame, lang: Lang = "ko") -> Figure:
    """Amounts (억원) and counts of Seoul's participatory budget, 2012–2025, with source ids.

    Each point carries the source id(s) it comes from; a year with no published figure is a gap
    (the line breaks there), never an interpolated value.
    """
    style.apply_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.4))
    amounts = [n for n in series["series"].unique() if n.endswith("_eok")]
    counts = [
        n for n in ("proposals", "put_to_vote", "projects_selected") if n in set(series["series"])
    ]
    _panel(axes[0], series, amounts, lang)
    axes[0].set_ylabel(tr("Budget (100 million KRW)", lang))
    axes[0].set_title(tr("Envelopes by type", lang))
    _panel(axes[1], series, counts, lang)
    axes[1].set_yscale("log")
    axes[1].set_ylabel(tr("Number (log scale)", lang))
    axes[1].set_title(tr("Proposals, projects put to the vote and selected", lang))
    for ax in axes:
        ax.set_xlabel(tr("Year", lang))
    fig.tight_layout()
    return fig


def rule_comparison_chart(table: pd.DataFrame, lang: Lang = "ko") -> Figure:
    """Projects funded, spend, unspent share, voters with nothing and Gini, by rule."""
    style.apply_style()
    panels = [
        ("n_funded", tr("Projects funded", lang), 1.0, "{:,.0f}"),
        ("spent_eok", tr("Spent (100 million KRW)", lang), 1.0, "{:,.1f}"),
        ("unspent_share", tr("Budget left unspent (%)", lang), 100.0, "{:.1f}"),
        ("share_with_nothing", tr("Voters with nothing funded (%)", lang), 100.0, "{:.1f}"),
        ("gini_satisfaction", tr("Gini of voter satisfaction", lang), 1.0, "{:.3f}"),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(13, 3.6))
    colours = style.palette(len(table))
    labels = [rule_label(r, lang) for r in table["rule"]]
    y = np.arange(len(table))
    for ax, (col, title, scale, fmt) in zip(axes, panels, strict=True):
        v = table[col].to_numpy(float) * scale
        ax.barh(y, v, color=colours)
        ax.set_yticks(y, labels if ax is axes[0] else [""] * len(y))
        ax.invert_yaxis()
        ax.set_title(textwrap.fill(title, 14), fontsize="medium")
        for yi, vi in zip(y, v, strict=True):
            ax.text(vi, yi, " " + fmt.format(vi), va="center", fontsize="small")
        top = float(np.nanmax(v)) if np.isfinite(v).any() else 0.0
        ax.set_xlim(0, top * 1.35 if top > 0 else 1.0)
    fig.tight_layout()
    return fig


def pb_rules_chart(rules: pd.DataFrame, lang: Lang = "ko") -> Figure:
    """Projects funded, budget used and voters served by each rule of one Pabulib election.

    Parameters
    ----------
    rules : DataFrame
        The table of :func:`cgresearch.allocation.compare_pb_rules` (``rule``, ``n_funded``,
        ``spent_share``, ``share_with_funded``).
    lang : {"ko", "en"}
        The edition's language.

    Returns
    -------
    Figure
        Three panels of horizontal bars, rules by their names (e.g. "균등분배법(MES, 보완 없음)"),
        each bar labelled with its value.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"rule": ["greedy", "mes"], "n_funded": [3, 4],
    ...                   "spent_share": [0.9, 0.8], "share_with_funded": [0.7, 0.8]})
    >>> fig = pb_rules_chart(t, "en")  # doctest: +SKIP
    """
    style.apply_style()
    panels = [
        ("n_funded", tr("Projects funded (count)", lang), 1.0, "{:,.0f}"),
        ("spent_share", tr("Budget spent (%)", lang), 100.0, "{:.1f}"),
        ("share_with_funded", tr("Voters with a funded project (%)", lang), 100.0, "{:.1f}"),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(10, 0.6 * len(rules) + 1.8))
    colours = style.palette(len(rules))
    labels = [textwrap.fill(rule_label(r, lang), 18) for r in rules["rule"]]
    y = np.arange(len(rules))
    for ax, (col, title, scale, fmt) in zip(axes, panels, strict=True):
        v = rules[col].to_numpy(float) * scale
        ax.barh(y, v, color=colours)
        ax.set_yticks(y, labels if ax is axes[0] else [""] * len(y))
        ax.invert_yaxis()
        ax.set_title(textwrap.fill(title, 20), fontsize="medium")
        for yi, vi in zip(y, v, strict=True):
            ax.text(vi, yi, " " + fmt.format(vi), va="center", fontsize="small")
        top = float(np.nanmax(v)) if np.isfinite(v).any() else 0.0
        ax.set_xlim(0, top * 1.3 if top > 0 else 1.0)
    fig.tight_layout()
    return fig


def gains_map(gains: pd.DataFrame, rule: str, lang: Lang = "ko") -> Figure:
    """Map of a rule's spend per gu minus the Seoul rule's (억원; blue = gains, red = loses)."""
    d = gains[gains["rule"] == rule][["adm_code", "vs_seoul_eok"]]
    return district_map(
        d,
        "vs_seoul_eok",
        label=tr("Difference from Seoul's rule (100 million KRW)", lang),
        title=tr("Who gains under {rule}", lang, rule=rule_label(rule, lang)),
        diverging=True,
        value_format="{:+.1f}",
    )

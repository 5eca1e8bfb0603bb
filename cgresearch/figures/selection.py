"""Pictures of resident proposals funded within the district envelopes (chapter 05).

Everything here draws the already computed ``spend`` table of
:func:`cgresearch.allocation.select_projects`; nothing is solved here. Amounts are shown in 억원
(100 million KRW), as everywhere in the report; text is Korean by default (``lang="en"``).

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"gu": [11110, 11140], "envelope": [500.0, 300.0],
...                       "spent": [450.0, 300.0]})
>>> fig = envelope_spend_chart(spend, {11110: "종로구", 11140: "중구"})  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cgresearch.errors import ParameterError
from cgresearch.figures import style
from cgresearch.formatting import mkrw_to_eok
from cgresearch.i18n import Lang, tr

__all__ = ["envelope_spend_chart"]


def envelope_spend_chart(
    spend: pd.DataFrame, names: Mapping[int, str], lang: Lang = "ko"
) -> Figure:
    """Stacked bars per gu: money spent on funded proposals and money left unspent, in 억원.

    Parameters
    ----------
    spend : DataFrame
        ``gu`` (adm_code), ``envelope`` and ``spent`` in million KRW (as
        :func:`cgresearch.allocation.select_projects` returns them).
    names : mapping
        adm_code → the gu's name printed on the axis.
    lang : {"ko", "en"}
        The edition's language.

    Returns
    -------
    Figure
        One bar per gu sorted by envelope; the unspent remainder is its own (hatched) segment
        and each bar ends with the share of the envelope spent.
    """
    missing = {"gu", "envelope", "spent"} - set(spend.columns)
    if missing:
        raise ParameterError(
            f"envelope_spend_chart: spend table lacks {sorted(missing)}: pass SelectionResult.spend"
        )
    style.apply_style()
    data = spend.assign(
        name=lambda d: [names.get(int(g), str(g)) for g in d["gu"]],
        spent_eok=lambda d: d["spent"].map(mkrw_to_eok),
        unspent_eok=lambda d: (d["envelope"] - d["spent"]).clip(lower=0).map(mkrw_to_eok),
    ).sort_values("envelope")
    colours = style.palette(2)
    fig, ax = plt.subplots(figsize=(8, 7.5))
    y = np.arange(len(data))
    spent = data["spent_eok"].to_numpy(float)
    unspent = data["unspent_eok"].to_numpy(float)
    ax.barh(y, spent, color=colours[0], label=tr("Funded proposals", lang))
    ax.barh(
        y,
        unspent,
        left=spent,
        color="white",
        edgecolor=colours[1],
        hatch="///",
        label=tr("Unspent", lang),
    )
    total = spent + unspent
    for yi, ti, si in zip(y, total, spent, strict=True):
        share = si / ti * 100 if ti > 0 else 0.0
        ax.text(ti, yi, f" {share:.0f}%", va="center", fontsize="x-small")
    ax.set_xlim(0, float(total.max()) * 1.12 if len(total) and total.max() > 0 else 1.0)
    ax.set_yticks(y, data["name"])
    ax.set_ylabel(tr("District (gu)", lang))
    style.set_krw_axis(ax, "x", "eok", label=tr("Envelope for proposals", lang), lang=lang)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncol=2,
        frameon=False,
        title=tr("Share of the envelope spent at the bar's end", lang),
    )
    ax.set_title(tr("Resident proposals funded within each gu's envelope", lang))
    fig.tight_layout()
    return fig

"""Inventory figures draw the tables they are given (bars, labels, annotated counts)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.inventory import district_budget_chart, funding_source_chart, task_heatmap
from cgresearch.figures.style import apply_style

apply_style()  # the Hangul font, as in the notebooks


def test_funding_source_bars_are_labelled_with_counts_and_shares():
    # 2016-PR-24: 920 of 1,126 projects are SMG-grant projects: 920 / 1126 = 81.7 %.
    table = pd.DataFrame(
        {"n_projects": [920, 206], "budget_mkrw": [6_060_700, 1_600_800]},
        index=pd.Index(["smg_grant", "other"], name="funding_source"),
    )
    fig = funding_source_chart(table, {"smg_grant": "SMG grant", "other": "Other"})
    ax_n, ax_b = fig.axes
    assert [round(p.get_width()) for p in ax_n.patches] == [920, 206]
    # budget axis in 억원: 6,060,700 million KRW = 60,607 억원
    assert [round(p.get_width()) for p in ax_b.patches] == [60_607, 16_008]
    texts = [t.get_text().strip() for t in ax_n.texts]
    assert texts == ["920 (81.7%)", "206 (18.3%)"]
    assert [t.get_text() for t in ax_n.get_yticklabels()] == ["SMG grant", "Other"]
    plt.close(fig)


def test_district_bars_stack_sources_with_the_largest_total_on_top():
    table = pd.DataFrame(
        {"smg_grant": [100.0, 300.0], "joint": [50.0, 0.0]}, index=["종로구", "중구"]
    )
    fig = district_budget_chart(table)
    ax = fig.axes[0]
    # barh draws from the bottom: ascending totals 150 (종로구) then 300 (중구), in 억원 (/100)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["종로구", "중구"]
    widths = [round(p.get_width(), 6) for p in ax.patches]
    assert widths == [1.0, 3.0, 0.5, 0.0]
    plt.close(fig)


def test_task_heatmap_annotates_every_cell_with_its_count():
    table = pd.DataFrame([[1, 2], [3, 4]], index=["종로구", "중구"], columns=["T1", "T2"])
    fig = task_heatmap(table)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4"]
    plt.close(fig)

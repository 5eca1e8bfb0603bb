"""Allocation figures and exports draw what the result holds (bars, bounds, frontier points)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from cgresearch.allocation import Scenario, compare, equity_frontier, solve_envelopes
from cgresearch.data.districts import load_districts
from cgresearch.figures.allocation import (
    allocation_bars,
    allocation_map,
    comparison_bars,
    frontier_chart,
    write_allocation,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def result():
    s = Scenario(
        name="fig",
        total_budget_eok=250,
        floor_eok=8,
        cap_eok=13,
        previous_eok=10,
        stability_delta=0.2,
    )
    return solve_envelopes(load_districts(), s)


def test_ranked_bars_draw_one_bar_per_gu_largest_on_top_with_floor_and_cap_ticks(result):
    fig = allocation_bars(result, lang="en")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() == 0.7]
    assert len(bars) == 25
    widths = [b.get_width() for b in sorted(bars, key=lambda b: b.get_y())]
    assert widths == sorted(widths)  # ascending bottom to top: the largest is drawn on top
    top_label = ax.get_yticklabels()[-1].get_text()
    assert top_label == result.table.sort_values("amount_eok").iloc[-1]["name_en"]
    ticks = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = [c.get_offsets()[:, 0] for c in ticks]
    assert any(np.allclose(o, 8.0) for o in offsets)  # the floors
    assert any(np.allclose(o, 13.0) for o in offsets)  # the caps
    assert ax.get_xlabel() == "Allocation (100 million KRW)"
    assert allocation_bars(result).axes[0].get_xlabel() == "배분액 (억원)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"floor", "cap", "stability range", "formula target"} <= set(legend)


def test_figures_show_the_scenario_title_not_its_name_in_each_language():
    scenario = Scenario(
        name="raw_name",
        total_budget_eok=250,
        floor_eok=8,
        title={"ko": "하한 8억원 시나리오", "en": "Floors of 8"},
    )
    result = solve_envelopes(load_districts(), scenario)
    for lang, title in (("ko", "하한 8억원 시나리오"), ("en", "Floors of 8")):
        fig = allocation_bars(result, lang=lang)
        shown = [fig.axes[0].get_title(), *(t.get_text() for t in fig.texts)]
        assert any(title in t for t in shown)
        assert not any("raw_name" in t for t in shown)
    # a map in English names each gu without "-gu" so the label fits inside the district
    texts = {t.get_text().split("\n")[0] for t in allocation_map(result, lang="en").axes[0].texts}
    assert {"Jongno", "Yeongdeungpo", "Gangnam"} <= texts


def test_change_map_is_diverging_and_centred_on_zero(result):
    fig = allocation_map(result, "change_eok", lang="en")
    norm = fig.axes[0].collections[0].norm
    assert norm.vcenter == 0.0 and norm.vmin == -norm.vmax
    assert fig.axes[1].get_ylabel() == "Change from last year (100 million KRW)"


def test_comparison_bars_colour_gains_and_losses_apart(result):
    other = solve_envelopes(load_districts(), result.scenario.with_overrides({"floor_eok": 9}))
    table = compare(result, other)
    fig = comparison_bars(table)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)][: len(table)]
    colours = {
        tuple(b.get_facecolor())
        for b, v in zip(bars, sorted(table["change_eok"]), strict=True)
        if abs(v) > 1e-6
    }
    assert len(colours) == 2


def test_frontier_chart_plots_each_feasible_bound_and_marks_the_others():
    frontier = equity_frontier(
        load_districts(),
        Scenario(name="fr", total_budget_eok=250, floor_eok=6),
        ratios=[3.0, 2.2, 1.5],
    )
    fig = frontier_chart(frontier)
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    ok = frontier[frontier["status"] == "optimal"]
    np.testing.assert_allclose(line.get_xdata(), ok["max_per_capita_ratio"])
    assert len(ok) == 2 and (frontier["status"] == "infeasible").sum() == 1
    assert "억원" in ax.get_ylabel()


def test_write_allocation_writes_csv_excel_summary_and_scenario(result, tmp_path):
    written = write_allocation(result, tmp_path, figures=False)
    names = sorted(p.name for p in written)
    assert names == ["allocation.csv", "allocation.xlsx", "scenario.toml", "summary.txt"]
    table = pd.read_csv(tmp_path / "allocation.csv")
    assert table["amount_eok"].sum() == pytest.approx(250)
    sheets = pd.read_excel(tmp_path / "allocation.xlsx", sheet_name=None)
    assert {"allocation", "shadow_prices", "metrics", "scenario"} <= set(sheets)
    assert "억원" in (tmp_path / "summary.txt").read_text(encoding="utf-8")


def test_the_summary_file_is_korean_by_default_and_english_on_request(result, tmp_path):
    # the total of 250억원 over 25 gu, as the CLI prints it (tests/cli/test_lang.py)
    write_allocation(result, tmp_path / "ko", figures=False)
    write_allocation(result, tmp_path / "en", figures=False, lang="en")
    korean = (tmp_path / "ko" / "summary.txt").read_text(encoding="utf-8").splitlines()
    english = (tmp_path / "en" / "summary.txt").read_text(encoding="utf-8").splitlines()
    assert korean[1] == "총예산: 250.00억원, 25개 구"
    assert english[1].startswith("total budget: 250.00")
    assert len(korean) == len(english)


def test_frontier_caption_says_synthetic_when_the_frontier_is_marked_synthetic():
    frontier = pd.DataFrame(
        {
            "max_per_capita_ratio": [2.0, 1.5],
            "status": ["optimal", "optimal"],
            "objective_value": [10.0, 8.0],
            "objective_label": ["total score of the funded proposals (higher is better)"] * 2,
        }
    )
    frontier.attrs["synthetic"] = True
    fig = frontier_chart(frontier)
    assert any("SYNTHETIC" in t.get_text() for t in fig.texts)
    assert fig.axes[0].xaxis_inverted()


def test_rerunning_a_scenario_that_became_infeasible_leaves_no_maps_of_the_earlier_run(tmp_path):
    from cgresearch.allocation import load_scenario
    from cgresearch.paths import scenarios_dir

    infeasible = load_scenario(scenarios_dir() / "cut_2022_infeasible.toml")
    # the same name, before the cut: 25 floors of 9억원 = 225억원 fit in 250억원
    feasible = infeasible.with_overrides({"total_budget_eok": 250})
    districts = load_districts()
    first = solve_envelopes(districts, feasible)
    assert first.ok
    out = tmp_path / "cut"
    write_allocation(first, out)
    assert (out / "map_amount.png").exists() and (out / "bars.svg").exists()
    second = solve_envelopes(districts, infeasible)
    assert second.status == "infeasible"
    written = write_allocation(second, out)
    shown = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert shown == sorted(p.name for p in written)
    assert shown == ["allocation.csv", "allocation.xlsx", "scenario.toml", "summary.txt"]
    assert "infeasible" in (out / "summary.txt").read_text(encoding="utf-8")
    assert pd.ExcelFile(out / "allocation.xlsx").sheet_names[-1] == "diagnosis"

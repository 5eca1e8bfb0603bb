"""Sweep figures draw what the analysis results say: frontier line, tornado bars, MC ranges.

The results drawn are computed by cgresearch.sweeps.analysis on small hand-made result tables
(the same shape read_results returns); the tests check the artists (points, bar extents, tick
labels in Hangul, axis units, captions), not pixels.
"""

from __future__ import annotations

import itertools
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from cgresearch.figures import style
from cgresearch.figures.sweeps import frontier_chart, mc_range_chart, tornado_chart
from cgresearch.sweeps.analysis import equity_efficiency_frontier, monte_carlo_ranges, tornado

GU = [(11110, "종로구", "Jongno-gu"), (11140, "중구", "Jung-gu"), (11170, "용산구", "Yongsan-gu")]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _results(amounts_of, params: list[dict], draws: int = 1, metrics_of=None) -> pd.DataFrame:
    rows = []
    sid = 0
    for draw in range(draws):
        for point, p in enumerate(params):
            amounts = amounts_of(p, draw)
            metrics = metrics_of(p, draw) if metrics_of else {"gini": 0.1}
            for (code, ko, en), amount in zip(GU, amounts, strict=True):
                rows.append(
                    {
                        "scenario_id": sid,
                        "point": point,
                        "draw": draw,
                        **{f"param.{k}": v for k, v in p.items()},
                        "status": "optimal",
                        "message": "",
                        "conflicts": "",
                        "adm_code": code,
                        "name_ko": ko,
                        "name_en": en,
                        "amount_eok": amount,
                        "target_eok": amount,
                        "per_capita_krw": amount * 1000,
                        **{f"metric.{k}": v for k, v in metrics.items()},
                    }
                )
            sid += 1
    return pd.DataFrame(rows)


def _factorial() -> pd.DataFrame:
    # amount = a·budget/100 + b·floor: budget moves 종로구 most, floor 중구 and 용산구
    a, b = np.array([4.0, 0.5, 0.2]), np.array([0.1, 1.0, 0.8])
    params = [
        {"total_budget_eok": t, "floor_eok": f}
        for t, f in itertools.product([200, 250, 300], [6, 8])
    ]
    return _results(lambda p, d: a * p["total_budget_eok"] / 100 + b * p["floor_eok"], params)


def _renders(fig, tmp_path, name: str) -> None:
    written = style.save(fig, name, outdir=tmp_path, formats=("png",))
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_frontier_chart_joins_exactly_the_pareto_points(tmp_path):
    params = [{"x": i} for i in range(5)]
    gini = [0.10, 0.20, 0.15, 0.30, 0.05]
    fit = [80.0, 90.0, 70.0, 90.0, 60.0]
    results = _results(
        lambda p, d: [1.0, 1.0, 1.0],
        params,
        metrics_of=lambda p, d: {"gini": gini[p["x"]], "fit": fit[p["x"]]},
    )
    frontier = equity_efficiency_frontier(results, efficiency="metric.fit")
    fig = frontier_chart(frontier, synthetic=False)
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    # frontier E (0.05, 60), A (0.10, 80), B (0.20, 90) in order of Gini
    np.testing.assert_allclose(line.get_xdata(), [0.05, 0.10, 0.20])
    np.testing.assert_allclose(line.get_ydata(), [60, 80, 90])
    assert len(ax.collections[0].get_offsets()) == 5
    assert "지니계수" in ax.get_xlabel()  # Korean by default
    assert any("자료: 실제 공공 자료" in t.get_text() for t in fig.texts)
    english = frontier_chart(frontier, synthetic=False, lang="en")
    assert "Gini" in english.axes[0].get_xlabel()
    assert any("Data: real" in t.get_text() for t in english.texts)
    _renders(fig, tmp_path, "frontier")


def test_frontier_chart_colours_points_by_a_parameter(tmp_path):
    params = [{"total_budget_eok": 200 + 10 * i} for i in range(4)]
    results = _results(
        lambda p, d: [1.0, 1.0, 1.0],
        params,
        metrics_of=lambda p, d: {"gini": p["total_budget_eok"] / 1000, "fit": 1.0},
    )
    fig = frontier_chart(
        equity_efficiency_frontier(results, efficiency="metric.fit"),
        color_by="param.total_budget_eok",
    )
    assert len(fig.axes) == 2  # the colour bar
    assert "억원" in fig.axes[1].get_ylabel()


def test_tornado_chart_has_one_bar_per_district_of_its_largest_swing(tmp_path):
    t = tornado(_factorial())
    fig = tornado_chart(t, synthetic=True)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 3
    # swings: 종로구 budget 4·(300−200)/100 = 4; 중구 floor 1·(8−6) = 2; 용산구 floor 0.8·2 = 1.6
    widths = sorted(round(b.get_width(), 9) for b in bars)
    assert widths == [1.6, 2.0, 4.0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == ["용산구", "중구", "종로구"]
    assert "억원" in ax.get_xlabel()
    assert any("SYNTHETIC" in text.get_text() for text in fig.texts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Hangul glyph would warn
        _renders(fig, tmp_path, "tornado")


def test_tornado_chart_for_one_district_is_a_true_tornado_around_its_base(tmp_path):
    t = tornado(_factorial())
    fig = tornado_chart(t, district="종로구")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    # 종로구 = 4·budget/100 + 0.1·floor. Base: the mean over the 6 scenarios = 4·2.5 + 0.1·7 = 10.7
    # budget 200 -> 8.7, 300 -> 12.7 (bars -2, +2); floor 6 -> 10.6, 8 -> 10.8 (bars -0.1, +0.1)
    assert len(bars) == 4
    assert all(b.get_x() == pytest.approx(10.7) for b in bars)
    assert sorted(round(b.get_width(), 9) for b in bars) == [-2.0, -0.1, 0.1, 2.0]
    base_lines = [
        line for line in ax.get_lines() if list(line.get_xdata()) == pytest.approx([10.7, 10.7])
    ]
    assert len(base_lines) == 1
    assert len(ax.get_legend().get_texts()) == 3  # lowest level, highest level, base
    # the reader's name of the parameter, not its key: Korean by default, English on request
    assert [tick.get_text() for tick in ax.get_yticklabels()][-1] == "총예산(억원)"
    english = tornado_chart(t, district="종로구", lang="en").axes[0]
    assert [tick.get_text() for tick in english.get_yticklabels()][
        -1
    ] == "Total budget (100 million KRW)"
    _renders(fig, tmp_path, "tornado_one")


def test_mc_range_chart_draws_min_max_and_percentile_spans(tmp_path):
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.5, size=(30, 3))
    results = _results(lambda p, d: np.array([5.0, 7.0, 9.0]) + noise[d], [{"x": 0}], draws=30)
    ranges = monte_carlo_ranges(results, percentiles=(10, 50, 90))
    fig = mc_range_chart(ranges, synthetic=False)
    ax = fig.axes[0]
    spans = ax.collections[0].get_segments()
    inner = ax.collections[1].get_segments()
    # districts sorted by mean: 종로구 (5), 중구 (7), 용산구 (9)
    col = noise[:, 0] + 5.0
    assert spans[0][0][0] == pytest.approx(col.min()) and spans[0][1][0] == pytest.approx(col.max())
    assert inner[0][0][0] == pytest.approx(np.percentile(col, 10))
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["종로구", "중구", "용산구"]
    assert "억원" in ax.get_xlabel()
    _renders(fig, tmp_path, "mc_ranges")


def test_a_parameter_point_is_described_in_words_not_keys():
    from cgresearch.figures.sweeps import describe_point

    point = {"total_budget_eok": 250, "objective": "proportional", "max_per_capita_ratio": 3.5}
    assert describe_point(point) == (
        "총예산(억원) 250, 목적함수 공식 × 공통 배율, 1인당 형평 한도(최대/최소) 3.5"
    )
    assert describe_point(point, "en") == (
        "Total budget (100 million KRW) 250, Objective formula × common factor, "
        "Per-capita equity bound (largest / smallest) 3.5"
    )

"""Evaluation figures draw what they are given: bar extents, markers, labels, captions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from cgresearch.evaluation import monitoring_table
from cgresearch.figures import evaluation as fe


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]


def test_grade_probability_bars_stack_to_one_in_the_given_order() -> None:
    probs = pd.DataFrame(
        {"가": [0.5, 0.0], "나": [0.25, 0.1], "다": [0.25, 0.9]}, index=[11110, 11140]
    )
    fig = fe.grade_probability_chart(probs, names={11110: "종로구", 11140: "중구"}, lang="ko")
    ax = fig.axes[0]
    bars = _bars(ax)
    ends = {}
    for b in bars:
        y = round(b.get_y() + b.get_height() / 2)
        ends[y] = max(ends.get(y, 0.0), b.get_x() + b.get_width())
    assert ends == {0: pytest.approx(1.0), 1: pytest.approx(1.0)}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["종로구", "중구"]
    assert ax.get_xlabel() == "등급 확률"


def test_rank_intervals_draw_each_interval_and_the_median() -> None:
    iv = pd.DataFrame(
        {"nominal": [1, 3, 2], "median": [1.0, 3.0, 2.0], "q05": [1.0, 2.0, 1.0],
         "q95": [2.0, 3.0, 3.0]}, index=["a", "b", "c"],
    )  # fmt: skip
    fig = fe.rank_interval_chart(iv, lang="en", n_draws=100, synthetic=True)
    ax = fig.axes[0]
    segs = ax.collections[0].get_segments()
    # sorted by median: a (1-2), c (1-3), b (2-3)
    assert [(s[0][0], s[1][0]) for s in segs] == [(1.0, 2.0), (1.0, 3.0), (2.0, 3.0)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "c", "b"]
    assert any("100 Monte Carlo draws" in t.get_text() for t in fig.texts)
    assert any("SYNTHETIC" in t.get_text() for t in fig.texts)


def test_sobol_bars_have_the_indices_as_lengths() -> None:
    s = pd.DataFrame({"S1": [0.1, 0.6], "S1_conf": [0.01, 0.02], "ST": [0.3, 0.7],
                      "ST_conf": [0.02, 0.03]}, index=["imputation", "weights"])  # fmt: skip
    ax = fe.sobol_chart(s, lang="ko").axes[0]
    widths = sorted(round(b.get_width(), 6) for b in _bars(ax))
    assert widths == [0.1, 0.3, 0.6, 0.7]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["결측 대체", "영역 가중치"]


def test_monitoring_chart_colours_each_task_by_its_light() -> None:
    reg = pd.DataFrame(
        {"task_id": ["A", "B"], "task_ko": ["가", "나"], "owner": ["smg", "gu"],
         "goal": ["T1", "T2"], "indicator": ["i", "j"], "baseline_year": [2021, 2021],
         "baseline": [0.0, 0.0], "target_year": [2025, 2025], "target": [10.0, 10.0],
         "value_2023": [5.0, 1.0]}
    )  # fmt: skip
    m = monitoring_table(reg)
    ax = fe.monitoring_chart(m.latest, lang="en").axes[0]
    bars = [b for b in _bars(ax) if b.get_height() < 1]
    colours = [tuple(np.round(b.get_facecolor()[:3], 3)) for b in bars]
    on, off = (0.0, 0.62, 0.451), (0.835, 0.369, 0.0)  # #009E73, #D55E00
    assert colours == [on, off]
    assert [round(b.get_width(), 6) for b in bars] == [0.5, 0.1]


def test_envelope_range_chart_puts_dots_at_the_amounts() -> None:
    t = pd.DataFrame(
        {
            "name": ["종로구", "중구"],
            "amount_eok": [10.5, 9.2],
            "low_eok": [10.0, 9.0],
            "high_eok": [11.0, 9.5],
            "grade": ["가", "다"],
        }
    )
    ax = fe.envelope_range_chart(t, lang="ko").axes[0]
    xs = sorted(x for line in ax.lines for x in line.get_xdata())
    assert xs == [9.2, 10.5]
    assert ax.get_xlabel() == "배분액(억원)"


def _lightness(colour) -> float:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_heatmap_numbers_are_dark_on_light_cells_and_white_on_dark_ones() -> None:
    # cividis runs from dark blue (low) to light yellow (high); a mid-grey cell of 43 on a 0-100
    # scale is darker than 0.5 (cividis(0.43) ≈ (0.43, 0.43, 0.45)), so its number is white
    scores = pd.DataFrame({"P": [0.0, 43.0, 100.0]}, index=[1, 2, 3])
    fig = fe.pillar_heatmap(scores, lang="en")
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours == {"0": "white", "43": "white", "100": "black"}
    from matplotlib import colormaps

    assert _lightness(colormaps["cividis"](0.43)) < 0.5 < _lightness(colormaps["cividis"](1.0))


def test_at_risk_and_off_track_differ_in_lightness_not_only_in_hue() -> None:
    # readers with a red-green deficiency see lightness: the two warning lights differ by > 0.25
    gap = _lightness(fe.LIGHT_COLOURS["at_risk"]) - _lightness(fe.LIGHT_COLOURS["off_track"])
    assert gap > 0.25


def test_grades_are_named_in_each_edition() -> None:
    assert fe.grade_label("나", "en") == "Grade B (middle)"
    assert fe.grade_label("나", "ko") == "나 등급"
    probs = pd.DataFrame({"가": [1.0], "나": [0.0], "다": [0.0]}, index=[11110])
    fig = fe.grade_probability_chart(probs, lang="en")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Grade A (top)", "Grade B (middle)", "Grade C (bottom)"]


def test_feedback_markers_at_100_are_drawn_whole_inside_the_axes() -> None:
    scores = pd.Series({"P": 100.0})
    fig = fe.feedback_profile_chart(scores, scores, scores, lang="en")
    assert fig.axes[0].get_xlim()[1] > 100

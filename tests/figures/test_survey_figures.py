"""Survey figures render to PNG and draw the expected artists (bars, points, labels).

The results drawn here are computed by cgresearch.survey on small hand-made data sets; the tests
check what is drawn (counts of bars and points, label texts, axis labels with units), not pixels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from cgresearch.errors import ParameterError
from cgresearch.figures import style
from cgresearch.figures.survey import (
    borich_chart,
    gap_dumbbell,
    ipa_chart,
    likert_bars,
    locus_for_focus_chart,
)
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.gaps import gap_table
from cgresearch.survey.priorities import (
    borich,
    importance_performance,
    locus_for_focus,
    pairs_from_prefixes,
)
from cgresearch.survey.scales import LikertItem, LikertScale, response_distribution

PAIRS_DF = pd.DataFrame(
    {
        "imp_T1": [5, 4, 5, 4],
        "perf_T1": [2, 3, 2, 3],
        "imp_T2": [4, 4, 3, 3],
        "perf_T2": [4, 3, 3, 4],
        "imp_T3": [3, 4, 4, 5],
        "perf_T3": [4, 4, 5, 5],
    }
)
LABELS = {"T1": "협치 인식 공유", "T2": "점진적 전환", "T3": "제도 기반 강화"}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _renders(fig, tmp_path, name: str) -> None:
    paths = style.save(fig, name, outdir=tmp_path, formats=("png",))
    assert paths[0].stat().st_size > 1000
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_likert_bars_draw_one_rectangle_per_code_item_and_group(tmp_path):
    scale = LikertScale(
        "cg",
        (LikertItem("cg_1", "협치 인식", "Awareness"), LikertItem("cg_2", "참여", "Participation")),
    )
    df = pd.DataFrame(
        {
            "cg_1": [1, 2, 3, 4, 5, 5, 8, 2],
            "cg_2": [5, 4, 4, 3, 9, 1, 2, 2],
            "group": ["public", "public", "cso", "cso", "resident", "resident", "public", "cso"],
        }
    )
    dist = response_distribution(df, scale, group="group", lang="ko")
    fig = likert_bars(dist, lang="ko", synthetic=True)
    ax = fig.axes[0]
    # 5 codes x 2 items x 3 groups = 30 rectangles.
    assert len(_bars(ax)) == 30
    # each item's wording once, as a heading over its block; the ticks name the groups
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["공무원", "시민사회단체", "주민"] * 2
    headings = [t.get_text() for t in ax.texts]
    assert headings == ["협치 인식", "참여"]
    assert ax.get_xlabel() == "유효 응답 비율(%)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "전혀 그렇지 않다" and len(legend) == 5
    # The neutral code of cg_1 for "cso" (answers 3, 4, 2 -> one third neutral) straddles zero.
    widths = [p for p in _bars(ax) if abs(p.get_x() + p.get_width() / 2) < 1e-9 and p.get_width()]
    assert any(abs(p.get_width() - 100 / 3) < 1e-9 for p in widths)
    _renders(fig, tmp_path, "likert")


def _legend_texts(ax) -> list[str]:
    legends = [a for a in ax.artists if a.__class__.__name__ == "Legend"] + [ax.get_legend()]
    return [t.get_text() for lg in legends if lg is not None for t in lg.get_texts()]


def test_ipa_chart_numbers_every_item_and_keys_numbers_and_colours_under_the_axes(tmp_path):
    ipa = importance_performance(PAIRS_DF, pairs_from_prefixes(PAIRS_DF.columns), labels=LABELS)
    fig = ipa_chart(ipa, lang="en", synthetic=True)
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 3
    # numbers inside the markers, names in the key: nothing long is written on the axes
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]
    key = _legend_texts(ax)
    assert {f"{i}. {lab}" for i, lab in enumerate(LABELS.values(), 1)} <= set(key)
    # T1: I = 4.5, P = 2.5 against cuts I 4.0, P 3.5 -> high importance, low performance
    assert "Concentrate here (low performance, high importance)" in key
    # Dashed cut lines at performance 3.5 and importance 4.0 (see tests/survey/test_priorities.py).
    xs = {tuple(line.get_xdata()) for line in ax.lines}
    ys = {tuple(line.get_ydata()) for line in ax.lines}
    assert (3.5, 3.5) in xs and (4.0, 4.0) in ys
    assert ax.get_xlabel() == "Performance (mean score, 5-point scale)"
    assert ipa_chart(ipa).axes[0].get_xlabel() == "수행도(평균 점수, 5점 척도)"
    _renders(fig, tmp_path, "ipa")


def test_borich_chart_draws_ranked_bars_and_highlights_top_k(tmp_path):
    res = borich(PAIRS_DF, pairs_from_prefixes(PAIRS_DF.columns), labels=LABELS)
    fig = borich_chart(res, top_k=1, lang="en", synthetic=False)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 3
    assert [b.get_width() for b in bars] == pytest.approx([9.0, 0.0, -2.0])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1. 협치 인식 공유", "2. 점진적 전환", "3. 제도 기반 강화"]
    assert bars[0].get_facecolor() != bars[1].get_facecolor()
    assert "Borich needs score" in ax.get_xlabel()
    _renders(fig, tmp_path, "borich")


def test_locus_for_focus_chart_marks_first_quadrant_items(tmp_path):
    lff = locus_for_focus(PAIRS_DF, pairs_from_prefixes(PAIRS_DF.columns), labels=LABELS)
    fig = locus_for_focus_chart(lff, lang="ko")
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = [tuple(c.get_offsets()[0]) for c in points]
    assert len(offsets) == 3
    # T1 (importance 4.5, gap 2.0) is the only first-quadrant item: highlight colour
    first = points[offsets.index(pytest.approx((4.5, 2.0)))]
    others = [c for c in points if c is not first]
    assert all(tuple(c.get_facecolor()[0]) != tuple(first.get_facecolor()[0]) for c in others)
    texts = {t.get_text() for t in ax.texts}
    assert {"1사분면", "2사분면", "3사분면", "4사분면"} <= texts
    assert "1사분면: 중요도 높음, 격차 큼(우선 개선)" in _legend_texts(ax)
    assert ax.get_ylabel() == "격차: 중요도 - 수행도(점)"
    _renders(fig, tmp_path, "lff")


def test_gap_dumbbell_draws_one_marker_per_group_and_variable_with_ci(tmp_path):
    df = pd.DataFrame(
        {
            "group": ["public", "cso", "resident"] * 4,
            "q1": [5, 2, 3, 4, 2, 4, 5, 1, 3, 4, 3, 3],
            "q2": [3, 3, 4, 2, 4, 5, 3, 4, 4, 2, 5, 4],
        }
    )
    scale = LikertScale("cg", (LikertItem("q1", "신뢰"), LikertItem("q2", "참여")), label_ko="협치")
    gaps = gap_table(SurveyDesign(df), scale, "group", lang="ko", chisq=False)
    fig = gap_dumbbell(gaps, lang="ko", synthetic=True)
    ax = fig.axes[0]
    # One error-bar container per group, each with one marker per variable (2 items and the
    # construct score) at the group mean.
    assert len(ax.containers) == 3
    means = gaps.means.set_index(["group", "variable"])["mean"]
    for container, grp in zip(ax.containers, ["public", "cso", "resident"], strict=True):
        xs = container.lines[0].get_xdata()
        expected = [means[(grp, "q1")], means[(grp, "q2")], means[(grp, "cg")]]
        assert list(xs) == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["신뢰", "참여", "협치 [척도 점수]"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["공무원", "시민사회단체", "주민"]
    assert ax.get_xlabel() == "가중 평균 점수(95% 신뢰구간)"
    # each grey connector runs through its variable's markers, where they are drawn
    markers = {
        (round(float(x), 9), round(float(y), 9))
        for container in ax.containers
        for x, y in zip(*container.lines[0].get_data(), strict=True)
    }
    connectors = [ln for ln in ax.lines if ln.get_color() == "#999999"]
    assert len(connectors) == 3
    for line in connectors:
        for x, y in zip(*line.get_data(), strict=True):
            assert (round(float(x), 9), round(float(y), 9)) in markers
    _renders(fig, tmp_path, "dumbbell")


def test_unknown_language_is_a_parameter_error():
    ipa = importance_performance(PAIRS_DF, pairs_from_prefixes(PAIRS_DF.columns))
    with pytest.raises(ParameterError, match="lang must be"):
        ipa_chart(ipa, lang="fr")


@pytest.mark.parametrize("n_items", [1, 8])
def test_likert_title_sits_above_the_legend_never_on_it(n_items):
    # the defect found in likert_trust: the title was drawn over the response legend
    items = tuple(LikertItem(f"q{i}", f"문항 {i}", f"Item {i}") for i in range(n_items))
    df = pd.DataFrame({f"q{i}": [1, 2, 3, 4, 5, 3] for i in range(n_items)})
    df["group"] = ["public", "cso", "resident"] * 2
    dist = response_distribution(df, LikertScale("s", items), group="group", lang="ko")
    fig = likert_bars(dist, title="신뢰", synthetic=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    title = ax.title.get_window_extent(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    assert title.y0 > legend.y1  # display coordinates: y grows upwards

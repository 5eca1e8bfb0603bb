"""A gu's feedback page against a hand-worked 4-unit index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cgresearch.errors import ParameterError
from cgresearch.evaluation import Framework, GradeRule, IndexSpec, build_index
from cgresearch.evaluation.feedback import gu_feedback

FW = Framework(
    pd.DataFrame(
        {
            "code": ["I", "P", "Q", "a", "b", "c", "d"],
            "name_ko": ["지수", "가영역", "나영역", "가", "나", "다", "라"],
            "name_en": ["Index", "Pillar P", "Pillar Q", "A", "B", "C", "D"],
            "parent": [None, "I", "I", "P", "P", "Q", "Q"],
            "direction": [None, None, None, 1, 1, 1, 1],
            "weight": [1, 1, 1, 1, 1, 1, 1],
            "unit": [None, None, None, "%", "건", "회", "명"],
        }
    )
)
# min-max 0-100:  a [0, 25, 50, 100]   b [0, 25, 50, 100]   c [0, 50, 25, 100]
#                 d [100, 0, 25, 50]
# P = [0, 25, 50, 100], Q = [50, 25, 25, 75], index = [25, 25, 37.5, 87.5]
DATA = pd.DataFrame(
    {"a": [0.0, 1, 2, 4], "b": [10.0, 20, 30, 50], "c": [1.0, 3, 2, 5], "d": [5.0, 1, 2, 3]},
    index=["u1", "u2", "u3", "u4"],
)
# last year u3 had a = 1: a -> [0, 25, 25, 100], P(u3) = 37.5, index(u3) = 31.25, rank 2
PREVIOUS = DATA.assign(a=[0.0, 1, 1, 4])


def test_feedback_page_numbers_match_the_hand_worked_index() -> None:
    res, prev = build_index(DATA, FW), build_index(PREVIOUS, FW)
    fb = gu_feedback(res, "u3", previous=prev, name="셋째구", n_weakest=2)
    assert (fb.score, fb.rank, fb.n_units) == (37.5, 2, 4)
    assert fb.pillars["score"].tolist() == [50.0, 25.0]
    assert fb.pillars["median"].tolist() == [37.5, 37.5]  # medians of [0,25,50,100], [25,25,50,75]
    assert fb.pillars["gap"].tolist() == [12.5, -12.5]
    assert fb.pillars["change"].tolist() == [12.5, 0.0]
    assert fb.score_change == pytest.approx(6.25) and fb.rank_change == 0
    assert fb.weakest.index.tolist() == ["c", "d"]  # both 25, framework order
    assert fb.weakest["value"].tolist() == [2.0, 2.0] and fb.weakest["unit"].tolist() == [
        "회",
        "명",
    ]
    # tertiles (R type 7) of [25, 25, 37.5, 87.5] are 25 and 37.5: u3 and u4 get 가
    assert fb.grade == "가" and np.isnan(fb.grade_probability)
    assert "셋째구" in fb.improvement  # already at the top: the sentence names the gu
    md = fb.to_markdown("ko")
    assert md.startswith("### 셋째구") and "| 가영역 | 50.0 | 37.5 | +12.5 | +12.5 |" in md


def test_a_lower_gu_gets_named_improvements_and_a_geometric_index_gets_the_reason() -> None:
    res = build_index(DATA, FW)
    fb = gu_feedback(res, "u1", name="첫째구", lang="en", rule=GradeRule("quantiles"))
    assert fb.grade == "나"
    first, *changes = fb.improvement.splitlines()
    assert first.startswith("첫째구 reaches grade 가") and changes
    assert all(line.startswith("- ") and line[2] in "ABCD" for line in changes)
    geo = build_index(DATA + 1, FW, IndexSpec(range=(1.0, 100.0), aggregate="geometric"))
    assert gu_feedback(geo, "u1", lang="en").improvement.startswith("Not computed:")


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ParameterError, match="not in the index result"):
        gu_feedback(build_index(DATA, FW), "u9")

"""Monitoring: progress, elapsed time and traffic lights against hand-worked numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cgresearch.data.schemas import ValidationFailed
from cgresearch.errors import ParameterError
from cgresearch.evaluation.monitoring import light_label, monitoring_table, traffic_light


def _register() -> pd.DataFrame:
    # Hand-worked: baseline 2021, target 2025, so 2023 is half the time (e = 0.5).
    #   A: 100 -> 500, 2023 value 300: p = 200/400 = 0.5, gap 0      -> on track
    #   B: 30 -> 14 (a fall is the aim), 2023 value 25: p = 5/16 = 0.3125, gap -0.1875 -> at risk
    #   C: 10 -> 60, 2023 value 15: p = 5/50 = 0.1, gap -0.4          -> off track
    #   D: 0 -> 10, 2023 blank, 2022 value 1: p = 0.1, e = 0.25, gap -0.15 -> at risk (2022)
    #   E: 50 -> 40, 2023 value 38: p = 1.2 (beyond the target)     -> on track
    return pd.DataFrame(
        {
            "task_id": ["A", "B", "C", "D", "E"],
            "task_ko": ["가", "나", "다", "라", "마"],
            "owner": ["smg", "gu", "cso", "joint", "smg"],
            "goal": ["T1", "T1", "T2", "T2", "T3"],
            "indicator": ["i"] * 5,
            "baseline_year": [2021] * 5,
            "baseline": [100, 30, 10, 0, 50],
            "target_year": [2025] * 5,
            "target": [500, 14, 60, 10, 40],
            "value_2022": [np.nan, np.nan, np.nan, 1, np.nan],
            "value_2023": [300, 25, 15, np.nan, 38],
        }
    )


def test_progress_elapsed_and_lights_match_the_hand_worked_register() -> None:
    m = monitoring_table(_register())
    t = m.table.set_index(["task_id", "year"])
    assert t.loc[("A", 2023), "progress"] == pytest.approx(0.5)
    assert t.loc[("B", 2023), "progress"] == pytest.approx(5 / 16)
    assert t.loc[("C", 2023), "gap"] == pytest.approx(-0.4)
    assert t.loc[("A", 2022), "elapsed"] == pytest.approx(0.25)
    assert t.loc[("A", 2022), "light"] == "no_data"
    latest = m.latest.set_index("task_id")
    assert latest["light"].to_dict() == {
        "A": "on_track",
        "B": "at_risk",
        "C": "off_track",
        "D": "at_risk",
        "E": "on_track",
    }
    assert latest.loc["D", "year"] == 2022  # its latest year with a value
    g = m.by_goal.set_index("goal")
    assert g.loc["T1", ["n_tasks", "on_track", "at_risk", "off_track"]].tolist() == [2, 1, 1, 0]
    assert g.loc["T2", "mean_progress"] == pytest.approx((0.1 + 0.1) / 2)


def test_margins_are_inclusive_and_change_the_lights() -> None:
    # gap exactly -0.05 is on track; exactly -0.20 at risk; a wider on-margin turns B on track
    assert traffic_light([0.45, 0.30], [0.5, 0.5]).tolist() == ["on_track", "at_risk"]
    m = monitoring_table(_register(), on_margin=0.2, risk_margin=0.5)
    assert m.latest.set_index("task_id")["light"].to_dict()["B"] == "on_track"
    assert m.latest.set_index("task_id")["light"].to_dict()["C"] == "at_risk"
    with pytest.raises(ParameterError, match="on_margin"):
        traffic_light([0.1], [0.2], on_margin=0.3, risk_margin=0.1)


@given(
    p=st.floats(-1, 2, allow_nan=False),
    e=st.floats(0, 1),
    more=st.floats(0, 1),
)
def test_more_progress_never_gives_a_worse_light(p: float, e: float, more: float) -> None:
    rank = {"on_track": 0, "at_risk": 1, "off_track": 2}
    a, b = traffic_light([p, p + more], [e, e])
    assert rank[b] <= rank[a]


def test_bad_register_rows_raise_validation_errors_naming_the_column() -> None:
    bad = _register()
    bad.loc[1, "goal"] = "T7"
    bad.loc[2, "target"] = 10  # equal to its baseline
    with pytest.raises(ValidationFailed) as err:
        monitoring_table(bad, source="reg.csv")
    cols = {(p.row, p.column) for p in err.value.problems}
    assert cols == {(3, "goal"), (4, "target")}


def test_light_labels_are_korean_by_default() -> None:
    assert light_label("on_track") == "정상" and light_label("on_track", "en") == "On track"
    with pytest.raises(ParameterError):
        light_label("green")

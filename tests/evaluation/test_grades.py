"""Grades, the envelope scenario's tiers from the evaluation, and the way up a grade."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from cgresearch.allocation import Scenario, load_scenario, solve_envelopes
from cgresearch.data import load_districts
from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation import (
    Framework,
    GradeRule,
    IndexSpec,
    assign_grades,
    build_index,
    grade_improvements,
    grade_thresholds,
    grades_to_scenario,
    tiers_from_index,
)
from cgresearch.paths import scenarios_dir


def test_fixed_cutoffs_put_a_score_at_a_cutoff_in_the_upper_grade() -> None:
    scores = pd.Series([39.9, 40.0, 69.9, 70.0, np.nan], index=list("abcde"))
    grades = assign_grades(scores, GradeRule("cutoffs", cutoffs=(40, 70)))
    assert grades.tolist()[:4] == ["다", "나", "나", "가"]
    assert pd.isna(grades["e"])


@pytest.mark.parametrize("cutoffs", [(70, 40), (40, 40), (40,), (10, 20, 30)])
def test_cutoffs_out_of_order_or_of_the_wrong_count_are_refused(cutoffs: tuple) -> None:
    with pytest.raises(ParameterError, match="out of order"):
        GradeRule("cutoffs", cutoffs=cutoffs)


def test_quantile_thresholds_are_r_type_7_quantiles() -> None:
    scores = pd.Series([10.0, 20, 30, 40, 50, 60, 70])
    # type 7: h = (n - 1) p; n = 7, p = 1/3 → h = 2 → 30; p = 2/3 → h = 4 → 50
    assert grade_thresholds(scores, GradeRule("quantiles")) == pytest.approx((30.0, 50.0))
    assert assign_grades(scores, GradeRule("quantiles")).tolist() == [
        "다", "다", "나", "나", "가", "가", "가",
    ]  # fmt: skip


def test_natural_breaks_separate_three_clear_clusters() -> None:
    scores = pd.Series([1.0, 2, 3, 40, 41, 42, 90, 91, 95])
    assert grade_thresholds(scores, GradeRule("breaks")) == (40.0, 90.0)
    assert (
        assign_grades(scores, GradeRule("breaks")).tolist() == ["다"] * 3 + ["나"] * 3 + ["가"] * 3
    )


def test_natural_breaks_need_as_many_distinct_scores_as_grades() -> None:
    with pytest.raises(ModelError, match="3 distinct scores"):
        assign_grades(pd.Series([1.0, 1.0, 2.0]), GradeRule("breaks"))


def test_grades_become_the_scenarios_grades_and_must_be_its_tiers() -> None:
    base = Scenario.from_dict(
        {
            "name": "t",
            "total_budget_eok": 250,
            "tiers": {"가": [10.5, 11], "나": [9.5, 10.5], "다": [9, 9.5]},
            "grades": {"default": "나"},
        }
    )
    s = grades_to_scenario(pd.Series({"성동구": "가", "서초구": "다"}), base)
    assert s.grades == {"성동구": "가", "서초구": "다"}
    with pytest.raises(ParameterError, match="'S' of '성동구' is not a tier"):
        grades_to_scenario({"성동구": "S"}, base)


@pytest.mark.parametrize("key", ["name_ko", "adm_code"])
def test_the_evaluation_decides_the_tier_end_to_end_through_the_envelopes(key: str) -> None:
    districts = load_districts()
    rng = np.random.default_rng(7)
    fw = Framework(
        pd.DataFrame(
            {
                "code": ["x1", "x2", "x3", "I"],
                "parent": ["I", "I", "I", None],
                "direction": [1, 1, -1, None],
            }
        )
    )
    data = pd.DataFrame(
        rng.uniform(0, 100, size=(25, 3)),
        index=districts[key].astype(str),
        columns=["x1", "x2", "x3"],
    )
    result = build_index(data, fw)
    rule = GradeRule("quantiles")
    scenario = tiers_from_index(result, rule, load_scenario(scenarios_dir() / "tiers_9_11.toml"))
    envelopes = solve_envelopes(districts, scenario)
    assert envelopes.status == "optimal"
    table = envelopes.to_frame().astype({"adm_code": str}).set_index(key)
    grades = assign_grades(result.index, rule)
    assert table["grade"].to_dict() == grades.to_dict()
    # the tiers of scenarios/tiers_9_11.toml, written out here: 가 10.5–11, 나 9.5–10.5, 다 9–9.5
    tiers = {"가": (10.5, 11.0), "나": (9.5, 10.5), "다": (9.0, 9.5)}
    for gu, row in table.iterrows():
        lo, hi = tiers[grades[gu]]
        assert lo - 1e-6 <= row["amount_eok"] <= hi + 1e-6, gu
    assert table["amount_eok"].sum() == pytest.approx(250.0)


# -- what would move a unit up a grade ----------------------------------------------------------
# I = (1·a + 2·b + 1·c) / 4, goalposts 0–100 (c: less is better), so the score is exactly linear
FW_GP = Framework(
    pd.DataFrame(
        {
            "code": ["a", "b", "c", "I"],
            "parent": ["I", "I", "I", None],
            "direction": [1, 1, -1, None],
            "weight": [1, 2, 1, 1],
            "goal_low": [0, 0, 0, None],
            "goal_high": [100, 50, 200, None],
        }
    )
)
DATA_GP = pd.DataFrame(
    {"a": [10.0, 60, 90, 40], "b": [5.0, 30, 45, 20], "c": [150.0, 60, 20, 100]},
    index=["u1", "u2", "u3", "u4"],
)
RULE = GradeRule("cutoffs", cutoffs=(40, 70))


def _greedy_minimum(unit: str, threshold: F) -> tuple[F, dict[str, F]]:
    """Second implementation: fractional knapsack in exact fractions from the definitions.

    Score gain per unit of each indicator = (weight / 4) · 100 / (goal_high − goal_low); cost 1
    per unit; room = up to the best goalpost. Fill the best gain-per-cost first.
    """
    rate = {"a": F(1, 4) * F(100, 100), "b": F(2, 4) * F(100, 50), "c": F(1, 4) * F(100, 200)}
    row = DATA_GP.loc[unit]
    room = {"a": 100 - F(row["a"]), "b": 50 - F(row["b"]), "c": F(row["c"]) - 0}
    norm = {
        "a": F(row["a"]),
        "b": F(row["b"]) * 2,
        "c": (200 - F(row["c"])) / 2,
    }
    score = (norm["a"] + 2 * norm["b"] + norm["c"]) / 4
    need, total, plan = threshold - score, F(0), {}
    for code in sorted(rate, key=lambda c: -rate[c]):
        if need <= 0:
            break
        step = min(room[code], need / rate[code])
        plan[code] = step
        total += step
        need -= step * rate[code]
    return total, plan


def test_the_smallest_improvement_matches_an_exact_fractional_knapsack() -> None:
    result = build_index(DATA_GP, FW_GP, IndexSpec(normalise="goalposts"))
    # u1: a = 10, b = 10 (5 of 50), c = 25 ((200 − 150) / 2) → I = (10 + 20 + 25) / 4 = 13.75
    assert result.index["u1"] == pytest.approx(13.75)
    imp = grade_improvements(result, "u1", RULE)
    assert (imp.grade, imp.target_grade, imp.threshold) == ("다", "나", 40.0)
    total, plan = _greedy_minimum("u1", F(40))
    assert imp.total_change == pytest.approx(float(total), rel=1e-7)
    changes = imp.changes["change"].to_dict()
    assert set(changes) == set(plan)
    for code, step in plan.items():
        sign = -1 if code == "c" else 1
        assert changes[code] == pytest.approx(sign * float(step), rel=1e-6)


def test_applying_the_improvements_crosses_the_threshold_and_nothing_smaller_does() -> None:
    spec = IndexSpec(normalise="goalposts")
    result = build_index(DATA_GP, FW_GP, spec)
    imp = grade_improvements(result, "u4", RULE)
    improved = DATA_GP.copy()
    for code, row in imp.changes.iterrows():
        improved.loc["u4", code] = row["new_value"]
    after = build_index(improved, FW_GP, spec)
    assert after.index["u4"] >= imp.threshold
    assert assign_grades(after.index, RULE)["u4"] == imp.target_grade
    # brute force on a grid: every change of smaller L1 norm stays below the threshold
    rng = np.random.default_rng(11)
    budget = imp.total_change * 0.999
    for _ in range(200):
        share = rng.dirichlet(np.ones(3)) * budget
        trial = DATA_GP.copy()
        trial.loc["u4", "a"] = min(100.0, trial.loc["u4", "a"] + share[0])
        trial.loc["u4", "b"] = min(50.0, trial.loc["u4", "b"] + share[1])
        trial.loc["u4", "c"] = max(0.0, trial.loc["u4", "c"] - share[2])
        assert build_index(trial, FW_GP, spec).index["u4"] < imp.threshold


def test_under_minmax_the_improvement_holds_when_the_reference_points_stay() -> None:
    spec = IndexSpec()
    result = build_index(DATA_GP, FW_GP, spec)
    unit = "u4"  # neither the minimum nor the maximum of any indicator
    imp = grade_improvements(result, unit, GradeRule("cutoffs", cutoffs=(50, 90)))
    improved = DATA_GP.copy()
    for code, row in imp.changes.iterrows():
        improved.loc[unit, code] = row["new_value"]
    assert build_index(improved, FW_GP, spec).index[unit] >= imp.threshold - 1e-9


def test_a_unit_at_the_top_grade_needs_nothing_and_an_unreachable_grade_says_so() -> None:
    result = build_index(DATA_GP, FW_GP, IndexSpec(normalise="goalposts"))
    top = grade_improvements(result, "u3", RULE)
    assert top.grade == top.target_grade == "가" and top.changes.empty
    far = grade_improvements(
        result, "u1", GradeRule("cutoffs", cutoffs=(40, 99.9)), target_grade="가"
    )
    assert far.feasible  # 100 is reachable at the goalposts
    unreachable = grade_improvements(
        result, "u1", GradeRule("cutoffs", cutoffs=(40, 100.5)), target_grade="가"
    )
    assert not unreachable.feasible
    assert "cannot reach" in unreachable.describe("en")


def test_improvements_refuse_a_non_linear_index() -> None:
    result = build_index(DATA_GP, FW_GP, IndexSpec(aggregate="copeland"))
    with pytest.raises(ParameterError, match="arithmetic"):
        grade_improvements(result, "u1", RULE)
    result = build_index(DATA_GP, FW_GP, IndexSpec(normalise="rank"))
    with pytest.raises(ParameterError, match="not linear"):
        grade_improvements(result, "u1", RULE)


def test_costs_per_standard_deviation_pick_the_indicator_cheapest_in_sd_units() -> None:
    result = build_index(DATA_GP, FW_GP, IndexSpec(normalise="goalposts"))
    # score gain per unit: a 1/4, b 1, c 1/8; sample sd by hand: a √(3400/3), b √(850/3),
    # c √(9275/3) → gain per sd: a 8.4, b 16.8, c 7.0: b is cheapest; u1 needs 40 − 13.75 =
    # 26.25 points, and b has room for 45 (5 → 50), so b alone moves 26.25 units = 26.25 / sd_b
    imp = grade_improvements(result, "u1", RULE, costs="sd")
    assert list(imp.changes.index) == ["b"]
    assert imp.changes.loc["b", "change"] == pytest.approx(26.25)
    assert imp.total_change == pytest.approx(26.25 / (850 / 3) ** 0.5, rel=1e-7)


def test_a_unit_without_a_score_has_no_improvement() -> None:
    data = DATA_GP.copy()
    data.loc["u1", :] = np.nan
    result = build_index(data, FW_GP, IndexSpec(normalise="goalposts"))
    with pytest.raises(ModelError, match="no score"):
        grade_improvements(result, "u1", RULE)


def test_an_indicator_below_its_lower_goalpost_is_not_proposed() -> None:
    data = DATA_GP.copy()
    data.loc["u1", "b"] = -20.0  # below goal_low = 0: its first 20 units would not count
    result = build_index(data, FW_GP, IndexSpec(normalise="goalposts"))
    imp = grade_improvements(result, "u1", RULE)
    assert "b" not in imp.changes.index and imp.feasible
    improved = data.copy()
    for code, row in imp.changes.iterrows():
        improved.loc["u1", code] = row["new_value"]
    after = build_index(improved, FW_GP, IndexSpec(normalise="goalposts"))
    assert after.index["u1"] >= imp.threshold


def test_costs_must_be_positive() -> None:
    result = build_index(DATA_GP, FW_GP, IndexSpec(normalise="goalposts"))
    with pytest.raises(ParameterError, match="must be > 0"):
        grade_improvements(result, "u1", RULE, costs={"a": 0})
    with pytest.raises(ParameterError, match="'raw', 'sd'"):
        grade_improvements(result, "u3", RULE, costs="cheap")

"""Chapter 04-06 tables for readers: amounts in 억원, codes in words, a unit in every header."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.allocation import Scenario, compare, load_scenario, solve_envelopes
from cgresearch.data.districts import load_districts
from cgresearch.formatting import raw_identifiers
from cgresearch.i18n import tr
from cgresearch.report.result_tables import (
    allocation_tables,
    comparison_table,
    pb_rules_table,
    proposals_table,
    spend_table,
    sweep_table,
    task_spend_table,
)


def _no_raw(heads: dict[str, str]) -> None:
    raw = {h: raw_identifiers(h) for h in heads.values() if raw_identifiers(h)}
    assert not raw, raw


@pytest.fixture(scope="module")
def result():
    scenario = load_scenario(paths.scenarios_dir() / "need_goal_stable.toml")
    return solve_envelopes(load_districts(), scenario)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_envelope_tables_name_every_column_with_its_unit_and_bounds_in_words(result, lang):
    tables = allocation_tables(result, lang)
    assert set(tables) == {"allocation", "explanations", "shadow_prices", "equity_metrics"}
    for frame, heads in tables.values():
        assert list(heads) == [str(c) for c in frame.columns]
        _no_raw(heads)
    frame, heads = tables["allocation"]
    # need_goal_stable has no grades: the all-empty grade columns are left out
    assert "grade" not in frame and "tier_min_eok" not in frame
    assert heads["amount_eok"] == (
        "배분액(억원)" if lang == "ko" else "Allocation (100 million KRW)"
    )
    # 종로구 (formula target 5.16억원) sits on its 8억원 floor, which is also −20 % of last
    # year's 10억원: both bounds hold, in words
    jongno = frame.set_index("name_ko").loc["종로구", "binding"]
    words = (
        ("하한", "전년 대비 변동 한도(하한)")
        if lang == "ko"
        else ("floor", "year-on-year limit (lower)")
    )
    assert jongno == ", ".join(words)
    assert frame["amount_eok"].sum() == pytest.approx(250)


def test_a_comparison_table_names_the_two_scenarios_in_its_headers(result):
    districts = load_districts()
    equal = solve_envelopes(
        districts, Scenario(name="eq", total_budget_eok=250, weights={"base": 1})
    )
    frame, heads = comparison_table(compare(equal, result), "ko", names=("균등", "최적화"))
    assert (
        heads["amount_a_eok"] == "균등(억원)" and heads["per_capita_b_krw"] == "최적화, 1인당(원)"
    )
    # equal split: 10억원 each; the outcome says who gains in words
    assert frame["amount_a_eok"].tolist() == pytest.approx([10.0] * 25)
    gains = frame.loc[frame["amount_b_eok"] > 10 + 1e-9, "outcome"]
    assert set(gains) == {"증가"}
    _no_raw(heads)


def test_selection_tables_are_in_eok_with_shares_in_percent():
    selected = pd.DataFrame(
        {
            "proposal_id": ["PR1"],
            "gu_code": [11110],
            "gu_name": ["종로구"],
            "title_ko": ["협치 학교"],
            "title_en": ["CG school"],
            "policy_task": ["T1"],
            "cost_mkrw": [183.4],
            "votes": [239],
            "score": [70.1],
            "funded_share": [0.5],
            "funded_cost": [91.7],
        }
    )
    frame, heads = proposals_table(selected, "en")
    # 183.4 million KRW = 1.834 × 100 million KRW; half funded = 50 %
    assert frame["cost_eok"].iloc[0] == pytest.approx(1.834)
    assert frame["funded_eok"].iloc[0] == pytest.approx(0.917)
    assert frame["funded_pct"].iloc[0] == pytest.approx(50.0)
    assert frame["title"].iloc[0] == "CG school"
    assert "T1" not in frame["item"].iloc[0]
    _no_raw(heads)
    spend = pd.DataFrame(
        {
            "gu": [11110, 11140],
            "gu_name": ["종로구", "중구"],
            "envelope": [400.0, 250.0],
            "spent": [400.0, 202.6],
            "left": [0.0, 47.4],
            "n_funded": [6, 5],
            "binding": [True, False],
        }
    )
    frame, heads = spend_table(spend, "ko")
    assert frame["envelope_eok"].tolist() == pytest.approx([4.0, 2.5])
    assert frame["left_eok"].tolist() == pytest.approx([0.0, 0.474])
    assert frame["envelope_used"].tolist() == [tr("yes", "ko"), tr("no", "ko")]
    assert "gu" not in frame
    _no_raw(heads)
    area = pd.DataFrame(
        {"area": ["T1"], "spent": [1275.8], "share": [0.25], "min_share": [0.1], "max_share": [1]}
    )
    frame, heads = task_spend_table(area, "ko")
    assert frame.iloc[0].tolist()[1:] == pytest.approx([12.758, 25.0, 10.0, 100.0])
    _no_raw(heads)


def test_pb_rules_are_named_in_words_and_shares_in_percent():
    rules = pd.DataFrame(
        {"rule": ["greedy", "mes"], "n_funded": [1, 2], "spent_share": [0.5, 0.25]}
    )
    frame, heads = pb_rules_table(rules, "en")
    assert frame["pb_rule"].tolist() == ["greedy (by votes)", "Method of Equal Shares (MES)"]
    assert frame["spent_share"].tolist() == [50.0, 25.0]
    _no_raw(heads)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_sweep_tables_name_parameters_criteria_and_objectives_for_the_reader(lang):
    frame = pd.DataFrame(
        {
            "point": [0, 1],
            "param.floor_eok": [4, 8],
            "param.objective": ["equal_adjustment", "proportional"],
            "metric.gini": [0.1, 0.2],
            "regret.metric.gini": [0.0, 1.0],
            "formula_fit_pct": [96.0, 95.0],
            "param.floor_eok min": [4, 4],
            "param.objective max": ["proportional", "equal_adjustment"],
            "on_frontier": [True, False],
            "status": ["optimal", "infeasible"],
        }
    )
    shown, heads = sweep_table(frame, lang)
    _no_raw(heads)
    assert "equal_adjustment" not in set(shown["param.objective"])
    assert "proportional" not in set(shown["param.objective max"])
    assert shown["status"].tolist()[1] == ("실행 불가능" if lang == "ko" else "infeasible")
    floor = "구별 하한(억원)" if lang == "ko" else "Floor per gu (100 million KRW)"
    assert heads["param.floor_eok"] == floor
    assert heads["param.floor_eok min"].startswith(floor)
    ranges = pd.DataFrame(
        {
            "adm_code": [11110],
            "name_ko": ["종로구"],
            "name_en": ["Jongno-gu"],
            "n": [3],
            "mean": [8.0],
            "min": [7.9],
            "p5": [7.9],
            "p50": [8.0],
            "p95": [8.1],
            "max": [8.1],
        }
    )
    shown, heads = sweep_table(ranges, lang)
    _no_raw(heads)
    assert heads["min_eok"] == (
        "최소 배분액(억원)" if lang == "ko" else "Smallest allocation (100 million KRW)"
    )

"""Why each gu gets what it gets: sentences checked against hand-worked allocations."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.allocation import Scenario, solve_envelopes
from cgresearch.allocation.explain import bound_lists


def _districts(pop):
    n = len(pop)
    return pd.DataFrame(
        {
            "adm_code": list(range(1, n + 1)),
            "name_ko": ["가구", "나구", "다구", "라구"][:n],
            "pop_total_2017q1": pop,
        }
    )


def test_a_floor_and_the_common_adjustment_are_explained_in_english_and_korean():
    # Targets by population 1:3:6 of 10억원: 1, 3, 6. 가구's floor of 2 takes 1억원 from the
    # other two equally: λ = −0.5, so 2.5 and 5.5; without its floor 가구 would get 1 − 0.5.
    res = solve_envelopes(
        _districts([100_000, 300_000, 600_000]),
        Scenario(name="e", total_budget_eok=10, weights={"pop": 1}, floor_eok=2),
    )
    assert res.table["amount_eok"].tolist() == pytest.approx([2.0, 2.5, 5.5])
    en = res.explain("en")
    assert en["reason"].tolist() == ["floor", "adjusted", "adjusted"]
    assert en["text"].iloc[0] == (
        "at its floor (2.00억원): its formula target 1.00억원 with the common adjustment "
        "would be 0.50억원, below the floor"
    )
    assert (
        en["text"].iloc[2]
        == "on its formula target 6.00억원 plus the common adjustment of −0.50억원"
    )
    ko = res.explain()
    assert ko["text"].iloc[2] == "공식 목표액 6.00억원에 공통 조정 −0.50억원을 더한 금액"
    assert ko["text"].iloc[0].startswith("하한(2.00억원)에 걸림")


def test_a_stability_limit_names_last_years_amount_and_the_percentage():
    # Equal targets 10, 10 of 20억원; last year 20 and 5 with ±20%: 가구 in [16, 24], 나구 in
    # [4, 6]. The total of 20 forces 가구 = 16 and 나구 = 4, both at their lower limits.
    res = solve_envelopes(
        _districts([100_000, 100_000]),
        Scenario(
            name="s",
            total_budget_eok=20,
            weights={"base": 1},
            previous_eok={"가구": 20, "나구": 5},
            stability_delta=0.2,
        ),
    )
    assert res.table["amount_eok"].tolist() == pytest.approx([16.0, 4.0])
    text = res.explain("en").set_index("name_ko")["text"]
    assert text["가구"].startswith("held by the −20% stability limit from last year's 20.00억원")
    assert text["나구"] == (
        "held by the −20% stability limit from last year's 5.00억원 (at 4.00억원; "
        "formula target 10.00억원)"
    )


def test_the_summary_names_every_gu_that_ties_at_a_bound():
    # Four gu, targets 1, 1, 1, 7 (population 1:1:1:7 of 10억원), floors of 2: the three small
    # gu all sit at the floor and all three are named, not one "smallest".
    res = solve_envelopes(
        _districts([100_000, 100_000, 100_000, 700_000]),
        Scenario(name="t", total_budget_eok=10, weights={"pop": 1}, floor_eok=2),
    )
    assert res.table["amount_eok"].tolist() == pytest.approx([2.0, 2.0, 2.0, 4.0])
    text = res.summary("ko")
    assert "최소: 가구, 나구, 다구 2.00억원" in text
    assert "하한에 걸린 구(3곳): 가구, 나구, 다구" in text
    assert "at the floor (3 gu): 가구, 나구, 다구" in res.summary("en")
    assert bound_lists(res.explain("ko"), "ko") == ["하한에 걸린 구(3곳): 가구, 나구, 다구"]


def test_asymmetric_and_absolute_change_limits_hold_and_are_explained():
    # Targets 15 and 5 (population 3:1); last year 10 each. Raise ≤ 10 %, cut ≤ 5 %: boxes
    # [9.5, 11]; of 21억원 가구 wants 16 + 0 but stops at 11, so 나구 gets 10 (5 + λ, λ = 5).
    d = _districts([300_000, 100_000])
    s = Scenario(
        name="a",
        total_budget_eok=21,
        weights={"pop": 1},
        previous_eok=10,
        max_cut_pct=5,
        max_raise_pct=10,
    )
    res = solve_envelopes(d, s)
    assert res.table["amount_eok"].tolist() == pytest.approx([11.0, 10.0])
    text = res.explain("en")["text"].iloc[0]
    assert text.startswith("held by the +10% stability limit from last year's 10.00억원")
    # ±0.5억원 from last year: boxes [9.5, 10.5]; of 20.5억원 가구 stops at 10.5, 나구 gets 10.
    s = Scenario(
        name="b", total_budget_eok=20.5, weights={"pop": 1}, previous_eok=10, max_change_eok=0.5
    )
    assert solve_envelopes(d, s).table["amount_eok"].tolist() == pytest.approx([10.5, 10.0])


def test_change_limits_need_last_years_amounts_and_sensible_values():
    from cgresearch.errors import ParameterError

    with pytest.raises(ParameterError, match="max_cut_pct needs previous_eok"):
        Scenario(name="c", total_budget_eok=20, max_cut_pct=5)
    with pytest.raises(ParameterError, match="max_cut_pct = 150 must be between 0 and 100"):
        Scenario(name="c", total_budget_eok=20, previous_eok=10, max_cut_pct=150)
    with pytest.raises(ParameterError, match="max_change_eok = -1 must be ≥ 0"):
        Scenario(name="c", total_budget_eok=20, previous_eok=10, max_change_eok=-1)


def test_a_per_capita_floor_lifts_a_gu_to_population_times_the_amount():
    # 1,000 KRW per person: 가구 (100,000) ≥ 1억원, 나구 (900,000) ≥ 9억원. Targets of 10억원 by
    # base: 5 and 5, so 나구 is lifted to 9 and 가구 keeps the remaining 1 (its floor, too).
    d = _districts([100_000, 900_000])
    s = Scenario(name="pc", total_budget_eok=10, weights={"base": 1}, floor_per_capita_krw=1000)
    res = solve_envelopes(d, s)
    assert res.table["amount_eok"].tolist() == pytest.approx([1.0, 9.0])
    assert res.explain("en")["reason"].tolist() == ["floor", "floor"]

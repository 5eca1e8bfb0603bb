"""District envelope model: hand-derived optima, shadow prices, and the kept-model fast path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import (
    EnvelopeModel,
    Scenario,
    compare,
    formula_allocation,
    solve_envelopes,
)
from cgresearch.data.districts import load_districts


def _districts(pops, fiscal=None):
    n = len(pops)
    d = pd.DataFrame(
        {
            "adm_code": [11110 + 10 * i for i in range(n)],
            "name_ko": ["가구", "나구", "다구", "라구", "마구", "바구", "사구", "아구"][:n],
            "name_en": ["Ga-gu", "Na-gu", "Da-gu", "Ra-gu", "Ma-gu", "Ba-gu", "Sa-gu", "A-gu"][:n],
            "pop_total_2017q1": pops,
            "pop_65plus_2017q1": [p // 10 for p in pops],
        }
    )
    if fiscal is not None:
        d["fiscal_independence_pct_kosis_year_unverified"] = fiscal
    return d


def _by_name(result):
    return dict(zip(result.table["name_ko"], result.table["amount_eok"], strict=True))


# --- formula ------------------------------------------------------------------------------
def test_weighted_formula_gives_base_plus_weighted_indicator_shares():
    # pops 100k, 300k; elderly 10k, 30k. base_eok 2 each, remaining 20 - 4 = 16 split by
    # 0.5 * equal share + 0.5 * population share: (0.25 + 0.125) * 16 = 6 and (0.25 + 0.375) * 16
    # = 10 -> 8 and 12 억원.
    d = _districts([100_000, 300_000])
    s = Scenario(name="f", total_budget_eok=20, base_eok=2, weights={"base": 0.5, "pop": 0.5})
    out = formula_allocation(d, s)
    np.testing.assert_allclose(out["amount_eok"], [8.0, 12.0])
    np.testing.assert_allclose(out["per_capita_krw"], [8e8 / 1e5, 12e8 / 3e5])


def test_shortfall_formula_splits_90_percent_by_shortfall_and_10_percent_equally():
    # Equal populations, fiscal independence 20% and 60%: shortfall proxies 80,000 and 40,000,
    # shares 2/3 and 1/3. B = 100: 90 * 2/3 + 5 = 65 and 90 * 1/3 + 5 = 35.
    d = _districts([100_000, 100_000], fiscal=[20.0, 60.0])
    s = Scenario(name="s", total_budget_eok=100, formula_rule="shortfall")
    np.testing.assert_allclose(formula_allocation(d, s)["amount_eok"], [65.0, 35.0])


def test_base_amounts_above_the_total_are_refused_with_both_numbers():
    s = Scenario(name="b", total_budget_eok=10, base_eok=6)
    with pytest.raises(Exception, match=r"12억원, above the total of 10억원"):
        formula_allocation(_districts([1, 2]), s)


# --- goal programming --------------------------------------------------------------------
def test_goal_floor_forces_proportional_cuts_elsewhere():
    # Targets by population (100k, 300k, 600k; B = 10): 1, 3, 6. The floor of 2 lifts 가구 by 1,
    # which must come from 나구 and 다구; any split costs the same deviation (total 2), and the
    # tie-break cuts in proportion to the targets: 1 * 3/9 and 1 * 6/9 -> 8/3 and 16/3.
    d = _districts([100_000, 300_000, 600_000])
    s = Scenario(name="g", total_budget_eok=10, objective="goal", weights={"pop": 1}, floor_eok=2)
    res = solve_envelopes(d, s)
    assert res.status == "optimal"
    np.testing.assert_allclose(res.table["amount_eok"], [2.0, 8 / 3, 16 / 3], atol=1e-8)
    assert res.objective_value == pytest.approx(2.0)
    assert res.table["binding"].tolist() == ["floor", "", ""]
    sp = res.shadow_prices.set_index("constraint")["improvement"]
    # Raising 가구's floor to 3 moves 1 more 억원: deviation 4, so the floor costs 2 per 억원.
    assert sp["floor_0"] == pytest.approx(-2.0, abs=1e-3)
    # One more 억원 with targets rescaled: deviation = (2 - 0.1B) + (0.9B - (B - 2)) = 4 - 0.2B,
    # so the total budget improves (lowers) the deviation by 0.2 per 억원.
    assert sp["budget"] == pytest.approx(0.2, abs=1e-3)
    assert (
        "raises the total deviation"
        in res.shadow_prices.set_index("constraint").loc["floor_0", "text"]
    )


def test_goal_equity_ratio_binds_at_the_hand_derived_split():
    # Equal targets 10 and 10 for 100k and 300k people (per capita 10,000 vs 3,333 KRW, ratio 3).
    # Ratio <= 2: x1/1e5 <= 2 * x2/3e5 and x1 + x2 = 20 -> x1 = 8, x2 = 12 (deviation 4).
    d = _districts([100_000, 300_000])
    s = Scenario(name="e", total_budget_eok=20, weights={"base": 1}, max_per_capita_ratio=2)
    res = solve_envelopes(d, s)
    np.testing.assert_allclose(res.table["amount_eok"], [8.0, 12.0], atol=1e-8)
    assert res.metrics["max_min_ratio"] == pytest.approx(2.0)
    assert res.table["binding"].tolist() == ["equity_max", "equity_min"]
    assert res.objective_value == pytest.approx(4.0)


def test_goal_stability_limits_the_change_from_previous_amounts():
    # Targets 5 and 15 (population 1:3, B = 20); previous 10 each with delta 0.1: [9, 11].
    d = _districts([100_000, 300_000])
    s = Scenario(
        name="st",
        total_budget_eok=20,
        weights={"pop": 1},
        previous_eok=10,
        stability_delta=0.1,
    )
    res = solve_envelopes(d, s)
    np.testing.assert_allclose(res.table["amount_eok"], [9.0, 11.0], atol=1e-8)
    np.testing.assert_allclose(res.table["change_eok"], [-1.0, 1.0], atol=1e-8)
    assert res.table["binding"].tolist() == ["stability_low", "stability_high"]


def test_district_columns_give_the_table_numbers_with_every_binding_bound_in_order():
    # Targets 5 and 15 (population 1:3, B = 20); previous 10 each, delta 0.1 -> [9, 11]; a floor
    # of 9 binds on 가구 together with its lower stability limit: amounts 9 and 11, per capita
    # 9e8/1e5 = 9,000 and 11e8/3e5 = 3,666.67 KRW, deviations +4 and -4.
    d = _districts([100_000, 300_000])
    s = Scenario(
        name="cols",
        total_budget_eok=20,
        weights={"pop": 1},
        previous_eok=10,
        stability_delta=0.1,
        floor_eok=9,
    )
    res = solve_envelopes(d, s)
    cols = res.district_columns()
    assert cols["binding"].tolist() == ["floor;stability_low", "stability_high"]
    np.testing.assert_allclose(cols["amount_eok"], [9.0, 11.0], atol=1e-8)
    np.testing.assert_allclose(cols["per_capita_krw"], [9_000.0, 11e8 / 3e5], rtol=1e-9)
    np.testing.assert_allclose(cols["deviation_eok"], [4.0, -4.0], atol=1e-8)
    np.testing.assert_allclose(cols["change_eok"], [-1.0, 1.0], atol=1e-8)
    np.testing.assert_array_equal(cols["population"], [100_000.0, 300_000.0])
    for name, values in cols.items():
        assert res.table[name].tolist() == values.tolist(), name
    infeasible = solve_envelopes(d, s.with_overrides({"floor_eok": 11}))
    assert np.isnan(infeasible.district_columns()["amount_eok"]).all()


def test_goal_performance_tiers_hold_each_grade_in_its_range():
    # Equal targets 10; grade 가 -> [10.5, 11], 나 -> [9, 10]. 가구 (가) rises to 10.5; 나구 and
    # 다구 give 0.25 each (proportional tie-break) -> 9.75.
    d = _districts([100_000, 100_000, 100_000])
    s = Scenario(
        name="t",
        total_budget_eok=30,
        weights={"base": 1},
        tiers={"가": [10.5, 11.0], "나": [9.0, 10.0]},
        grades={"가구": "가", "default": "나"},
    )
    res = solve_envelopes(d, s)
    np.testing.assert_allclose(res.table["amount_eok"], [10.5, 9.75, 9.75], atol=1e-8)
    assert res.table["grade"].tolist() == ["가", "나", "나"]
    assert res.table["binding"].iloc[0] == "tier_min"


# --- max-min and its sign -----------------------------------------------------------------
def test_maxmin_raises_the_worst_off_and_its_cap_has_a_positive_shadow_price():
    # Population 100k, 100k, 200k; need shares by population 1/4, 1/4, 1/2; B = 12.
    # 다구 is capped at 4: its amount over need share is 4 / 0.5 = 8, the others get 4 each
    # (4 / 0.25 = 16 >= 8). Z = 8 -> 8 * 1e8 / 400,000 = 2,000 KRW per need-weighted person.
    # Raising the cap by 1 raises Z by 2 -> 2 * 1e8 / 4e5 = 500 KRW: a maximisation whose
    # improvement must come out positive.
    d = _districts([100_000, 100_000, 200_000])
    s = Scenario(
        name="mm", total_budget_eok=12, objective="maxmin", weights={"pop": 1}, cap_eok={"다구": 4}
    )
    res = solve_envelopes(d, s)
    np.testing.assert_allclose(res.table["amount_eok"], [4.0, 4.0, 4.0], atol=1e-8)
    assert res.objective_value == pytest.approx(2000.0)
    sp = res.shadow_prices.set_index("constraint")
    assert sp.loc["cap_2", "improvement"] == pytest.approx(500.0, rel=1e-4)
    assert "raises the worst-off" in sp.loc["cap_2", "text"]
    # More budget cannot help while 다구 is capped: Z stays 8.
    assert sp.loc["budget", "improvement"] == pytest.approx(0.0, abs=1e-2)


def test_combined_objective_lies_between_goal_and_maxmin_on_each_criterion():
    d = load_districts()
    base = Scenario(name="c", total_budget_eok=250, floor_eok=8, cap_eok=12)
    goal = solve_envelopes(d, base)
    mm = solve_envelopes(d, base.with_overrides({"objective": "maxmin"}))
    comb = solve_envelopes(
        d, base.with_overrides({"objective": "combined", "combination": {"goal": 1, "maxmin": 1}})
    )
    dev = [r.metrics["total_abs_deviation_eok"] for r in (goal, comb, mm)]
    worst = [r.metrics["min_need_weighted_per_capita_krw"] for r in (goal, comb, mm)]
    assert dev[0] <= dev[1] + 1e-9 <= dev[2] + 2e-9
    assert worst[0] <= worst[1] + 1e-9 <= worst[2] + 2e-9


# --- the kept model -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"objective": "maxmin"},
        {"objective": "combined"},
        {"max_per_capita_ratio": 4.5},
        {"previous_eok": 10, "stability_delta": 0.15},
        {"deviation": "relative", "total_budget_eok": 270},
        {"formula_rule": "shortfall"},
    ],
)
def test_envelope_model_resolves_match_a_fresh_solve_exactly(overrides):
    d = load_districts()
    base = Scenario(name="k", total_budget_eok=250, floor_eok=8.5, cap_eok=11.5)
    model = EnvelopeModel(d, base)
    model.solve({"total_budget_eok": 240, "floor_eok": 9})  # a different first solve
    fast = model.solve(overrides)
    slow = solve_envelopes(d, base.with_overrides(overrides))
    assert fast.status == slow.status == "optimal"
    np.testing.assert_allclose(fast.table["amount_eok"], slow.table["amount_eok"], atol=1e-9)
    np.testing.assert_allclose(
        fast.shadow_prices["improvement"], slow.shadow_prices["improvement"], atol=1e-9
    )
    assert fast.objective_value == pytest.approx(slow.objective_value, abs=1e-9)


def test_envelope_model_reports_an_infeasible_override_with_a_diagnosis():
    model = EnvelopeModel(load_districts(), Scenario(name="k", total_budget_eok=250))
    res = model.solve({"floor_eok": 11})
    assert res.status == "infeasible"
    assert res.diagnosis is not None and set(res.diagnosis.conflicts) == {"budget", "floors"}
    assert "floors sum to 275억원" in res.message
    assert model.solve({"floor_eok": 9}).ok


def test_formula_objective_is_the_formula_when_no_bound_is_broken_and_diagnosed_otherwise():
    d = _districts([100_000, 300_000])
    s = Scenario(name="f", total_budget_eok=20, objective="formula", weights={"pop": 1})
    np.testing.assert_allclose(solve_envelopes(d, s).table["amount_eok"], [5.0, 15.0])
    bad = solve_envelopes(d, s.with_overrides({"floor_eok": 6}))
    assert bad.status == "infeasible"
    assert bad.diagnosis.conflicts == ("formula", "floors")
    assert "가구 5.00억원 vs 6.00억원" in bad.message


# --- properties ---------------------------------------------------------------------------
@st.composite
def _feasible_case(draw):
    n = draw(st.integers(3, 6))
    pops = draw(st.lists(st.integers(50_000, 700_000), min_size=n, max_size=n))
    x0 = np.array(draw(st.lists(st.floats(5, 15), min_size=n, max_size=n)))
    lower = x0 - np.array(draw(st.lists(st.floats(0, 3), min_size=n, max_size=n)))
    upper = x0 + np.array(draw(st.lists(st.floats(0, 3), min_size=n, max_size=n)))
    w_pop = draw(st.floats(0, 1))
    objective = draw(st.sampled_from(["goal", "maxmin", "combined"]))
    names = _districts(pops)["name_ko"].tolist()
    s = Scenario(
        name="p",
        total_budget_eok=float(x0.sum()),
        objective=objective,
        weights={"base": 1 - w_pop, "pop": w_pop},
        floor_eok={k: float(v) for k, v in zip(names, lower, strict=True)},
        cap_eok={k: float(v) for k, v in zip(names, upper, strict=True)},
        previous_eok={k: float(v) for k, v in zip(names, x0, strict=True)},
        stability_delta=0.3,
    )
    return _districts(pops), s, lower, upper, x0


@settings(max_examples=25, deadline=None)
@given(_feasible_case())
def test_property_allocations_sum_to_the_budget_and_respect_every_bound(case):
    d, s, lower, upper, x0 = case
    res = solve_envelopes(d, s)
    assert res.status == "optimal"
    x = res.table["amount_eok"].to_numpy()
    tol = 1e-6
    assert x.sum() == pytest.approx(s.total_budget_eok, abs=tol)
    assert np.all(x >= lower - tol) and np.all(x <= upper + tol)
    assert np.all(np.abs(x - x0) <= 0.3 * x0 + tol)


# --- comparing ----------------------------------------------------------------------------
def test_compare_names_who_gains_and_who_loses():
    # Without floor: targets 5 and 15; with floor 9: 9 and 11. 가구 gains 4, 나구 loses 4.
    d = _districts([100_000, 300_000])
    a = solve_envelopes(d, Scenario(name="a", total_budget_eok=20, weights={"pop": 1}))
    b = solve_envelopes(d, Scenario(name="b", total_budget_eok=20, weights={"pop": 1}, floor_eok=9))
    out = compare(a, b)
    assert out["name_ko"].tolist() == ["가구", "나구"]
    np.testing.assert_allclose(out["change_eok"], [4.0, -4.0], atol=1e-8)
    assert out["outcome"].tolist() == ["gains", "loses"]
    np.testing.assert_allclose(out["change_pct"], [80.0, -4 / 15 * 100], atol=1e-6)


def test_result_table_and_summary_speak_in_units():
    res = solve_envelopes(load_districts(), Scenario(name="u", total_budget_eok=250))
    assert len(res.table) == 25 and res.table["amount_eok"].sum() == pytest.approx(250)
    for col in ("adm_code", "name_ko", "name_en", "per_capita_krw", "change_eok", "binding"):
        assert col in res.to_frame().columns
    assert "억원" in res.summary()
    assert res.shadow_prices.iloc[0]["text"].startswith("one more 억원 of total budget")


def test_a_time_limit_is_reported_as_time_limit_on_both_paths_never_as_optimal():
    d = load_districts()
    # The LP and QP paths (the closed forms need no solver, so no time limit applies to them).
    for objective in ("goal", "least_squares"):
        s = Scenario(
            name="tl", total_budget_eok=250, objective=objective, floor_eok=8, time_limit_s=1e-9
        )
        assert solve_envelopes(d, s).status == "time_limit"
    s = Scenario(name="tl", total_budget_eok=250, objective="goal", floor_eok=8, time_limit_s=1e-9)
    assert solve_envelopes(d, s).status == "time_limit"
    res = EnvelopeModel(d, s).solve()
    assert res.status == "time_limit" and "time limit" in res.message


def test_summary_merges_districts_that_share_a_bound_and_its_price():
    # Floors of 3 for 가구 and 나구 (targets 1 and 2 by population 1:2:7, B = 10): both bind and
    # each costs 2 per 억원 (the extra 억원 comes out of 다구), so one sentence names both.
    d = _districts([100_000, 200_000, 700_000])
    res = solve_envelopes(
        d,
        Scenario(name="m", total_budget_eok=10, objective="goal", weights={"pop": 1}, floor_eok=3),
    )
    np.testing.assert_allclose(res.table["amount_eok"], [3.0, 3.0, 4.0], atol=1e-8)
    text = res.summary("en")
    assert "the floors of 가구 and 나구 (3.00억원) each cost 2억원 of deviation" in text


def test_another_solver_through_pulp_finds_the_same_optimum_and_shadow_price():
    # CBC on the hand-derived goal case (unique optimum 2, 8/3, 16/3) and the max-min cap price.
    d = _districts([100_000, 300_000, 600_000])
    s = Scenario(
        name="g",
        total_budget_eok=10,
        objective="goal",
        weights={"pop": 1},
        floor_eok=2,
        solver="cbc",
    )
    res = EnvelopeModel(d, s).solve()
    np.testing.assert_allclose(res.table["amount_eok"], [2.0, 8 / 3, 16 / 3], atol=1e-6)
    mm = Scenario(
        name="mm",
        total_budget_eok=12,
        objective="maxmin",
        weights={"pop": 1},
        cap_eok={"다구": 4},
        solver="cbc",
    )
    sp = solve_envelopes(_districts([100_000, 100_000, 200_000]), mm).shadow_prices
    assert sp.set_index("constraint").loc["cap_2", "improvement"] == pytest.approx(500, rel=1e-4)


def test_score_frontier_trades_proposal_score_for_per_capita_equity():
    # Two gu of 100,000 people, B = 10억원 (costs in million KRW: 600 = 6억원).
    # 가구: P1 600 (score 10), P2 300 (score 2); 나구: P3 400 (3), P4 400 (3).
    # R >= 1.5: x = (6, 4) funds P1 and P3 (or P4): 13. With R = 1.2, x_가 <= 1.2 x_나 caps 가구 at
    # 10 * 1.2 / 2.2 = 5.45, so P1 cannot be funded; 가구 funds P2 (2), and 나구 (at most 5.45
    # too) one 4억원 proposal (3): 5. Both P3 and P4 would need x_나 >= 8, x_가 <= 2: ratio 4.
    from cgresearch.allocation import score_frontier

    d = _districts([100_000, 100_000])
    proposals = pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3", "P4"],
            "gu_code": [11110, 11110, 11120, 11120],
            "cost_mkrw": [600.0, 300.0, 400.0, 400.0],
            "score": [10.0, 2.0, 3.0, 3.0],
        }
    )
    s = Scenario(name="sf", total_budget_eok=10)
    out = score_frontier(d, s, proposals, ratios=[1.5, 1.2, 1.0])
    assert out["max_per_capita_ratio"].tolist() == [1.5, 1.2, 1.0]
    np.testing.assert_allclose(out["objective_value"], [13.0, 5.0, 5.0])
    assert out["n_selected"].tolist() == [2, 2, 2]
    assert (out["achieved_ratio"] <= out["max_per_capita_ratio"] + 1e-6).all()
    # Mandatory P3 and P4 need x_나 >= 8, so x_가 <= 2: a per-capita ratio of at least 4 > 1.5.
    both = proposals.assign(mandatory=[False, False, True, True])
    assert score_frontier(d, s, both, ratios=[1.5])["status"].tolist() == ["infeasible"]


@st.composite
def _override_sequence(draw):
    steps = []
    for _ in range(draw(st.integers(2, 4))):
        ov: dict = {"total_budget_eok": round(draw(st.floats(30, 90)), 2)}
        w = round(draw(st.floats(0, 1)), 3)
        ov["weights"] = {"base": 1 - w, "pop": w}
        ov["objective"] = draw(st.sampled_from(["goal", "maxmin", "combined"]))
        ov["floor_eok"] = draw(st.sampled_from([None, 3.0, 5.0]))
        ov["cap_eok"] = draw(st.sampled_from([None, 15.0, 20.0]))
        ov["max_per_capita_ratio"] = draw(st.sampled_from([None, 2.0, 3.0]))
        ov["stability_delta"] = draw(st.sampled_from([None, 0.3, 0.6]))
        steps.append(ov)
    return steps


@settings(max_examples=15, deadline=None)
@given(_override_sequence())
def test_property_kept_model_equals_a_fresh_solve_along_any_sequence_of_changes(steps):
    d = _districts([120_000, 250_000, 400_000, 90_000, 610_000, 330_000])
    base = Scenario(name="seq", total_budget_eok=60, previous_eok=10)
    model = EnvelopeModel(d, base)
    for ov in steps:
        fast = model.solve(ov)
        slow = solve_envelopes(d, base.with_overrides(ov))
        assert fast.status == slow.status
        if slow.ok:
            np.testing.assert_allclose(fast.amounts, slow.amounts, atol=1e-9)
        else:
            assert fast.diagnosis.conflicts == slow.diagnosis.conflicts

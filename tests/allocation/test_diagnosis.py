"""Infeasibility diagnosis: named conflicts truly conflict, and the suggested fixes work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cgresearch.allocation import Scenario, diagnose, solve_envelopes
from cgresearch.data.districts import load_districts

NAMES = ["가구", "나구", "다구", "라구", "마구", "바구"]


def _districts(n):
    return pd.DataFrame(
        {
            "adm_code": list(range(1, n + 1)),
            "name_ko": NAMES[:n],
            "pop_total_2017q1": [100_000 * (i + 1) for i in range(n)],
        }
    )


def test_floors_above_the_total_give_the_planner_sentence():
    # 25 gu with floors of 11억원 = 275억원 against a total of 250억원: 25억원 too much.
    diag = diagnose(load_districts(), Scenario(name="x", total_budget_eok=250, floor_eok=11))
    assert not diag.feasible
    assert diag.conflicts == ("budget", "floors")
    assert diag.message.startswith("floors sum to 275억원, above the total of 250억원: ")
    assert "raise the total by 25.00억원 (to 275.00억원)" in diag.message
    assert "lower the floors by 25.00억원 in total" in diag.message
    np.testing.assert_allclose(diag.fixes["relax_eok"], [25.0, 25.0])


def test_caps_below_the_total_are_explained():
    diag = diagnose(_districts(3), Scenario(name="c", total_budget_eok=30, cap_eok=9))
    assert diag.conflicts == ("budget", "caps")
    assert diag.message.startswith("caps sum to 27억원, below the total of 30억원")
    assert "lower the total by 3.00억원 (to 27.00억원)" in diag.message


def test_floor_against_stability_is_a_per_district_conflict_without_the_budget():
    # 가구: floor 12 but previous 10 with delta 0.1 allows at most 11: floors and stability
    # conflict by 1억원 whatever the total.
    s = Scenario(
        name="fs",
        total_budget_eok=30,
        floor_eok={"가구": 12},
        previous_eok=10,
        stability_delta=0.1,
    )
    diag = diagnose(_districts(3), s)
    assert diag.conflicts == ("floors", "stability")
    assert "lower the floors by 1.00억원 in total (가구 1.00억원)" in diag.message
    # Raising delta instead: 12 = 10 * (1 + delta) -> delta = 0.2.
    assert diag.fixes.set_index("group").loc["stability", "new_value"] == pytest.approx(
        0.2, rel=2e-4
    )
    assert "raise stability_delta from 0.1 to 0.2000" in diag.message


def test_equity_bound_conflict_reports_the_ratio_that_would_work():
    # Cap 4 for 가구 (100k people: at most 4,000 KRW each) and floor 10 for 나구 (200k people: at
    # least 5,000 KRW each): max/min per capita is at least 5,000 / 4,000 = 1.25, so a bound of
    # 1.1 cannot hold.
    s = Scenario(
        name="eq",
        total_budget_eok=14,
        cap_eok={"가구": 4},
        floor_eok={"나구": 10},
        max_per_capita_ratio=1.1,
    )
    diag = diagnose(_districts(2), s)
    assert "equity" in diag.conflicts
    # The smallest workable bound is 5,000 / 4,000 = 1.25 (found by bisection to 1e-4).
    fix = diag.fixes.set_index("group").loc["equity"]
    assert fix["new_value"] == pytest.approx(1.25, rel=2e-4) and fix["new_value"] >= 1.25
    assert f"loosen max_per_capita_ratio from 1.1 to {fix['new_value']:.4f}" in diag.message


def test_feasible_scenario_is_reported_feasible():
    diag = diagnose(_districts(3), Scenario(name="ok", total_budget_eok=30, floor_eok=5))
    assert diag.feasible and diag.conflicts == ()


def test_infeasible_result_never_says_only_infeasible():
    res = solve_envelopes(_districts(3), Scenario(name="x", total_budget_eok=10, floor_eok=4))
    assert res.status == "infeasible"
    # The quick diagnosis at solve time, the full one (irreducible conflict, fixes) on demand.
    assert (
        res.message != "Infeasible" and "sum to 12.00억원, above the total of 10억원" in res.message
    )
    assert "floors sum to 12억원" in res.diagnosis.message
    assert "floors sum to 12억원" in res.summary("en")
    assert "하한의 합이 12억원" in res.summary()  # Korean by default


@settings(max_examples=20, deadline=None)
@given(
    st.integers(2, 6),
    st.lists(st.floats(1, 10), min_size=6, max_size=6),
    st.floats(0.5, 5),
)
def test_property_named_groups_truly_conflict_and_each_fix_restores_feasibility(n, f, gap):
    floors = {NAMES[i]: round(f[i], 3) for i in range(n)}
    total = round(sum(floors.values()) - gap, 3)
    assume(total > 0)  # a negative total is a bad input, not a conflict
    d = _districts(n)
    s = Scenario(name="p", total_budget_eok=total, floor_eok=floors)
    diag = diagnose(d, s)
    assert set(diag.conflicts) == {"budget", "floors"}
    # Dropping either group makes the rest feasible (each is truly part of the conflict).
    assert diagnose(d, s.with_overrides({"floor_eok": None})).feasible
    assert diagnose(d, s.with_overrides({"total_budget_eok": sum(floors.values())})).feasible
    # Applying the floors fix district by district makes the scenario feasible.
    rel = diag.relaxation[diag.relaxation["group"] == "floors"]
    lowered = dict(floors)
    for name, slack in zip(rel["name_ko"], rel["slack"], strict=True):
        lowered[name] = lowered[name] - slack
    fixed = s.with_overrides({"floor_eok": {k: max(v, 0.0) for k, v in lowered.items()}})
    assert diagnose(d, fixed).feasible
    budget_fix = diag.fixes.set_index("group").loc["budget", "relax_eok"]
    assert budget_fix == pytest.approx(sum(floors.values()) - total, abs=1e-6)


@st.composite
def _random_scenario(draw):
    n = draw(st.integers(2, 5))
    names = NAMES[:n]

    def table(lo, hi):
        values = draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n))
        return {k: round(v, 2) for k, v in zip(names, values, strict=True)}

    kwargs = {"name": "r", "total_budget_eok": round(draw(st.floats(5, 60)), 2)}
    if draw(st.booleans()):
        kwargs["floor_eok"] = table(0, 12)
    if draw(st.booleans()):
        kwargs["cap_eok"] = table(12, 25)
    if draw(st.booleans()):
        kwargs["previous_eok"] = table(2, 15)
        kwargs["stability_delta"] = round(draw(st.floats(0, 0.5)), 2)
    if draw(st.booleans()):
        kwargs["max_per_capita_ratio"] = round(draw(st.floats(1, 3)), 2)
    if draw(st.booleans()):
        kwargs["tiers"] = {"가": [8.0, 12.0], "나": [3.0, 8.0]}
        kwargs["grades"] = {k: draw(st.sampled_from(["가", "나"])) for k in names}
    return _districts(n), Scenario(**kwargs)


@settings(max_examples=30, deadline=None)
@given(_random_scenario())
def test_property_solution_meets_every_bound_or_the_named_groups_are_an_irreducible_conflict(
    case,
):
    from cgresearch.allocation.diagnosis import _feasible
    from cgresearch.allocation.envelope_lp import prepare_data

    d, s = case
    res = solve_envelopes(d, s)
    data = prepare_data(d, s)
    if res.status == "optimal":
        x = res.table["amount_eok"].to_numpy()
        tol = 1e-6
        assert x.sum() == pytest.approx(s.total_budget_eok, abs=tol)
        for lo in (data.floor, data.stab_lo, data.tier_lo):
            assert np.all(np.isnan(lo) | (x >= lo - tol))
        for hi in (data.cap, data.stab_hi, data.tier_hi):
            assert np.all(np.isnan(hi) | (x <= hi + tol))
        if s.max_per_capita_ratio is not None:
            pc = x * data.k
            assert pc.max() <= s.max_per_capita_ratio * pc.min() + 1e-6 * pc.max()
        return
    assert res.status == "infeasible"
    conflicts = set(res.diagnosis.conflicts)
    assert conflicts and res.diagnosis.message
    # The named groups conflict on their own, and each one is needed for the conflict.
    assert not _feasible(data, conflicts)
    for group in conflicts:
        assert _feasible(data, conflicts - {group})


def test_formula_objective_with_conflicting_bounds_reports_the_bound_conflict_first():
    # Floors of 4 x 3 = 12 above a total of 10: no allocation, formula or not, can meet them.
    s = Scenario(name="fx", total_budget_eok=10, objective="formula", floor_eok=4)
    diag = diagnose(_districts(3), s)
    assert diag.conflicts == ("budget", "floors")
    assert diag.message.startswith("floors sum to 12억원, above the total of 10억원")


def test_the_quick_diagnosis_a_sweep_records_solves_at_most_one_lp(monkeypatch):
    import cgresearch.allocation.diagnosis as diagnosis_module
    from cgresearch.allocation import EnvelopeModel

    calls = []
    original = diagnosis_module._solve_groups
    monkeypatch.setattr(
        diagnosis_module,
        "_solve_groups",
        lambda *a, **k: calls.append(1) or original(*a, **k),
    )
    d = _districts(3)
    # Floors 4 x 3 = 12 above a total of 10: a gap of 2, found without any LP.
    res = EnvelopeModel(d, Scenario(name="q", total_budget_eok=10, floor_eok=4)).solve(
        diagnose="quick"
    )
    assert res.status == "infeasible" and calls == []
    assert res.quick_diagnosis.conflicts == ("budget", "floors")
    assert "sum to 12.00억원, above the total of 10억원: raise the total by 2.00억원" in (
        res.quick_diagnosis.message
    )
    # Per-capita amounts equal within 1.01 but a cap forces one gu lower: one elastic LP.
    s = Scenario(
        name="q2",
        total_budget_eok=30,
        cap_eok={NAMES[0]: 1},
        max_per_capita_ratio=1.01,
    )
    res = EnvelopeModel(d, s).solve(diagnose="quick")
    assert res.status == "infeasible" and len(calls) == 1
    assert res.quick_diagnosis.conflicts == ("equity",)


def test_a_fresh_solve_diagnoses_quickly_and_explains_in_full_only_when_asked(monkeypatch):
    import cgresearch.allocation.diagnosis as diagnosis_module

    calls = []
    original = diagnosis_module._solve_groups
    monkeypatch.setattr(
        diagnosis_module,
        "_solve_groups",
        lambda *a, **k: calls.append(1) or original(*a, **k),
    )
    # Floors 4 x 3 = 12 above a total of 10: the quick diagnosis needs no LP.
    res = solve_envelopes(_districts(3), Scenario(name="f", total_budget_eok=10, floor_eok=4))
    assert res.status == "infeasible" and calls == []
    assert res.quick_diagnosis.conflicts == ("budget", "floors")
    # The full explanation (deletion filter and elastic LPs) is made on first use, once.
    full = res.diagnosis
    assert len(calls) > 1 and full.conflicts == ("budget", "floors")
    assert full.fixes["relax_eok"].round(6).tolist() == [2.0, 2.0]
    made = len(calls)
    assert res.diagnosis is full and len(calls) == made

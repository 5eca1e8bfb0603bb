"""The unique objectives: closed forms against independent solves, and the five properties.

Properties (hypothesis, over random indicators, weights and per-gu floors and caps):
resource monotonicity, need monotonicity, symmetry, order independence and continuity, for
every objective :data:`OBJECTIVE_PROPERTIES` claims them for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from cgresearch.allocation import EnvelopeModel, Scenario, load_scenario, solve_envelopes
from cgresearch.allocation.objectives import OBJECTIVE_PROPERTIES, water_fill
from cgresearch.data.districts import load_districts
from cgresearch.paths import scenarios_dir

MONOTONE = [o for o, p in OBJECTIVE_PROPERTIES.items() if p["resource"] == "yes"]


def _bisect(base, slope, lower, upper, total):
    """An independent solve of Σ clip(base + λ slope) = total by plain bisection on λ."""
    lo, hi = -1e6, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.clip(base + mid * slope, lower, upper).sum() < total:
            lo = mid
        else:
            hi = mid
    return np.clip(base + hi * slope, lower, upper)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 20)), min_size=2, max_size=8),
    st.data(),
)
def test_water_fill_matches_bisection_for_both_closed_forms(targets, data):
    t = np.array(targets)
    n = t.size
    amounts = st.one_of(st.just(0.0), st.floats(1e-3, 5))
    lower = np.array(data.draw(st.lists(amounts, min_size=n, max_size=n)))
    extra = np.array(data.draw(st.lists(amounts, min_size=n, max_size=n)))
    upper = np.where(np.arange(n) % 3 == 2, np.inf, lower + extra)
    top = upper.sum() if np.isfinite(upper).all() else lower.sum() + 50
    total = data.draw(st.floats(float(lower.sum()), float(top)))
    for base, slope in ((t, np.ones(n)), (np.zeros(n), t)):
        if not (slope > 0).any() and not np.isclose(np.clip(base, lower, upper).sum(), total):
            continue
        if slope.sum() == 0:
            continue
        if np.clip(base + 1e6 * slope, lower, upper).sum() < total - 1e-6:
            continue  # out of reach of the λ range (a gu with a zero target holds no money)
        x, _ = water_fill(base, slope, lower, upper, total)
        np.testing.assert_allclose(x, _bisect(base, slope, lower, upper, total), atol=1e-7)
        assert x.sum() == pytest.approx(total, abs=1e-9 * max(1, total))


def test_equal_adjustment_is_the_least_squares_optimum_found_by_scipy():
    # min ½Σ(x − t)² s.t. Σx = B, lo ≤ x ≤ hi, solved by SLSQP as an outside check.
    t = np.array([7.1, 9.16, 12.0, 15.3, 6.4])
    lo = np.array([8.0, 8.0, 8.0, 8.0, 0.0])
    hi = np.array([13.0, 13.0, 11.0, 13.0, 13.0])
    budget = 50.0
    x, lam = water_fill(t, np.ones(5), lo, hi, budget)
    ref = minimize(
        lambda v: 0.5 * np.sum((v - t) ** 2),
        np.full(5, budget / 5),
        jac=lambda v: v - t,
        bounds=list(zip(lo, hi, strict=True)),
        constraints=[{"type": "eq", "fun": lambda v: v.sum() - budget}],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    np.testing.assert_allclose(x, ref.x, atol=1e-6)
    # every gu between its bounds sits on its target plus the one common adjustment λ
    free = (x > lo + 1e-9) & (x < hi - 1e-9)
    np.testing.assert_allclose(x[free] - t[free], lam, atol=1e-12)


def _districts(pop, elderly):
    n = len(pop)
    return pd.DataFrame(
        {
            "adm_code": list(range(11010, 11010 + 10 * n, 10)),
            "name_ko": [f"{chr(0xAC00 + 588 * i)}구" for i in range(n)],
            "pop_total_2017q1": pop,
            "pop_65plus_2017q1": elderly,
        }
    )


@st.composite
def _case(draw):
    n = draw(st.integers(2, 6))
    pop = draw(st.lists(st.integers(20_000, 700_000), min_size=n, max_size=n))
    old = draw(st.lists(st.floats(0.05, 0.3), min_size=n, max_size=n))
    elderly = [round(p * f) for p, f in zip(pop, old, strict=True)]
    budget = draw(st.floats(20, 300))
    w_base = draw(st.sampled_from([0.0, 0.2, 0.5]))
    w_old = draw(st.sampled_from([0.0, 0.3]))
    weights = {"pop": 1 - w_base - w_old}
    if w_base:
        weights["base"] = w_base
    if w_old:
        weights["elderly"] = w_old
    floor = draw(st.lists(st.floats(0, 0.9), min_size=n, max_size=n))
    cap = draw(st.lists(st.floats(1.1, 3.0), min_size=n, max_size=n))
    return pop, elderly, budget, weights, floor, cap


def _solve(objective, pop, elderly, budget, weights, floor, cap, order=None):
    d = _districts(pop, elderly)
    n = len(pop)
    names = list(d["name_ko"])
    s = Scenario(
        name="p",
        total_budget_eok=budget,
        objective=objective,
        weights=weights,
        floor_eok={names[i]: floor[i] for i in range(n)},
        cap_eok={names[i]: cap[i] for i in range(n)},
    )
    if order is not None:
        d = d.iloc[order].reset_index(drop=True)
    res = EnvelopeModel(d, s).solve(diagnose=False)
    assert res.ok, res.message
    return pd.Series(res.amounts, index=list(d["name_ko"]))


def _bounds(case, scale_to):
    pop, floor, cap = case[0], case[4], case[5]
    n = len(pop)
    return [f * scale_to / n for f in floor], [c * scale_to / n for c in cap]


@pytest.mark.parametrize("objective", MONOTONE)
@settings(max_examples=40, deadline=None)
@given(_case(), st.floats(1e-3, 0.05))
def test_raising_the_total_never_lowers_a_gu_and_moves_each_by_at_most_the_raise(
    objective, case, step
):
    pop, elderly, budget, weights = case[:4]
    lo, hi = _bounds(case, budget)
    a = _solve(objective, pop, elderly, budget, weights, lo, hi)
    more = budget * (1 + step)
    b = _solve(objective, pop, elderly, more, weights, lo, hi)
    change = b - a
    assert change.min() >= -1e-9  # resource monotonicity
    assert change.max() <= more - budget + 1e-9  # continuity: Lipschitz 1 in the total


@pytest.mark.parametrize(
    "objective", [o for o, p in OBJECTIVE_PROPERTIES.items() if p["need"] == "yes"]
)
@settings(max_examples=40, deadline=None)
@given(_case(), st.floats(0.01, 1.0), st.integers(0, 5))
def test_raising_one_gus_need_never_lowers_its_amount(objective, case, rise, which):
    pop, elderly, budget, weights = case[:4]
    i = which % len(pop)
    lo, hi = _bounds(case, budget)
    a = _solve(objective, pop, elderly, budget, weights, lo, hi)
    pop2, old2 = list(pop), list(elderly)
    pop2[i] = round(pop2[i] * (1 + rise))
    old2[i] = round(old2[i] * (1 + rise))
    b = _solve(objective, pop2, old2, budget, weights, lo, hi)
    assert b.iloc[i] >= a.iloc[i] - 1e-9


@pytest.mark.parametrize(
    "objective", [o for o, p in OBJECTIVE_PROPERTIES.items() if p["symmetry"] == "yes"]
)
@settings(max_examples=40, deadline=None)
@given(_case(), st.permutations(range(6)))
def test_equal_gu_get_equal_amounts_and_the_order_of_the_gu_does_not_matter(objective, case, perm):
    pop, elderly, budget, weights, floor, cap = case
    n = len(pop)
    pop, elderly, floor, cap = list(pop), list(elderly), list(floor), list(cap)
    pop[1], elderly[1], floor[1], cap[1] = pop[0], elderly[0], floor[0], cap[0]
    lo, hi = _bounds((pop, elderly, budget, weights, floor, cap), budget)
    a = _solve(objective, pop, elderly, budget, weights, lo, hi)
    assert a.iloc[0] == pytest.approx(a.iloc[1], rel=1e-9, abs=1e-9)  # symmetry
    order = [k for k in perm if k < n]
    b = _solve(objective, pop, elderly, budget, weights, lo, hi, order=order)
    np.testing.assert_allclose(b[a.index].to_numpy(), a.to_numpy(), rtol=1e-9, atol=1e-9)


def test_proportional_with_a_fixed_base_amount_can_lower_a_gu_when_the_total_rises():
    # base_eok = 5 each, the rest by population (shares .25, .001, .749); 가구 is capped at 1.
    # Free gu get λ·t; with B = 30, t = 5 + 15 s = (8.75, 5.015, 16.235) and
    # λ = (30 − 1) / (5.015 + 16.235). At B = 31, t = 5 + 16 s, λ = 30 / (5.016 + 16.984).
    # 나구: 5.015 · 29 / 21.25 = 6.8440 → 5.016 · 30 / 22 = 6.8400: it loses 0.004억원.
    d = _districts([250_000, 1_000, 749_000], [1, 1, 1])
    s = Scenario(
        name="p",
        total_budget_eok=30,
        objective="proportional",
        weights={"pop": 1},
        base_eok=5,
        cap_eok={"가구": 1},
    )
    a = solve_envelopes(d, s).table["amount_eok"].to_numpy()
    b = solve_envelopes(d, s.with_overrides({"total_budget_eok": 31})).table["amount_eok"]
    assert a[1] == pytest.approx(5.015 * 29 / 21.25, abs=1e-9)
    assert b.to_numpy()[1] == pytest.approx(5.016 * 30 / 22, abs=1e-9)
    assert b.to_numpy()[1] < a[1]
    assert OBJECTIVE_PROPERTIES["proportional"]["resource"] != "yes"


def test_old_l1_objective_takes_from_jungnang_when_the_total_rises_and_the_default_does_not():
    # Issue 11, measured on scenarios/need_goal_stable.toml: 250 → 251억원 and 중랑구 loses 1.26.
    d = load_districts()
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    goal = base.with_overrides({"objective": "goal"})
    a, b = (
        solve_envelopes(d, goal.with_overrides({"total_budget_eok": t})).table.set_index("name_ko")[
            "amount_eok"
        ]
        for t in (250, 251)
    )
    assert (b - a)["중랑구"] == pytest.approx(-1.26, abs=0.005)
    assert base.objective == "equal_adjustment"
    a, b = (
        solve_envelopes(d, base.with_overrides({"total_budget_eok": t})).table.set_index("name_ko")[
            "amount_eok"
        ]
        for t in (250, 251)
    )
    assert (b - a).min() >= -1e-9 and (b - a).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("relative", [False, True])
def test_the_highs_qp_agrees_with_the_closed_form_it_generalises(relative):
    # least_squares (HiGHS QP) with w = 1 is equal_adjustment; with w ∝ 1/t it is proportional.
    d = load_districts()
    s = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dev = "relative" if relative else "absolute"
    qp = solve_envelopes(d, s.with_overrides({"objective": "least_squares", "deviation": dev}))
    closed = "proportional" if relative else "equal_adjustment"
    cf = solve_envelopes(d, s.with_overrides({"objective": closed}))
    np.testing.assert_allclose(qp.amounts, cf.amounts, atol=1e-7)

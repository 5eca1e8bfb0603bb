"""Whole units: Webster keeps the total and the bounds and never takes a unit away as the total
grows; largest remainder does (the Alabama paradox)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import Scenario, load_scenario, solve_envelopes
from cgresearch.allocation.rounding import round_to_units
from cgresearch.data.districts import load_districts
from cgresearch.errors import ParameterError
from cgresearch.paths import scenarios_dir


def test_largest_remainder_shows_the_alabama_paradox_and_webster_does_not():
    # Shares 6:6:2 of 10 and of 11 units. Quotas 4.29, 4.29, 1.43 → floors 4, 4, 1 and the last
    # unit to the largest remainder (.43, 다구): 4, 4, 2. With 11: 4.71, 4.71, 1.57 → 4, 4, 1 and
    # two units to the remainders .71, .71: 5, 5, 1. 다구 loses a unit as the total grows.
    shares = np.array([6.0, 6.0, 2.0]) / 14
    lr10 = round_to_units(shares * 10, 1.0, method="largest_remainder")
    lr11 = round_to_units(shares * 11, 1.0, method="largest_remainder")
    assert lr10.tolist() == [4.0, 4.0, 2.0] and lr11.tolist() == [5.0, 5.0, 1.0]
    wb10 = round_to_units(shares * 10, 1.0)
    wb11 = round_to_units(shares * 11, 1.0)
    assert wb10.sum() == 10 and wb11.sum() == 11
    assert np.all(wb11 >= wb10)


def _webster_by_divisor(q, house):
    """An independent Webster: bisection on the divisor, round half up; None at an exact tie."""
    lo, hi = 1e-9, q.sum() * 4 + 1
    for _ in range(200):
        d = (lo + hi) / 2
        seats = np.floor(q / d + 0.5).sum()
        if seats > house:
            lo = d
        elif seats < house:
            hi = d
        else:
            return np.floor(q / d + 0.5)
    return None


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(0.01, 50), min_size=2, max_size=8),
    st.integers(1, 60),
    st.integers(1, 20),
)
def test_webster_is_house_monotone_exact_and_matches_the_divisor_definition(weights, house, more):
    q = np.array(weights)
    small = round_to_units(q / q.sum() * house, 1.0)
    large = round_to_units(q / q.sum() * (house + more), 1.0)
    assert small.sum() == house and large.sum() == house + more
    assert np.all(large >= small)
    ref = _webster_by_divisor(q, house)
    if ref is not None:
        np.testing.assert_array_equal(small, ref)


def test_rounded_scenario_keeps_the_total_exact_and_each_gu_within_its_bounds():
    d = load_districts()
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    res = solve_envelopes(d, base.with_overrides({"rounding_unit_eok": 0.01}))
    x = res.table["amount_eok"].to_numpy()
    units = x / 0.01
    np.testing.assert_allclose(units, np.round(units), atol=1e-6)
    assert x.sum() == pytest.approx(250.0, abs=1e-9)
    assert np.all(x >= 8 - 1e-9) and np.all(x <= 12 + 1e-9)  # floor 8; ±20% of 10 caps at 12
    free = solve_envelopes(d, base).table["amount_eok"].to_numpy()
    assert np.abs(x - free).max() <= 0.01


def test_a_rounding_unit_that_does_not_fit_names_the_key():
    with pytest.raises(ParameterError, match="rounding_unit_eok"):
        Scenario(name="r", total_budget_eok=250, rounding_unit_eok=300)
    with pytest.raises(ParameterError, match="whole number of units"):
        Scenario(name="r", total_budget_eok=250, rounding_unit_eok=0.3)
    s = Scenario(name="r", total_budget_eok=250, rounding_unit_eok=25)  # 10 units for 25 gu
    with pytest.raises(ParameterError, match="larger than the smallest envelope"):
        solve_envelopes(load_districts(), s)

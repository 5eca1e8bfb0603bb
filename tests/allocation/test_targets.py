"""Formula targets: count (share-of-total) and rate (per-capita) need indicators.

The shares are worked by hand on a three-gu table (exact fractions), and a property test shows
what the rate forms are for: a gu that grows without changing its rate keeps its target.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import INDICATORS, Scenario
from cgresearch.allocation.targets import INDICATOR_FORMS, formula_allocation
from cgresearch.errors import InputError

# Three gu: 가 small and old, 나 large and fiscally strong, 다 small and sprawling.
POP = [100_000, 200_000, 100_000]
OLD = [20_000, 20_000, 10_000]
AREA = [10.0, 10.0, 40.0]
FI = [20.0, 60.0, 50.0]


def _table(pop=POP, old=OLD, area=AREA, fi=FI) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adm_code": [1, 2, 3],
            "name_ko": ["가구", "나구", "다구"],
            "pop_total_2017q1": pop,
            "pop_65plus_2017q1": old,
            "area_km2_2014": area,
            "fiscal_independence_pct_kosis_year_unverified": fi,
        }
    )


def _amounts(weights: dict[str, float], total: float = 130.0, table=None) -> list[float]:
    s = Scenario(name="t", total_budget_eok=total, weights=weights, weights_sum=1.0)
    return formula_allocation(_table() if table is None else table, s)["amount_eok"].tolist()


# By hand:  elderly_rate = 65+/pop       = 0.2, 0.1, 0.1     -> shares 1/2, 1/4, 1/4
#           elderly (count)              = 20k, 20k, 10k    -> shares 2/5, 2/5, 1/5
#           fiscal_gap = 1 − FI/100      = 0.8, 0.4, 0.5    -> shares 8/17, 4/17, 5/17
#           fiscal_need = pop·gap        = 80k, 80k, 50k    -> shares 8/21, 8/21, 5/21
#           density = pop/area           = 10k, 20k, 2.5k   -> shares 4/13, 8/13, 1/13
HAND_SHARES = {
    "elderly_rate": [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
    "elderly": [Fraction(2, 5), Fraction(2, 5), Fraction(1, 5)],
    "fiscal_gap": [Fraction(8, 17), Fraction(4, 17), Fraction(5, 17)],
    "fiscal_need": [Fraction(8, 21), Fraction(8, 21), Fraction(5, 21)],
    "density": [Fraction(4, 13), Fraction(8, 13), Fraction(1, 13)],
}


@pytest.mark.parametrize("key", sorted(HAND_SHARES))
def test_each_indicator_splits_the_budget_by_its_hand_computed_shares(key: str) -> None:
    expected = [float(130 * s) for s in HAND_SHARES[key]]
    assert _amounts({key: 1.0}) == pytest.approx(expected, rel=1e-12)


def test_a_mix_of_rate_forms_weights_the_hand_computed_shares() -> None:
    # ½ elderly_rate + ½ fiscal_gap on 340억원: 340 (½·½ + ½·8/17) = 85 + 80 = 165 for 가구
    weights = {"elderly_rate": 0.5, "fiscal_gap": 0.5}
    expected = [
        float(340 * (Fraction(1, 2) * a + Fraction(1, 2) * b))
        for a, b in zip(HAND_SHARES["elderly_rate"], HAND_SHARES["fiscal_gap"], strict=True)
    ]
    assert expected[0] == 165.0
    assert _amounts(weights, total=340.0) == pytest.approx(expected, rel=1e-12)


def test_every_indicator_key_declares_its_form() -> None:
    assert set(INDICATOR_FORMS) == set(INDICATORS)
    assert {k for k, f in INDICATOR_FORMS.items() if f == "rate"} == {
        "elderly_rate",
        "fiscal_gap",
        "density",
    }


@settings(max_examples=50, deadline=None)
@given(st.floats(1.5, 20.0), st.sampled_from([0, 1, 2]))
def test_a_gu_that_grows_at_the_same_rate_keeps_its_rate_target_but_not_its_count_target(
    factor: float, gu: int
) -> None:
    pop, old = list(POP), list(OLD)
    pop[gu] *= factor
    old[gu] *= factor  # the same share of residents aged 65+
    grown = _table(pop=pop, old=old)
    assert _amounts({"elderly_rate": 1.0}, table=grown) == pytest.approx(
        _amounts({"elderly_rate": 1.0}), rel=1e-12
    )
    assert _amounts({"fiscal_gap": 1.0}, table=grown) == pytest.approx(
        _amounts({"fiscal_gap": 1.0}), rel=1e-12
    )
    # the count forms move money to the grown gu
    assert _amounts({"elderly": 1.0}, table=grown)[gu] > _amounts({"elderly": 1.0})[gu]
    assert _amounts({"fiscal_need": 1.0}, table=grown)[gu] > _amounts({"fiscal_need": 1.0})[gu]


def test_a_zero_area_cannot_divide_the_density_and_says_where() -> None:
    with pytest.raises(InputError, match="row 2, column 'area_km2_2014'"):
        _amounts({"density": 1.0}, table=_table(area=[10.0, 10.0, 0.0]))

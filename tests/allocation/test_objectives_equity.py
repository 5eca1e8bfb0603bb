"""The unique objectives under a per-capita equity bound (``max_per_capita_ratio``).

HiGHS' QP solver returned a non-optimal vertex as "optimal" on this problem (two gu were enough),
so the bound is solved by a convex search over the band's level; these tests check it against a
hand-worked case and against scipy's SLSQP on random small cases.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from cgresearch.allocation import Scenario, solve_envelopes


def _two_gu() -> pd.DataFrame:
    return pd.DataFrame(
        {"adm_code": [1, 2], "name_ko": ["가구", "나구"], "pop_total_2017q1": [100_000, 200_000]}
    )


def test_targets_inside_the_equity_bound_are_kept() -> None:
    # base 0.5 / population 0.5 of 5억: targets 2.0833 and 2.9167, per capita ratio 1.43 < 2
    s = Scenario(
        name="r", total_budget_eok=5.0, weights={"base": 0.5, "pop": 0.5}, max_per_capita_ratio=2.0
    )
    x = solve_envelopes(_two_gu(), s).table["amount_eok"].to_numpy()
    np.testing.assert_allclose(x, [5 * (0.25 + 0.5 / 3), 5 * (0.25 + 0.5 * 2 / 3)], atol=1e-9)


def test_a_binding_equity_bound_gives_the_hand_worked_amounts() -> None:
    # equal targets 2.5 and 2.5; per capita 2.5/1e5 vs 2.5/2e5 is a ratio of 2 > 1.5, so the
    # bound binds: x1/1e5 = 1.5 x2/2e5, i.e. x1 = 0.75 x2, and x1 + x2 = 5: x2 = 20/7, x1 = 15/7
    s = Scenario(name="r", total_budget_eok=5.0, weights={"base": 1.0}, max_per_capita_ratio=1.5)
    result = solve_envelopes(_two_gu(), s)
    assert result.status == "optimal"
    x = result.table["amount_eok"].to_numpy()
    np.testing.assert_allclose(x, [float(Fraction(15, 7)), float(Fraction(20, 7))], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    pops=st.lists(st.integers(50_000, 600_000), min_size=3, max_size=6),
    base=st.floats(0.0, 1.0),
    total=st.floats(20.0, 200.0),
    ratio=st.floats(1.05, 3.0),
)
def test_the_equity_bounded_least_squares_equals_an_independent_slsqp_solve(
    pops: list[int], base: float, total: float, ratio: float
) -> None:
    d = pd.DataFrame(
        {
            "adm_code": range(1, len(pops) + 1),
            "name_ko": [f"{i}구" for i in range(len(pops))],
            "pop_total_2017q1": pops,
        }
    )
    s = Scenario(
        name="r",
        total_budget_eok=total,
        weights={"base": base, "pop": 1.0 - base},
        max_per_capita_ratio=ratio,
    )
    result = solve_envelopes(d, s)
    assert result.status == "optimal"
    x = result.table["amount_eok"].to_numpy()
    t = result.table["target_eok"].to_numpy()
    p = np.asarray(pops, float)
    # the same problem written out by hand: min Σ (x − t)², Σ x = total, x_i/p_i ≤ r x_j/p_j
    cons = [{"type": "eq", "fun": lambda v: v.sum() - total}]
    for i in range(len(p)):
        for j in range(len(p)):
            if i != j:
                cons.append(
                    {"type": "ineq", "fun": lambda v, i=i, j=j: ratio * v[j] / p[j] - v[i] / p[i]}
                )
    ref = minimize(
        lambda v: float(np.sum((v - t) ** 2)),
        t.copy(),
        constraints=cons,
        bounds=[(0, None)] * len(p),
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    # ours is at least as good as SLSQP's point (where SLSQP's point is feasible, to 1e-9) and,
    # the problem being strictly convex, the same point
    ref_pc = ref.x / p
    if ref.success and ref_pc.max() <= ratio * ref_pc.min() * (1 + 1e-9):
        assert np.sum((x - t) ** 2) <= ref.fun + 1e-7 * max(1.0, ref.fun)
        np.testing.assert_allclose(x, ref.x, atol=1e-4 * total)
    pc = x / p
    assert pc.max() <= ratio * pc.min() * (1 + 1e-9)
    assert x.sum() == pytest.approx(total, abs=1e-7 * total)


# --- the equity bound's shadow price ---------------------------------------------------------
def _hand_optimum(ratio: float, total: float) -> tuple[np.ndarray, float]:
    """Two gu of 100,000 and 300,000 people, equal targets total/2, the bound binding.

    The richer per-capita gu (가구) is held at ratio × the other's per-capita amount:
    x1/1e5 = ratio · x2/3e5, x1 + x2 = total, so x2 = 3 total/(3 + ratio), x1 = total − x2.
    Returns the amounts and F = ½ Σ (x − t)².
    """
    x2 = 3 * total / (3 + ratio)
    x = np.array([total - x2, x2])
    return x, 0.5 * float(np.sum((x - total / 2) ** 2))


def _three_gu() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adm_code": [1, 2, 3],
            "name_ko": ["가구", "나구", "다구"],
            "pop_total_2017q1": [100_000, 300_000, 200_000],
        }
    )


def test_the_equity_bound_price_equals_a_finite_difference_of_the_hand_worked_optimum() -> None:
    # B = 20, equal targets 10 and 10: per capita 1e4 vs 3.3e3 is a ratio of 3 > 2, so R = 2
    # binds: x = (8, 12), F = 4. In the test: F(R ± h) from the closed form above.
    d = pd.DataFrame(
        {"adm_code": [1, 2], "name_ko": ["가구", "나구"], "pop_total_2017q1": [100_000, 300_000]}
    )
    s = Scenario(name="e", total_budget_eok=20.0, weights={"base": 1.0}, max_per_capita_ratio=2.0)
    result = solve_envelopes(d, s)
    np.testing.assert_allclose(result.amounts, [8.0, 12.0], atol=1e-7)
    h = 1e-5
    dF_dR = (_hand_optimum(2.0 + h, 20.0)[1] - _hand_optimum(2.0 - h, 20.0)[1]) / (2 * h)
    assert dF_dR == pytest.approx(-9.6, rel=1e-6)  # by hand: −2 · 2 · 60/(3 + R)² = −9.6
    prices = result.shadow_prices.set_index("constraint")
    # The table reports the improvement per 0.1 of the ratio: −0.1 dF/dR.
    assert prices.loc["ratio", "improvement"] == pytest.approx(-0.1 * dF_dR, rel=1e-4)
    text = prices.loc["ratio", "text"]
    assert text.startswith("loosening the per-capita equity bound from 2 by 0.1 lowers")
    assert "squared deviations" in text and "0.96억원²" in text
    # The budget with the targets moving along (t = B/2 each): F = ½ Σ (x(B) − B/2)².
    dF_dB = (_hand_optimum(2.0, 20.0 + h)[1] - _hand_optimum(2.0, 20.0 - h)[1]) / (2 * h)
    assert dF_dB == pytest.approx(0.4, rel=1e-6)  # x = (0.4 B, 0.6 B): F = 0.01 B²
    assert prices.loc["budget", "improvement"] == pytest.approx(-dF_dB, rel=1e-4)


def test_the_equity_bound_price_equals_a_finite_difference_of_independent_slsqp_solves() -> None:
    # Three gu, targets by base 0.5 / population 0.5 of 30억; R = 1.3 binds with one gu free.
    d = _three_gu()
    s = Scenario(
        name="e3",
        total_budget_eok=30.0,
        weights={"base": 0.5, "pop": 0.5},
        max_per_capita_ratio=1.3,
    )
    result = solve_envelopes(d, s)
    t = result.table["target_eok"].to_numpy()
    p = d["pop_total_2017q1"].to_numpy(float)

    def least(ratio: float) -> float:
        cons = [{"type": "eq", "fun": lambda v: v.sum() - 30.0}]
        for i in range(3):
            for j in range(3):
                if i != j:
                    cons.append(
                        {
                            "type": "ineq",
                            "fun": lambda v, i=i, j=j: ratio * v[j] / p[j] - v[i] / p[i],
                        }
                    )
        ref = minimize(
            lambda v: 0.5 * float(np.sum((v - t) ** 2)),
            t.copy(),
            constraints=cons,
            bounds=[(0, None)] * 3,
            method="SLSQP",
            options={"ftol": 1e-15, "maxiter": 1000},
        )
        assert ref.success
        return float(ref.fun)

    h = 1e-2
    dF_dR = (least(1.3 + h) - least(1.3 - h)) / (2 * h)
    assert dF_dR < 0  # the bound binds: loosening it helps
    price = result.shadow_prices.set_index("constraint").loc["ratio", "improvement"]
    assert price == pytest.approx(-0.1 * dF_dR, rel=1e-3)


def test_a_slack_equity_bound_has_no_price() -> None:
    # Targets 2.0833 and 2.9167 have a per-capita ratio of 1.43 < 2: the bound does not bind.
    s = Scenario(
        name="r", total_budget_eok=5.0, weights={"base": 0.5, "pop": 0.5}, max_per_capita_ratio=2.0
    )
    prices = solve_envelopes(_two_gu(), s).shadow_prices
    assert "ratio" not in set(prices["constraint"])

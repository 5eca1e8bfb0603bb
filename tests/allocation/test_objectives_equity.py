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
    # the problem being strictly convex, the same point. SLSQP may overstep the ratio by up to
    # that 1e-9; by the envelope theorem that buys it at most (price per unit of ratio) × overstep
    # of objective, so that much is allowed on top of the solvers' tolerance.
    ref_pc = ref.x / p
    if ref.success and ref_pc.max() <= ratio * ref_pc.min() * (1 + 1e-9):
        equity = result.shadow_prices[result.shadow_prices["group"] == "equity"]
        per_unit = 10 * abs(float(equity["improvement"].iloc[0])) if len(equity) else 0.0
        overstep = max(0.0, ref_pc.max() / ref_pc.min() - ratio)
        slack = 2 * per_unit * overstep * 1.5  # 2: Σ(x − t)² is twice the model's ½Σ(x − t)²
        assert np.sum((x - t) ** 2) <= ref.fun + 1e-7 * max(1.0, ref.fun) + slack
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


def _golden_reference(t, w, k, lo, hi, budget, r):
    """The golden-section search the package used before (kept as an independent reference).

    Over the lowest per-capita level ``L``: the band ``L/k ≤ x ≤ rL/k`` within the box, a
    weighted water-fill for each ``L`` (``water_fill`` has its own hand-worked tests), the convex
    optimal value minimised by golden section on the feasible interval found by bisection.
    """
    from cgresearch.allocation.objectives import water_fill

    def box(level):
        return np.maximum(lo, level / k), np.minimum(hi, r * level / k)

    def bisect(pred, a, b):
        for _ in range(200):
            mid = (a + b) / 2
            a, b = (a, mid) if pred(mid) else (mid, b)
            if b - a <= 1e-15 * max(1.0, abs(b)):
                break
        return b

    left, right = float(np.max(k * lo) / r), float(np.min(k * hi))
    right = min(right, float(np.max(k)) * budget)
    if box(left)[1].sum() < budget:
        left = bisect(lambda v: box(v)[1].sum() >= budget, left, right)
    if box(right)[0].sum() > budget:
        right = -bisect(lambda v: box(-v)[0].sum() <= budget, -right, -left)

    def solve(level):
        a, b = box(level)
        x, _ = water_fill(t, 1.0 / w, np.minimum(a, b), b, budget)
        return float(0.5 * np.sum(w * (x - t) ** 2)), x

    golden = (np.sqrt(5.0) - 1) / 2
    c, d = right - golden * (right - left), left + golden * (right - left)
    fc, fd = solve(c)[0], solve(d)[0]
    for _ in range(300):
        if right - left <= 1e-14 * max(1.0, abs(right)):
            break
        if fc <= fd:
            right, d, fd = d, c, fc
            c = right - golden * (right - left)
            fc = solve(c)[0]
        else:
            left, c, fc = c, d, fd
            d = left + golden * (right - left)
            fd = solve(d)[0]
    return solve((left + right) / 2)[1]


@settings(max_examples=80, deadline=None)
@given(
    pops=st.lists(st.integers(50_000, 600_000), min_size=2, max_size=25),
    base=st.floats(0.0, 1.0),
    total=st.floats(20.0, 400.0),
    ratio=st.floats(1.02, 3.0),
    floor_share=st.floats(0.0, 0.8),
    cap_share=st.one_of(st.none(), st.floats(1.05, 3.0)),
)
def test_the_exact_equity_search_equals_the_golden_section_reference_within_its_accuracy(
    pops: list[int],
    base: float,
    total: float,
    ratio: float,
    floor_share: float,
    cap_share: float | None,
) -> None:
    n = len(pops)
    d = pd.DataFrame(
        {
            "adm_code": range(1, n + 1),
            "name_ko": [f"{i}구" for i in range(n)],
            "pop_total_2017q1": pops,
        }
    )
    floor = floor_share * total / n
    cap = None if cap_share is None else cap_share * total / n
    s = Scenario(
        name="r",
        total_budget_eok=total,
        weights={"base": base, "pop": 1.0 - base},
        max_per_capita_ratio=ratio,
        floor_eok=floor,
        cap_eok=cap,
    )
    result = solve_envelopes(d, s)
    t = result.table["target_eok"].to_numpy()
    p = np.asarray(pops, float)
    lo = np.full(n, floor)
    hi = np.full(n, np.inf if cap is None else cap)
    k = 1e8 / p
    if result.status != "optimal":
        # infeasible: no level L gives a band whose box sums can reach the total
        pc_lo, pc_hi = float(np.max(k * lo) / ratio), float(np.min(k * hi))
        levels = np.linspace(pc_lo, min(pc_hi, float(np.max(k)) * total), 2001)
        reach = [
            np.maximum(lo, v / k).sum() <= total <= np.minimum(hi, ratio * v / k).sum()
            for v in levels
        ]
        assert pc_lo > pc_hi or not any(reach)
        return
    x = result.table["amount_eok"].to_numpy()
    ref = _golden_reference(t, np.ones(n), k, lo, hi, total, ratio)
    # Golden section compares function values, so it places the minimum only to about √ε of the
    # flat optimum (amounts to ~1e-8 of the total): the exact search gives the same point within
    # the reference's own accuracy (its exactness: the hand-worked fractions below).
    np.testing.assert_allclose(x, ref, rtol=0, atol=1e-7 * max(1.0, total))


def test_the_exact_equity_search_gives_the_exact_fractions_of_a_hand_worked_case() -> None:
    # Four gu of 50,000 people and one of 91,207, equal targets 4 (base weight only), 20억원,
    # ratio 1.5: the small gu are the richer per person, so x_s/50,000 = 1.5 x_b/91,207, i.e.
    # x_s = a x_b with a = 75,000/91,207, and 4 x_s + x_b = 20: x_b = 20/(4a + 1), x_s = a x_b.
    # (The golden-section search the package used before was 1.5e-8 off here.)
    d = pd.DataFrame(
        {
            "adm_code": range(1, 6),
            "name_ko": [f"{i}구" for i in range(5)],
            "pop_total_2017q1": [50_000] * 4 + [91_207],
        }
    )
    s = Scenario(name="r", total_budget_eok=20.0, weights={"base": 1.0}, max_per_capita_ratio=1.5)
    x = solve_envelopes(d, s).table["amount_eok"].to_numpy()
    a = Fraction(75_000, 91_207)
    x_b = Fraction(20) / (4 * a + 1)
    expected = [float(a * x_b)] * 4 + [float(x_b)]
    # the water-fill meets the budget to 1e-9 of the total (its tolerance)
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-9 * 20 / 2)

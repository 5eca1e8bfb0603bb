"""The least-regret pick over several criteria, on small hand-made result tables.

Each table has the columns :func:`cgresearch.sweeps.read_results` writes for two gu; every
criterion value and every regret below is worked out by hand in the comments.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ParameterError
from cgresearch.sweeps.analysis import scenario_table
from cgresearch.sweeps.regret import least_regret_pick

GU = [(11110, "종로구", "Jongno-gu"), (11140, "중구", "Jung-gu")]
EQUAL = {"formula_fit_pct": 1, "metric.gini": 1, "stability_change_pct": 1, "n_at_bound": 1}


def frame(scenarios: list[dict]) -> pd.DataFrame:
    """Long results from per-scenario dicts: point, draw, amounts, targets, previous, binding,
    gini (missing amounts and ``status`` other than optimal give an infeasible scenario)."""
    rows = []
    for sid, s in enumerate(scenarios):
        status = s.get("status", "optimal")
        good = status == "optimal"
        for j, (code, ko, en) in enumerate(GU):
            rows.append(
                {
                    "scenario_id": sid,
                    "point": s["point"],
                    "draw": s.get("draw", 0),
                    "param.floor_eok": s["point"] * 2.0,
                    "status": status,
                    "message": "" if good else "floors above the total",
                    "conflicts": "" if good else "floors",
                    "adm_code": code,
                    "name_ko": ko,
                    "name_en": en,
                    "amount_eok": s["amounts"][j] if good else np.nan,
                    "target_eok": s["targets"][j] if good else np.nan,
                    "previous_eok": s["previous"][j],
                    "per_capita_krw": s["amounts"][j] * 1000 if good else np.nan,
                    "binding": s["binding"][j] if good else "",
                    "metric.gini": s["gini"] if good else np.nan,
                }
            )
    return pd.DataFrame(rows)


# Three points on a total of 10억원, targets (5, 5):
#   A: amounts (6, 4), last year (5, 5), one gu at its floor, Gini 0.10
#      fit = 100 (1 - ½ (1 + 1) / 10) = 90; moved = 100 (1 + 1) / 10 = 20 %; 1 gu at a bound
#   B: amounts (7, 3), last year (7, 3), no bound, Gini 0.05
#      fit = 100 (1 - ½ (2 + 2) / 10) = 80; moved 0 %; 0 gu at a bound
#   C: amounts (5, 5), last year (7, 3), both gu at a bound, Gini 0.20
#      fit 100; moved = 100 (2 + 2) / 10 = 40 %; 2 gu at a bound
A = {"amounts": [6, 4], "previous": [5, 5], "binding": ["", "floor"], "gini": 0.10}
B = {"amounts": [7, 3], "previous": [7, 3], "binding": ["", ""], "gini": 0.05}
C = {"amounts": [5, 5], "previous": [7, 3], "binding": ["cap", "floor"], "gini": 0.20}


def three_points(draw: int = 0) -> list[dict]:
    return [{"point": i, "draw": draw, "targets": [5, 5], **s} for i, s in enumerate((A, B, C))]


def test_scenario_table_derives_stability_and_bound_counts_by_hand():
    table = scenario_table(frame(three_points())).set_index("point")
    assert table["formula_fit_pct"].tolist() == pytest.approx([90, 80, 100])
    assert table["stability_change_pct"].tolist() == pytest.approx([20, 0, 40])
    assert table["n_at_bound"].tolist() == [1, 0, 2]


def test_equal_weights_pick_the_balanced_point_not_the_closest_to_the_formula():
    # Spreads: fit 100 - 80 = 20, Gini 0.20 - 0.05 = 0.15, moved 40, bounds 2. Regrets (each /4):
    #   A: fit 10/20, Gini 0.05/0.15, moved 20/40, bounds 1/2 -> (1/2 + 1/3 + 1/2 + 1/2)/4 = 11/24
    #   B: fit 20/20, the rest 0 -> 1/4
    #   C: fit 0, Gini 1, moved 1, bounds 1 -> 3/4
    pick = least_regret_pick(frame(three_points()), weights=EQUAL)
    table = pick.to_frame().set_index("point")
    expected = {0: Fraction(11, 24), 1: Fraction(1, 4), 2: Fraction(3, 4)}
    for point, value in expected.items():
        assert table.at[point, "max_regret"] == pytest.approx(float(value), abs=1e-12)
    assert pick.point == 1
    assert pick.overrides == {"floor_eok": 2.0}
    assert table["rank"].to_dict() == {1: 1, 0: 2, 2: 3}
    assert table.at[0, "regret.metric.gini"] == pytest.approx(1 / 3)


def test_formula_fit_alone_picks_the_least_constrained_point():
    pick = least_regret_pick(frame(three_points()), weights={"formula_fit_pct": 1})
    assert pick.point == 2
    assert pick.max_regret == 0.0


def test_weights_are_normalised_and_shift_the_pick():
    # fit 0.7, the others 0.1 each: A 0.35 + 0.1/3 + 0.05 + 0.05 = 29/60; B 0.7; C 0.3 -> C
    weights = {"formula_fit_pct": 7, "metric.gini": 1, "stability_change_pct": 1, "n_at_bound": 1}
    pick = least_regret_pick(frame(three_points()), weights=weights)
    assert pick.weights == pytest.approx(
        {"formula_fit_pct": 0.7, "metric.gini": 0.1, "stability_change_pct": 0.1, "n_at_bound": 0.1}
    )
    table = pick.to_frame().set_index("point")
    assert table.at[0, "max_regret"] == pytest.approx(29 / 60)
    assert table.at[1, "max_regret"] == pytest.approx(0.7)
    assert pick.point == 2 and pick.max_regret == pytest.approx(0.3)


def test_the_worst_draw_decides_and_an_infeasible_draw_rules_a_point_out():
    # Draw 1 swaps A's and B's figures, and C is infeasible in it (unbounded regret, ranked last).
    draw1 = [
        {"point": 0, "draw": 1, "targets": [5, 5], **B},
        {"point": 1, "draw": 1, "targets": [5, 5], **A},
        {"point": 2, "draw": 1, "targets": [5, 5], **C, "status": "infeasible"},
    ]
    # Without C in draw 1 the spreads change: fit 90 - 80 = 10, Gini 0.05, moved 20, bounds 1:
    # A (as point 1) regrets 0 + 1 + 1 + 1 -> 3/4; B (point 0) 1 + 0 + 0 + 0 -> 1/4.
    pick = least_regret_pick(frame(three_points() + draw1), weights=EQUAL)
    table = pick.to_frame().set_index("point")
    assert table.at[0, "max_regret"] == pytest.approx(11 / 24)  # max(11/24, 1/4)
    assert table.at[1, "max_regret"] == pytest.approx(3 / 4)  # max(1/4, 3/4)
    assert table.at[2, "max_regret"] == np.inf
    assert table.at[2, "n_infeasible_draws"] == 1
    assert pick.point == 0


def test_a_criterion_equal_for_every_point_adds_no_regret():
    same = [{"point": i, "targets": [5, 5], **A} for i in range(3)]
    pick = least_regret_pick(frame(same), weights=EQUAL)
    assert pick.to_frame()["max_regret"].tolist() == [0.0, 0.0, 0.0]
    assert pick.point == 0


@settings(max_examples=40, deadline=None)
@given(st.permutations([0, 1, 2]))
def test_the_pick_does_not_depend_on_the_order_of_the_rows(order):
    rows = frame(three_points())
    shuffled = pd.concat([rows[rows["point"] == p] for p in order], ignore_index=True)
    assert least_regret_pick(shuffled, weights=EQUAL).point == 1


@pytest.mark.parametrize(
    ("weights", "named"),
    [
        ({"fairness": 1}, "'fairness'"),
        ({"metric.gini": -1}, "'metric.gini'"),
        ({"metric.gini": 0}, "at least one criterion"),
    ],
)
def test_bad_weights_are_refused_with_the_key_named(weights, named):
    with pytest.raises(ParameterError, match=named):
        least_regret_pick(frame(three_points()), weights=weights)

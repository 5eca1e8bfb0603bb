"""Analysis views of sweep results, on small hand-made result tables with hand-derived answers.

Each table has the columns :func:`cgresearch.sweeps.read_results` writes; the expected frontier,
main effects, percentiles, groups and regrets are worked out in the comments (or by numpy).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from cgresearch.errors import ParameterError
from cgresearch.sweeps.analysis import (
    equity_efficiency_frontier,
    infeasible_groups,
    monte_carlo_ranges,
    robust_pick,
    scenario_table,
    tornado,
)

GU = [(11110, "종로구", "Jongno-gu"), (11140, "중구", "Jung-gu")]


def results_frame(scenarios: list[dict]) -> pd.DataFrame:
    """Long results: one row per scenario × district from per-scenario dicts.

    A scenario dict has ``point``, ``draw``, ``params`` (dict), optional ``status``,
    ``conflicts``, ``message``, ``amounts`` (one per gu), ``targets`` and ``metrics``.
    """
    rows = []
    for sid, s in enumerate(scenarios):
        status = s.get("status", "optimal")
        amounts = s.get("amounts", [np.nan] * len(GU))
        targets = s.get("targets", amounts)
        for (code, ko, en), amount, target in zip(GU, amounts, targets, strict=True):
            row = {"scenario_id": sid, "point": s["point"], "draw": s.get("draw", 0)}
            row.update({f"param.{k}": v for k, v in s["params"].items()})
            row.update(
                status=status,
                message=s.get("message", ""),
                conflicts=s.get("conflicts", ""),
                adm_code=code,
                name_ko=ko,
                name_en=en,
                amount_eok=amount if status == "optimal" else np.nan,
                target_eok=target if status == "optimal" else np.nan,
                per_capita_krw=amount * 1000 if status == "optimal" else np.nan,
            )
            row.update({f"metric.{k}": v for k, v in s.get("metrics", {}).items()})
            rows.append(row)
    return pd.DataFrame(rows)


def test_formula_fit_is_the_share_of_budget_placed_at_the_targets():
    # amounts (6, 4) against targets (5, 5): ½(1 + 1) = 1억원 of 10 moved -> 90 %
    frame = results_frame([{"point": 0, "params": {"b": 10}, "amounts": [6, 4], "targets": [5, 5]}])
    table = scenario_table(frame)
    assert table["formula_fit_pct"].iloc[0] == pytest.approx(90.0)
    assert table["total_eok"].iloc[0] == pytest.approx(10.0)
    assert table["min_per_capita_krw"].iloc[0] == pytest.approx(4000.0)


def test_frontier_keeps_exactly_the_non_dominated_points():
    # (gini, fit): A (0.10, 80), B (0.20, 90), C (0.15, 70) dominated by A, D (0.30, 90)
    # dominated by B (same fit, less equal), E (0.05, 60): frontier = E, A, B
    points = {"A": (0.10, 80), "B": (0.20, 90), "C": (0.15, 70), "D": (0.30, 90), "E": (0.05, 60)}
    scen = [
        {"point": i, "params": {"label_id": i}, "amounts": [1, 1], "metrics": {"gini": g, "fit": f}}
        for i, (g, f) in enumerate(points.values())
    ]
    frontier = equity_efficiency_frontier(results_frame(scen), efficiency="metric.fit")
    on = frontier.pareto()
    labels = list(points)
    assert [labels[i] for i in on["param.label_id"]] == ["E", "A", "B"]
    assert frontier.to_frame()["on_frontier"].sum() == 3


def test_frontier_averages_each_point_over_its_draws():
    # point 0: gini 0.1 and 0.3 -> 0.2; fit 80 and 100 -> 90; point 1 (0.25, 85) is dominated
    scen = [
        {"point": 0, "draw": 0, "params": {"x": 0}, "amounts": [1, 1],
         "metrics": {"gini": 0.1, "fit": 80}},
        {"point": 0, "draw": 1, "params": {"x": 0}, "amounts": [1, 1],
         "metrics": {"gini": 0.3, "fit": 100}},
        {"point": 1, "draw": 0, "params": {"x": 1}, "amounts": [1, 1],
         "metrics": {"gini": 0.25, "fit": 85}},
        {"point": 1, "draw": 1, "params": {"x": 1}, "amounts": [1, 1],
         "metrics": {"gini": 0.25, "fit": 85}},
    ]  # fmt: skip
    pts = equity_efficiency_frontier(results_frame(scen), efficiency="metric.fit").to_frame()
    p0 = pts.set_index("point").loc[0]
    assert p0["metric.gini"] == pytest.approx(0.2) and p0["metric.fit"] == pytest.approx(90)
    assert pts.set_index("point")["on_frontier"].to_dict() == {0: True, 1: False}


def test_tornado_recovers_the_main_effects_of_an_additive_factorial():
    # amount = a·p1 + b·p2 on the full 3 × 2 factorial; a = (1, 0.5), b = (0.1, 0.3).
    # Main effect of p1 (1 -> 3) = 2a = (2, 1); of p2 (10 -> 20) = 10b = (1, 3).
    # 종로구 moves most with p1 (2억원), 중구 with p2 (3억원).
    a, b = np.array([1.0, 0.5]), np.array([0.1, 0.3])
    scen = [
        {"point": i, "params": {"p1": p1, "p2": p2}, "amounts": list(a * p1 + b * p2)}
        for i, (p1, p2) in enumerate(itertools.product([1, 2, 3], [10, 20]))
    ]
    scen.append({"point": 6, "params": {"p1": 9, "p2": 99}, "status": "infeasible"})
    t = tornado(results_frame(scen))
    top = t.top().set_index("name_ko")
    assert top.loc["종로구", "parameter"] == "p1"
    assert top.loc["종로구", "swing_eok"] == pytest.approx(2.0)
    assert top.loc["중구", "parameter"] == "p2"
    assert top.loc["중구", "swing_eok"] == pytest.approx(3.0)
    rows = t.for_district("Jongno-gu").set_index("parameter")
    # at p1 = 1 the mean over p2 ∈ {10, 20} is 1 + 0.1 · 15 = 2.5
    assert rows.loc["p1", "amount_at_low_eok"] == pytest.approx(2.5)
    assert rows.loc["p1", "amount_at_high_eok"] == pytest.approx(4.5)
    assert (rows.loc["p1", "low_level"], rows.loc["p1", "high_level"]) == ("1", "3")
    assert rows.loc["p2", "swing_eok"] == pytest.approx(1.0)
    # base line: 종로구 mean over the 6 optimal runs = 1·2 + 0.1·15 = 3.5 (infeasible left out)
    assert rows["base_eok"].tolist() == pytest.approx([3.5, 3.5])


def test_tornado_bins_a_sampled_parameter_into_quantiles():
    # amount = p for p = 1..10; 5 quantile bins {1,2}, ..., {9,10}: means 1.5 .. 9.5 -> swing 8
    scen = [
        {"point": i, "params": {"p": p}, "amounts": [p, 2 * p]} for i, p in enumerate(range(1, 11))
    ]
    top = tornado(results_frame(scen), bins=5).top().set_index("name_ko")
    assert top.loc["종로구", "swing_eok"] == pytest.approx(8.0)
    assert top.loc["중구", "swing_eok"] == pytest.approx(16.0)
    assert top.loc["종로구", "amount_at_low_eok"] == pytest.approx(1.5)


def test_monte_carlo_ranges_equal_numpy_percentiles():
    rng = np.random.default_rng(0)
    draws = rng.normal(10, 1, size=(40, 2))
    scen = [
        {"point": p, "draw": d, "params": {"x": p}, "amounts": list(draws[d] + 5 * p)}
        for p in (0, 1)
        for d in range(40)
    ]
    ranges = monte_carlo_ranges(results_frame(scen), point=1, percentiles=(5, 50, 95))
    t = ranges.to_frame().set_index("name_ko")
    col = draws[:, 0] + 5
    assert t.loc["종로구", "n"] == 40
    assert t.loc["종로구", "min"] == pytest.approx(col.min())
    assert t.loc["종로구", "max"] == pytest.approx(col.max())
    for q in (5, 50, 95):
        assert t.loc["종로구", f"p{q}"] == pytest.approx(np.percentile(col, q))
    with pytest.raises(ParameterError, match="no parameter point 7"):
        monte_carlo_ranges(results_frame(scen), point=7)


def test_infeasible_scenarios_are_grouped_by_status_and_conflicts():
    ok = {"amounts": [1, 1]}
    scen = [{"point": i, "params": {"budget": 250 + i}, **ok} for i in range(5)]
    for i, budget in enumerate([200, 210, 220]):
        scen.append(
            {
                "point": 5 + i,
                "params": {"budget": budget},
                "status": "infeasible",
                "conflicts": "budget; floors",
                "message": f"floors need 250, budget {budget}",
            }
        )
    scen.append(
        {
            "point": 8,
            "params": {"budget": 320},
            "status": "infeasible",
            "conflicts": "budget; stability",
            "message": "stability",
        }
    )
    scen.append({"point": 9, "params": {"budget": 230}, "status": "invalid",
                 "message": "floor_eok above cap_eok"})  # fmt: skip
    groups = infeasible_groups(results_frame(scen)).to_frame()
    assert groups["n_scenarios"].tolist() == [3, 1, 1]
    first = groups.iloc[0]
    assert (first["status"], first["conflicts"]) == ("infeasible", "budget; floors")
    assert first["share"] == pytest.approx(0.3)
    assert (first["param.budget min"], first["param.budget max"]) == (200, 220)
    assert first["example_message"] == "floors need 250, budget 200"
    assert set(groups["status"]) == {"infeasible", "invalid"}


def test_no_infeasible_scenario_gives_an_empty_group_table():
    scen = [{"point": 0, "params": {"b": 1}, "amounts": [1, 1]}]
    assert infeasible_groups(results_frame(scen)).to_frame().empty


def _regret_frame(values: dict[int, list[float | None]]) -> pd.DataFrame:
    scen = []
    for point, per_draw in values.items():
        for draw, v in enumerate(per_draw):
            s = {"point": point, "draw": draw, "params": {"x": point}}
            if v is None:
                s["status"] = "infeasible"
            else:
                s.update(amounts=[1, 1], metrics={"value": v})
            scen.append(s)
    return results_frame(scen)


def test_robust_pick_minimises_the_maximum_regret():
    # best per draw (max): (12, 9, 9); regrets p0 (2, 1, 0) -> 2, p1 (3, 0, 0) -> 3,
    # p2 (0, 4, 2) -> 4: the pick is point 0 with maximum regret 2
    values = {0: [10, 8, 9], 1: [9, 9, 9], 2: [12, 5, 7]}
    pick = robust_pick(_regret_frame(values), criterion="metric.value", sense="max")
    assert pick.point == 0 and pick.max_regret == pytest.approx(2.0)
    assert pick.overrides == {"x": 0}
    assert pick.to_frame().set_index("point")["max_regret"].to_dict() == {0: 2, 1: 3, 2: 4}


def test_robust_pick_treats_an_infeasible_draw_as_unbounded_regret():
    # point 3 is best where feasible but infeasible in draw 2; best per draw becomes (13, 10, 9):
    # regrets p0 (3, 2, 0) -> 3, p1 (4, 1, 0) -> 4, p2 (1, 5, 2) -> 5, p3 -> inf
    values = {0: [10, 8, 9], 1: [9, 9, 9], 2: [12, 5, 7], 3: [13, 10, None]}
    pick = robust_pick(_regret_frame(values), criterion="metric.value", sense="max")
    table = pick.to_frame().set_index("point")
    assert pick.point == 0 and pick.max_regret == pytest.approx(3.0)
    assert table.loc[3, "n_infeasible_draws"] == 1 and table.loc[3, "rank"] == 4


def test_robust_pick_with_smaller_is_better_breaks_ties_by_mean_regret():
    # best per draw (min): (9, 5, 7); regrets p0 (1, 3, 2) -> max 3, mean 2; p1 (0, 4, 2) -> 4;
    # p2 (3, 0, 0) -> max 3, mean 1: p2 wins the tie with p0
    values = {0: [10, 8, 9], 1: [9, 9, 9], 2: [12, 5, 7]}
    pick = robust_pick(_regret_frame(values), criterion="metric.value", sense="min")
    assert pick.point == 2 and pick.max_regret == pytest.approx(3.0)


def test_unknown_criterion_is_named():
    values = {0: [1.0], 1: [2.0]}
    with pytest.raises(ParameterError, match=r"metric\.nope"):
        robust_pick(_regret_frame(values), criterion="metric.nope")


def test_frontier_ignores_solver_round_off():
    # the same allocation solved twice: Gini 0.0601967503681216(24|86), fit 99.99999999999999 / 100
    scen = [
        {"point": 0, "params": {"x": 0}, "amounts": [1, 1],
         "metrics": {"gini": 0.060196750368121624, "fit": 99.99999999999999}},
        {"point": 1, "params": {"x": 1}, "amounts": [1, 1],
         "metrics": {"gini": 0.060196750368121686, "fit": 100.0}},
    ]  # fmt: skip
    pts = equity_efficiency_frontier(results_frame(scen), efficiency="metric.fit").to_frame()
    assert pts["on_frontier"].sum() == 1

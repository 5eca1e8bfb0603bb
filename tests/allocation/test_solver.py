"""Tests of cgresearch.allocation.solver against hand-derived optima, duals and brute force."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pulp
import pytest

from cgresearch.allocation.solver import SolveResult, affine, solve
from cgresearch.errors import ModelError, ParameterError

CBC = "PULP_CBC_CMD" in pulp.listSolvers(onlyAvailable=True)
SOLVERS = ["highs", pytest.param("cbc", marks=pytest.mark.skipif(not CBC, reason="no CBC"))]


def _wyndor(rhs3: float = 18.0) -> pulp.LpProblem:
    # Hillier & Lieberman's Wyndor Glass LP plus a column z that is not worth producing:
    #   max 3x + 5y + 0.5z  s.t.  x <= 4 (c1), 2y <= 12 (c2), 3x + 2y + z <= rhs3 (c3), x,y,z >= 0.
    # Optimum x=2, y=6, z=0, objective 36. Dual prices solve y1*1 + y3*3 = 3 (x basic) and
    # 2*y2 + 2*y3 = 5 (y basic) with y1 = 0 (c1 slack 2): y3 = 1, y2 = 1.5. Reduced cost of z:
    # 0.5 - 1*y3 = -0.5 (one unit of z lowers the objective by 0.5).
    prob = pulp.LpProblem("wyndor", pulp.LpMaximize)
    x, y, z = (prob.add_variable(n, lowBound=0) for n in "xyz")
    prob += affine([x, y, z], [3, 5, 0.5])
    prob += (x <= 4, "c1")
    prob += (2 * y <= 12, "c2")
    prob += (affine([x, y, z], [3, 2, 1]) <= rhs3, "c3")
    return prob


def _diet(rhs_a: float = 4.0) -> pulp.LpProblem:
    # min 2x + 3y  s.t.  x + y >= rhs_a (a), x + 3y >= 6 (b), x, y >= 0.
    # Both rows bind at x=3, y=1 (cost 9). Duals u, v solve u + v = 2, u + 3v = 3: v = 0.5,
    # u = 1.5. Raising a right-hand side raises the cost, so the *improvement* is -1.5 and -0.5.
    prob = pulp.LpProblem("diet", pulp.LpMinimize)
    x, y = prob.add_variable("x", 0), prob.add_variable("y", 0)
    prob += 2 * x + 3 * y
    prob += (x + y >= rhs_a, "a")
    prob += (x + 3 * y >= 6, "b")
    return prob


@pytest.mark.parametrize("solver", SOLVERS)
def test_max_lp_duals_are_objective_improvement_per_unit_of_rhs(solver: str) -> None:
    res = solve(_wyndor(), solver=solver)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(36.0)
    assert res.value("x") == pytest.approx(2.0) and res.value("y") == pytest.approx(6.0)
    assert res.duals == pytest.approx({"c1": 0.0, "c2": 1.5, "c3": 1.0}, abs=1e-9)
    assert res.reduced_costs["z"] == pytest.approx(-0.5)
    assert res.slacks == pytest.approx({"c1": 2.0, "c2": 0.0, "c3": 0.0}, abs=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_lp_duals_are_negative_when_raising_rhs_costs_more(solver: str) -> None:
    res = solve(_diet(), solver=solver)
    assert res.objective == pytest.approx(9.0)
    assert res.duals == pytest.approx({"a": -1.5, "b": -0.5}, abs=1e-9)


def test_duals_match_finite_difference_of_resolved_models() -> None:
    # Independent check: re-solve with the right-hand side one unit larger.
    base, up = solve(_wyndor(18.0)), solve(_wyndor(19.0))
    assert up.objective - base.objective == pytest.approx(base.duals["c3"])
    base, up = solve(_diet(4.0)), solve(_diet(5.0))
    # improvement when minimising = old cost - new cost
    assert base.objective - up.objective == pytest.approx(base.duals["a"])


def test_equality_row_dual_follows_the_same_sign_rule() -> None:
    # max 2x + y  s.t.  x + y = 4 (e), x <= 3 (cap): x = 3, y = 1, objective 7.
    # One more unit in e goes to y (+1); one more unit of cap moves one unit from y to x (+2 - 1).
    prob = pulp.LpProblem("eq", pulp.LpMaximize)
    x, y = prob.add_variable("x", 0), prob.add_variable("y", 0)
    prob += 2 * x + y
    prob += (x + y == 4, "e")
    prob += (x <= 3, "cap")
    res = solve(prob)
    assert res.objective == pytest.approx(7.0)
    assert res.duals == pytest.approx({"e": 1.0, "cap": 1.0})


def test_binary_knapsack_matches_brute_force_and_reports_gap() -> None:
    rng = np.random.default_rng(7)
    value, weight = rng.integers(1, 50, 12), rng.integers(1, 30, 12)
    cap = int(weight.sum() // 3)
    best = max(
        sum(value[i] for i in s)
        for r in range(13)
        for s in itertools.combinations(range(12), r)
        if sum(weight[i] for i in s) <= cap
    )
    prob = pulp.LpProblem("knap", pulp.LpMaximize)
    x = prob.add_variable_dicts("x", range(12), cat=pulp.LpBinary)
    prob += affine(x, dict(enumerate(value)))
    prob += affine(x, dict(enumerate(weight))) <= cap
    res = solve(prob)
    assert res.status == "optimal" and res.is_mip
    assert res.objective == pytest.approx(best)
    assert res.mip_gap is not None and 0.0 <= res.mip_gap <= 1e-4
    assert res.duals is None  # no duals for a MIP


def _market_split(seed: int = 3, m: int = 5, n: int = 45) -> pulp.LpProblem:
    # Cornuéjols & Dawande's market split instances are notoriously hard for branch and bound.
    # With slack variables a feasible point (x = 0) always exists, but proving optimality takes
    # far longer than the limit used below.
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, (m, n))
    b = a.sum(axis=1) // 2
    prob = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = prob.add_variable_dicts("x", range(n), cat=pulp.LpBinary)
    sp = prob.add_variable_dicts("sp", range(m), lowBound=0)
    sm = prob.add_variable_dicts("sm", range(m), lowBound=0)
    prob += affine(list(sp.values()) + list(sm.values()))
    for i in range(m):
        prob += affine([*x.values(), sp[i], sm[i]], [*a[i], 1, -1]) == int(b[i])
    return prob


def test_time_limit_is_reported_even_when_pulp_says_optimal() -> None:
    prob = _market_split()
    res = solve(prob, time_limit=0.3)
    assert prob.status == pulp.LpStatusOptimal  # PuLP's own word after a time limit...
    assert res.status == "time_limit"  # ...is not ours
    assert not res.optimal
    assert res.has_solution and res.objective is not None
    assert "not proven optimal" in res.message
    assert res.time_s < 5.0


def test_infeasible_model_has_plain_message_and_no_solution() -> None:
    prob = pulp.LpProblem("bad", pulp.LpMinimize)
    x = prob.add_variable("x", 0)
    prob += x
    prob += (x >= 2, "floor")
    prob += (x <= 1, "cap")
    res = solve(prob)
    assert res.status == "infeasible" and not res.has_solution
    with pytest.raises(ModelError, match="infeasible"):
        res.require_solution("envelope model")


def test_unbounded_model_is_reported_as_unbounded() -> None:
    prob = pulp.LpProblem("open", pulp.LpMaximize)
    x, y = prob.add_variable("x", 0), prob.add_variable("y", 0)
    prob += x + y
    prob += (x - y <= 1, "r")
    assert solve(prob).status == "unbounded"


def test_log_is_captured_and_nothing_reaches_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    res = solve(_wyndor())
    out, _ = capfd.readouterr()
    assert out == ""
    assert "HiGHS" in res.log and "Optimal" in res.log


def test_no_deprecation_warning_from_pulp() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        res = solve(_wyndor())
    assert isinstance(res, SolveResult)


def test_result_frames_list_variables_and_constraints() -> None:
    res = solve(_wyndor())
    vf, cf = res.to_frame(), res.constraints_frame()
    assert set(vf["variable"]) == {"x", "y", "z"}
    assert cf.set_index("constraint")["binding"].to_dict() == {"c1": False, "c2": True, "c3": True}


def test_affine_adds_repeated_variables_and_checks_lengths() -> None:
    prob = pulp.LpProblem("p", pulp.LpMaximize)
    x = prob.add_variable("x", 0)
    expr = affine([x, x], [2.0, 3.0], constant=1.0)
    assert dict(expr) == {x: 5.0} and expr.constant == 1.0
    with pytest.raises(ParameterError, match="2 variables but 1 coefficients"):
        affine([x, x], [1.0])


def test_bad_options_raise_parameter_error() -> None:
    with pytest.raises(ParameterError, match="unknown solver"):
        solve(_wyndor(), solver="simplex-by-hand")
    with pytest.raises(ParameterError, match="time_limit"):
        solve(_wyndor(), time_limit=0)


def test_unknown_solver_dual_sign_is_inferred_from_inequality_rows() -> None:
    # A solver missing from the table gets its sign from the rule "raising the rhs of a <= row
    # cannot hurt": on Wyndor, HiGHS' raw row duals (-0, -1.5, -1) imply a factor of -1 (the
    # same as the table's entry for HiGHS), CBC's (0, 1.5, 1) a factor of +1.
    from cgresearch.allocation.solver import _dual_factor

    prob = _wyndor()
    solve(prob)
    cons = prob.constraints()
    raw = [c.pi for c in cons]
    assert raw == pytest.approx([0.0, -1.5, -1.0])
    assert _dual_factor("SOME_SOLVER", pulp.LpMaximize, cons, raw) == -1.0
    assert _dual_factor("SOME_SOLVER", pulp.LpMaximize, cons, [-p for p in raw]) == 1.0


def test_threads_option_works_after_highs_has_already_run() -> None:
    # HiGHS refuses a new thread count once its pool exists ("not_solved" with an ERROR line in
    # the log); the solver layer rebuilds the pool so the request is honoured.
    solve(_wyndor())
    for threads in (1, 2, None):
        res = solve(_wyndor(), threads=threads)
        assert res.status == "optimal" and res.objective == pytest.approx(36.0)

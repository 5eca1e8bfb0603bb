"""Envelope goal-programming LP (25 gu): re-solve time through EnvelopeModel vs raw highspy.

The planners' path (the dashboard, the sweeps) is ``EnvelopeModel.solve(overrides)``: validate the
overridden scenario, recompute targets and bounds, update the kept HiGHS model, solve from a cold
start (so that the answer is the one ``solve_envelopes`` gives) and assemble the result with its
equity metrics. It is timed on a sequence of ``N_SOLVES`` budget and weight changes of the
``need_goal_stable`` example scenario (floors, caps, ±20 % stability), against, in the same run:

- the sweep path: ``EnvelopeModel.solve(overrides, diagnose=False).district_columns()``, what
  each scenario of a sweep costs a worker (a second model, same steps);
- raw highspy, warm: the same LP kept in a ``highspy.Highs`` object; per step only the new
  right-hand sides (budget and targets) are passed and HiGHS re-solves from its last basis (the
  issue's reference, 0.17 ms there);
- raw highspy, cold: the same, clearing the solver state before each run (what our path does);
- ``solve_envelopes`` (PuLP model built and solved each time).

Goal: ≤ 5 ms per re-solve through EnvelopeModel. Each figure is the median over the sequence; the
three re-solve paths are timed alternately, step by step, so that a busy machine slows them alike
(wall time and process CPU time are both printed).
Run: ``.venv/bin/python -m benchmarks.envelopes``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from cgresearch.allocation import EnvelopeModel, load_scenario, solve_envelopes
from cgresearch.allocation.envelopes import _build_lp, _prepare
from cgresearch.allocation.solver import _new_highs
from cgresearch.data.districts import load_districts
from cgresearch.paths import scenarios_dir

N_SOLVES = 200
GOAL_MS = 5.0


def _steps(n: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(7)
    steps = []
    for _ in range(n):
        pop = float(rng.uniform(0.2, 0.6))
        steps.append(
            {
                "total_budget_eok": float(rng.uniform(235, 265)),
                "weights.base": 0.2,
                "weights.pop": pop,
                "weights.elderly": 0.6 - pop,
                "weights.fiscal_need": 0.2,
            }
        )
    return steps


def _raw_model(lp):
    """A highspy model of the LP's active rows (built once, outside the timings)."""
    h = _new_highs()
    active = ~np.isnan(lp.rhs)
    ncol = len(lp.col_names)
    h.addVars(ncol, lp.col_lb, lp.col_ub)
    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), lp.cost)
    rows_of = np.cumsum(active) - 1
    keep = active[lp.a_row] & (lp.a_val != 0)
    a_row = rows_of[lp.a_row[keep]]
    order = np.argsort(a_row, kind="stable")
    m = int(active.sum())
    lo, hi = lp.row_bounds()
    h.addRows(
        m,
        lo[active],
        hi[active],
        int(keep.sum()),
        np.searchsorted(a_row[order], np.arange(m)).astype(np.int32),
        lp.a_col[keep][order],
        lp.a_val[keep][order],
    )
    changed_rows = np.flatnonzero(np.isin(lp.row_group, ["budget", "goal"]) & active)
    return h, rows_of[changed_rows].astype(np.int32), changed_rows


def _interleaved(districts, scenario, steps) -> dict[str, tuple[float, float, np.ndarray]]:
    """Time our path and raw highspy (warm, cold) step by step, alternating, so that a busy
    machine slows all three alike. Returns name -> (median wall ms, median CPU ms, last x)."""
    base_lp = _build_lp(_prepare(districts, scenario))
    # The new right-hand sides for raw HiGHS are computed before the clocks start.
    raw = {name: _raw_model(base_lp) for name in ("warm", "cold")}
    rows = raw["warm"][2]
    rhs = [_build_lp(_prepare(districts, scenario.with_overrides(s))).rhs[rows] for s in steps]
    model = EnvelopeModel(districts, scenario)
    model.solve(steps[0])  # the first solve builds the HiGHS model
    sweep = EnvelopeModel(districts, scenario)
    sweep.solve(steps[0])
    wall: dict[str, list[float]] = {"ours": [], "sweep": [], "warm": [], "cold": []}
    cpu: dict[str, list[float]] = {"ours": [], "sweep": [], "warm": [], "cold": []}
    last: dict[str, np.ndarray] = {}
    n = len(districts)
    for step, values in zip(steps, rhs, strict=True):
        w, c = time.perf_counter(), time.process_time()
        last["ours"] = model.solve(step).amounts
        wall["ours"].append(time.perf_counter() - w)
        cpu["ours"].append(time.process_time() - c)
        w, c = time.perf_counter(), time.process_time()
        last["sweep"] = sweep.solve(step, diagnose=False).district_columns()["amount_eok"]
        wall["sweep"].append(time.perf_counter() - w)
        cpu["sweep"].append(time.process_time() - c)
        for name in ("warm", "cold"):
            h, idx, _ = raw[name]
            w, c = time.perf_counter(), time.process_time()
            h.changeRowsBounds(idx.size, idx, values, values)
            if name == "cold":
                h.clearSolver()
            h.run()
            last[name] = np.asarray(h.getSolution().col_value)[:n]
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    return {
        k: (statistics.median(wall[k]) * 1e3, statistics.median(cpu[k]) * 1e3, last[k])
        for k in wall
    }


def _time_pulp(districts, scenario, steps) -> float:
    times = []
    for s in steps:
        start = time.perf_counter()
        solve_envelopes(districts, scenario.with_overrides(s))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    districts = load_districts()
    scenario = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    steps = _steps(N_SOLVES)
    t = _interleaved(districts, scenario, steps)
    (ours, ours_cpu, x_ours), (warm, warm_cpu, _), (cold, cold_cpu, x_cold) = (
        t["ours"],
        t["warm"],
        t["cold"],
    )
    sweep, sweep_cpu, x_sweep = t["sweep"]
    pulp_ms = _time_pulp(districts, scenario, steps[:40])
    same = np.allclose(x_ours, x_cold, atol=1e-9) and np.array_equal(x_ours, x_sweep)
    print(f"envelope goal-programming LP, 25 gu, {N_SOLVES} re-solves (median per solve)")
    print("                                            wall ms    CPU ms")
    print(f"  EnvelopeModel.solve (full planner path)  {ours:8.3f}  {ours_cpu:8.3f}")
    print(f"  sweep path (solve + district_columns)    {sweep:8.3f}  {sweep_cpu:8.3f}")
    print(f"  raw highspy re-solve, warm basis         {warm:8.3f}  {warm_cpu:8.3f}")
    print(f"  raw highspy re-solve, cold start         {cold:8.3f}  {cold_cpu:8.3f}")
    print(f"  solve_envelopes (PuLP build + solve)     {pulp_ms:8.3f}")
    print(f"  ratio EnvelopeModel / raw warm           {ours / warm:8.2f}x")
    print(f"  ratio EnvelopeModel / raw cold           {ours / cold:8.2f}x")
    print(f"  ratio solve_envelopes / raw cold         {pulp_ms / cold:8.2f}x")
    print(f"  last allocation equal to raw cold start  {same}")
    print(f"  goal met (<= {GOAL_MS} ms wall)             {ours <= GOAL_MS}")


if __name__ == "__main__":
    main()

"""Envelope goal-programming LP (25 gu): re-solve time through EnvelopeModel vs raw highspy.

The planners' path (the dashboard, the sweeps) is ``EnvelopeModel.solve(overrides)``: validate the
overridden scenario, recompute targets and bounds, update the kept HiGHS model, solve from a cold
start (so that the answer is the one ``solve_envelopes`` gives) and assemble the result with its
equity metrics. It is timed on a sequence of ``N_SOLVES`` budget and weight changes of the
``need_goal_stable`` example scenario (floors, caps, ±20 % stability), against, in the same run:

- raw highspy, warm: the same LP kept in a ``highspy.Highs`` object; per step only the new
  right-hand sides (budget and targets) are passed and HiGHS re-solves from its last basis (the
  issue's reference, 0.17 ms there);
- raw highspy, cold: the same, clearing the solver state before each run (what our path does);
- ``solve_envelopes`` (PuLP model built and solved each time).

Goal: ≤ 5 ms per re-solve through EnvelopeModel. Each figure is the median over the sequence.
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


def _time_raw(districts, scenario, steps, *, cold: bool) -> tuple[float, np.ndarray]:
    base_lp = _build_lp(_prepare(districts, scenario))
    h, idx, rows = _raw_model(base_lp)
    # The new right-hand sides are computed before the clock starts: only HiGHS is timed.
    rhs = [_build_lp(_prepare(districts, scenario.with_overrides(s))).rhs[rows] for s in steps]
    times, last = [], None
    for values in rhs:
        start = time.perf_counter()
        h.changeRowsBounds(idx.size, idx, values, values)
        if cold:
            h.clearSolver()
        h.run()
        last = np.asarray(h.getSolution().col_value)[: len(districts)]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, last


def _time_model(districts, scenario, steps) -> tuple[float, np.ndarray]:
    model = EnvelopeModel(districts, scenario)
    model.solve(steps[0])  # the first solve builds the HiGHS model
    times, last = [], None
    for s in steps:
        start = time.perf_counter()
        res = model.solve(s)
        times.append(time.perf_counter() - start)
        last = res.amounts
    return statistics.median(times) * 1e3, last


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
    ours, x_ours = _time_model(districts, scenario, steps)
    warm, _ = _time_raw(districts, scenario, steps, cold=False)
    cold, x_cold = _time_raw(districts, scenario, steps, cold=True)
    pulp_ms = _time_pulp(districts, scenario, steps[:40])
    same = np.allclose(x_ours, x_cold, atol=1e-9)
    print(f"envelope goal-programming LP, 25 gu, {N_SOLVES} re-solves (median per solve)")
    print(f"  EnvelopeModel.solve (full planner path)   {ours:8.3f} ms   goal <= {GOAL_MS} ms")
    print(f"  raw highspy re-solve, warm basis          {warm:8.3f} ms")
    print(f"  raw highspy re-solve, cold start          {cold:8.3f} ms")
    print(f"  solve_envelopes (PuLP build + solve)      {pulp_ms:8.3f} ms")
    print(f"  ratio EnvelopeModel / raw warm            {ours / warm:8.2f}x")
    print(f"  ratio EnvelopeModel / raw cold            {ours / cold:8.2f}x")
    print(f"  ratio solve_envelopes / raw cold          {pulp_ms / cold:8.2f}x")
    print(f"  last allocation equal to raw cold start   {same}")
    print(f"  goal met (<= {GOAL_MS} ms)                  {ours <= GOAL_MS}")


if __name__ == "__main__":
    main()

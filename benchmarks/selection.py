"""Project-selection speed: our select_projects (PuLP + HiGHS) against raw HiGHS, same instance.

(a) A random 1,126-proposal × 25-district multi-knapsack (fixed seed; cost 10-100 and score
    1-100, uncorrelated integers; envelope = 45 % of each district's asks), solved to a proven
    optimum (relative gap <= 1e-6) three ways: our
    ``select_projects`` (checks, build, solve, read back), raw HiGHS through
    ``scipy.optimize.milp`` (the issue's reference) and raw ``highspy`` (the HiGHS build our
    solver uses, fed arrays directly). Goal: ours <= 1.3 × raw.
(b) 10,000 synthetic proposals with 426 administrative-dong envelopes plus 25 district
    envelopes. Goal: <= 10 s.

Runs are interleaved (ours, scipy, highspy, ours, ...) so that load from other processes hits all
three alike, and each timing is the minimum of ``REPEATS`` runs (the least disturbed one).
Run: ``.venv/bin/python -m benchmarks.selection``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from cgresearch.allocation.selection import select_projects

REPEATS = 5
GAP = 1e-6


def knapsack_instance(seed: int = 20240611, n: int = 1126, n_gu: int = 25) -> pd.DataFrame:
    """Random proposals: cost 10-100 million KRW, score 1-100, one district each."""
    rng = np.random.default_rng(seed)
    gu = rng.integers(0, n_gu, n)
    cost = rng.integers(10, 101, n).astype(float)
    score = rng.integers(1, 101, n).astype(float)
    return pd.DataFrame(
        {
            "proposal_id": [f"P{i:04d}" for i in range(n)],
            "gu_code": 11000 + gu,
            "cost_mkrw": cost,
            "score": score,
        }
    )


def _envelopes(df: pd.DataFrame) -> dict[int, float]:
    return (0.45 * df.groupby("gu_code")["cost_mkrw"].sum()).round(0).to_dict()


def _matrix(df: pd.DataFrame, env: dict[int, float]) -> tuple[csr_matrix, np.ndarray]:
    codes = sorted(env)
    row = np.searchsorted(codes, df["gu_code"].to_numpy())
    n = len(df)
    a = csr_matrix((df["cost_mkrw"].to_numpy(float), (row, np.arange(n))), shape=(len(codes), n))
    return a, np.array([env[k] for k in codes])


def raw_scipy(df: pd.DataFrame, env: dict[int, float]) -> float:
    """Build arrays and solve with scipy.optimize.milp; return the optimum."""
    a, ub = _matrix(df, env)
    n = len(df)
    res = milp(
        -df["score"].to_numpy(float),
        constraints=LinearConstraint(a, -np.inf, ub),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": GAP},
    )
    assert res.status == 0, res.message
    return -res.fun


def raw_highspy(df: pd.DataFrame, env: dict[int, float]) -> float:
    """Build arrays and solve with highspy (the HiGHS our solver layer runs); return optimum."""
    import highspy

    a, ub = _matrix(df, env)
    n = len(df)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", GAP)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), -df["score"].to_numpy(float))
    h.changeColsIntegrality(
        n,
        np.arange(n, dtype=np.int32),
        np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
    )
    h.addRows(
        a.shape[0],
        np.full(a.shape[0], -highspy.kHighsInf),
        ub,
        a.nnz,
        a.indptr[:-1].astype(np.int32),
        a.indices.astype(np.int32),
        a.data,
    )
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return -h.getInfo().objective_function_value


def _min_times(fns: dict[str, Callable[[], object]]) -> tuple[dict[str, float], dict[str, object]]:
    best: dict[str, float] = dict.fromkeys(fns, float("inf"))
    out: dict[str, object] = {}
    for _ in range(REPEATS):
        for k, fn in fns.items():
            t = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t
            if elapsed < best[k]:  # keep the fastest run's output with its time
                best[k], out[k] = elapsed, result
    return best, out


def bench_knapsack() -> dict[str, float]:
    """Part (a): ours vs raw HiGHS on the 1,126 × 25 instance."""
    df = knapsack_instance()
    env = _envelopes(df)
    t, out = _min_times(
        {
            "ours": lambda: select_projects(df, env, mip_gap=GAP),
            "scipy": lambda: raw_scipy(df, env),
            "highspy": lambda: raw_highspy(df, env),
        }
    )
    t_ours, t_scipy, t_highs = t["ours"], t["scipy"], t["highspy"]
    res, opt_scipy, opt_highs = out["ours"], out["scipy"], out["highspy"]
    assert res.status == "optimal" and res.mip_gap is not None and res.mip_gap <= GAP
    # all three prove an optimum within the gap: their values agree to that tolerance
    for other in (opt_scipy, opt_highs):
        assert abs(res.objective - other) <= 2 * GAP * abs(other) + 1e-9, (res.objective, other)
    print(
        f"(a) selection 1,126 proposals x 25 gu, proven optimal "
        f"(gap {res.mip_gap:.1e} <= {GAP:g}), objective {res.objective:,.1f}\n"
        f"    ours select_projects   {t_ours:7.3f} s  (checks + build {res.build_s:.3f} s, "
        f"HiGHS run {res.solve_result.solver_time_s:.3f} s, everything outside HiGHS "
        f"{t_ours - res.solve_result.solver_time_s:.3f} s)\n"
        f"    raw scipy.optimize.milp{t_scipy:8.3f} s   ratio ours/raw = {t_ours / t_scipy:.2f}"
        f"  (goal <= 1.3)\n"
        f"    raw highspy (same HiGHS){t_highs:7.3f} s   ratio ours/raw = {t_ours / t_highs:.2f}"
    )
    return {
        "ours_s": t_ours,
        "scipy_s": t_scipy,
        "highspy_s": t_highs,
        "ratio_scipy": t_ours / t_scipy,
        "ratio_highspy": t_ours / t_highs,
    }


def bench_dong() -> dict[str, float]:
    """Part (b): 10,000 synthetic proposals, 426 dong + 25 gu envelopes."""
    from cgresearch.data.synth import generate_proposals

    df = generate_proposals(seed=20240611, n=10_000)
    cost = df["cost_mkrw"]
    must = cost.where(df["mandatory"], 0.0)
    env = (0.4 * cost.groupby(df["gu_code"]).sum()).to_dict()
    by_dong = pd.DataFrame({"all": cost, "must": must}).groupby(df["dong_code"]).sum()
    dong_env = np.maximum(0.6 * by_dong["all"], by_dong["must"]).to_dict()
    times, out = _min_times(
        {"ours": lambda: select_projects(df, env, dong_envelopes=dong_env, mip_gap=GAP)}
    )
    t, res = times["ours"], out["ours"]
    print(
        f"(b) selection 10,000 proposals x {len(dong_env)} dong + {len(env)} gu: "
        f"{t:.3f} s (goal <= 10 s; ratio to goal {t / 10:.2f}), status {res.status}, "
        f"gap {res.mip_gap:.1e}, {len(res.selected):,} funded, checks + build {res.build_s:.3f} s"
    )
    return {"dong_s": t}


def main() -> None:
    """Run both parts and print the figures."""
    print(f"benchmarks.selection (min of {REPEATS} interleaved runs; shared machine)")
    bench_knapsack()
    bench_dong()


if __name__ == "__main__":
    main()

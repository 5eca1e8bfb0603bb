"""Envelope sweeps on Dask: end to end, raw highspy, infeasible points, scaling, memory.

The sweep is 10,000 envelope scenarios of the 25 gu under the default objective: the
``need_goal_stable`` example scenario (equal adjustment; floors 8, caps 13, ±20 % stability)
under 100 total budgets (235–265억원) × 100 random weight mixes (uniform on the simplex of base,
population, 65+ and fiscal-need weights). Every scenario of it is feasible.

Printed, each against a reference measured in the same run ("missed" when a goal is missed):

1. **End to end on 2 local workers** (cluster start-up, solves, Parquet writes, shut-down);
   goal ≤ 15 s. Reference: **raw highspy**, the same least-squares QPs (½Σ(x − t)², Σx = B, each
   gu's box) of 1,000 of the scenarios kept in one ``highspy.Highs`` (new targets and budget
   per solve, cold start), scaled to 10,000 and halved for 2 workers: what the solves alone
   would cost with no sweep around them.
2. **Infeasible points**: the same batches solved in this process without Dask (1,000 scenarios:
   100 budgets × 10 values of a second axis) with 0 %, 50 % and 100 % of the points infeasible,
   by crossed floors (the floors sum above the total: no LP) and by the per-capita equity bound
   (one elastic LP each); the sweep records the quick diagnosis (the full one is on demand), so
   the cost per scenario must not grow with the share of infeasible points (goal: ≤ 1.5× the
   all-feasible sweep of the same kind).
3. **Scaling**: throughput on an already running 1-worker and 2-worker cluster (same 4,000
   scenarios, fastest of two runs); goal ≥ 1.7× with 2 workers.
4. **Scheduling overhead per scenario**: the 1-worker cluster's time minus the same batches solved
   in this process without Dask (``solve_batch`` serially), divided by the number of scenarios;
   the serial time is split into the envelope solves and the sweep's own batch assembly.
5. **Peak resident memory** of the client and its workers (psutil, sampled every 20 ms) for 2,000
   and 10,000 scenarios: results stream to disk, so the peak should not grow (ratio ≈ 1).

The machine's load average is printed first: on a shared machine the times scale with it, so the
CPU seconds used by the client and its workers are printed too.
Run: ``.venv/bin/python -m benchmarks.sweeps``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from cgresearch.data.districts import load_districts
from cgresearch.sweeps import batch as batch_module
from cgresearch.sweeps import load_sweep, run_sweep
from cgresearch.sweeps.batch import BatchJob, solve_batch
from cgresearch.sweeps.store import results_schema, sweep_fingerprint

N_BUDGETS = 100
N_MIXES = 100
BATCH = 250
GOAL_END_TO_END_S = 15.0
GOAL_SCALING = 1.7
GOAL_INFEASIBLE_RATIO = 1.5
N_RAW = 1_000
REPEATS = 2  # scaling and overhead runs: the fastest of REPEATS (a shared machine is noisy)


def _load_text(text: str):
    with tempfile.TemporaryDirectory(prefix="cgresearch-bench-spec-") as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(text, encoding="utf-8")
        return load_sweep(path)


def _verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def _second_axis_spec(key: str, values: list[float]):
    """100 budgets × ``values`` of ``key`` on need_goal_stable (1,000 scenarios for 10 values)."""
    listed = ", ".join(f"{v:g}" for v in values)
    return _load_text(
        f"""
[sweep]
name = "bench_infeasible"
base = "need_goal_stable.toml"

[[axis]]
key = "total_budget_eok"
start = 235
stop = 265
num = {N_BUDGETS}

[[axis]]
key = "{key}"
values = [{listed}]
"""
    )


def _serial(spec, districts) -> float:
    """Seconds to solve every batch of ``spec`` in this process (no Dask), fastest of REPEATS."""
    schema = results_schema(spec, districts)
    job = BatchJob(spec.base, None, spec.parameter_keys, sweep_fingerprint(spec, districts), schema)
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for batch in spec.batches(BATCH):
            solve_batch(job, districts, batch, spec.scenarios_frame(batch.start, batch.stop))
        best = min(best, time.perf_counter() - t0)
    return best


def _raw_highspy_s(spec, districts, n: int) -> float:
    """Seconds for raw highspy to solve the QPs of the first ``n`` scenarios of ``spec``."""
    import numpy as np

    from cgresearch.allocation.envelope_lp import box_bounds, prepare_data
    from cgresearch.allocation.solver import new_highs

    datas = [
        prepare_data(districts, spec.base.with_overrides(spec.overrides(i)))
        for i in range(min(n, spec.n_points))
    ]
    k = datas[0].n
    idx = np.arange(k, dtype=np.int32)
    h = new_highs()
    h.setOptionValue("qp_regularization_value", 0.0)
    lo, hi = box_bounds(datas[0])
    h.addVars(k, lo, np.where(np.isinf(hi), 1e30, hi))
    b = datas[0].scenario.total_budget_eok
    h.addRows(1, np.array([b]), np.array([b]), k, np.array([0], dtype=np.int32), idx, np.ones(k))
    h.passHessian(k, k, 1, np.arange(k + 1, dtype=np.int32), idx, np.ones(k))
    zero = np.array([0], dtype=np.int32)
    t0 = time.perf_counter()
    for data in datas:
        b = data.scenario.total_budget_eok
        h.changeColsCost(k, idx, -data.target)
        h.changeRowsBounds(1, zero, np.array([b]), np.array([b]))
        h.clearSolver()
        h.run()
    return time.perf_counter() - t0


def _infeasible_share(districts) -> None:
    """Section 2: cost per scenario with 0 %, 50 % and 100 % infeasible points."""
    kinds = {
        # floors 7.0–7.9 are feasible; 10.7–11.6 sum above every total (235–265): infeasible
        "floors (no LP)": ("floor_eok", [7 + 0.1 * i for i in range(10)], 10.7),
        # ratios 4.0–4.9 are feasible; 1.05–1.5 cannot hold with ±20 % stability: one elastic LP
        "equity bound (elastic LP)": (
            "max_per_capita_ratio",
            [4 + 0.1 * i for i in range(10)],
            1.05,
        ),
    }
    print("2. infeasible points (1,000 scenarios each, in this process, no Dask):")
    for label, (key, feasible, bad_start) in kinds.items():
        infeasible = [bad_start + 0.05 * i for i in range(10)]
        per = {}
        for share in (0, 50, 100):
            m = share // 10
            values = feasible[: 10 - m] + infeasible[:m]
            spec = _second_axis_spec(key, values)
            per[share] = 1000 * _serial(spec, districts) / spec.n_scenarios
        ratio = max(per[50], per[100]) / per[0]
        print(
            f"   {label:26s} 0 %: {per[0]:.2f} ms, 50 %: {per[50]:.2f} ms, 100 %: "
            f"{per[100]:.2f} ms per scenario; worst / all-feasible {ratio:.2f}× (goal ≤ "
            f"{GOAL_INFEASIBLE_RATIO}×: {_verdict(ratio <= GOAL_INFEASIBLE_RATIO)})"
        )


def _spec(n_mixes: int):
    """The benchmark sweep with ``N_BUDGETS × n_mixes`` scenarios (written to a temporary file)."""
    text = f"""
[sweep]
name = "bench_{N_BUDGETS * n_mixes}"
base = "need_goal_stable.toml"
seed = 7

[[axis]]
key = "total_budget_eok"
start = 235
stop = 265
num = {N_BUDGETS}

[[axis]]
kind = "simplex"
keys = ["weights.base", "weights.pop", "weights.elderly", "weights.fiscal_need"]
n = {n_mixes}
"""
    return _load_text(text)


class _PeakRSS:
    """Peak summed RSS of this process and its descendants, and the CPU time they used.

    Sampled in a thread; the CPU time of a process is its last sample, so workers that have exited
    by the end still count.
    """

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._cpu: dict[int, float] = {}
        self._cpu_start = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds used by this process (since entering) and its descendants."""
        return sum(self._cpu.values()) - self._cpu_start

    def __enter__(self) -> _PeakRSS:
        times = psutil.Process().cpu_times()
        self._cpu_start = times.user + times.system
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cluster(n_workers: int):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,  # no dashboard; its HTTP server on a free port
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.ERROR,
    )
    return cluster, Client(cluster)


@contextlib.contextmanager
def _timing_solves(spent: list[float]):
    """Add the wall time spent inside the envelope solves of ``solve_batch`` to ``spent[0]``."""
    original = batch_module._solve_one

    def timed(*args):
        t0 = time.perf_counter()
        try:
            return original(*args)
        finally:
            spent[0] += time.perf_counter() - t0

    batch_module._solve_one = timed
    try:
        yield
    finally:
        batch_module._solve_one = original


def _warm(client) -> None:
    """Import the sweep code on every worker (start-up cost, not throughput)."""
    import importlib

    client.run(importlib.import_module, "cgresearch.sweeps.run")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cgresearch-bench-sweeps-") as work:
        _main(Path(work))


def _main(work: Path) -> None:
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} (1/5 min)")
    districts = load_districts()
    big = _spec(N_MIXES)

    # 1. end to end, 2 workers, fresh cluster
    start = time.perf_counter()
    with _PeakRSS() as rss_big:
        run = run_sweep(big, out_dir=work / "e2e", workers=2, batch_size=BATCH, progress=False)
    e2e = time.perf_counter() - start
    counts = run.status_counts()
    cpu_ms = 1000 * rss_big.cpu_seconds / run.n_scenarios
    raw = _raw_highspy_s(big, districts, N_RAW) * big.n_scenarios / min(N_RAW, big.n_scenarios)
    print(
        f"1. end to end: {run.n_scenarios:,} scenarios in {run.n_batches} batches of {BATCH} on 2 "
        f"workers: {e2e:.1f} s ({run.n_scenarios / e2e:,.0f} scenarios/s; goal ≤ "
        f"{GOAL_END_TO_END_S:.0f} s: {_verdict(e2e <= GOAL_END_TO_END_S)}); status {counts}"
    )
    print(
        f"   raw highspy, the same QPs ({N_RAW:,} timed, scaled to {big.n_scenarios:,}): "
        f"{raw:.1f} s on one core, ≈ {raw / 2:.1f} s on 2; the sweep takes {e2e / (raw / 2):.1f}× "
        "that (cluster start-up, scenario set-up, results and Parquet included)"
    )
    print(
        f"   CPU time of client and workers: {rss_big.cpu_seconds:.1f} s = {cpu_ms:.2f} ms per "
        f"scenario; on 2 idle cores that is ≈ {rss_big.cpu_seconds / 2:.1f} s of work"
    )
    _infeasible_share(districts)

    # 3. and 4. scaling and overhead on running clusters (start-up excluded)
    mid = _spec(40)
    times = {}
    for n in (1, 2):
        cluster, client = _cluster(n)
        try:
            _warm(client)
            runs = []
            for repeat in range(REPEATS):
                t0 = time.perf_counter()
                run_sweep(
                    mid,
                    out_dir=work / f"scale{n}-{repeat}",
                    client=client,
                    batch_size=BATCH,
                    districts=districts,
                    progress=False,
                )
                runs.append(time.perf_counter() - t0)
            times[n] = min(runs)
        finally:
            client.close()
            cluster.close()
    speedup = times[1] / times[2]
    print(
        f"3. scaling on {mid.n_scenarios:,} scenarios: 1 worker {times[1]:.2f} s, 2 workers "
        f"{times[2]:.2f} s: {speedup:.2f}× (goal ≥ {GOAL_SCALING}×: "
        f"{_verdict(speedup >= GOAL_SCALING)})"
    )
    schema = results_schema(mid, districts)
    job = BatchJob(mid.base, None, mid.parameter_keys, sweep_fingerprint(mid, districts), schema)
    serials, solves = [], []
    for _ in range(REPEATS):
        spent = [0.0]
        t0 = time.perf_counter()
        with _timing_solves(spent):
            for batch in mid.batches(BATCH):
                solve_batch(job, districts, batch, mid.scenarios_frame(batch.start, batch.stop))
        serials.append(time.perf_counter() - t0)
        solves.append(spent[0])
    serial, solve = min(serials), solves[serials.index(min(serials))]
    per = 1000 / mid.n_scenarios
    print(
        f"4. scheduling overhead: the same batches in this process without Dask {serial:.2f} s "
        f"({serial * per:.2f} ms per scenario: EnvelopeModel.solve {solve * per:.2f} ms, batch "
        f"assembly and Parquet {(serial - solve) * per:.2f} ms); Dask adds "
        f"{(times[1] - serial) * per:.3f} ms per scenario ({100 * (times[1] / serial - 1):.1f} %)"
    )

    # 5. peak memory, 2,000 vs 10,000 scenarios (fresh clusters, same set-up)
    small = _spec(20)
    with _PeakRSS() as rss_small:
        run_sweep(small, out_dir=work / "mem_small", workers=2, batch_size=BATCH, progress=False)
    ratio = rss_big.peak / rss_small.peak
    print(
        f"5. peak RSS (client + workers): {small.n_scenarios:,} scenarios "
        f"{rss_small.peak / 2**20:,.0f} MiB, {big.n_scenarios:,} scenarios "
        f"{rss_big.peak / 2**20:,.0f} MiB: ratio {ratio:.2f} (5× the scenarios)"
    )


if __name__ == "__main__":
    main()

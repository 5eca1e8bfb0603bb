"""Envelope sweeps on Dask: end-to-end time, 1 vs 2 workers, scheduling overhead, peak memory.

The sweep is 10,000 goal-programming envelope scenarios of the 25 gu: the ``need_goal_stable``
example scenario (floors 8, caps 13, ±20 % stability) under 100 total budgets (235–265억원) × 100
random weight mixes (uniform on the simplex of base, population, 65+ and fiscal-need weights).
Every scenario is feasible, so the figures are about solves, not infeasibility diagnoses.

Printed, each against a reference measured in the same run:

1. **End to end on 2 local workers** (cluster start-up, solves, Parquet writes, shut-down);
   goal ≤ 15 s.
2. **Scaling**: throughput on an already running 1-worker and 2-worker cluster (same 4,000
   scenarios, fastest of two runs); goal ≥ 1.7× with 2 workers.
3. **Scheduling overhead per scenario**: the 1-worker cluster's time minus the same batches solved
   in this process without Dask (``_solve_batch`` serially), divided by the number of scenarios;
   the serial time is split into the envelope solves and the sweep's own batch assembly.
4. **Peak resident memory** of the client and its workers (psutil, sampled every 20 ms) for 2,000
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
from cgresearch.sweeps import load_sweep, run_sweep
from cgresearch.sweeps import run as run_module
from cgresearch.sweeps.run import _fingerprint, _Job, _schema, _solve_batch

N_BUDGETS = 100
N_MIXES = 100
BATCH = 250
GOAL_END_TO_END_S = 15.0
GOAL_SCALING = 1.7
REPEATS = 2  # scaling and overhead runs: the fastest of REPEATS (a shared machine is noisy)


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
    with tempfile.TemporaryDirectory(prefix="cgresearch-bench-spec-") as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(text, encoding="utf-8")
        return load_sweep(path)


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
    """Add the wall time spent inside the envelope solves of ``_solve_batch`` to ``spent[0]``."""
    original = run_module._solve_one

    def timed(*args):
        t0 = time.perf_counter()
        try:
            return original(*args)
        finally:
            spent[0] += time.perf_counter() - t0

    run_module._solve_one = timed
    try:
        yield
    finally:
        run_module._solve_one = original


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
    print(
        f"1. end to end: {run.n_scenarios:,} scenarios in {run.n_batches} batches of {BATCH} on 2 "
        f"workers: {e2e:.1f} s ({run.n_scenarios / e2e:,.0f} scenarios/s; goal ≤ "
        f"{GOAL_END_TO_END_S:.0f} s: {'met' if e2e <= GOAL_END_TO_END_S else 'NOT met'}); "
        f"status {counts}"
    )
    print(
        f"   CPU time of client and workers: {rss_big.cpu_seconds:.1f} s = {cpu_ms:.2f} ms per "
        f"scenario; on 2 idle cores that is ≈ {rss_big.cpu_seconds / 2:.1f} s of work"
    )

    # 2. and 3. scaling and overhead on running clusters (start-up excluded)
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
        f"2. scaling on {mid.n_scenarios:,} scenarios: 1 worker {times[1]:.2f} s, 2 workers "
        f"{times[2]:.2f} s: {speedup:.2f}× (goal ≥ {GOAL_SCALING}×: "
        f"{'met' if speedup >= GOAL_SCALING else 'NOT met'})"
    )
    schema = _schema(mid, districts)
    job = _Job(mid.base, None, mid.parameter_keys, _fingerprint(mid, districts), schema)
    serials, solves = [], []
    for _ in range(REPEATS):
        spent = [0.0]
        t0 = time.perf_counter()
        with _timing_solves(spent):
            for batch in mid.batches(BATCH):
                _solve_batch(job, districts, batch, mid.scenarios_frame(batch.start, batch.stop))
        serials.append(time.perf_counter() - t0)
        solves.append(spent[0])
    serial, solve = min(serials), solves[serials.index(min(serials))]
    per = 1000 / mid.n_scenarios
    print(
        f"3. scheduling overhead: the same batches in this process without Dask {serial:.2f} s "
        f"({serial * per:.2f} ms per scenario: EnvelopeModel.solve {solve * per:.2f} ms, batch "
        f"assembly and Parquet {(serial - solve) * per:.2f} ms); Dask adds "
        f"{(times[1] - serial) * per:.3f} ms per scenario ({100 * (times[1] / serial - 1):.1f} %)"
    )

    # 4. peak memory, 2,000 vs 10,000 scenarios (fresh clusters, same set-up)
    small = _spec(20)
    with _PeakRSS() as rss_small:
        run_sweep(small, out_dir=work / "mem_small", workers=2, batch_size=BATCH, progress=False)
    ratio = rss_big.peak / rss_small.peak
    print(
        f"4. peak RSS (client + workers): {small.n_scenarios:,} scenarios "
        f"{rss_small.peak / 2**20:,.0f} MiB, {big.n_scenarios:,} scenarios "
        f"{rss_big.peak / 2**20:,.0f} MiB: ratio {ratio:.2f} (5× the scenarios)"
    )


if __name__ == "__main__":
    main()

"""The full report (``cgresearch report``): wall time of every run and of the whole, from cold.

Runs every parameter set in ``params/`` into a temporary folder (nothing under ``outputs/`` is
touched) with the default parallelism, and prints per run its seconds, the report's wall and CPU
time, and as reference in the same run the round trip of an empty notebook on the same kernel
(kernel start + shutdown): the part of every run that no notebook can avoid. "From cold" means a
fresh ``outputs`` folder, so no earlier timing orders the runs; the OS file cache may be warm.

Goal (issue 5): the full report in ≤ 90 s on 2 cores.
Run: ``.venv/bin/python -m benchmarks.report``.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

GOAL_S = 90.0


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime + own.ru_utime + own.ru_stime


def _empty_kernel_round_trip(kernel: str) -> float:
    import nbformat
    import papermill

    from cgresearch.report.kernels import kernel_config

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    with tempfile.TemporaryDirectory(prefix="cgk-") as ipc:
        t0 = time.perf_counter()
        papermill.execute_notebook(
            nb, None, kernel_name=kernel, progress_bar=False, config=kernel_config(ipc)
        )
        return time.perf_counter() - t0


def main() -> None:
    from cgresearch.report.runner import resolve_kernel, run_report

    kernel = resolve_kernel()
    reference = _empty_kernel_round_trip(kernel)
    with tempfile.TemporaryDirectory(prefix="cg-report-bench-") as tmp:
        cpu0, t0 = _children_cpu(), time.perf_counter()
        result = run_report(out_dir=Path(tmp) / "outputs", quiet=True)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    for r in result.runs:
        print(f"  {r.run_id:<42} {'ok' if r.ok else 'FAILED':<6} {r.seconds:6.1f} s")
    print(
        f"full report: {len(result.runs)} runs, wall {wall:.1f} s (goal ≤ {GOAL_S:.0f} s), "
        f"CPU {cpu:.1f} s on {os.cpu_count()} CPUs, kernel {kernel!r}"
    )
    print(
        f"reference, empty-notebook round trip: {reference:.2f} s; "
        f"report = {wall / reference:.0f}x that; runs x reference = "
        f"{len(result.runs) * reference:.1f} s of unavoidable kernel start-up"
    )
    if not result.ok:
        print(result.describe())


if __name__ == "__main__":
    main()

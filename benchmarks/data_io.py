"""Data-edge speed: generators, and validated loading against plain ``pandas.read_csv``.

(a) Time to draw each synthetic data set (inventory 1,126 rows; survey 1,800; proposals 1,000
    and 10,000).
(b) ``load_survey`` (shape checks: delimiter, header, ragged rows, cut file; encoding detection,
    district resolution, pandera validation, 8/9 recoding) against ``pandas.read_csv`` of the same
    file in the same run, for the 1,800-row survey, an 18,000-row one (200 officials, 60 CSO
    members and 460 residents per gu) and a 1,000,000-row one (11,000 / 3,000 / 26,000 per gu).
    Goals: well under a second for the survey the report uses, and <= 3 x a bare read at
    1,000,000 rows (35 x before the checks were vectorised, 4.4 x before the items were read as
    declared float columns and checked as one block); "missed" is printed when a goal is missed.
    Small files are dominated by pandera's fixed cost (about 0.2 s). The goal is judged on wall
    time; the CPU time of the process (all its threads) is printed beside it, since on a loaded
    machine the wall time mostly measures waiting for a core.

Each timing is the median of ``REPEATS`` runs. Run: ``.venv/bin/python -m benchmarks.data_io``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from cgresearch.data import load_survey
from cgresearch.data.synth import (
    SurveyParams,
    generate_inventory,
    generate_proposals,
    generate_survey,
)

REPEATS = 5


def _median_seconds(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    return _median_wall_cpu(fn, repeats)[0]


def _median_wall_cpu(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (all threads), in seconds."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    print("(a) generators (median of", REPEATS, "runs)")
    for name, fn in (
        ("inventory, 1,126 projects", lambda: generate_inventory(seed=1)),
        ("survey, 1,800 respondents", lambda: generate_survey(seed=1)),
        ("proposals, 1,000", lambda: generate_proposals(seed=1)),
        ("proposals, 10,000", lambda: generate_proposals(seed=1, n=10_000)),
    ):
        print(f"  {name:<28} {_median_seconds(fn):7.3f} s")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(b) load_survey vs pandas.read_csv of the same CSV (load(1 min) = {load:.2f})")
    big = SurveyParams(n_per_gu={"public": 200, "cso": 60, "resident": 460})
    huge = SurveyParams(
        n_per_gu={"public": 11_000, "cso": 3_000, "resident": 26_000},
        public_range=(20_000, 30_000),
        cso_range=(5_000, 8_000),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for label, params, goal in (
            ("1,800 rows", None, None),
            ("18,000 rows", big, None),
            ("1,000,000 rows", huge, 3.0),
        ):
            df = generate_survey(seed=1) if params is None else generate_survey(1, params)
            path = Path(tmp) / "survey.csv"
            df.to_csv(path, index=False)
            del df
            repeats = REPEATS if goal is None else 3
            bare, bare_cpu = _median_wall_cpu(lambda p=path: pd.read_csv(p), repeats)
            ours, ours_cpu = _median_wall_cpu(lambda p=path: load_survey(p), repeats)
            ratio = ours / bare
            mark = (
                ""
                if goal is None
                else (f"  goal <= {goal:g} x: " + ("ok" if ratio <= goal else "missed"))
            )
            print(
                f"  {label:<15} read_csv {bare:6.3f} s   load_survey {ours:6.3f} s   "
                f"ratio {ratio:5.1f} x{mark}   (CPU: {bare_cpu:.3f} s, {ours_cpu:.3f} s, "
                f"{ours_cpu / bare_cpu:.1f} x)"
            )


if __name__ == "__main__":
    main()

"""Data-edge speed: generators, and validated loading against plain ``pandas.read_csv``.

(a) Time to draw each synthetic data set (inventory 1,126 rows; survey 1,800; proposals 1,000
    and 10,000).
(b) ``load_survey`` (encoding detection, district resolution, pandera validation, 8/9 recoding)
    against ``pandas.read_csv`` of the same file, for the 1,800-row survey and an 18,000-row one
    (200 officials, 60 CSO members and 460 residents per gu). Goal: well under a second for the
    survey the report uses, and <= 20 x a bare read at 18,000 rows (pandera's fixed cost of about
    0.2 s dominates small files).

Each timing is the median of ``REPEATS`` runs. Run: ``.venv/bin/python -m benchmarks.data_io``.
"""

from __future__ import annotations

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


def _median_seconds(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    print("(a) generators (median of", REPEATS, "runs)")
    for name, fn in (
        ("inventory, 1,126 projects", lambda: generate_inventory(seed=1)),
        ("survey, 1,800 respondents", lambda: generate_survey(seed=1)),
        ("proposals, 1,000", lambda: generate_proposals(seed=1)),
        ("proposals, 10,000", lambda: generate_proposals(seed=1, n=10_000)),
    ):
        print(f"  {name:<28} {_median_seconds(fn):7.3f} s")

    print("(b) load_survey vs pandas.read_csv of the same CSV")
    big = SurveyParams(n_per_gu={"public": 200, "cso": 60, "resident": 460})
    with tempfile.TemporaryDirectory() as tmp:
        for label, df in (
            ("1,800 rows", generate_survey(seed=1)),
            ("18,000 rows", generate_survey(seed=1, params=big)),
        ):
            path = Path(tmp) / "survey.csv"
            df.to_csv(path, index=False)
            bare = _median_seconds(lambda p=path: pd.read_csv(p))
            ours = _median_seconds(lambda p=path: load_survey(p))
            print(
                f"  {label:<12} read_csv {bare:6.3f} s   load_survey {ours:6.3f} s   "
                f"ratio {ours / bare:5.1f} x"
            )


if __name__ == "__main__":
    main()

"""Benchmark: one composite index (``build_index``) of 25 gu × 40 indicators under each choice.

Data: a seeded panel of 25 units and 40 indicators in 5 pillars (8 each, a quarter less-is-better,
5 % missing). Times :func:`cgresearch.evaluation.build_index` per call for the default spec
(min–max, declared weights, arithmetic) and for z-score, rank, geometric (range 1–100), Copeland,
PCA weights, benefit-of-the-doubt weights (one HiGHS LP per unit and aggregate) and COINr's
outlier treatment, each against a **reference measured in the same run**: the default index
computed directly in numpy (min–max, weighted means renormalised over missing values), whose
scores are checked equal to ``build_index``'s first. Goal: the default index within 50× the bare
numpy computation (the price of validation, logs and tables) and every variant ≤ 1 s per call;
"missed" is printed when a goal is missed.

Usage: ``.venv/bin/python -m benchmarks.evaluation_index [REPEATS]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cgresearch.evaluation import Framework, IndexSpec, build_index

N_UNITS, N_PILLARS, PER_PILLAR = 25, 5, 8


def make_case(seed: int = 1) -> tuple[pd.DataFrame, Framework]:
    rng = np.random.default_rng(seed)
    codes = [f"p{p}_i{i}" for p in range(N_PILLARS) for i in range(PER_PILLAR)]
    pillars = [f"P{p}" for p in range(N_PILLARS)]
    table = pd.DataFrame(
        {
            "code": [*codes, *pillars, "I"],
            "parent": [c.split("_")[0].upper() for c in codes] + ["I"] * N_PILLARS + [None],
            "direction": [(-1 if i % 4 == 3 else 1) for i in range(len(codes))]
            + [None] * (N_PILLARS + 1),
            "weight": list(rng.integers(1, 4, len(codes))) + [1] * (N_PILLARS + 1),
        }
    )
    data = pd.DataFrame(
        rng.gamma(4.0, 10.0, size=(N_UNITS, len(codes))),
        index=[f"gu{u:02d}" for u in range(N_UNITS)],
        columns=codes,
    )
    data = data.mask(rng.random(data.shape) < 0.05)
    return data, Framework(table)


def numpy_reference(data: pd.DataFrame, fw: Framework) -> np.ndarray:
    """The default index directly: min–max after direction, weighted means over what is present."""
    x = data[list(fw.indicators)].to_numpy(dtype=float) * fw.directions.to_numpy()
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    y = 100 * (x - lo) / (hi - lo)
    w = fw.weights[list(fw.indicators)].to_numpy(dtype=float)
    pillar_of = np.array([fw.parent(c) for c in fw.indicators])
    pillars = []
    for p in fw.children(fw.root):
        cols = pillar_of == p
        wp = np.where(np.isnan(y[:, cols]), 0.0, w[cols])
        pillars.append(np.nansum(y[:, cols] * wp, axis=1) / wp.sum(axis=1))
    return np.mean(np.column_stack(pillars), axis=1)


def _time(func, repeats: int) -> float:
    func()
    start = time.perf_counter()
    for _ in range(repeats):
        func()
    return (time.perf_counter() - start) / repeats


def main(repeats: int = 20) -> None:
    data, fw = make_case()
    reference = numpy_reference(data, fw)
    np.testing.assert_allclose(build_index(data, fw).index.to_numpy(), reference, rtol=1e-12)
    t_ref = _time(lambda: numpy_reference(data, fw), repeats * 10)
    print(f"numpy reference (default index): {t_ref * 1e3:.3f} ms per call")
    specs = {
        "default (minmax, meta, arithmetic)": IndexSpec(),
        "zscore": IndexSpec(normalise="zscore"),
        "rank": IndexSpec(normalise="rank"),
        "geometric, range 1-100": IndexSpec(range=(1, 100), aggregate="geometric"),
        "copeland": IndexSpec(aggregate="copeland"),
        "pca weights": IndexSpec(weights="pca"),
        "bod weights (LPs on HiGHS)": IndexSpec(weights="bod"),
        "COINr outlier treatment": IndexSpec(treat="default"),
    }
    for name, spec in specs.items():
        n = max(1, repeats // 10) if spec.weights == "bod" else repeats
        t = _time(lambda spec=spec: build_index(data, fw, spec), n)
        goal = t <= 1.0 and (spec != IndexSpec() or t <= 50 * t_ref)
        print(
            f"build_index {name}: {t * 1e3:.1f} ms per call, {t / t_ref:.0f}× the numpy "
            f"reference{'' if goal else '  (missed)'}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

"""Many allocation scenarios on Dask: sweep specifications, resumable runs, analysis views.

Examples
--------
>>> from cgresearch.sweeps import load_sweep, run_sweep, read_results
>>> spec = load_sweep("sweeps/budget_floor_grid.toml")  # doctest: +SKIP
>>> run = run_sweep(spec, workers=2)  # doctest: +SKIP
>>> results = read_results(run.out_dir)  # doctest: +SKIP
"""

from cgresearch.sweeps.run import (
    SweepRun,
    read_results,
    read_sweep_manifest,
    results_dir,
    run_sweep,
)
from cgresearch.sweeps.spec import (
    Axis,
    Batch,
    MonteCarlo,
    Perturbation,
    SweepSpec,
    load_sweep,
    sweep_from_dict,
)

__all__ = [
    "Axis",
    "Batch",
    "MonteCarlo",
    "Perturbation",
    "SweepRun",
    "SweepSpec",
    "load_sweep",
    "read_results",
    "read_sweep_manifest",
    "results_dir",
    "run_sweep",
    "sweep_from_dict",
]

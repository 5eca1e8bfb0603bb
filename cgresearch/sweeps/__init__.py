"""Many allocation scenarios on Dask: sweep specifications, resumable runs, analysis views.

Examples
--------
>>> from cgresearch.sweeps import load_sweep, run_sweep, read_results
>>> spec = load_sweep("budget_floor_grid.toml")  # from scenarios/sweeps/  # doctest: +SKIP
>>> run = run_sweep(spec, workers=2)  # doctest: +SKIP
>>> results = read_results(run.out_dir)  # doctest: +SKIP
>>> robust_pick(results).overrides  # doctest: +SKIP
"""

from cgresearch.sweeps.analysis import (
    Frontier,
    InfeasibleGroups,
    MonteCarloRanges,
    RobustPick,
    Tornado,
    equity_efficiency_frontier,
    infeasible_groups,
    monte_carlo_ranges,
    parameter_columns,
    robust_pick,
    scenario_table,
    tornado,
)
from cgresearch.sweeps.estimate import (
    MAX_SCENARIOS,
    MAX_SECONDS,
    SweepEstimate,
    count_scenarios,
    estimate_sweep,
    estimate_sweep_file,
)
from cgresearch.sweeps.regret import (
    DEFAULT_REGRET_WEIGHTS,
    REGRET_CRITERIA,
    LeastRegretPick,
    least_regret_pick,
)
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
    "DEFAULT_REGRET_WEIGHTS",
    "MAX_SCENARIOS",
    "MAX_SECONDS",
    "REGRET_CRITERIA",
    "Axis",
    "Batch",
    "Frontier",
    "InfeasibleGroups",
    "LeastRegretPick",
    "MonteCarlo",
    "MonteCarloRanges",
    "Perturbation",
    "RobustPick",
    "SweepEstimate",
    "SweepRun",
    "SweepSpec",
    "Tornado",
    "count_scenarios",
    "equity_efficiency_frontier",
    "estimate_sweep",
    "estimate_sweep_file",
    "infeasible_groups",
    "least_regret_pick",
    "load_sweep",
    "monte_carlo_ranges",
    "parameter_columns",
    "read_results",
    "read_sweep_manifest",
    "results_dir",
    "robust_pick",
    "run_sweep",
    "scenario_table",
    "sweep_from_dict",
    "tornado",
]

# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% tags=["parameters"]
sweep_file: str = "whatifs.toml"  # sweep spec in scenarios/sweeps/; whatifs_large.toml: big sweep
draws: int = 0  # Monte Carlo draws per parameter point; 0 keeps the sweep file's number
seed: int = 20261123  # seed of the Monte Carlo draws of the district indicators
workers: int = 2  # local Dask worker processes
batch_size: int = 0  # scenarios per Dask task; 0 chooses from the sweep size
weight_fit: float = 0.4  # least-regret weight of the formula fit (share of budget at targets)
weight_equity: float = 0.2  # least-regret weight of equity (the measure below; lower is better)
equity_measure: str = "metric.gini"  # per-capita equity; one of: metric.gini, metric.max_min_ratio
weight_stability: float = 0.2  # least-regret weight of stability (share of last year's money moved)
weight_bounds: float = 0.2  # least-regret weight of the number of gu held at a bound
tornado_district: str = "종로구"  # district of the one-district tornado chart (Korean or English)
districts_file: str = ""  # own district indicators (CSV/xlsx); "": the package's 2017 table
previous_amounts_file: str = ""  # last year's amounts (CSV/xlsx); "": the scenario's previous_eok
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 06 · What-ifs at scale; the narrative is in the message catalogue (tr).
import dataclasses

import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.style import apply_style, caption, save
from cgresearch.figures.sweeps import (
    describe_point,
    frontier_chart,
    mc_range_chart,
    tornado_chart,
)
from cgresearch.i18n import tr
from cgresearch.report import (
    envelope_input,
    key_figure_rows,
    notebook_output_dir,
    record_key_figures,
    save_table,
    show_markdown,
    shown,
    sweep_table,
)
from cgresearch.sweeps import (
    equity_efficiency_frontier,
    infeasible_groups,
    least_regret_pick,
    load_sweep,
    monte_carlo_ranges,
    read_results,
    run_sweep,
    scenario_table,
    tornado,
)

OUT = notebook_output_dir(output_dir, "06_scenario_whatifs")
apply_style()
overrides = {"monte_carlo.seed": seed, **({"monte_carlo.draws": draws} if draws else {})}
spec = load_sweep(sweep_file, overrides)
# the planner's district file and last year's amounts, else the package's table and previous_eok
INPUT = envelope_input(spec.base, districts_file, previous_amounts_file)
spec = dataclasses.replace(spec, base=INPUT.scenario)  # the sweep solves on INPUT.frame
BASE = spec.base.label(lang)  # the base scenario by its title; what the sweep file changes
if spec.config.get("base_overrides"):
    BASE = tr(
        "{label}; the sweep changes {changes}",
        lang,
        label=BASE,
        changes=describe_point(dict(spec.config["base_overrides"]), lang),
    )
NOTE = tr(
    "Sweep of {points} parameter points × {draws} Monte Carlo draws (seed {seed}) of the real "
    "district indicators; base scenario: {base}.",
    lang,
    points=f"{spec.n_points:,}",
    draws=spec.n_draws,
    seed=seed,
    base=BASE,
)
DATA = (  # the planner's own files (name and sha256) or the package's real table
    tr(
        "District indicators from {provenance} with Monte Carlo noise",
        lang,
        provenance=INPUT.provenance.describe(lang),
    )
    if INPUT.provenance.files
    else tr("Real district indicators (data/raw/seoul) with Monte Carlo noise", lang)
)
show_markdown(
    tr(
        "# 06 · What-ifs at scale: the envelope model over many scenarios\n\n"
        "Planners do not ask one what-if but many: every total budget, every floor, every "
        "year-on-year limit, with need indicators that are themselves uncertain. This chapter "
        "runs a **sweep** (a base scenario and axes of parameter values) of the district "
        "envelope model on a local Dask cluster, each parameter point under Monte Carlo draws of "
        "the need indicators, and reads the results back: which scenarios cannot be met and why, "
        "the equity–efficiency frontier, which parameter moves each district most, the spread of "
        "each district's envelope under indicator uncertainty, and the least-regret choice.\n\n"
        "District indicators are **real** (`data/raw/seoul/districts.csv`); the Monte Carlo "
        "draws perturb them with the stated noise to represent measurement uncertainty.",
        lang,
    )
)
show_markdown(NOTE)
shown(sweep_table(spec.points_frame().head(), lang))

# %%
show_markdown(
    tr(
        "## Running the sweep on Dask\n\n"
        "Each Dask task solves a batch of scenarios with one kept envelope model; every finished "
        "batch is written to its own Parquet file, so an interrupted sweep resumes where it "
        "stopped.",
        lang,
    )
)
run = run_sweep(
    spec,
    out_dir=OUT / "sweep",
    workers=workers,
    batch_size=batch_size or None,
    progress=False,
)
# The same words on every run: no wall time or folder here (the report keeps the run's time in
# manifest.json), so the executed notebook and its page are byte-identical across runs.
show_markdown(
    tr(
        "{n} scenarios in {batches} batches of at most {size} on {workers} worker(s): {state}.",
        lang,
        n=f"{run.n_scenarios:,}",
        batches=run.n_batches,
        size=run.batch_size,
        workers=run.n_workers,
        state=tr("complete", lang)
        if run.complete
        else tr("{n} batches left", lang, n=run.remaining),
    )
)
results = read_results(run.out_dir)
scenarios = scenario_table(results)
status = scenarios["status"].value_counts().rename_axis("status").reset_index(name="scenarios")


def _save(frame, name):
    """Save a sweep table with the reader's headers; return it as shown."""
    table = sweep_table(frame, lang)
    save_table(
        table[0], name, OUT / "tables", headers=table[1], data_label=DATA, unit=NOTE, lang=lang
    )
    return shown(table)


_save(status, "status_counts")

# %%
show_markdown(
    tr(
        "## Which scenarios cannot be met, and why\n\n"
        "Non-optimal scenarios grouped by the constraints that the infeasibility diagnosis "
        "names, with the range of each swept parameter inside the group.",
        lang,
    )
)
groups = infeasible_groups(results).to_frame()
_save(groups, "infeasible_groups")

# %%
show_markdown(
    tr(
        "## Equity–efficiency frontier\n\n"
        "Each point is one parameter point (means over its feasible draws): equity as the Gini "
        "of per-capita amounts, efficiency as the share of the budget placed where the need "
        "formula puts it. Points on the line are not beaten on both counts by any other.",
        lang,
    )
)
frontier = equity_efficiency_frontier(results)
_save(frontier.pareto(), "frontier")
first_key = f"param.{spec.parameter_keys[0]}" if spec.parameter_keys else None
fig = frontier_chart(frontier, color_by=first_key, lang=lang)
# title and caption count the same points: those with a feasible scenario (the frontier's points)
text = caption(
    fig,
    tr(
        "Equity–efficiency frontier across the {n} parameter points with at least one optimal "
        "draw (of {total} swept; the others are infeasible in every draw). ",
        lang,
        n=f"{len(frontier.points):,}",
        total=f"{spec.n_points:,}",
    )
    + NOTE,
    synthetic=False,
    lang=lang,
)
save(fig, "frontier", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(
    tr(
        "## Which parameter moves each district most\n\n"
        "Main effects: a district's mean envelope at each level of one parameter, averaged over "
        "all other parameters and draws; the bar is the spread between levels.",
        lang,
    )
)
sensitivity = tornado(results)
_save(sensitivity.to_frame(), "tornado")
fig = tornado_chart(sensitivity, lang=lang)
text = caption(
    fig,
    tr("Largest parameter swing per district (100 million KRW). ", lang) + NOTE,
    synthetic=False,
    lang=lang,
)
save(fig, "tornado", OUT / "figures")
plt.show()
print(text)

fig = tornado_chart(sensitivity, district=tornado_district, lang=lang)
text = caption(
    fig,
    tr(
        "Tornado chart for {name}: bars from the base line (mean over all scenarios) to the "
        "mean allocation at each parameter's lowest and highest level (100 million KRW). ",
        lang,
        name=sensitivity.for_district(tornado_district)[
            "name_ko" if lang == "ko" else "name_en"
        ].iloc[0],
    )
    + NOTE,
    synthetic=False,
    lang=lang,
)
save(fig, "tornado_district", OUT / "figures")
plt.show()
print(text)
shown(sweep_table(sensitivity.top(), lang))

# %%
show_markdown(
    tr(
        "## The least-regret choice and its spread under indicator uncertainty\n\n"
        "A planner defends an allocation on more than its fit to the formula (the closest fit "
        "is simply the least-constrained point). Each point is judged on four criteria: the "
        "**formula fit** (share of the budget placed where the need formula puts it, higher is "
        "better), **equity** (Gini of per-capita amounts, or the largest / smallest per-capita "
        "ratio; lower is better), **stability** (share of last year's money that moves between "
        "gu; lower is better) and the number of gu **held at a bound** (floor, cap, stability "
        "limit, equity bound; fewer is better). In each Monte Carlo draw a criterion's regret is "
        "how far the point is from the best point, divided by the spread between the best and "
        "the worst point (0 = best, 1 = worst), so criteria in different units weigh as the "
        "weights say. The point's regret in a draw is the weighted sum; the pick has the "
        "smallest worst-case regret over the draws (a point infeasible in any draw cannot win).",
        lang,
    )
)
weights = {
    "formula_fit_pct": weight_fit,
    equity_measure: weight_equity,
    "stability_change_pct": weight_stability,
    "n_at_bound": weight_bounds,
}
pick = least_regret_pick(results, weights=weights)
ranking = pick.to_frame()
_save(ranking.head(20), "robust_ranking")
ranges = monte_carlo_ranges(results, point=pick.point)
_save(ranges.to_frame(), "robust_pick_ranges")
fig = mc_range_chart(ranges, lang=lang)
text = caption(
    fig,
    tr(
        "Envelopes of the least-regret point ({point}) under {draws} draws. ",
        lang,
        point=describe_point(pick.overrides, lang),
        draws=spec.n_draws,
    )
    + NOTE,
    synthetic=False,
    lang=lang,
)
save(fig, "robust_pick_ranges", OUT / "figures")
plt.show()
print(text)
show_markdown(
    tr(
        "Least-regret pick: point {point} ({overrides}); largest regret {regret}.",
        lang,
        point=pick.point,
        overrides=describe_point(pick.overrides, lang),
        regret=f"{pick.max_regret:.4g}",
    )
)
shown(sweep_table(ranking.head(10), lang))

# %%
counts = status.set_index("status")["scenarios"]
key = record_key_figures(
    OUT,
    sweep=spec.name,
    n_points=spec.n_points,
    n_draws=spec.n_draws,
    mc_seed=seed,
    n_scenarios=spec.n_scenarios,
    n_optimal=int(counts.get("optimal", 0)),
    n_not_optimal=int(spec.n_scenarios - counts.get("optimal", 0)),
    n_frontier_points=len(frontier.pareto()),
    robust_point=pick.point,
    robust_overrides=pick.overrides,
    robust_max_regret=round(pick.max_regret, 6),
    robust_weights=pick.weights,
)
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

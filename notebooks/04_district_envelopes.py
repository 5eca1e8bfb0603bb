# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% [markdown]
# # 04 · The autonomy budget across Seoul's 25 gu: formula baseline vs optimised envelopes
#
# A planner scenario (`scenarios/*.toml`) splits a governance budget across the 25 autonomous
# districts. The formula gives targets; the optimisation (PuLP + HiGHS) keeps as close to them as
# floors, caps, year-on-year stability (δ) and equity bounds allow. District data are **real**
# (population 2017 Q1, 65+, area, administrative dong, fiscal independence: `data/raw/seoul`).

# %% tags=["parameters"]
from typing import Optional

scenario: str = "need_goal_stable"  # scenario file scenarios/<name>.toml
total_budget_eok: Optional[float] = None  # total to split, 억원 (None: the scenario's)
weights: Optional[dict[str, float]] = None  # formula indicator weights (None: the scenario's)
floor_eok: Optional[float] = None  # floor per gu, 억원 (None: the scenario's)
cap_eok: Optional[float] = None  # cap per gu, 억원 (None: the scenario's)
stability_delta: Optional[float] = None  # year-on-year limit δ (None: the scenario's)
districts_file: str = ""  # own district indicators (CSV/xlsx); "": the package's 2017 table
previous_amounts_file: str = ""  # last year's amounts (CSV/xlsx); "": the scenario's previous_eok
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
import dataclasses

import matplotlib.pyplot as plt
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import compare, load_scenario, solve_envelopes
from cgresearch.figures.allocation import allocation_bars, allocation_map, comparison_bars
from cgresearch.figures.style import apply_style, save
from cgresearch.report import (
    envelope_input,
    notebook_output_dir,
    record_key_figures,
    save_table,
)

OUT = notebook_output_dir(output_dir, "04_district_envelopes")
apply_style()
overrides = {
    k: v
    for k, v in {
        "total_budget_eok": total_budget_eok,
        "weights": weights,
        "floor_eok": floor_eok,
        "cap_eok": cap_eok,
        "stability_delta": stability_delta,
    }.items()
    if v is not None
}
if "weights" in overrides:
    overrides["weights_sum"] = sum(overrides["weights"].values())
# the planner's district file and last year's amounts, else the package's table and previous_eok
INPUT = envelope_input(
    load_scenario(paths.scenarios_dir() / f"{scenario}.toml"), districts_file, previous_amounts_file
)
base = INPUT.scenario
chosen = dataclasses.replace(base, **overrides)
# the formula's own amounts: no floors, caps, stability or equity bounds
formula = dataclasses.replace(
    chosen,
    name=f"{chosen.name}_formula",
    objective="formula",
    floor_eok=None,
    cap_eok=None,
    stability_delta=None,
    max_per_capita_ratio=None,
    tiers={},
    grades={},
)
districts = INPUT.frame
print(INPUT.provenance.describe())  # which district data: the file's name and sha256
print(chosen.description or chosen.name)
print("overrides:", overrides or "none")

# %% [markdown]
# ## The optimised envelopes

# %%
result = solve_envelopes(districts, chosen)
print(f"status: {result.status}. {result.message}")
save_table(result.table, "allocation", OUT / "tables")
save_table(result.shadow_prices, "shadow_prices", OUT / "tables")
save_table(pd.DataFrame([result.metrics]), "equity_metrics", OUT / "tables")
pd.DataFrame([result.metrics]).T.rename(columns={0: chosen.name})

# %%
if result.status == "optimal":
    fig = allocation_map(result)
    save(fig, "allocation_map", OUT / "figures")
    plt.show()
    fig = allocation_bars(result)
    save(fig, "allocation_bars", OUT / "figures")
    plt.show()
    print("Data: real district statistics (data/raw/seoul); amounts are model results.")

# %% [markdown]
# ## Shadow prices: what each binding bound costs

# %%
result.shadow_prices.loc[result.shadow_prices["improvement"].abs() > 1e-9, ["text"]]

# %% [markdown]
# ## Formula baseline vs optimised

# %%
baseline = solve_envelopes(districts, formula)
comparison = compare(baseline, result)
save_table(comparison, "formula_vs_optimised", OUT / "tables")
save_table(
    pd.DataFrame([baseline.metrics, result.metrics], index=["formula", "optimised"]),
    "metrics_formula_vs_optimised",
    OUT / "tables",
    index=True,
)
fig = comparison_bars(comparison)
save(fig, "formula_vs_optimised", OUT / "figures")
plt.show()
print("Data: real district statistics (data/raw/seoul); amounts are model results.")
comparison[["name_ko", "amount_a_eok", "amount_b_eok", "change_eok", "outcome"]]

# %%
table = result.table.set_index("name_ko")
record_key_figures(
    OUT,
    scenario=chosen.name,
    status=result.status,
    total_budget_eok=float(chosen.total_budget_eok),
    amounts_eok={k: round(float(v), 6) for k, v in table["amount_eok"].items()},
    gini=round(float(result.metrics["gini"]), 6),
    max_min_ratio=round(float(result.metrics["max_min_ratio"]), 6),
    gini_formula=round(float(baseline.metrics["gini"]), 6),
    n_binding=int((table["binding"].fillna("") != "").sum()),
)

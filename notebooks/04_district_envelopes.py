# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

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
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 04 · District envelopes: the formula baseline vs the optimised envelopes. The narrative is in the
# message catalogue (cgresearch/locale/ko/LC_MESSAGES/cgresearch.po).
import dataclasses

import matplotlib.pyplot as plt
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import compare, load_scenario, solve_envelopes
from cgresearch.figures.allocation import (
    allocation_bars,
    allocation_map,
    comparison_bars,
    objective_name,
)
from cgresearch.figures.style import apply_style, data_label, save
from cgresearch.formatting import format_eok, format_number
from cgresearch.i18n import tr
from cgresearch.report import (
    allocation_tables,
    comparison_table,
    envelope_input,
    key_figure_rows,
    metrics_table,
    notebook_output_dir,
    record_key_figures,
    save_table,
    show_markdown,
    shown,
    status_words,
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
    title={"ko": tr("The formula as it is", "ko"), "en": tr("The formula as it is", "en")},
)
districts = INPUT.frame
CHANGED = {
    "total_budget_eok": tr("total budget", lang),
    "weights": tr("formula weights", lang),
    "floor_eok": tr("floor per gu", lang),
    "cap_eok": tr("cap per gu", lang),
    "stability_delta": tr("year-on-year limit", lang),
}
if overrides:  # the label says what this run changed: the scenario's title alone would mislead
    changes = ", ".join(
        f"{CHANGED[k]} {v:g}" if isinstance(v, int | float) else CHANGED[k]
        for k, v in overrides.items()
        if k in CHANGED
    )
    chosen = dataclasses.replace(
        chosen,
        title={
            lang: tr("{label}; this run: {changes}", lang, label=base.label(lang), changes=changes)
        },
    )
LABEL = chosen.label(lang)  # the scenario as the reader knows it, never its file name
# the planner's own files (name and sha256) or the package's real table
SOURCE = INPUT.provenance.describe(lang) if INPUT.provenance.files else "data/raw/seoul"
DATA = data_label(synthetic=False, source=SOURCE, lang=lang)
UNIT = tr("Amounts in 100 million KRW (억원); per-person amounts in KRW", lang)
show_markdown(
    tr(
        "# 04 · The autonomy budget across Seoul's 25 gu: formula baseline vs optimised "
        "envelopes\n\n"
        "A planner scenario splits a governance budget across the 25 autonomous districts. The "
        "formula gives targets; the optimisation (PuLP + HiGHS) keeps as close to them as "
        "floors, caps, year-on-year stability and equity bounds allow. District data are "
        "**real** (population 2017 Q1, 65+, area, administrative dong, fiscal independence: "
        "`data/raw/seoul`).\n\n"
        "Scenario: **{label}**. Total {total}; objective: {objective}.",
        lang,
        label=LABEL,
        total=format_eok(chosen.total_budget_eok, lang),
        objective=objective_name(chosen.objective, lang),
    )
)
show_markdown(
    tr(
        "This run changes the scenario's {keys}.",
        lang,
        keys=", ".join(CHANGED[k] for k in overrides if k in CHANGED),
    )
    if overrides
    else tr("This run uses the scenario as it is.", lang)
)
show_markdown(tr("District data: {provenance}", lang, provenance=SOURCE))

# %%
show_markdown(tr("## The optimised envelopes", lang))
result = solve_envelopes(districts, chosen)
show_markdown(
    tr("Solver status: {status}.", lang, status=status_words(result.status, lang))
    + ("" if result.ok else " " + result.message)
)
TABLES = allocation_tables(result, lang)
for name, (frame, heads) in TABLES.items():
    save_table(frame, name, OUT / "tables", headers=heads, data_label=DATA, unit=UNIT, lang=lang)
shown(TABLES["equity_metrics"])

# %%
if result.status == "optimal":
    fig = allocation_map(result, lang=lang)
    save(fig, "allocation_map", OUT / "figures")
    plt.show()
    fig = allocation_bars(result, lang=lang)
    save(fig, "allocation_bars", OUT / "figures")
    plt.show()

# %%
show_markdown(
    tr(
        "## Why each gu gets what it gets\n\n"
        "Each gu's amount in plain words: on its formula target plus the common adjustment, or "
        "held by a floor, a cap, the year-on-year limit or the equity bound. The table of what "
        "each binding bound costs (its shadow price) is in `tables/shadow_prices`.",
        lang,
    )
)
shown(TABLES["explanations"])

# %%
show_markdown(tr("## Formula baseline vs optimised", lang))
baseline = solve_envelopes(districts, formula)
comparison = compare(baseline, result)
COMPARED = comparison_table(
    comparison, lang, names=(tr("The formula as it is", lang), tr("Optimised", lang))
)
save_table(
    COMPARED[0],
    "formula_vs_optimised",
    OUT / "tables",
    headers=COMPARED[1],
    data_label=DATA,
    unit=UNIT,
    lang=lang,
)
metrics = pd.DataFrame(
    [baseline.metrics, result.metrics],
    index=pd.Index([tr("The formula as it is", lang), tr("Optimised", lang)], name="scenario"),
)
frame, heads = metrics_table(metrics, lang)
save_table(
    frame,
    "metrics_formula_vs_optimised",
    OUT / "tables",
    headers={**heads, "scenario": tr("Scenario", lang)},
    index=True,
    data_label=DATA,
    unit=UNIT,
    lang=lang,
)
fig = comparison_bars(comparison, labels=(formula.label(lang), LABEL), lang=lang)
save(fig, "formula_vs_optimised", OUT / "figures")
plt.show()
gains = int((comparison["outcome"] == "gains").sum())
losses = int((comparison["outcome"] == "loses").sum())
show_markdown(
    tr(
        "Against the formula as it is, {gains} gu gain and {losses} gu lose; the largest move is "
        "{move} ({name}).",
        lang,
        gains=format_number(gains),
        losses=format_number(losses),
        move=format_eok(float(comparison["change_eok"].abs().max()), lang),
        name=comparison.loc[
            comparison["change_eok"].abs().idxmax(), "name_ko" if lang == "ko" else "name_en"
        ],
    )
)
shown(COMPARED)

# %%
table = result.table.set_index("name_ko")
key = record_key_figures(
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
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

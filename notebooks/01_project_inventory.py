# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% [markdown]
# # 01 · The CG project inventory of Seoul's 25 gu
#
# The Seoul Institute's local-CG study (2016-PR-24) counts **1,126** collaborative-governance
# projects in the 25 autonomous districts worth **₩7,661,500 million**, of which **920 (81.7%)**
# are SMG-grant projects. No project list is public: this chapter uses the seeded synthetic
# inventory of `cgresearch.data.synth`, which keeps those published totals exactly.

# %% tags=["parameters"]
inventory_file: str = ""  # your inventory (CSV, xlsx; path from project root); "": synthetic
seed: int = 20161126  # seed of the synthetic inventory generator
top_groups: int = 10  # how many duplicate/fragmentation groups to list
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.inventory import district_budget_chart, funding_source_chart, task_heatmap
from cgresearch.figures.style import apply_style, caption, save
from cgresearch.report import inventory_input, notebook_output_dir, record_key_figures, save_table
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS

OUT = notebook_output_dir(output_dir, "01_project_inventory")
apply_style()
SOURCE_LABELS = {code: f"{t.ko}\n{t.en}" for code, t in FUNDING_SOURCES.items()}
DATA = inventory_input(inventory_file, seed=seed)
DATA_LABEL = DATA.provenance.describe("en")  # "synthetic (seed N)" or the file, its sha256
SYNTHETIC, SOURCE = DATA.provenance.synthetic, DATA.provenance.source  # for captions
SYNTH_NOTE = (
    f"Synthetic inventory (seed {seed}) keeping the published totals of Seoul Institute "
    "2016-PR-24; district names are real."
    if SYNTHETIC
    else f"Inventory: {DATA_LABEL}."
)
inventory = DATA.frame

# %% [markdown]
# ## Projects and budget by funding source

# %%
by_source = (
    inventory.groupby("funding_source")
    .agg(n_projects=("project_id", "size"), budget_mkrw=("budget_mkrw", "sum"))
    .reindex(list(FUNDING_SOURCES))
)
by_source["share_projects"] = by_source["n_projects"] / by_source["n_projects"].sum()
by_source["share_budget"] = by_source["budget_mkrw"] / by_source["budget_mkrw"].sum()
save_table(
    by_source, "projects_by_funding_source", OUT / "tables", index=True, data_label=DATA_LABEL
)

fig = funding_source_chart(by_source, SOURCE_LABELS)
text = caption(
    fig,
    "Projects and budget (억원) by funding source. " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
)
save(fig, "funding_sources", OUT / "figures")
plt.show()
print(text)
by_source

# %%
smg = by_source.loc["smg_grant"]
key = record_key_figures(
    OUT,
    n_projects=len(inventory),
    total_budget_mkrw=int(inventory["budget_mkrw"].sum()),
    n_smg_grant=int(smg["n_projects"]),
    smg_grant_budget_mkrw=int(smg["budget_mkrw"]),
    smg_grant_share_projects=round(float(smg["share_projects"]), 4),
    smg_grant_share_budget=round(float(smg["share_budget"]), 4),
)
print(
    f"{key['n_projects']:,} projects, ₩{key['total_budget_mkrw']:,} million; "
    f"{key['n_smg_grant']:,} SMG-grant projects = {key['smg_grant_share_projects']:.1%}"
)

# %% [markdown]
# ## Budget by district

# %%
by_gu = inventory.pivot_table(
    index="gu_name", columns="funding_source", values="budget_mkrw", aggfunc="sum", fill_value=0
).reindex(columns=list(FUNDING_SOURCES), fill_value=0)
save_table(
    by_gu.assign(total=by_gu.sum(axis=1)),
    "budget_by_gu",
    OUT / "tables",
    index=True,
    data_label=DATA_LABEL,
)
fig = district_budget_chart(by_gu, {c: t.en for c, t in FUNDING_SOURCES.items()})
text = caption(
    fig,
    "Budget (억원) by district, stacked by funding source. " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
)
save(fig, "budget_by_gu", OUT / "figures")
plt.show()
print(text)

# %% [markdown]
# ## Projects by district and policy task

# %%
by_task = pd.crosstab(inventory["gu_name"], inventory["policy_task"]).reindex(
    columns=list(POLICY_TASKS), fill_value=0
)
save_table(by_task, "projects_by_gu_and_task", OUT / "tables", index=True, data_label=DATA_LABEL)
fig = task_heatmap(by_task)
text = caption(
    fig,
    "Project counts by district and policy task (T1–T5 of 'CG Seoul 2.0'). " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
)
save(fig, "projects_by_gu_and_task", OUT / "figures")
plt.show()
print(text)
pd.DataFrame({"task": {c: t.en for c, t in POLICY_TASKS.items()}})

# %% [markdown]
# ## Duplication and fragmentation (pending issue P2)
#
# Groups of near-duplicate projects run by different departments of the same gu.

# %%
dups = inventory.dropna(subset=["duplicate_group"])
groups = (
    dups.groupby("duplicate_group")
    .agg(
        gu=("gu_name", "first"),
        n_projects=("project_id", "size"),
        n_departments=("department", "nunique"),
        budget_mkrw=("budget_mkrw", "sum"),
        example=("title_ko", "first"),
    )
    .sort_values(["budget_mkrw", "n_projects"], ascending=False)
)
save_table(groups, "duplicate_groups", OUT / "tables", index=True, data_label=DATA_LABEL)
record_key_figures(
    OUT,
    n_duplicate_groups=len(groups),
    n_projects_in_duplicate_groups=len(dups),
    duplicate_budget_mkrw=int(dups["budget_mkrw"].sum()),
)
print(f"{len(groups)} groups hold {len(dups)} projects ({len(dups) / len(inventory):.1%}).")
groups.head(top_groups)

# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% tags=["parameters"]
inventory_file: str = ""  # your inventory (CSV, xlsx; path from project root); "": synthetic
seed: int = 20161126  # seed of the synthetic inventory generator
top_groups: int = 10  # how many duplicate/fragmentation groups to list
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 01 · The CG project inventory of Seoul's 25 gu. The narrative is in the message catalogue
# (cgresearch/locale/ko/LC_MESSAGES/cgresearch.po): tr("English text", lang) gives each edition.
import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.inventory import district_budget_chart, funding_source_chart, task_heatmap
from cgresearch.figures.style import apply_style, caption, save
from cgresearch.formatting import format_eok, format_number, format_percent, mkrw_to_eok
from cgresearch.i18n import tr
from cgresearch.report import (
    headers,
    inventory_input,
    notebook_output_dir,
    record_key_figures,
    save_table,
    show_markdown,
)
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS

OUT = notebook_output_dir(output_dir, "01_project_inventory")
apply_style()
INPUT = inventory_input(inventory_file, seed=seed)  # the user's file or the synthetic inventory
SYNTHETIC, SOURCE = INPUT.provenance.synthetic, INPUT.provenance.source  # for captions
# DATA labels every table row: the synthetic flag, or the user's file and its sha256
DATA = (
    tr("SYNTHETIC data (seeded generator)", lang) if SYNTHETIC else INPUT.provenance.describe(lang)
)
SYNTH_NOTE = (
    tr(
        "Synthetic inventory (seed {seed}) keeping the published totals of Seoul Institute "
        "2016-PR-24; district names are real.",
        lang,
        seed=seed,
    )
    if SYNTHETIC
    else tr("Inventory: {label}.", lang, label=INPUT.provenance.describe(lang))
)


def table(frame: pd.DataFrame, name: str, index: bool = True) -> None:
    """Save a table with headers (and units) of this edition and the data label (DATA)."""
    names = [*frame.columns, *(frame.index.names if index else [])]
    save_table(
        frame,
        name,
        OUT / "tables",
        index=index,
        headers=headers([n for n in names if n is not None], lang),
        data_label=DATA,
        source=SYNTH_NOTE,
        unit=tr("Amounts in 100 million KRW", lang),
        lang=lang,
    )


inventory = INPUT.frame
show_markdown(
    tr(
        "# 01 · The CG project inventory of Seoul's 25 gu\n\n"
        "The Seoul Institute's local-CG study (2016-PR-24) counts **1,126** "
        "collaborative-governance projects in the 25 autonomous districts worth **{budget}**, "
        "of which **920 (81.7%)** are SMG-grant projects. No project list is public: this chapter "
        "uses the seeded synthetic inventory, which keeps those published totals exactly.",
        lang,
        budget=format_eok(mkrw_to_eok(7_661_500), lang, decimals=0),
    )
)
if not SYNTHETIC:
    show_markdown(tr("This run reads your inventory instead: {label}.", lang, label=SOURCE))

# %%
show_markdown(tr("## Projects and budget by funding source", lang))
by_source = (
    inventory.groupby("funding_source")
    .agg(n_projects=("project_id", "size"), budget_mkrw=("budget_mkrw", "sum"))
    .reindex(list(FUNDING_SOURCES))
)
by_source["share_projects"] = by_source["n_projects"] / by_source["n_projects"].sum()
by_source["share_budget"] = by_source["budget_mkrw"] / by_source["budget_mkrw"].sum()
shown = pd.DataFrame(
    {
        "n_projects": by_source["n_projects"],
        "budget_eok": mkrw_to_eok(by_source["budget_mkrw"]),
        "share_projects": (100 * by_source["share_projects"]).round(2),
        "share_budget": (100 * by_source["share_budget"]).round(2),
    }
).rename(index=lambda c: FUNDING_SOURCES[c].ko if lang == "ko" else FUNDING_SOURCES[c].en)
table(shown, "projects_by_funding_source")

fig = funding_source_chart(by_source, lang=lang)
text = caption(
    fig,
    tr("Projects and budget (100 million KRW) by funding source.", lang) + " " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "funding_sources", OUT / "figures")
plt.show()
print(text)
shown.rename(columns=headers(shown.columns, lang))

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
show_markdown(
    tr(
        "{n} projects, {budget}; {n_smg} SMG-grant projects = {share}.",
        lang,
        n=format_number(key["n_projects"]),
        budget=format_eok(mkrw_to_eok(key["total_budget_mkrw"]), lang),
        n_smg=format_number(key["n_smg_grant"]),
        share=format_percent(key["smg_grant_share_projects"]),
    )
)

# %%
show_markdown(tr("## Budget by district", lang))
by_gu = inventory.pivot_table(
    index="gu_name", columns="funding_source", values="budget_mkrw", aggfunc="sum", fill_value=0
).reindex(columns=list(FUNDING_SOURCES), fill_value=0)
by_gu_eok = mkrw_to_eok(by_gu.assign(total_eok=by_gu.sum(axis=1)))
table(by_gu_eok, "budget_by_gu")
fig = district_budget_chart(by_gu, lang=lang)
text = caption(
    fig,
    tr("Budget (100 million KRW) by district, stacked by funding source.", lang) + " " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "budget_by_gu", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(tr("## Projects by district and policy task", lang))
by_task = pd.crosstab(inventory["gu_name"], inventory["policy_task"]).reindex(
    columns=list(POLICY_TASKS), fill_value=0
)
table(by_task, "projects_by_gu_and_task")
fig = task_heatmap(by_task, lang=lang)
text = caption(
    fig,
    tr("Project counts by district and the five policy tasks of 'CG Seoul 2.0'.", lang)
    + " "
    + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "projects_by_gu_and_task", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(
    tr(
        "## Duplication and fragmentation\n\n"
        "Groups of near-duplicate projects run by different departments of the same gu "
        "(pending issue: fragmentation and duplication of policies and projects).",
        lang,
    )
)
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
groups_shown = groups.assign(budget_eok=mkrw_to_eok(groups["budget_mkrw"])).drop(
    columns="budget_mkrw"
)
table(groups_shown, "duplicate_groups")
record_key_figures(
    OUT,
    n_duplicate_groups=len(groups),
    n_projects_in_duplicate_groups=len(dups),
    duplicate_budget_mkrw=int(dups["budget_mkrw"].sum()),
)
show_markdown(
    tr(
        "{groups} groups hold {n} projects ({share}).",
        lang,
        groups=format_number(len(groups)),
        n=format_number(len(dups)),
        share=format_percent(len(dups) / len(inventory)),
    )
)
groups_shown.head(top_groups).rename(columns=headers(groups_shown.columns, lang))

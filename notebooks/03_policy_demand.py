# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% [markdown]
# # 03 · Policy demand: importance vs performance of the five CG policy tasks
#
# Importance-Performance Analysis (IPA), Borich needs scores, Locus for Focus and the combined
# priority list of Korean policy-demand studies, for one respondent group (or all respondents).
# The survey microdata are **synthetic** (`cgresearch.data.synth.generate_survey`).

# %% tags=["parameters"]
survey_file: str = ""  # your survey (CSV, xlsx, sav; path from project root); "": synthetic
codebook_file: str = ""  # codebook of survey_file's columns and codes; "": the package's names
seed: int = 20170301  # seed of the synthetic survey generator
n_per_gu: dict[str, int] = {"public": 20, "cso": 12, "resident": 40}  # sample size per gu and group
group: str = "all"  # respondents analysed; one of: all, public, cso, resident
ipa_cut: str = "mean"  # IPA dividing lines; one of: mean, median, midpoint
top_k: int = 2  # how many Borich top-ranked tasks count towards the combined priority
lang: str = "en"  # language of labels in figures and tables; one of: en, ko
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
import matplotlib.pyplot as plt

from cgresearch.figures.style import apply_style, caption, save
from cgresearch.figures.survey import borich_chart, ipa_chart, locus_for_focus_chart
from cgresearch.report import notebook_output_dir, record_key_figures, save_table, survey_input
from cgresearch.survey import pairs_from_prefixes, policy_priorities
from cgresearch.vocabulary import POLICY_TASKS, RESPONDENT_GROUPS

OUT = notebook_output_dir(output_dir, "03_policy_demand")
apply_style()
DATA = survey_input(survey_file, codebook_file, seed=seed, n_per_gu=n_per_gu)
DATA_LABEL = DATA.provenance.describe(lang)  # "synthetic (seed N)" or the file, its sha256
SYNTHETIC, SOURCE = DATA.provenance.synthetic, DATA.provenance.source  # for captions
survey = DATA.frame
respondents = survey if group == "all" else survey[survey["group"] == group]
who = "all respondents" if group == "all" else RESPONDENT_GROUPS[group].en
pairs = pairs_from_prefixes(respondents.columns)
labels = {t: (term.en if lang == "en" else term.ko) for t, term in POLICY_TASKS.items()}
SYNTH_NOTE = (
    f"Synthetic survey (seed {seed}), {who}, n = {len(respondents):,}, design-weighted."
    if SYNTHETIC
    else f"Survey: {DATA_LABEL}, {who}, n = {len(respondents):,}, design-weighted."
)
print(f"{who}: {len(respondents):,} respondents; tasks {', '.join(pairs)}")

# %%
result = policy_priorities(
    respondents, pairs, weights="weight", top_k=top_k, ipa_cut=ipa_cut, labels=labels
)
save_table(result.table, "priorities", OUT / "tables", data_label=DATA_LABEL)
result.table

# %% [markdown]
# ## Importance-Performance Analysis

# %%
fig = ipa_chart(result.ipa, lang=lang)
text = caption(
    fig, f"IPA quadrants (cut: {ipa_cut}). " + SYNTH_NOTE, synthetic=SYNTHETIC, source=SOURCE
)
save(fig, "ipa", OUT / "figures")
plt.show()
print(text)

# %% [markdown]
# ## Borich needs scores

# %%
fig = borich_chart(result.borich, top_k=top_k, lang=lang)
text = caption(
    fig, "Borich needs scores, ranked. " + SYNTH_NOTE, synthetic=SYNTHETIC, source=SOURCE
)
save(fig, "borich", OUT / "figures")
plt.show()
print(text)

# %% [markdown]
# ## Locus for Focus

# %%
fig = locus_for_focus_chart(result.lff, lang=lang)
text = caption(fig, "Locus for Focus quadrants. " + SYNTH_NOTE, synthetic=SYNTHETIC, source=SOURCE)
save(fig, "locus_for_focus", OUT / "figures")
plt.show()
print(text)

# %% [markdown]
# ## Combined priority

# %%
table = result.table.set_index("item")
record_key_figures(
    OUT,
    group=group,
    n_respondents=len(respondents),
    importance={k: round(float(v), 6) for k, v in table["importance"].items()},
    performance={k: round(float(v), 6) for k, v in table["performance"].items()},
    borich_rank={k: int(v) for k, v in table["borich_rank"].items()},
    first_priority=sorted(table.index[table["priority"] == 1]),
)
table.sort_values(["priority", "borich_rank"])[["label", "priority", "borich_rank", "gap"]]

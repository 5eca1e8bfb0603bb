# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% tags=["parameters"]
survey_file: str = ""  # your survey (CSV, xlsx, sav; path from project root); "": synthetic
codebook_file: str = ""  # codebook of survey_file's columns and codes; "": the package's names
seed: int = 20170301  # seed of the synthetic survey generator
n_per_gu: dict[str, int] = {"public": 20, "cso": 12, "resident": 40}  # sample size per gu and group
group: str = "all"  # respondents analysed; one of: all, public, cso, resident
ipa_cut: str = "mean"  # IPA dividing lines; one of: mean, median, midpoint
top_k: int = 2  # how many Borich top-ranked tasks count towards the combined priority
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 03 · Policy demand of one respondent group; narrative in the message catalogue (tr).
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from cgresearch.figures.style import apply_style, caption, save
from cgresearch.figures.survey import borich_chart, ipa_chart, locus_for_focus_chart
from cgresearch.formatting import format_number
from cgresearch.i18n import tr
from cgresearch.report import (
    headers,
    key_figure_rows,
    notebook_output_dir,
    record_key_figures,
    save_table,
    show_markdown,
    survey_input,
)
from cgresearch.survey import pairs_from_prefixes, policy_priorities
from cgresearch.vocabulary import POLICY_TASKS, RESPONDENT_GROUPS

OUT = notebook_output_dir(output_dir, "03_policy_demand")
apply_style()
INPUT = survey_input(survey_file, codebook_file, seed=seed, n_per_gu=n_per_gu)
SYNTHETIC, SOURCE = INPUT.provenance.synthetic, INPUT.provenance.source  # for captions
survey = INPUT.frame
respondents = survey if group == "all" else survey[survey["group"] == group]
if group == "all":
    who = tr("all respondents", lang)
else:
    who = RESPONDENT_GROUPS[group].ko if lang == "ko" else RESPONDENT_GROUPS[group].en
pairs = pairs_from_prefixes(respondents.columns)
labels = {t: (term.en if lang == "en" else term.ko) for t, term in POLICY_TASKS.items()}
SYNTH_NOTE = (
    tr(
        "Synthetic survey (seed {seed}), {who}, n = {n}, design-weighted.",
        lang,
        seed=seed,
        who=who,
        n=format_number(len(respondents)),
    )
    if SYNTHETIC
    else tr(
        "Survey: {label}, {who}, n = {n}, design-weighted.",
        lang,
        label=INPUT.provenance.describe(lang),
        who=who,
        n=format_number(len(respondents)),
    )
)
# DATA labels every table row: the synthetic flag, or the user's file and its sha256
DATA = (
    tr("SYNTHETIC data (seeded generator)", lang) if SYNTHETIC else INPUT.provenance.describe(lang)
)
show_markdown(
    tr(
        "# 03 · Policy demand: importance vs performance of the five CG policy tasks\n\n"
        "Importance-Performance Analysis (IPA), Borich needs scores, Locus for Focus and the "
        "combined priority list of Korean policy-demand studies, for {who} ({n} respondents). "
        "The survey microdata are **synthetic** (a seeded generator).",
        lang,
        who=who,
        n=format_number(len(respondents)),
    )
)
if not SYNTHETIC:
    show_markdown(tr("This run reads your survey instead: {label}.", lang, label=SOURCE))

# %%
result = policy_priorities(
    respondents, pairs, weights="weight", top_k=top_k, ipa_cut=ipa_cut, labels=labels
)
shown = result.table.assign(item=result.table["item"].map(labels)).drop(columns="label")
QUADRANTS = {
    "Concentrate here": tr("Concentrate here", lang),
    "Keep up the good work": tr("Keep up the good work", lang),
    "Low priority": tr("Low priority", lang),
    "Possible overkill": tr("Possible overkill", lang),
}
shown["ipa_quadrant"] = shown["ipa_quadrant"].map(QUADRANTS)
for col in ("in_borich_top", "in_lff_first"):
    shown[col] = shown[col].map({True: tr("yes", lang), False: tr("no", lang)})
save_table(
    shown,
    "priorities",
    OUT / "tables",
    headers=headers(shown.columns, lang),
    data_label=DATA,
    source=SYNTH_NOTE,
    unit=tr("Scores on the 5-point scale", lang),
    lang=lang,
)
shown.rename(columns=headers(shown.columns, lang))

# %%
show_markdown(tr("## Importance-Performance Analysis", lang))
fig = ipa_chart(result.ipa, lang=lang)
text = caption(
    fig,
    tr("IPA quadrants.", lang) + " " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "ipa", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(tr("## Borich needs scores", lang))
fig = borich_chart(result.borich, top_k=top_k, lang=lang)
text = caption(
    fig,
    tr("Borich needs scores, ranked.", lang) + " " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "borich", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(tr("## Locus for Focus", lang))
fig = locus_for_focus_chart(result.lff, lang=lang)
text = caption(
    fig,
    tr("Locus for Focus quadrants.", lang) + " " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "locus_for_focus", OUT / "figures")
plt.show()
print(text)

# %%
show_markdown(tr("## Combined priority", lang))
table = result.table.set_index("item")
key = record_key_figures(
    OUT,
    group=group,
    n_respondents=len(respondents),
    importance={k: round(float(v), 6) for k, v in table["importance"].items()},
    performance={k: round(float(v), 6) for k, v in table["performance"].items()},
    borich_rank={k: int(v) for k, v in table["borich_rank"].items()},
    first_priority=sorted(table.index[table["priority"] == 1]),
)
ranked = table.sort_values(["priority", "borich_rank"])[["label", "priority", "borich_rank", "gap"]]
ranked.columns = [
    tr("Policy task", lang),
    *headers(["priority", "borich_rank", "gap"], lang).values(),
]
display(ranked)
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

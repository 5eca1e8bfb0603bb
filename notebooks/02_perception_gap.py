# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% [markdown]
# # 02 · Trust and the perception of collaborative governance, by respondent group
#
# Weighted (design-based) item and construct means of public officials, CSO members and residents,
# the gap table with design-based tests and effect sizes, and the reliability of the scales. The
# survey microdata are **synthetic** (`cgresearch.data.synth.generate_survey`, a stratified design
# of 25 gu x 3 groups): no microdata of the Seoul Institute surveys is public.

# %% tags=["parameters"]
survey_file: str = ""  # your survey (CSV, xlsx, sav; path from project root); "": synthetic
codebook_file: str = ""  # codebook of survey_file's columns and codes; "": the package's names
seed: int = 20170301  # seed of the synthetic survey generator
n_per_gu: dict[str, int] = {"public": 20, "cso": 12, "resident": 40}  # sample size per gu and group
reference: str = "public"  # respondent group whose gaps to the others come first
level: float = 0.95  # confidence level of intervals
lang: str = "en"  # language of labels in figures and tables; one of: en, ko
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.style import apply_style, caption, save
from cgresearch.figures.survey import gap_dumbbell, likert_bars
from cgresearch.report import notebook_output_dir, record_key_figures, save_table, survey_input
from cgresearch.survey import SurveyDesign, cronbach_alpha, gap_table, response_distribution
from cgresearch.survey.scales import scales_from_codebook
from cgresearch.vocabulary import RESPONDENT_GROUPS

OUT = notebook_output_dir(output_dir, "02_perception_gap")
apply_style()
GROUP_LABELS = {g: (t.en if lang == "en" else t.ko) for g, t in RESPONDENT_GROUPS.items()}
DATA = survey_input(survey_file, codebook_file, seed=seed, n_per_gu=n_per_gu)
DATA_LABEL = DATA.provenance.describe(lang)  # "synthetic (seed N)" or the file, its sha256
SYNTHETIC, SOURCE = DATA.provenance.synthetic, DATA.provenance.source  # for captions
SYNTH_NOTE = (
    f"Synthetic survey (seed {seed}, stratified 25 gu x 3 groups, design weights)."
    if SYNTHETIC
    else f"Survey: {DATA_LABEL}, design weights."
)
survey = DATA.frame
scales = scales_from_codebook(DATA.codebook, ["trust", "cg_perception"])
design = SurveyDesign(survey, strata="stratum", weights="weight", fpc="fpc")
print(f"{len(survey):,} respondents in {survey['stratum'].nunique()} strata")

# %% [markdown]
# ## Responses by group

# %%
for name, scale in scales.items():
    dist = response_distribution(survey, scale, group="group", weights="weight", lang=lang)
    fig = likert_bars(dist, lang=lang, group_labels=GROUP_LABELS, title=scale.label_en or name)
    text = caption(
        fig,
        f"Weighted response shares, {name} items. " + SYNTH_NOTE,
        synthetic=SYNTHETIC,
        source=SOURCE,
    )
    save(fig, f"likert_{name}", OUT / "figures")
    plt.show()
    print(text)

# %% [markdown]
# ## Gap table: group means, design-based tests, effect sizes

# %%
gaps = gap_table(
    design,
    list(scales.values()),
    "group",
    reference=reference,
    level=level,
    lang=lang,
)
save_table(gaps.means, "group_means", OUT / "tables", data_label=DATA_LABEL)
save_table(gaps.gaps, "gaps", OUT / "tables", data_label=DATA_LABEL)
save_table(gaps.overall, "overall_tests", OUT / "tables", data_label=DATA_LABEL)
if len(gaps.chisq):
    save_table(gaps.chisq, "rao_scott_tests", OUT / "tables", data_label=DATA_LABEL)

fig = gap_dumbbell(gaps, lang=lang, group_labels=GROUP_LABELS)
text = caption(
    fig,
    f"Weighted means by group ({level:.0%} CIs). " + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
)
save(fig, "gap_dumbbell", OUT / "figures")
plt.show()
print(text)
gaps.gaps.query("kind == 'construct'")

# %% [markdown]
# ## Reliability of the scales (Cronbach's alpha, weighted)

# %%
alphas = pd.DataFrame(
    [
        {
            "scale": name,
            "n_items": a.n_items,
            "alpha": a.alpha,
            "std_alpha": a.std_alpha,
            "ci_lower": a.ci_duhachek[0],
            "ci_upper": a.ci_duhachek[1],
            "n_obs": a.n_obs,
        }
        for name, a in (
            (name, cronbach_alpha(survey, scale, weights="weight", level=level))
            for name, scale in scales.items()
        )
    ]
)
save_table(alphas, "reliability", OUT / "tables", data_label=DATA_LABEL)
alphas

# %%
means = gaps.means.query("kind == 'construct'").set_index(["variable", "group"])["mean"]
construct_gaps = gaps.gaps.query("kind == 'construct' and group_a == @reference").set_index(
    ["variable", "group_b"]
)
record_key_figures(
    OUT,
    n_respondents=len(survey),
    construct_means={v: {g: round(float(means[(v, g)]), 6) for g in gaps.groups} for v in scales},
    construct_gap_p_values={
        f"{v}:{reference}-{g}": float(construct_gaps.loc[(v, g), "p_value"])
        for v in scales
        for g in gaps.groups
        if g != reference
    },
    alpha={r.scale: round(float(r.alpha), 6) for r in alphas.itertuples()},
)

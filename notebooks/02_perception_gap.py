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
reference: str = "public"  # respondent group whose gaps to the others come first
level: float = 0.95  # confidence level of intervals
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 02 · Trust and CG perception by respondent group; narrative in the message catalogue (tr).
from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd

from cgresearch.figures.style import apply_style, caption, save
from cgresearch.figures.survey import gap_dumbbell, likert_bars
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
from cgresearch.survey import SurveyDesign, cronbach_alpha, gap_table, response_distribution
from cgresearch.survey.scales import scales_from_codebook
from cgresearch.vocabulary import RESPONDENT_GROUPS

OUT = notebook_output_dir(output_dir, "02_perception_gap")
apply_style()
GROUP_LABELS = {g: (t.en if lang == "en" else t.ko) for g, t in RESPONDENT_GROUPS.items()}
INPUT = survey_input(survey_file, codebook_file, seed=seed, n_per_gu=n_per_gu)
SYNTHETIC, SOURCE = INPUT.provenance.synthetic, INPUT.provenance.source  # for captions
SYNTH_NOTE = (
    tr(
        "Synthetic survey (seed {seed}, stratified 25 gu x 3 groups, design weights).",
        lang,
        seed=seed,
    )
    if SYNTHETIC
    else tr("Survey: {label}, design weights.", lang, label=INPUT.provenance.describe(lang))
)
# DATA labels every table row: the synthetic flag, or the user's file and its sha256
DATA = (
    tr("SYNTHETIC data (seeded generator)", lang) if SYNTHETIC else INPUT.provenance.describe(lang)
)
CONSTRUCTS = {"trust": (tr("Trust", "ko"), tr("Trust", "en"))}
CONSTRUCTS["cg_perception"] = (tr("Perception of CG", "ko"), tr("Perception of CG", "en"))


def table(frame: pd.DataFrame, name: str) -> None:
    """Save a table with headers (and units) of this edition and the data label (DATA)."""
    kinds = {"item": tr("question", lang), "construct": tr("scale score", lang)}
    shown = frame.drop(columns=["variable"], errors="ignore").replace(GROUP_LABELS)
    if "kind" in shown:
        shown["kind"] = shown["kind"].map(kinds)
    if "generalised" in shown:
        yes_no = {True: tr("yes", lang), False: tr("no", lang)}
        shown["generalised"] = shown["generalised"].map(yes_no)
    save_table(
        shown,
        name,
        OUT / "tables",
        headers=headers(shown.columns, lang),
        data_label=DATA,
        source=SYNTH_NOTE,
        unit=tr("Scores on the 5-point scale", lang),
        lang=lang,
    )


show_markdown(
    tr(
        "# 02 · Trust and the perception of collaborative governance, by respondent group\n\n"
        "Weighted (design-based) item and construct means of public officials, CSO members and "
        "residents, the gap table with design-based tests and effect sizes, and the reliability "
        "of the scales. The survey microdata are **synthetic** (a seeded stratified design of "
        "25 gu x 3 groups): no microdata of the Seoul Institute surveys is public.",
        lang,
    )
)
if not SYNTHETIC:
    show_markdown(tr("This run reads your survey instead: {label}.", lang, label=SOURCE))

survey = INPUT.frame
scales = {
    name: replace(scale, label_ko=CONSTRUCTS[name][0], label_en=CONSTRUCTS[name][1])
    for name, scale in scales_from_codebook(INPUT.codebook, ["trust", "cg_perception"]).items()
}
design = SurveyDesign(survey, strata="stratum", weights="weight", fpc="fpc")
show_markdown(
    tr(
        "{n} respondents in {strata} strata.",
        lang,
        n=format_number(len(survey)),
        strata=survey["stratum"].nunique(),
    )
)

# %%
show_markdown(tr("## Responses by group", lang))
for name, scale in scales.items():
    dist = response_distribution(survey, scale, group="group", weights="weight", lang=lang)
    title = scale.label_ko if lang == "ko" else scale.label_en
    fig = likert_bars(dist, lang=lang, group_labels=GROUP_LABELS, title=title)
    text = caption(
        fig,
        tr("Weighted response shares, {scale} items.", lang, scale=title) + " " + SYNTH_NOTE,
        synthetic=SYNTHETIC,
        source=SOURCE,
        lang=lang,
    )
    save(fig, f"likert_{name}", OUT / "figures")
    plt.show()
    print(text)

# %%
show_markdown(tr("## Gap table: group means, design-based tests, effect sizes", lang))
gaps = gap_table(
    design,
    list(scales.values()),
    "group",
    reference=reference,
    level=level,
    lang=lang,
)
table(gaps.means, "group_means")
table(gaps.gaps, "gaps")
table(gaps.overall, "overall_tests")
if len(gaps.chisq):
    table(gaps.chisq, "rao_scott_tests")

fig = gap_dumbbell(gaps, lang=lang, group_labels=GROUP_LABELS)
text = caption(
    fig,
    tr("Weighted means by group ({level}% CIs).", lang, level=f"{level * 100:.0f}")
    + " "
    + SYNTH_NOTE,
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "gap_dumbbell", OUT / "figures")
plt.show()
print(text)
construct_rows = (
    gaps.gaps.query("kind == 'construct'").drop(columns=["variable", "kind"]).replace(GROUP_LABELS)
)
construct_rows.rename(columns=headers(construct_rows.columns, lang))

# %%
show_markdown(tr("## Reliability of the scales (Cronbach's alpha, weighted)", lang))
alphas = pd.DataFrame(
    [
        {
            "scale": CONSTRUCTS[name][0 if lang == "ko" else 1],
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
table(alphas, "reliability")
alphas.rename(columns=headers(alphas.columns, lang))

# %%
means = gaps.means.query("kind == 'construct'").set_index(["variable", "group"])["mean"]
construct_gaps = gaps.gaps.query("kind == 'construct' and group_a == @reference").set_index(
    ["variable", "group_b"]
)
key = record_key_figures(
    OUT,
    n_respondents=len(survey),
    construct_means={v: {g: round(float(means[(v, g)]), 6) for g in gaps.groups} for v in scales},
    construct_gap_p_values={
        f"{v}:{reference}-{g}": float(construct_gaps.loc[(v, g), "p_value"])
        for v in scales
        for g in gaps.groups
        if g != reference
    },
    alpha={
        name: round(float(r.alpha), 6) for name, r in zip(scales, alphas.itertuples(), strict=True)
    },
)
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

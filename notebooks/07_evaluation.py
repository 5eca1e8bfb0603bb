# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% tags=["parameters"]
year: int = 2023  # evaluation year of the panel; one of: 2022, 2023
seed: int = 20260413  # seed of the synthetic indicator panel and action register
normalise: str = "minmax"  # normalisation of the nominal index; one of: minmax, zscore
aggregate: str = "arithmetic"  # aggregation of the nominal index; one of: arithmetic, geometric
impute: str = "mean"  # imputation of missing values; one of: none, mean
mc_n_base: int = 2048  # SALib base sample N, a power of 2: draws are N x (factors + 2)
mc_seed: int = 20260414  # seed of the Monte Carlo (Sobol sequence scramble, bootstrap)
weight_spread: float = 0.25  # pillar weights drawn in [1 - s, 1 + s] x their weight
workers: int = 2  # local Dask workers for the Monte Carlo; 0 runs it in this process
scenario: str = "tiers_9_11"  # envelope scenario with grade tiers (scenarios/<name>.toml)
max_vectors: int = 30  # distinct Monte Carlo grade vectors solved for the envelope ranges
feedback_gu: list[str] = []  # gu with a feedback page (Korean or English names); empty: all 25
path_gu: str = "성동구"  # the gu whose path indicators → grade → envelope closes the chapter
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 07 · Evaluating collaborative governance; the narrative is in the message catalogue (tr).
import matplotlib.pyplot as plt
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import load_scenario
from cgresearch.data import load_districts, resolve_district
from cgresearch.data.synth.evaluation import generate_evaluation_panel, panel_year
from cgresearch.data.synth.monitoring import generate_register
from cgresearch.evaluation import (
    GradeRule,
    IndexSpec,
    UncertaintySpec,
    assign_grades,
    build_index,
    envelope_ranges,
    gu_feedback,
    light_label,
    load_framework,
    monitoring_table,
    monte_carlo_index,
    rank_shares,
)
from cgresearch.figures import evaluation as fig_eval
from cgresearch.figures.style import apply_style, data_label, save
from cgresearch.formatting import format_eok, format_number, format_percent, term_name
from cgresearch.i18n import tr
from cgresearch.report import (
    headers,
    key_figure_rows,
    notebook_output_dir,
    record_key_figures,
    save_table,
    show_markdown,
)
from cgresearch.vocabulary import PARTIES, POLICY_TASKS

OUT = notebook_output_dir(output_dir, "07_evaluation")
apply_style()
districts = load_districts()
NAMES = districts.set_index("adm_code")["name_ko" if lang == "ko" else "name_en"].to_dict()
framework = load_framework(paths.data_dir() / "evaluation" / "framework.toml")
FW = framework.table.set_index("code")
PILLARS = list(framework.children(framework.root))
PILLAR_NAMES = {c: FW.loc[c, "name_ko" if lang == "ko" else "name_en"] for c in PILLARS}
panel = generate_evaluation_panel(seed=seed)
data = panel_year(panel, year)
spec = IndexSpec(impute=impute, normalise=normalise, range=(1.0, 100.0), mean_sd=(100.0, 10.0),
                 aggregate=aggregate)  # fmt: skip
result = build_index(data, framework, spec)
previous = build_index(panel_year(panel, year - 1), framework, spec)
rule = GradeRule("quantiles")
grades = assign_grades(result.index, rule)
order = result.index.sort_values(ascending=False, kind="stable").index
NAME = "name_ko" if lang == "ko" else "name_en"
INDICATOR_NAMES = FW[NAME].to_dict()
DATA = data_label(synthetic=True, lang=lang)  # every table of this chapter: synthetic panel
POINTS = {  # the index and pillar columns, by their names (scores on 1-100)
    framework.root: tr("CG index score (points)", lang),
    **{c: tr("{name} (points)", lang, name=PILLAR_NAMES[c]) for c in PILLARS},
}
PROBS = {
    g: tr("Probability of {grade} (%)", lang, grade=fig_eval.grade_label(g, lang))
    for g in grades.unique()
}


def table(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Save a table with headers (names, units) in the edition's language and the data label;
    return it as shown. Shares (0-1) are saved as percentages."""
    shown = frame.reset_index(drop=frame.index.name is None)
    for col in ("p_grade", "progress", "elapsed", "schedule_gap", "mean_progress", *PROBS):
        if col in shown:
            shown[col] = shown[col] * 100
    if "grade" in shown and lang == "en":  # 가/나/다 by their English names
        shown["grade"] = [fig_eval.grade_label(g, lang) for g in shown["grade"]]
    if "goal" in shown:
        shown["goal"] = [term_name(g, lang) for g in shown["goal"]]
    if "strategy" in shown:
        shown["strategy"] = [term_name(g, lang) for g in shown["strategy"]]
    if "owner" in shown:
        shown["owner"] = [getattr(PARTIES[o], lang) for o in shown["owner"]]
    if "factor" in shown:
        shown["factor"] = [fig_eval.factor_label(f, lang) for f in shown["factor"]]
    shown = shown.rename(columns=headers(shown.columns, lang, extra={**POINTS, **PROBS}))
    save_table(
        shown,
        name,
        OUT / "tables",
        data_label=DATA,
        unit=tr("Scores on 1-100 (points); envelopes in 100 million KRW; shares in %", lang),
        lang=lang,
    )
    return shown


show_markdown(
    tr(
        "# 07 · Evaluating collaborative governance: indicators → index → grades → budget tiers"
        "\n\n"
        "Three source reports ask for an evaluation system (the 7th-term community-based CG "
        "evaluation system, the Seoul Compact's monitoring and evaluating system, the "
        "civil-democracy master plan's goals to track). This chapter builds the composite CG "
        "index of the 25 gu from the framework data/evaluation/framework.toml (index → "
        "{pillars} pillars → {indicators} indicators, COINr conventions), maps it, measures how "
        "much the ranks and grades depend on the methodological choices (Monte Carlo on Dask, "
        "Sobol indices with SALib), monitors the action tasks of the plans, writes a feedback "
        "page per gu, and lets the evaluation decide the tier of chapter 04's envelopes, each "
        "with the range the evaluation's uncertainty implies.\n\n"
        "Data: a **synthetic** indicator panel (seeded; no public per-gu data exists) except "
        "four **real** indicators (fiscal independence, share 65+, density, borough CG "
        "committee set up) from data/raw/seoul/; a **synthetic** action-task register.",
        lang,
        pillars=len(PILLARS),
        indicators=len(framework.indicators),
    )
)
show_markdown(
    tr(
        "{year}: {n} gu × {k} indicators, {p} pillars; {missing} missing values (imputation: "
        "{impute}); normalisation {normalise}, aggregation {aggregate}.",
        lang,
        year=year,
        n=len(data),
        k=len(framework.indicators),
        p=len(PILLARS),
        missing=int(data.isna().sum().sum()),
        impute=impute,
        normalise=normalise,
        aggregate=aggregate,
    )
)

# %%
show_markdown(
    tr(
        "## The index and its pillars\n\n"
        "Scores on 1–100 (min–max, so the geometric mean is defined too): each indicator's "
        "direction is applied before normalisation, weights are renormalised over missing "
        "children (COINr).",
        lang,
    )
)
scores = result.scores.loc[order, [framework.root, *PILLARS]].copy()
scores.insert(0, "gu", [NAMES[c] for c in scores.index])
scores.insert(2, "rank", result.ranks.loc[order, framework.root].to_numpy())
scores.insert(3, "grade", grades.loc[order].to_numpy())
shown_scores = table(scores, "index_scores")
fig = fig_eval.index_map(result.index, lang=lang, synthetic=True)
save(fig, "index_map", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())  # the caption: real or synthetic data
fig = fig_eval.pillar_heatmap(
    result.scores.loc[order, PILLARS], names=NAMES, pillar_names=PILLAR_NAMES, lang=lang,
    synthetic=True,
)  # fmt: skip
save(fig, "pillar_heatmap", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
shown_scores.head(10).round(1)

# %%
show_markdown(
    tr(
        "## How much do the ranks depend on the method?\n\n"
        "Monte Carlo over normalisation (min–max, z-score, rank), aggregation (arithmetic, "
        "geometric), imputation (none, mean) and pillar weights (±{spread}), sampled by SALib's "
        "Sobol sequence and run in batches on the Dask engine of the sweeps. Grades per draw use "
        "the same quantile rule as the nominal grades (thirds of the ranks).",
        lang,
        spread=format_percent(weight_spread, 0),
    )
)
mc_spec = UncertaintySpec(
    weight_spread=weight_spread, n_base=mc_n_base, seed=mc_seed,
    grade_shares=rank_shares(rule, len(data)),
)  # fmt: skip
mc = monte_carlo_index(data, framework, mc_spec, workers=workers)
show_markdown(
    tr(
        "{n} draws on {workers} Dask workers (0 = in this process).",
        lang,
        n=format_number(mc.n_draws),
        workers=mc.n_workers,
    )
)
intervals = mc.rank_intervals.loc[order].copy()
intervals.insert(0, "gu", [NAMES[c] for c in intervals.index])
probs = mc.grade_probabilities.loc[order].copy()
table(intervals.join(probs), "rank_intervals")
shown_sobol = table(mc.sobol.rename_axis("factor"), "sobol")
fig = fig_eval.rank_interval_chart(mc.rank_intervals, names=NAMES, lang=lang, n_draws=mc.n_draws,
                                   synthetic=True)  # fmt: skip
save(fig, "rank_intervals", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
fig = fig_eval.grade_probability_chart(probs, names=NAMES, lang=lang, synthetic=True)
save(fig, "grade_probabilities", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
fig = fig_eval.sobol_chart(mc.sobol, lang=lang, synthetic=True)
save(fig, "sobol", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
shown_sobol.round(3)

# %%
show_markdown(
    tr(
        "## Monitoring the action tasks\n\n"
        "Progress = share of the baseline→target distance achieved; time = share of the task's "
        "years elapsed. On track: at most 5 points behind the straight line; at risk: 5–20 "
        "points behind; off track: more than 20 points behind.",
        lang,
    )
)
register = generate_register(seed=seed)
monitor = monitoring_table(register)
latest = monitor.latest.assign(
    task=monitor.latest["task_ko" if lang == "ko" else "task_en"],
    status=[light_label(x, lang) for x in monitor.latest["light"]],
).rename(columns={"gap": "schedule_gap"})
COLUMNS = ["task_id", "task", "owner", "goal", "strategy", "indicator", "unit", "year", "baseline"]
COLUMNS += ["target", "value", "progress", "elapsed", "schedule_gap", "status"]
latest = latest[COLUMNS]
table(latest, "monitoring_latest")
shown_goals = table(monitor.by_goal, "monitoring_by_goal")
goal_names = {k: (t.ko if lang == "ko" else t.en) for k, t in POLICY_TASKS.items()}
fig = fig_eval.monitoring_chart(monitor.latest, goal_names=goal_names, lang=lang, synthetic=True)
save(fig, "monitoring", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
shown_goals.round(1)

# %%
show_markdown(
    tr(
        "## Feedback pages\n\n"
        "For each gu: its scores, pillar profile against the Seoul median, change from last "
        "year (scores are relative to each year's 25 gu), weakest indicators, grade with its "
        "Monte Carlo probability, and the smallest indicator improvements that would move it up "
        "a grade (exact under arithmetic aggregation).",
        lang,
    )
)
chosen = [resolve_district(g) for g in feedback_gu] if feedback_gu else list(order)
rows = []
for code in chosen:
    fb = gu_feedback(result, code, rule=rule, previous=previous, mc=mc, name=NAMES[code],
                     lang=lang)  # fmt: skip
    show_markdown(fb.to_markdown(lang))
    fig = fig_eval.feedback_profile_chart(
        fb.pillars["score"], fb.pillars["median"], fb.pillars["previous"], title=fb.name,
        pillar_names=PILLAR_NAMES, lang=lang, synthetic=True,
    )  # fmt: skip
    save(fig, f"feedback_{code}", OUT / "figures")
    plt.show()
    print(fig.texts[-1].get_text())
    rows.append({"adm_code": code, "gu": fb.name, "score": fb.score, "rank": fb.rank,
                 "grade": fb.grade, "p_grade": fb.grade_probability,
                 "score_change": fb.score_change, "rank_change": fb.rank_change,
                 "weakest": "; ".join(INDICATOR_NAMES[c] for c in fb.weakest.index)})  # fmt: skip
feedback = pd.DataFrame(rows)
table(feedback, "feedback")

# %%
show_markdown(
    tr(
        "## The evaluation decides the tier\n\n"
        "Chapter 04's envelope model with grade tiers (scenario '{scenario}'); the grades now "
        "come from the evaluation. Each gu's range: the lowest and highest envelope over the "
        "most frequent grade vectors of the Monte Carlo draws.",
        lang,
        scenario=f"{scenario}.toml",
    )
)
tiers = load_scenario(paths.scenarios_dir() / f"{scenario}.toml")
ranges = envelope_ranges(districts, tiers, mc, max_vectors=max_vectors)
env = ranges.table.set_index("adm_code").loc[order].reset_index()
env["name"] = [NAMES[c] for c in env["adm_code"]]
shown_env = env.drop(columns=["name_ko", "name_en", "name"])
shown_env.insert(1, "gu", env["name"])
table(shown_env, "envelopes")
fig = fig_eval.envelope_range_chart(env, lang=lang, synthetic=True)
save(fig, "envelopes", OUT / "figures")
plt.show()
print(fig.texts[-1].get_text())
show_markdown(
    tr(
        "{n} grade vectors solved, covering {coverage} of the draws; total {total}.",
        lang,
        n=len(ranges.vectors),
        coverage=format_percent(ranges.coverage),
        total=format_eok(float(env["amount_eok"].sum()), lang),
    )
)

# %%
show_markdown(tr("## One gu's path: indicators → index → grade → envelope", lang))
gu = resolve_district(path_gu)
row = env.set_index("adm_code").loc[gu]
weak = gu_feedback(result, gu, rule=rule, mc=mc, lang=lang).weakest
path = tr(
    "{gu}: index {score:.1f} (rank {rank} of {n}) → grade {grade} (probability {p:.0%}) → "
    "envelope {amount:.2f} (range {low:.2f}–{high:.2f}) 100 million KRW",
    lang,
    gu=NAMES[gu],
    score=float(result.index.loc[gu]),
    rank=int(result.ranks.loc[gu, framework.root]),
    n=len(data),
    grade=row["grade"],
    p=float(row["p_grade"]),
    amount=float(row["amount_eok"]),
    low=float(row["low_eok"]),
    high=float(row["high_eok"]),
)
show_markdown(path)
weak.rename(index=INDICATOR_NAMES)

# %%
by_grade = grades.value_counts()
lights = monitor.latest["light"].value_counts()
key = record_key_figures(
    OUT,
    year=year,
    n_units=len(data),
    n_indicators=len(framework.indicators),
    n_pillars=len(PILLARS),
    n_missing=int(data.isna().sum().sum()),
    top_gu=int(order[0]),
    top_score=float(result.index.loc[order[0]]),
    grade_counts={str(k): int(v) for k, v in by_grade.items()},
    mc_draws=int(mc.n_draws),
    mc_workers=int(mc.n_workers),
    mc_factors=list(mc.factors),
    sobol_st={str(k): float(v) for k, v in mc.sobol["ST"].items()},
    n_tasks=len(monitor.latest),
    lights={str(k): int(v) for k, v in lights.items()},
    envelope_total_eok=float(env["amount_eok"].sum()),
    envelope_coverage=float(ranges.coverage),
    path_gu=int(gu),
    path_grade=str(row["grade"]),
    path_amount_eok=float(row["amount_eok"]),
    path_low_eok=float(row["low_eok"]),
    path_high_eok=float(row["high_eok"]),
    feedback_pages=len(feedback),
)
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% tags=["parameters"]
from typing import Optional

scenario: str = "need_goal_stable"  # envelope scenario scenarios/<name>.toml
proposal_share: float = 1.0  # share of each gu's envelope open to resident proposals
proposals_file: str = ""  # your proposals (CSV, xlsx; path from project root); "": synthetic
seed: int = 20190831  # seed of the synthetic proposals generator
n_proposals: Optional[int] = None  # number of proposals (None: the generator's default)
score: str = "score"  # what the selection maximises; one of: score, votes
pb_election: str = "Poland_Warszawa_2022_Wawer"  # Pabulib file data/raw/pabulib/<name>.pb
pb_rules: list[str] = ["greedy", "mes", "max-welfare"]  # PB rules; one of: greedy, mes, max-welfare
lang: str = "ko"  # edition's language (set by the report runner, --lang); one of: ko, en
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
# 05 · Project selection under the district envelopes, and participatory-budgeting rules. The
# narrative is in the message catalogue (cgresearch/locale/ko/LC_MESSAGES/cgresearch.po).
import matplotlib.pyplot as plt
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import (
    compare_pb_rules,
    load_scenario,
    read_pb,
    select_projects,
    solve_envelopes,
)
from cgresearch.data import load_districts
from cgresearch.figures.pb import pb_rules_chart
from cgresearch.figures.selection import envelope_spend_chart
from cgresearch.figures.style import apply_style, caption, data_label, save
from cgresearch.formatting import format_eok, format_number, mkrw_to_eok
from cgresearch.i18n import tr
from cgresearch.report import (
    key_figure_rows,
    notebook_output_dir,
    pb_rules_table,
    proposals_input,
    proposals_table,
    record_key_figures,
    save_table,
    show_markdown,
    shown,
    spend_table,
    status_words,
    task_spend_table,
)

OUT = notebook_output_dir(output_dir, "05_project_selection")
apply_style()
districts = load_districts()
SCENARIO = load_scenario(paths.scenarios_dir() / f"{scenario}.toml")
envelope_result = solve_envelopes(districts, SCENARIO)
# 1 억원 = 100 million KRW; proposals cost million KRW (the selection works in that unit, the
# report shows 억원)
envelopes = (
    envelope_result.table.set_index("adm_code")["amount_eok"] * 100 * proposal_share
).rename("envelope_mkrw")
INPUT = proposals_input(proposals_file, seed=seed, n=n_proposals)
DATA_LABEL = INPUT.provenance.describe(lang)  # "synthetic (seed N)" or the file, its sha256
SYNTHETIC, SOURCE = INPUT.provenance.synthetic, INPUT.provenance.source  # for captions
proposals = INPUT.frame
show_markdown(
    tr(
        "# 05 · Project selection under the district envelopes, and participatory-budgeting "
        "rules\n\n"
        "Part 1 funds resident proposals (**synthetic**, seeded generator) within each gu's "
        "envelope from a planner scenario (real district data), maximising their total score "
        "with a MIP (PuLP + HiGHS). Part 2 compares participatory-budgeting rules (greedy, the "
        "Method of Equal Shares (MES), welfare-maximising MIP) on **real** votes from Pabulib.\n\n"
        "{n} proposals ask for {asked}; the envelopes open to proposals total {open} "
        "({share} of scenario {scenario}).",
        lang,
        n=format_number(len(proposals)),
        asked=format_eok(mkrw_to_eok(proposals["cost_mkrw"].sum()), lang),
        open=format_eok(mkrw_to_eok(envelopes.sum()), lang),
        share=f"{proposal_share:.0%}",
        scenario=SCENARIO.label(lang),
    )
)

# %%
show_markdown(tr("## Part 1 · Proposals funded within the envelopes (MIP)", lang))
selection = select_projects(proposals, envelopes, score=score)
show_markdown(
    tr(
        "Solver status {status}: {n} proposals funded, spending {spent} of {open}.",
        lang,
        status=status_words(selection.status, lang),
        n=format_number(len(selection.selected)),
        spent=format_eok(mkrw_to_eok(selection.spend["spent"].sum()), lang),
        open=format_eok(mkrw_to_eok(envelopes.sum()), lang),
    )
)
NOTE = tr("Amounts in 100 million KRW (억원); per-person amounts in KRW", lang)
TABLES = {
    "funded_proposals": proposals_table(selection.selected, lang),
    "spend_by_gu": spend_table(selection.spend, lang),
    "spend_by_policy_task": task_spend_table(selection.area_spend, lang),
}
for name, (frame, heads) in TABLES.items():
    save_table(
        frame, name, OUT / "tables", headers=heads, data_label=DATA_LABEL, unit=NOTE, lang=lang
    )

names = districts.set_index("adm_code")["name_ko" if lang == "ko" else "name_en"]
fig = envelope_spend_chart(selection.spend, names.to_dict(), lang)
text = caption(
    fig,
    tr(
        "Proposals: {label}; envelopes from scenario {scenario} on real district data; "
        "hatched: envelope left unspent.",
        lang,
        label=DATA_LABEL,
        scenario=SCENARIO.label(lang),
    ),
    synthetic=SYNTHETIC,
    source=SOURCE,
    lang=lang,
)
save(fig, "spend_by_gu", OUT / "figures")
plt.show()
print(text)
shown(TABLES["spend_by_policy_task"])

# %%
show_markdown(tr("## Part 2 · Participatory-budgeting rules on real Pabulib votes", lang))
election = read_pb(paths.raw_data_dir() / "pabulib" / f"{pb_election}.pb")
ELECTION = election.name.replace("_", " ")  # the election as a reader reads it
rules = compare_pb_rules(election, pb_rules)
RULES = pb_rules_table(rules, lang)
save_table(
    RULES[0],
    "pb_rules",
    OUT / "tables",
    headers=RULES[1],
    data_label=data_label(synthetic=False, source=f"Pabulib, {pb_election}.pb", lang=lang),
    unit=tr("Costs in the election's own currency (Pabulib)", lang),
    lang=lang,
)
show_markdown(
    tr(
        "{name}: {n} projects, budget {budget} (local currency), {kind} ballots. Greedy funds "
        "projects by votes, skipping what no longer fits; the Method of Equal Shares (MES) gives "
        "every voter an equal share of the budget to spend on the projects they approve; the MIP "
        "maximises the total approval score.",
        lang,
        name=ELECTION,
        n=format_number(len(election.projects)),
        budget=format_number(election.budget),
        kind=election.vote_type,
    )
)
fig = pb_rules_chart(rules, lang)
text = caption(
    fig,
    tr("Participatory-budgeting rules on {name}.", lang, name=ELECTION),
    synthetic=False,
    source=f"Pabulib, {pb_election}.pb",
    lang=lang,
)
save(fig, "pb_rules", OUT / "figures")
plt.show()
print(text)
shown(RULES)

# %%
key = record_key_figures(
    OUT,
    n_proposals=len(proposals),
    n_funded=len(selection.selected),
    objective=round(float(selection.objective), 6),
    spent_mkrw=round(float(selection.spend["spent"].sum()), 6),
    envelopes_mkrw=round(float(envelopes.sum()), 6),
    pb_election=election.name,
    pb_budget=election.budget,
    pb={
        r.rule: {"n_funded": int(r.n_funded), "total_cost": r.total_cost, "welfare": r.welfare}
        for r in rules.itertuples()
    },
)
pd.DataFrame(key_figure_rows(key, lang), columns=[tr("Figure", lang), tr("Value", lang)])

# ---
# jupyter:
#   kernelspec:
#     display_name: Python (cgresearch)
#     language: python
#     name: cgresearch
# ---

# %% [markdown]
# # 05 · Project selection under the district envelopes, and participatory-budgeting rules
#
# Part 1 funds resident proposals (**synthetic**, `cgresearch.data.synth.generate_proposals`)
# within each gu's envelope from a planner scenario (real district data), maximising their total
# score with a MIP (PuLP + HiGHS). Part 2 compares participatory-budgeting rules (greedy, Method of
# Equal Shares, welfare-maximising MIP) on **real** votes from Pabulib.

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
output_dir: str = ""  # folder for figures, tables and key figures (set by the report runner)

# %%
import matplotlib.pyplot as plt
import numpy as np

from cgresearch import paths
from cgresearch.allocation import (
    compare_pb_rules,
    load_scenario,
    read_pb,
    select_projects,
    solve_envelopes,
)
from cgresearch.data import load_districts
from cgresearch.figures.style import apply_style, caption, palette, save, set_krw_axis
from cgresearch.report import notebook_output_dir, proposals_input, record_key_figures, save_table

OUT = notebook_output_dir(output_dir, "05_project_selection")
apply_style()
districts = load_districts()
envelope_result = solve_envelopes(
    districts, load_scenario(paths.scenarios_dir() / f"{scenario}.toml")
)
# 1 억원 = 100 million KRW; proposals cost million KRW (mkrw)
envelopes = (
    envelope_result.table.set_index("adm_code")["amount_eok"] * 100 * proposal_share
).rename("envelope_mkrw")
INPUT = proposals_input(proposals_file, seed=seed, n=n_proposals)
DATA_LABEL = INPUT.provenance.describe("en")  # "synthetic (seed N)" or the file, its sha256
SYNTHETIC, SOURCE = INPUT.provenance.synthetic, INPUT.provenance.source  # for captions
proposals = INPUT.frame
print(
    f"{len(proposals):,} proposals asking ₩{proposals['cost_mkrw'].sum():,.0f} million; "
    f"envelopes for proposals ₩{envelopes.sum():,.0f} million ({proposal_share:.0%} of scenario "
    f"'{scenario}')"
)

# %% [markdown]
# ## Part 1 · Proposals funded within the envelopes (MIP)

# %%
selection = select_projects(proposals, envelopes, score=score)
print(
    f"status {selection.status}: {len(selection.selected)} funded, total {score} "
    f"{selection.objective:,.1f}"
)
save_table(selection.selected, "funded_proposals", OUT / "tables", data_label=DATA_LABEL)
save_table(selection.spend, "spend_by_gu", OUT / "tables", data_label=DATA_LABEL)
save_table(selection.area_spend, "spend_by_policy_task", OUT / "tables", data_label=DATA_LABEL)

names = districts.set_index("adm_code")["name_ko"]
spend = selection.spend.assign(name=lambda d: d["gu"].map(names)).sort_values("envelope")
fig, ax = plt.subplots(figsize=(8, 7))
y = np.arange(len(spend))
ax.barh(y, spend["envelope"], color=palette(2)[1], alpha=0.45, label="Envelope")
ax.barh(y, spend["spent"], height=0.5, color=palette(1)[0], label="Funded proposals")
ax.set_yticks(y, spend["name"])
ax.set_ylabel("District (gu)")
set_krw_axis(ax, "x", "mkrw", label="Amount")
ax.legend(loc="lower right")
ax.set_title("Resident proposals funded within each gu's envelope")
fig.tight_layout()
text = caption(
    fig,
    f"Proposals: {DATA_LABEL}; envelopes from scenario '{scenario}' on real district data.",
    synthetic=SYNTHETIC,
    source=SOURCE,
)
save(fig, "spend_by_gu", OUT / "figures")
plt.show()
print(text)
selection.area_spend

# %% [markdown]
# ## Part 2 · Participatory-budgeting rules on real Pabulib votes

# %%
election = read_pb(paths.raw_data_dir() / "pabulib" / f"{pb_election}.pb")
rules = compare_pb_rules(election, pb_rules)
save_table(rules, "pb_rules", OUT / "tables")
print(
    f"{election.name}: {len(election.projects)} projects, budget {election.budget:,}, "
    f"{election.vote_type} ballots"
)

fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
colours = palette(len(rules))
axes[0].bar(rules["rule"], rules["spent_share"] * 100, color=colours)
axes[0].set_ylabel("Budget spent (%)")
axes[0].set_title("Budget used")
axes[1].bar(rules["rule"], rules["share_with_funded"] * 100, color=colours)
axes[1].set_ylabel("Voters with a funded project (%)")
axes[1].set_title("Voters served")
for ax in axes:
    ax.set_ylim(0, 105)
    ax.set_xlabel("Rule")
fig.tight_layout()
text = caption(
    fig, f"PB rules on {election.name}.", synthetic=False, source=f"Pabulib, {pb_election}.pb"
)
save(fig, "pb_rules", OUT / "figures")
plt.show()
print(text)
rules

# %%
record_key_figures(
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

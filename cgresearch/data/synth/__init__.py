"""Seeded generators of synthetic data where no public microdata exists (labelled synthetic).

- :func:`generate_inventory`: the CG project inventory with the local-CG study's exact totals.
- :func:`generate_survey`: perception and policy-demand survey microdata (stratified design).
- :func:`generate_proposals`: resident project proposals per gu and dong.
- :func:`generate_evaluation_panel`: CG evaluation indicators, 25 gu × 3 years (4 real columns).
- :func:`generate_register`: the action-task register of the monitoring system.
- :func:`generate_seoul_pb_proposals` / :func:`generate_seoul_pb_ballots`: one year of Seoul's
  citizen participatory budget in the structure of a budget-system file.

Examples
--------
>>> from cgresearch.data.synth import generate_inventory
>>> int(generate_inventory()["budget_mkrw"].sum())
7661500
"""

from cgresearch.data.synth._common import SYNTHETIC_LABEL, apportion, to_csv_bytes
from cgresearch.data.synth.evaluation import (
    EVALUATION_INDICATORS,
    EVALUATION_PILLARS,
    EvaluationParams,
    evaluation_meta,
    framework_frame,
    framework_toml,
    generate_evaluation_panel,
    panel_year,
)
from cgresearch.data.synth.export import SYNTHETIC_FILES, write_survey_sav, write_synthetic
from cgresearch.data.synth.inventory import INVENTORY_COLUMNS, InventoryParams, generate_inventory
from cgresearch.data.synth.monitoring import REGISTER_TASKS, generate_register
from cgresearch.data.synth.proposals import PROPOSAL_COLUMNS, ProposalParams, generate_proposals
from cgresearch.data.synth.seoul_pb import (
    SEOUL_PB_PROPOSAL_COLUMNS,
    SeoulPBParams,
    generate_seoul_pb_ballots,
    generate_seoul_pb_proposals,
)
from cgresearch.data.synth.survey import (
    SURVEY_CODEBOOK,
    SURVEY_COLUMNS,
    CodebookItem,
    SurveyParams,
    codebook_frame,
    generate_survey,
    stratum_sizes,
)
from cgresearch.data.synth.user_format import (
    USER_MISSING_CODES,
    user_format_inventory,
    user_format_survey,
    write_user_format,
)

__all__ = [
    "EVALUATION_INDICATORS",
    "EVALUATION_PILLARS",
    "INVENTORY_COLUMNS",
    "PROPOSAL_COLUMNS",
    "REGISTER_TASKS",
    "SEOUL_PB_PROPOSAL_COLUMNS",
    "SURVEY_CODEBOOK",
    "SURVEY_COLUMNS",
    "SYNTHETIC_FILES",
    "SYNTHETIC_LABEL",
    "USER_MISSING_CODES",
    "CodebookItem",
    "EvaluationParams",
    "InventoryParams",
    "ProposalParams",
    "SeoulPBParams",
    "SurveyParams",
    "apportion",
    "codebook_frame",
    "evaluation_meta",
    "framework_frame",
    "framework_toml",
    "generate_evaluation_panel",
    "generate_inventory",
    "generate_proposals",
    "generate_register",
    "generate_seoul_pb_ballots",
    "generate_seoul_pb_proposals",
    "generate_survey",
    "panel_year",
    "stratum_sizes",
    "to_csv_bytes",
    "user_format_inventory",
    "user_format_survey",
    "write_survey_sav",
    "write_synthetic",
    "write_user_format",
]

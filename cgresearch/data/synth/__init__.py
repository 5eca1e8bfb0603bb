"""Seeded generators of synthetic data where no public microdata exists (labelled synthetic).

- :func:`generate_inventory`: the CG project inventory with the local-CG study's exact totals.
- :func:`generate_survey`: perception and policy-demand survey microdata (stratified design).
- :func:`generate_proposals`: resident project proposals per gu and dong.
- :func:`generate_seoul_pb_proposals` / :func:`generate_seoul_pb_ballots`: one year of Seoul's
  citizen participatory budget in the structure of a budget-system file.

Examples
--------
>>> from cgresearch.data.synth import generate_inventory
>>> int(generate_inventory()["budget_mkrw"].sum())
7661500
"""

from cgresearch.data.synth._common import SYNTHETIC_LABEL, apportion, to_csv_bytes
from cgresearch.data.synth.export import SYNTHETIC_FILES, write_survey_sav, write_synthetic
from cgresearch.data.synth.inventory import INVENTORY_COLUMNS, InventoryParams, generate_inventory
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

__all__ = [
    "INVENTORY_COLUMNS",
    "PROPOSAL_COLUMNS",
    "SEOUL_PB_PROPOSAL_COLUMNS",
    "SURVEY_CODEBOOK",
    "SURVEY_COLUMNS",
    "SYNTHETIC_FILES",
    "SYNTHETIC_LABEL",
    "CodebookItem",
    "InventoryParams",
    "ProposalParams",
    "SeoulPBParams",
    "SurveyParams",
    "apportion",
    "codebook_frame",
    "generate_inventory",
    "generate_proposals",
    "generate_seoul_pb_ballots",
    "generate_seoul_pb_proposals",
    "generate_survey",
    "stratum_sizes",
    "to_csv_bytes",
    "write_survey_sav",
    "write_synthetic",
]

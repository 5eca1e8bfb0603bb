"""Allocation: district envelopes, project selection and participatory budgeting on HiGHS.

Pure optimisation: tables and scenarios in, typed results (frozen dataclasses with ``.to_frame()``)
out. :mod:`~cgresearch.allocation.solver` runs every model (PuLP + HiGHS).
"""

from __future__ import annotations

from cgresearch.allocation.budget_system import (
    BudgetSystem,
    CoFunding,
    PBType,
    gu_type_envelopes,
    load_budget_system,
)
from cgresearch.allocation.diagnosis import Diagnosis, diagnose
from cgresearch.allocation.envelopes import (
    GROUPS,
    EnvelopeModel,
    EnvelopeResult,
    compare,
    equity_frontier,
    formula_allocation,
    score_frontier,
    solve_envelopes,
)
from cgresearch.allocation.fragmentation import (
    DuplicateResult,
    detect_duplicates,
    with_duplicate_groups,
)
from cgresearch.allocation.fragmentation_scores import PairScore, pair_scores, threshold_sweep
from cgresearch.allocation.metrics import (
    egalitarian_welfare,
    gini,
    max_min_ratio,
    nash_welfare,
    theil,
    utilitarian_welfare,
)
from cgresearch.allocation.objectives import (
    DEFAULT_OBJECTIVE,
    OBJECTIVE_PROPERTIES,
    UNIQUE_OBJECTIVES,
    water_fill,
)
from cgresearch.allocation.pb import (
    MES_COMPLETIONS,
    PB_RULES,
    PBElection,
    PBOutcome,
    compare_pb_rules,
    pb_outcome,
    pb_outcome_from_file,
    read_pb,
)
from cgresearch.allocation.pb_audit import PBAudit, audit_allocation, audit_outcome
from cgresearch.allocation.rounding import ROUNDING_METHODS, round_to_units
from cgresearch.allocation.scenario import (
    FORMULA_RULES,
    INDICATORS,
    OBJECTIVES,
    Scenario,
    load_scenario,
)
from cgresearch.allocation.selection import SelectionResult, select_projects
from cgresearch.allocation.seoul_pb import (
    SEOUL_RULES,
    RoundOutcome,
    SeoulRound,
    compare_rules,
    contest_envelopes,
    gains_by_gu,
    run_seoul_round,
    select_round,
)
from cgresearch.allocation.seoul_votes import (
    CHANNELS,
    Screening,
    VoteCount,
    count_votes,
    screen_proposals,
)
from cgresearch.allocation.solver import SOLVER_NAMES, STATUSES, SolveResult, affine, solve

__all__ = [
    "CHANNELS",
    "DEFAULT_OBJECTIVE",
    "FORMULA_RULES",
    "GROUPS",
    "INDICATORS",
    "MES_COMPLETIONS",
    "OBJECTIVES",
    "OBJECTIVE_PROPERTIES",
    "PB_RULES",
    "ROUNDING_METHODS",
    "SEOUL_RULES",
    "SOLVER_NAMES",
    "STATUSES",
    "UNIQUE_OBJECTIVES",
    "BudgetSystem",
    "CoFunding",
    "Diagnosis",
    "DuplicateResult",
    "EnvelopeModel",
    "EnvelopeResult",
    "PBAudit",
    "PBElection",
    "PBOutcome",
    "PBType",
    "PairScore",
    "RoundOutcome",
    "Scenario",
    "Screening",
    "SelectionResult",
    "SeoulRound",
    "SolveResult",
    "VoteCount",
    "affine",
    "audit_allocation",
    "audit_outcome",
    "compare",
    "compare_pb_rules",
    "compare_rules",
    "contest_envelopes",
    "count_votes",
    "detect_duplicates",
    "diagnose",
    "egalitarian_welfare",
    "equity_frontier",
    "formula_allocation",
    "gains_by_gu",
    "gini",
    "gu_type_envelopes",
    "load_budget_system",
    "load_scenario",
    "max_min_ratio",
    "nash_welfare",
    "pair_scores",
    "pb_outcome",
    "pb_outcome_from_file",
    "read_pb",
    "round_to_units",
    "run_seoul_round",
    "score_frontier",
    "screen_proposals",
    "select_projects",
    "select_round",
    "solve",
    "solve_envelopes",
    "theil",
    "threshold_sweep",
    "utilitarian_welfare",
    "water_fill",
    "with_duplicate_groups",
]

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
from cgresearch.allocation.metrics import (
    egalitarian_welfare,
    gini,
    max_min_ratio,
    nash_welfare,
    theil,
    utilitarian_welfare,
)
from cgresearch.allocation.pb import (
    PB_RULES,
    PBElection,
    PBOutcome,
    compare_pb_rules,
    pb_outcome,
    pb_outcome_from_file,
    read_pb,
)
from cgresearch.allocation.scenario import (
    FORMULA_RULES,
    INDICATORS,
    OBJECTIVES,
    Scenario,
    load_scenario,
)
from cgresearch.allocation.selection import SelectionResult, select_projects
from cgresearch.allocation.solver import SOLVER_NAMES, STATUSES, SolveResult, affine, solve

__all__ = [
    "FORMULA_RULES",
    "GROUPS",
    "INDICATORS",
    "OBJECTIVES",
    "PB_RULES",
    "SOLVER_NAMES",
    "STATUSES",
    "BudgetSystem",
    "CoFunding",
    "Diagnosis",
    "EnvelopeModel",
    "EnvelopeResult",
    "PBElection",
    "PBOutcome",
    "PBType",
    "Scenario",
    "SelectionResult",
    "SolveResult",
    "affine",
    "compare",
    "compare_pb_rules",
    "diagnose",
    "egalitarian_welfare",
    "equity_frontier",
    "formula_allocation",
    "gini",
    "gu_type_envelopes",
    "load_budget_system",
    "load_scenario",
    "max_min_ratio",
    "nash_welfare",
    "pb_outcome",
    "pb_outcome_from_file",
    "read_pb",
    "score_frontier",
    "select_projects",
    "solve",
    "solve_envelopes",
    "theil",
    "utilitarian_welfare",
]

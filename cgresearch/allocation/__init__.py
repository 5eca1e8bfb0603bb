"""Allocation: district envelopes, project selection and participatory budgeting on HiGHS.

Pure optimisation: tables and scenarios in, typed results (frozen dataclasses with ``.to_frame()``)
out. :mod:`~cgresearch.allocation.solver` runs every model (PuLP + HiGHS).
"""

from __future__ import annotations

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
from cgresearch.allocation.objectives import (
    DEFAULT_OBJECTIVE,
    OBJECTIVE_PROPERTIES,
    UNIQUE_OBJECTIVES,
    water_fill,
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
from cgresearch.allocation.rounding import ROUNDING_METHODS, round_to_units
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
    "DEFAULT_OBJECTIVE",
    "FORMULA_RULES",
    "GROUPS",
    "INDICATORS",
    "OBJECTIVES",
    "OBJECTIVE_PROPERTIES",
    "PB_RULES",
    "ROUNDING_METHODS",
    "SOLVER_NAMES",
    "STATUSES",
    "UNIQUE_OBJECTIVES",
    "Diagnosis",
    "EnvelopeModel",
    "EnvelopeResult",
    "PBElection",
    "PBOutcome",
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
    "load_scenario",
    "max_min_ratio",
    "nash_welfare",
    "pb_outcome",
    "pb_outcome_from_file",
    "read_pb",
    "round_to_units",
    "score_frontier",
    "select_projects",
    "solve",
    "solve_envelopes",
    "theil",
    "utilitarian_welfare",
    "water_fill",
]

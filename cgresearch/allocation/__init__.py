"""Allocation: district envelopes, project selection and participatory budgeting on HiGHS.

Pure optimisation: tables and scenarios in, typed results (frozen dataclasses with ``.to_frame()``)
out. :mod:`~cgresearch.allocation.solver` runs every model (PuLP + HiGHS).
"""

from __future__ import annotations

from cgresearch.allocation.pb import (
    PB_RULES,
    PBElection,
    PBOutcome,
    compare_pb_rules,
    pb_outcome,
    pb_outcome_from_file,
    read_pb,
)
from cgresearch.allocation.solver import SOLVER_NAMES, STATUSES, SolveResult, affine, solve

__all__ = [
    "PB_RULES",
    "SOLVER_NAMES",
    "STATUSES",
    "PBElection",
    "PBOutcome",
    "SolveResult",
    "affine",
    "compare_pb_rules",
    "pb_outcome",
    "pb_outcome_from_file",
    "read_pb",
    "solve",
]

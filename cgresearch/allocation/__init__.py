"""Allocation: district envelopes, project selection and participatory budgeting on HiGHS.

Pure optimisation: tables and scenarios in, typed results (frozen dataclasses with ``.to_frame()``)
out. :mod:`~cgresearch.allocation.solver` runs every model (PuLP + HiGHS).
"""

from __future__ import annotations

from cgresearch.allocation.solver import SOLVER_NAMES, STATUSES, SolveResult, affine, solve

__all__ = [
    "SOLVER_NAMES",
    "STATUSES",
    "SolveResult",
    "affine",
    "solve",
]

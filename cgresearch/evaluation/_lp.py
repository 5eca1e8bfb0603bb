"""A dense linear programme on HiGHS (highspy), for the small LPs of the evaluation room."""

from __future__ import annotations

import numpy as np

from cgresearch.errors import ModelError

_INF = float("inf")


def solve_lp(
    c: np.ndarray,
    a: np.ndarray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    *,
    maximise: bool = False,
    what: str = "linear programme",
) -> tuple[np.ndarray, float]:
    """Solve ``min/max cᵀx`` s.t. ``row_lo ≤ A x ≤ row_hi``, ``col_lo ≤ x ≤ col_hi`` on HiGHS.

    Returns the solution and the objective; raises ModelError unless HiGHS reports optimal.
    """
    import highspy

    from cgresearch.allocation.solver import new_highs

    h = new_highs()
    lp = highspy.HighsLp()
    n = len(c)
    m = int(a.shape[0])
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.col_lower_ = np.where(np.isfinite(col_lo), col_lo, -_INF).astype(float)
    lp.col_upper_ = np.where(np.isfinite(col_hi), col_hi, _INF).astype(float)
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -_INF).astype(float)
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, _INF).astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    dense = np.asarray(a, dtype=float)
    starts, index, value = [0], [], []
    for j in range(n):
        nz = np.flatnonzero(dense[:, j])
        index.extend(nz.tolist())
        value.extend(dense[nz, j].tolist())
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise ModelError(f"{what}: HiGHS reports {h.modelStatusToString(status)}")
    x = np.asarray(h.getSolution().col_value, dtype=float)
    return x, float(h.getInfo().objective_function_value)

"""The envelope LP (goal, max-min, combined) on highspy directly: loaded once, re-solved fast.

:class:`HighsLP` passes :class:`~cgresearch.allocation.envelope_lp.EnvelopeLP` to a
``highspy.Highs`` model without PuLP. Each gu's single-variable rows (floors, caps, stability
limits, tiers) become the bounds of its amount
(:func:`~cgresearch.allocation.envelope_lp.box_bounds`), so HiGHS sees only the rows that couple
columns (budget, goal, per-capita band, max-min, tie-break): about 100 rows and 80 columns for
25 gu. On so small an LP HiGHS' presolve costs more than the simplex itself
(0.5 of 0.8 ms), so it is off, except for ``goal``: the L1 objective has many optima and its
documented behaviour (issue 11's measurements) is the one HiGHS finds with presolve on.

The shadow price of a bound row is the reduced cost of the gu's amount at that bound, put on the
first row holding it (as the least-squares objectives do,
:func:`~cgresearch.allocation.objectives.bound_prices`).

Every solve is a cold start (``clearSolver``), so the answer never depends on the scenarios
solved before it: :func:`~cgresearch.allocation.envelopes.solve_envelopes` and a kept
:class:`~cgresearch.allocation.envelope_model.EnvelopeModel` give the same allocation, even
where several are optimal.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np

from cgresearch.allocation.envelope_lp import (
    EnvelopeData,
    EnvelopeLP,
    EnvelopeSolution,
    box_bounds,
    lp_structure,
)
from cgresearch.allocation.objectives import bound_prices
from cgresearch.errors import ModelError

__all__ = [
    "HighsLP",
]

_INF = math.inf
#: Row groups held as column bounds instead of rows.
_BOX_GROUPS = ("floors", "caps", "stability", "tiers")


@functools.lru_cache(maxsize=16)
def _box_rows(n_cols: int) -> np.ndarray:
    """Rows of the single-variable groups held as column bounds (by the LP's column count)."""
    n = (n_cols - 5) // 3  # _columns: 3n + 5 columns
    return np.isin(lp_structure(n)[2], _BOX_GROUPS)


class HighsLP:
    """A highspy model of the envelope LP, kept for cheap re-solves.

    ``solve(data, lp)`` loads the model on first use and whenever the active rows, the used
    columns or a coefficient change (e.g. the equity ratio: HiGHS' ``changeCoeff`` leaves a
    model that can reach another of several optima than the same model loaded fresh), and
    otherwise passes only the changed costs, row bounds and amount bounds.
    """

    def __init__(self) -> None:
        from cgresearch.allocation.solver import new_highs

        self._highs = new_highs()
        self._lp: EnvelopeLP | None = None
        self._key: tuple[bytes, bytes, bytes] | None = None
        self._cols = np.zeros(0, dtype=np.int64)
        self._col_idx = np.zeros(0, dtype=np.int32)
        self._x_idx = np.zeros(0, dtype=np.int32)
        self._active = np.zeros(0, dtype=bool)
        self._used = np.zeros(0, dtype=bool)
        self._rows_of = np.zeros(0, dtype=np.int64)
        self._row_lo = self._row_hi = np.zeros(0)
        self._x_lo = self._x_hi = np.zeros(0)
        self._presolve = "choose"
        self._time_limit = _INF

    # --- model ---------------------------------------------------------------------------------
    @staticmethod
    def _pattern(lp: EnvelopeLP) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Active coupling rows, used columns and the non-zero entries in them."""
        active = ~np.isnan(lp.rhs) & ~_box_rows(len(lp.col_names))
        used = lp.cost != 0
        nz = active[lp.a_row] & (lp.a_val != 0)
        used[lp.a_col[nz]] = True
        return active, used, nz

    def _load(self, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray, active, used, nz) -> None:
        h = self._highs
        h.clearModel()
        n = lo.size
        cols = np.flatnonzero(used)
        self._cols = cols
        self._col_idx = np.arange(cols.size, dtype=np.int32)
        self._x_idx = self._col_idx[:n]  # the amounts are the first n columns and always used
        col_lb, col_ub = lp.col_lb[cols].copy(), lp.col_ub[cols].copy()
        col_lb[:n], col_ub[:n] = lo, hi
        h.addVars(cols.size, col_lb, col_ub)
        h.changeColsCost(cols.size, self._col_idx, lp.cost[cols])
        self._rows_of = np.cumsum(active) - 1
        cols_of = np.cumsum(used) - 1
        a_row = self._rows_of[lp.a_row[nz]]
        order = np.argsort(a_row, kind="stable")
        m = int(active.sum())
        starts = np.searchsorted(a_row[order], np.arange(m)).astype(np.int32)
        row_lo, row_hi = lp.row_bounds()
        self._row_lo, self._row_hi = row_lo, row_hi
        self._x_lo, self._x_hi = lo, hi
        h.addRows(
            m,
            row_lo[active],
            row_hi[active],
            int(nz.sum()),
            starts,
            cols_of[lp.a_col[nz][order]].astype(np.int32),
            lp.a_val[nz][order],
        )

    def _update(self, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray) -> None:
        h, old = self._highs, self._lp
        assert old is not None  # loaded before
        cost = lp.cost[self._cols]
        if not np.array_equal(old.cost[self._cols], cost):
            h.changeColsCost(self._cols.size, self._col_idx, cost)
        if not (np.array_equal(lo, self._x_lo) and np.array_equal(hi, self._x_hi)):
            h.changeColsBounds(lo.size, self._x_idx, lo, hi)
            self._x_lo, self._x_hi = lo, hi
        row_lo, row_hi = lp.row_bounds()
        changed = np.flatnonzero(
            ((self._row_lo != row_lo) | (self._row_hi != row_hi)) & self._active
        )
        if changed.size:
            h.changeRowsBounds(
                changed.size,
                self._rows_of[changed].astype(np.int32),
                row_lo[changed],
                row_hi[changed],
            )
        self._row_lo, self._row_hi = row_lo, row_hi

    # --- solve ---------------------------------------------------------------------------------
    def solve(self, data: EnvelopeData, lp: EnvelopeLP) -> EnvelopeSolution:
        """Solve the LP of ``data`` (objective goal, maxmin or combined) from a cold start."""
        import highspy

        start = time.perf_counter()
        lo, hi = box_bounds(data)
        if np.any(lo > hi):
            return EnvelopeSolution(
                "infeasible", "no allocation satisfies every bound", None, None, 0.0
            )
        active, used, nz = self._pattern(lp)
        key = (active.tobytes(), used.tobytes(), lp.a_val[nz].tobytes())
        if self._lp is None or key != self._key:
            self._load(lp, lo, hi, active, used, nz)
            self._key, self._active, self._used = key, active, used
        else:
            self._update(lp, lo, hi)
        self._lp = lp
        h = self._highs
        scenario = data.scenario
        presolve = "choose" if scenario.objective == "goal" else "off"
        if presolve != self._presolve:
            h.setOptionValue("presolve", presolve)
            self._presolve = presolve
        limit = float(scenario.time_limit_s) if scenario.time_limit_s else _INF
        if limit != self._time_limit:
            h.setOptionValue("time_limit", limit)
            self._time_limit = limit
        h.clearSolver()  # a cold start: the answer does not depend on earlier solves
        h.run()
        S = highspy.HighsModelStatus
        ms = h.getModelStatus()
        if ms == S.kUnboundedOrInfeasible and presolve != "off":
            h.setOptionValue("presolve", "off")
            self._presolve = "off"
            h.clearSolver()
            h.run()
            ms = h.getModelStatus()
        elapsed = time.perf_counter() - start
        if ms == S.kOptimal:
            return self._optimal(data, lp, lo, hi, elapsed)
        if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
            return EnvelopeSolution(
                "infeasible", "no allocation satisfies every bound", None, None, elapsed
            )
        if ms in (S.kTimeLimit, S.kIterationLimit):
            return EnvelopeSolution(
                "time_limit",
                f"stopped by the time limit of {scenario.time_limit_s:g} s before optimality",
                None,
                None,
                elapsed,
            )
        if ms == S.kUnbounded:
            return EnvelopeSolution("unbounded", "the objective is unbounded", None, None, elapsed)
        raise ModelError(f"HiGHS could not solve the envelope model: {h.modelStatusToString(ms)}")

    def _optimal(
        self, data: EnvelopeData, lp: EnvelopeLP, lo: np.ndarray, hi: np.ndarray, elapsed: float
    ) -> EnvelopeSolution:
        sol = self._highs.getSolution()
        values = np.zeros(len(lp.col_names))
        values[self._used] = np.asarray(sol.col_value, dtype=float)
        # HiGHS' row duals are d(min objective)/d(rhs); the improvement is their negative.
        improvement = np.zeros(len(lp.row_names))
        improvement[self._active] = -np.asarray(sol.row_dual, dtype=float) + 0.0
        n = data.n
        x = values[:n]
        reduced = np.asarray(sol.col_dual, dtype=float)[:n]
        bound_prices(data, lp, x, reduced, lo, hi, improvement)
        return EnvelopeSolution("optimal", "optimal solution found", values, improvement, elapsed)

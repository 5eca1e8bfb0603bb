"""The kept envelope model: one highspy model, re-solved fast for many scenarios (sweeps).

See :class:`EnvelopeModel`.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.diagnosis import _diagnose_data, _quick_diagnosis, diagnose_formula
from cgresearch.allocation.envelope_lp import (
    _LP,
    _build_lp,
    _Data,
    _prepare,
    _Solution,
    _solve_pulp,
)
from cgresearch.allocation.envelope_result import EnvelopeResult, _result
from cgresearch.allocation.objectives import UNIQUE_OBJECTIVES, _solve_unique
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import _check_districts
from cgresearch.errors import ModelError

__all__ = ["EnvelopeModel"]

_INF = math.inf


def _formula_solution(data: _Data, lp: _LP, explain: bool = True) -> tuple[_Solution, Any]:
    """The formula objective: x = t; check every bound (a violated bound is a diagnosis)."""
    diag = diagnose_formula(data, explain=explain)
    values = np.zeros(len(lp.col_names))
    values[: data.n] = data.target
    if diag is not None:
        return _Solution("infeasible", diag.message, None, None, 0.0), diag
    msg = "the formula allocation meets every bound"
    return _Solution("optimal", msg, values, None, 0.0), None


# --- the kept model for fast re-solves -------------------------------------------------------
def _explain_infeasible(data: _Data, sol: _Solution, diagnose: bool | str) -> Any:
    if sol.status != "infeasible" or not diagnose:
        return None
    return _quick_diagnosis(data) if diagnose == "quick" else _diagnose_data(data)


class EnvelopeModel:
    """An envelope LP built once and re-solved fast for new scenario values.

    With ``solver = "highs"`` (the default) the model is kept; another solver is run through
    PuLP on every call. The structure of the LP depends only on the districts, so a change of
    budget, weights,
    floors, caps, previous amounts, stability, equity ratio, tiers or objective only updates
    costs, right-hand sides and a few coefficients of the kept HiGHS model, which then re-solves
    from a cold start, exactly as PuLP runs it: the result equals that of
    :func:`solve_envelopes` (same columns, rows and order, same solver path), even where several
    allocations are optimal. ``benchmarks/envelopes.py`` times it (about 1.2 ms per re-solve).

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        The base scenario; :meth:`solve` applies dotted-key overrides to it.

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> from cgresearch.data.districts import load_districts
    >>> m = EnvelopeModel(load_districts(), Scenario(name="m", total_budget_eok=250))
    >>> r1 = m.solve()
    >>> r2 = m.solve({"total_budget_eok": 260, "floor_eok": 9})
    >>> round(float(r2.table["amount_eok"].sum()), 6)
    260.0
    """

    def __init__(self, districts: pd.DataFrame, scenario: Scenario) -> None:
        from cgresearch.allocation.solver import _new_highs

        self.districts = _check_districts(districts).copy()
        self._memo: dict[str, np.ndarray] = {}
        self.scenario = scenario
        self._highs = _new_highs()
        self._lp: _LP | None = None
        self._data: _Data | None = None
        self._active = np.zeros(0, dtype=bool)
        self._used = np.zeros(0, dtype=bool)
        self._rows_of = np.zeros(0, dtype=np.int64)
        self._cols_of = np.zeros(0, dtype=np.int64)
        # Kept with the loaded model for cheap updates: used column indices, row bounds as
        # loaded, and each matrix entry's HiGHS row and column (-1 when not in the model).
        self._cols = np.zeros(0, dtype=np.int64)
        self._col_idx = np.zeros(0, dtype=np.int32)
        self._row_lo = self._row_hi = np.zeros(0)
        self._entry_row = self._entry_col = np.zeros(0, dtype=np.int64)
        self._entry_on = np.zeros(0, dtype=bool)
        self._time_limit: float | None = None
        self.last_solve_s: float = 0.0

    @staticmethod
    def _pattern(lp: _LP) -> tuple[np.ndarray, np.ndarray]:
        """Active rows and used columns: exactly the model PuLP hands to HiGHS."""
        active = ~np.isnan(lp.rhs)
        used = lp.cost != 0
        nz = active[lp.a_row] & (lp.a_val != 0)
        used[lp.a_col[nz]] = True
        return active, used

    def _load(self, lp: _LP, active: np.ndarray, used: np.ndarray) -> None:
        """Pass the model to HiGHS as PuLP does: used columns by name, active rows in order."""
        h = self._highs
        h.clearModel()
        self._time_limit = None
        cols = np.flatnonzero(used)
        self._cols = cols
        self._col_idx = np.arange(cols.size, dtype=np.int32)
        h.addVars(cols.size, lp.col_lb[cols], lp.col_ub[cols])
        h.changeColsCost(cols.size, self._col_idx, lp.cost[cols])
        self._rows_of = np.cumsum(active) - 1
        self._cols_of = np.cumsum(used) - 1
        self._entry_on = active[lp.a_row]
        self._entry_row = self._rows_of[lp.a_row]
        self._entry_col = self._cols_of[lp.a_col]
        keep = active[lp.a_row] & (lp.a_val != 0)
        a_row = self._rows_of[lp.a_row[keep]]
        order = np.argsort(a_row, kind="stable")
        m = int(active.sum())
        starts = np.searchsorted(a_row[order], np.arange(m)).astype(np.int32)
        lo, hi = lp.row_bounds()
        self._row_lo, self._row_hi = lo, hi
        h.addRows(
            m,
            lo[active],
            hi[active],
            int(keep.sum()),
            starts,
            self._cols_of[lp.a_col[keep][order]].astype(np.int32),
            lp.a_val[keep][order],
        )

    def _update(self, old: _LP, new: _LP, active: np.ndarray) -> None:
        """Pass the changed costs, row bounds and coefficients of ``new`` to the kept model."""
        h = self._highs
        cost = new.cost[self._cols]
        if not np.array_equal(old.cost[self._cols], cost):
            h.changeColsCost(self._cols.size, self._col_idx, cost)
        lo, hi = new.row_bounds()
        changed = np.flatnonzero(((self._row_lo != lo) | (self._row_hi != hi)) & active)
        if changed.size:
            h.changeRowsBounds(
                changed.size,
                self._rows_of[changed].astype(np.int32),
                lo[changed],
                hi[changed],
            )
        self._row_lo, self._row_hi = lo, hi
        entries = np.flatnonzero((old.a_val != new.a_val) & self._entry_on)
        if entries.size:
            change = h.changeCoeff
            for r, c, v in zip(
                self._entry_row[entries].tolist(),
                self._entry_col[entries].tolist(),
                new.a_val[entries].tolist(),
                strict=True,
            ):
                change(r, c, v)

    def solve(
        self, overrides: dict[str, Any] | None = None, *, diagnose: bool | str = True
    ) -> EnvelopeResult:
        """Solve the base scenario with dotted-key ``overrides`` (see ``Scenario.with_overrides``).

        Parameters
        ----------
        overrides : dict, optional
            e.g. ``{"total_budget_eok": 260, "weights.base": 0.3, "weights.pop": 0.7}``.
        diagnose : bool or "quick"
            Explain an infeasible scenario: ``True`` the full diagnosis (a few dozen LPs),
            ``"quick"`` the cheap one sweeps record (at most one LP), ``False`` none.

        Returns
        -------
        EnvelopeResult
        """
        scenario = self.scenario.with_overrides(overrides)
        data = _prepare(self.districts, scenario, self._memo)
        lp = _build_lp(data)
        if scenario.objective == "formula":
            sol, diag = _formula_solution(data, lp, explain=diagnose is True)
            return _result(data, lp, sol, diag)
        if scenario.objective in UNIQUE_OBJECTIVES:
            # Closed forms need no solver; the QPs are small and built fresh.
            sol = _solve_unique(data, lp)
            return _result(data, lp, sol, _explain_infeasible(data, sol, diagnose))
        if scenario.solver != "highs":
            # Another solver goes through PuLP each time (no kept model).
            sol = _solve_pulp(lp, scenario)
            return _result(data, lp, sol, _explain_infeasible(data, sol, diagnose))
        active, used = self._pattern(lp)
        if (
            self._lp is None
            or not np.array_equal(active, self._active)
            or not np.array_equal(used, self._used)
            or not np.array_equal(lp.a_val != 0, self._lp.a_val != 0)
        ):
            self._load(lp, active, used)
        else:
            self._update(self._lp, lp, active)
        self._lp, self._data, self._active, self._used = lp, data, active, used
        sol = self._run(lp, scenario)
        return _result(data, lp, sol, _explain_infeasible(data, sol, diagnose))

    def _run(self, lp: _LP, scenario: Scenario) -> _Solution:
        import highspy

        h = self._highs
        limit = float(scenario.time_limit_s) if scenario.time_limit_s else _INF
        if limit != self._time_limit:
            h.setOptionValue("time_limit", limit)
            self._time_limit = limit
        start = time.perf_counter()
        h.clearSolver()  # a cold start, as PuLP's run: the same vertex as solve_envelopes
        h.run()
        ms = h.getModelStatus()
        S = highspy.HighsModelStatus
        if ms == S.kUnboundedOrInfeasible:
            h.setOptionValue("presolve", "off")
            h.clearSolver()
            h.run()
            h.setOptionValue("presolve", "choose")
            ms = h.getModelStatus()
        elapsed = time.perf_counter() - start
        self.last_solve_s = elapsed
        if ms == S.kOptimal:
            sol = h.getSolution()
            values = np.zeros(len(lp.col_names))
            values[self._used] = np.asarray(sol.col_value, dtype=float)
            # HiGHS' row duals are d(min objective)/d(rhs); improvement is its negative.
            improvement = np.zeros(len(lp.row_names))
            active = ~np.isnan(lp.rhs)
            improvement[active] = -np.asarray(sol.row_dual, dtype=float) + 0.0
            return _Solution("optimal", "optimal solution found", values, improvement, elapsed)
        if ms == S.kInfeasible:
            return _Solution(
                "infeasible", "no allocation satisfies every bound", None, None, elapsed
            )
        if ms in (S.kTimeLimit, S.kIterationLimit):
            return _Solution(
                "time_limit",
                f"stopped by the time limit of {scenario.time_limit_s:g} s before optimality",
                None,
                None,
                elapsed,
            )
        if ms == S.kUnbounded:
            return _Solution("unbounded", "the objective is unbounded", None, None, elapsed)
        raise ModelError(f"HiGHS could not solve the envelope model: {h.modelStatusToString(ms)}")

"""The kept envelope model: one highspy model, re-solved fast for many scenarios (sweeps).

See :class:`EnvelopeModel`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.diagnosis import diagnose_data, diagnose_formula, quick_diagnosis
from cgresearch.allocation.envelope_lp import (
    EnvelopeData,
    EnvelopeLP,
    EnvelopeSolution,
    build_lp,
    prepare_data,
    solve_pulp,
)
from cgresearch.allocation.envelope_result import EnvelopeResult, build_result
from cgresearch.allocation.highs_lp import HighsLP
from cgresearch.allocation.objectives import UNIQUE_OBJECTIVES, solve_unique
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import check_districts

__all__ = [
    "EnvelopeModel",
    "diagnoses_for",
    "formula_solution",
]


def formula_solution(
    data: EnvelopeData, lp: EnvelopeLP, explain: bool = True
) -> tuple[EnvelopeSolution, Any]:
    """The formula objective: x = t; check every bound (a violated bound is a diagnosis)."""
    diag = diagnose_formula(data, explain=explain)
    values = np.zeros(len(lp.col_names))
    values[: data.n] = data.target
    if diag is not None:
        return EnvelopeSolution("infeasible", diag.message, None, None, 0.0), diag
    msg = "the formula allocation meets every bound"
    return EnvelopeSolution("optimal", msg, values, None, 0.0), None


# --- the kept model for fast re-solves -------------------------------------------------------
def diagnoses_for(
    data: EnvelopeData, sol: EnvelopeSolution, diagnose: bool | str
) -> tuple[Any, Any]:
    """The diagnosis recorded at solve time and the full one (or a callable making it).

    ``"quick"``: the cheap diagnosis now (at most one elastic LP), the full explanation on
    demand (:attr:`EnvelopeResult.diagnosis`); ``True``: the full one now; ``False``: none.
    """
    if sol.status != "infeasible" or not diagnose:
        return None, None
    if diagnose == "quick":
        return quick_diagnosis(data), functools.partial(diagnose_data, data)
    return None, diagnose_data(data)


class EnvelopeModel:
    """An envelope LP built once and re-solved fast for new scenario values.

    The default objectives are closed forms or small QPs (no kept state). The LP objectives
    (``goal``, ``maxmin``, ``combined``) with ``solver = "highs"`` (the default) keep one
    highspy model (:class:`~cgresearch.allocation.highs_lp.HighsLP`); another solver is run
    through PuLP on every call. The structure of the LP depends only on the districts, so a
    change of budget, weights, floors, caps, previous amounts, stability, equity ratio, tiers or
    objective only updates costs, bounds and a few coefficients of the kept model, which then
    re-solves from a cold start: the result equals that of :func:`solve_envelopes` (the same
    model, the same solver path), even where several allocations are optimal.
    ``benchmarks/envelopes.py`` times it against the goal of 1 ms per re-solve.

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
        self.districts = check_districts(districts).copy()
        self._memo: dict[str, np.ndarray] = {}
        self.scenario = scenario
        self._highs_lp = HighsLP()
        self.last_solve_s: float = 0.0

    def solve(
        self, overrides: dict[str, Any] | None = None, *, diagnose: bool | str = True
    ) -> EnvelopeResult:
        """Solve the base scenario with dotted-key ``overrides`` (see ``Scenario.with_overrides``).

        Parameters
        ----------
        overrides : dict, optional
            e.g. ``{"total_budget_eok": 260, "weights.base": 0.3, "weights.pop": 0.7}``.
        diagnose : bool or "quick"
            Explain an infeasible scenario: ``True`` the full diagnosis now (a few dozen LPs),
            ``"quick"`` the cheap one sweeps record (at most one elastic LP) with the full one
            on demand (``result.diagnosis``), ``False`` none.

        Returns
        -------
        EnvelopeResult
        """
        scenario = self.scenario.with_overrides(overrides)
        data = prepare_data(self.districts, scenario, self._memo)
        lp = build_lp(data)
        if scenario.objective == "formula":
            sol, diag = formula_solution(data, lp, explain=diagnose is True)
            return build_result(data, lp, sol, diag, diag)
        if scenario.objective in UNIQUE_OBJECTIVES:
            # Closed forms need no solver; the QPs are small and built fresh.
            sol = solve_unique(data, lp)
            return build_result(data, lp, sol, *diagnoses_for(data, sol, diagnose))
        if scenario.solver != "highs":
            # Another solver goes through PuLP each time (no kept model).
            sol = solve_pulp(lp, scenario)
            return build_result(data, lp, sol, *diagnoses_for(data, sol, diagnose))
        sol = self._highs_lp.solve(data, lp)
        self.last_solve_s = sol.time_s
        return build_result(data, lp, sol, *diagnoses_for(data, sol, diagnose))

"""HiGHS models made silently, and PuLP's highspy solver with the model passed in one batch.

:func:`new_highs` is the one way the package makes a raw ``highspy.Highs`` model (HiGHS' banner
never reaches stdout). :class:`BatchHiGHS` is the solver :func:`cgresearch.allocation.solver.solve`
uses for ``"highs"``: columns and rows passed as arrays (not one call per column), the log sent to
a file (or echoed when asked). :mod:`cgresearch.allocation.solver` re-exports :func:`new_highs`.

Examples
--------
>>> new_highs().getOptionValue("output_flag")[1]
False
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any

import numpy as np
import pulp

__all__ = ["BatchHiGHS", "new_highs"]

_HIGHS_BANNER_SILENCED = False


@contextmanager
def _stdout_to_devnull():
    """Silence C-level writes to stdout (HiGHS prints a banner when its first model is made)."""
    for stream in (sys.stdout, sys.__stdout__):
        if stream is not None:
            stream.flush()
    fd = 1  # the process' stdout, whatever Python's sys.stdout has been replaced with
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            try:
                yield
            finally:
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def new_highs() -> Any:
    """Return a fresh, silent ``highspy.Highs`` model (HiGHS's banner is never printed).

    The one way the package makes a raw HiGHS model: the allocation models, the evaluation room's
    small LPs (``evaluation/_lp.py``) and the benchmarks share it, so no model prints the HiGHS
    banner or log on the user's terminal. Set ``output_flag`` back to True on the returned
    instance to see HiGHS's log.

    Returns
    -------
    highspy.Highs
        An empty model with ``output_flag`` False.

    Examples
    --------
    >>> h = new_highs()
    >>> h.getOptionValue("output_flag")[1]
    False
    """
    import highspy

    global _HIGHS_BANNER_SILENCED
    if _HIGHS_BANNER_SILENCED:
        h = highspy.Highs()
    else:
        with _stdout_to_devnull():
            h = highspy.Highs()
        _HIGHS_BANNER_SILENCED = True
    h.setOptionValue("output_flag", False)
    return h


class BatchHiGHS(pulp.HiGHS):
    """PuLP's highspy solver with the model passed in batches and the log sent to a file."""

    def __init__(self, *, log_path: str | None, echo: bool, **kwargs: Any) -> None:
        super().__init__(msg=False, **kwargs)
        self._log_path = log_path
        self._echo = echo

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        lp.solverModel = h = new_highs()
        if self._log_path is not None or self._echo:
            h.setOptionValue("output_flag", True)
            h.setOptionValue("log_to_console", self._echo)
            if self._log_path is not None:
                h.setOptionValue("log_file", self._log_path)
        if self.threads is not None:
            # HiGHS keeps one thread pool per process; it must be rebuilt to change its size.
            import highspy

            highspy.Highs.resetGlobalScheduler(True)
        for option, value in (
            ("mip_rel_gap", self.gapRel),
            ("mip_abs_gap", self.gapAbs),
            ("threads", self.threads),
            ("time_limit", None if self.timeLimit is None else float(self.timeLimit)),
        ):
            if value is not None:
                h.setOptionValue(option, value)
        for key, value in self.optionsDict.items():
            h.setOptionValue(key, value)

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        import highspy

        h = lp.solverModel
        inf = highspy.kHighsInf
        variables = lp.variables()
        n = len(variables)
        obj = lp.objective if lp.objective is not None else {}
        sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        cost = np.empty(n)
        lower = np.empty(n)
        upper = np.empty(n)
        integer: list[int] = []
        for i, var in enumerate(variables):
            var.index = i
            cost[i] = sign * obj.get(var, 0.0)
            lower[i] = -inf if var.lowBound is None else var.lowBound
            upper[i] = inf if var.upBound is None else var.upBound
            if var.cat == pulp.LpInteger and self.mip:
                integer.append(i)
        if n:
            h.addVars(n, lower, upper)
            h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        if integer:
            h.changeColsIntegrality(
                len(integer),
                np.asarray(integer, dtype=np.int32),
                np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
        constraints = list(lp._constraints.values())
        m = len(constraints)
        if not m:
            return
        starts = np.empty(m, dtype=np.int32)
        row_lo = np.empty(m)
        row_hi = np.empty(m)
        index: list[int] = []
        value: list[float] = []
        for j, con in enumerate(constraints):
            con.index = j
            starts[j] = len(index)
            for var, coef in con.items():
                if coef != 0:
                    index.append(var.index)
                    value.append(coef)
            lo, hi = con.getLb(), con.getUb()
            row_lo[j] = -inf if lo is None else lo
            row_hi[j] = inf if hi is None else hi
        h.addRows(
            m,
            row_lo,
            row_hi,
            len(index),
            starts,
            np.asarray(index, dtype=np.int32),
            np.asarray(value, dtype=float),
        )

"""Solve PuLP models with HiGHS and report what really happened.

One entry point, :func:`solve`, runs a :class:`pulp.LpProblem` on HiGHS (through ``highspy``, the
in-process API, not the command-line binary) or on another PuLP solver chosen by name, and returns
a :class:`SolveResult`: a normalised status, the objective, the MIP gap, the time, the solver's
log, primal values and, for linear programmes, duals.

Three things PuLP leaves to the caller are settled here:

* **Status.** PuLP reports "Optimal" after a time limit when a feasible solution exists; the
  status below reads HiGHS' own model status (or PuLP's solution status for other solvers), so a
  stopped search is ``"time_limit"``, never ``"optimal"``.
* **Dual signs.** HiGHS returns duals of the minimised (negated) objective, CBC returns the
  derivative of the objective itself, so their signs disagree on maximisation problems. Here a
  dual is always *the improvement of the objective per unit increase of the constraint's
  right-hand side* (improvement = increase when maximising, decrease when minimising), whatever
  the solver and the sense. Reduced costs follow the same rule per unit increase of a variable.
* **Speed and quiet.** Models are passed to HiGHS in one batch (arrays, not one call per column),
  HiGHS' banner and log never reach stdout (the log is captured in the result), and
  :func:`affine` builds large expressions from vectors without PuLP's quadratic paths.

Examples
--------
>>> import pulp
>>> prob = pulp.LpProblem("wyndor", pulp.LpMaximize)
>>> x, y = prob.add_variable("x", 0), prob.add_variable("y", 0)
>>> prob += affine([x, y], [3, 5])
>>> prob += (x <= 4, "plant1")
>>> prob += (2 * y <= 12, "plant2")
>>> prob += (3 * x + 2 * y <= 18, "plant3")
>>> res = solve(prob)
>>> res.status, round(res.objective, 6), round(res.duals["plant3"], 6)
('optimal', 36.0, 1.0)
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pulp

from cgresearch.allocation.highs_batch import BatchHiGHS, new_highs
from cgresearch.errors import ModelError, ParameterError

__all__ = ["SOLVER_NAMES", "STATUSES", "SolveResult", "affine", "new_highs", "solve"]

#: Normalised statuses a :class:`SolveResult` can carry.
STATUSES = ("optimal", "infeasible", "unbounded", "time_limit", "not_solved", "error")

#: Solver names accepted by :func:`solve` and the PuLP solver each one maps to.
SOLVER_NAMES: Mapping[str, str] = {
    "highs": "HiGHS",
    "highs_cmd": "HiGHS_CMD",
    "cbc": "PULP_CBC_CMD",
    "coin_cmd": "COIN_CMD",
    "glpk": "GLPK_CMD",
    "gurobi": "GUROBI",
    "scip": "SCIP_CMD",
    "cplex": "CPLEX_PY",
}

# Known dual conventions: factor f with "improvement per unit of rhs" = f * pi, per sense.
# Derived on the Wyndor LP (tests/allocation/test_solver.py): HiGHS reports duals of the minimised
# objective (PuLP negates a maximisation objective before passing it on), CBC the derivative of
# the stated objective.
_DUAL_FACTOR: Mapping[str, Mapping[int, float]] = {
    "HiGHS": {pulp.LpMaximize: -1.0, pulp.LpMinimize: -1.0},
    "PULP_CBC_CMD": {pulp.LpMaximize: 1.0, pulp.LpMinimize: -1.0},
    "COIN_CMD": {pulp.LpMaximize: 1.0, pulp.LpMinimize: -1.0},
}


@dataclass(frozen=True)
class SolveResult:
    """What a solver run produced, in solver-independent terms.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`. ``"time_limit"`` covers every solver-imposed stop (time,
        iterations, solutions, interruption); ``has_solution`` tells whether a feasible point came
        back and ``model_status`` gives the solver's exact words.
    solver : str
        The PuLP solver class used (``"HiGHS"``, ``"PULP_CBC_CMD"``...).
    objective : float or None
        Objective value of the returned solution (``None`` without a solution).
    mip_gap : float or None
        Relative gap between the solution and the best bound reported by the solver (MIP only;
        ``None`` for a linear programme or when the solver does not report it).
    time_s : float
        Wall-clock seconds of the whole call (passing the model to the solver and solving).
    solver_time_s : float or None
        Seconds the solver itself reports (HiGHS run time), when available.
    model_status, solution_status : str
        The solver's and PuLP's own status words, for the record.
    has_solution : bool
        Whether primal values of a feasible solution are available.
    is_mip : bool
        Whether the model had integer variables.
    values : dict
        Variable name -> value.
    duals : dict or None
        Constraint name -> improvement of the objective per unit increase of the right-hand side
        (linear programmes solved to optimality only).
    reduced_costs : dict or None
        Variable name -> improvement of the objective per unit increase of the variable.
    slacks : dict
        Constraint name -> slack (``rhs - lhs`` for <=, ``lhs - rhs`` for >=, ``-|lhs - rhs|``
        for =; zero means binding, negative means violated).
    log : str
        The solver log (HiGHS writes it to a file that is read back here, never to stdout).
    message : str
        One plain sentence describing the outcome.
    """

    status: str
    solver: str
    objective: float | None
    mip_gap: float | None
    time_s: float
    solver_time_s: float | None
    model_status: str
    solution_status: str
    has_solution: bool
    is_mip: bool
    values: dict[str, float] = field(repr=False)
    duals: dict[str, float] | None = field(repr=False)
    reduced_costs: dict[str, float] | None = field(repr=False)
    slacks: dict[str, float] = field(repr=False)
    log: str = field(repr=False)
    message: str = ""

    @property
    def optimal(self) -> bool:
        """True when the solver proved optimality (within its gap tolerance)."""
        return self.status == "optimal"

    def value(self, var: pulp.LpVariable | str) -> float:
        """Return the value of a variable (object or name); 0.0 for a variable not in the model."""
        name = var if isinstance(var, str) else var.name
        return self.values.get(name, 0.0)

    def require_solution(self, what: str = "the model") -> SolveResult:
        """Return ``self`` if a feasible solution exists, else raise :class:`ModelError`.

        Parameters
        ----------
        what : str
            Words naming the model in the error message.
        """
        if not self.has_solution:
            raise ModelError(f"{what}: {self.message}")
        return self

    def to_frame(self) -> pd.DataFrame:
        """Return one row per variable: ``variable``, ``value``, ``reduced_cost``."""
        names = list(self.values)
        rc = self.reduced_costs or {}
        return pd.DataFrame(
            {
                "variable": names,
                "value": [self.values[n] for n in names],
                "reduced_cost": [rc.get(n, math.nan) for n in names],
            }
        )

    def constraints_frame(self) -> pd.DataFrame:
        """Return one row per constraint: ``constraint``, ``slack``, ``binding``, ``dual``."""
        names = list(self.slacks)
        duals = self.duals or {}
        slack = np.array([self.slacks[n] for n in names], dtype=float)
        return pd.DataFrame(
            {
                "constraint": names,
                "slack": slack,
                "binding": np.abs(slack) <= 1e-7,
                "dual": [duals.get(n, math.nan) for n in names],
            }
        )


def affine(
    variables: Iterable[pulp.LpVariable] | Mapping[Any, pulp.LpVariable],
    coefficients: Iterable[float] | Mapping[Any, float] | float = 1.0,
    constant: float = 0.0,
) -> pulp.LpAffineExpression:
    """Build ``sum(c_i * x_i) + constant`` in one pass.

    Faster than ``lpSum(c * x for ...)`` (no intermediate expression per term). Variables
    repeated in the input have their coefficients added.

    Parameters
    ----------
    variables : iterable or mapping of LpVariable
        The variables; with a mapping, ``coefficients`` may be a mapping with the same keys.
    coefficients : iterable, mapping or float
        One coefficient per variable, or one number for all (default 1).
    constant : float
        Constant term.

    Returns
    -------
    pulp.LpAffineExpression

    Examples
    --------
    >>> import pulp
    >>> prob = pulp.LpProblem("p", pulp.LpMaximize)
    >>> x = prob.add_variable_dicts("x", ["a", "b"], 0, 1)
    >>> str(affine(x, {"a": 2.0, "b": 3.0}))
    '2.0*x_a + 3.0*x_b'
    """
    if isinstance(variables, Mapping):
        keys = list(variables)
        vars_ = [variables[k] for k in keys]
        if isinstance(coefficients, Mapping):
            coefs = [float(coefficients[k]) for k in keys]
        elif np.isscalar(coefficients):
            coefs = [float(coefficients)] * len(vars_)  # type: ignore[arg-type]
        else:
            coefs = [float(c) for c in coefficients]  # type: ignore[union-attr]
    else:
        vars_ = list(variables)
        if np.isscalar(coefficients):
            coefs = [float(coefficients)] * len(vars_)  # type: ignore[arg-type]
        else:
            coefs = np.asarray(coefficients, dtype=float).tolist()  # type: ignore[arg-type]
    if len(coefs) != len(vars_):
        raise ParameterError(
            f"affine(): {len(vars_)} variables but {len(coefs)} coefficients; give one each"
        )
    terms: dict[pulp.LpVariable, float] = {}
    for v, c in zip(vars_, coefs, strict=True):
        if v in terms:
            terms[v] += c
        else:
            terms[v] = c
    return pulp.LpAffineExpression(terms, constant=float(constant))


def _make_solver(
    solver: str,
    *,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    msg: bool,
    log_path: str,
) -> pulp.LpSolver:
    key = solver.lower()
    if key == "highs":
        return BatchHiGHS(
            log_path=log_path, echo=msg, timeLimit=time_limit, gapRel=mip_gap, threads=threads
        )
    pulp_name = SOLVER_NAMES.get(key, solver)
    if pulp_name not in pulp.listSolvers():
        raise ParameterError(
            f"unknown solver {solver!r}: use one of {', '.join(SOLVER_NAMES)} "
            f"(or a PuLP solver name: {', '.join(pulp.listSolvers(onlyAvailable=True))})"
        )
    kwargs: dict[str, Any] = {"msg": msg}
    if time_limit is not None:
        kwargs["timeLimit"] = time_limit
    if mip_gap is not None:
        kwargs["gapRel"] = mip_gap
    if threads is not None:
        kwargs["threads"] = threads
    if pulp_name in ("PULP_CBC_CMD", "COIN_CMD"):
        kwargs["logPath"] = log_path
    with warnings.catch_warnings():
        # PuLP 3.3 warns that its bundled CBC goes away in 4.0; choosing it here is deliberate.
        warnings.simplefilter("ignore", DeprecationWarning)
        made = pulp.getSolver(pulp_name, **kwargs)
    if not made.available():
        raise ParameterError(
            f"solver {solver!r} is not installed here; available: "
            f"{', '.join(pulp.listSolvers(onlyAvailable=True))} (the default 'highs' always is)"
        )
    return made


def _lhs_minus_rhs(con: pulp.LpConstraint, values: Mapping[str, float]) -> float:
    # PuLP stores a constraint as expr + constant (sense) 0, so lhs - rhs = expr + constant.
    return con.constant + sum(coef * values.get(var.name, 0.0) for var, coef in con.items())


def _slack(con: pulp.LpConstraint, diff: float) -> float:
    if con.sense == pulp.LpConstraintLE:
        return -diff
    if con.sense == pulp.LpConstraintGE:
        return diff
    return -abs(diff)


def _dual_factor(
    solver_name: str, sense: int, constraints: Sequence[pulp.LpConstraint], pis: Sequence[float]
) -> float:
    known = _DUAL_FACTOR.get(solver_name)
    if known is not None:
        return known[sense]
    # Unknown solver: infer the convention from inequality rows. Raising the rhs of a <= row can
    # only help (improvement >= 0); raising the rhs of a >= row can only hurt.
    votes = 0.0
    for con, pi in zip(constraints, pis, strict=True):
        if pi is None or abs(pi) < 1e-9 or con.sense == pulp.LpConstraintEQ:
            continue
        expected = 1.0 if con.sense == pulp.LpConstraintLE else -1.0
        votes += expected * math.copysign(1.0, pi)
    if votes != 0:
        return 1.0 if votes > 0 else -1.0
    return 1.0 if sense == pulp.LpMaximize else -1.0


def _highs_outcome(prob: pulp.LpProblem) -> tuple[str, str, float | None, float | None, bool]:
    """Read HiGHS' own model status; disambiguate 'infeasible or unbounded' with presolve off."""
    import highspy

    h = prob.solverModel
    ms = h.getModelStatus()
    if ms == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        h.setOptionValue("presolve", "off")
        h.run()
        ms = h.getModelStatus()
    info = h.getInfo()
    words = h.modelStatusToString(ms)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    S = highspy.HighsModelStatus
    if ms == S.kOptimal:
        status = "optimal"
    elif ms == S.kInfeasible:
        status = "infeasible"
    elif ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
        status = "unbounded" if ms == S.kUnbounded else "infeasible"
    elif ms in (
        S.kTimeLimit,
        S.kIterationLimit,
        S.kSolutionLimit,
        S.kInterrupt,
        S.kObjectiveBound,
        S.kObjectiveTarget,
    ):
        status = "time_limit"
    elif ms in (S.kNotset, S.kModelEmpty):
        status = "not_solved" if ms == S.kNotset else "optimal"
        has_solution = ms == S.kModelEmpty
    else:
        status = "error"
    gap = None
    if prob.isMIP() and has_solution:
        gap = float(info.mip_gap)
        if not math.isfinite(gap):
            gap = None
    objective = None
    if has_solution:
        # HiGHS saw the negated objective of a maximisation: evaluate PuLP's own expression.
        objective = float(pulp.value(prob.objective)) if prob.objective is not None else 0.0
    return status, words, gap, objective, has_solution


def _pulp_outcome(prob: pulp.LpProblem) -> tuple[str, bool]:
    status, sol = prob.status, prob.sol_status
    has_solution = sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if status == pulp.LpStatusOptimal:
        return ("optimal" if sol == pulp.LpSolutionOptimal else "time_limit"), has_solution
    if status == pulp.LpStatusInfeasible:
        return "infeasible", False
    if status == pulp.LpStatusUnbounded:
        return "unbounded", False
    if status == pulp.LpStatusNotSolved:
        return ("time_limit" if has_solution else "not_solved"), has_solution
    return "error", has_solution


def _message(status: str, objective: float | None, gap: float | None, model_status: str) -> str:
    if status == "optimal":
        return f"optimal solution found (objective {objective:.6g})"
    if status == "infeasible":
        return "no solution satisfies every constraint (infeasible): relax a bound or a target"
    if status == "unbounded":
        return "the objective can grow without limit (unbounded): a bound is missing"
    if status == "time_limit":
        if objective is None:
            return f"stopped ({model_status}) before any feasible solution was found"
        gap_txt = "unknown" if gap is None else f"{gap:.3%}"
        return (
            f"stopped ({model_status}) with a feasible solution (objective {objective:.6g}), "
            f"not proven optimal: gap {gap_txt}; raise the time limit or the gap tolerance"
        )
    if status == "not_solved":
        return f"the solver did not solve the model ({model_status})"
    return f"the solver failed ({model_status})"


def solve(
    prob: pulp.LpProblem,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    msg: bool = False,
) -> SolveResult:
    """Solve a PuLP problem and return a :class:`SolveResult`.

    Parameters
    ----------
    prob : pulp.LpProblem
        The model (built with ``prob.add_variable``/``add_variable_dicts`` and :func:`affine`).
    solver : str
        ``"highs"`` (default, HiGHS through highspy) or another name in :data:`SOLVER_NAMES`
        (or any PuLP solver class name).
    time_limit : float, optional
        Seconds; a run stopped by it has status ``"time_limit"``, never ``"optimal"``.
    mip_gap : float, optional
        Relative MIP gap at which the solver may stop (HiGHS' default is 1e-4).
    threads : int, optional
        Solver threads. With HiGHS this rebuilds its process-wide thread pool, so do not change
        it while other HiGHS solves run in other threads of the same process.
    msg : bool
        Also echo the solver log to the console (it is always captured in ``log``).

    Returns
    -------
    SolveResult

    Raises
    ------
    ParameterError
        Unknown or unavailable solver, negative time limit or gap.

    Examples
    --------
    >>> import pulp
    >>> prob = pulp.LpProblem("knap", pulp.LpMaximize)
    >>> x = prob.add_variable_dicts("x", ["a", "b", "c"], cat="Binary")
    >>> prob += affine(x, {"a": 5, "b": 4, "c": 3})
    >>> prob += affine(x, {"a": 4, "b": 3, "c": 2}) <= 5
    >>> res = solve(prob)
    >>> res.status, res.objective, sorted(k for k, v in res.values.items() if v > 0.5)
    ('optimal', 7.0, ['x_b', 'x_c'])
    """
    if time_limit is not None and not time_limit > 0:
        raise ParameterError(f"time_limit must be a positive number of seconds, got {time_limit}")
    if mip_gap is not None and not mip_gap >= 0:
        raise ParameterError(f"mip_gap must be >= 0 (a fraction, 0.01 = 1%), got {mip_gap}")
    fd, log_path = tempfile.mkstemp(prefix="cgresearch-solver-", suffix=".log")
    os.close(fd)
    try:
        engine = _make_solver(
            solver,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            msg=msg,
            log_path=log_path,
        )
        start = time.perf_counter()
        try:
            prob.solve(engine)
        except pulp.PulpSolverError as exc:
            raise ModelError(f"solver {engine.name} failed on {prob.name!r}: {exc}") from exc
        elapsed = time.perf_counter() - start
        log = Path(log_path).read_text(encoding="utf-8", errors="replace")
    finally:
        Path(log_path).unlink(missing_ok=True)

    is_mip = bool(prob.isMIP())
    solver_time: float | None = None
    if isinstance(engine, pulp.HiGHS):
        status, model_status, gap, objective, has_solution = _highs_outcome(prob)
        solver_time = float(prob.solverModel.getRunTime())
    else:
        status, has_solution = _pulp_outcome(prob)
        model_status = pulp.LpStatus.get(prob.status, str(prob.status))
        objective = pulp.value(prob.objective) if has_solution else None
        objective = None if objective is None else float(objective)
        gap = 0.0 if (is_mip and status == "optimal") else None

    variables = prob.variables()
    values = (
        {v.name: float(v.varValue) for v in variables if v.varValue is not None}
        if has_solution
        else {}
    )
    constraints = prob.constraints()
    names = [c.name for c in constraints]
    slacks: dict[str, float] = {}
    if has_solution:
        for n, c in zip(names, constraints, strict=True):
            slacks[n] = _slack(c, _lhs_minus_rhs(c, values)) + 0.0
    duals: dict[str, float] | None = None
    reduced: dict[str, float] | None = None
    if not is_mip and status == "optimal":
        pis = [c.pi for c in constraints]
        if all(p is not None for p in pis):
            f = _dual_factor(engine.name, prob.sense, constraints, pis)
            duals = {n: f * float(p) + 0.0 for n, p in zip(names, pis, strict=True)}
            if all(v.dj is not None for v in variables):
                reduced = {v.name: f * float(v.dj) + 0.0 for v in variables}
    return SolveResult(
        status=status,
        solver=engine.name,
        objective=objective,
        mip_gap=gap,
        time_s=elapsed,
        solver_time_s=solver_time,
        model_status=model_status,
        solution_status=pulp.LpSolution.get(prob.sol_status, str(prob.sol_status)),
        has_solution=has_solution,
        is_mip=is_mip,
        values=values,
        duals=duals,
        reduced_costs=reduced,
        slacks=slacks,
        log=log,
        message=_message(status, objective, gap, model_status),
    )

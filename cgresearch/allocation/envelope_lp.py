"""The envelope model as arrays: prepared district data and the LP every objective shares.

:func:`prepare_data` checks a scenario against the district table and returns :class:`EnvelopeData`
(targets, bounds, weights as arrays over the gu); :func:`build_lp` turns it into
:class:`EnvelopeLP`, a minimisation ``min c·v`` over the columns ``x`` (amounts), ``d⁺``/``d⁻``
(deviations from the targets), ``pc_lo``/``pc_hi`` (per-capita band), ``z`` (max-min level) and
``D⁺``/``D⁻`` (proportional tie-break), whose structure depends only on the number of districts.
:func:`solve_pulp` solves it through PuLP and the shared solver layer.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.per_district import district_keys
from cgresearch.allocation.scenario import Scenario, resolve_per_district
from cgresearch.allocation.targets import (
    KRW_PER_EOK,
    POPULATION_COLUMN,
    check_districts,
    indicator_column,
    target_amounts,
)
from cgresearch.errors import InputError, ParameterError

__all__ = [
    "GROUPS",
    "EnvelopeData",
    "EnvelopeLP",
    "EnvelopeSolution",
    "box_bounds",
    "build_lp",
    "lp_columns",
    "lp_structure",
    "prepare_data",
    "solve_pulp",
]

#: Constraint groups of the envelope model, as the diagnosis names them.
GROUPS: tuple[str, ...] = ("budget", "floors", "caps", "stability", "tiers", "equity")
_INF = math.inf


# --- the prepared model data ----------------------------------------------------------------
@dataclass(frozen=True)
class EnvelopeData:
    """Everything the LP needs, as arrays over the districts (억원)."""

    districts: pd.DataFrame
    scenario: Scenario
    pop: np.ndarray
    target: np.ndarray
    dtarget_db: np.ndarray
    sigma: np.ndarray
    weight: np.ndarray
    floor: np.ndarray  # nan = none
    cap: np.ndarray
    previous: np.ndarray
    stab_lo: np.ndarray
    stab_hi: np.ndarray
    tier_lo: np.ndarray
    tier_hi: np.ndarray
    grade: list[str | None]
    k: np.ndarray  # KRW per person per 억원

    @property
    def n(self) -> int:
        return len(self.pop)


def _floats(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


_UNSET = object()


_KEYS = ("district_keys",)


def _per_gu(
    value: Any,
    d: pd.DataFrame,
    key: str,
    name: str,
    memo: dict | None,
    lookups: dict,
    fill: Any = _UNSET,
) -> list[Any]:
    """``resolve_per_district``, remembered by a kept model for a per-gu table it has seen
    (a sweep re-solves with the same tables: no district lookup is rebuilt).

    ``lookups`` holds the district keys of ``d`` once built (the kept model's memo, or a dict
    living for one :func:`prepare_data` call), so a solve builds them at most once.
    """
    kwargs: dict[str, Any] = {} if fill is _UNSET else {"fill": fill}
    if isinstance(value, Mapping):
        if _KEYS not in lookups:
            lookups[_KEYS] = district_keys(d)
        kwargs["keys"] = lookups[_KEYS]
    if memo is None or not isinstance(value, dict):
        return resolve_per_district(value, d, key=key, scenario=name, **kwargs)
    tag = ("per_gu", key, tuple(sorted((str(k), v) for k, v in value.items())))
    if tag not in memo:
        memo[tag] = resolve_per_district(value, d, key=key, scenario=name, **kwargs)  # type: ignore[index]
    return memo[tag]  # type: ignore[index]


def prepare_data(
    districts: pd.DataFrame, scenario: Scenario, memo: dict[str, np.ndarray] | None = None
) -> EnvelopeData:
    """Check the inputs and compute the arrays; ``memo`` (kept by a model) caches columns."""
    d = districts if memo is not None else check_districts(districts)
    lookups: dict = memo if memo is not None else {}
    n = len(d)
    pop = indicator_column(d, POPULATION_COLUMN, "per-capita amounts", memo)
    if np.any(pop <= 0):
        raise InputError(
            f"district table, column '{POPULATION_COLUMN}': every population must be > 0"
        )
    target, dt = target_amounts(d, scenario, memo)
    budget = scenario.total_budget_eok
    sigma = target / target.sum() if target.sum() > 0 else dt / dt.sum()
    name = scenario.name
    floor = _floats(_per_gu(scenario.floor_eok, d, "floor_eok", name, memo, lookups))
    cap = _floats(_per_gu(scenario.cap_eok, d, "cap_eok", name, memo, lookups))
    if scenario.floor_per_capita_krw is not None:
        floor = np.fmax(floor, pop * scenario.floor_per_capita_krw / KRW_PER_EOK)
    bad = np.flatnonzero(floor > cap)
    if bad.size:
        i = int(bad[0])
        raise ParameterError(
            f"scenario '{name}': the floor of {d['name_ko'].iloc[i]} ({floor[i]:g}억원) is above "
            f"its cap ({cap[i]:g}억원): lower floor_eok or raise cap_eok"
        )
    prev = _floats(_per_gu(scenario.previous_eok, d, "previous_eok", name, memo, lookups))
    limits = {
        key: getattr(scenario, key)
        for key in ("stability_delta", "max_cut_pct", "max_raise_pct", "max_change_eok")
        if getattr(scenario, key) is not None
    }
    stab_lo = stab_hi = np.full(n, np.nan)
    if limits:
        missing = np.flatnonzero(np.isnan(prev))
        if missing.size:
            raise ParameterError(
                f"scenario '{name}': {next(iter(limits))} needs previous_eok for every gu; "
                f"{d['name_ko'].iloc[int(missing[0])]} has none: add it or a 'default'"
            )
        lows, highs = [], []
        if "stability_delta" in limits:
            lows.append(prev * (1 - limits["stability_delta"]))
            highs.append(prev * (1 + limits["stability_delta"]))
        if "max_cut_pct" in limits:
            lows.append(prev * (1 - limits["max_cut_pct"] / 100))
        if "max_raise_pct" in limits:
            highs.append(prev * (1 + limits["max_raise_pct"] / 100))
        if "max_change_eok" in limits:
            lows.append(np.maximum(prev - limits["max_change_eok"], 0.0))
            highs.append(prev + limits["max_change_eok"])
        if lows:
            stab_lo = np.max(np.vstack(lows), axis=0)
        if highs:
            stab_hi = np.min(np.vstack(highs), axis=0)
    grades: list[str | None] = [None] * n
    tier_lo = np.full(n, np.nan)
    tier_hi = np.full(n, np.nan)
    if scenario.tiers:
        grades = _per_gu(scenario.grades, d, "grades", name, memo, lookups, fill=None)  # type: ignore[assignment]
        for i, g in enumerate(grades):
            if g is None:
                raise ParameterError(
                    f"scenario '{name}': {d['name_ko'].iloc[i]} has no performance grade: add "
                    "it to grades or give grades.default"
                )
            tier_lo[i], tier_hi[i] = scenario.tiers[g]
    relative = scenario.deviation == "relative" or scenario.objective == "proportional"
    if scenario.objective == "equal_adjustment":
        relative = False
    if relative or scenario.objective == "minmax_relative":
        if np.any(sigma <= 0):
            i = int(np.flatnonzero(sigma <= 0)[0])
            raise ParameterError(
                f"scenario '{name}': {d['name_ko'].iloc[i]} has a formula target of 0, so a "
                "relative deviation is undefined: use deviation = 'absolute' or add a base weight"
            )
    if relative:
        weight = 1.0 / (n * sigma)
    else:
        weight = np.ones(n)
    if scenario.objective in ("maxmin", "combined") and np.any(sigma <= 0):
        i = int(np.flatnonzero(sigma <= 0)[0])
        raise ParameterError(
            f"scenario '{name}': {d['name_ko'].iloc[i]} has a formula target of 0, so its "
            "need-weighted amount is undefined: add a base weight for max-min fairness"
        )
    del budget
    return EnvelopeData(
        districts=d,
        scenario=scenario,
        pop=pop,
        target=target,
        dtarget_db=dt,
        sigma=sigma,
        weight=weight,
        floor=floor,
        cap=cap,
        previous=prev,
        stab_lo=stab_lo,
        stab_hi=stab_hi,
        tier_lo=tier_lo,
        tier_hi=tier_hi,
        grade=grades,
        k=KRW_PER_EOK / pop,
    )


def box_bounds(data: EnvelopeData) -> tuple[np.ndarray, np.ndarray]:
    """Each gu's lower and upper amount from its floor, cap, stability limits and tier."""
    lo = np.fmax.reduce([np.zeros(data.n), data.floor, data.stab_lo, data.tier_lo])
    hi = np.fmin.reduce([data.cap, data.stab_hi, data.tier_hi])
    hi = np.where(np.isnan(hi), np.inf, hi)
    return lo, hi


# --- the linear programme as arrays ----------------------------------------------------------
@dataclass(frozen=True)
class EnvelopeLP:
    """A minimisation LP ``min c·v`` s.t. rows ``A v (kind) rhs``, bounds on v; nan rhs = off.

    The structure (columns, rows, sparsity) depends only on the number of districts, so a kept
    solver model can be updated in place when the scenario changes.
    """

    col_names: list[str]
    col_lb: np.ndarray
    col_ub: np.ndarray
    cost: np.ndarray
    row_names: list[str]
    row_group: np.ndarray  # str: budget/goal/floors/caps/stability/tiers/equity/maxmin/tiebreak
    row_kind: np.ndarray  # "eq" | "ge" | "le"
    row_gu: np.ndarray  # district index or -1
    rhs: np.ndarray
    a_row: np.ndarray
    a_col: np.ndarray
    a_val: np.ndarray
    maximise: bool  # the planner's sense (the arrays are always the minimisation form)

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo = np.where(self.row_kind == "le", -_INF, self.rhs)
        hi = np.where(self.row_kind == "ge", _INF, self.rhs)
        off = np.isnan(self.rhs)
        return np.where(off, -_INF, lo), np.where(off, _INF, hi)


def lp_columns(n: int) -> dict[str, slice | int]:
    return {
        "x": slice(0, n),
        "dp": slice(n, 2 * n),
        "dm": slice(2 * n, 3 * n),
        "lo": 3 * n,
        "hi": 3 * n + 1,
        "z": 3 * n + 2,
        "Dp": 3 * n + 3,
        "Dm": 3 * n + 4,
    }


@functools.lru_cache(maxsize=16)
def lp_structure(
    n: int,
) -> tuple[
    list[str], list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """Column names, row names, groups, kinds, districts and sparsity of the n-district LP."""
    cols = lp_columns(n)
    xs = np.arange(n)
    labels = [f"x_{i}" for i in xs] + [f"dp_{i}" for i in xs] + [f"dm_{i}" for i in xs]
    labels += ["pc_lo", "pc_hi", "z", "Dp", "Dm"]
    # PuLP hands columns to the solver sorted by name; the prefix keeps our order.
    col_names = [f"v{j:04d}_{label}" for j, label in enumerate(labels)]
    blocks = [
        ("goal", "eq", "goal"),
        ("floor", "ge", "floors"),
        ("cap", "le", "caps"),
        ("stab_lo", "ge", "stability"),
        ("stab_hi", "le", "stability"),
        ("tier_lo", "ge", "tiers"),
        ("tier_hi", "le", "tiers"),
        ("pclo", "ge", "equity"),
        ("pchi", "le", "equity"),
    ]
    names, groups, kinds, gus = ["budget"], ["budget"], ["eq"], [-1]
    for prefix, kind, group in blocks:
        names += [f"{prefix}_{i}" for i in xs]
        groups += [group] * n
        kinds += [kind] * n
        gus += list(xs)
    names.append("ratio")
    groups.append("equity")
    kinds.append("le")
    gus.append(-1)
    for prefix, group in (("mm", "maxmin"), ("tbp", "tiebreak"), ("tbm", "tiebreak")):
        names += [f"{prefix}_{i}" for i in xs]
        groups += [group] * n
        kinds += ["le"] * n
        gus += list(xs)
    dp, dm = n + xs, 2 * n + xs
    r = 1 + xs
    one = np.ones(n, dtype=np.int64)
    rows = [np.zeros(n, dtype=np.int64), r, r, r]
    cols_ = [xs, xs, dp, dm]
    for b in range(1, 7):  # floor .. tier_hi: x_i
        rows.append(1 + b * n + xs)
        cols_.append(xs)
    rows += [1 + 7 * n + xs, 1 + 7 * n + xs, 1 + 8 * n + xs, 1 + 8 * n + xs]
    cols_ += [xs, cols["lo"] * one, xs, cols["hi"] * one]
    rows += [np.array([1 + 9 * n, 1 + 9 * n])]
    cols_ += [np.array([cols["hi"], cols["lo"]])]
    base = 2 + 9 * n
    rows += [base + xs, base + xs, base + n + xs, base + n + xs, base + 2 * n + xs]
    rows += [base + 2 * n + xs]
    cols_ += [cols["z"] * one, xs, dp, cols["Dp"] * one, dm, cols["Dm"] * one]
    return (
        col_names,
        names,
        np.array(groups),
        np.array(kinds),
        np.array(gus),
        np.concatenate(rows).astype(np.int32),
        np.concatenate(cols_).astype(np.int32),
        xs,
    )


def build_lp(data: EnvelopeData, *, elastic_off: frozenset[str] = frozenset()) -> EnvelopeLP:
    """Build the LP arrays; groups in ``elastic_off`` are switched off (rhs nan)."""
    s = data.scenario
    n = data.n
    col_names, row_names, group, kind, gu, a_row, a_col, _ = lp_structure(n)
    cols = lp_columns(n)
    dp, dm = cols["dp"], cols["dm"]
    ncol = len(col_names)
    budget = s.total_budget_eok
    scale = budget if budget > 0 else 1.0
    w = data.weight
    cost = np.zeros(ncol)
    eps_goal = 1e-4 * float(w.min()) * float(data.sigma[data.sigma > 0].min(initial=1.0))
    obj = s.objective
    if obj in ("goal", "formula"):
        cost[dp] = w
        cost[dm] = w
        cost[cols["Dp"]] = cost[cols["Dm"]] = eps_goal
    elif obj == "maxmin":
        eps_mm = 1e-6 / float(w.max())
        cost[cols["z"]] = -1.0
        cost[dp] = eps_mm * w
        cost[dm] = eps_mm * w
        cost[cols["Dp"]] = cost[cols["Dm"]] = eps_mm * eps_goal
    elif obj == "combined":
        total = sum(s.combination.values())
        a = s.combination.get("goal", 0.0) / total
        b = s.combination.get("maxmin", 0.0) / total
        cost[dp] = a * w / scale
        cost[dm] = a * w / scale
        cost[cols["z"]] = -b / scale
        cost[cols["Dp"]] = cost[cols["Dm"]] = eps_goal * max(a, 1e-3) / scale
    ratio = s.max_per_capita_ratio
    eq_on = np.nan if ratio is None else 0.0
    mm_on = 0.0 if obj in ("maxmin", "combined") else np.nan
    tb_on = 0.0
    full = np.full
    rhs = np.concatenate(
        [
            [budget],
            data.target,
            data.floor,
            data.cap,
            data.stab_lo,
            data.stab_hi,
            data.tier_lo,
            data.tier_hi,
            full(n, eq_on),
            full(n, eq_on),
            [eq_on],
            full(n, mm_on),
            full(2 * n, tb_on),
        ]
    )
    if elastic_off:
        rhs[np.isin(group, list(elastic_off))] = np.nan
    ones = np.ones(n)
    inv_sigma = np.where(data.sigma > 0, 1.0 / np.where(data.sigma > 0, data.sigma, 1.0), 0.0)
    a_val = np.concatenate(
        [
            ones,  # budget
            ones,
            -ones,
            ones,  # goal: x, dp, dm
            np.ones(6 * n),  # floor .. tier_hi
            data.k,
            -ones,
            data.k,
            -ones,  # pclo, pchi
            [1.0, -(ratio or 1.0)],
            ones,
            -inv_sigma,  # mm
            ones,
            -data.sigma,
            ones,
            -data.sigma,  # tbp, tbm
        ]
    )
    return EnvelopeLP(
        col_names=col_names,
        col_lb=np.zeros(ncol),
        col_ub=np.full(ncol, _INF),
        cost=cost,
        row_names=row_names,
        row_group=group,
        row_kind=kind,
        row_gu=gu,
        rhs=rhs,
        a_row=a_row,
        a_col=a_col,
        a_val=a_val,
        maximise=obj == "maxmin",
    )


@dataclass(frozen=True)
class EnvelopeSolution:
    status: str
    message: str
    values: np.ndarray | None  # per column
    improvement: np.ndarray | None  # per row: objective improvement per unit rhs increase
    time_s: float
    log: str = ""
    mip_gap: float | None = None
    #: Least-squares objectives: the budget multiplier λ (w_i (x_i − t_i) = λ for a gu at no
    #: bound), and the common relative band M of ``minmax_relative``.
    multiplier: float | None = None
    band: float | None = None
    #: The exact equity path: a callable giving d(objective)/d(max_per_capita_ratio) on demand
    #: (the ratio row has no dual there; see ``equity_path.equity_exact``).
    ratio_slope: Any = None
    #: The same path: d(objective)/d(total budget), formula targets rescaled, on demand.
    budget_slope: Any = None


def solve_pulp(lp: EnvelopeLP, scenario: Scenario) -> EnvelopeSolution:
    """Solve the LP through PuLP and the shared solver layer."""
    import pulp

    from cgresearch.allocation.solver import affine, solve

    sense = pulp.LpMaximize if lp.maximise else pulp.LpMinimize
    prob = pulp.LpProblem("envelopes", sense)
    variables = [
        prob.add_variable(name, lb, None if math.isinf(ub) else ub)
        for name, lb, ub in zip(lp.col_names, lp.col_lb, lp.col_ub, strict=True)
    ]
    sign = -1.0 if lp.maximise else 1.0
    nz = np.flatnonzero(lp.cost)
    prob += affine([variables[j] for j in nz], sign * lp.cost[nz])
    order = np.argsort(lp.a_row, kind="stable")
    starts = np.searchsorted(lp.a_row[order], np.arange(len(lp.row_names) + 1))
    active = np.flatnonzero(~np.isnan(lp.rhs))
    for r in active:
        idx = order[starts[r] : starts[r + 1]]
        idx = idx[lp.a_val[idx] != 0]
        expr = affine([variables[j] for j in lp.a_col[idx]], lp.a_val[idx])
        kind, value = lp.row_kind[r], float(lp.rhs[r])
        con = expr == value if kind == "eq" else (expr >= value if kind == "ge" else expr <= value)
        prob += (con, lp.row_names[r])
    res = solve(prob, solver=scenario.solver, time_limit=scenario.time_limit_s)
    values = None
    if res.has_solution:
        values = np.array([res.values.get(n, 0.0) for n in lp.col_names])
    improvement = None
    if res.duals is not None:
        improvement = np.zeros(len(lp.row_names))
        for r in active:
            improvement[r] = res.duals.get(lp.row_names[r], 0.0)
        if lp.maximise:
            # The PuLP model maximises −cost; an improvement of it is an improvement of ours.
            pass
    return EnvelopeSolution(res.status, res.message, values, improvement, res.time_s, res.log)

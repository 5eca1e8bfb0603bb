"""District envelopes: how much of a governance budget each autonomous district (gu) receives.

Three ways to split a total ``B`` (억원) across districts ``i``:

**Formula** (:func:`formula_allocation`). ``weighted`` rule: every gu gets ``base_eok`` and the
rest, ``B − n·base``, is split by weighted indicator shares, ``t_i = base + (B − n·base) Σ_k ω_k
s_ik`` with ``s_ik = indicator_ik / Σ_j indicator_jk`` and ``ω_k = weight_k / weights_sum``.
Indicators (:data:`~cgresearch.allocation.scenario.INDICATORS`): ``base`` (1 each: an equal
share), ``pop``, ``elderly`` (65+), ``area``, ``dong`` (administrative dong) and ``fiscal_need``.
``shortfall`` rule, modelled on Seoul's equalisation grant (조정교부금): ``general_share`` (0.9)
of ``B`` by each gu's share of the fiscal shortfall (기준재정수요액 − 수입액), the rest equally
(the special grant is discretionary; an equal split stands in for it). Per-gu standard need and
revenue are not public here, so the shortfall is proxied by ``fiscal_need = population × (1 −
재정자립도/100)``: equal need per person, own revenue covering the gu's fiscal-independence share.

**Goal programming** (objective ``goal``). Minimise the weighted absolute deviation from the
formula targets, ``Σ w_i |x_i − t_i|`` (``w_i = 1``, or ``1/(n σ_i)`` with ``σ_i = t_i/B`` for
``deviation = "relative"``), subject to ``Σ x_i = B``, floors, caps, stability
``(1−δ)p_i ≤ x_i ≤ (1+δ)p_i``, performance tiers (grade → [min, max]) and the per-capita equity
bound ``max_i x_i/pop_i ≤ R · min_i x_i/pop_i`` (linearised with two auxiliary variables, ``lo ≤
x_i/pop_i ≤ hi``, ``hi ≤ R·lo``). Several allocations often share the least total deviation (an
extra 억원 taken from any over-target gu costs the same), so a tie-break term ``ε (D⁺ + D⁻)`` with
``d⁺_i ≤ σ_i D⁺``, ``d⁻_i ≤ σ_i D⁻`` spreads increases and cuts in proportion to the targets. It
is small enough not to change the least deviation (ε = 10⁻⁴ · min w · min σ; moving money between
two gu changes the deviation by at least ``|w_a ± w_b|`` per 억원).

**Max-min fairness** (objective ``maxmin``). Maximise ``Z = min_i x_i/σ_i``: the worst-off
district's amount relative to its need share. In per-person terms ``Z · 10⁸/Σpop`` is the smallest
need-weighted per-capita amount (KRW), where a gu's need index is its target per capita over the
city's. Ties among the better-off districts are broken by the least goal deviation (weight
10⁻⁶/max w, small enough that raising ``Z`` by δ, which moves at most δ 억원, always wins), and
then by the proportional tie-break above. These tie-breaks sit near HiGHS' tolerances for
max-min; another solver (``solver = "cbc"``) returns the same worst-off amount but may pick another
of the equally fair allocations.
``combined`` minimises ``a · Σ w|d|/B − b · Z/B`` with the scenario's ``combination`` weights.

All models are linear programmes solved by HiGHS: :func:`solve_envelopes` through PuLP and
:mod:`~cgresearch.allocation.solver`; :class:`EnvelopeModel` keeps a highspy model and re-solves it
after changing right-hand sides, costs and coefficients (the same matrix, so the same optimum).
Shadow prices follow the solver module's rule: the *improvement* of the objective per unit
increase of a constraint's right-hand side.

Examples
--------
>>> from cgresearch.allocation import Scenario, solve_envelopes
>>> from cgresearch.data.districts import load_districts
>>> s = Scenario(name="demo", total_budget_eok=250, floor_eok=9, cap_eok=11)
>>> res = solve_envelopes(load_districts(), s)
>>> res.status, round(float(res.table["amount_eok"].sum()), 6)
('optimal', 250.0)
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation import metrics as _metrics
from cgresearch.allocation.scenario import Scenario, resolve_per_district
from cgresearch.errors import InputError, ModelError, ParameterError

__all__ = [
    "GROUPS",
    "EnvelopeModel",
    "EnvelopeResult",
    "compare",
    "equity_frontier",
    "formula_allocation",
    "score_frontier",
    "solve_envelopes",
]

#: Constraint groups of the envelope model, as the diagnosis names them.
GROUPS: tuple[str, ...] = ("budget", "floors", "caps", "stability", "tiers", "equity")

_INDICATOR_COLUMNS = {
    "pop": "pop_total_2017q1",
    "elderly": "pop_65plus_2017q1",
    "area": "area_km2_2014",
    "dong": "n_admin_dong_2022_03_09",
}
_POP = "pop_total_2017q1"
_FISCAL = "fiscal_independence_pct_kosis_year_unverified"
_KRW_PER_EOK = 1e8
_BIND_TOL = 1e-6
_INF = math.inf
_BINDING_LABELS = (
    "floor",
    "cap",
    "stability_low",
    "stability_high",
    "tier_min",
    "tier_max",
    "equity_min",
    "equity_max",
)


# --- inputs -------------------------------------------------------------------------------------
def _column(
    districts: pd.DataFrame, col: str, why: str, memo: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    if memo is not None and col in memo:
        return memo[col]
    if col not in districts.columns:
        raise InputError(
            f"district table: column '{col}' is missing; it is needed for {why} "
            "(load the table with cgresearch.data.load_districts())"
        )
    values = pd.to_numeric(districts[col], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"district table, row {i}, column '{col}': value {districts[col].iloc[i]!r} must be "
            "a finite number ≥ 0"
        )
    if memo is not None:
        memo[col] = values
    return values


def _indicator(districts: pd.DataFrame, key: str, memo: dict | None = None) -> np.ndarray:
    n = len(districts)
    if key == "base":
        return np.ones(n)
    if key == "fiscal_need":
        pop = _column(districts, _POP, "the fiscal_need indicator", memo)
        fi = _column(districts, _FISCAL, "the fiscal_need indicator", memo)
        if np.any(fi > 100):
            raise InputError(f"district table, column '{_FISCAL}': percentages must be ≤ 100")
        return pop * (1.0 - fi / 100.0)
    return _column(districts, _INDICATOR_COLUMNS[key], f"the '{key}' weight", memo)


def _shares(districts: pd.DataFrame, scenario: Scenario, memo: dict | None = None) -> np.ndarray:
    """Target shares ∂t_i/∂(B − n·base): Σ_k ω_k s_ik (weighted) or the shortfall mix."""
    n = len(districts)
    if scenario.formula_rule == "shortfall":
        short = _indicator(districts, "fiscal_need", memo)
        if short.sum() <= 0:
            raise InputError("district table: the fiscal shortfall is zero in every gu")
        return scenario.general_share * short / short.sum() + (1 - scenario.general_share) / n
    share = np.zeros(n)
    for key, weight in scenario.weights.items():
        if weight == 0:
            continue
        ind = _indicator(districts, key, memo)
        if ind.sum() <= 0:
            raise InputError(f"district table: indicator '{key}' is zero in every gu")
        share += weight / scenario.weights_sum * ind / ind.sum()
    return share


def _targets(
    districts: pd.DataFrame, scenario: Scenario, memo: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the formula targets t (억원) and their derivative ∂t/∂B."""
    n = len(districts)
    budget = scenario.total_budget_eok
    share = _shares(districts, scenario, memo)
    if scenario.formula_rule == "shortfall":
        return budget * share, share
    base = scenario.base_eok
    if n * base > budget + 1e-9:
        raise ParameterError(
            f"scenario '{scenario.name}': base_eok = {base:g} for each of {n} gu is "
            f"{n * base:g}억원, above the total of {budget:g}억원: lower base_eok or raise "
            "total_budget_eok"
        )
    return base + max(budget - n * base, 0.0) * share, share


def _check_districts(districts: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(districts, pd.DataFrame) or len(districts) == 0:
        raise InputError("district table: give a non-empty DataFrame (one row per gu)")
    for col in ("adm_code", "name_ko"):
        if col not in districts.columns:
            raise InputError(f"district table: column '{col}' is missing")
    if districts["adm_code"].duplicated().any():
        dup = districts.loc[districts["adm_code"].duplicated(), "adm_code"].iloc[0]
        raise InputError(f"district table, column 'adm_code': {dup} appears twice")
    out = districts.reset_index(drop=True)
    if "name_en" not in out.columns:
        out = out.assign(name_en=out["name_ko"])
    return out


def formula_allocation(districts: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the formula amounts of every district (bounds are not applied).

    Parameters
    ----------
    districts : DataFrame
        One row per gu (``adm_code``, ``name_ko``, ``pop_total_2017q1`` and the indicator
        columns the scenario's weights use).
    scenario : Scenario
        Uses ``total_budget_eok``, ``formula_rule``, ``weights``, ``base_eok``,
        ``general_share``.

    Returns
    -------
    DataFrame
        ``adm_code``, ``name_ko``, ``name_en``, ``amount_eok``, ``share``, ``per_capita_krw``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> s = Scenario(name="f", total_budget_eok=20, weights={"base": 0.5, "pop": 0.5})
    >>> formula_allocation(d, s)["amount_eok"].tolist()   # 5 + 2.5, 5 + 7.5
    [7.5, 12.5]
    """
    d = _check_districts(districts)
    target, _ = _targets(d, scenario)
    pop = _column(d, _POP, "per-capita amounts")
    total = target.sum()
    return pd.DataFrame(
        {
            "adm_code": d["adm_code"].to_numpy(),
            "name_ko": d["name_ko"].to_numpy(),
            "name_en": d["name_en"].to_numpy(),
            "amount_eok": target,
            "share": target / total if total > 0 else np.zeros(len(d)),
            "per_capita_krw": _per_capita(target, pop),
        }
    )


def _per_capita(amount: np.ndarray, pop: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pop > 0, amount * _KRW_PER_EOK / np.where(pop > 0, pop, 1), np.nan)


# --- the prepared model data ----------------------------------------------------------------
@dataclass(frozen=True)
class _Data:
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


def _prepare(
    districts: pd.DataFrame, scenario: Scenario, memo: dict[str, np.ndarray] | None = None
) -> _Data:
    """Check the inputs and compute the arrays; ``memo`` (kept by a model) caches columns."""
    d = districts if memo is not None else _check_districts(districts)
    n = len(d)
    pop = _column(d, _POP, "per-capita amounts", memo)
    if np.any(pop <= 0):
        raise InputError(f"district table, column '{_POP}': every population must be > 0")
    target, dt = _targets(d, scenario, memo)
    budget = scenario.total_budget_eok
    sigma = target / target.sum() if target.sum() > 0 else dt / dt.sum()
    name = scenario.name
    floor = _floats(resolve_per_district(scenario.floor_eok, d, key="floor_eok", scenario=name))
    cap = _floats(resolve_per_district(scenario.cap_eok, d, key="cap_eok", scenario=name))
    bad = np.flatnonzero(floor > cap)
    if bad.size:
        i = int(bad[0])
        raise ParameterError(
            f"scenario '{name}': the floor of {d['name_ko'].iloc[i]} ({floor[i]:g}억원) is above "
            f"its cap ({cap[i]:g}억원): lower floor_eok or raise cap_eok"
        )
    prev = _floats(
        resolve_per_district(scenario.previous_eok, d, key="previous_eok", scenario=name)
    )
    if scenario.stability_delta is not None:
        missing = np.flatnonzero(np.isnan(prev))
        if missing.size:
            raise ParameterError(
                f"scenario '{name}': stability_delta needs previous_eok for every gu; "
                f"{d['name_ko'].iloc[int(missing[0])]} has none: add it or a 'default'"
            )
        delta = scenario.stability_delta
        stab_lo, stab_hi = prev * (1 - delta), prev * (1 + delta)
    else:
        stab_lo = stab_hi = np.full(n, np.nan)
    grades: list[str | None] = [None] * n
    tier_lo = np.full(n, np.nan)
    tier_hi = np.full(n, np.nan)
    if scenario.tiers:
        grades = resolve_per_district(scenario.grades, d, key="grades", scenario=name, fill=None)  # type: ignore[assignment]
        for i, g in enumerate(grades):
            if g is None:
                raise ParameterError(
                    f"scenario '{name}': {d['name_ko'].iloc[i]} has no performance grade: add "
                    "it to grades or give grades.default"
                )
            tier_lo[i], tier_hi[i] = scenario.tiers[g]
    if scenario.deviation == "relative":
        if np.any(sigma <= 0):
            i = int(np.flatnonzero(sigma <= 0)[0])
            raise ParameterError(
                f"scenario '{name}': {d['name_ko'].iloc[i]} has a formula target of 0, so a "
                "relative deviation is undefined: use deviation = 'absolute' or add a base weight"
            )
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
    return _Data(
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
        k=_KRW_PER_EOK / pop,
    )


# --- the linear programme as arrays ----------------------------------------------------------
@dataclass(frozen=True)
class _LP:
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


def _columns(n: int) -> dict[str, slice | int]:
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
def _structure(
    n: int,
) -> tuple[
    list[str], list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """Column names, row names, groups, kinds, districts and sparsity of the n-district LP."""
    cols = _columns(n)
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


def _build_lp(data: _Data, *, elastic_off: frozenset[str] = frozenset()) -> _LP:
    """Build the LP arrays; groups in ``elastic_off`` are switched off (rhs nan)."""
    s = data.scenario
    n = data.n
    col_names, row_names, group, kind, gu, a_row, a_col, _ = _structure(n)
    cols = _columns(n)
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
    else:
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
    return _LP(
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
class _Solution:
    status: str
    message: str
    values: np.ndarray | None  # per column
    improvement: np.ndarray | None  # per row: objective improvement per unit rhs increase
    time_s: float
    log: str = ""
    mip_gap: float | None = None


def _solve_pulp(lp: _LP, scenario: Scenario) -> _Solution:
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
    return _Solution(res.status, res.message, values, improvement, res.time_s, res.log)


# --- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnvelopeResult:
    """The outcome of one envelope scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario solved.
    status : str
        ``"optimal"``, ``"infeasible"``, ``"time_limit"``, ``"unbounded"``, ``"error"``.
    message : str
        One plain sentence (for an infeasible scenario, the diagnosis).
    objective_value : float or None
        In the objective's own units (see ``objective_label``).
    objective_label : str
        What the objective measures, with its unit and sense.
    table : DataFrame
        One row per gu: ``adm_code``, ``name_ko``, ``name_en``, ``population``, ``amount_eok``,
        ``per_capita_krw``, ``previous_eok``, ``change_eok``, ``change_pct``, ``target_eok``,
        ``deviation_eok``, ``floor_eok``, ``cap_eok``, ``grade``, ``tier_min_eok``,
        ``tier_max_eok``, ``stability_min_eok``, ``stability_max_eok``, ``binding`` (bounds
        that bind, ``;``-separated: floor, cap, stability_low/high, tier_min/max,
        equity_min/max).
    metrics : dict
        ``total_eok``, ``gini``, ``theil``, ``max_min_ratio`` (of per-capita amounts across gu),
        ``gini_pop``, ``theil_pop`` (population-weighted), ``min_need_weighted_per_capita_krw``,
        ``total_abs_deviation_eok``.
    shadow_prices : DataFrame
        ``constraint``, ``group``, ``adm_code``, ``name_ko``, ``rhs``, ``improvement`` (objective
        improvement per unit increase of the right-hand side, 억원 for amounts) and ``text``.
    diagnosis : Diagnosis or None
        Why an infeasible scenario cannot be met (``None`` when it can).
    time_s : float
        Solver wall time.
    log : str
        Solver log.
    """

    scenario: Scenario
    status: str
    message: str
    objective_value: float | None
    objective_label: str
    metrics: dict[str, float]
    diagnosis: Any = None
    time_s: float = 0.0
    log: str = field(default="", repr=False)
    amounts: np.ndarray | None = field(default=None, repr=False)
    _data: Any = field(default=None, repr=False, compare=False)
    _lp: Any = field(default=None, repr=False, compare=False)
    _sol: Any = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """The allocation table (built on first use; see the class docstring)."""
        return _table(self._data, self.amounts, self.district_columns())

    def district_columns(self) -> dict[str, np.ndarray]:
        """Return the per-district columns of :attr:`table` that a sweep stores, as arrays.

        The same numbers as ``table`` without building a DataFrame (sweeps call this once per
        scenario): ``population`` (float), ``amount_eok``, ``per_capita_krw``,
        ``previous_eok``, ``change_eok``, ``target_eok``, ``deviation_eok`` and ``binding``
        (object array of ``;``-separated labels); amounts are nan when there is no allocation.

        Examples
        --------
        >>> import pandas as pd
        >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
        ...                   "pop_total_2017q1": [100_000, 300_000]})
        >>> r = solve_envelopes(d, Scenario(name="c", total_budget_eok=20, floor_eok=9))
        >>> r.district_columns()["binding"].tolist()
        ['floor', '']
        """
        return _district_columns(self._data, self.amounts)

    @functools.cached_property
    def shadow_prices(self) -> pd.DataFrame:
        """Shadow prices in planner words (built on first use; see the class docstring)."""
        sol = self._sol if self.ok else _EMPTY
        return _shadow_prices(self._data, self._lp, sol)

    @property
    def ok(self) -> bool:
        """True when an optimal allocation was found."""
        return self.status == "optimal"

    def to_frame(self) -> pd.DataFrame:
        """Return the allocation table (one row per gu) with the scenario name as a column."""
        return self.table.assign(scenario=self.scenario.name)

    def summary(self) -> str:
        """Return a short plain-text summary for planners."""
        s = self.scenario
        lines = [
            f"scenario: {s.name} ({s.objective}, formula rule {s.formula_rule})",
            f"total budget: {s.total_budget_eok:,.2f}억원 across {len(self.table)} gu",
        ]
        if not self.ok:
            lines.append(f"status: {self.status}: {self.message}")
        else:
            m = self.metrics
            lines.append(f"status: optimal; {self.objective_label} = {self.objective_value:,.6g}")
            lines.append(
                f"equity of per-capita amounts: Gini {m['gini']:.4f}, Theil {m['theil']:.4f}, "
                f"max/min {m['max_min_ratio']:.3f}"
            )
            t = self.table.sort_values("amount_eok", ascending=False)
            top, bottom = t.iloc[0], t.iloc[-1]
            lines.append(
                f"largest: {top['name_ko']} {top['amount_eok']:.2f}억원; smallest: "
                f"{bottom['name_ko']} {bottom['amount_eok']:.2f}억원"
            )
            for text in _condensed(self.shadow_prices, s):
                lines.append(f"- {text}")
        return "\n".join(lines)


def _objective_label(scenario: Scenario) -> str:
    if scenario.objective in ("goal", "formula"):
        return "weighted deviation from the formula targets (억원, lower is better)"
    if scenario.objective == "maxmin":
        return "smallest need-weighted per-capita amount (KRW, higher is better)"
    return "combined score (deviation share minus max-min share, lower is better)"


def _binding_labels(data: _Data, x: np.ndarray) -> list[str]:
    """Labels of the bounds that bind at ``x``, per district (``;``-separated, in the order of
    ``_BINDING_LABELS``)."""
    x = x[: data.n]
    bounds = (data.floor, data.cap, data.stab_lo, data.stab_hi, data.tier_lo, data.tier_hi)
    hits = [np.abs(x - b) <= _BIND_TOL * np.maximum(1.0, np.abs(b)) for b in bounds]
    ratio = data.scenario.max_per_capita_ratio
    if ratio is not None:
        pc = x * data.k
        lo, hi = float(pc.min()), float(pc.max())
        on = hi - ratio * lo >= -_BIND_TOL * max(1.0, abs(hi))
        hits.append(on & (np.abs(pc - lo) <= _BIND_TOL * max(1.0, abs(lo))))
        hits.append(on & (np.abs(pc - hi) <= _BIND_TOL * max(1.0, abs(hi))))
    grid = np.column_stack(hits)  # nan bounds compare False
    codes = (grid @ (1 << np.arange(len(hits)))).tolist()
    return [_label_join(code) for code in codes]


@functools.lru_cache(maxsize=256)
def _label_join(code: int) -> str:
    """The ``;``-joined binding labels whose bits are set in ``code``."""
    return ";".join(label for j, label in enumerate(_BINDING_LABELS) if code >> j & 1)


def _objective_value(data: _Data, x: np.ndarray) -> float:
    s = data.scenario
    dev = float(np.dot(data.weight, np.abs(x - data.target)))
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    if s.objective in ("goal", "formula"):
        return dev
    if s.objective == "maxmin":
        return zmin * _KRW_PER_EOK / data.pop.sum()
    total = sum(s.combination.values())
    scale = s.total_budget_eok if s.total_budget_eok > 0 else 1.0
    a = s.combination.get("goal", 0.0) / total
    b = s.combination.get("maxmin", 0.0) / total
    return a * dev / scale - b * zmin / scale


def _district_columns(data: _Data, x: np.ndarray | None) -> dict[str, np.ndarray]:
    amount = np.full(data.n, np.nan) if x is None else x.copy()
    binding = [""] * data.n if x is None else _binding_labels(data, x)
    return {
        "population": data.pop.astype(np.int64).astype(float),
        "amount_eok": amount,
        "per_capita_krw": _per_capita(amount, data.pop),
        "previous_eok": data.previous,
        "change_eok": amount - data.previous,
        "target_eok": data.target,
        "deviation_eok": amount - data.target,
        "binding": np.array(binding, dtype=object),
    }


def _table(data: _Data, x: np.ndarray | None, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    d = data.districts
    amount, change = cols["amount_eok"], cols["change_eok"]
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(data.previous > 0, 100 * change / data.previous, np.nan)
    return pd.DataFrame(
        {
            "adm_code": d["adm_code"].to_numpy(),
            "name_ko": d["name_ko"].to_numpy(),
            "name_en": d["name_en"].to_numpy(),
            "population": data.pop.astype(np.int64),
            "amount_eok": amount,
            "per_capita_krw": cols["per_capita_krw"],
            "previous_eok": data.previous,
            "change_eok": change,
            "change_pct": change_pct,
            "target_eok": data.target,
            "deviation_eok": cols["deviation_eok"],
            "floor_eok": data.floor,
            "cap_eok": data.cap,
            "grade": pd.array(data.grade, dtype="string"),
            "tier_min_eok": data.tier_lo,
            "tier_max_eok": data.tier_hi,
            "stability_min_eok": data.stab_lo,
            "stability_max_eok": data.stab_hi,
            "binding": list(cols["binding"]),
        }
    )


def _metrics_of(data: _Data, x: np.ndarray | None) -> dict[str, float]:
    if x is None:
        return {}
    pc = np.maximum(x, 0.0) * data.k  # KRW per person (populations are > 0)
    ones = np.ones_like(pc)
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    return {
        "total_eok": float(x.sum()),
        "gini": _metrics._gini(pc, ones),
        "theil": _metrics._theil(pc, ones),
        "max_min_ratio": float(pc.max() / pc.min()) if pc.min() > 0 else math.inf,
        "gini_pop": _metrics._gini(pc, data.pop),
        "theil_pop": _metrics._theil(pc, data.pop),
        "min_need_weighted_per_capita_krw": zmin * _KRW_PER_EOK / float(data.pop.sum()),
        "total_abs_deviation_eok": float(np.abs(x - data.target).sum()),
    }


_ROW_WORDS = {
    "floors": "floor",
    "caps": "cap",
    "stability": "stability limit",
    "tiers": "tier limit",
}


def _negligible(scenario: Scenario) -> float:
    """Improvements below this are tie-break noise (see the module docstring), shown as none."""
    return {"goal": 1e-4, "formula": 1e-4, "maxmin": 1e-2}.get(scenario.objective, 1e-6)


def _cost_words(scenario: Scenario, improvement: float) -> str:
    """'2억원 of deviation' — the size of a shadow price in the objective's unit."""
    amount = abs(improvement)
    if scenario.objective in ("goal", "formula"):
        return f"{amount:.3g}억원 of deviation from the formula targets"
    if scenario.objective == "maxmin":
        return f"{amount:,.4g} KRW of the worst-off need-weighted per-capita amount"
    return f"{amount:.3g} of the combined score"


def _condensed(shadow: pd.DataFrame, scenario: Scenario, limit: int = 6) -> list[str]:
    """Planner sentences with districts that share a bound and a price merged into one."""
    if shadow.empty:
        return []
    lines = [str(shadow.iloc[0]["text"])]
    rest = shadow.iloc[1:]
    district_rows = rest[rest["name_ko"].notna()]
    keyed = district_rows.assign(
        _price=district_rows["improvement"].round(3),
        _rhs=district_rows["rhs"].round(6),
        _kind=district_rows["constraint"].str.replace(r"_\d+$", "", regex=True),
    )
    for (kind, rhs, price), grp in keyed.groupby(["_kind", "_rhs", "_price"], sort=False):
        if len(lines) > limit:
            break
        if len(grp) == 1:
            lines.append(str(grp.iloc[0]["text"]))
            continue
        word = {
            "floor": "floors",
            "cap": "caps",
            "tier_lo": "lower tier limits",
            "tier_hi": "upper tier limits",
            "stab_lo": "lower stability limits",
            "stab_hi": "upper stability limits",
        }.get(kind, kind)
        names = list(grp["name_ko"])
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        lines.append(
            f"the {word} of {listed} ({rhs:.2f}억원) each cost {_cost_words(scenario, price)} "
            f"per 억원: raising one by 1억원 " + _effect(scenario, float(price), "")
        )
    for text in rest[rest["name_ko"].isna()]["text"]:
        lines.append(str(text))
    return [" ".join(line.split()) for line in lines[: limit + 1]]


def _effect(scenario: Scenario, improvement: float, per: str) -> str:
    """Words for 'the objective improves by ``improvement`` per ``per``'."""
    pop_note = ""
    if abs(improvement) < _negligible(scenario):
        return f"leaves the objective ({_objective_label(scenario)}) unchanged {per}"
    if scenario.objective in ("goal", "formula"):
        # improvement = decrease of the deviation.
        verb = "lowers" if improvement >= 0 else "raises"
        amount = abs(improvement)
        return f"{verb} the total deviation from the formula targets by {amount:.3g}억원 {per}"
    if scenario.objective == "maxmin":
        verb = "raises" if improvement >= 0 else "lowers"
        return (
            f"{verb} the worst-off district's need-weighted per-capita amount by "
            f"{abs(improvement):,.4g} KRW {per}{pop_note}"
        )
    verb = "improves" if improvement >= 0 else "worsens"
    return f"{verb} the combined score by {abs(improvement):.3g} {per}"


def _shadow_prices(data: _Data, lp: _LP, sol: _Solution) -> pd.DataFrame:
    cols = ["constraint", "group", "adm_code", "name_ko", "rhs", "improvement", "text"]
    if sol.improvement is None:
        return pd.DataFrame(columns=cols)
    s = data.scenario
    imp = sol.improvement.copy()
    if s.objective == "maxmin":
        # z is in 억원 of "budget at need share"; convert to KRW per (need-weighted) person.
        imp = imp * _KRW_PER_EOK / float(data.pop.sum())
    rows = []
    goal_rows = np.flatnonzero(lp.row_group == "goal")
    budget_total = float(imp[0] + np.dot(imp[goal_rows], data.dtarget_db))
    rows.append(
        {
            "constraint": "budget",
            "group": "budget",
            "adm_code": None,
            "name_ko": None,
            "rhs": s.total_budget_eok,
            "improvement": budget_total,
            "text": "one more 억원 of total budget (formula targets rescaled) "
            + _effect(s, budget_total, "").rstrip(),
        }
    )
    names = data.districts["name_ko"].to_numpy()
    codes = data.districts["adm_code"].to_numpy()
    for r in range(len(lp.row_names)):
        grp = lp.row_group[r]
        if grp not in _ROW_WORDS or np.isnan(lp.rhs[r]) or abs(imp[r]) < _negligible(s):
            continue
        i = int(lp.row_gu[r])
        side = ""
        if grp in ("stability", "tiers"):
            side = " (lower)" if lp.row_kind[r] == "ge" else " (upper)"
        word = _ROW_WORDS[grp]
        rows.append(
            {
                "constraint": lp.row_names[r],
                "group": grp,
                "adm_code": codes[i],
                "name_ko": names[i],
                "rhs": float(lp.rhs[r]),
                "improvement": float(imp[r]),
                "text": f"the {word}{side} of {names[i]} ({lp.rhs[r]:.2f}억원) costs "
                f"{_cost_words(s, float(imp[r]))} per 억원: raising it by 1억원 "
                + _effect(s, float(imp[r]), ""),
            }
        )
    r_ratio = lp.row_names.index("ratio")
    lo_val = 0.0 if sol.values is None else float(sol.values[_columns(data.n)["lo"]])
    per_tenth = float(imp[r_ratio]) * lo_val * 0.1
    if not np.isnan(lp.rhs[r_ratio]) and abs(per_tenth) >= _negligible(s):
        rows.append(
            {
                "constraint": "ratio",
                "group": "equity",
                "adm_code": None,
                "name_ko": None,
                "rhs": float(s.max_per_capita_ratio or np.nan),
                "improvement": per_tenth,
                "text": f"loosening the per-capita equity bound from {s.max_per_capita_ratio:g} "
                f"by 0.1 " + _effect(s, per_tenth, ""),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out["text"] = out["text"].str.replace(r"\s+", " ", regex=True).str.strip()
    first = out.iloc[:1]
    rest = out.iloc[1:].sort_values("improvement", key=np.abs, ascending=False, kind="stable")
    return pd.concat([first, rest], ignore_index=True)


def _result(data: _Data, lp: _LP, sol: _Solution, diagnosis: Any = None) -> EnvelopeResult:
    s = data.scenario
    x = None if sol.values is None else sol.values[: data.n].copy()
    if x is not None:
        x[np.abs(x) < 1e-12] = 0.0
    ok = sol.status == "optimal" and x is not None
    value = _objective_value(data, x) if ok else None
    return EnvelopeResult(
        scenario=s,
        status=sol.status,
        message=(
            diagnosis.message
            if diagnosis is not None
            else (
                f"optimal allocation found: {_objective_label(s)} = {value:,.6g}"
                if ok and s.objective != "formula"
                else sol.message
            )
        ),
        objective_value=value,
        objective_label=_objective_label(s),
        metrics=_metrics_of(data, x) if x is not None else {},
        diagnosis=diagnosis,
        time_s=sol.time_s,
        log=sol.log,
        amounts=x,
        _data=data,
        _lp=lp,
        _sol=sol,
    )


_EMPTY = _Solution("not_solved", "", None, None, 0.0)


def _formula_solution(data: _Data, lp: _LP, explain: bool = True) -> tuple[_Solution, Any]:
    """The formula objective: x = t; check every bound (a violated bound is a diagnosis)."""
    from cgresearch.allocation.diagnosis import diagnose_formula

    diag = diagnose_formula(data, explain=explain)
    values = np.zeros(len(lp.col_names))
    values[: data.n] = data.target
    if diag is not None:
        return _Solution("infeasible", diag.message, None, None, 0.0), diag
    msg = "the formula allocation meets every bound"
    return _Solution("optimal", msg, values, None, 0.0), None


def solve_envelopes(districts: pd.DataFrame, scenario: Scenario) -> EnvelopeResult:
    """Solve one envelope scenario (PuLP + HiGHS) and explain the result.

    Parameters
    ----------
    districts : DataFrame
        One row per gu (:func:`cgresearch.data.load_districts` for Seoul's 25).
    scenario : Scenario
        What to solve (:func:`~cgresearch.allocation.scenario.load_scenario`).

    Returns
    -------
    EnvelopeResult
        For an infeasible scenario, ``status == "infeasible"`` and ``diagnosis`` says which
        constraint groups conflict and by how much to relax them.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> s = Scenario(name="g", total_budget_eok=20, weights={"base": 0.5, "pop": 0.5},
    ...              floor_eok=9)
    >>> solve_envelopes(d, s).table["amount_eok"].round(6).tolist()
    [9.0, 11.0]
    """
    data = _prepare(districts, scenario)
    lp = _build_lp(data)
    if scenario.objective == "formula":
        sol, diag = _formula_solution(data, lp)
        return _result(data, lp, sol, diag)
    sol = _solve_pulp(lp, scenario)
    diag = None
    if sol.status == "infeasible":
        from cgresearch.allocation.diagnosis import _diagnose_data

        diag = _diagnose_data(data)
    return _result(data, lp, sol, diag)


# --- the kept model for fast re-solves -------------------------------------------------------
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
        self, overrides: dict[str, Any] | None = None, *, diagnose: bool = True
    ) -> EnvelopeResult:
        """Solve the base scenario with dotted-key ``overrides`` (see ``Scenario.with_overrides``).

        Parameters
        ----------
        overrides : dict, optional
            e.g. ``{"total_budget_eok": 260, "weights.base": 0.3, "weights.pop": 0.7}``.
        diagnose : bool
            Explain an infeasible scenario (a few extra LPs); sweeps may switch it off.

        Returns
        -------
        EnvelopeResult
        """
        scenario = self.scenario.with_overrides(overrides)
        data = _prepare(self.districts, scenario, self._memo)
        lp = _build_lp(data)
        if scenario.objective == "formula":
            sol, diag = _formula_solution(data, lp, explain=diagnose)
            return _result(data, lp, sol, diag)
        if scenario.solver != "highs":
            # Another solver goes through PuLP each time (no kept model).
            sol = _solve_pulp(lp, scenario)
            diag = None
            if sol.status == "infeasible" and diagnose:
                from cgresearch.allocation.diagnosis import _diagnose_data

                diag = _diagnose_data(data)
            return _result(data, lp, sol, diag)
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
        diag = None
        if sol.status == "infeasible" and diagnose:
            from cgresearch.allocation.diagnosis import _diagnose_data

            diag = _diagnose_data(data)
        return _result(data, lp, sol, diag)

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


def compare(result_a: EnvelopeResult, result_b: EnvelopeResult) -> pd.DataFrame:
    """Return who gains and who loses going from scenario A to scenario B.

    Returns
    -------
    DataFrame
        One row per gu, sorted by ``change_eok`` (largest gain first): ``adm_code``,
        ``name_ko``, ``name_en``, ``amount_a_eok``, ``amount_b_eok``, ``change_eok``,
        ``change_pct``, ``per_capita_a_krw``, ``per_capita_b_krw``, ``outcome``
        (``gains``/``loses``/``unchanged``).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> a = solve_envelopes(d, Scenario(name="a", total_budget_eok=20))
    >>> b = solve_envelopes(d, Scenario(name="b", total_budget_eok=20, floor_eok=9))
    >>> compare(a, b)["outcome"].tolist()
    ['gains', 'loses']
    """
    for label, res in (("A", result_a), ("B", result_b)):
        if not res.ok:
            raise ModelError(
                f"compare: scenario {label} ('{res.scenario.name}') has no allocation "
                f"({res.status}): {res.message}"
            )
    a = result_a.table[["adm_code", "name_ko", "name_en", "amount_eok", "per_capita_krw"]]
    b = result_b.table[["adm_code", "amount_eok", "per_capita_krw"]]
    if set(a["adm_code"]) != set(b["adm_code"]):
        raise ParameterError("compare: the two results cover different districts")
    m = a.merge(b, on="adm_code", suffixes=("_a", "_b"))
    change = m["amount_eok_b"] - m["amount_eok_a"]
    tol = 1e-6
    out = pd.DataFrame(
        {
            "adm_code": m["adm_code"],
            "name_ko": m["name_ko"],
            "name_en": m["name_en"],
            "amount_a_eok": m["amount_eok_a"],
            "amount_b_eok": m["amount_eok_b"],
            "change_eok": change,
            "change_pct": np.where(
                m["amount_eok_a"] > 0,
                100 * change / m["amount_eok_a"].where(lambda v: v > 0),
                np.nan,
            ),
            "per_capita_a_krw": m["per_capita_krw_a"],
            "per_capita_b_krw": m["per_capita_krw_b"],
            "outcome": np.where(
                change > tol, "gains", np.where(change < -tol, "loses", "unchanged")
            ),
        }
    )
    out.attrs["scenario_a"] = result_a.scenario.name
    out.attrs["scenario_b"] = result_b.scenario.name
    return out.sort_values("change_eok", ascending=False, kind="stable").reset_index(drop=True)


def equity_frontier(
    districts: pd.DataFrame,
    scenario: Scenario,
    ratios: Any = None,
    *,
    n_points: int = 12,
) -> pd.DataFrame:
    """Trace the equity–efficiency frontier by the ε-constraint method.

    For each per-capita equity bound ``R`` (largest over smallest per-capita amount), solve the
    scenario with ``max_per_capita_ratio = R`` and record the best objective: the price in
    objective terms (e.g. deviation from the formula, 억원) of each tighter equity bound.

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        The scenario; its own ``max_per_capita_ratio`` is replaced by each bound.
    ratios : sequence of float, optional
        The bounds (≥ 1). Default: ``n_points`` values from the ratio of the scenario solved
        without an equity bound down to 1.
    n_points : int
        Number of default bounds.

    Returns
    -------
    DataFrame
        ``max_per_capita_ratio`` (the bound), ``status``, ``objective_value``,
        ``objective_label``, ``total_abs_deviation_eok``, ``achieved_ratio``, ``gini``,
        ``theil``, ``min_need_weighted_per_capita_krw``; one row per bound, loosest first.

    Examples
    --------
    >>> from cgresearch.data.districts import load_districts
    >>> f = equity_frontier(load_districts(), Scenario(name="f", total_budget_eok=250),
    ...                     ratios=[5, 3, 2])
    >>> bool(f["objective_value"].is_monotonic_increasing)
    True
    """
    model = EnvelopeModel(districts, scenario)
    if ratios is None:
        free = model.solve({"max_per_capita_ratio": None}, diagnose=False)
        if not free.ok:
            raise ModelError(
                f"equity_frontier: scenario '{scenario.name}' has no allocation even without an "
                f"equity bound ({free.status}): {free.message}"
            )
        top = free.metrics["max_min_ratio"]
        ratios = np.linspace(top, 1.0, n_points)
    rows = []
    for r in sorted((float(v) for v in ratios), reverse=True):
        if r < 1:
            raise ParameterError(f"equity_frontier: ratio {r:g} is below 1")
        res = model.solve({"max_per_capita_ratio": r}, diagnose=False)
        m = res.metrics if res.ok else {}
        rows.append(
            {
                "max_per_capita_ratio": r,
                "status": res.status,
                "objective_value": res.objective_value,
                "objective_label": res.objective_label,
                "total_abs_deviation_eok": m.get("total_abs_deviation_eok", np.nan),
                "achieved_ratio": m.get("max_min_ratio", np.nan),
                "gini": m.get("gini", np.nan),
                "theil": m.get("theil", np.nan),
                "min_need_weighted_per_capita_krw": m.get(
                    "min_need_weighted_per_capita_krw", np.nan
                ),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["scenario"] = scenario.name
    return out


def score_frontier(
    districts: pd.DataFrame,
    scenario: Scenario,
    proposals: pd.DataFrame,
    ratios: Any = None,
    *,
    n_points: int = 8,
    score: str = "score",
    mip_gap: float = 1e-4,
) -> pd.DataFrame:
    """Equity–efficiency frontier in proposal scores (ε-constraint on the per-capita ratio).

    For each equity bound ``R``, one mixed-integer programme chooses the district envelopes
    ``x_i`` (억원) *and* the funded proposals together: maximise ``Σ score_j y_j`` subject to
    ``Σ x_i = B``, the scenario's floors, caps, stability and tiers on ``x``, the per-capita
    bound ``max x_i/pop_i ≤ R · min x_i/pop_i``, each district's spend ``Σ_{j in i} cost_j y_j ≤
    100 x_i`` (million KRW), at most one proposal per ``duplicate_group``, ``mandatory``
    proposals funded, and ``y_j`` binary (continuous in [0, 1] where ``partial_allowed``). The
    curve is the most score each equity bound allows: non-increasing as ``R`` tightens.

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        Budget and bounds on the envelopes (its objective and formula are not used here).
    proposals : DataFrame
        ``gu_code`` (= ``adm_code``), ``cost_mkrw``, the ``score`` column and optionally
        ``duplicate_group``, ``mandatory``, ``partial_allowed``.
    ratios : sequence of float, optional
        The bounds; default ``n_points`` values from the ratio of the best unconstrained choice
        down to 1.
    n_points : int
        Number of default bounds.
    score : str
        The proposal column maximised (``"score"`` or ``"votes"``).
    mip_gap : float
        Relative MIP gap at which HiGHS may stop.

    Returns
    -------
    DataFrame
        ``max_per_capita_ratio``, ``status``, ``objective_value`` (total score),
        ``objective_label``, ``n_selected``, ``spent_mkrw``, ``achieved_ratio``, ``mip_gap``;
        one row per bound, loosest first.
    """
    data = _prepare(districts, scenario)
    codes = list(data.districts["adm_code"])
    for col in ("gu_code", "cost_mkrw", score):
        if col not in proposals.columns:
            raise InputError(f"proposals: column '{col}' is missing")
    where = {c: i for i, c in enumerate(codes)}
    unknown = sorted({c for c in proposals["gu_code"] if c not in where})
    if unknown:
        raise InputError(f"proposals: gu_code {unknown[:3]} not in the district table")
    label = f"total {score} of the funded proposals (higher is better)"

    def solve_at(ratio: float | None) -> dict[str, Any]:
        return _score_mip(data, proposals, where, ratio, score, mip_gap)

    if ratios is None:
        free = solve_at(None)
        top = free["achieved_ratio"] if np.isfinite(free["achieved_ratio"]) else 3.0
        ratios = np.linspace(max(top, 1.0), 1.0, n_points)
    rows = []
    for r in sorted((float(v) for v in ratios), reverse=True):
        if r < 1:
            raise ParameterError(f"score_frontier: ratio {r:g} is below 1")
        rows.append({"max_per_capita_ratio": r, **solve_at(r), "objective_label": label})
    out = pd.DataFrame(rows)
    out.attrs["scenario"] = scenario.name
    labels = proposals.get("data_label", pd.Series(dtype=str)).astype(str)
    out.attrs["synthetic"] = bool((labels == "synthetic").any())
    return out


def _score_mip(
    data: _Data,
    proposals: pd.DataFrame,
    where: dict[Any, int],
    ratio: float | None,
    score: str,
    mip_gap: float,
) -> dict[str, Any]:
    """One joint envelope + selection MIP (see :func:`score_frontier`)."""
    import pulp

    from cgresearch.allocation.solver import affine, solve

    scenario = data.scenario.with_overrides({"max_per_capita_ratio": ratio})
    lp = _build_lp(replace(data, scenario=scenario), elastic_off=frozenset({"goal"}))
    n = data.n
    cols = _columns(n)
    prob = pulp.LpProblem("score_frontier", pulp.LpMaximize)
    x = [prob.add_variable(f"x_{i}", 0) for i in range(n)]
    lo, hi = prob.add_variable("pc_lo", 0), prob.add_variable("pc_hi", 0)
    var = {**dict(enumerate(x)), cols["lo"]: lo, cols["hi"]: hi}
    order = np.argsort(lp.a_row, kind="stable")
    starts = np.searchsorted(lp.a_row[order], np.arange(len(lp.row_names) + 1))
    for r, name in enumerate(lp.row_names):
        if lp.row_group[r] not in GROUPS or np.isnan(lp.rhs[r]):
            continue
        idx = order[starts[r] : starts[r + 1]]
        idx = idx[lp.a_val[idx] != 0]
        expr = affine([var[int(j)] for j in lp.a_col[idx]], lp.a_val[idx])
        kind, rhs = lp.row_kind[r], float(lp.rhs[r])
        prob += (
            expr == rhs if kind == "eq" else (expr >= rhs if kind == "ge" else expr <= rhs),
            name,
        )
    m = len(proposals)
    partial = (
        proposals["partial_allowed"].fillna(False).astype(bool).to_numpy()
        if "partial_allowed" in proposals.columns
        else np.zeros(m, dtype=bool)
    )
    y = [
        prob.add_variable(f"y_{j:05d}", 0, 1, cat="Continuous" if partial[j] else "Binary")
        for j in range(m)
    ]
    cost = proposals["cost_mkrw"].to_numpy(dtype=float)
    value = proposals[score].to_numpy(dtype=float)
    gu = np.array([where[c] for c in proposals["gu_code"]])
    prob += affine(y, value)
    for i in range(n):
        members = np.flatnonzero(gu == i)
        prob += (
            affine([y[j] for j in members] + [x[i]], [*cost[members], -100.0]) <= 0,
            f"spend_{i}",
        )
    if "duplicate_group" in proposals.columns:
        groups = proposals["duplicate_group"]
        for g, members in groups[groups.notna()].groupby(groups[groups.notna()]).groups.items():
            if len(members) > 1:
                pos = [proposals.index.get_loc(k) for k in members]
                prob += (affine([y[j] for j in pos]) <= 1, f"dup_{g}")
    if "mandatory" in proposals.columns:
        for j in np.flatnonzero(proposals["mandatory"].fillna(False).astype(bool).to_numpy()):
            prob += (affine([y[j]]) == 1, f"mandatory_{j}")
    res = solve(prob, time_limit=scenario.time_limit_s, mip_gap=mip_gap)
    if not res.has_solution:
        return {
            "status": res.status,
            "objective_value": np.nan,
            "n_selected": 0,
            "spent_mkrw": np.nan,
            "achieved_ratio": np.nan,
            "mip_gap": np.nan,
        }
    amounts = np.array([res.value(v) for v in x])
    funded = np.array([res.value(v) for v in y])
    pc = amounts * data.k
    return {
        "status": res.status,
        "objective_value": float(np.dot(funded, value)),
        "n_selected": int((funded > 1e-6).sum()),
        "spent_mkrw": float(np.dot(funded, cost)),
        "achieved_ratio": float(pc.max() / pc.min()) if pc.min() > 0 else math.inf,
        "mip_gap": res.mip_gap,
    }

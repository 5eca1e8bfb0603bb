"""Views of a sweep's results: frontier, tornado, Monte Carlo ranges, infeasibility, robust pick.

Every function takes the long results table of :func:`cgresearch.sweeps.read_results` (one row per
scenario × district, ``param.*`` and ``metric.*`` columns) and returns a frozen dataclass with
``.to_frame()``. Nothing here solves a model: the numbers are summaries of what the sweep wrote.

Scenario-level figures (:func:`scenario_table`) add two columns computed from the district rows:

``formula_fit_pct``
    ``100 · (1 − ½ Σ|amount − target| / Σ amount)``: the share of the budget placed where the need
    formula puts it (100 = exactly the formula targets). The efficiency axis of the frontier.
``min_per_capita_krw``
    The smallest per-capita amount of any district (the max–min view of equity).
``stability_change_pct``
    ``100 · Σ|amount − previous| / Σ previous``: how much of last year's money moves between gu
    (0 = every gu keeps last year's amount). Only when the results have ``previous_eok``.
``n_at_bound``
    How many gu sit at a bound (floor, cap, stability limit, tier, equity bound): the gu whose
    amount the planner must defend by a rule rather than by the formula. Only with ``binding``.

Examples
--------
>>> from cgresearch.sweeps import read_results
>>> from cgresearch.sweeps.analysis import equity_efficiency_frontier
>>> frontier = equity_efficiency_frontier(read_results("outputs/sweeps/demo"))  # doctest: +SKIP
>>> frontier.pareto()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError

__all__ = [
    "Frontier",
    "InfeasibleGroups",
    "MonteCarloRanges",
    "RobustPick",
    "Tornado",
    "equity_efficiency_frontier",
    "infeasible_groups",
    "monte_carlo_ranges",
    "parameter_columns",
    "plain_value",
    "require_columns",
    "robust_pick",
    "scenario_table",
    "tornado",
]

_DISTRICT = ["adm_code", "name_ko", "name_en"]


def parameter_columns(results: pd.DataFrame) -> list[str]:
    """Return the swept parameter columns (``param.<key>``) of a results table."""
    return [c for c in results.columns if c.startswith("param.")]


def _metric_columns(results: pd.DataFrame) -> list[str]:
    return [c for c in results.columns if c.startswith("metric.")]


def require_columns(results: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in results.columns]
    if missing:
        raise ParameterError(
            f"{what}: the results table has no column {missing[0]!r}; pass the table of "
            "read_results (all columns)"
        )


def scenario_table(results: pd.DataFrame) -> pd.DataFrame:
    """Return one row per scenario: parameters, status, diagnosis, metrics and derived figures.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"scenario_id": [0, 0], "point": [0, 0], "draw": [0, 0],
    ...     "status": ["optimal"] * 2, "message": ["", ""], "conflicts": ["", ""],
    ...     "amount_eok": [6.0, 4.0], "target_eok": [5.0, 5.0], "per_capita_krw": [2.0, 1.0]})
    >>> float(scenario_table(rows)["formula_fit_pct"].iloc[0])
    90.0
    """
    need = ["scenario_id", "point", "draw", "status", "message", "conflicts", "amount_eok"]
    require_columns(results, need, "scenario_table")
    keep = [
        "scenario_id",
        "point",
        "draw",
        *parameter_columns(results),
        "status",
        "message",
        "conflicts",
        *_metric_columns(results),
    ]
    first = results.drop_duplicates("scenario_id")[keep].set_index("scenario_id")
    grouped = results.groupby("scenario_id", sort=True)
    first["total_eok"] = grouped["amount_eok"].sum(min_count=1)
    if "target_eok" in results.columns:
        gap = (results["amount_eok"] - results["target_eok"]).abs()
        moved = 0.5 * gap.groupby(results["scenario_id"]).sum(min_count=1)
        first["formula_fit_pct"] = 100.0 * (1.0 - moved / first["total_eok"])
    if "per_capita_krw" in results.columns:
        first["min_per_capita_krw"] = grouped["per_capita_krw"].min()
    if "previous_eok" in results.columns:
        moved = (results["amount_eok"] - results["previous_eok"]).abs()
        moved = moved.groupby(results["scenario_id"]).sum(min_count=1)
        last = results["previous_eok"].groupby(results["scenario_id"]).sum(min_count=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            first["stability_change_pct"] = 100.0 * moved / last.where(last > 0)
    if "binding" in results.columns:
        at = results["binding"].fillna("").astype(str) != ""
        count = at.groupby(results["scenario_id"]).sum().astype(float)
        optimal = first["status"] == "optimal"
        first["n_at_bound"] = count.where(optimal)
    return first.reset_index()


def _by_point(scenarios: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of ``columns`` over Monte Carlo draws for each parameter point (optimal draws only)."""
    params = [c for c in scenarios.columns if c.startswith("param.")]
    ok = scenarios[scenarios["status"] == "optimal"]
    agg = ok.groupby("point", sort=True)[list(columns)].mean()
    agg["n_optimal_draws"] = ok.groupby("point").size()
    agg["n_draws"] = scenarios.groupby("point").size()
    first = scenarios.drop_duplicates("point").set_index("point")[params]
    return first.join(agg, how="inner").reset_index()


# --- frontier ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frontier:
    """Equity–efficiency trade-off across the parameter points of a sweep.

    Attributes
    ----------
    points : pandas.DataFrame
        One row per parameter point with at least one optimal draw: parameters, ``equity`` and
        ``efficiency`` columns (means over Monte Carlo draws) and ``on_frontier``.
    equity, efficiency : str
        The scenario columns used (e.g. ``metric.gini``, ``formula_fit_pct``).
    equity_sense, efficiency_sense : str
        ``"min"`` or ``"max"``: which direction is better.
    """

    points: pd.DataFrame
    equity: str
    efficiency: str
    equity_sense: str
    efficiency_sense: str

    def pareto(self) -> pd.DataFrame:
        """Return the points on the frontier, ordered from most equal to most efficient."""
        return self.points[self.points["on_frontier"]].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Return every point with its ``on_frontier`` flag."""
        return self.points.copy()


def equity_efficiency_frontier(
    results: pd.DataFrame,
    *,
    equity: str = "metric.gini",
    efficiency: str = "formula_fit_pct",
    equity_sense: str = "min",
    efficiency_sense: str = "max",
) -> Frontier:
    """Return the Pareto frontier of equity against efficiency over the swept parameter points.

    A point is on the frontier when no other point is at least as good on both figures and
    strictly better on one. With Monte Carlo draws, each point's figures are the means over its
    optimal draws.

    Parameters
    ----------
    results : pandas.DataFrame
        The long results (:func:`read_results`).
    equity, efficiency : str
        Columns of :func:`scenario_table`; defaults: Gini of per-capita amounts (lower is more
        equal) and the formula fit in percent (higher follows need more closely).
    equity_sense, efficiency_sense : {"min", "max"}
        Which direction is better for each figure.

    Examples
    --------
    >>> frontier = equity_efficiency_frontier(results)  # doctest: +SKIP
    >>> frontier.pareto()[["metric.gini", "formula_fit_pct"]]  # doctest: +SKIP
    """
    for name, sense in (("equity_sense", equity_sense), ("efficiency_sense", efficiency_sense)):
        if sense not in ("min", "max"):
            raise ParameterError(f"{name} must be 'min' or 'max', got {sense!r}")
    scenarios = scenario_table(results)
    require_columns(scenarios, [equity, efficiency], "equity_efficiency_frontier")
    points = _by_point(scenarios, [equity, efficiency])
    points = points.dropna(subset=[equity, efficiency]).reset_index(drop=True)
    points["on_frontier"] = _pareto_mask(
        points[equity].to_numpy(float) * (1 if equity_sense == "min" else -1),
        points[efficiency].to_numpy(float) * (1 if efficiency_sense == "min" else -1),
    )
    points = points.sort_values(
        [equity, efficiency], ascending=[equity_sense == "min", efficiency_sense == "max"]
    ).reset_index(drop=True)
    return Frontier(points, equity, efficiency, equity_sense, efficiency_sense)


def _pareto_mask(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Non-dominated points when both ``a`` and ``b`` are minimised (ties: the first is kept).

    Values are compared at 9 significant digits, so solver round-off (1e-14) makes no point.
    """
    a, b = _significant(a), _significant(b)
    order = np.lexsort((b, a))
    mask = np.zeros(len(a), dtype=bool)
    best = np.inf
    for i in order:
        if b[i] < best:
            mask[i] = True
            best = b[i]
    return mask


def _significant(x: np.ndarray, digits: int = 9) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(x))))
    scale = np.where(np.isfinite(scale), scale, 1.0)
    return np.round(x * scale) / scale


# --- tornado ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tornado:
    """How far each swept parameter moves each district's allocation (main effects).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per district × parameter: ``parameter``, ``low_level`` / ``high_level`` (the
        parameter's lowest and highest level or bin), ``amount_at_low_eok`` /
        ``amount_at_high_eok`` (the district's mean allocation at those levels, over every other
        parameter and draw), ``swing_eok`` (largest minus smallest level mean), ``rank``
        (1 = the parameter that moves the district most) and ``base_eok`` (the district's mean
        allocation over every optimal scenario: the tornado's base line).
    """

    table: pd.DataFrame

    def top(self) -> pd.DataFrame:
        """Return, for each district, the parameter that moves its allocation most."""
        return self.table[self.table["rank"] == 1].reset_index(drop=True)

    def for_district(self, district: Any) -> pd.DataFrame:
        """Return one district's rows (by ``adm_code``, Korean or English name), largest first."""
        t = self.table
        mask = (
            (t["adm_code"].astype(str) == str(district))
            | (t["name_ko"] == district)
            | (t["name_en"] == district)
        )
        if not mask.any():
            raise ParameterError(f"tornado: no district {district!r} in the results")
        return t[mask].sort_values("rank").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Return the district × parameter table."""
        return self.table.copy()


def tornado(results: pd.DataFrame, *, bins: int = 5) -> Tornado:
    """Return the main effect of each swept parameter on each district's allocation.

    For each parameter, optimal scenarios are grouped by its level (numeric parameters with more
    than ``bins`` distinct values, as from random or Latin-hypercube axes, by quantile bins) and
    each district's allocation is averaged within a level over all other parameters and draws.
    The swing is the spread of those level means: the tornado bar's length.

    Parameters
    ----------
    results : pandas.DataFrame
        The long results (:func:`read_results`).
    bins : int
        Quantile bins for parameters with many distinct values.

    Examples
    --------
    >>> t = tornado(results)  # doctest: +SKIP
    >>> t.top()[["name_ko", "parameter", "swing_eok"]]  # doctest: +SKIP
    """
    if bins < 2:
        raise ParameterError(f"tornado: bins must be at least 2, got {bins}")
    params = parameter_columns(results)
    if not params:
        raise ParameterError("tornado: the sweep has no parameter axes; add an [[axis]]")
    require_columns(results, ["status", "amount_eok", *_DISTRICT], "tornado")
    ok = results[results["status"] == "optimal"]
    if ok.empty:
        raise ParameterError("tornado: no optimal scenario in the results")
    names = ok.drop_duplicates("adm_code").set_index("adm_code")[["name_ko", "name_en"]]
    rows = []
    for param in params:
        level, labels = _levels(ok[param], bins)
        means = ok.groupby([level, ok["adm_code"]], sort=True)["amount_eok"].mean().unstack()
        if len(means) < 2:
            continue
        lo_code, hi_code = means.index.min(), means.index.max()
        for code in means.columns:
            col = means[code].dropna()
            rows.append(
                {
                    "adm_code": code,
                    "parameter": param.removeprefix("param."),
                    "low_level": labels[lo_code],
                    "high_level": labels[hi_code],
                    "amount_at_low_eok": means.at[lo_code, code],
                    "amount_at_high_eok": means.at[hi_code, code],
                    "swing_eok": float(col.max() - col.min()) if len(col) else np.nan,
                }
            )
    if not rows:
        raise ParameterError("tornado: every swept parameter has a single level among optimal runs")
    table = pd.DataFrame(rows).join(names, on="adm_code")
    table["rank"] = (
        table.groupby("adm_code")["swing_eok"].rank(ascending=False, method="first").astype(int)
    )
    cols = ["adm_code", "name_ko", "name_en", "parameter", "low_level", "high_level"]
    cols += ["amount_at_low_eok", "amount_at_high_eok", "swing_eok", "rank", "base_eok"]
    table["base_eok"] = table["adm_code"].map(ok.groupby("adm_code")["amount_eok"].mean())
    table = table[cols].sort_values(["adm_code", "rank"]).reset_index(drop=True)
    return Tornado(table)


def _levels(values: pd.Series, bins: int) -> tuple[pd.Series, dict[int, str]]:
    """Integer level codes (ordered) and their labels for one parameter column."""
    distinct = np.sort(values.dropna().unique())
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric and len(distinct) > bins:
        codes, edges = pd.qcut(values, bins, labels=False, retbins=True, duplicates="drop")
        labels = {i: f"{edges[i]:.4g}–{edges[i + 1]:.4g}" for i in range(len(edges) - 1)}
        return pd.Series(codes, index=values.index).astype(int), labels
    order = {v: i for i, v in enumerate(distinct)}
    labels = {i: f"{v:.6g}" if numeric else str(v) for v, i in order.items()}
    return values.map(order).astype(int), labels


# --- Monte Carlo ranges -----------------------------------------------------------------------
@dataclass(frozen=True)
class MonteCarloRanges:
    """Spread of each district's allocation over Monte Carlo draws.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per district: ``n`` (optimal draws), ``mean``, ``min``, ``p<q>`` percentiles,
        ``max`` (억원).
    point : int or None
        The parameter point summarised (``None``: all points pooled).
    percentiles : tuple of float
    """

    table: pd.DataFrame
    point: int | None
    percentiles: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        """Return the district table."""
        return self.table.copy()


def monte_carlo_ranges(
    results: pd.DataFrame,
    *,
    point: int | None = None,
    percentiles: Sequence[float] = (5, 50, 95),
) -> MonteCarloRanges:
    """Return min, percentiles and max of each district's allocation across draws.

    Parameters
    ----------
    results : pandas.DataFrame
        The long results (:func:`read_results`).
    point : int, optional
        Summarise one parameter point (e.g. the robust pick); default: every optimal scenario.
    percentiles : sequence of float
        Percentiles in [0, 100] (linear interpolation, as :func:`numpy.percentile`).

    Examples
    --------
    >>> monte_carlo_ranges(results, point=0).to_frame()  # doctest: +SKIP
    """
    pct = tuple(float(q) for q in percentiles)
    if any(not 0 <= q <= 100 for q in pct):
        raise ParameterError(f"percentiles must lie in [0, 100], got {list(pct)}")
    require_columns(results, ["status", "point", "amount_eok", *_DISTRICT], "monte_carlo_ranges")
    ok = results[results["status"] == "optimal"]
    if point is not None:
        if point not in set(results["point"].unique()):
            raise ParameterError(f"monte_carlo_ranges: no parameter point {point} in the results")
        ok = ok[ok["point"] == point]
    if ok.empty:
        raise ParameterError("monte_carlo_ranges: no optimal scenario to summarise")
    grouped = ok.groupby("adm_code", sort=True)["amount_eok"]
    table = pd.DataFrame({"n": grouped.size(), "mean": grouped.mean(), "min": grouped.min()})
    for q in pct:
        table[f"p{q:g}"] = grouped.quantile(q / 100.0)
    table["max"] = grouped.max()
    names = ok.drop_duplicates("adm_code").set_index("adm_code")[["name_ko", "name_en"]]
    table = names.join(table).reset_index()
    return MonteCarloRanges(table, point, pct)


# --- infeasibility ----------------------------------------------------------------------------
@dataclass(frozen=True)
class InfeasibleGroups:
    """Scenarios that did not solve to optimality, grouped by status and diagnosis.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group: ``status``, ``conflicts``, ``n_scenarios``, ``share`` (of all
        scenarios), ``example_message``, ``example_scenario`` and, for each swept parameter,
        ``<param> min`` / ``<param> max`` within the group.
    n_scenarios : int
        Scenarios in the sweep (all statuses).
    """

    table: pd.DataFrame
    n_scenarios: int

    def to_frame(self) -> pd.DataFrame:
        """Return the group table (empty when every scenario is optimal)."""
        return self.table.copy()


def infeasible_groups(results: pd.DataFrame) -> InfeasibleGroups:
    """Group the non-optimal scenarios by status and the constraints the diagnosis names.

    Scenarios whose diagnosis names no conflicting constraints are grouped by their message.

    Examples
    --------
    >>> groups = infeasible_groups(results).to_frame()  # doctest: +SKIP
    """
    scenarios = scenario_table(results)
    bad = scenarios[scenarios["status"] != "optimal"].copy()
    params = parameter_columns(scenarios)
    columns = ["status", "conflicts", "n_scenarios", "share", "example_message"]
    columns += ["example_scenario"] + [f"{p} {e}" for p in params for e in ("min", "max")]
    if bad.empty:
        return InfeasibleGroups(pd.DataFrame(columns=columns), len(scenarios))
    bad["group"] = np.where(bad["conflicts"].fillna("") != "", bad["conflicts"], bad["message"])
    rows = []
    for (status, _group), part in bad.groupby(["status", "group"], sort=False, dropna=False):
        row: dict[str, Any] = {
            "status": status,
            "conflicts": part["conflicts"].iloc[0] if part["conflicts"].iloc[0] else "",
            "n_scenarios": len(part),
            "share": len(part) / len(scenarios),
            "example_message": part["message"].iloc[0],
            "example_scenario": int(part["scenario_id"].iloc[0]),
        }
        for p in params:
            values = part[p]
            numeric = pd.api.types.is_numeric_dtype(values)
            row[f"{p} min"] = values.min() if numeric else ", ".join(sorted(map(str, set(values))))
            row[f"{p} max"] = values.max() if numeric else row[f"{p} min"]
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns).sort_values("n_scenarios", ascending=False)
    return InfeasibleGroups(table.reset_index(drop=True), len(scenarios))


# --- robust pick ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RobustPick:
    """The parameter point with the least maximum regret across Monte Carlo draws.

    Regret of point ``c`` in draw ``d`` is how much worse its criterion is than the best point's
    in that draw: ``best_d − V(c, d)`` (``V − best`` when smaller is better). A point that is not
    optimal in some draw has infinite regret there.

    Attributes
    ----------
    point : int
        The chosen parameter point.
    overrides : dict
        Its parameter values (dotted keys).
    max_regret : float
        Its largest regret over the draws (in the criterion's unit).
    table : pandas.DataFrame
        Every point: parameters, ``max_regret``, ``mean_regret``, ``n_infeasible_draws``,
        ranked (``rank`` 1 = the pick).
    criterion, sense : str
        The scenario column judged and whether ``"max"`` or ``"min"`` is better.
    """

    point: int
    overrides: dict[str, Any]
    max_regret: float
    table: pd.DataFrame
    criterion: str
    sense: str

    def to_frame(self) -> pd.DataFrame:
        """Return the ranked point table."""
        return self.table.copy()


def robust_pick(
    results: pd.DataFrame, *, criterion: str = "formula_fit_pct", sense: str = "max"
) -> RobustPick:
    """Return the parameter point whose worst-case regret over the Monte Carlo draws is least.

    Parameters
    ----------
    results : pandas.DataFrame
        The long results of a sweep with Monte Carlo draws (:func:`read_results`).
    criterion : str
        A column of :func:`scenario_table` (``formula_fit_pct``, ``metric.gini``,
        ``min_per_capita_krw``, ...).
    sense : {"max", "min"}
        Whether larger or smaller values of ``criterion`` are better.

    Examples
    --------
    >>> pick = robust_pick(results, criterion="metric.gini", sense="min")  # doctest: +SKIP
    >>> pick.overrides, pick.max_regret  # doctest: +SKIP
    """
    if sense not in ("min", "max"):
        raise ParameterError(f"robust_pick: sense must be 'min' or 'max', got {sense!r}")
    scenarios = scenario_table(results)
    require_columns(scenarios, [criterion], "robust_pick")
    values = scenarios.pivot(index="point", columns="draw", values=criterion)
    ok = scenarios.pivot(index="point", columns="draw", values="status") == "optimal"
    values = values.where(ok)
    sign = 1.0 if sense == "max" else -1.0
    best = (sign * values).max(axis=0)
    regret = best - sign * values
    regret = regret.where(ok, np.inf)
    if values.notna().sum().sum() == 0:
        raise ParameterError(f"robust_pick: no optimal scenario has a value of {criterion!r}")
    params = parameter_columns(scenarios)
    table = scenarios.drop_duplicates("point").set_index("point")[params].copy()
    table["max_regret"] = regret.max(axis=1)
    table["mean_regret"] = regret.where(ok).mean(axis=1)
    table["n_infeasible_draws"] = (~ok).sum(axis=1)
    table["n_draws"] = ok.shape[1]
    table = table.sort_values(
        ["n_infeasible_draws", "max_regret", "mean_regret"], kind="stable"
    ).reset_index()
    table["rank"] = np.arange(1, len(table) + 1)
    top = table.iloc[0]
    overrides = {p.removeprefix("param."): plain_value(top[p]) for p in params}
    return RobustPick(
        point=int(top["point"]),
        overrides=overrides,
        max_regret=float(top["max_regret"]),
        table=table,
        criterion=criterion,
        sense=sense,
    )


def plain_value(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value

"""The least-regret parameter point of a sweep, weighing several criteria a planner cares about.

:func:`cgresearch.sweeps.analysis.robust_pick` judges one criterion (by default the formula fit,
whose best point is simply the least-constrained one). A planner defends an allocation on more
than that: how closely it follows the need formula, how equal the per-capita amounts are, how
much money moves from last year, and how many gu are held by a rule rather than the formula.
:func:`least_regret_pick` weighs these (normalised per draw, weights as parameters) and picks
the point whose worst weighted regret over the Monte Carlo draws is least.

Examples
--------
>>> from cgresearch.sweeps import read_results
>>> from cgresearch.sweeps.regret import least_regret_pick
>>> pick = least_regret_pick(read_results("outputs/sweeps/demo"))  # doctest: +SKIP
>>> pick.overrides  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError
from cgresearch.sweeps.analysis import (
    parameter_columns,
    plain_value,
    require_columns,
    scenario_table,
)

__all__ = ["DEFAULT_REGRET_WEIGHTS", "REGRET_CRITERIA", "LeastRegretPick", "least_regret_pick"]


# --- criteria --------------------------------------------------------
#: Criteria a planner weighs in :func:`least_regret_pick`: scenario column -> better direction.
REGRET_CRITERIA: dict[str, str] = {
    "formula_fit_pct": "max",
    "metric.gini": "min",
    "metric.max_min_ratio": "min",
    "stability_change_pct": "min",
    "n_at_bound": "min",
    "min_per_capita_krw": "max",
}
#: Default weights: formula fit, equity (Gini of per-capita amounts), stability against last
#: year and the count of gu at a bound.
DEFAULT_REGRET_WEIGHTS: dict[str, float] = {
    "formula_fit_pct": 0.4,
    "metric.gini": 0.2,
    "stability_change_pct": 0.2,
    "n_at_bound": 0.2,
}


@dataclass(frozen=True)
class LeastRegretPick:
    """The parameter point with the least worst-case weighted regret over several criteria.

    Attributes
    ----------
    point : int
        The chosen parameter point.
    overrides : dict
        Its parameter values (dotted keys).
    max_regret : float
        Its largest weighted regret over the draws, in [0, 1] (0: best on every criterion in
        every draw; 1: worst on every criterion in some draw).
    table : pandas.DataFrame
        Every point: parameters, each criterion's mean over optimal draws, ``regret.<criterion>``
        (its mean normalised regret), ``max_regret``, ``mean_regret``, ``n_infeasible_draws``,
        ``n_draws`` and ``rank`` (1 = the pick).
    weights : dict
        The criteria and their weights, normalised to sum to 1.
    """

    point: int
    overrides: dict[str, Any]
    max_regret: float
    table: pd.DataFrame
    weights: dict[str, float]

    def to_frame(self) -> pd.DataFrame:
        """Return the ranked point table."""
        return self.table.copy()


def _regret_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    chosen = dict(DEFAULT_REGRET_WEIGHTS if weights is None else weights)
    for name, w in chosen.items():
        if name not in REGRET_CRITERIA:
            raise ParameterError(
                f"least_regret_pick: unknown criterion {name!r}; choose from "
                f"{', '.join(REGRET_CRITERIA)}"
            )
        if not isinstance(w, (int, float)) or not np.isfinite(w) or w < 0:
            raise ParameterError(
                f"least_regret_pick: weight of {name!r} must be a number ≥ 0, got {w!r}"
            )
    total = float(sum(chosen.values()))
    if total <= 0:
        raise ParameterError("least_regret_pick: give at least one criterion a weight above 0")
    return {name: float(w) / total for name, w in chosen.items() if w > 0}


def least_regret_pick(
    results: pd.DataFrame, *, weights: Mapping[str, float] | None = None
) -> LeastRegretPick:
    """Return the point whose worst weighted regret over the Monte Carlo draws is least.

    For each draw ``d`` and criterion ``c`` (a column of :func:`scenario_table`, better in the
    direction of :data:`REGRET_CRITERIA`), the regret of point ``p`` is normalised by the spread
    of that criterion among the points optimal in the draw::

        r_c(p, d) = |best_c(d) − V_c(p, d)| / (best_c(d) − worst_c(d))     (0 when all are equal)

    so every criterion counts from 0 (the best point) to 1 (the worst point) whatever its unit.
    The weighted regret is ``R(p, d) = Σ_c w_c r_c(p, d)`` with the weights normalised to sum to
    1; a point that is not optimal in a draw has ``R = ∞`` there. The pick has the least
    ``max_d R(p, d)`` (ties: fewer infeasible draws first, then the least mean regret, then the
    lowest point number).

    Parameters
    ----------
    results : pandas.DataFrame
        The long results (:func:`read_results`).
    weights : mapping, optional
        Criterion -> weight ≥ 0. Default :data:`DEFAULT_REGRET_WEIGHTS` (formula fit 0.4, Gini
        of per-capita amounts 0.2, stability against last year 0.2, gu at a bound 0.2). With
        ``{"formula_fit_pct": 1}`` the pick is the point closest to the formula, which is the
        least-constrained one.

    Examples
    --------
    >>> pick = least_regret_pick(results, weights={"formula_fit_pct": 1, "metric.gini": 1})
    ... # doctest: +SKIP
    >>> pick.overrides, round(pick.max_regret, 3)  # doctest: +SKIP
    """
    w = _regret_weights(weights)
    scenarios = scenario_table(results)
    require_columns(scenarios, list(w), "least_regret_pick")
    ok = scenarios.pivot(index="point", columns="draw", values="status") == "optimal"
    if not ok.to_numpy().any():
        raise ParameterError("least_regret_pick: no optimal scenario in the results")
    params = parameter_columns(scenarios)
    table = scenarios.drop_duplicates("point").set_index("point")[params].copy()
    total = pd.DataFrame(0.0, index=ok.index, columns=ok.columns)
    for name, weight in w.items():
        values = scenarios.pivot(index="point", columns="draw", values=name).where(ok)
        sign = 1.0 if REGRET_CRITERIA[name] == "max" else -1.0
        score = sign * values.astype(float)
        best, worst = score.max(axis=0), score.min(axis=0)
        spread = (best - worst).where(~np.isclose(best, worst, rtol=1e-9, atol=1e-12), np.inf)
        regret = (best - score) / spread
        total = total + weight * regret.fillna(0.0)
        table[name] = values.mean(axis=1)
        table[f"regret.{name}"] = regret.mean(axis=1)
    total = total.where(ok, np.inf)
    table["max_regret"] = total.max(axis=1)
    table["mean_regret"] = total.where(ok).mean(axis=1)
    table["n_infeasible_draws"] = (~ok).sum(axis=1)
    table["n_draws"] = ok.shape[1]
    table = table.reset_index().sort_values(
        ["n_infeasible_draws", "max_regret", "mean_regret", "point"], kind="stable"
    )
    table = table.reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    top = table.iloc[0]
    overrides = {p.removeprefix("param."): plain_value(top[p]) for p in params}
    return LeastRegretPick(
        point=int(top["point"]),
        overrides=overrides,
        max_regret=float(top["max_regret"]),
        table=table,
        weights=w,
    )

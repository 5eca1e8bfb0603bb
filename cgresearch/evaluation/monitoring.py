"""Monitoring: an action-task register turned into progress and traffic lights per task and goal.

The rule, explicit (Seoul Compact "action plan, monitoring system"): for a task with baseline
``b`` in year ``y0`` and target ``t`` in year ``y1``, a value ``v`` measured in year ``y`` has

- **progress** ``p = (v - b) / (t - b)``: the share of the baseline→target distance achieved
  (works for targets above or below the baseline; 1 = target reached; may be < 0 or > 1);
- **time elapsed** ``e = (y - y0) / (y1 - y0)``: the share of the task's time used;
- **gap** ``g = p - e``, and the light

  ========== ===============================================================
  on track   ``g >= -on_margin`` (default 0.05: at most 5 points behind the
             straight line from baseline to target), or ``p >= 1``
  at risk    ``-risk_margin <= g < -on_margin`` (default risk_margin 0.20)
  off track  ``g < -risk_margin``
  no data    the value of that year is blank
  ========== ===============================================================

Examples
--------
>>> import pandas as pd
>>> reg = pd.DataFrame({"task_id": ["A"], "task_ko": ["교육"], "owner": ["smg"], "goal": ["T1"],
...     "indicator": ["이수자"], "baseline_year": [2021], "baseline": [100.0],
...     "target_year": [2025], "target": [500.0], "value_2023": [260.0]})
>>> m = monitoring_table(reg)
>>> row = m.table.iloc[0]
>>> float(row["progress"]), float(row["elapsed"]), row["light"]
(0.4, 0.5, 'at_risk')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgresearch.data.register import register_years, validate_register
from cgresearch.errors import ParameterError
from cgresearch.i18n import Lang, tr

__all__ = ["LIGHTS", "MonitoringTable", "light_label", "monitoring_table", "traffic_light"]

#: The lights, best first.
LIGHTS: tuple[str, ...] = ("on_track", "at_risk", "off_track", "no_data")


def light_label(light: str, lang: Lang = "ko") -> str:
    """The reader's word for a light code.

    >>> light_label("off_track", "en"), light_label("off_track")
    ('Off track', '지연')
    """
    labels = {
        "on_track": tr("On track", lang),
        "at_risk": tr("At risk", lang),
        "off_track": tr("Off track", lang),
        "no_data": tr("No data", lang),
    }
    if light not in labels:
        raise ParameterError(f"unknown light {light!r}: use one of {', '.join(LIGHTS)}")
    return labels[light]


def traffic_light(
    progress: np.ndarray | float,
    elapsed: np.ndarray | float,
    on_margin: float = 0.05,
    risk_margin: float = 0.20,
) -> np.ndarray:
    """Apply the rule of the module docstring to arrays of progress and elapsed time.

    Parameters
    ----------
    progress, elapsed : array of float
        Share of the distance achieved and of the time used (NaN progress = no data).
    on_margin, risk_margin : float
        How far behind schedule (in shares) a task may be and still count as on track / at risk;
        ``0 <= on_margin <= risk_margin``.

    Returns
    -------
    ndarray of str

    Examples
    --------
    >>> traffic_light([0.5, 0.4, 0.2, 1.0, float("nan")], [0.5, 0.5, 0.5, 1.0, 0.5]).tolist()
    ['on_track', 'at_risk', 'off_track', 'on_track', 'no_data']
    """
    if not 0 <= on_margin <= risk_margin:
        raise ParameterError(
            f"traffic_light: need 0 <= on_margin ({on_margin}) <= risk_margin ({risk_margin})"
        )
    p = np.asarray(progress, dtype=float)
    e = np.asarray(elapsed, dtype=float)
    gap = p - e
    tol = 1e-12  # a gap exactly at a margin counts on the better side
    out = np.where(
        (gap >= -on_margin - tol) | (p >= 1.0),
        "on_track",
        np.where(gap >= -risk_margin - tol, "at_risk", "off_track"),
    ).astype(object)
    out[np.isnan(p)] = "no_data"
    return out.astype(str)


@dataclass(frozen=True)
class MonitoringTable:
    """The monitoring view of a register.

    Attributes
    ----------
    table : DataFrame
        One row per task and monitored year: ``task_id, task_ko, owner, goal, strategy,
        indicator, unit, year, baseline, target, value, progress, elapsed, gap, light``.
    latest : DataFrame
        One row per task: its row of ``table`` for the latest year with a value (or the last
        monitored year when it never reported).
    by_goal : DataFrame
        One row per goal: ``n_tasks``, the count of each light among the tasks' latest rows,
        ``mean_progress`` (mean over tasks with data).
    on_margin, risk_margin : float
        The margins used.
    """

    table: pd.DataFrame
    latest: pd.DataFrame
    by_goal: pd.DataFrame
    on_margin: float
    risk_margin: float


def monitoring_table(
    register: pd.DataFrame,
    *,
    on_margin: float = 0.05,
    risk_margin: float = 0.20,
    source: str | None = None,
) -> MonitoringTable:
    """Turn an action-task register into progress, schedule and traffic lights.

    Parameters
    ----------
    register : DataFrame
        As read by :func:`cgresearch.data.register.load_register` (it is validated again here,
        so a hand-made frame gets the same clear errors).
    on_margin, risk_margin : float
        Margins of the rule (module docstring).
    source : str, optional
        Name for error messages.

    Returns
    -------
    MonitoringTable

    Raises
    ------
    ValidationFailed
        A register that breaks its rules (unknown goal, value outside the task's years, target
        equal to baseline, ...).
    """
    reg = validate_register(register, source=source)
    years = register_years(reg)
    keep = [
        c
        for c in ("task_id", "task_ko", "task_en", "owner", "goal", "strategy", "indicator", "unit")
        if c in reg.columns
    ]
    frames = []
    for y in years:
        f = reg[keep].copy()
        f["year"] = y
        f["baseline"] = reg["baseline"].to_numpy(float)
        f["target"] = reg["target"].to_numpy(float)
        f["value"] = reg[f"value_{y}"].to_numpy(float)
        y0 = reg["baseline_year"].to_numpy(float)
        y1 = reg["target_year"].to_numpy(float)
        f["progress"] = (f["value"] - f["baseline"]) / (f["target"] - f["baseline"])
        f["elapsed"] = (y - y0) / (y1 - y0)
        # a year outside a task's span (validation allows it blank) is not monitored for it
        f = f[(y >= y0) & (y <= y1)]
        frames.append(f)
    table = pd.concat(frames, ignore_index=True)
    table["gap"] = table["progress"] - table["elapsed"]
    table["light"] = traffic_light(
        table["progress"].to_numpy(), table["elapsed"].to_numpy(), on_margin, risk_margin
    )
    table = table.sort_values(["task_id", "year"], kind="stable").reset_index(drop=True)
    with_data = table[table["value"].notna()]
    latest = pd.concat(
        [
            with_data.groupby("task_id", sort=False).tail(1),
            table[~table["task_id"].isin(with_data["task_id"])].groupby("task_id").tail(1),
        ]
    )
    latest = latest.sort_values("task_id", kind="stable").reset_index(drop=True)
    counts = pd.crosstab(latest["goal"], latest["light"]).reindex(
        columns=list(LIGHTS), fill_value=0
    )
    by_goal = pd.DataFrame({"n_tasks": latest.groupby("goal").size()})
    by_goal = by_goal.join(counts).join(
        latest.groupby("goal")["progress"].mean().rename("mean_progress")
    )
    by_goal.index.name = "goal"
    return MonitoringTable(
        table=table,
        latest=latest,
        by_goal=by_goal.reset_index(),
        on_margin=on_margin,
        risk_margin=risk_margin,
    )

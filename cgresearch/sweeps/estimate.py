"""How big a sweep is before it starts: its scenario count and a time estimate, and the limit check.

``cgresearch sweep`` prints the estimate and refuses a sweep above :data:`MAX_SCENARIOS`
scenarios or :data:`MAX_SECONDS` of estimated time unless ``--yes`` is given: a spec that asks
for ten million scenarios should not start without a word. The time is the number of scenarios
times the seconds one scenario takes (measured by re-solving the spec's base scenario a few
times on this machine, or given), divided by the workers.

Examples
--------
>>> from cgresearch.sweeps import sweep_from_dict
>>> spec = sweep_from_dict({"sweep": {"name": "g", "base": {"name": "b",
...     "total_budget_eok": 250}}, "axis": [{"key": "total_budget_eok", "values": [240, 260]}]})
>>> est = estimate_sweep(spec, workers=2, seconds_per_scenario=0.01)
>>> est.n_scenarios, est.seconds
(2, 0.01)
>>> est.check(yes=False)  # small: nothing to confirm
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch.errors import CGResearchError, Msg, ParameterError, msg
from cgresearch.i18n import DEFAULT_LANG, Lang
from cgresearch.sweeps.spec import SweepSpec

__all__ = [
    "MAX_SCENARIOS",
    "MAX_SECONDS",
    "SweepEstimate",
    "count_scenarios",
    "estimate_sweep",
    "estimate_sweep_file",
]

#: Above this many scenarios a sweep needs ``--yes``.
MAX_SCENARIOS = 200_000
#: Above this estimated time (seconds) a sweep needs ``--yes``.
MAX_SECONDS = 3600.0
_PROBES = 3
#: The seconds per scenario assumed for a sweep too large to time (a floor, not a measure).
_FLOOR_SECONDS = 0.01


@dataclass(frozen=True)
class SweepEstimate:
    """A sweep's size and expected time, and whether it needs confirmation.

    Attributes
    ----------
    name : str
        The sweep's name.
    n_scenarios : int
        Scenarios the spec asks for (points × Monte Carlo draws).
    seconds_per_scenario : float
        Time one scenario takes on one worker (measured or given).
    workers : int
        Workers the time is divided among.
    """

    name: str
    n_scenarios: int
    seconds_per_scenario: float
    workers: int
    measured: bool = True

    @property
    def seconds(self) -> float:
        """Expected wall time in seconds (scenarios × seconds each ÷ workers)."""
        return self.n_scenarios * self.seconds_per_scenario / max(1, self.workers)

    @property
    def too_large(self) -> bool:
        """True above :data:`MAX_SCENARIOS` scenarios or :data:`MAX_SECONDS` of expected time."""
        return self.n_scenarios > MAX_SCENARIOS or self.seconds > MAX_SECONDS

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """One line: the count and the expected time, in ``lang`` (Korean by default).

        Examples
        --------
        >>> SweepEstimate("s", 10_000_000, 0.02, 2).describe("en")
        "sweep 's': 10,000,000 scenarios, about 27.8 h on 2 workers (0.02 s each)"
        >>> SweepEstimate("s", 10_000_000, 0.02, 2).describe()
        "스윕 's': 시나리오 10,000,000개, 작업자 2개로 약 27.8시간(개당 0.02초)"
        """
        return self._message().localized(lang)

    def _message(self) -> Msg:
        values = {
            "name": self.name,
            "n": self.n_scenarios,
            "time": _duration(self.seconds),
            "workers": (
                msg("{n} worker", n=1) if self.workers == 1 else msg("{n} workers", n=self.workers)
            ),
            "each": self.seconds_per_scenario,
        }
        if self.measured:
            return msg(
                "sweep '{name}': {n:,} scenarios, about {time} on {workers} ({each:.2g} s each)",
                **values,
            )
        return msg(
            "sweep '{name}': {n:,} scenarios, at least {time} on {workers} ({each:.2g} s each)",
            **values,
        )

    def check(self, yes: bool) -> None:
        """Raise :class:`ParameterError` (with the estimate) when too large and not ``yes``."""
        if self.too_large and not yes:
            raise ParameterError.of(
                "{estimate}: above the limit of {limit:,} scenarios or {time}: rerun with --yes "
                "to start it anyway, or make the axes or draws smaller",
                estimate=self._message(),
                limit=MAX_SCENARIOS,
                time=_duration(MAX_SECONDS),
            )


def _duration(seconds: float) -> Msg:
    if seconds < 90:
        return msg("{n:.0f} s", n=seconds)
    if seconds < 5400:
        return msg("{n:.0f} min", n=seconds / 60)
    return msg("{n:.1f} h", n=seconds / 3600)


def _seconds_per_scenario(spec: SweepSpec, districts: pd.DataFrame) -> float:
    """Median time of re-solving the base scenario (the model built once, as a batch does)."""
    from cgresearch.allocation.envelopes import EnvelopeModel

    model = EnvelopeModel(districts, spec.base)
    times = []
    for _ in range(_PROBES):
        started = time.perf_counter()
        model.solve({}, diagnose=spec.diagnose)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def estimate_sweep(
    spec: SweepSpec,
    *,
    workers: int | None = None,
    districts: pd.DataFrame | None = None,
    seconds_per_scenario: float | None = None,
) -> SweepEstimate:
    """Count a sweep's scenarios and estimate its time before it starts.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    workers : int, optional
        Workers that share the work (default: the CPUs).
    districts : pandas.DataFrame, optional
        District table for the timing solves; default: the base scenario's ``districts_file``, else
        :func:`cgresearch.data.load_districts`.
    seconds_per_scenario : float, optional
        Time one scenario takes; default: measured on this machine (three solves of the base
        scenario). A sweep far above the scenario limit is not timed.

    Returns
    -------
    SweepEstimate
        ``.describe()`` prints it; ``.check(yes)`` refuses one that is too large.
    """
    import os

    n_workers = workers or os.cpu_count() or 1
    if seconds_per_scenario is None:
        if spec.n_scenarios > MAX_SCENARIOS:  # too many whatever the speed: not timed
            return SweepEstimate(
                spec.name, spec.n_scenarios, _FLOOR_SECONDS, n_workers, measured=False
            )
        else:
            if districts is None:
                from cgresearch.allocation.scenario_files import scenario_districts

                districts = scenario_districts(spec.base)
            try:
                seconds_per_scenario = _seconds_per_scenario(spec, districts)
            except CGResearchError:  # the base alone cannot be solved: the sweep records why
                return SweepEstimate(
                    spec.name, spec.n_scenarios, _FLOOR_SECONDS, n_workers, measured=False
                )
    if not math.isfinite(seconds_per_scenario) or seconds_per_scenario < 0:
        raise ParameterError(
            f"seconds_per_scenario = {seconds_per_scenario!r} must be a finite number ≥ 0"
        )
    return SweepEstimate(spec.name, spec.n_scenarios, float(seconds_per_scenario), n_workers)


def _axis_length(raw: Mapping[str, Any]) -> int:
    kind = raw.get("kind", "grid")
    if kind == "grid":
        if "values" in raw:
            return len(raw["values"])
        if "num" in raw:
            return int(raw["num"])
        start, stop, step = float(raw["start"]), float(raw["stop"]), float(raw["step"])
        return math.floor((stop - start) / step + 1e-9) + 1
    if kind == "simplex" and "step" in raw:
        m, k = round(1.0 / float(raw["step"])), len(raw["keys"])
        return math.comb(m + k - 1, k - 1)
    return int(raw["n"])


def count_scenarios(config: Mapping[str, Any]) -> int | None:
    """Count a sweep's scenarios from its parsed TOML, without validating or building anything.

    Returns None when the file is too malformed to count (validation will say why).

    Examples
    --------
    >>> count_scenarios({"axis": [{"key": "a", "start": 0, "stop": 9_999_999, "step": 1},
    ...                           {"key": "b", "values": [1, 2]}], "monte_carlo": {"draws": 3}})
    60000000
    """
    try:
        lengths = [_axis_length(a) for a in config.get("axis", [])]
        sweep = config.get("sweep", {})
        if sweep.get("combine", "product") == "zip":
            points = lengths[0] if lengths else 1
        else:
            points = math.prod(lengths)
        draws = int(config["monte_carlo"]["draws"]) if "monte_carlo" in config else 1
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError, OverflowError):
        return None
    return points * draws if points >= 0 and draws >= 0 else None


def estimate_sweep_file(
    path: str | Path,
    *,
    workers: int | None = None,
    seconds_per_scenario: float | None = None,
) -> SweepEstimate:
    """Estimate the sweep in file ``path``; a file asking for too many scenarios is only counted.

    Counting comes first, from the raw TOML (:func:`count_scenarios`): a spec of ten million
    scenarios is refused in a moment, before its axes are built and checked. Otherwise the spec
    is loaded and timed (:func:`estimate_sweep`).

    Examples
    --------
    >>> est = estimate_sweep_file("whatifs_smoke.toml", workers=2, seconds_per_scenario=0.01)
    >>> est.n_scenarios
    24
    """
    import os

    from cgresearch.sweeps.spec import load_sweep, read_sweep_config

    found, config = read_sweep_config(path)
    n = count_scenarios(config)
    if n is not None and n > MAX_SCENARIOS:
        sweep = config.get("sweep", {})
        name = str(sweep.get("name", found.stem)) if isinstance(sweep, Mapping) else found.stem
        n_workers = workers or os.cpu_count() or 1
        return SweepEstimate(name, n, _FLOOR_SECONDS, n_workers, measured=False)
    return estimate_sweep(
        load_sweep(found), workers=workers, seconds_per_scenario=seconds_per_scenario
    )

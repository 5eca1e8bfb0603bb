"""Reading a sweep file's tables: options, axes (grid, random, LHS, simplex), Monte Carlo.

Each ``_parse_*`` turns one TOML table into an :class:`~cgresearch.sweeps.axes.Axis` or
:class:`~cgresearch.sweeps.axes.MonteCarlo` and names the file and key of any bad value; the
``_validate_*`` helpers check an axis's points against the base scenario at load time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from cgresearch import paths
from cgresearch.allocation import Scenario, load_scenario
from cgresearch.errors import ParameterError
from cgresearch.sweeps.axes import Axis, MonteCarlo, Perturbation, Value

__all__ = [
    "SWEEP_OPTIONS",
    "TOP_OPTIONS",
    "apply_overrides",
    "check_options",
    "checked_int",
    "load_base",
    "parse_axis",
    "parse_monte_carlo",
    "validate_axis",
]

_AXIS_KINDS = ("grid", "random", "lhs", "simplex")
_AXIS_OPTIONS = {
    "grid": {"kind", "key", "values", "start", "stop", "num", "step"},
    "random": {"kind", "ranges", "n", "seed", "integer"},
    "lhs": {"kind", "ranges", "n", "seed", "integer"},
    "simplex": {"kind", "keys", "step", "n", "seed", "total"},
}
SWEEP_OPTIONS = {"name", "description", "base", "seed", "batch_size", "combine", "diagnose"}
TOP_OPTIONS = {"sweep", "base_overrides", "axis", "monte_carlo"}
_MC_OPTIONS = {"draws", "seed", "perturb"}
_PERTURB_OPTIONS = {"sd", "relative_sd", "min", "max"}
_MAX_SIMPLEX_POINTS = 1_000_000
_MAX_CHECKS = 1_000  # grid points of one axis checked on the base scenario at load time
# recomputed from perturbed counts (unless perturbed themselves): column -> (num, den, scale)


def check_options(table: Mapping[str, Any], allowed: set[str], where: str, what: str) -> None:
    if not isinstance(table, Mapping):
        raise ParameterError(f"{where}: {what} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ParameterError(
            f"{where}: {what}: unknown option {unknown[0]!r}; expected one of {sorted(allowed)}"
        )


def checked_int(value: Any, where: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{where} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ParameterError(f"{where} must be at least {minimum}, got {value}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{where} must be a finite number, got {value!r}")
    return float(value)


def load_base(base: Any, where: str, folder: Path | None) -> Scenario:
    if isinstance(base, Mapping):
        from cgresearch.allocation.scenario_files import resolve_file_keys

        try:  # districts_file / previous_amounts_file relative to the sweep file
            return Scenario.from_dict(resolve_file_keys(dict(base), folder))
        except ParameterError as exc:
            raise ParameterError(f"{where}: sweep.base: {exc}") from exc
    if not isinstance(base, str) or not base:
        raise ParameterError(
            f"{where}: sweep.base must name a scenario file (e.g. 'seoul.toml') or be a table"
        )
    candidates = [Path(base)] if Path(base).is_absolute() else []
    if folder is not None:
        candidates.append(folder / base)
    candidates.append(paths.scenarios_dir() / base)
    for candidate in candidates:
        if candidate.is_file():
            return load_scenario(candidate)
    tried = ", ".join(str(c) for c in candidates)
    raise ParameterError(f"{where}: sweep.base: scenario file {base!r} not found (tried {tried})")


def apply_overrides(base: Scenario, overrides: dict[str, Value], where: str) -> Scenario:
    try:
        return base.with_overrides(overrides)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from exc


def _clean(value: float) -> float:
    """Round away float noise of linspace/arange (12 significant digits)."""
    return float(f"{value:.12g}")


def parse_axis(raw: Any, index: int, sweep_seed: int, where: str) -> Axis:
    if not isinstance(raw, Mapping):
        raise ParameterError(f"{where} must be a table")
    kind = raw.get("kind", "grid")
    if kind not in _AXIS_KINDS:
        raise ParameterError(f"{where}: kind must be one of {list(_AXIS_KINDS)}, got {kind!r}")
    check_options(raw, _AXIS_OPTIONS[kind], where, f"kind {kind!r}")
    seed = raw.get("seed")
    if seed is None:
        seed_seq = np.random.SeedSequence([sweep_seed, index])
    else:
        seed_seq = np.random.SeedSequence(checked_int(seed, f"{where}: seed", minimum=0))
    if kind == "grid":
        return _parse_grid(raw, where)
    if kind == "simplex":
        return _parse_simplex(raw, seed_seq, where)
    return _parse_sample(raw, kind, seed_seq, where)


def _parse_grid(raw: Mapping[str, Any], where: str) -> Axis:
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise ParameterError(f"{where}: a grid axis needs key = 'dotted.scenario.key'")
    if "values" in raw:
        if {"start", "stop", "num", "step"} & set(raw):
            raise ParameterError(f"{where}: give either values or start/stop/num|step, not both")
        values = raw["values"]
        if not isinstance(values, list) or not values:
            raise ParameterError(f"{where}: values must be a non-empty list")
        if all(isinstance(v, list) for v in values):
            # ranges such as tiers.가 = [10.5, 11]: each value a list of numbers
            if not all(v and all(_is_number(x) for x in v) for v in values):
                raise ParameterError(f"{where}: list values must be non-empty lists of numbers")
            values = [tuple(v) for v in values]
        else:
            kinds = {type(v) for v in values}
            if not all(isinstance(v, bool | int | float | str) for v in values) or (
                str in kinds and len(kinds) > 1
            ):
                raise ParameterError(
                    f"{where}: values must all be numbers, all strings or all [low, high] lists"
                )
        if len(set(values)) != len(values):
            raise ParameterError(f"{where}: values of {key!r} repeat: {values}")
        return Axis("grid", (key,), tuple((v,) for v in values))
    if "start" not in raw or "stop" not in raw:
        raise ParameterError(f"{where}: a grid axis needs values = [...] or start and stop")
    start = _number(raw["start"], f"{where}: start")
    stop = _number(raw["stop"], f"{where}: stop")
    if ("num" in raw) == ("step" in raw):
        raise ParameterError(f"{where}: give exactly one of num and step with start/stop")
    if "num" in raw:
        num = checked_int(raw["num"], f"{where}: num", minimum=1)
        grid = np.linspace(start, stop, num)
    else:
        step = _number(raw["step"], f"{where}: step")
        if step <= 0 or stop < start:
            raise ParameterError(f"{where}: step must be positive and stop ≥ start")
        num = math.floor((stop - start) / step + 1e-9) + 1
        grid = start + step * np.arange(num)
    as_int = all(isinstance(raw[k], int) for k in ("start", "stop", "step") if k in raw)
    if as_int and "step" in raw:
        values: list[Value] = [round(float(v)) for v in grid]
    else:
        values = [_clean(v) for v in grid]
    return Axis("grid", (key,), tuple((v,) for v in values))


def _parse_ranges(raw: Mapping[str, Any], where: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    ranges = raw.get("ranges")
    if not isinstance(ranges, Mapping) or not ranges:
        raise ParameterError(f"{where}: needs ranges = {{'dotted.key' = [low, high], ...}}")
    keys, lows, highs = [], [], []
    for key, bounds in ranges.items():
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ParameterError(f"{where}: ranges.{key} must be [low, high]")
        low = _number(bounds[0], f"{where}: ranges.{key}[0]")
        high = _number(bounds[1], f"{where}: ranges.{key}[1]")
        if not low < high:
            raise ParameterError(f"{where}: ranges.{key} needs low < high, got [{low}, {high}]")
        keys.append(str(key))
        lows.append(low)
        highs.append(high)
    return keys, np.array(lows), np.array(highs)


def _parse_sample(
    raw: Mapping[str, Any], kind: str, seed_seq: np.random.SeedSequence, where: str
) -> Axis:
    from scipy.stats import qmc  # imported here: scipy.stats is slow to import on workers

    keys, lows, highs = _parse_ranges(raw, where)
    n = checked_int(raw.get("n"), f"{where}: n", minimum=1)
    integer = raw.get("integer", [])
    if not isinstance(integer, list) or not set(integer) <= set(keys):
        raise ParameterError(f"{where}: integer must list keys of ranges, got {integer!r}")
    rng = np.random.default_rng(seed_seq)
    if kind == "lhs":
        unit = qmc.LatinHypercube(d=len(keys), rng=rng).random(n)
    else:
        unit = rng.random((n, len(keys)))
    sample = qmc.scale(unit, lows, highs)
    rows: list[tuple[Value, ...]] = []
    for row in sample:
        rows.append(
            tuple(
                round(float(v)) if k in integer else _clean(float(v))
                for k, v in zip(keys, row, strict=True)
            )
        )
    return Axis(kind, tuple(keys), tuple(rows))


def _parse_simplex(raw: Mapping[str, Any], seed_seq: np.random.SeedSequence, where: str) -> Axis:
    keys = raw.get("keys")
    if not isinstance(keys, list) or len(keys) < 2 or not all(isinstance(k, str) for k in keys):
        raise ParameterError(f"{where}: a simplex axis needs keys = [at least two dotted keys]")
    if len(set(keys)) != len(keys):
        raise ParameterError(f"{where}: keys repeat: {keys}")
    total = _number(raw.get("total", 1.0), f"{where}: total")
    if total <= 0:
        raise ParameterError(f"{where}: total must be positive")
    if ("step" in raw) == ("n" in raw):
        raise ParameterError(f"{where}: give exactly one of step (a grid) and n (random draws)")
    k = len(keys)
    if "step" in raw:
        step = _number(raw["step"], f"{where}: step")
        m = round(1.0 / step)
        if step <= 0 or abs(m * step - 1.0) > 1e-9:
            raise ParameterError(f"{where}: step must divide 1 (e.g. 0.1, 0.05), got {step}")
        if math.comb(m + k - 1, k - 1) > _MAX_SIMPLEX_POINTS:
            raise ParameterError(f"{where}: step {step} gives too many points; use a larger step")
        comps = [c for c in product(range(m + 1), repeat=k - 1) if sum(c) <= m]
        rows = [(*c, m - sum(c)) for c in comps]
        values = tuple(tuple(_clean(total * c / m) for c in row) for row in rows)
    else:
        n = checked_int(raw["n"], f"{where}: n", minimum=1)
        sample = np.random.default_rng(seed_seq).dirichlet(np.ones(k), size=n) * total
        values = tuple(tuple(_clean(float(v)) for v in row) for row in sample)
    return Axis("simplex", tuple(keys), values)


def validate_axis(base: Scenario, axis: Axis, others: dict[str, Value], where: str) -> None:
    """Check an axis's keys and values on the base scenario, fast and without false alarms.

    Each checked point (every grid point, or 1,000 spread over a longer grid; the first point of
    a simplex; the first point and the low and high corners of a random or Latin-hypercube
    range) is applied to the base together with the first point of every other axis
    (``others``). When *every* checked point is
    rejected, the axis itself is wrong (an unknown key, a value of the wrong type) and the first
    error is raised. When only some are, those combinations are legitimate questions with no
    valid scenario (a floor above a cap): the run records them with status ``"invalid"``.
    """
    if axis.kind == "grid":
        # every point of a usual grid; an even spread of _MAX_CHECKS points of a huge one
        idx = np.unique(np.linspace(0, len(axis) - 1, min(len(axis), _MAX_CHECKS)).round())
        checks = [axis.point(int(i)) for i in idx]
    elif axis.kind == "simplex":
        checks = [axis.point(0)]
    else:
        frame = axis.to_frame()
        checks = [axis.point(0), frame.min().to_dict(), frame.max().to_dict()]
    errors: list[ParameterError] = []
    for overrides in checks:
        try:
            apply_overrides(base, {**others, **overrides}, where)
        except ParameterError as exc:
            errors.append(exc)
    if len(errors) == len(checks):
        raise errors[0]
    if axis.kind == "grid":
        _validate_names(base, axis, others, where)
    _validate_ranges(axis, where)


#: Keys whose values have a range of their own, whatever the other keys say: (low, high, unit).
_KEY_RANGES: dict[str, tuple[float, float, str]] = {
    "max_cut_pct": (0.0, 100.0, "% of last year"),
    "max_raise_pct": (0.0, math.inf, "% of last year"),
    "max_change_eok": (0.0, math.inf, "억원 from last year"),
    "floor_per_capita_krw": (0.0, math.inf, "KRW per person"),
    "stability_delta": (0.0, math.inf, "0.1 = ±10%"),
    "max_per_capita_ratio": (1.0, math.inf, "largest / smallest per-capita amount"),
}


def _validate_ranges(axis: Axis, where: str) -> None:
    """Refuse a value outside its key's own range (a typo, not a question without an answer).

    A cut limit of 150 % or a negative per-capita floor is wrong on every point, so the sweep
    stops at load naming the axis, key and value, rather than recording every such point as
    ``"invalid"``. Combinations (a floor above a cap) are still left to the run.
    """
    frame = axis.to_frame()
    for key, (low, high, unit) in _KEY_RANGES.items():
        if key not in frame.columns:
            continue
        for value in frame[key].tolist():
            if not _is_number(value) or value is None:
                continue
            if not low <= float(value) <= high:
                span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"≥ {low:g}"
                raise ParameterError(
                    f"{where}: {key} = {value!r} must be {span} ({unit}); change the axis values"
                )


def _validate_names(base: Scenario, axis: Axis, others: dict[str, Value], where: str) -> None:
    """Refuse a text value (an objective, deviation or rule name) the base rejects on its own.

    A name is a choice, not a question with no answer: a misspelt ``objective =
    "equal_adjustmnt"`` is refused at load, with the key and the value, rather than recorded as
    ``"invalid"`` on every point.
    """
    for values in axis.values:
        overrides = dict(zip(axis.keys, values, strict=True))
        names = {k: v for k, v in overrides.items() if isinstance(v, str)}
        if not names:
            continue
        try:
            apply_overrides(base, {**others, **overrides}, where)
        except ParameterError:
            for key, value in names.items():
                try:
                    base.with_overrides({key: value})
                except ParameterError as exc:
                    raise ParameterError(f"{where}: {exc}") from exc


def parse_monte_carlo(raw: Any, sweep_seed: int, where: str) -> MonteCarlo:
    check_options(raw, _MC_OPTIONS, where, "[monte_carlo]")
    draws = checked_int(raw.get("draws"), f"{where}: draws", minimum=1)
    seed = checked_int(raw.get("seed", sweep_seed), f"{where}: seed", minimum=0)
    table = raw.get("perturb")
    if not isinstance(table, Mapping) or not table:
        raise ParameterError(
            f"{where}: needs at least one [monte_carlo.perturb.COLUMN] table "
            "(with sd or relative_sd)"
        )
    perturb = []
    for column, opts in table.items():
        here = f"{where}: perturb.{column}"
        check_options(opts, _PERTURB_OPTIONS, here, f"perturb.{column}")
        if ("sd" in opts) == ("relative_sd" in opts):
            raise ParameterError(f"{here}: give exactly one of sd and relative_sd")
        sd = _number(opts["sd"], f"{here}.sd") if "sd" in opts else None
        rsd = _number(opts["relative_sd"], f"{here}.relative_sd") if "relative_sd" in opts else None
        if (sd is not None and sd < 0) or (rsd is not None and rsd < 0):
            raise ParameterError(f"{here}: the standard deviation must not be negative")
        low = _number(opts["min"], f"{here}.min") if "min" in opts else None
        high = _number(opts["max"], f"{here}.max") if "max" in opts else None
        if low is not None and high is not None and low > high:
            raise ParameterError(f"{here}: min {low} is above max {high}")
        perturb.append(Perturbation(str(column), sd, rsd, low, high))
    return MonteCarlo(draws=draws, seed=seed, perturb=tuple(perturb))

"""Sweep specifications: a base scenario, axes of parameter values and Monte Carlo draws (TOML).

A sweep file names a base scenario (an envelope scenario TOML, see
:func:`cgresearch.allocation.load_scenario`) and lists *axes*. Each axis gives a sequence of
*points*; a point sets one or more scenario parameters with the dotted keys of
:meth:`cgresearch.allocation.Scenario.with_overrides`. Axes combine as a Cartesian product (or, with
``combine = "zip"``, advance together). An optional ``[monte_carlo]`` table perturbs district
indicators; every parameter point is then solved once per draw.

Axis kinds
----------
``grid``
    ``key`` with ``values = [...]`` (numbers, strings, or ``[low, high]`` lists for range keys such
    as ``tiers.가``), or ``start``/``stop`` and ``num`` (inclusive, evenly spaced) or ``step``.
``random``
    ``n`` independent uniform draws over ``ranges = {key = [low, high], ...}`` (jointly).
``lhs``
    ``n`` Latin-hypercube points (:class:`scipy.stats.qmc.LatinHypercube`) over ``ranges``.
``simplex``
    weights over ``keys`` that sum to ``total`` (default 1): every composition on a ``step`` grid,
    or ``n`` uniform random draws (Dirichlet(1, ..., 1)).

``random`` and ``lhs`` accept ``integer = [keys]`` to round those keys; ``random``, ``lhs`` and
``simplex`` take an optional ``seed`` (default: derived from the sweep seed and the axis number).

Monte Carlo
-----------
``[monte_carlo]`` has ``draws``, an optional ``seed`` and one table per perturbed district column:
``[monte_carlo.perturb.COLUMN]`` with ``sd`` (additive normal noise) or ``relative_sd``
(multiplicative: ``x * (1 + e)``, ``e ~ N(0, relative_sd)``), and optional ``min``/``max`` clips.
Draw ``d`` uses the random stream ``SeedSequence([seed, d])``, so a draw is the same whichever
worker solves it. When a population count is perturbed and the 65+ share is not, the share is
recomputed from the perturbed counts.

Examples
--------
>>> from cgresearch.sweeps import sweep_from_dict
>>> spec = sweep_from_dict({
...     "sweep": {"name": "demo", "base": "need_goal_stable.toml"},
...     "axis": [{"key": "total_budget_eok", "start": 230, "stop": 270, "num": 5}],
...     "monte_carlo": {"draws": 3, "perturb": {"pop_total_2017q1": {"relative_sd": 0.02}}},
... })
>>> spec.n_points, spec.n_draws, spec.n_scenarios
(5, 3, 15)
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import Scenario, load_scenario
from cgresearch.errors import ParameterError

__all__ = [
    "Axis",
    "Batch",
    "MonteCarlo",
    "Perturbation",
    "SweepSpec",
    "load_sweep",
    "sweep_from_dict",
]

Value = bool | int | float | str | tuple[float, ...]

_AXIS_KINDS = ("grid", "random", "lhs", "simplex")
_AXIS_OPTIONS = {
    "grid": {"kind", "key", "values", "start", "stop", "num", "step"},
    "random": {"kind", "ranges", "n", "seed", "integer"},
    "lhs": {"kind", "ranges", "n", "seed", "integer"},
    "simplex": {"kind", "keys", "step", "n", "seed", "total"},
}
_SWEEP_OPTIONS = {"name", "description", "base", "seed", "batch_size", "combine", "diagnose"}
_TOP_OPTIONS = {"sweep", "base_overrides", "axis", "monte_carlo"}
_MC_OPTIONS = {"draws", "seed", "perturb"}
_PERTURB_OPTIONS = {"sd", "relative_sd", "min", "max"}
_MAX_SIMPLEX_POINTS = 1_000_000
_MAX_CHECKS = 1_000  # grid points of one axis checked on the base scenario at load time
# recomputed from perturbed counts (unless perturbed themselves): column -> (num, den, scale)
_DERIVED = {
    "share_65plus_2017q1_pct": ("pop_65plus_2017q1", "pop_total_2017q1", 100.0),
}


@dataclass(frozen=True)
class Axis:
    """One axis of a sweep: a sequence of points, each setting the values of ``keys``.

    Attributes
    ----------
    kind : str
        ``"grid"``, ``"random"``, ``"lhs"`` or ``"simplex"``.
    keys : tuple of str
        Dotted scenario keys set by this axis.
    values : tuple of tuple
        ``values[i][j]`` is the value of ``keys[j]`` at point ``i``.
    """

    kind: str
    keys: tuple[str, ...]
    values: tuple[tuple[Value, ...], ...]

    def __len__(self) -> int:
        return len(self.values)

    def point(self, i: int) -> dict[str, Value]:
        """Return the overrides of point ``i``."""
        return dict(zip(self.keys, self.values[i], strict=True))

    def to_frame(self) -> pd.DataFrame:
        """Return the points as a table (one column per key)."""
        return pd.DataFrame(list(self.values), columns=list(self.keys))


@dataclass(frozen=True)
class Perturbation:
    """Normal noise on one district column: additive ``sd`` or multiplicative ``relative_sd``."""

    column: str
    sd: float | None = None
    relative_sd: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class MonteCarlo:
    """Monte Carlo perturbation of district indicators: ``draws`` seeded draws.

    Examples
    --------
    >>> import pandas as pd
    >>> mc = MonteCarlo(draws=2, seed=1, perturb=(Perturbation("x", relative_sd=0.1),))
    >>> d = pd.DataFrame({"x": [100.0, 200.0]})
    >>> mc.perturb_districts(d, 0).equals(mc.perturb_districts(d, 0))
    True
    """

    draws: int
    seed: int
    perturb: tuple[Perturbation, ...]

    def check_columns(self, districts: pd.DataFrame) -> None:
        """Raise :class:`ParameterError` when a perturbed column is missing or not numeric."""
        for p in self.perturb:
            if p.column not in districts.columns:
                raise ParameterError(
                    f"monte_carlo.perturb.{p.column}: no such district column; "
                    f"choose one of {sorted(districts.select_dtypes('number').columns)}"
                )
            if not pd.api.types.is_numeric_dtype(districts[p.column]):
                raise ParameterError(
                    f"monte_carlo.perturb.{p.column}: column is not numeric and cannot be perturbed"
                )

    def perturb_districts(self, districts: pd.DataFrame, draw: int) -> pd.DataFrame:
        """Return a copy of ``districts`` with draw ``draw`` of the perturbation applied."""
        if not 0 <= draw < self.draws:
            raise ParameterError(f"draw {draw} is outside 0..{self.draws - 1}")
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, draw]))
        out = districts.copy()
        n = len(out)
        for p in self.perturb:
            x = out[p.column].to_numpy(dtype=float)
            e = rng.standard_normal(n)
            y = x + p.sd * e if p.sd is not None else x * (1.0 + float(p.relative_sd) * e)
            if p.low is not None or p.high is not None:
                y = np.clip(y, p.low, p.high)
            if pd.api.types.is_integer_dtype(out[p.column]):
                y = np.rint(y)
            out[p.column] = y.astype(out[p.column].dtype)
        perturbed = {p.column for p in self.perturb}
        for col, (num, den, scale) in _DERIVED.items():
            if col in out.columns and col not in perturbed and perturbed & {num, den}:
                ratio = out[num].to_numpy(dtype=float) / out[den].to_numpy(dtype=float)
                out[col] = np.round(scale * ratio, 2)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the TOML-shaped dictionary of this table."""
        perturb: dict[str, dict[str, float]] = {}
        for p in self.perturb:
            entry = {"sd": p.sd, "relative_sd": p.relative_sd, "min": p.low, "max": p.high}
            perturb[p.column] = {k: v for k, v in entry.items() if v is not None}
        return {"draws": self.draws, "seed": self.seed, "perturb": perturb}


@dataclass(frozen=True)
class Batch:
    """A contiguous run of scenarios, ids ``start .. stop − 1``, solved as one Dask task.

    Scenario ``id = draw * n_points + point``: scenarios are ordered draw by draw, so a batch
    covers one draw or a few consecutive ones (the worker builds one model per draw).
    """

    batch_id: int
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: base scenario, axes, optional Monte Carlo, batching defaults.

    Attributes
    ----------
    name : str
        Short name (the default output folder ``outputs/sweeps/<name>``).
    base : Scenario
        The base scenario every point overrides.
    axes : tuple of Axis
        The axes; ``combine`` says how their points combine.
    combine : str
        ``"product"`` (every combination) or ``"zip"`` (axes of equal length advance together).
    monte_carlo : MonteCarlo or None
        District perturbation; ``None`` solves every point once on the real indicators.
    seed : int
        Sweep seed (defaults of the random axes and the Monte Carlo seed).
    batch_size : int or None
        Scenarios per Dask task (``None``: chosen by :func:`cgresearch.sweeps.run_sweep`).
    description : str
        Free text.
    diagnose : bool
        Explain infeasible scenarios (a few extra LPs each; ``false`` records only the status).
    source : str
        Where the spec came from (a file path or ``"<dict>"``), used in messages.
    """

    name: str
    base: Scenario
    axes: tuple[Axis, ...]
    combine: str = "product"
    monte_carlo: MonteCarlo | None = None
    seed: int = 0
    batch_size: int | None = None
    description: str = ""
    diagnose: bool = True
    source: str = "<dict>"
    config: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def parameter_keys(self) -> tuple[str, ...]:
        """Every dotted key set by an axis, in axis order."""
        return tuple(k for a in self.axes for k in a.keys)

    @property
    def n_points(self) -> int:
        """Number of parameter points (combinations of axis points)."""
        if not self.axes:
            return 1
        if self.combine == "zip":
            return len(self.axes[0])
        return math.prod(len(a) for a in self.axes)

    @property
    def n_draws(self) -> int:
        """Number of Monte Carlo draws (1 without Monte Carlo)."""
        return self.monte_carlo.draws if self.monte_carlo else 1

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios solved: points × draws."""
        return self.n_points * self.n_draws

    def axis_indices(self, points: np.ndarray) -> list[np.ndarray]:
        """Return, for each axis, the index of its point at each of ``points`` (vectorised)."""
        points = np.asarray(points, dtype=np.int64)
        if not self.axes:
            return []
        if self.combine == "zip":
            return [points for _ in self.axes]
        return list(np.unravel_index(points, tuple(len(a) for a in self.axes)))

    def overrides(self, point: int) -> dict[str, Value]:
        """Return the scenario overrides (dotted keys) of parameter point ``point``."""
        if not 0 <= point < self.n_points:
            raise ParameterError(f"point {point} is outside 0..{self.n_points - 1}")
        out: dict[str, Value] = {}
        for axis, idx in zip(self.axes, self.axis_indices(np.array([point])), strict=True):
            out.update(axis.point(int(idx[0])))
        return out

    def points_frame(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Return points ``start..stop`` as a table: ``point`` and one column per key."""
        stop = self.n_points if stop is None else stop
        points = np.arange(start, stop, dtype=np.int64)
        frame = pd.DataFrame({"point": points})
        for axis, idx in zip(self.axes, self.axis_indices(points), strict=True):
            values = axis.to_frame()
            for key in axis.keys:
                frame[key] = values[key].to_numpy()[idx]
        return frame

    def batches(self, batch_size: int) -> list[Batch]:
        """Split the scenarios into consecutive batches of at most ``batch_size``."""
        if batch_size < 1:
            raise ParameterError(f"batch size must be at least 1, got {batch_size}")
        n = self.n_scenarios
        return [
            Batch(i, start, min(start + batch_size, n))
            for i, start in enumerate(range(0, n, batch_size))
        ]

    def scenarios_frame(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Return scenarios ``start..stop``: ``scenario_id``, ``draw``, ``point`` and the keys."""
        stop = self.n_scenarios if stop is None else stop
        if not 0 <= start <= stop <= self.n_scenarios:
            raise ParameterError(f"scenarios {start}..{stop} outside 0..{self.n_scenarios}")
        ids = np.arange(start, stop, dtype=np.int64)
        draw, point = np.divmod(ids, self.n_points)
        frame = pd.DataFrame({"scenario_id": ids, "draw": draw, "point": point})
        for axis, idx in zip(self.axes, self.axis_indices(point), strict=True):
            values = axis.to_frame()
            for key in axis.keys:
                frame[key] = values[key].to_numpy()[idx]
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description (resolved base scenario, config, seeds)."""
        return {
            "name": self.name,
            "description": self.description,
            "combine": self.combine,
            "diagnose": self.diagnose,
            "seed": self.seed,
            "base": self.base.to_dict(),
            "config": _jsonable(dict(self.config)),
            "monte_carlo": self.monte_carlo.to_dict() if self.monte_carlo else None,
            "n_points": self.n_points,
            "n_draws": self.n_draws,
        }

    def fingerprint(self) -> str:
        """Return a sha256 of everything that determines the results (base, axes, draws)."""
        payload = {
            "base": self.base.to_dict(),
            "axes": [{"keys": a.keys, "values": a.values} for a in self.axes],
            "combine": self.combine,
            "diagnose": self.diagnose,
            "monte_carlo": self.monte_carlo.to_dict() if self.monte_carlo else None,
        }
        text = json.dumps(_jsonable(payload), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def load_sweep(path: str | Path, overrides: Mapping[str, Any] | None = None) -> SweepSpec:
    """Read and validate a sweep TOML file.

    A relative path that does not exist as given is looked up in ``scenarios/sweeps/``. The base
    scenario path is resolved against the sweep file's folder first, then ``scenarios/``
    (:func:`cgresearch.paths.scenarios_dir`).

    Parameters
    ----------
    path : str or Path
        The sweep file.
    overrides : mapping, optional
        Dotted keys of the sweep file's tables set before validation, e.g.
        ``{"monte_carlo.draws": 5, "monte_carlo.seed": 7, "sweep.batch_size": 100}``. The
        ``[[axis]]`` list cannot be overridden (edit the file).

    Returns
    -------
    SweepSpec

    Raises
    ------
    ParameterError
        Unreadable TOML, an unknown option, a bad value (the message names the key).

    Examples
    --------
    >>> from cgresearch.sweeps import load_sweep
    >>> load_sweep("whatifs.toml", {"monte_carlo.draws": 2}).n_draws
    2
    """
    path, config = read_sweep_config(path)
    for key, value in (overrides or {}).items():
        _set_dotted(config, str(key), value, str(path))
    return sweep_from_dict(config, source=str(path), folder=path.parent)


def read_sweep_config(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """Find a sweep file (as given, else in ``scenarios/sweeps/``) and parse its TOML, unchecked.

    Returns the path found and the parsed dictionary; :func:`load_sweep` validates it.
    """
    path = Path(path)
    if not path.is_file() and not path.is_absolute():
        candidate = paths.scenarios_dir() / "sweeps" / path
        path = candidate if candidate.is_file() else path
    if not path.is_file():
        raise ParameterError(f"{path}: sweep file not found")
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: not valid TOML: {exc}") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ParameterError(f"{path}: a value cannot be read: {exc}") from exc


def _set_dotted(config: dict[str, Any], key: str, value: Any, where: str) -> None:
    parts = key.split(".")
    if parts[0] == "axis" or not all(parts):
        raise ParameterError(
            f"{where}: cannot override {key!r}: override keys of [sweep], [base_overrides] or "
            "[monte_carlo] (e.g. 'monte_carlo.draws'); edit the [[axis]] tables in the file"
        )
    table = config
    for part in parts[:-1]:
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            raise ParameterError(f"{where}: cannot override {key!r}: {part!r} is not a table")
    table[parts[-1]] = value


def sweep_from_dict(
    config: Mapping[str, Any], *, source: str = "<dict>", folder: Path | None = None
) -> SweepSpec:
    """Validate a sweep given as a dictionary (the parsed TOML) and return it.

    ``[sweep] base`` is a scenario file name or path, or an inline table (a scenario dictionary
    for :meth:`Scenario.from_dict`). See the module docstring for the axes and Monte Carlo tables.
    """
    where = source
    _check_options(config, _TOP_OPTIONS, where, "top level")
    sweep = config.get("sweep")
    if not isinstance(sweep, Mapping):
        raise ParameterError(f"{where}: missing [sweep] table (with at least name and base)")
    _check_options(sweep, _SWEEP_OPTIONS, where, "[sweep]")
    name = sweep.get("name")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\ "):
        raise ParameterError(f"{where}: sweep.name must be a non-empty word (no spaces or /)")
    seed = _int(sweep.get("seed", 0), f"{where}: sweep.seed", minimum=0)
    combine = sweep.get("combine", "product")
    if combine not in ("product", "zip"):
        raise ParameterError(f"{where}: sweep.combine must be 'product' or 'zip', got {combine!r}")
    batch_size = sweep.get("batch_size")
    if batch_size is not None:
        batch_size = _int(batch_size, f"{where}: sweep.batch_size", minimum=1)
    description = str(sweep.get("description", ""))
    diagnose = sweep.get("diagnose", True)
    if not isinstance(diagnose, bool):
        raise ParameterError(f"{where}: sweep.diagnose must be true or false, got {diagnose!r}")

    base = _load_base(sweep.get("base"), where, folder)
    base_overrides = config.get("base_overrides", {})
    if not isinstance(base_overrides, Mapping):
        raise ParameterError(f"{where}: [base_overrides] must be a table of dotted keys")
    if base_overrides:
        base = _apply(base, dict(base_overrides), f"{where}: [base_overrides]")

    raw_axes = config.get("axis", [])
    if not isinstance(raw_axes, list):
        raise ParameterError(f"{where}: axes are written as [[axis]] tables")
    axes = tuple(
        _parse_axis(a, i, seed, f"{where}: [[axis]] {i + 1}") for i, a in enumerate(raw_axes)
    )
    seen: dict[str, int] = {}
    for i, axis in enumerate(axes):
        for key in axis.keys:
            if key in seen:
                raise ParameterError(
                    f"{where}: key {key!r} is set by [[axis]] {seen[key] + 1} and {i + 1}; "
                    "set each key on one axis (use one random/lhs axis with several ranges)"
                )
            seen[key] = i
        others = {k: v for j, a in enumerate(axes) if j != i for k, v in a.point(0).items()}
        _validate_axis(base, axis, others, f"{where}: [[axis]] {i + 1}")
    if combine == "zip" and len({len(a) for a in axes}) > 1:
        lengths = ", ".join(str(len(a)) for a in axes)
        raise ParameterError(f"{where}: combine = 'zip' needs axes of equal length, got {lengths}")

    mc = None
    if "monte_carlo" in config:
        mc = _parse_monte_carlo(config["monte_carlo"], seed, f"{where}: [monte_carlo]")
    return SweepSpec(
        name=name,
        base=base,
        axes=axes,
        combine=combine,
        monte_carlo=mc,
        seed=seed,
        batch_size=batch_size,
        description=description,
        diagnose=diagnose,
        source=source,
        config=dict(config),
    )


# --- parsing helpers --------------------------------------------------------------------------
def _check_options(table: Mapping[str, Any], allowed: set[str], where: str, what: str) -> None:
    if not isinstance(table, Mapping):
        raise ParameterError(f"{where}: {what} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ParameterError(
            f"{where}: {what}: unknown option {unknown[0]!r}; expected one of {sorted(allowed)}"
        )


def _int(value: Any, where: str, minimum: int | None = None) -> int:
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


def _load_base(base: Any, where: str, folder: Path | None) -> Scenario:
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


def _apply(base: Scenario, overrides: dict[str, Value], where: str) -> Scenario:
    try:
        return base.with_overrides(overrides)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from exc


def _clean(value: float) -> float:
    """Round away float noise of linspace/arange (12 significant digits)."""
    return float(f"{value:.12g}")


def _parse_axis(raw: Any, index: int, sweep_seed: int, where: str) -> Axis:
    if not isinstance(raw, Mapping):
        raise ParameterError(f"{where} must be a table")
    kind = raw.get("kind", "grid")
    if kind not in _AXIS_KINDS:
        raise ParameterError(f"{where}: kind must be one of {list(_AXIS_KINDS)}, got {kind!r}")
    _check_options(raw, _AXIS_OPTIONS[kind], where, f"kind {kind!r}")
    seed = raw.get("seed")
    if seed is None:
        seed_seq = np.random.SeedSequence([sweep_seed, index])
    else:
        seed_seq = np.random.SeedSequence(_int(seed, f"{where}: seed", minimum=0))
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
        num = _int(raw["num"], f"{where}: num", minimum=1)
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
    n = _int(raw.get("n"), f"{where}: n", minimum=1)
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
        n = _int(raw["n"], f"{where}: n", minimum=1)
        sample = np.random.default_rng(seed_seq).dirichlet(np.ones(k), size=n) * total
        values = tuple(tuple(_clean(float(v)) for v in row) for row in sample)
    return Axis("simplex", tuple(keys), values)


def _validate_axis(base: Scenario, axis: Axis, others: dict[str, Value], where: str) -> None:
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
            _apply(base, {**others, **overrides}, where)
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
            _apply(base, {**others, **overrides}, where)
        except ParameterError:
            for key, value in names.items():
                try:
                    base.with_overrides({key: value})
                except ParameterError as exc:
                    raise ParameterError(f"{where}: {exc}") from exc


def _parse_monte_carlo(raw: Any, sweep_seed: int, where: str) -> MonteCarlo:
    _check_options(raw, _MC_OPTIONS, where, "[monte_carlo]")
    draws = _int(raw.get("draws"), f"{where}: draws", minimum=1)
    seed = _int(raw.get("seed", sweep_seed), f"{where}: seed", minimum=0)
    table = raw.get("perturb")
    if not isinstance(table, Mapping) or not table:
        raise ParameterError(
            f"{where}: needs at least one [monte_carlo.perturb.COLUMN] table "
            "(with sd or relative_sd)"
        )
    perturb = []
    for column, opts in table.items():
        here = f"{where}: perturb.{column}"
        _check_options(opts, _PERTURB_OPTIONS, here, f"perturb.{column}")
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


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    return obj

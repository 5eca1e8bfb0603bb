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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cgresearch import paths
from cgresearch.allocation import Scenario
from cgresearch.errors import ParameterError
from cgresearch.sweeps.axes import Axis, Batch, MonteCarlo, Perturbation, Value
from cgresearch.sweeps.parsing import (
    SWEEP_OPTIONS,
    TOP_OPTIONS,
    apply_overrides,
    check_options,
    checked_int,
    load_base,
    parse_axis,
    parse_monte_carlo,
    validate_axis,
)

__all__ = [
    "Axis",
    "Batch",
    "MonteCarlo",
    "Perturbation",
    "SweepSpec",
    "load_sweep",
    "sweep_from_dict",
]


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
    check_options(config, TOP_OPTIONS, where, "top level")
    sweep = config.get("sweep")
    if not isinstance(sweep, Mapping):
        raise ParameterError(f"{where}: missing [sweep] table (with at least name and base)")
    check_options(sweep, SWEEP_OPTIONS, where, "[sweep]")
    name = sweep.get("name")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\ "):
        raise ParameterError(f"{where}: sweep.name must be a non-empty word (no spaces or /)")
    seed = checked_int(sweep.get("seed", 0), f"{where}: sweep.seed", minimum=0)
    combine = sweep.get("combine", "product")
    if combine not in ("product", "zip"):
        raise ParameterError(f"{where}: sweep.combine must be 'product' or 'zip', got {combine!r}")
    batch_size = sweep.get("batch_size")
    if batch_size is not None:
        batch_size = checked_int(batch_size, f"{where}: sweep.batch_size", minimum=1)
    description = str(sweep.get("description", ""))
    diagnose = sweep.get("diagnose", True)
    if not isinstance(diagnose, bool):
        raise ParameterError(f"{where}: sweep.diagnose must be true or false, got {diagnose!r}")

    base = load_base(sweep.get("base"), where, folder)
    base_overrides = config.get("base_overrides", {})
    if not isinstance(base_overrides, Mapping):
        raise ParameterError(f"{where}: [base_overrides] must be a table of dotted keys")
    if base_overrides:
        base = apply_overrides(base, dict(base_overrides), f"{where}: [base_overrides]")

    raw_axes = config.get("axis", [])
    if not isinstance(raw_axes, list):
        raise ParameterError(f"{where}: axes are written as [[axis]] tables")
    axes = tuple(
        parse_axis(a, i, seed, f"{where}: [[axis]] {i + 1}") for i, a in enumerate(raw_axes)
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
        validate_axis(base, axis, others, f"{where}: [[axis]] {i + 1}")
    if combine == "zip" and len({len(a) for a in axes}) > 1:
        lengths = ", ".join(str(len(a)) for a in axes)
        raise ParameterError(f"{where}: combine = 'zip' needs axes of equal length, got {lengths}")

    mc = None
    if "monte_carlo" in config:
        mc = parse_monte_carlo(config["monte_carlo"], seed, f"{where}: [monte_carlo]")
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

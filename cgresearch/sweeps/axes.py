"""The pieces of a sweep: axes of parameter points, Monte Carlo perturbations and batches.

:class:`Axis` (one axis: points setting one or more scenario keys), :class:`Perturbation` and
:class:`MonteCarlo` (district indicators perturbed per draw), :class:`Batch` (a run of scenarios
solved as one task). :mod:`cgresearch.sweeps.spec` builds them from a sweep file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError

__all__ = ["Axis", "Batch", "MonteCarlo", "Perturbation", "Value"]

Value = bool | int | float | str | tuple[float, ...]

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

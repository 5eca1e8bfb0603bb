"""Planner scenarios for the district envelope model: a TOML file, validated, as a frozen value.

A scenario says how much the city hands out (``total_budget_eok``, in 억원), how the formula
target of each autonomous district (gu) is computed (``formula_rule``, ``weights``), what the
optimiser pursues (``objective``) and which limits hold (floors, caps, year-on-year stability,
per-capita equity, performance tiers). Every field name carries its unit. The dictionary form, the
TOML form and the dataclass share the same keys, so ``with_overrides({"weights.pop": 0.5})`` and a
TOML line ``weights.pop = 0.5`` mean the same thing.

Per-district values (``floor_eok``, ``cap_eok``, ``previous_eok``, ``grades``) are either a scalar
(every gu) or a table keyed by district (Korean or English name, or the 5-digit ``adm_code``) with
an optional ``default`` entry. District keys are checked against a district table by
:func:`resolve_per_district` (the envelope model calls it), with the closest name suggested.

Examples
--------
>>> from cgresearch.allocation.scenario import Scenario
>>> s = Scenario.from_dict({"name": "demo", "total_budget_eok": 250,
...                         "weights": {"base": 0.5, "pop": 0.5}, "floor_eok": 8})
>>> s.with_overrides({"total_budget_eok": 260}).total_budget_eok
260.0
>>> "weights" in s.to_toml()
True
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from cgresearch.allocation.per_district import resolve_per_district
from cgresearch.allocation.scenario_files import resolve_file_keys
from cgresearch.allocation.scenario_rules import (
    FORMULA_RULES,
    INDICATORS,
    OBJECTIVES,
    validate_scenario,
)
from cgresearch.allocation.scenario_text import read_scenario_text, unreadable_number
from cgresearch.allocation.scenario_values import (
    MAX_AMOUNT_EOK,
    PerDistrict,
    did_you_mean,
)
from cgresearch.errors import ParameterError

__all__ = [
    "FORMULA_RULES",
    "INDICATORS",
    "MAX_AMOUNT_EOK",
    "OBJECTIVES",
    "Scenario",
    "load_scenario",
    "resolve_per_district",
]


#: "file: error" reads the same in every language (the error inside is translated).
_IN_FILE = "{file}: {error}"


@dataclass(frozen=True)
class Scenario:
    """One planner scenario for the district envelope model (all amounts in 억원).

    Parameters
    ----------
    name : str
        Short name; also the output folder name of ``cgresearch allocate``.
    total_budget_eok : float
        Total to split across the districts, 억원 (allocations sum to it exactly).
    objective : str
        One of :data:`OBJECTIVES`. ``equal_adjustment`` (default): least squares to the formula
        targets, so every gu not held by a bound gets its target plus one common adjustment
        (unique, monotone); ``proportional``: its target times one common factor;
        ``least_squares``: weighted least squares (``deviation`` weights) as a HiGHS QP;
        ``minmax_relative``: the smallest common relative band around the targets, then least
        squares (see :mod:`cgresearch.allocation.objectives`);
        ``formula``: the formula amounts as they are (bounds are checked, not enforced);
        ``goal``: least absolute deviation from the formula targets (L1 goal programming; not
        unique: ties are broken by a fixed proportional rule); ``maxmin``: raise the worst-off
        district's need-weighted per-capita amount first; ``combined``: ``combination``
        weights of goal and maxmin.
    formula_rule : {"weighted", "shortfall"}
        ``weighted``: ``base_eok`` per gu plus the rest by weighted indicator shares;
        ``shortfall``: the equalisation-grant (조정교부금) rule, ``general_share`` of the total by
        each gu's share of the fiscal shortfall and the rest equally.
    weights : dict
        Indicator -> weight (keys of :data:`INDICATORS`); they must sum to ``weights_sum``.
    weights_sum : float
        The declared sum of ``weights`` (checked to 1e-9).
    base_eok : float
        Fixed amount per gu before the weighted shares (``weighted`` rule only).
    general_share : float
        Share of the total allocated by shortfall in the ``shortfall`` rule (0.9 in Seoul's rule).
    floor_eok, cap_eok : float or dict or None
        Lower and upper limit per gu (scalar, or a table by district with optional ``default``).
    previous_eok : float or dict or None
        Last year's allocation (scalar: equal for every gu, e.g. 10; or a table).
    stability_delta : float or None
        Year-on-year limit: ``|x − previous| ≤ δ · previous`` (needs ``previous_eok``).
    max_cut_pct, max_raise_pct : float or None
        Asymmetric year-on-year limits in % of ``previous_eok``: ``x ≥ previous (1 − cut/100)``,
        ``x ≤ previous (1 + raise/100)`` (e.g. cut at most 5, raise at most 10).
    max_change_eok : float or None
        Absolute year-on-year limit: ``|x − previous| ≤`` this (억원). All change limits that are
        set hold together (with ``stability_delta``).
    floor_per_capita_krw : float or None
        A floor per resident: each gu gets at least ``population × this / 10⁸`` 억원 (KRW per
        person; with ``floor_eok``, the larger floor holds).
    max_per_capita_ratio : float or None
        Per-capita equity bound: largest / smallest per-capita amount ≤ this ratio (≥ 1).
    tiers : dict
        Performance grade -> ``[min, max]`` 억원 (e.g. ``{"가": [10.5, 11]}``).
    grades : dict
        District -> grade, with optional ``default``; every gu needs a grade when tiers are set.
    deviation : {"absolute", "relative"}
        Goal weights: every 억원 alike, or each gu's deviation relative to its target.
    combination : dict
        ``{"goal": a, "maxmin": b}`` for the ``combined`` objective (a, b ≥ 0, a + b > 0).
    rounding_unit_eok : float or None
        Round the envelopes to whole units of this size (억원; 0.01 = 100만원) by the Webster
        divisor method, keeping the total exact and the bounds (see
        :mod:`cgresearch.allocation.rounding`); the total must be a whole number of units.
    time_limit_s : float or None
        Solver time limit in seconds.
    solver : str
        ``"highs"`` (default, HiGHS through highspy) or another solver of
        :data:`cgresearch.allocation.solver.SOLVER_NAMES` (e.g. ``"cbc"``).
    description : str
        Free text for the planner.
    districts_file : str or None
        The planner's own district indicators (a file; relative to the scenario file in TOML):
        the model is solved on them instead of the package's table (see
        :mod:`cgresearch.allocation.scenario_files`).
    previous_amounts_file : str or None
        Last year's real amounts per gu (a file); in TOML it fills ``previous_eok``.
    title : dict
        The scenario's human label by language, ``{ko = "…", en = "…"}``, shown in figure
        titles, captions and tables instead of its ``name`` (see :meth:`label`).
    source : str or None
        Where the scenario came from (file path); not part of the scenario's identity.

    Examples
    --------
    >>> Scenario(name="s", total_budget_eok=250.0).objective
    'equal_adjustment'
    """

    name: str
    total_budget_eok: float
    objective: str = "equal_adjustment"
    formula_rule: str = "weighted"
    weights: dict[str, float] = field(default_factory=lambda: {"base": 0.5, "pop": 0.5})
    weights_sum: float = 1.0
    base_eok: float = 0.0
    general_share: float = 0.9
    floor_eok: PerDistrict = None
    cap_eok: PerDistrict = None
    previous_eok: PerDistrict = None
    stability_delta: float | None = None
    max_cut_pct: float | None = None
    max_raise_pct: float | None = None
    max_change_eok: float | None = None
    floor_per_capita_krw: float | None = None
    max_per_capita_ratio: float | None = None
    tiers: dict[str, tuple[float, float]] = field(default_factory=dict)
    grades: dict[str, str] = field(default_factory=dict)
    deviation: str = "absolute"
    combination: dict[str, float] = field(default_factory=lambda: {"goal": 0.5, "maxmin": 0.5})
    time_limit_s: float | None = None
    rounding_unit_eok: float | None = None
    solver: str = "highs"
    description: str = ""
    districts_file: str | None = None
    previous_amounts_file: str | None = None
    title: dict[str, str] = field(default_factory=dict)
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        self._validate()

    def __hash__(self) -> int:
        # The table fields are dicts, so hash the canonical dictionary form (equal scenarios hash
        # alike; ``source`` is not part of the identity).
        return hash(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False))

    # -- validation --------------------------------------------------------------------------
    def _validate(self) -> None:
        validate_scenario(self)

    def label(self, lang: str = "ko") -> str:
        """Return the scenario's human label in ``lang``: its ``title``, else its description.

        A reader never sees the raw ``name`` (``need_goal_stable``) when the scenario has a
        title or a description; the other language's title is the next choice.

        Examples
        --------
        >>> s = Scenario(name="s", total_budget_eok=5, title={"ko": "균등", "en": "Equal"})
        >>> s.label("ko"), s.label("en")
        ('균등', 'Equal')
        """
        other = "en" if lang == "ko" else "ko"
        return (
            self.title.get(lang) or self.title.get(other) or self.description or self.name
        ).strip()

    # -- conversions -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str | None = None) -> Scenario:
        """Build a scenario from its dictionary (TOML) form; unknown keys are errors.

        Examples
        --------
        >>> Scenario.from_dict({"name": "a", "total_budget_eok": 10}).total_budget_eok
        10.0
        """
        if not isinstance(d, Mapping):
            raise ParameterError.of(
                "a scenario must be a table of keys, got {kind}", kind=type(d).__name__
            )
        known = [f.name for f in fields(cls) if f.name != "source"]
        label = d.get("name", source or "?")
        for key in d:
            if key not in known:
                raise ParameterError.of(
                    "scenario '{name}': unknown key '{key}'{hint}; known keys: {known}",
                    name=label,
                    key=key,
                    hint=did_you_mean(key, known),
                    known=", ".join(known),
                )
        for key in ("name", "total_budget_eok"):
            if key not in d:
                raise ParameterError.of(
                    "scenario '{name}': the key '{key}' is required", name=label, key=key
                )
        kwargs = {k: v for k, v in d.items()}
        if "tiers" in kwargs and isinstance(kwargs["tiers"], Mapping):
            kwargs["tiers"] = {
                k: tuple(v) if isinstance(v, list) else v for k, v in kwargs["tiers"].items()
            }
        return cls(**kwargs, source=source)

    def to_dict(self) -> dict[str, Any]:
        """Return the dictionary (TOML) form: plain Python values, ``None`` fields left out.

        Examples
        --------
        >>> Scenario(name="s", total_budget_eok=5).to_dict()["total_budget_eok"]
        5.0
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "source":
                continue
            value = getattr(self, f.name)
            if value is None or (f.name == "title" and not value):
                continue  # an empty title is left out: files without one read back the same
            if isinstance(value, dict):
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
            out[f.name] = value
        return out

    def to_toml(self) -> str:
        """Return the scenario as TOML text that :func:`load_scenario` reads back unchanged."""
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> Scenario:
        """Return a copy with dotted-key overrides applied and validated.

        Parameters
        ----------
        overrides : mapping
            ``{"total_budget_eok": 250, "weights.pop": 0.5, "floor_eok": 8,
            "floor_eok.종로구": 9}``; an unknown key raises :class:`ParameterError` naming the
            closest known key.

        Examples
        --------
        >>> s = Scenario(name="s", total_budget_eok=250)
        >>> s.with_overrides({"weights.base": 0.2, "weights.pop": 0.8}).weights["pop"]
        0.8
        """
        if not overrides:
            return self
        d = self.to_dict()
        known = [f.name for f in fields(self) if f.name != "source"]
        for key, value in overrides.items():
            head, _, rest = str(key).partition(".")
            if head not in known:
                raise ParameterError.of(
                    "scenario '{name}': cannot override unknown key '{key}'{hint}; known keys: "
                    "{known}",
                    name=self.name,
                    key=key,
                    hint=did_you_mean(head, known),
                    known=", ".join(known),
                )
            if not rest:
                d[head] = value
                continue
            current = d.get(head)
            if head in ("combination", "weights", "title"):
                table = dict(current or {})
            elif head in ("tiers", "grades"):
                table = dict(current or {})
            elif head in ("floor_eok", "cap_eok", "previous_eok"):
                if isinstance(current, Mapping):
                    table = dict(current)
                elif current is None:
                    table = {}
                else:
                    table = {"default": current}
            else:
                raise ParameterError.of(
                    "scenario '{name}': '{head}' is a single value; override it as '{head}', not "
                    "'{key}'",
                    name=self.name,
                    head=head,
                    key=key,
                )
            table[rest] = value
            d[head] = table
        return Scenario.from_dict(d, source=self.source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    The scenario's name defaults to the file's stem when the file has no ``name`` key. File
    keys (``districts_file``, ``previous_amounts_file``) are read relative to the file's folder
    and checked now; ``previous_amounts_file`` fills ``previous_eok``.

    Examples
    --------
    >>> from cgresearch.paths import scenarios_dir
    >>> load_scenario(scenarios_dir() / "equal_10.toml").total_budget_eok  # doctest: +SKIP
    250.0
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError.of(
            "scenario file {file} not found: give the path of a .toml file", file=p
        )
    text = read_scenario_text(p)
    try:
        d = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError.of(
            "scenario file {file}: not valid TOML: {reason}", file=p, reason=exc
        ) from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ParameterError(
            f"scenario file {p}: {unreadable_number(text, exc, MAX_AMOUNT_EOK)}"
        ) from exc
    d.setdefault("name", p.stem)
    try:
        d = resolve_file_keys(d, p.parent)
        return Scenario.from_dict(d, source=str(p))
    except ParameterError as exc:
        raise ParameterError.of(_IN_FILE, file=p, error=exc) from exc

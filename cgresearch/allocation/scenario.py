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
from cgresearch.allocation.scenario_files import check_file_fields, resolve_file_keys
from cgresearch.allocation.scenario_text import read_scenario_text, unreadable_number
from cgresearch.allocation.scenario_values import (
    MAX_AMOUNT_EOK,
    PerDistrict,
    checked_name,
    checked_number,
    checked_per_district,
    did_you_mean,
)
from cgresearch.errors import ParameterError, msg

__all__ = [
    "FORMULA_RULES",
    "INDICATORS",
    "MAX_AMOUNT_EOK",
    "OBJECTIVES",
    "Scenario",
    "load_scenario",
    "resolve_per_district",
]

#: Objectives of the envelope model.
OBJECTIVES: tuple[str, ...] = (
    "equal_adjustment",
    "proportional",
    "least_squares",
    "minmax_relative",
    "formula",
    "goal",
    "maxmin",
    "combined",
)
#: How the formula target is computed: weighted need shares, or the equalisation-grant shortfall.
FORMULA_RULES: tuple[str, ...] = ("weighted", "shortfall")
#: Need indicators a weight can name, and what each one measures (see ``envelopes``).
INDICATORS: dict[str, str] = {
    "base": "equal share for every gu",
    "pop": "registered population (pop_total_2017q1)",
    "elderly": "population aged 65+ (pop_65plus_2017q1)",
    "area": "area in km² (area_km2_2014)",
    "dong": "number of administrative dong (n_admin_dong_2022_03_09)",
    "fiscal_need": "shortfall proxy: population × (1 − fiscal independence / 100)",
    "elderly_rate": "rate: share of residents aged 65+ (65+ / population)",
    "fiscal_gap": "rate: fiscal gap 1 − fiscal independence / 100 (not scaled by population)",
    "density": "rate: residents per km² (population / area)",
}
_DEVIATIONS = ("absolute", "relative")
_COMBINATION_KEYS = ("goal", "maxmin")
_TOL = 1e-9


def _checked_title(name: str, value: Any) -> dict[str, str]:
    """The ``title`` table: language (ko, en) → non-empty text."""
    if value is None:
        return {}
    if isinstance(value, str):  # one title for every language
        value = {"ko": value, "en": value}
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"scenario '{name}': title must be a table by language, e.g. "
            'title = { ko = "수요 공식", en = "Need formula" }'
        )
    out: dict[str, str] = {}
    for key, text in value.items():
        if key not in ("ko", "en"):
            raise ParameterError(
                f"scenario '{name}': title.{key} is not a language of the report: use title.ko "
                "(Korean) and title.en (English)"
            )
        if not isinstance(text, str) or not text.strip():
            raise ParameterError(f"scenario '{name}': title.{key} must be non-empty text")
        out[str(key)] = text.strip()
    return out


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
        set_ = object.__setattr__
        name = checked_name(self.name)
        set_(self, "name", name)
        budget = checked_number(name, "total_budget_eok", self.total_budget_eok)
        if budget < 0:
            raise ParameterError.of(
                "scenario '{name}': total_budget_eok = {budget:g} is negative: give the total to "
                "split in 억원 (e.g. 250)",
                name=name,
                budget=budget,
            )
        set_(self, "total_budget_eok", budget)
        if self.objective not in OBJECTIVES:
            raise ParameterError.of(
                "scenario '{name}': objective = {value!r} is unknown: use one of {known}{hint}",
                name=name,
                value=self.objective,
                known=", ".join(OBJECTIVES),
                hint=did_you_mean(self.objective, OBJECTIVES),
            )
        if self.formula_rule not in FORMULA_RULES:
            raise ParameterError.of(
                "scenario '{name}': {key} = {value!r} is unknown: use one of {known}{hint}",
                name=name,
                key="formula_rule",
                value=self.formula_rule,
                known=", ".join(FORMULA_RULES),
                hint=did_you_mean(self.formula_rule, FORMULA_RULES),
            )
        if not isinstance(self.weights, Mapping) or not self.weights:
            raise ParameterError.of(
                "scenario '{name}': weights must be a table of indicator = weight, e.g. "
                "weights = {{base = 0.5, pop = 0.5}}",
                name=name,
            )
        weights = {}
        for k, v in self.weights.items():
            if k not in INDICATORS:
                raise ParameterError.of(
                    "scenario '{name}': weights.{key} names an unknown indicator{hint}: use "
                    "{known}",
                    name=name,
                    key=k,
                    hint=did_you_mean(k, tuple(INDICATORS)),
                    known=", ".join(INDICATORS),
                )
            w = checked_number(name, f"weights.{k}", v)
            if w < 0:
                raise ParameterError.of(
                    "scenario '{name}': {key} = {value:g} must be ≥ 0",
                    name=name,
                    key=f"weights.{k}",
                    value=w,
                )
            weights[k] = w
        declared = checked_number(name, "weights_sum", self.weights_sum)
        total = sum(weights.values())
        if declared <= 0 or abs(total - declared) > _TOL * max(1.0, declared):
            raise ParameterError.of(
                "scenario '{name}': weights sum to {total:.6g}, not the declared weights_sum = "
                "{declared:g}: change the weights or weights_sum so that they agree",
                name=name,
                total=total,
                declared=declared,
            )
        set_(self, "weights", weights)
        set_(self, "weights_sum", declared)
        base = checked_number(name, "base_eok", self.base_eok)
        if base < 0:
            raise ParameterError.of(
                "scenario '{name}': {key} = {value:g} must be ≥ 0",
                name=name,
                key="base_eok",
                value=base,
            )
        set_(self, "base_eok", base)
        gshare = checked_number(name, "general_share", self.general_share)
        if not 0 <= gshare <= 1:
            raise ParameterError.of(
                "scenario '{name}': general_share = {value:g} must lie in [0, 1] (Seoul: 0.9)",
                name=name,
                value=gshare,
            )
        set_(self, "general_share", gshare)
        for key in ("floor_eok", "cap_eok", "previous_eok"):
            set_(self, key, checked_per_district(name, key, getattr(self, key)))
        if isinstance(self.floor_eok, float) and isinstance(self.cap_eok, float):
            if self.floor_eok > self.cap_eok:
                raise ParameterError.of(
                    "scenario '{name}': floor_eok = {floor:g} is above cap_eok = {cap:g}: lower "
                    "the floor or raise the cap",
                    name=name,
                    floor=self.floor_eok,
                    cap=self.cap_eok,
                )
        if self.stability_delta is not None:
            delta = checked_number(name, "stability_delta", self.stability_delta)
            if delta < 0:
                raise ParameterError.of(
                    "scenario '{name}': stability_delta = {value:g} must be ≥ 0 (0.1 = ±10%)",
                    name=name,
                    value=delta,
                )
            if self.previous_eok is None:
                raise ParameterError.of(
                    "scenario '{name}': {key} needs previous_eok (last year's allocation, e.g. "
                    "previous_eok = 10)",
                    name=name,
                    key="stability_delta",
                )
            set_(self, "stability_delta", delta)
        if self.floor_per_capita_krw is not None:
            v = checked_number(name, "floor_per_capita_krw", self.floor_per_capita_krw)
            if v < 0:
                raise ParameterError.of(
                    "scenario '{name}': floor_per_capita_krw = {value:g} must be ≥ 0 (KRW per "
                    "person)",
                    name=name,
                    value=v,
                )
            set_(self, "floor_per_capita_krw", v)
        for key in ("max_cut_pct", "max_raise_pct", "max_change_eok"):
            value = getattr(self, key)
            if value is None:
                continue
            v = checked_number(name, key, value)
            if v < 0 or (key == "max_cut_pct" and v > 100):
                if key == "max_cut_pct":
                    raise ParameterError.of(
                        "scenario '{name}': {key} = {value:g} must be between 0 and 100 (%)",
                        name=name,
                        key=key,
                        value=v,
                    )
                raise ParameterError.of(
                    "scenario '{name}': {key} = {value:g} must be ≥ 0", name=name, key=key, value=v
                )
            if self.previous_eok is None:
                raise ParameterError.of(
                    "scenario '{name}': {key} needs previous_eok (last year's allocation, e.g. "
                    "previous_eok = 10)",
                    name=name,
                    key=key,
                )
            set_(self, key, v)
        if self.max_per_capita_ratio is not None:
            ratio = checked_number(name, "max_per_capita_ratio", self.max_per_capita_ratio)
            if ratio < 1:
                raise ParameterError.of(
                    "scenario '{name}': max_per_capita_ratio = {value:g} must be ≥ 1 (largest over "
                    "smallest per-capita amount)",
                    name=name,
                    value=ratio,
                )
            set_(self, "max_per_capita_ratio", ratio)
        tiers: dict[str, tuple[float, float]] = {}
        for grade, rng in dict(self.tiers or {}).items():
            if not isinstance(rng, list | tuple) or len(rng) != 2:
                raise ParameterError.of(
                    "scenario '{name}': tiers.{grade} = {value!r} must be [min, max] in 억원",
                    name=name,
                    grade=grade,
                    value=rng,
                )
            lo = checked_number(name, f"tiers.{grade}[0]", rng[0])
            hi = checked_number(name, f"tiers.{grade}[1]", rng[1])
            if lo < 0 or lo > hi:
                raise ParameterError.of(
                    "scenario '{name}': tiers.{grade} = [{lo:g}, {hi:g}] needs 0 ≤ min ≤ max",
                    name=name,
                    grade=grade,
                    lo=lo,
                    hi=hi,
                )
            tiers[str(grade)] = (lo, hi)
        set_(self, "tiers", tiers)
        grades = {str(k): str(v) for k, v in dict(self.grades or {}).items()}
        for gu, grade in grades.items():
            if grade not in tiers:
                raise ParameterError.of(
                    "scenario '{name}': grades.{gu} = {grade!r} is not a grade in tiers "
                    "({known}){hint}",
                    name=name,
                    gu=gu,
                    grade=grade,
                    known=", ".join(tiers) or msg("none defined"),
                    hint=did_you_mean(grade, tuple(tiers)),
                )
        if tiers and not grades:
            raise ParameterError.of(
                "scenario '{name}': tiers are set but no grades: add grades (district = grade, "
                "with default = grade for the rest)",
                name=name,
            )
        set_(self, "grades", grades)
        if self.deviation not in _DEVIATIONS:
            raise ParameterError.of(
                "scenario '{name}': deviation = {value!r} is unknown: use {known}{hint}",
                name=name,
                value=self.deviation,
                known=" or ".join(_DEVIATIONS),
                hint=did_you_mean(self.deviation, _DEVIATIONS),
            )
        comb = {}
        for k, v in dict(self.combination or {}).items():
            if k not in _COMBINATION_KEYS:
                raise ParameterError.of(
                    "scenario '{name}': combination.{key} is unknown{hint}: use {known}",
                    name=name,
                    key=k,
                    hint=did_you_mean(k, _COMBINATION_KEYS),
                    known=", ".join(_COMBINATION_KEYS),
                )
            c = checked_number(name, f"combination.{k}", v)
            if c < 0:
                raise ParameterError.of(
                    "scenario '{name}': {key} = {value:g} must be ≥ 0",
                    name=name,
                    key=f"combination.{k}",
                    value=c,
                )
            comb[k] = c
        if self.objective == "combined" and sum(comb.values()) <= 0:
            raise ParameterError.of(
                "scenario '{name}': the combined objective needs combination weights with a "
                "positive sum, e.g. combination = {{goal = 0.5, maxmin = 0.5}}",
                name=name,
            )
        set_(self, "combination", comb)
        if self.rounding_unit_eok is not None:
            unit = checked_number(name, "rounding_unit_eok", self.rounding_unit_eok)
            if unit <= 0:
                raise ParameterError.of(
                    "scenario '{name}': rounding_unit_eok = {unit:g} must be > 0 (억원, e.g. 0.01 "
                    "for 100만원)",
                    name=name,
                    unit=unit,
                )
            if unit > budget:
                raise ParameterError.of(
                    "scenario '{name}': rounding_unit_eok = {unit:g}억원 is larger than the total "
                    "of {budget:g}억원: use a smaller unit (e.g. 0.01 for 100만원)",
                    name=name,
                    unit=unit,
                    budget=budget,
                )
            units = budget / unit
            if abs(units - round(units)) > 1e-6 * max(1.0, units):
                raise ParameterError.of(
                    "scenario '{name}': rounding_unit_eok = {unit:g}: the total of {budget:g}억원 "
                    "is not a whole number of units: choose a unit that divides it",
                    name=name,
                    unit=unit,
                    budget=budget,
                )
            set_(self, "rounding_unit_eok", unit)
        if self.time_limit_s is not None:
            t = checked_number(name, "time_limit_s", self.time_limit_s)
            if t <= 0:
                raise ParameterError.of(
                    "scenario '{name}': {key} = {value:g} must be > 0",
                    name=name,
                    key="time_limit_s",
                    value=t,
                )
            set_(self, "time_limit_s", t)
        from cgresearch.allocation.solver import SOLVER_NAMES

        if str(self.solver).lower() not in SOLVER_NAMES:
            raise ParameterError.of(
                "scenario '{name}': {key} = {value!r} is unknown: use one of {known}{hint}",
                name=name,
                key="solver",
                value=self.solver,
                known=", ".join(SOLVER_NAMES),
                hint=did_you_mean(str(self.solver), tuple(SOLVER_NAMES)),
            )
        set_(self, "solver", str(self.solver).lower())
        set_(self, "description", str(self.description or ""))
        check_file_fields(self)
        set_(self, "title", _checked_title(name, self.title))

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

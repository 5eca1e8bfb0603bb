"""A scenario's vocabularies and the rules its fields obey, alone and together.

:data:`OBJECTIVES`, :data:`FORMULA_RULES` and :data:`INDICATORS` are the words a scenario may
use; :func:`validate_scenario` checks every field of a
:class:`~cgresearch.allocation.scenario.Scenario` (ranges, known names, floors below caps,
stability with previous amounts, tiers with grades, the combination's weights...) and stores the
normalised values. Single values are checked by :mod:`cgresearch.allocation.scenario_values`.

Examples
--------
>>> "goal" in OBJECTIVES, "pop" in INDICATORS
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cgresearch.allocation.scenario_files import check_file_fields
from cgresearch.allocation.scenario_values import (
    checked_name,
    checked_number,
    checked_per_district,
    did_you_mean,
)
from cgresearch.errors import ParameterError, msg

if TYPE_CHECKING:
    from cgresearch.allocation.scenario import Scenario

__all__ = ["FORMULA_RULES", "INDICATORS", "OBJECTIVES", "validate_scenario"]

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


def validate_scenario(s: Scenario) -> None:
    """Check a scenario's fields, alone and together, and store their normalised values.

    Called by ``Scenario.__post_init__``; raises :class:`~cgresearch.errors.ParameterError`
    naming the field, its value and what to give instead.
    """
    set_ = object.__setattr__
    name = checked_name(s.name)
    set_(s, "name", name)
    budget = checked_number(name, "total_budget_eok", s.total_budget_eok)
    if budget < 0:
        raise ParameterError.of(
            "scenario '{name}': total_budget_eok = {budget:g} is negative: give the total to "
            "split in 억원 (e.g. 250)",
            name=name,
            budget=budget,
        )
    set_(s, "total_budget_eok", budget)
    if s.objective not in OBJECTIVES:
        raise ParameterError.of(
            "scenario '{name}': objective = {value!r} is unknown: use one of {known}{hint}",
            name=name,
            value=s.objective,
            known=", ".join(OBJECTIVES),
            hint=did_you_mean(s.objective, OBJECTIVES),
        )
    if s.formula_rule not in FORMULA_RULES:
        raise ParameterError.of(
            "scenario '{name}': {key} = {value!r} is unknown: use one of {known}{hint}",
            name=name,
            key="formula_rule",
            value=s.formula_rule,
            known=", ".join(FORMULA_RULES),
            hint=did_you_mean(s.formula_rule, FORMULA_RULES),
        )
    if not isinstance(s.weights, Mapping) or not s.weights:
        raise ParameterError.of(
            "scenario '{name}': weights must be a table of indicator = weight, e.g. "
            "weights = {{base = 0.5, pop = 0.5}}",
            name=name,
        )
    weights = {}
    for k, v in s.weights.items():
        if k not in INDICATORS:
            raise ParameterError.of(
                "scenario '{name}': weights.{key} names an unknown indicator{hint}: use {known}",
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
    declared = checked_number(name, "weights_sum", s.weights_sum)
    total = sum(weights.values())
    if declared <= 0 or abs(total - declared) > _TOL * max(1.0, declared):
        raise ParameterError.of(
            "scenario '{name}': weights sum to {total:.6g}, not the declared weights_sum = "
            "{declared:g}: change the weights or weights_sum so that they agree",
            name=name,
            total=total,
            declared=declared,
        )
    set_(s, "weights", weights)
    set_(s, "weights_sum", declared)
    base = checked_number(name, "base_eok", s.base_eok)
    if base < 0:
        raise ParameterError.of(
            "scenario '{name}': {key} = {value:g} must be ≥ 0",
            name=name,
            key="base_eok",
            value=base,
        )
    set_(s, "base_eok", base)
    gshare = checked_number(name, "general_share", s.general_share)
    if not 0 <= gshare <= 1:
        raise ParameterError.of(
            "scenario '{name}': general_share = {value:g} must lie in [0, 1] (Seoul: 0.9)",
            name=name,
            value=gshare,
        )
    set_(s, "general_share", gshare)
    for key in ("floor_eok", "cap_eok", "previous_eok"):
        set_(s, key, checked_per_district(name, key, getattr(s, key)))
    if isinstance(s.floor_eok, float) and isinstance(s.cap_eok, float):
        if s.floor_eok > s.cap_eok:
            raise ParameterError.of(
                "scenario '{name}': floor_eok = {floor:g} is above cap_eok = {cap:g}: lower "
                "the floor or raise the cap",
                name=name,
                floor=s.floor_eok,
                cap=s.cap_eok,
            )
    if s.stability_delta is not None:
        delta = checked_number(name, "stability_delta", s.stability_delta)
        if delta < 0:
            raise ParameterError.of(
                "scenario '{name}': stability_delta = {value:g} must be ≥ 0 (0.1 = ±10%)",
                name=name,
                value=delta,
            )
        if s.previous_eok is None:
            raise ParameterError.of(
                "scenario '{name}': {key} needs previous_eok (last year's allocation, e.g. "
                "previous_eok = 10)",
                name=name,
                key="stability_delta",
            )
        set_(s, "stability_delta", delta)
    if s.floor_per_capita_krw is not None:
        v = checked_number(name, "floor_per_capita_krw", s.floor_per_capita_krw)
        if v < 0:
            raise ParameterError.of(
                "scenario '{name}': floor_per_capita_krw = {value:g} must be ≥ 0 (KRW per person)",
                name=name,
                value=v,
            )
        set_(s, "floor_per_capita_krw", v)
    for key in ("max_cut_pct", "max_raise_pct", "max_change_eok"):
        value = getattr(s, key)
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
        if s.previous_eok is None:
            raise ParameterError.of(
                "scenario '{name}': {key} needs previous_eok (last year's allocation, e.g. "
                "previous_eok = 10)",
                name=name,
                key=key,
            )
        set_(s, key, v)
    if s.max_per_capita_ratio is not None:
        ratio = checked_number(name, "max_per_capita_ratio", s.max_per_capita_ratio)
        if ratio < 1:
            raise ParameterError.of(
                "scenario '{name}': max_per_capita_ratio = {value:g} must be ≥ 1 (largest over "
                "smallest per-capita amount)",
                name=name,
                value=ratio,
            )
        set_(s, "max_per_capita_ratio", ratio)
    tiers: dict[str, tuple[float, float]] = {}
    for grade, rng in dict(s.tiers or {}).items():
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
    set_(s, "tiers", tiers)
    grades = {str(k): str(v) for k, v in dict(s.grades or {}).items()}
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
    set_(s, "grades", grades)
    if s.deviation not in _DEVIATIONS:
        raise ParameterError.of(
            "scenario '{name}': deviation = {value!r} is unknown: use {known}{hint}",
            name=name,
            value=s.deviation,
            known=" or ".join(_DEVIATIONS),
            hint=did_you_mean(s.deviation, _DEVIATIONS),
        )
    comb = {}
    for k, v in dict(s.combination or {}).items():
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
    if s.objective == "combined" and sum(comb.values()) <= 0:
        raise ParameterError.of(
            "scenario '{name}': the combined objective needs combination weights with a "
            "positive sum, e.g. combination = {{goal = 0.5, maxmin = 0.5}}",
            name=name,
        )
    set_(s, "combination", comb)
    if s.rounding_unit_eok is not None:
        unit = checked_number(name, "rounding_unit_eok", s.rounding_unit_eok)
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
        set_(s, "rounding_unit_eok", unit)
    if s.time_limit_s is not None:
        t = checked_number(name, "time_limit_s", s.time_limit_s)
        if t <= 0:
            raise ParameterError.of(
                "scenario '{name}': {key} = {value:g} must be > 0",
                name=name,
                key="time_limit_s",
                value=t,
            )
        set_(s, "time_limit_s", t)
    from cgresearch.allocation.solver import SOLVER_NAMES

    if str(s.solver).lower() not in SOLVER_NAMES:
        raise ParameterError.of(
            "scenario '{name}': {key} = {value!r} is unknown: use one of {known}{hint}",
            name=name,
            key="solver",
            value=s.solver,
            known=", ".join(SOLVER_NAMES),
            hint=did_you_mean(str(s.solver), tuple(SOLVER_NAMES)),
        )
    set_(s, "solver", str(s.solver).lower())
    set_(s, "description", str(s.description or ""))
    check_file_fields(s)
    set_(s, "title", _checked_title(name, s.title))

"""The dashboard's control widgets (Panel), one per URL key of :mod:`cgresearch.dashboard.state`.

:func:`make_controls` builds the sidebar's widgets from control values (as
:func:`~cgresearch.dashboard.state.values_from_scenario` gives them), labelled in the page's
language; :func:`make_tier_sliders` the grade ranges of a base scenario with performance tiers.
Each slider's range reaches past the value it opens with, so any valid link can be shown.
"""

from __future__ import annotations

import math
from typing import Any

import panel as pn

from cgresearch.allocation import INDICATORS, OBJECTIVES, Scenario
from cgresearch.dashboard import state
from cgresearch.dashboard.labels import objective_labels, rounding_unit_labels, weight_labels
from cgresearch.i18n import Lang, tr

__all__ = ["make_controls", "make_tier_sliders", "tier_note"]


def _end(value: float, at_least: float, step: float) -> float:
    """A slider's upper end: ``at_least``, or twice ``value`` rounded up to a whole step."""
    return float(max(at_least, math.ceil(value * 2 / step) * step))


def make_controls(
    values: dict[str, Any], units: tuple[float, ...], lang: Lang = "ko"
) -> dict[str, pn.widgets.Widget]:
    """The controls, URL key -> widget, showing ``values``.

    Parameters
    ----------
    values : dict
        Control values (every key of :func:`~cgresearch.dashboard.state.values_from_scenario`).
    units : tuple of float
        The rounding units offered (억원), e.g. ``(0.01, 0.1, 1.0)``; ``values["unit"]`` must be
        0 or one of them (:func:`~cgresearch.dashboard.link.read_link` sees to it).
    lang : {"ko", "en"}
    """
    budget = float(values["budget"])
    controls: dict[str, pn.widgets.Widget] = {
        "budget": pn.widgets.FloatSlider(
            label=tr("Total budget (100 million KRW)", lang),
            start=0.0,
            end=float(max(500.0, math.ceil(2 * budget / 50) * 50)),
            step=1.0,
            value=budget,
            format="0,0",
            css_classes=["cg-budget"],
        ),
        "objective": pn.widgets.Select(
            label=tr("Objective", lang),
            options={objective_labels(lang).get(o, o): o for o in OBJECTIVES},
            value=values["objective"],
        ),
    }
    names = weight_labels(lang)
    for indicator, meaning in INDICATORS.items():
        key = state.weight_key(indicator)
        controls[key] = pn.widgets.FloatSlider(
            label=names.get(indicator, meaning),
            start=0.0,
            end=1.0,
            step=0.05,
            value=float(values[key]),
        )
    for key, label in (
        ("floor", tr("Floor per gu (억원; 0 = none)", lang)),
        ("cap", tr("Cap per gu (억원; 0 = none)", lang)),
        ("previous", tr("Last year's amount per gu (억원; 0 = none)", lang)),
    ):
        controls[key] = pn.widgets.FloatSlider(
            label=label, start=0.0, end=_end(values[key], 40.0, 10.0), step=0.5, value=values[key]
        )
    controls["delta"] = pn.widgets.FloatSlider(
        label=tr("Stability δ: at most ±δ × last year (0 = no limit)", lang),
        start=0.0,
        end=1.0,
        step=0.05,
        value=float(values["delta"]),
    )
    for key, label, end, step, fmt in (
        ("cut", tr("Largest cut from last year (%; 0 = no limit)", lang), 100.0, 1.0, "0,0"),
        ("raise", tr("Largest raise from last year (%; 0 = no limit)", lang), 100.0, 1.0, "0,0"),
        (
            "change",
            tr("Largest change from last year (억원, up or down; 0 = no limit)", lang),
            10.0,
            0.1,
            "0,0.0",
        ),
        (
            "pcfloor",
            tr("Per-capita floor (KRW per person; 0 = none)", lang),
            100_000.0,
            1_000.0,
            "0,0",
        ),
    ):
        controls[key] = pn.widgets.FloatSlider(
            label=label,
            start=0.0,
            end=_end(values[key], end, step),
            step=step,
            value=float(values[key]),
            format=fmt,
            css_classes=[f"cg-{key}"],
        )
    offered = tuple(u for u in units if u > 0)
    unit = float(values["unit"])
    if unit > 0 and unit not in offered:  # read_link offers only these; keep any other visible
        offered = tuple(sorted({*offered, unit}))
    controls["unit"] = pn.widgets.Select(
        label=tr("Round amounts to whole units of", lang),
        options=rounding_unit_labels(offered, lang),
        value=unit,
        css_classes=["cg-unit"],
    )
    controls["tiers"] = pn.widgets.Checkbox(
        label=tr("Performance tiers (grade ranges below)", lang), value=bool(values["tiers"])
    )
    return controls


def make_tier_sliders(
    base: Scenario, values: dict[str, Any], lang: Lang = "ko"
) -> dict[str, pn.widgets.RangeSlider]:
    """One range slider per performance grade of ``base``, URL key (``tier.<grade>``) -> widget."""
    out = {}
    for grade in base.tiers:
        key = state.tier_key(grade)
        lo, hi = values[key]
        out[key] = pn.widgets.RangeSlider(
            label=tr("Grade {grade}: range per gu (억원)", lang, grade=grade),
            start=0.0,
            end=float(max(20.0, math.ceil(hi * 2))),
            step=0.1,
            value=(float(lo), float(hi)),
        )
    return out


def tier_note(base: Scenario, lang: Lang = "ko") -> str:
    """The sentence under the tier sliders: the base's grades, or how to get some."""
    if not base.tiers:
        return tr(
            "This base scenario has no performance grades; load one with [tiers] and [grades] "
            "(e.g. tiers_9_11) to set their ranges.",
            lang,
        )
    other = tr("other gu", lang)
    grades = ", ".join(f"{other if gu == 'default' else gu} {g}" for gu, g in base.grades.items())
    return tr("Grades of this base scenario: {grades}.", lang, grades=grades)

"""The dashboard's words: control and selector labels, table headers, units, in Korean or English.

Every label the page shows is a ``tr`` message (Korean first; ``lang="en"`` for the English
page), so the Korean page shows no English. Pure: no Panel, no Bokeh widgets.

Examples
--------
>>> table_titles("ko")["amount_eok"]
'배분액(억원)'
>>> map_unit("per_capita_krw", "en")
'KRW'
>>> binding_text("floor;stability_low", "en")
'floor; stability limit (lower)'
"""

from __future__ import annotations

from typing import Any

from cgresearch.i18n import Lang, tr

__all__ = [
    "DIVERGING",
    "TABLE_COLUMNS",
    "binding_text",
    "map_columns",
    "map_unit",
    "objective_labels",
    "rounding_unit_labels",
    "table_formatters",
    "table_titles",
    "weight_labels",
]


def objective_labels(lang: Lang = "ko") -> dict[str, str]:
    """The objective selector's names, objective -> label, in ``lang``."""
    return {
        "equal_adjustment": tr("Formula + equal adjustment (default)", lang),
        "proportional": tr("Formula × common factor", lang),
        "least_squares": tr("Least squares to the formula", lang),
        "minmax_relative": tr("Smallest relative band, then least squares", lang),
        "formula": tr("Formula as it is", lang),
        "goal": tr("Goal programming (L1, not unique)", lang),
        "maxmin": tr("Max-min fairness", lang),
        "combined": tr("Goal + max-min", lang),
    }


def weight_labels(lang: Lang = "ko") -> dict[str, str]:
    """The need-weight sliders' names, indicator -> label, in ``lang``."""
    return {
        "base": tr("Weight: equal share for every gu", lang),
        "pop": tr("Weight: population", lang),
        "elderly": tr("Weight: population aged 65+", lang),
        "area": tr("Weight: area (km²)", lang),
        "dong": tr("Weight: number of administrative dong", lang),
        "fiscal_need": tr("Weight: fiscal need (population × (1 − fiscal independence))", lang),
        "elderly_rate": tr("Weight: share of residents aged 65+ (rate)", lang),
        "fiscal_gap": tr("Weight: fiscal gap (1 − fiscal independence; rate)", lang),
        "density": tr("Weight: residents per km² (rate)", lang),
    }


def rounding_unit_labels(units: tuple[float, ...], lang: Lang = "ko") -> dict[str, float]:
    """The rounding selector's options, label -> unit (억원; 0 = no rounding), in ``lang``.

    Examples
    --------
    >>> list(rounding_unit_labels((0.01, 1.0), "en"))
    ['No rounding', '0.01억원 (1 million KRW)', '1억원']
    """
    known = {
        0.01: tr("0.01억원 (1 million KRW)", lang),
        0.1: tr("0.1억원 (10 million KRW)", lang),
        1.0: "1억원",
    }
    out = {tr("No rounding", lang): 0.0}
    for unit in units:
        out[known.get(unit, f"{unit:g}억원")] = unit
    return out


def map_columns(lang: Lang = "ko") -> dict[str, str]:
    """The map layers, label -> column, in ``lang``."""
    return {
        tr("Allocation (억원)", lang): "amount_eok",
        tr("Per capita (KRW)", lang): "per_capita_krw",
        tr("Change vs last year (억원)", lang): "change_eok",
        tr("Change vs base scenario (억원)", lang): "vs_base_eok",
    }


#: Map columns coloured on a diverging palette centred on 0.
DIVERGING = ("change_eok", "vs_base_eok")


def map_unit(column: str, lang: Lang = "ko") -> str:
    """The colour bar's unit of a map column: 억원, or KRW (원) per person."""
    return tr("KRW", lang) if column == "per_capita_krw" else "억원"


def table_titles(lang: Lang = "ko") -> dict[str, str]:
    """The table's column headers (with units), column -> header, in ``lang``."""
    return {
        "name_ko": tr("Gu (Korean)", lang),
        "name_en": tr("District", lang),
        "amount_eok": tr("Allocation (억원)", lang),
        "per_capita_krw": tr("Per capita (KRW)", lang),
        "previous_eok": tr("Last year (억원)", lang),
        "change_eok": tr("Change vs last year (억원)", lang),
        "change_pct": tr("Change (%)", lang),
        "target_eok": tr("Formula target (억원)", lang),
        "vs_base_eok": tr("Change vs base scenario (억원)", lang),
        "binding": tr("Limits that bind", lang),
        "explanation": tr("Why this amount", lang),
    }


#: The table's columns, in the order shown.
TABLE_COLUMNS = tuple(table_titles("en"))


def _binding_names(lang: Lang) -> dict[str, str]:
    return {
        "floor": tr("floor", lang),
        "cap": tr("cap", lang),
        "stability_low": tr("stability limit (lower)", lang),
        "stability_high": tr("stability limit (upper)", lang),
        "tier_min": tr("grade range (lower)", lang),
        "tier_max": tr("grade range (upper)", lang),
        "equity_min": tr("per-capita ratio (lowest)", lang),
        "equity_max": tr("per-capita ratio (highest)", lang),
    }


def binding_text(labels: str, lang: Lang = "ko") -> str:
    """The library's ``;``-joined binding labels (``floor;stability_low``) in planner words."""
    names = _binding_names(lang)
    return "; ".join(names.get(label, label) for label in str(labels).split(";") if label)


def table_formatters() -> dict[str, Any]:
    """Tabulator number formats: amounts to 2 decimals, changes signed, KRW whole."""
    from bokeh.models.widgets.tables import NumberFormatter

    two = NumberFormatter(format="0,0.00", text_align="right")
    return {
        "amount_eok": two,
        "per_capita_krw": NumberFormatter(format="0,0", text_align="right"),
        "previous_eok": two,
        "change_eok": NumberFormatter(format="+0,0.00", text_align="right"),
        "change_pct": NumberFormatter(format="+0,0.0", text_align="right"),
        "target_eok": two,
        "vs_base_eok": NumberFormatter(format="+0,0.00", text_align="right"),
    }

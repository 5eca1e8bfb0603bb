"""Column headers of the report's tables, in the edition's language and with their units.

The chapters compute tables with code-friendly column names (``budget_eok``, ``p_value``); the
files a reader opens show :func:`headers` instead: names with units (억원, %, 점, 건, 명) from the
message catalogue, vocabulary codes by their names. Amount columns are in 억원 across the report
(convert million KRW with :func:`cgresearch.formatting.mkrw_to_eok` before saving).

Examples
--------
>>> headers(["budget_eok", "share_projects"], "ko")
{'budget_eok': '예산(억원)', 'share_projects': '사업 비율(%)'}
>>> headers(["T1"], "en")
{'T1': 'Sharing understanding of desirable CG and stimulating mutual trust (projects)'}
"""

from __future__ import annotations

from collections.abc import Iterable

from cgresearch.errors import ParameterError
from cgresearch.formatting import term_name
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS

__all__ = ["headers"]


def _known(lang: Lang) -> dict[str, str]:
    return {
        # chapter 01: the inventory
        "funding_source": tr("Funding source", lang),
        "gu_name": tr("District (gu)", lang),
        "gu": tr("District (gu)", lang),
        "n_projects": tr("Projects (count)", lang),
        "budget_eok": tr("Budget (100 million KRW)", lang),
        "share_projects": tr("Share of projects (%)", lang),
        "share_budget": tr("Share of budget (%)", lang),
        "total_eok": tr("Total (100 million KRW)", lang),
        "duplicate_group": tr("Duplicate group", lang),
        "n_departments": tr("Departments (count)", lang),
        "example": tr("Example project", lang),
        # chapters 02 and 03: survey estimates
        "variable": tr("Variable", lang),
        "label": tr("Question or scale", lang),
        "kind": tr("Kind", lang),
        "group": tr("Respondent group", lang),
        "group_a": tr("Group A", lang),
        "group_b": tr("Group B", lang),
        "n": tr("Respondents (persons)", lang),
        "n_obs": tr("Respondents (persons)", lang),
        "mean": tr("Weighted mean (points)", lang),
        "mean_a": tr("Mean of group A (points)", lang),
        "mean_b": tr("Mean of group B (points)", lang),
        "se": tr("Standard error (points)", lang),
        "sd": tr("Standard deviation (points)", lang),
        "ci_lower": tr("CI lower bound (points)", lang),
        "ci_upper": tr("CI upper bound (points)", lang),
        "gap": tr("Gap (points)", lang),
        "df": tr("Degrees of freedom", lang),
        "ndf": tr("Numerator degrees of freedom", lang),
        "ddf": tr("Denominator degrees of freedom", lang),
        "t": tr("t statistic", lang),
        "F": tr("F statistic", lang),
        "pearson_x2": tr("Pearson chi-squared", lang),
        "generalised": tr("Generalised inverse used (sparse table)", lang),
        "p_value": tr("p-value", lang),
        "p_holm": tr("p-value (Holm)", lang),
        "p_bh": tr("p-value (Benjamini–Hochberg)", lang),
        "cohen_d": tr("Cohen's d", lang),
        "cliff_delta": tr("Cliff's delta", lang),
        "scale": tr("Scale", lang),
        "n_items": tr("Items (count)", lang),
        "alpha": tr("Cronbach's alpha", lang),
        "std_alpha": tr("Standardised alpha", lang),
        "item": tr("Policy task", lang),
        "importance": tr("Importance (points)", lang),
        "performance": tr("Performance (points)", lang),
        "ipa_quadrant": tr("IPA quadrant", lang),
        "borich": tr("Borich needs score", lang),
        "borich_rank": tr("Borich rank", lang),
        "in_borich_top": tr("In the Borich top", lang),
        "lff_quadrant": tr("Locus for Focus quadrant", lang),
        "in_lff_first": tr("In the first Locus for Focus quadrant", lang),
        "priority": tr("Priority", lang),
    }


def headers(columns: Iterable[object], lang: Lang = DEFAULT_LANG) -> dict[str, str]:
    """Return display headers for ``columns``: names with units, codes by their names.

    A funding-source code gets ``(100 million KRW)`` (its column holds amounts); a policy-task
    code ``(projects)`` (counts).

    Raises
    ------
    ParameterError
        For a column this registry does not name: add it to ``_known`` (with its unit) and its
        Korean translation to the catalogue.
    """
    lang = check_lang(lang)
    known = _known(lang)
    out: dict[str, str] = {}
    for col in columns:
        name = str(col)
        if name in known:
            out[name] = known[name]
        elif name in FUNDING_SOURCES:
            out[name] = tr("{name} (100 million KRW)", lang, name=term_name(name, lang))
        elif name in POLICY_TASKS:
            out[name] = tr("{name} (projects)", lang, name=term_name(name, lang))
        else:
            raise ParameterError(
                f"table column {name!r} has no display header: add it to "
                "cgresearch/report/columns.py with its unit, and its Korean translation"
            )
    return out

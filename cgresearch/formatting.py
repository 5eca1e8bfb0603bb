"""Numbers and names as a Korean (or English) report prints them.

Amounts are in 억원 (100 million KRW) across the report, with thousands separators; the 1–5 Likert
scale is named "5점 척도"; p-values below 0.001 read "< 0.001"; dates are written the Korean way
(``2026년 11월 30일``); policy tasks, strategies, pending issues, respondent groups and funding
sources are named from :mod:`cgresearch.vocabulary`, never by their codes (``T1``) or raw column
names (``cg_perception``). Figures, tables and the HTML report all use these helpers, so the
editions agree; the words come from the message catalogue (:func:`cgresearch.i18n.tr`).

Examples
--------
>>> format_eok(7661.5)
'7,661.50억원'
>>> format_eok(7661.5, "en")
'7,661.50 (100 million KRW)'
>>> format_p(0.0002)
'< 0.001'
>>> scale_name(1, 5)
'5점 척도'
>>> term_name("T1", "ko")
'협치 인식 공유와 상호 신뢰'
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from cgresearch.errors import ParameterError, closest_match
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.vocabulary import (
    FUNDING_SOURCES,
    PENDING_ISSUES,
    POLICY_TASKS,
    RESPONDENT_GROUPS,
    STRATEGIES,
    Term,
)

__all__ = [
    "RAW_IDENTIFIER",
    "format_date",
    "format_eok",
    "format_number",
    "format_p",
    "format_percent",
    "mkrw_to_eok",
    "raw_identifiers",
    "scale_name",
    "term_name",
]

#: Every coded term of the vocabulary, by code (codes are unique across the vocabularies).
_TERMS: dict[str, Term] = {
    **POLICY_TASKS,
    **STRATEGIES,
    **PENDING_ISSUES,
    **RESPONDENT_GROUPS,
    **FUNDING_SOURCES,
}

#: What a reader must never see: snake_case tokens (``cg_perception``) and vocabulary codes
#: (``T1``–``T5``, ``S1``–``S7``, ``P1``–``P5``). A file name with its extension
#: (``governance_budget_facts.csv``, a source a caption names) is not one.
RAW_IDENTIFIER = re.compile(
    r"\b(?:[A-Za-z]+[0-9]*_[A-Za-z0-9_]+|[TSP][1-9])\b(?!\.[A-Za-z][A-Za-z0-9]{0,4}\b)"
)


def raw_identifiers(text: str) -> list[str]:
    """Return the raw identifiers (snake_case tokens, vocabulary codes) found in ``text``.

    >>> raw_identifiers("cg_perception by group, T1 first")
    ['cg_perception', 'T1']
    >>> raw_identifiers("협치 인식 (5점 척도)")
    []
    >>> raw_identifiers("Data: real public data (governance_budget_facts.csv)")
    []
    """
    return RAW_IDENTIFIER.findall(text)


def mkrw_to_eok(value: float) -> float:
    """Convert million KRW to 억원 (1 억원 = 100 million KRW).

    >>> mkrw_to_eok(7_661_500)
    76615.0
    """
    return value / 100


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number with thousands separators and ``decimals`` places.

    >>> format_number(1126)
    '1,126'
    >>> format_number(-1234.567, 2)
    '-1,234.57'
    """
    return f"{value:,.{decimals}f}"


def format_eok(value: float, lang: Lang = DEFAULT_LANG, decimals: int = 2) -> str:
    """Format an amount already in 억원: ``'7,661.50억원'`` (Korean) or with the English unit.

    Parameters
    ----------
    value
        The amount in 억원 (convert million KRW with :func:`mkrw_to_eok`).
    lang
        ``"ko"`` or ``"en"``.
    decimals
        Decimal places (the report's key figures use 2).
    """
    return tr("{amount} (100 million KRW)", lang, amount=format_number(value, decimals))


def format_percent(share: float, decimals: int = 1) -> str:
    """Format a share (0–1) as a percentage.

    >>> format_percent(920 / 1126)
    '81.7%'
    """
    return f"{share * 100:,.{decimals}f}%"


def format_p(p: float) -> str:
    """Format a p-value: three decimals, ``'< 0.001'`` below 0.001.

    >>> format_p(0.04567)
    '0.046'
    >>> format_p(1e-9)
    '< 0.001'
    """
    if not math.isfinite(p) or p < 0 or p > 1:
        raise ParameterError(f"a p-value lies between 0 and 1, got {p!r}")
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def scale_name(low: float, high: float, lang: Lang = DEFAULT_LANG) -> str:
    """Name a Likert scale as Korean reports do: ``'5점 척도'`` for 1–5 (``'5-point scale'``).

    >>> scale_name(1, 5, "en")
    '5-point scale'
    """
    return tr("{points}-point scale", lang, points=f"{high - low + 1:g}")


def format_date(day: _dt.date, lang: Lang = DEFAULT_LANG) -> str:
    """Write a date the way the edition's readers do (Babel's long date format).

    >>> import datetime
    >>> format_date(datetime.date(2026, 11, 30))
    '2026년 11월 30일'
    >>> format_date(datetime.date(2026, 11, 30), "en")
    'November 30, 2026'
    """
    from babel.dates import format_date as _babel_date

    return _babel_date(day, "long", locale=check_lang(lang))


def term_name(code: str, lang: Lang = DEFAULT_LANG) -> str:
    """Return the name of a vocabulary code (policy task, strategy, issue, group, funding source).

    Raises
    ------
    ParameterError
        For a code the vocabulary does not hold, with the closest one.

    >>> term_name("smg_grant", "en")
    'SMG grant'
    """
    term = _TERMS.get(code)
    if term is None:
        hint = closest_match(code, _TERMS)
        raise ParameterError(
            f"{code!r} is not a code of cgresearch.vocabulary"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    return term.ko if check_lang(lang) == "ko" else term.en

"""The dashboard's text panels as HTML: status line, equity, gains and losses, shadow prices.

Pure functions of a result (and the base scenario's result) and the page's language; every word
through ``tr``, amounts in 억원. Elements that tests and tools read: ``#cg-status``
(``data-status``, ``data-total``), ``#cg-problem`` and ``#cg-link-notice``.

Examples
--------
>>> notice_html(("w_pop=-1 is negative",), "en")[:40]
"<div id='cg-link-notice'><b>This link co"
"""

from __future__ import annotations

import html
import math
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from cgresearch.dashboard.labels import objective_labels
from cgresearch.i18n import Lang, tr

__all__ = [
    "gains_html",
    "language_toggle",
    "metrics_html",
    "notice_html",
    "problem_html",
    "shadow_html",
    "shadow_sentences",
    "status_html",
]

_SHOWN = 8  # shadow prices listed before "… and N more"


def notice_html(notices: tuple[str, ...], lang: Lang = "ko") -> str:
    """The notice a link that cannot be honoured as it is shows above the results."""
    if not notices:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    head = tr("This link could not be opened exactly as shared.", lang)
    rest = tr("The nearest valid scenario is shown; changed or ignored:", lang)
    return f"<div id='cg-link-notice'><b>{head}</b> {rest}<ul>{items}</ul></div>"


def status_html(result: Any, lang: Lang = "ko") -> str:
    """The status line of a solved scenario: name, objective, total and the objective's value."""
    s = result.scenario
    total = float(result.metrics["total_eok"])
    line = tr(
        "Scenario {name} ({objective}): {total} across {n} gu.",
        lang,
        name=f"<b>{html.escape(s.name)}</b>",
        objective=html.escape(objective_labels(lang).get(s.objective, s.objective)),
        total=f'<b><span id="cg-total">{total:,.2f}</span>억원</b>',
        n=len(result.table),
    )
    rounded = ""
    if s.rounding_unit_eok is not None:
        rounded = " " + tr(
            "Rounded to whole units of {unit}억원 (Webster), the total kept.",
            lang,
            unit=f"{s.rounding_unit_eok:g}",
        )
    value = tr("Objective value: {value}.", lang, value=f"{result.objective_value:,.4g}")
    return (
        f'<div id="cg-status" data-status="{result.status}" data-total="{total:.6f}" '
        f'style="font-size:1.05em">{line} {html.escape(value)}{html.escape(rounded)}</div>'
    )


def problem_html(status: str, message: str, lang: Lang = "ko") -> str:
    """The status line when there is no allocation, with the plain-language reason."""
    nothing = tr("No allocation for this scenario.", lang)
    return (
        f'<div id="cg-status" data-status="{html.escape(status)}" data-total="" '
        'style="border-left:4px solid #d55e00;padding:0.4em 0.8em;background:#fff4ec">'
        f"<b>{nothing}</b> "
        f'<span id="cg-problem">{html.escape(message)}</span></div>'
    )


def metrics_html(result: Any, baseline: Any, lang: Lang = "ko") -> str:
    """The equity figures of this scenario beside the base scenario's."""
    rows = [
        (tr("Gini of per-capita amounts", lang), "gini", "{:.4f}"),
        (tr("Theil of per-capita amounts", lang), "theil", "{:.4f}"),
        (tr("Largest / smallest per-capita amount", lang), "max_min_ratio", "{:.3f}"),
        (tr("Gini, population-weighted", lang), "gini_pop", "{:.4f}"),
        (
            tr("Smallest need-weighted per-capita amount (KRW)", lang),
            "min_need_weighted_per_capita_krw",
            "{:,.0f}",
        ),
    ]
    base = baseline.metrics if baseline is not None else {}
    equity = tr("Equity", lang)
    this, other = tr("this scenario", lang), tr("base scenario", lang)
    body = "".join(
        f"<tr><td>{label}</td><td class='cg-metric' data-key='{key}' style='text-align:right'>"
        f"{fmt.format(result.metrics[key])}</td><td style='text-align:right'>"
        f"{fmt.format(base[key]) if key in base else '—'}</td></tr>"
        for label, key, fmt in rows
        if key in result.metrics
    )
    return (
        f"<h4>{equity}</h4><table><tr><th></th><th>{this}</th><th>{other}</th></tr>{body}</table>"
    )


def _eok(rows: pd.DataFrame, lang: Lang) -> str:
    """The absolute sum of ``rows``' changes in 억원, formatted as the report prints amounts."""
    from cgresearch.formatting import format_eok

    return format_eok(abs(float(rows["change_eok"].sum())), lang)


def gains_html(table: pd.DataFrame | None, lang: Lang = "ko") -> str:
    """Which gu gain and which lose against the base scenario (a ``compare`` table), or why not."""
    if table is None:
        return "<p>" + tr("The base scenario has no allocation to compare with.", lang) + "</p>"
    gains = table[table["outcome"] == "gains"]
    losses = table[table["outcome"] == "loses"]
    column = "name_ko" if lang == "ko" else "name_en"

    def names(frame: pd.DataFrame) -> str:
        listed = ", ".join(
            f"{name} {change:+,.2f}"
            for name, change in zip(frame[column].head(5), frame["change_eok"].head(5), strict=True)
        )
        return (": " + listed if len(frame) else "") + (" …" if len(frame) > 5 else "")

    against = tr("Against the base scenario", lang)
    if gains.empty and losses.empty:
        return f"<h4>{against}</h4><p>" + tr("No gu gains or loses.", lang) + "</p>"
    gain = (
        tr("{n} gu gain {amount}", lang, n=len(gains), amount=_eok(gains, lang)) + names(gains)
        if len(gains)
        else tr("No gu gains", lang)
    )
    lose = (
        tr("{n} gu lose {amount}", lang, n=len(losses), amount=_eok(losses, lang))
        + names(losses.iloc[::-1])
        if len(losses)
        else tr("No gu loses", lang)
    )
    return f"<h4>{against}</h4><p>{gain}.<br>{lose}.</p>"


def _side(constraint: str, lang: Lang) -> str:
    name = str(constraint)
    if "_hi" in name or "_max" in name:
        return tr(" (upper)", lang)
    if "_lo" in name or "_min" in name:
        return tr(" (lower)", lang)
    return ""


def _effect(improvement: float, lang: Lang) -> str:
    """What a change does to the objective (``improvement`` > 0: better), in words."""
    amount = f"{abs(improvement):,.4g}"
    if abs(improvement) < 1e-9:
        return tr("leaves the objective unchanged", lang)
    if improvement > 0:
        return tr("improves the objective by {amount}", lang, amount=amount)
    return tr("worsens the objective by {amount}", lang, amount=amount)


def shadow_sentences(shadow: pd.DataFrame, lang: Lang = "ko") -> list[str]:
    """One planner sentence per shadow price row (``EnvelopeResult.shadow_prices``).

    English gives the library's own sentences; Korean words each row from its columns (the
    bound, the gu, its value and whether one more 억원 of it improves or worsens the objective,
    and by how much: ``improvement`` > 0 is better).

    Examples
    --------
    >>> rows = pd.DataFrame({"constraint": ["floor_1"], "group": ["floors"], "name_ko": ["중구"],
    ...                      "rhs": [8.0], "improvement": [-3.61], "text": ["…"]})
    >>> shadow_sentences(rows, "ko")
    ['중구의 하한(8.00억원)을(를) 1억원 올리면 목적함수가 3.61만큼 나빠집니다.']
    """
    if lang == "en":
        return [str(t) for t in shadow["text"].tolist() if str(t)]
    bounds = {
        "floors": tr("floor", lang),
        "caps": tr("cap", lang),
        "stability": tr("stability limit", lang),
        "tiers": tr("grade range", lang),
    }
    out = []
    for row in shadow.itertuples(index=False):
        effect = _effect(float(row.improvement), lang)
        if row.group == "budget":
            out.append(tr("One more 억원 of total budget {effect}.", lang, effect=effect))
        elif row.group == "equity":
            out.append(
                tr("Loosening the per-capita ratio limit by 0.1 {effect}.", lang, effect=effect)
            )
        elif row.group in bounds and isinstance(row.name_ko, str):
            rhs = float(row.rhs)
            out.append(
                tr(
                    "Raising the {bound}{side} of {gu} ({value}억원) by 1억원 {effect}.",
                    lang,
                    bound=bounds[row.group],
                    side=_side(row.constraint, lang),
                    gu=row.name_ko,
                    value=f"{rhs:,.2f}" if math.isfinite(rhs) else "—",
                    effect=effect,
                )
            )
    return out


def shadow_html(result: Any, lang: Lang = "ko") -> str:
    """What the binding limits cost (shadow prices), the first eight and a count of the rest."""
    texts = shadow_sentences(result.shadow_prices, lang)
    items = "".join(f"<li>{html.escape(t)}</li>" for t in texts[:_SHOWN])
    more = ""
    if len(texts) > _SHOWN:
        more = "<li>" + tr("… and {n} more", lang, n=len(texts) - _SHOWN) + "</li>"
    heading = tr("What the limits cost (shadow prices)", lang)
    none = tr("No limit binds at a cost.", lang)
    return f"<h4>{heading}</h4>" + (f"<ul>{items}{more}</ul>" if texts else f"<p>{none}</p>")


def language_toggle(search: str, lang: Lang) -> str:
    """A link to this view in the other language (the address's query with ``lang`` swapped)."""
    query = dict(parse_qsl(str(search or "").lstrip("?")))
    if lang == "ko":
        query["lang"] = "en"
        text = "English"
    else:
        query.pop("lang", None)
        text = "한국어"
    href = html.escape("?" + urlencode(query), quote=True)
    return (
        f"<a id='cg-lang-toggle' href='{href}' lang='{'en' if lang == 'ko' else 'ko'}'>{text}</a>"
    )

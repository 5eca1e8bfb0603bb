"""Why each gu gets what it gets: one planner sentence per gu, in Korean (default) or English.

A gu is either held by a bound (its floor, cap, a stability limit from last year's amount, its
performance tier, the per-capita equity bound, or zero), and the sentence says which and what the
formula would have given it; or it is free, and for the least-squares objectives it sits on its
formula target plus the common adjustment λ (``equal_adjustment``), times a common factor
(``proportional``), or within the common band (``minmax_relative``).
:meth:`~cgresearch.allocation.EnvelopeResult.explain` returns the table;
:func:`bound_lists` names every gu at each kind of bound (all ties, for summaries).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation import Scenario, solve_envelopes
>>> d = pd.DataFrame({"adm_code": [1, 2, 3], "name_ko": ["가구", "나구", "다구"],
...                   "pop_total_2017q1": [100_000, 300_000, 600_000]})
>>> r = solve_envelopes(d, Scenario(name="e", total_budget_eok=10, weights={"pop": 1},
...                                 floor_eok=2))
>>> r.explain("en")["reason"].tolist()
['floor', 'adjusted', 'adjusted']
>>> print(r.explain("en")["text"].iloc[1])
on its formula target 3.00억원 plus the common adjustment of −0.50억원
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.allocation.envelope_lp import EnvelopeData, EnvelopeSolution
from cgresearch.i18n import Lang, check_lang, tr

__all__ = [
    "bound_lists",
    "district_explanations",
]

_LEAST_SQUARES = ("equal_adjustment", "proportional", "least_squares", "minmax_relative")


def _eok(value: float) -> str:
    """'−0.31' with a true minus sign (amounts in 억원, two decimals)."""
    return f"{value:.2f}".replace("-", "−")


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def _would(data: EnvelopeData, sol: EnvelopeSolution | None) -> np.ndarray | None:
    """What each gu would get from the least-squares rule without its own bound: t + λ/w."""
    if sol is None or sol.multiplier is None or data.scenario.objective not in _LEAST_SQUARES:
        return None
    return data.target + sol.multiplier / data.weight


def _sentence(
    data: EnvelopeData,
    sol: EnvelopeSolution | None,
    i: int,
    x: float,
    label: str,
    would: np.ndarray | None,
    lang: Lang,
) -> tuple[str, str]:
    s = data.scenario
    t = _eok(float(data.target[i]))
    if s.objective == "formula":
        return "formula", tr("the formula amount {target}억원", lang, target=t)
    first = label.split(";")[0] if label else ""
    w = None if would is None else _eok(float(would[i]))
    if first in ("floor", "cap"):
        bound = _eok(float(data.floor[i] if first == "floor" else data.cap[i]))
        if w is None:
            msg = (
                tr(
                    "at its floor ({bound}억원); its formula target is {target}억원",
                    lang,
                    bound=bound,
                    target=t,
                )
                if first == "floor"
                else tr(
                    "capped at {bound}억원; its formula target is {target}억원",
                    lang,
                    bound=bound,
                    target=t,
                )
            )
        elif first == "floor":
            msg = tr(
                "at its floor ({bound}억원): its formula target {target}억원 with the common "
                "adjustment would be {would}억원, below the floor",
                lang,
                bound=bound,
                target=t,
                would=w,
            )
        else:
            msg = tr(
                "capped at {bound}억원: its formula target {target}억원 with the common "
                "adjustment would be {would}억원, above the cap",
                lang,
                bound=bound,
                target=t,
                would=w,
            )
        return first, msg
    if first in ("stability_low", "stability_high"):
        prev = float(data.previous[i])
        pct = f"{abs(100 * (x / prev - 1)):.3g}" if prev > 0 else "0"
        values = {
            "pct": pct,
            "previous": _eok(float(data.previous[i])),
            "bound": _eok(x),
            "target": t,
        }
        if first == "stability_low":
            msg = tr(
                "held by the −{pct}% stability limit from last year's {previous}억원 (at "
                "{bound}억원; formula target {target}억원)",
                lang,
                **values,
            )
        else:
            msg = tr(
                "held by the +{pct}% stability limit from last year's {previous}억원 (at "
                "{bound}억원; formula target {target}억원)",
                lang,
                **values,
            )
        return first, msg
    if first in ("tier_min", "tier_max"):
        values = {"grade": str(data.grade[i]), "bound": _eok(x), "target": t}
        if first == "tier_min":
            msg = tr(
                "at the minimum of its performance tier {grade} ({bound}억원; formula target "
                "{target}억원)",
                lang,
                **values,
            )
        else:
            msg = tr(
                "at the maximum of its performance tier {grade} ({bound}억원; formula target "
                "{target}억원)",
                lang,
                **values,
            )
        return first, msg
    if first == "equity_min":
        return first, tr(
            "at the lowest per-capita amount the equity bound allows ({amount}억원; formula "
            "target {target}억원)",
            lang,
            amount=_eok(x),
            target=t,
        )
    if first == "equity_max":
        return first, tr(
            "at the highest per-capita amount the equity bound allows ({amount}억원; formula "
            "target {target}억원)",
            lang,
            amount=_eok(x),
            target=t,
        )
    if x <= 1e-9 and float(data.target[i]) > 1e-9 and w is not None:
        return "zero", tr(
            "receives nothing: its formula target {target}억원 with the common adjustment "
            "would be {would}억원, below zero",
            lang,
            target=t,
            would=w,
        )
    if sol is not None and sol.multiplier is not None and s.objective in _LEAST_SQUARES:
        if s.objective == "minmax_relative" and sol.band is not None:
            return "band", tr(
                "within the common band of ±{band}% around its formula target {target}억원, "
                "as close to it as the budget allows",
                lang,
                band=f"{100 * sol.band:.2f}",
                target=t,
            )
        if np.ptp(data.weight) == 0:
            return "adjusted", tr(
                "on its formula target {target}억원 plus the common adjustment of {adjustment}억원",
                lang,
                target=t,
                adjustment=_signed(sol.multiplier / float(data.weight[0])),
            )
        factor = float(x / data.target[i]) if data.target[i] > 0 else 1.0
        return "scaled", tr(
            "on its formula target {target}억원 times the common factor {factor}",
            lang,
            target=t,
            factor=f"{factor:.4f}",
        )
    return "free", tr(
        "held by no bound: {amount}억원 against a formula target of {target}억원",
        lang,
        amount=_eok(x),
        target=t,
    )


def district_explanations(
    data: EnvelopeData,
    x: np.ndarray | None,
    sol: EnvelopeSolution | None,
    labels: list[str],
    lang: Lang,
) -> pd.DataFrame:
    lang = check_lang(lang)
    cols = ["adm_code", "name_ko", "name_en", "amount_eok", "target_eok", "reason", "text"]
    if x is None:
        return pd.DataFrame(columns=cols)
    would = _would(data, sol)
    rows = []
    d = data.districts
    for i in range(data.n):
        reason, text = _sentence(data, sol, i, float(x[i]), labels[i], would, lang)
        rows.append(
            {
                "adm_code": d["adm_code"].iloc[i],
                "name_ko": d["name_ko"].iloc[i],
                "name_en": d["name_en"].iloc[i],
                "amount_eok": float(x[i]),
                "target_eok": float(data.target[i]),
                "reason": reason,
                "text": text,
            }
        )
    return pd.DataFrame(rows, columns=cols)


_BOUND_TITLES = {
    "floor": "at the floor",
    "cap": "capped",
    "stability_low": "at the lower stability limit",
    "stability_high": "at the upper stability limit",
    "tier_min": "at the tier minimum",
    "tier_max": "at the tier maximum",
    "equity_min": "at the lowest per-capita amount allowed",
    "equity_max": "at the highest per-capita amount allowed",
    "zero": "receiving nothing",
}


def bound_lists(explanation: pd.DataFrame, lang: Lang = "ko") -> list[str]:
    """One line per kind of bound naming *every* gu held by it (ties are all listed).

    Parameters
    ----------
    explanation : DataFrame
        The table of :meth:`EnvelopeResult.explain`.
    lang : {"ko", "en"}

    Returns
    -------
    list of str
        e.g. ``"at the floor (5 gu): 중구, 종로구, 용산구, 성동구, 금천구"``.

    Examples
    --------
    >>> t = pd.DataFrame({"name_ko": ["가구", "나구", "다구"],
    ...                   "reason": ["floor", "floor", "adjusted"]})
    >>> bound_lists(t, "en")
    ['at the floor (2 gu): 가구, 나구']
    """
    lines = []
    for reason, grp in explanation.groupby("reason", sort=False):
        if reason not in _BOUND_TITLES:
            continue
        title = {
            "floor": tr("at the floor", lang),
            "cap": tr("capped", lang),
            "stability_low": tr("at the lower stability limit", lang),
            "stability_high": tr("at the upper stability limit", lang),
            "tier_min": tr("at the tier minimum", lang),
            "tier_max": tr("at the tier maximum", lang),
            "equity_min": tr("at the lowest per-capita amount allowed", lang),
            "equity_max": tr("at the highest per-capita amount allowed", lang),
            "zero": tr("receiving nothing", lang),
        }[str(reason)]
        lines.append(
            tr(
                "{title} ({n} gu): {names}",
                lang,
                title=title,
                n=len(grp),
                names=", ".join(grp["name_ko"]),
            )
        )
    return lines

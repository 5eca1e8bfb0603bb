"""Reading a dashboard link someone shared: any query made valid, with a notice per change.

A link may hold anything (an unknown base, a 5,000-digit budget, a negative weight, a rounding
unit the budget cannot be split into). :func:`read_link` never raises: it opens the nearest valid
view and says, in the page's language, what it changed and why; :meth:`LinkReading.query` is the
link made valid (what the address bar then shows). A rounding unit larger than the smallest
envelope can only be seen once the scenario is solved: :meth:`LinkReading.with_smallest_envelope`
lowers it then, with its own notice.

Examples
--------
>>> from cgresearch.allocation import Scenario
>>> bases = {"b": Scenario(name="b", total_budget_eok=250)}
>>> r = read_link("?unit=0.05", bases, default_base="b", map_columns=["amount_eok"], lang="en")
>>> r.values["unit"], r.notices
(0.01, ('unit=0.05 is not a rounding unit of this page (one of 0.01, 0.1, 1 억원); set to 0.01',))
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import numpy as np

from cgresearch.allocation.scenario import INDICATORS, MAX_AMOUNT_EOK, OBJECTIVES, Scenario
from cgresearch.dashboard.state import (
    TIER_PREFIX,
    decode_scenario,
    differs,
    overrides_from_values,
    parse_value,
    values_from_scenario,
    weight_key,
)
from cgresearch.errors import CGResearchError, closest_match
from cgresearch.i18n import Lang, tr

__all__ = ["ROUNDING_UNITS", "LinkReading", "offered_units", "read_link", "smallest_envelope"]

#: The rounding units the page offers (억원): 0.01 = 100만원, 0.1 = 1,000만원, 1 = 1억원.
ROUNDING_UNITS: tuple[float, ...] = (0.01, 0.1, 1.0)

#: Accepted range of each numeric control: (low, high); amounts up to MAX_AMOUNT_EOK 억원.
_RANGES: dict[str, tuple[float, float]] = {
    "budget": (0.0, MAX_AMOUNT_EOK),
    "floor": (0.0, MAX_AMOUNT_EOK),
    "cap": (0.0, MAX_AMOUNT_EOK),
    "previous": (0.0, MAX_AMOUNT_EOK),
    "delta": (0.0, 1.0),
    "cut": (0.0, 100.0),
    "raise": (0.0, 1000.0),
    "pcfloor": (0.0, 1_000_000.0),
    "change": (0.0, MAX_AMOUNT_EOK),
    "unit": (0.0, MAX_AMOUNT_EOK),
    **{weight_key(i): (0.0, 1.0) for i in INDICATORS},
}
_LINK_KEYS = ("base", "scenario", "map", "lang", "files")


@dataclass(frozen=True)
class LinkReading:
    """What a dashboard link asks for, made valid, and a notice for each value not honoured.

    Attributes
    ----------
    base_name : str
        The base scenario to open (a name of ``scenarios``, or ``uploaded_label``).
    base : Scenario
        That scenario.
    uploaded : str or None
        The link's ``scenario=`` text when it holds a readable uploaded scenario.
    values : dict
        Control values (as :func:`values_from_scenario`), every one in its accepted range.
    map_column : str
        The map's colouring column.
    notices : tuple of str
        One plain sentence per ignored or changed value of the link, saying why (empty when the
        link is honoured as it is).
    lang : {"ko", "en"}
        The page's language: ``lang=en`` in the link gives English, else Korean.
    """

    base_name: str
    base: Scenario
    uploaded: str | None
    values: dict[str, Any]
    map_column: str
    notices: tuple[str, ...]
    lang: Lang = "ko"

    def query(self, uploaded_label: str) -> dict[str, str]:
        """The link's query made valid: what the address bar should show (values as JSON).

        Only values that differ from the base scenario are kept, besides ``base``.
        """
        out = {"base": self.base_name}
        if self.lang != "ko":  # Korean, the default, needs no key
            out["lang"] = self.lang
        if self.base_name == uploaded_label and self.uploaded is not None:
            out["scenario"] = self.uploaded
        start = values_from_scenario(self.base)
        for key, value in self.values.items():
            if key in start and not differs(value, start[key]):
                continue
            if isinstance(value, str):
                out[key] = value
            else:
                out[key] = json.dumps(list(value) if isinstance(value, tuple) else value)
        return out

    def with_smallest_envelope(self, smallest_eok: float) -> LinkReading:
        """This reading, its rounding unit lowered when it exceeds the smallest envelope.

        The scenario's unrounded envelopes are only known once it is solved; a unit larger than
        the smallest of them cannot be honoured (the library refuses it). The unit becomes the
        largest offered unit that is not larger and splits the total into whole units (else no
        rounding), with a notice naming the unit and the envelope.

        Parameters
        ----------
        smallest_eok : float
            The smallest positive envelope of the scenario solved without rounding (억원).

        Examples
        --------
        >>> from cgresearch.allocation import Scenario
        >>> bases = {"b": Scenario(name="b", total_budget_eok=250)}
        >>> r = read_link("?unit=1", bases, default_base="b", map_columns=["amount_eok"],
        ...               lang="en").with_smallest_envelope(0.5)
        >>> r.values["unit"], r.notices
        (0.1, ('unit=1 is larger than the smallest envelope (0.5 억원); set to 0.1',))
        """
        unit = float(self.values.get("unit", 0.0))
        if unit <= 0 or unit <= smallest_eok * (1 + 1e-9):
            return self
        budget = float(self.values["budget"])
        near = _fitting_unit(offered_units(self.base), budget, smallest_eok)
        notice = tr(
            "unit={unit} is larger than the smallest envelope ({smallest} 억원); {outcome}",
            self.lang,
            unit=_show(unit),
            smallest=f"{smallest_eok:,.4g}",
            outcome=_unit_outcome(near, self.lang),
        )
        values = {**self.values, "unit": near}
        return dataclasses.replace(self, values=values, notices=(*self.notices, notice))


def smallest_envelope(model: Any, base: Scenario, values: Mapping[str, Any]) -> float | None:
    """The smallest positive envelope of ``values`` on ``base`` solved without rounding.

    ``model`` is an :class:`~cgresearch.allocation.EnvelopeModel` of ``base``; ``None`` when the
    scenario is invalid or has no allocation (the page then says why when it solves it).
    """
    try:
        overrides = overrides_from_values(base, {**values, "unit": 0.0})
        result = model.solve(overrides)
    except CGResearchError:
        return None
    if not result.ok:
        return None
    amounts = np.asarray(result.table["amount_eok"], dtype=float)
    positive = amounts[amounts > 1e-12]
    return float(positive.min()) if positive.size else None


def offered_units(base: Scenario) -> tuple[float, ...]:
    """The rounding units the page offers for ``base``: :data:`ROUNDING_UNITS` and its own."""
    own = () if base.rounding_unit_eok is None else (float(base.rounding_unit_eok),)
    return tuple(sorted({*ROUNDING_UNITS, *own}))


def _divides(unit: float, budget: float) -> bool:
    """Whether ``budget`` is a whole number of ``unit`` (as the scenario checks it)."""
    units = budget / unit
    return unit <= budget and abs(units - round(units)) <= 1e-6 * max(1.0, units)


def _fitting_unit(offered: tuple[float, ...], budget: float, at_most: float) -> float:
    """The largest offered unit ≤ ``at_most`` that splits ``budget`` into whole units, else 0."""
    fits = [u for u in offered if u <= at_most * (1 + 1e-9) and _divides(u, budget)]
    return max(fits, default=0.0)


def _unit_outcome(unit: float, lang: Lang) -> str:
    if unit > 0:
        return tr("set to {near}", lang, near=_show(unit))
    return tr("rounding switched off", lang)


def _fit_unit(values: dict[str, Any], base: Scenario, lang: Lang) -> list[str]:
    """Make ``values["unit"]`` an offered unit that splits the budget; the notices (in place)."""
    unit = float(values.get("unit", 0.0))
    if unit <= 0:
        return []
    notices = []
    offered = offered_units(base)
    if not any(math.isclose(unit, u, rel_tol=1e-9) for u in offered):
        lower = [u for u in offered if u <= unit]
        near = max(lower) if lower else min(offered)
        notices.append(
            tr(
                "unit={unit} is not a rounding unit of this page (one of {choices} 억원); "
                "set to {near}",
                lang,
                unit=_show(unit),
                choices=", ".join(_show(u) for u in offered),
                near=_show(near),
            )
        )
        unit = near
    unit = next(u for u in offered if math.isclose(unit, u, rel_tol=1e-9))
    budget = float(values["budget"])
    if not _divides(unit, budget):
        near = _fitting_unit(offered, budget, unit)
        notices.append(
            tr(
                "the total of {budget} 억원 is not a whole number of {unit} 억원 units; {outcome}",
                lang,
                budget=f"{budget:,.6g}",
                unit=_show(unit),
                outcome=_unit_outcome(near, lang),
            )
        )
        unit = near
    values["unit"] = unit
    return notices


#: Year-on-year limits, which need last year's amount (``previous``).
_CHANGE_LIMITS = ("delta", "cut", "raise", "change")


def _fit_change_limits(values: dict[str, Any], lang: Lang) -> list[str]:
    """Switch off year-on-year limits when there is no last year's amount; the notices."""
    if float(values.get("previous", 0.0)) > 0:
        return []
    notices = []
    for key in _CHANGE_LIMITS:
        if float(values.get(key, 0.0)) > 0:
            notices.append(
                tr(
                    "{item} limits the change from last year, but no last year's amount is set "
                    "(previous=0); switched off",
                    lang,
                    item=f"{key}={_show(float(values[key]))}",
                )
            )
            values[key] = 0.0
    return notices


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def _maybe(hint: str | None, lang: Lang) -> str:
    return tr(" (did you mean '{hint}'?)", lang, hint=hint) if hint else ""


def _read_value(key: str, text: str, like: Any, lang: Lang) -> tuple[Any, str | None]:
    """One link value made valid: (value, None) when honoured, else (value to use, notice)."""
    item = f"{key}={_short(text)}"
    kept = _show(like)
    if key == "objective":
        if text in OBJECTIVES:
            return text, None
        maybe = _maybe(closest_match(text, OBJECTIVES), lang)
        return like, tr(
            "{item} is not an objective{maybe}; kept {kept} (one of {choices})",
            lang,
            item=item,
            maybe=maybe,
            kept=f"'{like}'",  # a name, quoted like the hint
            choices=", ".join(OBJECTIVES),
        )
    if isinstance(like, bool):
        low = text.strip().lower()
        if low in ("true", "1", "yes", "on", "false", "0", "no", "off"):
            return low in ("true", "1", "yes", "on"), None
        return like, tr("{item} is not true or false; kept {kept}", lang, item=item, kept=kept)
    try:
        value = parse_value(text, like)
    except (ValueError, TypeError, OverflowError):
        return like, tr(
            "{item} cannot be read as a number; kept {kept}", lang, item=item, kept=kept
        )
    if isinstance(like, tuple):
        lo, hi = value
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or lo > hi:
            return like, tr("{item} needs 0 ≤ min ≤ max; kept {kept}", lang, item=item, kept=kept)
        if hi > MAX_AMOUNT_EOK:
            return like, tr(
                "{item} is above {high} 억원; kept {kept}",
                lang,
                item=item,
                high=f"{MAX_AMOUNT_EOK:,.0f}",
                kept=kept,
            )
        return value, None
    if not math.isfinite(value):
        return like, tr("{item} is not a finite number; kept {kept}", lang, item=item, kept=kept)
    low, high = _RANGES.get(key, (-math.inf, math.inf))
    if value < low or value > high:
        near = min(max(value, low), high)
        shown = {"item": item, "low": _show(low), "high": _show(high), "near": _show(near)}
        if value < 0:
            return near, tr(
                "{item} is negative (accepted {low} to {high}); set to {near}", lang, **shown
            )
        return near, tr(
            "{item} is above {high} (accepted {low} to {high}); set to {near}", lang, **shown
        )
    return value, None


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.6g}"
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return str(value)


def read_link(
    query: str,
    scenarios: Mapping[str, Scenario],
    *,
    default_base: str,
    map_columns: Mapping[str, str] | tuple[str, ...] | list[str],
    default_map: str = "amount_eok",
    uploaded_label: str = "(uploaded file)",
    lang: Lang = "ko",
) -> LinkReading:
    """Read a dashboard link into a valid scenario view, noting every value it cannot honour.

    Nothing in a link raises: an unknown base scenario, an unreadable ``scenario=`` text, an
    unknown map column, an unknown key, a value that cannot be read or lies outside its control's
    range (a negative weight, a 5,000-digit budget) is replaced by the nearest valid value (the
    range's end, else the base scenario's own value) and named in ``notices`` with the reason.

    Parameters
    ----------
    query : str
        ``location.search``, e.g. ``"?base=equal_10&budget=260.0&w_pop=-1"``.
    scenarios : mapping
        Name -> base scenario the page offers.
    default_base : str
        The base opened when the link names none that exists.
    map_columns : mapping or sequence
        The map's colouring choices (a Panel ``options`` mapping label -> column, or columns).
    default_map, uploaded_label : str
        The default map column, and the base name that means "the link's uploaded scenario".
    lang : {"ko", "en"}
        Language of the page and its notices when the link has no ``lang=`` key (Korean by
        default); ``lang=en`` or ``lang=ko`` in the link wins, any other value is noted and
        the page stays in ``lang``.

    Returns
    -------
    LinkReading

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> bases = {"b": Scenario(name="b", total_budget_eok=250)}
    >>> r = read_link("?base=nosuch&w_pop=-1", bases, default_base="b",
    ...               map_columns=["amount_eok"], lang="en")
    >>> r.base_name, r.values["w_pop"]
    ('b', 0.0)
    >>> len(r.notices)
    2
    """
    notices: list[str] = []
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    link = dict(pairs)
    asked = link.get("lang")
    if asked in ("ko", "en"):
        lang = asked  # type: ignore[assignment]
    elif asked is not None:
        notices.append(
            tr(
                "{item} is not a language of this page (use lang=ko or lang=en); ignored",
                lang,
                item=f"lang={_short(asked)}",
            )
        )
    fallback = default_base if default_base in scenarios else next(iter(scenarios))
    base_name = link.get("base", fallback)
    uploaded = None
    if base_name == uploaded_label:
        text = link.get("scenario", "")
        try:
            base = decode_scenario(text)
            uploaded = text
        except (CGResearchError, ValueError, RecursionError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            notices.append(
                tr(
                    "the link's uploaded scenario cannot be read ({why}); opened '{fallback}' "
                    "instead",
                    lang,
                    why=_short(first),
                    fallback=fallback,
                )
            )
            base_name, base = fallback, scenarios[fallback]
    elif base_name in scenarios:
        base = scenarios[base_name]
    else:
        notices.append(
            tr(
                "{item} is not a scenario here{maybe}; opened '{fallback}' instead",
                lang,
                item=f"base={_short(base_name)}",
                maybe=_maybe(closest_match(base_name, list(scenarios)), lang),
                fallback=fallback,
            )
        )
        base_name, base = fallback, scenarios[fallback]
    if "scenario" in link and uploaded is None and link.get("base") != uploaded_label:
        notices.append(
            tr("scenario=… is only read with base={label}; ignored", lang, label=uploaded_label)
        )
    columns = list(map_columns.values()) if isinstance(map_columns, Mapping) else list(map_columns)
    map_column = link.get("map", default_map)
    if map_column not in columns:
        notices.append(
            tr(
                "{item} is not a map layer (use {choices}); showing {default}",
                lang,
                item=f"map={_short(map_column)}",
                choices=", ".join(columns),
                default=default_map,
            )
        )
        map_column = default_map
    if link.get("files"):
        notices.append(
            tr(
                "this link was made on a page that used uploaded data files; a link cannot carry "
                "files, so the page uses the package's 2017 district table and the scenario's "
                "own last-year amounts: upload the files again to see the shared view",
                lang,
            )
        )
    values = values_from_scenario(base)
    for key, text in pairs:
        if key in _LINK_KEYS:
            continue
        if key not in values:
            if key.startswith(TIER_PREFIX):
                notices.append(
                    tr(
                        "{key} names no grade of '{base}'; ignored",
                        lang,
                        key=_short(key),
                        base=base_name,
                    )
                )
            else:
                notices.append(
                    tr(
                        "{key} is not a control of this page{maybe}; ignored",
                        lang,
                        key=_short(key),
                        maybe=_maybe(closest_match(key, list(values)), lang),
                    )
                )
            continue
        value, notice = _read_value(key, text, values[key], lang)
        values[key] = value
        if notice:
            notices.append(notice)
    notices.extend(_fit_change_limits(values, lang))
    notices.extend(_fit_unit(values, base, lang))
    return LinkReading(base_name, base, uploaded, values, map_column, tuple(notices), lang)

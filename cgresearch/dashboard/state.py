"""The dashboard's controls as plain values, and how they map to scenario overrides and URLs.

The planners' web app keeps one value per control (budget, objective, need weights, floor, cap,
last year's amount, stability δ, performance tiers) and stores each in the page's URL under a
short key, so that a link reopens the same scenario. This module is the pure part of that wiring:

* :func:`values_from_scenario` — the control values that show a scenario as it is;
* :func:`overrides_from_values` — the dotted-key overrides (for
  :meth:`~cgresearch.allocation.Scenario.with_overrides`) that the controls ask for, only where
  they differ from the base scenario (so per-district tables of a base scenario survive until the
  planner moves that control);
* :func:`values_from_query` — the control values a URL query string asks for (what the app shows
  when the link is opened);
* :func:`encode_scenario` / :func:`decode_scenario` — an uploaded scenario file as a URL-safe text,
  so that a link made from an uploaded file also reopens it.

Conventions of the controls: amounts are 억원; a floor, cap or last-year amount of 0 means "none";
a stability δ of 0 means "no stability limit" (δ = 0.2 allows ±20% from last year's amount);
need weights need not sum to 1 (they are passed with their own ``weights_sum``).

Examples
--------
>>> from cgresearch.allocation import Scenario
>>> base = Scenario(name="b", total_budget_eok=250, floor_eok=8)
>>> values = values_from_scenario(base)
>>> values["budget"], values["floor"]
(250.0, 8.0)
>>> overrides_from_values(base, {**values, "budget": 260.0})
{'total_budget_eok': 260.0}
>>> values_from_query("?budget=270.0&objective=maxmin", base)["objective"]
'maxmin'
"""

from __future__ import annotations

import base64
import json
import math
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from cgresearch.allocation.scenario import INDICATORS, MAX_AMOUNT_EOK, OBJECTIVES, Scenario
from cgresearch.errors import CGResearchError, ParameterError, closest_match
from cgresearch.i18n import Lang, tr

__all__ = [
    "SCALAR_KEYS",
    "TIER_PREFIX",
    "WEIGHT_PREFIX",
    "LinkReading",
    "decode_scenario",
    "encode_scenario",
    "overrides_from_values",
    "read_link",
    "scenario_from_values",
    "tier_key",
    "values_from_query",
    "values_from_scenario",
    "weight_key",
]

#: URL key of each single-valued control -> the scenario key it sets.
SCALAR_KEYS: dict[str, str] = {
    "budget": "total_budget_eok",
    "objective": "objective",
    "floor": "floor_eok",
    "cap": "cap_eok",
    "previous": "previous_eok",
    "delta": "stability_delta",
    "cut": "max_cut_pct",
    "raise": "max_raise_pct",
    "pcfloor": "floor_per_capita_krw",
}
#: Controls where 0 means "not set" (``None`` in the scenario).
_ZERO_IS_NONE = ("floor", "cap", "previous", "delta", "cut", "raise", "pcfloor")
#: URL keys of the need weights are ``w_<indicator>``.
WEIGHT_PREFIX = "w_"
#: URL keys of the performance-tier ranges are ``tier.<grade>``; ``tiers`` switches them on/off.
TIER_PREFIX = "tier."
_TIERS_ON = "tiers"
_PER_DISTRICT = ("floor_eok", "cap_eok", "previous_eok")
_TOL = 1e-9


def weight_key(indicator: str) -> str:
    """Return the URL key of a need weight, e.g. ``w_pop``."""
    return f"{WEIGHT_PREFIX}{indicator}"


def tier_key(grade: str) -> str:
    """Return the URL key of a performance grade's range, e.g. ``tier.가``."""
    return f"{TIER_PREFIX}{grade}"


def _scalar(value: Any) -> float:
    """A per-district value as one control value: the ``default`` entry, else the smallest."""
    if value is None:
        return 0.0
    if isinstance(value, Mapping):
        if not value:
            return 0.0
        return float(value.get("default", min(value.values())))
    return float(value)


def values_from_scenario(scenario: Scenario) -> dict[str, Any]:
    """Return the control values that show ``scenario`` as it is.

    Parameters
    ----------
    scenario : Scenario
        The scenario to show.

    Returns
    -------
    dict
        URL key -> value: ``budget``, ``objective``, ``floor``, ``cap``, ``previous``, ``delta``,
        ``cut`` / ``raise`` (largest cut / raise from last year, %), ``pcfloor`` (per-capita
        floor, KRW per person) (floats; 0 for "none"), ``w_<indicator>`` for every indicator
        (0 when unweighted),
        ``tiers`` (bool) and ``tier.<grade>`` -> ``(min, max)`` for every grade of the scenario.
        A per-district table (floors by gu, say) is shown by its ``default`` entry, or its
        smallest value.

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> v = values_from_scenario(Scenario(name="s", total_budget_eok=100,
    ...                                   weights={"base": 0.5, "pop": 0.5}))
    >>> v["w_pop"], v["w_area"], v["cap"]
    (0.5, 0.0, 0.0)
    """
    values: dict[str, Any] = {
        "budget": float(scenario.total_budget_eok),
        "objective": scenario.objective,
        "floor": _scalar(scenario.floor_eok),
        "cap": _scalar(scenario.cap_eok),
        "previous": _scalar(scenario.previous_eok),
        "delta": float(scenario.stability_delta or 0.0),
        "cut": float(scenario.max_cut_pct or 0.0),
        "raise": float(scenario.max_raise_pct or 0.0),
        "pcfloor": float(scenario.floor_per_capita_krw or 0.0),
    }
    for indicator in INDICATORS:
        values[weight_key(indicator)] = float(scenario.weights.get(indicator, 0.0))
    values[_TIERS_ON] = bool(scenario.tiers)
    for grade, (lo, hi) in scenario.tiers.items():
        values[tier_key(grade)] = (float(lo), float(hi))
    return values


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, tuple | list) or isinstance(b, tuple | list):
        return len(a) != len(b) or any(_differs(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int):
        return not math.isclose(float(a), float(b), rel_tol=_TOL, abs_tol=_TOL)
    return a != b


def overrides_from_values(base: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the scenario overrides the control ``values`` ask for, relative to ``base``.

    Only controls whose value differs from :func:`values_from_scenario` of ``base`` produce an
    override, so opening a base scenario unchanged solves it exactly as its file says.

    Parameters
    ----------
    base : Scenario
        The scenario the controls start from.
    values : mapping
        URL key -> control value (missing keys keep the base value).

    Returns
    -------
    dict
        Dotted-key overrides for :meth:`Scenario.with_overrides`: ``total_budget_eok``,
        ``objective``, ``floor_eok``/``cap_eok``/``previous_eok``/``stability_delta`` (``None``
        for 0), ``weights`` with ``weights_sum`` (the weights as set, zeros left out), ``tiers``
        and ``grades`` emptied when tiers are switched off, ``tiers.<grade>`` = ``[min, max]``.

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> base = Scenario(name="s", total_budget_eok=250, weights={"base": 1.0})
    >>> overrides_from_values(base, {"w_base": 0.5, "w_pop": 0.25, "cap": 0.0})
    {'weights': {'base': 0.5, 'pop': 0.25}, 'weights_sum': 0.75}
    """
    start = values_from_scenario(base)
    merged = {**start, **{k: v for k, v in values.items() if k in start}}
    out: dict[str, Any] = {}
    for key, scenario_key in SCALAR_KEYS.items():
        if not _differs(merged[key], start[key]):
            continue
        value = merged[key]
        if key in _ZERO_IS_NONE:
            value = float(value)
            out[scenario_key] = None if value == 0 else value
        elif key == "budget":
            out[scenario_key] = float(value)
        else:
            out[scenario_key] = value
    wkeys = [weight_key(i) for i in INDICATORS]
    if any(_differs(merged[k], start[k]) for k in wkeys):
        weights = {
            i: float(merged[weight_key(i)]) for i in INDICATORS if float(merged[weight_key(i)]) > 0
        }
        out["weights"] = weights
        out["weights_sum"] = sum(weights.values())
    if start[_TIERS_ON] and not merged[_TIERS_ON]:
        out["tiers"] = {}
        out["grades"] = {}
    elif merged[_TIERS_ON]:
        for grade in base.tiers:
            key = tier_key(grade)
            if _differs(merged[key], start[key]):
                lo, hi = merged[key]
                out[f"tiers.{grade}"] = [float(lo), float(hi)]
    return out


def scenario_from_values(base: Scenario, values: Mapping[str, Any]) -> Scenario:
    """Return ``base`` with the control ``values`` applied (validated).

    Raises
    ------
    ParameterError
        When the controls ask for an invalid scenario (floor above cap, weights all zero, a
        stability limit without last year's amount, …); the message says what to change.

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> base = Scenario(name="s", total_budget_eok=250)
    >>> scenario_from_values(base, {"budget": 300.0, "floor": 9.0}).floor_eok
    9.0
    """
    return base.with_overrides(overrides_from_values(base, values))


def _parse(text: str, like: Any) -> Any:
    """One query value, read as the type of the control's current value ``like``."""
    if isinstance(like, bool):
        return text.strip().lower() in ("true", "1", "yes", "on")
    if isinstance(like, float):
        return float(json.loads(text))
    if isinstance(like, tuple):
        lo, hi = json.loads(text)
        return (float(lo), float(hi))
    if text.startswith('"') and text.endswith('"'):
        return json.loads(text)
    return text


def values_from_query(query: str, base: Scenario) -> dict[str, Any]:
    """Return the control values a URL query string asks for, starting from ``base``.

    Parameters
    ----------
    query : str
        ``location.search`` (with or without the leading ``?``), e.g.
        ``"?budget=260.0&w_pop=0.4&tiers=false"``. Values are JSON as the app writes them.
        Keys that name no control of ``base`` (``base``, ``scenario``, grades the base does not
        have) are ignored.
    base : Scenario
        The base scenario the link names.

    Returns
    -------
    dict
        URL key -> value, as :func:`values_from_scenario`.

    Raises
    ------
    ParameterError
        When a value cannot be read (``budget=abc``).

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> base = Scenario(name="s", total_budget_eok=250)
    >>> values_from_query("budget=300&floor=8.5", base)["floor"]
    8.5
    """
    values = values_from_scenario(base)
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key not in values:
            continue
        try:
            values[key] = _parse(text, values[key])
        except (ValueError, TypeError) as exc:
            raise ParameterError(
                f"the link's value {key}={text!r} cannot be read ({exc}): remove it from the "
                "address or set the control again"
            ) from exc
    return values


def encode_scenario(scenario: Scenario) -> str:
    """Return a scenario as compact URL-safe text (zlib-compressed TOML in base64url).

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> s = Scenario(name="s", total_budget_eok=250, floor_eok={"종로구": 9, "default": 8})
    >>> decode_scenario(encode_scenario(s)) == s
    True
    """
    raw = zlib.compress(scenario.to_toml().encode("utf-8"), 9)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_scenario(text: str) -> Scenario:
    """Return the scenario of :func:`encode_scenario` text (or of TOML text itself).

    Raises
    ------
    ParameterError
        When the text is neither, or the scenario it holds is invalid.
    """
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        toml_text = zlib.decompress(raw).decode("utf-8")
    except (ValueError, zlib.error, UnicodeDecodeError):
        toml_text = text
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(
            f"the scenario is not valid TOML ({exc}): upload a scenario file like those in "
            "scenarios/"
        ) from exc
    data.setdefault("name", "uploaded")
    return Scenario.from_dict(data)


# --- reading a shared link --------------------------------------------------------------------
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
    **{weight_key(i): (0.0, 1.0) for i in INDICATORS},
}
_LINK_KEYS = ("base", "scenario", "map", "lang")


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
            if key in start and not _differs(value, start[key]):
                continue
            if isinstance(value, str):
                out[key] = value
            else:
                out[key] = json.dumps(list(value) if isinstance(value, tuple) else value)
        return out


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
        value = _parse(text, like)
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
    return LinkReading(base_name, base, uploaded, values, map_column, tuple(notices), lang)

"""The dashboard's controls as plain values, and how they map to scenario overrides and URLs.

The planners' web app keeps one value per control (budget, objective, need weights, floor, cap,
last year's amount, stability δ, cut/raise/absolute change limits, per-capita floor, rounding
unit, performance tiers) and stores each in the page's URL under a
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

Reading a link someone shared (which may hold anything) is :mod:`cgresearch.dashboard.link`.

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
from typing import Any
from urllib.parse import parse_qsl

from cgresearch.allocation.scenario import INDICATORS, Scenario
from cgresearch.errors import ParameterError

__all__ = [
    "SCALAR_KEYS",
    "TIER_PREFIX",
    "WEIGHT_PREFIX",
    "decode_scenario",
    "differs",
    "encode_scenario",
    "overrides_from_values",
    "parse_value",
    "scenario_from_upload",
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
    "change": "max_change_eok",
    "unit": "rounding_unit_eok",
}
#: Controls where 0 means "not set" (``None`` in the scenario).
_ZERO_IS_NONE = ("floor", "cap", "previous", "delta", "cut", "raise", "pcfloor", "change", "unit")
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
        ``cut`` / ``raise`` (largest cut / raise from last year, %), ``change`` (largest change
        from last year, 억원), ``pcfloor`` (per-capita floor, KRW per person), ``unit`` (the
        rounding unit, 억원: 0.01 = 100만원) (floats; 0 for "none"), ``w_<indicator>`` for every
        indicator (0 when unweighted),
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
        "change": float(scenario.max_change_eok or 0.0),
        "unit": float(scenario.rounding_unit_eok or 0.0),
    }
    for indicator in INDICATORS:
        values[weight_key(indicator)] = float(scenario.weights.get(indicator, 0.0))
    values[_TIERS_ON] = bool(scenario.tiers)
    for grade, (lo, hi) in scenario.tiers.items():
        values[tier_key(grade)] = (float(lo), float(hi))
    return values


def differs(a: Any, b: Any) -> bool:
    """Whether two control values differ (numbers beyond 1e-9, tuples item by item)."""
    if isinstance(a, tuple | list) or isinstance(b, tuple | list):
        return len(a) != len(b) or any(differs(x, y) for x, y in zip(a, b, strict=True))
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
        if not differs(merged[key], start[key]):
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
    if any(differs(merged[k], start[k]) for k in wkeys):
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
            if differs(merged[key], start[key]):
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


def parse_value(text: str, like: Any) -> Any:
    """One query value, read as the type of the control's current value ``like``.

    Raises ``ValueError`` / ``TypeError`` when ``text`` cannot be read as that type.
    """
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
            values[key] = parse_value(text, values[key])
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


def scenario_from_upload(data: bytes) -> Scenario:
    """Return the scenario of an uploaded TOML file: UTF-8 (with or without BOM), else CP949.

    Korean Windows Notepad saves CP949; such a file is read as it is.

    Raises
    ------
    ParameterError
        When the bytes are neither UTF-8 nor CP949 text, or not a valid scenario.

    Examples
    --------
    >>> scenario_from_upload('name = "종로"\\ntotal_budget_eok = 250'.encode("cp949")).name
    '종로'
    """
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = bytes(data).decode(encoding)
        except UnicodeDecodeError:
            continue
        return decode_scenario(text)
    raise ParameterError(
        "the uploaded file is neither UTF-8 nor CP949 text: save the scenario as UTF-8 TOML"
    )

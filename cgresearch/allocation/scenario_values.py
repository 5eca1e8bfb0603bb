"""A scenario's single values, checked: numbers in range, per-gu tables, a safe name.

The helpers :class:`~cgresearch.allocation.scenario.Scenario` validates its fields with. A number
must be finite and no larger than :data:`MAX_AMOUNT_EOK` (amounts, 억원) or 10⁹ (anything else);
a per-gu value is a number or a table of numbers ≥ 0; the name is also an output folder's name,
so it may not leave that folder.

Examples
--------
>>> checked_number("s", "total_budget_eok", 250)
250.0
>>> _short(10**40)
'a 41-digit number'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from cgresearch.errors import ParameterError, closest_match, msg

__all__ = [
    "MAX_AMOUNT_EOK",
    "PerDistrict",
    "checked_name",
    "checked_number",
    "checked_per_district",
    "did_you_mean",
]

PerDistrict = float | dict[str, float] | None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ``""``.

    >>> did_you_mean("goall", ("goal", "maxmin"))
    " (did you mean 'goal'?)"
    """
    match = closest_match(word, choices, cutoff=0.4)
    return msg(" (did you mean '{match}'?)", match=match) if match else ""


#: The largest amount a scenario may name, 억원 (1,000조원: above Korea's whole national budget);
#: larger numbers overflow the solver's tolerances rather than mean anything.
MAX_AMOUNT_EOK = 1e7
#: The largest magnitude of any other number in a scenario (weights, ratios, seconds).
_MAX_NUMBER = 1e9


def _limit(key: str) -> float:
    head = key.partition(".")[0].partition("[")[0]
    return MAX_AMOUNT_EOK if head.endswith("_eok") or head == "tiers" else _MAX_NUMBER


def checked_number(name: str, key: str, value: Any) -> float:
    """``value`` as a float, refused unless a finite number within the key's range.

    >>> checked_number("s", "weights.pop", 1)
    1.0
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError.of(
            "scenario '{name}': {key} = {value} is not a number: give a number (억원 unless the "
            "key says otherwise)",
            name=name,
            key=key,
            value=_short(value),
        )
    limit = _limit(key)
    try:
        out = float(value)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out) or abs(out) > limit:
        accepted = (
            msg("from 0 to {limit:,.0f} 억원", limit=limit)
            if limit == MAX_AMOUNT_EOK
            else msg("between {low:,.0f} and {limit:,.0f}", low=-limit, limit=limit)
        )
        raise ParameterError.of(
            "scenario '{name}': {key} = {value} is out of range: give a finite number {accepted}",
            name=name,
            key=key,
            value=_short(value),
            accepted=accepted,
        )
    return out


def _short(value: Any) -> str:
    """``repr`` of a value, cut to a readable length (a 5,000-digit number is not quoted whole)."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(abs(value))) if abs(value) < 10**4000 else None
        if digits is None or digits > 30:
            return f"a {digits or 'more than 4,000'}-digit number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def checked_per_district(
    name: str, key: str, value: Any, *, allow_none: bool = True
) -> PerDistrict:
    """A per-gu value checked: ``None``, a number ≥ 0, or a table of them (keys as text).

    >>> checked_per_district("s", "floor_eok", {"종로구": 9})
    {'종로구': 9.0}
    """
    if value is None:
        if allow_none:
            return None
        raise ParameterError.of("scenario '{name}': {key} is required", name=name, key=key)
    if isinstance(value, Mapping):
        table = {str(k): checked_number(name, f"{key}.{k}", v) for k, v in value.items()}
        for k, v in table.items():
            if v < 0:
                raise ParameterError.of(
                    "scenario '{name}': {key} = {value} is negative: amounts are 억원 ≥ 0",
                    name=name,
                    key=f"{key}.{k}",
                    value=v,
                )
        return table
    v = checked_number(name, key, value)
    if v < 0:
        raise ParameterError.of(
            "scenario '{name}': {key} = {value} is negative: amounts are 억원 ≥ 0",
            name=name,
            key=key,
            value=v,
        )
    return v


_NAME_MAX = 80


def checked_name(value: Any) -> str:
    """The scenario name, refused when it could name a path outside the output folder."""
    if not isinstance(value, str):
        raise ParameterError.of(
            "scenario key 'name' = {value} must be text, e.g. name = \"need_goal\"",
            value=_short(value),
        )
    name = value
    bad = [c for c in name if c in "/\\:" or ord(c) < 32 or ord(c) == 127]
    if not name.strip() or name.strip(". ") == "" or bad or name != name.strip():
        if bad:
            why = msg("contains {char!r}", char=bad[0])
        elif not name.strip():
            why = msg("is empty")
        elif name.strip(". ") == "":
            why = msg("is only dots, which names a folder outside the output folder")
        else:
            why = msg("starts or ends with a space")
        raise ParameterError.of(
            "scenario key 'name' = {name!r} {why}: the name is also the output folder's name, so "
            "use letters, digits, '_', '-' or '.' (no '/', '\\', ':' and not '.' or '..')",
            name=name,
            why=why,
        )
    if len(name) > _NAME_MAX:
        raise ParameterError.of(
            "scenario key 'name' is {n} characters long: use at most {max} (it is also the "
            "output folder's name)",
            n=len(name),
            max=_NAME_MAX,
        )
    return name

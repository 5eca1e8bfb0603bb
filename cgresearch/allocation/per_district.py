"""Per-district scenario values (a scalar, or a table by gu name or code) spread over a table.

Examples
--------
>>> import pandas as pd
>>> d = pd.DataFrame({"adm_code": [11110, 11140], "name_ko": ["종로구", "중구"],
...                   "name_en": ["Jongno-gu", "Jung-gu"]})
>>> resolve_per_district({"Jung-gu": 7, "default": 8}, d, key="cap_eok", scenario="s")
[8, 7]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation.scenario_values import PerDistrict, did_you_mean
from cgresearch.errors import ParameterError

__all__ = ["resolve_per_district"]


def _district_keys(districts: pd.DataFrame) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for i, row in enumerate(districts.itertuples(index=False)):
        for col in ("adm_code", "name_ko", "name_en"):
            if hasattr(row, col):
                value = str(getattr(row, col))
                lookup[value] = i
                lookup[value.lower()] = i
        name_en = str(getattr(row, "name_en", ""))
        if name_en.endswith("-gu"):
            lookup[name_en[:-3].lower()] = i
    return lookup


def resolve_per_district(
    value: PerDistrict | Mapping[str, str],
    districts: pd.DataFrame,
    *,
    key: str,
    scenario: str,
    fill: Any = np.nan,
) -> list[Any]:
    """Expand a scalar or per-district table into one value per row of ``districts``.

    Table keys may be Korean or English names or ``adm_code``; ``default`` fills the rest,
    ``fill`` is used where neither is given. An unknown district raises
    :class:`ParameterError` suggesting the closest name.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": ["11110", "11140"], "name_ko": ["종로구", "중구"],
    ...                   "name_en": ["Jongno-gu", "Jung-gu"]})
    >>> resolve_per_district({"종로구": 9, "default": 8}, d, key="floor_eok", scenario="s")
    [9, 8]
    """
    n = len(districts)
    if value is None:
        return [fill] * n
    if not isinstance(value, Mapping):
        return [value] * n
    lookup = _district_keys(districts)
    default = value.get("default", fill)
    out = [default] * n
    for k, v in value.items():
        if k == "default":
            continue
        i = lookup.get(str(k), lookup.get(str(k).lower()))
        if i is None:
            names = [str(x) for x in districts.get("name_ko", pd.Series(dtype=str))]
            names += [str(x) for x in districts.get("name_en", pd.Series(dtype=str))]
            raise ParameterError.of(
                "scenario '{name}': {key}.{district}: unknown district '{district}'{hint}: use a "
                "Korean or English gu name or a 5-digit adm_code",
                name=scenario,
                key=key,
                district=k,
                hint=did_you_mean(k, names),
            )
        out[i] = v
    return out

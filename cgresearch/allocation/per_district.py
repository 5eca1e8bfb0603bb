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

__all__ = ["district_keys", "resolve_per_district"]


def district_keys(districts: pd.DataFrame) -> dict[str, int]:
    """Return the row position of each gu under every name a scenario may use for it.

    Keys are the ``adm_code``, the Korean and the English name, each as written and lower-case,
    and the English name without "-gu". Built from whole columns (no row objects); build it once
    per district table and pass it to :func:`resolve_per_district` as ``keys`` when resolving
    several per-gu tables against the same districts.

    Parameters
    ----------
    districts : pandas.DataFrame
        The district table (any of ``adm_code``, ``name_ko``, ``name_en``).

    Returns
    -------
    dict of str to int

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [11110, 11140], "name_en": ["Jongno-gu", "Jung-gu"]})
    >>> keys = district_keys(d)
    >>> keys["11140"], keys["jung"], keys["Jongno-gu"]
    (1, 1, 0)
    """
    rows = range(len(districts))
    lookup: dict[str, int] = {}
    for col in ("adm_code", "name_ko", "name_en"):
        if col not in districts.columns:
            continue
        text = [str(v) for v in districts[col].tolist()]
        lookup.update(zip(text, rows, strict=True))
        lookup.update(zip([t.lower() for t in text], rows, strict=True))
        if col == "name_en":
            short = [
                (t[:-3].lower(), i) for t, i in zip(text, rows, strict=True) if t.endswith("-gu")
            ]
            lookup.update(short)
    return lookup


def resolve_per_district(
    value: PerDistrict | Mapping[str, str],
    districts: pd.DataFrame,
    *,
    key: str,
    scenario: str,
    fill: Any = np.nan,
    keys: Mapping[str, int] | None = None,
) -> list[Any]:
    """Expand a scalar or per-district table into one value per row of ``districts``.

    Table keys may be Korean or English names or ``adm_code``; ``default`` fills the rest,
    ``fill`` is used where neither is given. An unknown district raises
    :class:`ParameterError` suggesting the closest name. ``keys`` is
    :func:`district_keys` of ``districts`` when the caller already holds it (built here if not).

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
    lookup = district_keys(districts) if keys is None else keys
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

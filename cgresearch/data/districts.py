"""Seoul's 25 autonomous districts (gu): the real reference tables and a name resolver.

Reads the raw files of ``data/raw/seoul/`` (see its README for sources), validates them with the
declared schemas and offers :func:`resolve_district`, which turns a Korean name, an English name or
an administrative code into the 5-digit ``adm_code`` (MOIS/행정표준, 11110-11740).

Examples
--------
>>> from cgresearch.data.districts import load_districts, resolve_district
>>> len(load_districts())
25
>>> resolve_district("종로구"), resolve_district("jongno"), resolve_district("Jung-gu")
(11110, 11110, 11140)
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch import paths
from cgresearch.data.schemas import (
    ADMIN_DONG_SCHEMA,
    DISTRICTS_SCHEMA,
    Problem,
    ValidationFailed,
    validate_frame,
)
from cgresearch.errors import InputError, Msg, closest_match, msg

__all__ = [
    "District",
    "DistrictLookup",
    "district_lookup",
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_districts",
    "resolve_district",
]

_DISTRICTS = Path("seoul") / "districts.csv"
_ADMIN_DONG = Path("seoul") / "admin_dong_seoul_20220309.csv"
_BOUNDARIES = Path("seoul") / "geo" / "seoul_gu_juso2015_geo_simple.json"

# Seoul's bounding box (WGS84), generous by ~0.05 degrees.
_LON = (126.70, 127.25)
_LAT = (37.38, 37.75)


def _raw(rel: Path) -> Path:
    return paths.raw_data_dir() / rel


def _stamp(rel: Path) -> tuple[str, int]:
    """Return (path, modification time) of a raw file: the key of the read caches."""
    path = _raw(rel)
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        raise InputError(
            f"{path}: raw data file is missing; data/raw/ is part of the repository, so work "
            "from a full clone (and check $CGRESEARCH_ROOT if you set it)"
        ) from None


def load_districts() -> pd.DataFrame:
    """Return the 25 gu of ``data/raw/seoul/districts.csv``, validated, sorted by ``adm_code``.

    Returns
    -------
    DataFrame
        One row per gu with every column of the raw file: ``adm_code`` (int, 11110-11740),
        ``name_ko``, ``name_en``, ``pop_total_2017q1``, ``pop_65plus_2017q1``,
        ``share_65plus_2017q1_pct``, ``area_km2_2014``, ``n_admin_dong_2022_03_09``,
        ``fiscal_independence_pct_kosis_year_unverified`` and the ``source_*`` columns.

    Raises
    ------
    ValidationFailed
        If the raw file broke its schema (it should not: data/MANIFEST pins it).

    Examples
    --------
    >>> d = load_districts()
    >>> int(d["pop_total_2017q1"].sum())
    10197604
    """
    return _read_districts(*_stamp(_DISTRICTS)).copy()


@lru_cache(maxsize=4)
def _read_districts(path_text: str, mtime_ns: int) -> pd.DataFrame:
    path = Path(path_text)
    df = pd.read_csv(path, encoding="utf-8")
    out = validate_frame(df, DISTRICTS_SCHEMA, path.name)
    return out.sort_values("adm_code", ignore_index=True)


def load_admin_dong() -> pd.DataFrame:
    """Return the 426 administrative dong of Seoul (2022-03-09), validated.

    Columns are those of the raw file: ``gu_adm_code`` (int), ``gu_name_ko``,
    ``adm_cd_kostat7`` (int, 7-digit KOSTAT), ``adm_cd2_mois10`` (int, 10-digit MOIS, unique),
    ``dong_name_ko``, ``adm_nm_full``, ``source``. The number of dong per gu is checked against
    ``n_admin_dong_2022_03_09`` of the district table.

    Examples
    --------
    >>> dong = load_admin_dong()
    >>> len(dong), int(dong["gu_adm_code"].nunique())
    (426, 25)
    """
    return _read_admin_dong(*_stamp(_ADMIN_DONG), *_stamp(_DISTRICTS)).copy()


@lru_cache(maxsize=4)
def _read_admin_dong(path_text: str, mtime_ns: int, *districts_stamp: object) -> pd.DataFrame:
    path = Path(path_text)
    df = validate_frame(pd.read_csv(path, encoding="utf-8"), ADMIN_DONG_SCHEMA, path.name)
    counts = df.groupby("gu_adm_code").size()
    expected = load_districts().set_index("adm_code")["n_admin_dong_2022_03_09"]
    problems = [
        Problem(
            path.name,
            None,
            "gu_adm_code",
            int(code),
            f"has {int(counts.get(code, 0))} dong; districts.csv says {int(n)}",
        )
        for code, n in expected.items()
        if int(counts.get(code, 0)) != int(n)
    ]
    if problems:
        raise ValidationFailed(path.name, problems)
    return df.sort_values(["gu_adm_code", "adm_cd2_mois10"], ignore_index=True)


def load_boundaries_geojson() -> dict[str, Any]:
    """Return the gu boundaries as a GeoJSON FeatureCollection (WGS84).

    Each feature's properties gain ``adm_code`` (int), ``name_ko`` and ``name_en``, checked against
    the district table; features are sorted by ``adm_code``. Suited to web maps (Bokeh/Panel).

    Examples
    --------
    >>> gj = load_boundaries_geojson()
    >>> len(gj["features"]), gj["features"][0]["properties"]["name_ko"]
    (25, '종로구')
    """
    return copy.deepcopy(_read_boundaries(*_stamp(_BOUNDARIES), *_stamp(_DISTRICTS)))


@lru_cache(maxsize=4)
def _read_boundaries(path_text: str, mtime_ns: int, *districts_stamp: object) -> dict[str, Any]:
    path = Path(path_text)
    with path.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    names = load_districts().set_index("adm_code")[["name_ko", "name_en"]]
    problems: list[Problem] = []
    features = []
    for i, feat in enumerate(raw.get("features", [])):
        props = feat.get("properties", {})
        try:
            code = int(props.get("SIG_CD"))
        except (TypeError, ValueError):
            problems.append(
                Problem(path.name, None, f"features[{i}].SIG_CD", props.get("SIG_CD"), "not a code")
            )
            continue
        if code not in names.index:
            problems.append(
                Problem(path.name, None, f"features[{i}].SIG_CD", code, "unknown gu code")
            )
            continue
        if props.get("SIG_KOR_NM") != names.at[code, "name_ko"]:
            problems.append(
                Problem(
                    path.name,
                    None,
                    f"features[{i}].SIG_KOR_NM",
                    props.get("SIG_KOR_NM"),
                    f"name differs from districts.csv ({names.at[code, 'name_ko']})",
                )
            )
        problems += _geometry_problems(path.name, i, feat.get("geometry") or {})
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adm_code": code,
                    "name_ko": str(names.at[code, "name_ko"]),
                    "name_en": str(names.at[code, "name_en"]),
                },
                "geometry": feat.get("geometry"),
            }
        )
    codes = [f["properties"]["adm_code"] for f in features]
    if sorted(set(codes)) != sorted(names.index) or len(codes) != len(set(codes)):
        problems.append(
            Problem(path.name, None, None, None, "must hold exactly one feature per gu (25)")
        )
    if problems:
        raise ValidationFailed(path.name, problems)
    features.sort(key=lambda f: f["properties"]["adm_code"])
    return {"type": "FeatureCollection", "features": features}


def _geometry_problems(file: str, i: int, geom: dict[str, Any]) -> list[Problem]:
    kind = geom.get("type")
    if kind == "Polygon":
        polygons = [geom.get("coordinates", [])]
    elif kind == "MultiPolygon":
        polygons = geom.get("coordinates", [])
    else:
        return [Problem(file, None, f"features[{i}].geometry", kind, "must be a (Multi)Polygon")]
    for poly in polygons:
        for ring in poly:
            if len(ring) < 4 or ring[0] != ring[-1]:
                return [Problem(file, None, f"features[{i}].geometry", None, "ring not closed")]
            for lon, lat, *_ in ring:
                if not (_LON[0] <= lon <= _LON[1] and _LAT[0] <= lat <= _LAT[1]):
                    rule = "coordinate outside Seoul (WGS84 lon/lat expected)"
                    return [Problem(file, None, f"features[{i}].geometry", (lon, lat), rule)]
    return []


def load_boundaries() -> pd.DataFrame:
    """Return the gu boundaries as a DataFrame of polygons keyed by ``adm_code``.

    Returns
    -------
    DataFrame
        Columns ``adm_code`` (int), ``name_ko``, ``name_en``, ``geometry`` (the GeoJSON geometry
        dict) and ``rings`` (list of exterior rings, each an ``(n, 2)`` list of ``[lon, lat]``,
        ready for ``matplotlib.patches.Polygon``); 25 rows sorted by ``adm_code``.

    Examples
    --------
    >>> b = load_boundaries()
    >>> list(b.columns)
    ['adm_code', 'name_ko', 'name_en', 'geometry', 'rings']
    """
    rows = []
    for feat in load_boundaries_geojson()["features"]:
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rows.append({**feat["properties"], "geometry": geom, "rings": [p[0] for p in polys]})
    return pd.DataFrame(rows)


# --- resolving names and codes -----------------------------------------------------------------
@dataclass(frozen=True)
class District:
    """One gu: code and names."""

    adm_code: int
    name_ko: str
    name_en: str
    kostat_code: int | None = None


def _key_ko(name: str) -> str:
    s = re.sub(r"\s+", "", name)
    s = re.sub(r"^(서울특별시|서울시|서울)", "", s)
    return s[:-1] if s.endswith("구") and len(s) > 1 else s


def _key_en(name: str) -> str:
    s = re.sub(r"[\s_\-]+", "", name.strip().lower())
    s = re.sub(r"^(seoul)", "", s)
    return s[:-2] if s.endswith("gu") and len(s) > 2 else s


@dataclass(frozen=True)
class DistrictLookup:
    """Resolve district names and codes to :class:`District` records.

    Build it with :func:`district_lookup`. Accepted inputs: ``adm_code`` as int, float or string
    (``11110``, ``"11110"``, ``11110.0``); Korean names with or without ``구`` or a ``서울특별시``
    prefix (``"종로구"``, ``"종로"``); English names in any case, with or without ``-gu``
    (``"Jongno-gu"``, ``"JONGNO"``, ``"jongno gu"``).
    """

    districts: tuple[District, ...]

    @cached_property
    def _index(self) -> dict[str, District]:
        index: dict[str, District] = {}
        for d in self.districts:
            index[f"code:{d.adm_code}"] = d
            index[f"ko:{_key_ko(d.name_ko)}"] = d
            index[f"en:{_key_en(d.name_en)}"] = d
        return index

    def find(self, value: object) -> District | None:
        """Return the district ``value`` names, or ``None`` if it names none."""
        index = self._index
        code = _as_code(value)
        if code is not None:
            return index.get(f"code:{code}")
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if re.search(r"[가-힣]", text):
            return index.get(f"ko:{_key_ko(text)}")
        return index.get(f"en:{_key_en(text)}")

    def district(self, value: object) -> District:
        """Return the district ``value`` names; raise :class:`InputError` with a suggestion."""
        found = self.find(value)
        if found is None:
            raise InputError(self.explain_unknown(value))
        return found

    def resolve(self, value: object) -> int:
        """Return the ``adm_code`` of the district ``value`` names."""
        return self.district(value).adm_code

    def explain_unknown(self, value: object) -> Msg:
        """Return a message for an unknown district, suggesting the closest known name or code
        (a :class:`~cgresearch.errors.Msg`: English as text, ``.localized(lang)`` else)."""
        code = _as_code(value)
        if code is not None:
            by_kostat = {d.kostat_code: d for d in self.districts if d.kostat_code is not None}
            if code in by_kostat:
                d = by_kostat[code]
                return msg(
                    "unknown district {value!r}: {code} looks like a KOSTAT census code (2013); "
                    "cgresearch uses MOIS adm_code, here {adm_code} for {name_ko} ({name_en})",
                    value=value,
                    code=code,
                    adm_code=d.adm_code,
                    name_ko=d.name_ko,
                    name_en=d.name_en,
                )
            near = min(self.districts, key=lambda d: abs(d.adm_code - code))
            return msg(
                "unknown district {value!r}: adm_code must be one of the 25 Seoul gu codes "
                "11110-11740; closest is {adm_code} ({name_ko}, {name_en})",
                value=value,
                adm_code=near.adm_code,
                name_ko=near.name_ko,
                name_en=near.name_en,
            )
        if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
            return msg("district is missing: give a Korean name, an English name or an adm_code")
        text = str(value).strip()
        names = [d.name_ko for d in self.districts] + [d.name_en for d in self.districts]
        # Compare Hangul by jamo (NFD), so that 강넘구 is nearer 강남구 than 강서구.
        keys = {unicodedata.normalize("NFD", n.lower()): n for n in names}
        probe = unicodedata.normalize("NFD", text.lower())
        close = closest_match(probe, keys)
        if close:
            return msg(
                "unknown district {value!r}; did you mean '{hint}'? Use a Korean name (종로구), "
                "an English name (Jongno-gu) or a 5-digit adm_code (11110-11740).",
                value=value,
                hint=keys[close],
            )
        return msg(
            "unknown district {value!r}; Use a Korean name (종로구), an English name "
            "(Jongno-gu) or a 5-digit adm_code (11110-11740).",
            value=value,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return ``adm_code``, ``name_ko``, ``name_en`` as a DataFrame."""
        return pd.DataFrame(
            {
                "adm_code": [d.adm_code for d in self.districts],
                "name_ko": [d.name_ko for d in self.districts],
                "name_en": [d.name_en for d in self.districts],
            }
        )


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return _as_code(value.item())  # type: ignore[union-attr]
    if isinstance(value, str) and re.fullmatch(r"\s*\d{5}(\.0+)?\s*", value):
        return int(float(value))
    return None


def district_lookup(districts: pd.DataFrame | None = None) -> DistrictLookup:
    """Return a :class:`DistrictLookup` over ``districts`` (default: the real 25 gu).

    Examples
    --------
    >>> lk = district_lookup()
    >>> lk.district("Gangnam").name_ko
    '강남구'
    """
    if districts is None:
        return _default_lookup()
    return DistrictLookup(
        tuple(
            District(
                int(r.adm_code),
                str(r.name_ko),
                str(r.name_en),
                int(r.kostat_census_code_2013) if hasattr(r, "kostat_census_code_2013") else None,
            )
            for r in districts.itertuples(index=False)
        )
    )


@lru_cache(maxsize=1)
def _default_lookup() -> DistrictLookup:
    return district_lookup(load_districts())


def resolve_district(name_or_code: object) -> int:
    """Return the ``adm_code`` of a gu given its Korean name, English name or code.

    Raises
    ------
    InputError
        For an unknown name or code, suggesting the closest gu (difflib).

    Examples
    --------
    >>> resolve_district("강남구"), resolve_district("GANGNAM-GU"), resolve_district("11680")
    (11680, 11680, 11680)
    >>> resolve_district("강넘구")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cgresearch.errors.InputError: unknown district '강넘구'; did you mean '강남구'? ...
    """
    return _default_lookup().resolve(name_or_code)

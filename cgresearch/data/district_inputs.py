"""A planner's own district data: newer indicators per gu, and last year's real amounts.

:func:`load_district_indicators` reads a table of indicators per gu (population, 65+, area,
number of administrative dong, fiscal independence) and returns the package's district table
(the columns of :func:`cgresearch.data.load_districts`) with the file's values in place of the
defaults, so every model takes it unchanged. :func:`load_previous_amounts` reads last year's
amounts per gu and returns them in 억원 by ``adm_code``, ready for a scenario's ``previous_eok``.

Both read through :func:`cgresearch.data.tables.read_table` (CSV in UTF-8 or CP949, ``.xlsx``,
``.sav``) and resolve each gu by its Korean or English name or its ``adm_code``. They refuse,
in one message naming file, row, column and value: a missing gu (all listed), a gu given twice
(both rows), an unknown gu (with "did you mean"), text or a blank in a numeric column, a
negative amount or population, and a header whose unit cannot be read. **Units are stated in the
header** (``인구(명)``, ``pop (persons)``, ``면적(km²)``, ``재정자립도(%)``, ``전년도(억원)``), or a
header is renamed to such a text with ``columns={"header in the file": "인구(명)"}``; known
units are converted explicitly (천명 × 1,000, 만명 × 10,000, ha ÷ 100, m² ÷ 10⁶; 백만원 ÷ 100,
천원 ÷ 10⁵, 만원 ÷ 10⁴, 원 ÷ 10⁸).

Examples
--------
>>> import tempfile, pathlib
>>> from cgresearch.data.districts import load_districts
>>> names = load_districts()["name_ko"]
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "prev.csv"
...     rows = ["자치구,전년도 배분액(백만원)"] + [f"{n},1000" for n in names]
...     _ = p.write_text(chr(10).join(rows) + chr(10), encoding="utf-8")
...     prev = load_previous_amounts(p)
>>> len(prev), float(prev.loc[11110])   # 1,000 백만원 = 10 억원
(25, 10.0)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.data.districts import DistrictLookup, district_lookup, load_districts
from cgresearch.data.schemas import DISTRICTS_SCHEMA, Problem, ValidationFailed, validate_frame
from cgresearch.data.tables import read_table
from cgresearch.errors import InputError, ParameterError

__all__ = [
    "AMOUNT_UNITS",
    "INDICATOR_HEADERS",
    "INDICATOR_UNITS",
    "load_district_indicators",
    "load_previous_amounts",
]


@dataclass(frozen=True)
class _Indicator:
    column: str  # the package district table's column
    label: str  # what it is, for messages
    kind: str  # the unit family: a key of INDICATOR_UNITS
    names: frozenset[str]  # normalised header names that mean it
    integer: bool  # whole numbers (persons, dong)


def _key(text: str) -> str:
    """A header name normalised: lower case, without spaces, '_', '-' and '·'."""
    return re.sub(r"[\s_\-·.]+", "", str(text)).lower()


_INDICATORS: tuple[_Indicator, ...] = (
    _Indicator(
        "pop_total_2017q1",
        "population",
        "persons",
        frozenset(
            map(
                _key, ["인구", "총인구", "인구수", "주민등록인구", "pop", "population", "pop_total"]
            )
        ),
        True,
    ),
    _Indicator(
        "pop_65plus_2017q1",
        "population aged 65+",
        "persons",
        frozenset(
            map(
                _key,
                [
                    "65세이상인구",
                    "65세 이상",
                    "고령인구",
                    "노인인구",
                    "elderly",
                    "pop_65plus",
                    "pop 65+",
                    "population 65+",
                    "elderly population",
                ],
            )
        ),
        True,
    ),
    _Indicator(
        "area_km2_2014",
        "area",
        "area",
        frozenset(map(_key, ["면적", "area"])),
        False,
    ),
    _Indicator(
        "n_admin_dong_2022_03_09",
        "number of administrative dong",
        "count",
        frozenset(map(_key, ["행정동수", "행정동 수", "동 수", "dong", "admin dong", "n_dong"])),
        True,
    ),
    _Indicator(
        "fiscal_independence_pct_kosis_year_unverified",
        "fiscal independence",
        "percent",
        frozenset(map(_key, ["재정자립도", "fiscal independence", "fiscal_independence"])),
        False,
    ),
)

#: Header names (normalised) of each indicator -> the package district table's column.
INDICATOR_HEADERS: dict[str, str] = {n: ind.column for ind in _INDICATORS for n in ind.names}

#: Units an indicator header may state, by kind -> {unit: factor to the package's unit}.
INDICATOR_UNITS: dict[str, dict[str, float]] = {
    "persons": {"명": 1, "persons": 1, "person": 1, "people": 1, "천명": 1e3, "만명": 1e4},
    "area": {
        "km²": 1,
        "km2": 1,
        "㎢": 1,
        "sqkm": 1,
        "ha": 0.01,
        "m²": 1e-6,
        "m2": 1e-6,
        "㎡": 1e-6,
    },
    "count": {"개": 1, "개동": 1, "count": 1, "dong": 1},
    "percent": {"%": 1, "percent": 1, "pct": 1},
}
_PACKAGE_UNIT = {"persons": "명", "area": "km²", "count": "개", "percent": "%"}

#: Units of an amount header -> factor to 억원.
AMOUNT_UNITS: dict[str, float] = {
    "억원": 1,
    "억": 1,
    "100millionkrw": 1,
    "eok": 1,
    "백만원": 1e-2,
    "millionkrw": 1e-2,
    "만원": 1e-4,
    "천원": 1e-5,
    "thousandkrw": 1e-5,
    "원": 1e-8,
    "krw": 1e-8,
}

_GU_HEADERS = frozenset(
    map(
        _key,
        [
            "adm_code",
            "행정구역코드",
            "구코드",
            "code",
            "district_code",
            "자치구",
            "자치구명",
            "구",
            "구명",
            "행정구역",
            "gu",
            "district",
            "name_ko",
            "name_en",
            "name",
        ],
    )
)
_NOTE_HEADERS = frozenset(map(_key, ["비고", "메모", "출처", "note", "notes", "source", "remarks"]))
_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*[\(\[（]\s*(?P<unit>[^\)\]）]+?)\s*[\)\]）]\s*$")


def _split_header(header: str) -> tuple[str, str | None]:
    """``'인구 (천명)'`` -> ``('인구', '천명')``; a header without brackets has no unit."""
    m = _UNIT_IN_HEADER.match(header)
    if m is None:
        return header.strip(), None
    return m.group("name").strip(), m.group("unit").strip()


def _scale(values: np.ndarray, factor: float) -> np.ndarray:
    """Convert to the package's unit: × factor, or ÷ its (whole) inverse so that 1,250,000 천원
    is exactly 12.5 억원."""
    return values * factor if factor >= 1 else values / round(1 / factor)


def _unit_key(unit: str) -> str:
    return re.sub(r"\s+", "", unit).lower()


def _header_unit(
    file: str, col: str, units: Mapping[str, float], what: str, example: str, accepted: str
) -> tuple[float | None, Problem | None]:
    """The conversion factor of the unit in ``col``'s header, or the problem of a header whose
    unit is missing or unreadable (naming ``what`` it measures and an ``example`` unit)."""
    name, unit = _split_header(col)
    factor = units.get(_unit_key(unit)) if unit else None
    if factor is not None:
        return factor, None
    said = f"the unit '{unit}' cannot be read" if unit else "the header states no unit"
    return None, Problem(
        file,
        None,
        col,
        None,
        f"{said} for {what}: write it in the header, e.g. '{name}({example})'; accepted units: "
        + accepted,
    )


# --- reading a table of gu -----------------------------------------------------------------------
def _read(path: str | Path, columns: Mapping[str, str] | None) -> tuple[pd.DataFrame, str]:
    p = Path(path)
    table = read_table(p)
    if columns:
        if not isinstance(columns, Mapping):
            raise ParameterError(
                "columns must map a header of the file to a header with its unit, e.g. "
                "{'pop2024': '인구(명)'}"
            )
        unknown = [c for c in columns if c not in table.columns]
        if unknown:
            raise InputError(
                f"{p.name}: columns names {unknown[0]!r}, which is not a header of the file "
                f"(headers: {', '.join(map(str, table.columns))}); fix the mapping"
            )
        table = table.rename(columns=dict(columns))
    return table, p.name


def _gu_columns(table: pd.DataFrame, file: str) -> list[str]:
    found = [c for c in table.columns if _key(_split_header(c)[0]) in _GU_HEADERS]
    if not found:
        raise InputError(
            f"{file}: no column names the gu; add one headed '자치구' (Korean names), 'gu' "
            "(Korean or English names) or 'adm_code' (5-digit codes)"
        )
    return found


def _resolve_rows(
    table: pd.DataFrame, file: str, gu_cols: list[str], lookup: DistrictLookup
) -> tuple[np.ndarray, list[Problem]]:
    """adm_code of each row (0 where unknown) and the problems of missing/duplicated/unknown gu."""
    first = int(table.attrs.get("first_row", 2))
    problems: list[Problem] = []
    codes = np.zeros(len(table), dtype=np.int64)
    for i in range(len(table)):
        row = first + i
        found: dict[str, int] = {}
        bad = False
        for col in gu_cols:
            value = table[col].iloc[i]
            district = lookup.find(value)
            if district is None:
                if col == gu_cols[0] or not pd.isna(value):
                    problems.append(Problem(file, row, col, _plain(value), _unknown(lookup, value)))
                    bad = True
                continue
            found[col] = district.adm_code
        if len(set(found.values())) > 1:
            problems.append(
                Problem(
                    file,
                    row,
                    ", ".join(found),
                    None,
                    "the gu columns name different gu ("
                    + ", ".join(f"{c}: {v}" for c, v in found.items())
                    + "); make them agree",
                )
            )
        elif found and not bad:
            codes[i] = next(iter(found.values()))
    known = {d.adm_code: d for d in lookup.districts}
    rows_of: dict[int, list[int]] = {}
    for i, code in enumerate(codes):
        if code:
            rows_of.setdefault(int(code), []).append(first + i)
    for code, rows in rows_of.items():
        if len(rows) > 1:
            d = known[code]
            problems.append(
                Problem(
                    file,
                    rows[0],
                    gu_cols[0],
                    d.name_ko,
                    f"{d.name_ko} ({d.name_en}) is given {len(rows)} times, in rows "
                    + ", ".join(map(str, rows))
                    + ": keep one row per gu",
                )
            )
    missing = [d for d in lookup.districts if d.adm_code not in rows_of]
    if missing:
        problems.append(
            Problem(
                file,
                None,
                gu_cols[0],
                None,
                f"{len(missing)} gu missing: "
                + ", ".join(f"{d.name_ko} ({d.adm_code})" for d in missing)
                + "; give every one of the 25 gu exactly once",
            )
        )
    return codes, problems


def _unknown(lookup: DistrictLookup, value: object) -> str:
    return lookup.explain_unknown(value)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _numbers(
    table: pd.DataFrame, file: str, col: str, what: str
) -> tuple[np.ndarray, list[Problem]]:
    """The column as floats (thousands separators allowed); text and blanks named by row."""
    s = table[col]
    first = int(table.attrs.get("first_row", 2))
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        values = s.to_numpy(dtype=float)
    else:
        text = s.astype("string").str.replace(",", "", regex=False).str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    problems = []
    for i in np.flatnonzero(~np.isfinite(values)):
        raw = s.iloc[i]
        if pd.isna(raw):
            rule = f"the {what} is blank: give a number"
            value = None
        else:
            rule = f"the {what} must be a number, not text: write digits only (e.g. 162820)"
            value = _plain(raw)
        problems.append(Problem(file, first + int(i), col, value, rule))
    return values, problems


# --- the planner's indicators --------------------------------------------------------------------
def _indicator_of(header: str) -> _Indicator | None:
    name, _ = _split_header(header)
    return next((ind for ind in _INDICATORS if _key(name) in ind.names), None)


def _accepted_headers() -> str:
    return "; ".join(
        f"{ind.label}: e.g. '{sorted(ind.names)[0]}({_PACKAGE_UNIT[ind.kind]})'"
        for ind in _INDICATORS
    )


def load_district_indicators(
    path: str | Path, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return the package's district table with the planner's own indicators from a file.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or CP949), ``.xlsx`` or ``.sav``: one row per gu, a gu column (``자치구``,
        ``gu``, ``adm_code`` ...: Korean or English names or codes) and any of the indicator
        columns, each with its unit in the header: population ``인구(명)`` / ``pop (persons)``
        (also 천명, 만명), 65+ ``65세이상인구(명)``, area ``면적(km²)`` (also ha, m²),
        administrative dong ``행정동수(개)``, fiscal independence ``재정자립도(%)``. Columns
        ``비고``/``notes``/``source`` are ignored; any other column is refused.
    columns : mapping, optional
        Renames headers before they are read, to state a unit the header lacks, e.g.
        ``{"pop2024": "인구(명)"}``.

    Returns
    -------
    DataFrame
        The columns of :func:`cgresearch.data.load_districts` (sorted by ``adm_code``), with the
        file's values in place of the defaults (``share_65plus_2017q1_pct`` recomputed); the
        column names keep their reference-year suffix so every model takes the table unchanged.
        ``attrs``: ``source`` (file name), ``replaced`` (package columns from the file),
        ``units`` (header -> unit read).

    Raises
    ------
    InputError
        One message naming file, row, column and value of every problem: a missing, duplicated
        or unknown gu, text or a blank in a numeric column, a negative or zero population,
        65+ not below the total, a percentage above 100, a unit it cannot read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = load_districts()
    >>> rows = ["adm_code,인구(천명)"] + [f"{c},{p / 1000}" for c, p in
    ...         zip(base["adm_code"], base["pop_total_2017q1"] + 1000)]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "ind.csv"
    ...     _ = p.write_text(chr(10).join(rows) + chr(10), encoding="utf-8")
    ...     t = load_district_indicators(p)
    >>> int(t["pop_total_2017q1"].sum() - base["pop_total_2017q1"].sum())
    25000
    """
    table, file = _read(path, columns)
    base = load_districts()
    lookup = district_lookup(base)
    gu_cols = _gu_columns(table, file)
    codes, problems = _resolve_rows(table, file, gu_cols, lookup)
    chosen: dict[str, tuple[str, float, _Indicator]] = {}  # package column -> header, factor
    units: dict[str, str] = {}
    for col in table.columns:
        if col in gu_cols or _key(col) in _NOTE_HEADERS:
            continue
        ind = _indicator_of(col)
        if ind is None:
            problems.append(
                Problem(
                    file,
                    None,
                    col,
                    None,
                    "not an indicator cgresearch knows; use one of: "
                    + _accepted_headers()
                    + " (or head it '비고' to keep it as a note)",
                )
            )
            continue
        accepted = INDICATOR_UNITS[ind.kind]
        factor, problem = _header_unit(
            file, col, accepted, f"the {ind.label}", _PACKAGE_UNIT[ind.kind], ", ".join(accepted)
        )
        if problem is not None:
            problems.append(problem)
            continue
        if ind.column in chosen:
            problems.append(
                Problem(
                    file,
                    None,
                    col,
                    None,
                    f"the {ind.label} is given twice (also in '{chosen[ind.column][0]}'): "
                    "keep one column",
                )
            )
            continue
        chosen[ind.column] = (col, float(factor), ind)
        units[col] = str(_split_header(col)[1])
    if not chosen and not problems:
        raise InputError(
            f"{file}: no indicator column; add at least one, e.g. {_accepted_headers()}"
        )
    first = int(table.attrs.get("first_row", 2))
    values: dict[str, np.ndarray] = {}
    for column, (col, factor, ind) in chosen.items():
        raw, found = _numbers(table, file, col, ind.label)
        problems += found
        converted = _scale(raw, factor)
        for i in np.flatnonzero(np.isfinite(raw)):
            v, row = converted[i], first + int(i)
            rule = None
            if ind.kind in ("persons", "count", "area") and v <= 0:
                rule = f"the {ind.label} must be positive" + (
                    " (a negative count of persons is impossible)" if v < 0 else ""
                )
            elif ind.kind == "percent" and not 0 <= v <= 100:
                rule = f"the {ind.label} must lie between 0 and 100 %"
            elif ind.kind == "count" and not float(v).is_integer():
                rule = f"the {ind.label} must be a whole number"
            if rule:
                problems.append(Problem(file, row, col, _plain(table[col].iloc[i]), rule))
        values[column] = converted
    out = base.set_index("adm_code")
    if not problems:
        for column, converted in values.items():
            new = pd.Series(converted, index=codes)
            if chosen[column][2].integer:
                new = new.round().astype("int64")
            out[column] = new.reindex(out.index).to_numpy()
        pop, old = out["pop_total_2017q1"], out["pop_65plus_2017q1"]
        for code in out.index[old >= pop]:
            i = int(np.flatnonzero(codes == code)[0])
            col = chosen.get("pop_65plus_2017q1", chosen.get("pop_total_2017q1"))
            assert col is not None
            problems.append(
                Problem(
                    file,
                    first + i,
                    col[0],
                    None,
                    f"the population aged 65+ ({old[code]:,}) is not below the total population "
                    f"({pop[code]:,}) of {out.loc[code, 'name_ko']}: check both columns (and "
                    "their units)",
                )
            )
    if problems:
        raise ValidationFailed(file, problems)
    out["share_65plus_2017q1_pct"] = (
        out["pop_65plus_2017q1"] / out["pop_total_2017q1"] * 100
    ).round(6)
    out = validate_frame(out.reset_index(), DISTRICTS_SCHEMA, file)
    out = out.sort_values("adm_code", ignore_index=True)
    out.attrs = {"source": file, "replaced": list(chosen), "units": units}
    return out


# --- last year's amounts -------------------------------------------------------------------------
def load_previous_amounts(path: str | Path, columns: Mapping[str, str] | None = None) -> pd.Series:
    """Return last year's real amounts per gu in 억원, by ``adm_code`` (for ``previous_eok``).

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or CP949), ``.xlsx`` or ``.sav``: a gu column (``자치구``, ``gu``,
        ``adm_code`` ...) and one amount column whose header states its unit: ``(억원)``,
        ``(백만원)``, ``(만원)``, ``(천원)``, ``(원)`` or ``(100 million KRW)``, ``(million KRW)``,
        ``(thousand KRW)``, ``(KRW)``. Columns ``비고``/``notes``/``source`` are ignored.
    columns : mapping, optional
        Renames headers before they are read, e.g. ``{"2025": "전년도(백만원)"}``.

    Returns
    -------
    Series
        ``previous_eok`` in 억원, indexed by ``adm_code`` (25 gu, sorted); ``attrs["source"]``
        names the file and ``attrs["unit"]`` the unit read.

    Raises
    ------
    InputError
        A missing, duplicated or unknown gu, text or a blank amount, a negative amount, no
        amount column or several, or a unit it cannot read (file, row, column, value named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> codes = load_districts()["adm_code"]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "prev.csv"
    ...     rows = ["adm_code,amount (thousand KRW)"] + [f"{c},1250000" for c in codes]
    ...     _ = p.write_text(chr(10).join(rows) + chr(10), encoding="utf-8")
    ...     float(load_previous_amounts(p).sum())   # 25 × 12.5억원
    312.5
    """
    table, file = _read(path, columns)
    lookup = district_lookup(load_districts())
    gu_cols = _gu_columns(table, file)
    amount_cols = [c for c in table.columns if c not in gu_cols and _key(c) not in _NOTE_HEADERS]
    units = ", ".join(f"({u})" for u in ("억원", "백만원", "만원", "천원", "원", "100 million KRW"))
    if len(amount_cols) != 1:
        what = (
            "no amount column"
            if not amount_cols
            else (f"{len(amount_cols)} amount columns (" + ", ".join(amount_cols) + ")")
        )
        raise InputError(
            f"{file}: {what}; give exactly one column of last year's amounts with its unit in "
            f"the header, e.g. '전년도 배분액(억원)' (units: {units})"
        )
    col = amount_cols[0]
    factor, problem = _header_unit(file, col, AMOUNT_UNITS, "last year's amounts", "억원", units)
    codes, problems = _resolve_rows(table, file, gu_cols, lookup)
    if problem is not None:
        problems.append(problem)
    raw, found = _numbers(table, file, col, "amount")
    problems += found
    first = int(table.attrs.get("first_row", 2))
    for i in np.flatnonzero(np.isfinite(raw) & (raw < 0)):
        problems.append(
            Problem(file, first + int(i), col, _plain(table[col].iloc[i]), "an amount must be ≥ 0")
        )
    if problems:
        raise ValidationFailed(file, problems)
    assert factor is not None
    out = pd.Series(
        _scale(raw, factor), index=pd.Index(codes, name="adm_code"), name="previous_eok"
    )
    out = out.sort_index()
    out.attrs = {"source": file, "unit": str(_split_header(col)[1])}
    return out

"""Seoul's participatory budget over time: the facts file, validated, and its 2012–2025 series.

``data/raw/seoul/governance_budget_facts.csv`` holds one published fact per row (year, year
basis, programme, metric, value, unit, source ids; ``data/raw/seoul/README.md`` §2).
:func:`load_pb_facts` reads it with a schema: known units only (``count``, ``억원``,
``persons``, ``flag``), years 2000–2100 or empty (the year is not stated), values that are numbers
or a range ``a-b``, and at least one source id ``S..`` per row. Every problem is reported with
the file, row (header = row 1), column and value.

:func:`pb_series` picks the Seoul-wide series of the citizen participatory budget — the total,
the envelopes by type, proposals, projects put to the vote, projects selected, committee members
— one row per year 2012–2025 and series, each value with its source ids, year basis and note.
Years without a published figure stay empty (NaN): a gap is never interpolated. Facts without a
stated year (S15's structure) are left out of the series.

Examples
--------
>>> facts = load_pb_facts()
>>> sorted(facts["unit"].unique())
['count', 'flag', 'persons', '억원']
>>> s = pb_series(facts)
>>> s.loc[(s["series"] == "proposals") & (s["year"] == 2016), "value"].item()
3815.0
>>> bool(s.loc[(s["series"] == "proposals") & (s["year"] == 2015), "value"].isna().item())
True
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.data.schemas import Problem, ValidationFailed
from cgresearch.paths import raw_data_dir

__all__ = ["FACT_UNITS", "PB_SERIES", "SERIES_YEARS", "load_pb_facts", "pb_series"]

#: Units the facts file may use, and what they mean.
FACT_UNITS: dict[str, str] = {
    "count": "a number of things (proposals, projects, gu)",
    "억원": "100 million KRW",
    "persons": "a number of people",
    "flag": "1 = introduced / true",
}
#: Years of the series.
SERIES_YEARS: tuple[int, ...] = tuple(range(2012, 2026))

_COLUMNS = (
    "year",
    "year_basis",
    "program_ko",
    "program_en",
    "scope",
    "gu_name_ko",
    "metric",
    "value",
    "unit",
    "note",
    "source_ids",
)
_PB = ("Citizen participatory budget", "Participatory budget")

#: Series of :func:`pb_series`: name -> (unit, programmes (English), metrics).
PB_SERIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "total_eok": (
        "억원",
        _PB,
        (
            "budget selected",
            "budget envelope",
            "total selection envelope",
            "total",
            "total (approx.)",
        ),
    ),
    "city_participation_eok": (
        "억원",
        ("City participation type", "City-level participation type"),
        ("envelope",),
    ),
    "city_collaborative_eok": ("억원", ("City collaborative-governance type",), ("envelope",)),
    "gu_participation_eok": (
        "억원",
        ("Local participation type", "Local (gu) participation type"),
        ("envelope", "envelope (approx.)"),
    ),
    "dong_pilot_eok": ("억원", ("Dong-level pilot",), ("envelope",)),
    "proposals": (
        "count",
        (*_PB, "Participatory budgeting fair (first year)", "PB general assembly"),
        ("citizen proposals", "citizen proposals received", "proposals received (Feb–Mar 2019)"),
    ),
    "put_to_vote": (
        "count",
        (*_PB, "PB general assembly"),
        (
            "projects put to general assembly vote",
            "proposals passing screening (시정참여형)",
            "projects put to citizen vote",
        ),
    ),
    "projects_selected": ("count", _PB, ("projects selected",)),
    "committee_members": ("persons", ("PB committee",), ("committee members",)),
}

_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")
_SOURCE = re.compile(r"^S\d{2}$")


def load_pb_facts(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the facts file.

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/raw/seoul/governance_budget_facts.csv``.

    Returns
    -------
    pandas.DataFrame
        The file's columns plus ``row`` (the file row, header = 1), ``value_num`` (float; NaN
        for a range), ``value_low`` / ``value_high`` (a range's ends, else the value) and
        ``year`` as a nullable integer.

    Raises
    ------
    ValidationFailed
        (an :class:`~cgresearch.errors.InputError`) listing every problem: unknown unit, bad
        year, value that is not a number or range, missing or malformed source ids, missing
        columns.
    """
    p = Path(path) if path is not None else raw_data_dir() / "seoul" / "governance_budget_facts.csv"
    if not p.is_file():
        raise ValidationFailed(str(p), [Problem(p.name, None, None, None, "no such file")])
    df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    name = p.name
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise ValidationFailed(
            name, [Problem(name, None, c, None, "required column is missing") for c in missing]
        )
    problems: list[Problem] = []
    years: list[object] = []
    nums, lows, highs = [], [], []
    for i, r in enumerate(df.itertuples(index=False)):
        row = i + 2
        unit = r.unit.strip()
        if unit not in FACT_UNITS:
            problems.append(
                Problem(
                    name, row, "unit", r.unit, f"unknown unit; use one of {', '.join(FACT_UNITS)}"
                )
            )
        y = r.year.strip()
        if y == "":
            years.append(pd.NA)
        elif y.isdigit() and 2000 <= int(y) <= 2100:
            years.append(int(y))
        else:
            years.append(pd.NA)
            problems.append(Problem(name, row, "year", r.year, "a year 2000-2100, or empty"))
        v = r.value.strip()
        m = _RANGE.match(v)
        try:
            x = float(v)
            nums.append(x)
            lows.append(x)
            highs.append(x)
        except ValueError:
            if m:
                nums.append(np.nan)
                lows.append(float(m.group(1)))
                highs.append(float(m.group(2)))
            else:
                nums.append(np.nan)
                lows.append(np.nan)
                highs.append(np.nan)
                problems.append(Problem(name, row, "value", r.value, "a number or a range a-b"))
        ids = [s.strip() for s in r.source_ids.split(";") if s.strip()]
        if not ids or not all(_SOURCE.match(s) for s in ids):
            problems.append(
                Problem(name, row, "source_ids", r.source_ids, "one or more ids S01..S99, ';'")
            )
    if problems:
        raise ValidationFailed(name, problems)
    out = df.copy()
    out.insert(0, "row", np.arange(2, len(df) + 2))
    out["year"] = pd.array(years, dtype="Int64")
    out["unit"] = out["unit"].str.strip()
    out["value_num"] = nums
    out["value_low"] = lows
    out["value_high"] = highs
    return out


def pb_series(facts: pd.DataFrame, years: tuple[int, ...] = SERIES_YEARS) -> pd.DataFrame:
    """The Seoul-wide participatory-budget series, one row per (series, year), gaps as NaN.

    Parameters
    ----------
    facts : pandas.DataFrame
        From :func:`load_pb_facts`.
    years : tuple of int
        The years of the series (2012–2025).

    Returns
    -------
    pandas.DataFrame
        ``series``, ``year``, ``value`` (NaN where nothing was published), ``unit``,
        ``source_ids``, ``year_basis``, ``note`` and ``row`` (the facts file row; 0 for a gap).
        When two facts name the same year and series, the first in the file is kept.
    """
    seoul = facts[facts["scope"].str.startswith("Seoul") & facts["year"].notna()]
    rows = []
    for series, (unit, programmes, metrics) in PB_SERIES.items():
        hit = seoul[
            seoul["program_en"].isin(programmes)
            & seoul["metric"].isin(metrics)
            & (seoul["unit"] == unit)
        ]
        first = hit.drop_duplicates("year", keep="first").set_index("year")
        for y in years:
            if y in first.index:
                f = first.loc[y]
                rows.append(
                    {
                        "series": series,
                        "year": y,
                        "value": float(f["value_num"]),
                        "unit": unit,
                        "source_ids": f["source_ids"],
                        "year_basis": f["year_basis"],
                        "note": f["note"],
                        "row": int(f["row"]),
                    }
                )
            else:
                rows.append(
                    {
                        "series": series,
                        "year": y,
                        "value": np.nan,
                        "unit": unit,
                        "source_ids": "",
                        "year_basis": "",
                        "note": "",
                        "row": 0,
                    }
                )
    return pd.DataFrame(rows)

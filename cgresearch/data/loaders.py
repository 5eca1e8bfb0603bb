"""Loaders: read what researchers receive, validate it against declared schemas, return DataFrames.

Accepted files: CSV in UTF-8 (with or without BOM) or CP949 (Korean government files; detected),
Excel ``.xlsx`` (openpyxl) and SPSS ``.sav`` (pyreadstat; value labels and column labels are kept
in ``DataFrame.attrs``), read by :func:`cgresearch.data.tables.read_table`, which first refuses a
file whose shape is broken (empty, cut, ragged rows, wrong delimiter, title or second header row,
duplicate column names). A table that breaks its schema raises one
:class:`~cgresearch.data.schemas.ValidationFailed` (an :class:`~cgresearch.errors.InputError`)
listing every problem: file, row as seen in the file (header = row 1; for ``.sav`` the case
number), column, value and rule.

Districts may be given as Korean names, English names or 5-digit adm_codes (``gu_code`` and/or
``gu_name`` columns); the loaders return both ``gu_code`` (int) and the Korean ``gu_name``.

The real Seoul reference tables (districts, administrative dong, boundaries) are read by
:mod:`cgresearch.data.districts` and re-exported here so that every loader has one home.

Examples
--------
>>> from cgresearch.data.loaders import validate_survey
>>> from cgresearch.data.synth import generate_survey
>>> s = validate_survey(generate_survey(seed=1))
>>> float(s["trust_1"].max()), s.attrs["missing_codes"]["trust_1"][8] > 0
(5.0, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.data.cleaning import Cleaner, table_context
from cgresearch.data.codebook import Codebook, load_codebook
from cgresearch.data.districts import (
    DistrictLookup,
    district_lookup,
    load_admin_dong,
    load_boundaries,
    load_boundaries_geojson,
    load_districts,
)
from cgresearch.data.schemas import (
    INVENTORY_SCHEMA,
    LIKERT_MISSING_CODES,
    PROPOSALS_SCHEMA,
    SURVEY_CODED_ITEMS,
    SURVEY_ITEM_CODES,
    SURVEY_LIKERT_COLUMNS,
    SURVEY_SCHEMA,
    survey_item_rule,
    validate_frame,
)
from cgresearch.data.tables import read_table
from cgresearch.vocabulary import FUNDING_SOURCES, RESPONDENT_GROUPS

__all__ = [
    "SURVEY_REQUIRED_ITEMS",
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_districts",
    "load_inventory",
    "load_proposals",
    "load_survey",
    "read_table",
    "validate_inventory",
    "validate_proposals",
    "validate_survey",
]


#: SURVEY_SCHEMA without the coded items, which :func:`_coded_items` checks in one block.
_SURVEY_ROWS_SCHEMA = SURVEY_SCHEMA.remove_columns(list(SURVEY_ITEM_CODES))

#: The Likert items a survey file must hold when no codebook says otherwise: every item of the
#: package's questionnaire (the default scales: trust, CG perception, importance, performance).
SURVEY_REQUIRED_ITEMS: tuple[str, ...] = SURVEY_LIKERT_COLUMNS


def _require_items(cl: Cleaner, columns: Iterable[str], required: Iterable[str]) -> None:
    """Record each required item column that the table lacks."""
    present = set(columns)
    for c in required:
        if c not in present:
            scale = _SCALE_NAMES.get(c.split("_", 1)[0], "survey")
            cl.add(
                None,
                c,
                None,
                f"required item column is missing ({c} belongs to the {scale} scale): add the "
                "column, or give a codebook that lists the items your survey asked "
                "(load_survey codebook=, report parameter codebook_file)",
            )


_SCALE_NAMES = {
    "trust": "trust",
    "cg": "CG perception",
    "imp": "importance",
    "perf": "performance",
}


def _coded_items(
    cl: Cleaner, columns: list[str], keep_missing_codes: bool
) -> tuple[pd.DataFrame | None, dict[str, dict[int, int]]]:
    """The coded items as one float block, checked against their codes, 8/9 counted.

    Every cell that is not blank and not a valid code of its column
    (:data:`~cgresearch.data.schemas.SURVEY_ITEM_CODES`) is recorded with the schema's rule;
    the 8 (don't know) and 9 (refused) codes are counted per column and become NaN unless
    kept. Works on whole columns (numpy), never per row.
    """
    counts: dict[str, dict[int, int]] = {}
    if not columns:
        return None, counts
    block = np.empty((len(cl.df), len(columns)), dtype=np.float64, order="F")
    for j, c in enumerate(columns):
        block[:, j] = cl.numeric(c).to_numpy(dtype=np.float64, na_value=np.nan)
    for j, c in enumerate(columns):
        values = block[:, j]  # a view: the changes below go into the block
        allowed = SURVEY_ITEM_CODES[c]
        wrong = ~(np.isnan(values) | np.isin(values, allowed))
        for i in np.flatnonzero(wrong):
            v = float(values[i])
            cl.add(int(i), c, int(v) if v.is_integer() else v, survey_item_rule(c))
        hits = {k: values == k for k in LIKERT_MISSING_CODES}
        counts[c] = {k: int(hit.sum()) for k, hit in hits.items()}
        if not keep_missing_codes:
            for hit in hits.values():
                values[hit] = np.nan
    return pd.DataFrame(block, columns=columns, copy=False), counts


def _integers(s: pd.Series) -> pd.Series:
    """Return whole numbers as int64, or nullable Int64 when some are missing."""
    return s.astype("Int64") if s.isna().any() else s.astype("int64")


def _keep_other_columns(out: pd.DataFrame, df: pd.DataFrame, done: Iterable[str]) -> None:
    for c in df.columns:
        if c not in done and c not in out.columns:
            out[c] = df[c].set_axis(out.index)


# --- survey -----------------------------------------------------------------------------------


def validate_survey(
    df: pd.DataFrame,
    source: str | None = None,
    keep_missing_codes: bool = False,
    lookup: DistrictLookup | None = None,
    *,
    required_items: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Validate survey responses and return them typed, with 8/9 codes as missing.

    Rules: ``resp_id`` present and unique; the district (``gu_code`` and/or ``gu_name``: Korean,
    English or code) is one of the 25 gu; ``group`` is public / cso / resident (or their Korean
    or English labels); ``weight`` present, numeric and positive; ``fpc`` (if given) positive and
    at least the stratum's sample size; Likert items (``trust_*``, ``cg_*``, ``imp_T*``,
    ``perf_T*``) in 1-5, 8 (don't know), 9 (refused) or blank; ``sex`` 1-2, ``age_group`` 1-5,
    ``compact_aware`` 1-3 when present.

    Parameters
    ----------
    df : DataFrame
        Responses as read (text cells, see :func:`read_table`) or as generated.
    source : str, optional
        Name for messages (default ``df.attrs["source"]`` or ``"<DataFrame>"``).
    keep_missing_codes : bool
        Keep 8 and 9 in the Likert items instead of turning them into NaN.
    lookup : DistrictLookup, optional
        District resolver (default: the real 25 gu).
    required_items : iterable of str, optional
        Likert item columns the table must hold (each one missing is a problem); default none,
        so that a frame of a few items validates. :func:`load_survey` requires the package's
        items (:data:`SURVEY_REQUIRED_ITEMS`) or those of the codebook.

    Returns
    -------
    DataFrame
        ``resp_id``, ``gu_code`` (int64), ``gu_name`` (Korean), ``group``, ``stratum`` (given or
        ``f"{gu_code}_{group}"``), ``weight``, ``fpc`` (if given), coded items as float64 with NaN,
        then any other columns unchanged. ``attrs["missing_codes"]`` counts the 8/9 codes per item.

    Raises
    ------
    ValidationFailed
        Listing every problem found.
    """
    src, rows = table_context(df, source)
    cl = Cleaner(df, src, rows)
    lk = lookup or district_lookup()
    cl.require("resp_id", "group", "weight")
    out = pd.DataFrame(index=df.index)
    if "resp_id" in df.columns:
        out["resp_id"] = cl.text("resp_id")
    out["gu_code"], out["gu_name"] = cl.districts(lk)
    if "group" in df.columns:
        out["group"] = cl.coded("group", RESPONDENT_GROUPS)
    if "stratum" in df.columns:
        out["stratum"] = cl.text("stratum")
    elif "group" in df.columns:
        text = pd.StringDtype(na_value=np.nan)
        out["stratum"] = out["gu_code"].astype(text).str.cat(out["group"].astype(text), sep="_")
    if "weight" in df.columns:
        out["weight"] = cl.numeric("weight")
    if "fpc" in df.columns:
        out["fpc"] = cl.numeric("fpc")
    coded = [c for c in df.columns if c in SURVEY_CODED_ITEMS or c in SURVEY_LIKERT_COLUMNS]
    for c in coded:  # importance and performance items come in pairs (the IPA needs both)
        for a, b in (("imp_", "perf_"), ("perf_", "imp_")):
            if c.startswith(a) and c.replace(a, b, 1) not in df.columns:
                cl.add(
                    None,
                    c.replace(a, b, 1),
                    None,
                    f"required column is missing: {c} needs its pair {c.replace(a, b, 1)} "
                    "(importance and performance of a task are asked together)",
                )
    if required_items is not None:
        _require_items(cl, df.columns, required_items)
    items, counts = _coded_items(cl, coded, keep_missing_codes)
    if items is not None:  # one block of the items, joined once (no per-column copies)
        out = pd.concat([out, items.set_axis(out.index)], axis=1)
    if "tenure_years" in df.columns:
        out["tenure_years"] = cl.numeric("tenure_years")
    if "fpc" in out.columns and "stratum" in out.columns:
        n_h = out.groupby("stratum", dropna=True)["fpc"].transform("size")
        small = out["fpc"].notna() & (out["fpc"] > 0) & (out["fpc"] < n_h)
        for i in np.flatnonzero(small.to_numpy()):
            cl.add(
                int(i),
                "fpc",
                float(out["fpc"].iloc[i]),
                f"fpc (stratum population N_h) is below the stratum's {int(n_h.iloc[i])} "
                "respondents; fpc must be the population size, not a sampling fraction",
            )
    _keep_other_columns(out, df, out.columns)
    checked = validate_frame(out, _SURVEY_ROWS_SCHEMA, src, rows, cl.problems)
    checked["gu_code"] = checked["gu_code"].astype("int64")
    checked.attrs = {
        **{k: v for k, v in df.attrs.items() if k not in ("first_row", "stripped")},
        "source": src,
        "missing_codes": counts,
    }
    return checked


def load_survey(
    path: str | Path,
    keep_missing_codes: bool = False,
    sheet: str | int = 0,
    *,
    codebook: str | Path | Codebook | None = None,
    sep: str | None = None,
    items: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read and validate a survey file (CSV UTF-8/CP949, .xlsx or .sav).

    See :func:`read_table` for the faults of shape refused first and :func:`validate_survey` for
    the rules and the result; ``.sav`` value labels stay in ``attrs["value_labels"]`` (and
    numeric ``group`` or ``gu_name`` codes are read through them). With a ``codebook``
    (:func:`~cgresearch.data.codebook.load_codebook`) the file's columns and codes are first
    mapped to the package's (:meth:`~cgresearch.data.codebook.Codebook.apply`) and every item it
    lists is required; without one, every item of the package's questionnaire is required
    (:data:`SURVEY_REQUIRED_ITEMS`: the items of the default scales), so a file that lost an
    item column is refused with the column and the file named. ``items`` names the required
    items instead (a survey in the package's column names that asked fewer questions). ``sep``
    is the CSV delimiter when it is not a comma.

    The package's columns are parsed straight to their types while the CSV is read, and every
    check works once per column (or per distinct value), so loading a 1,000,000-row survey
    costs a few times a bare ``pandas.read_csv`` (``benchmarks/data_io.py``).

    A limit: a CSV cut exactly at a line break (the last rows lost, every remaining row whole)
    cannot be told from a complete file; compare the number of respondents with the fieldwork
    report or the file's sha256 with the one you were given (``data/MANIFEST``). A file cut
    inside a row is refused (:func:`read_table`).

    Examples
    --------
    >>> from cgresearch.data.synth import generate_survey, write_survey_sav
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_survey_sav(generate_survey(seed=1), pathlib.Path(d) / "s.sav")
    ...     s = load_survey(p)
    >>> len(s), s.attrs["value_labels"]["sex"][2.0]
    (1800, '여성')
    """
    book = None
    if codebook is not None:
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    declared = _SURVEY_TYPES if book is None else _codebook_types(book)
    table = read_table(path, sheet, sep=sep, dtypes=declared)
    if book is not None:
        table = book.apply(table)
    if items is not None:
        required: Iterable[str] = list(items)
    else:
        required = book.items if book is not None else SURVEY_REQUIRED_ITEMS
    return validate_survey(table, keep_missing_codes=keep_missing_codes, required_items=required)


#: The survey's columns as :func:`read_table` parses them from a CSV (no type guessing).
_SURVEY_TYPES: dict[str, str] = {
    **dict.fromkeys(SURVEY_ITEM_CODES, "float64"),
    **dict.fromkeys(("weight", "fpc", "tenure_years"), "float64"),
    **dict.fromkeys(("resp_id", "stratum"), "str"),
}


def _codebook_types(book: Codebook) -> dict[str, str]:
    """The CSV types of a codebook's item columns, under the file's own names."""
    return {v.name: "float64" for v in book.variables if v.is_item}


# --- inventory --------------------------------------------------------------------------------
def validate_inventory(
    df: pd.DataFrame, source: str | None = None, lookup: DistrictLookup | None = None
) -> pd.DataFrame:
    """Validate a CG project inventory and return it typed.

    Rules: ``project_id`` present and unique; district known; ``funding_source`` a code of
    :data:`~cgresearch.vocabulary.FUNDING_SOURCES` (or its Korean/English label);
    ``budget_mkrw`` numeric and not negative; ``policy_task`` T1-T5, ``strategy`` S1-S7 and
    ``year`` a 4-digit year when given.
    """
    src, rows = table_context(df, source)
    cl = Cleaner(df, src, rows)
    cl.require("project_id", "funding_source", "budget_mkrw")
    out = pd.DataFrame(index=df.index)
    if "project_id" in df.columns:
        out["project_id"] = cl.text("project_id")
    for c in ("title_ko", "title_en"):
        if c in df.columns:
            out[c] = cl.text(c)
    out["gu_code"], out["gu_name"] = cl.districts(lookup or district_lookup())
    for c in ("policy_task", "strategy"):
        if c in df.columns:
            out[c] = cl.text(c)
    if "funding_source" in df.columns:
        out["funding_source"] = cl.coded("funding_source", FUNDING_SOURCES)
    if "department" in df.columns:
        out["department"] = cl.text("department")
    if "year" in df.columns:
        out["year"] = cl.numeric("year")
    if "budget_mkrw" in df.columns:
        out["budget_mkrw"] = cl.numeric("budget_mkrw")
    _keep_other_columns(out, df, out.columns)
    checked = validate_frame(out, INVENTORY_SCHEMA, src, rows, cl.problems)
    checked["gu_code"] = checked["gu_code"].astype("int64")
    if "year" in checked.columns:
        checked["year"] = _integers(checked["year"])
    checked.attrs = {"source": src}
    return checked


def load_inventory(path: str | Path, sheet: str | int = 0, sep: str | None = None) -> pd.DataFrame:
    """Read and validate a CG project inventory (CSV UTF-8/CP949, .xlsx or .sav).

    Examples
    --------
    >>> from cgresearch.data.synth import generate_inventory
    >>> inv = validate_inventory(generate_inventory(seed=1))
    >>> int(inv["budget_mkrw"].sum())
    7661500
    """
    return validate_inventory(read_table(path, sheet, sep=sep))


# --- proposals --------------------------------------------------------------------------------
def validate_proposals(
    df: pd.DataFrame, source: str | None = None, lookup: DistrictLookup | None = None
) -> pd.DataFrame:
    """Validate resident project proposals and return them typed.

    Rules: ``proposal_id`` present and unique; district known; ``cost_mkrw`` numeric and positive
    (a negative or zero cost is an error); ``votes`` a count >= 0; ``dong_code`` (if given) a real
    10-digit adm_cd2 of the proposal's gu; ``policy_task`` T1-T5; ``mandatory`` and
    ``partial_allowed`` true/false (blank = false).

    Examples
    --------
    >>> from cgresearch.data.synth import generate_proposals
    >>> len(validate_proposals(generate_proposals(seed=1, n=100)))
    100
    """
    src, rows = table_context(df, source)
    cl = Cleaner(df, src, rows)
    cl.require("proposal_id", "cost_mkrw")
    out = pd.DataFrame(index=df.index)
    if "proposal_id" in df.columns:
        out["proposal_id"] = cl.text("proposal_id")
    out["gu_code"], out["gu_name"] = cl.districts(lookup or district_lookup())
    if "dong_code" in df.columns:
        dong = cl.numeric("dong_code")
        gu_of = load_admin_dong().set_index("adm_cd2_mois10")["gu_adm_code"]
        for i, (d, g) in enumerate(zip(dong, out["gu_code"], strict=True)):
            if pd.isna(d):
                continue
            if int(d) not in gu_of.index:
                cl.add(i, "dong_code", int(d), "not a Seoul adm_cd2 (10-digit MOIS dong code)")
            elif not pd.isna(g) and int(gu_of[int(d)]) != int(g):
                cl.add(i, "dong_code", int(d), f"dong lies in gu {int(gu_of[int(d)])}, not {g}")
        out["dong_code"] = dong.astype("Int64")
    for c in ("title_ko", "title_en", "policy_task"):
        if c in df.columns:
            out[c] = cl.text(c)
    if "cost_mkrw" in df.columns:
        out["cost_mkrw"] = cl.numeric("cost_mkrw")
    for c in ("votes", "score"):
        if c in df.columns:
            out[c] = cl.numeric(c)
    for c in ("mandatory", "partial_allowed"):
        if c in df.columns:
            out[c] = cl.boolean(c)
    _keep_other_columns(out, df, out.columns)
    checked = validate_frame(out, PROPOSALS_SCHEMA, src, rows, cl.problems)
    checked["gu_code"] = checked["gu_code"].astype("int64")
    for c in ("votes", "dong_code"):
        if c in checked.columns:
            checked[c] = _integers(checked[c])
    checked.attrs = {"source": src}
    return checked


def load_proposals(path: str | Path, sheet: str | int = 0, sep: str | None = None) -> pd.DataFrame:
    """Read and validate resident project proposals (CSV UTF-8/CP949, .xlsx or .sav)."""
    return validate_proposals(read_table(path, sheet, sep=sep))

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
    SURVEY_LIKERT_COLUMNS,
    SURVEY_SCHEMA,
    Problem,
    validate_frame,
)
from cgresearch.data.tables import _as_text, _map_unique, _text_column, read_table
from cgresearch.errors import N_, closest_match, msg
from cgresearch.vocabulary import FUNDING_SOURCES, RESPONDENT_GROUPS

__all__ = [
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


# --- shared cleaning helpers ------------------------------------------------------------------
class _Cleaner:
    """Collects problems while turning text cells into typed columns."""

    def __init__(self, df: pd.DataFrame, source: str, row_numbers: list[int]) -> None:
        self.value_labels: dict[str, dict[object, str]] = dict(df.attrs.get("value_labels", {}))
        self.stripped = bool(df.attrs.get("stripped", False))
        self.df = df.copy(deep=False)
        self.df.attrs = {}  # pandas deep-copies attrs on every column access
        self.source = source
        self.rows = np.asarray(row_numbers)
        self.problems: list[Problem] = []

    def add(self, i: int | None, column: str | None, value: object, rule: str) -> None:
        row = None if i is None else int(self.rows[i])
        self.problems.append(Problem(self.source, row, column, value, rule))

    def require(self, *columns: str) -> bool:
        missing = [c for c in columns if c not in self.df.columns]
        for c in missing:
            self.add(None, c, None, N_("required column is missing"))
        return not missing

    def numeric(self, column: str) -> pd.Series:
        raw = self.df[column]
        if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
            return raw.astype("float64")
        try:
            num = raw.astype("float64")  # fast path: every cell is a number or blank
        except (TypeError, ValueError):
            num = pd.to_numeric(raw.astype(object), errors="coerce").astype("float64")
        bad = (raw.notna().to_numpy() & num.isna().to_numpy()) | np.isinf(num.to_numpy())
        for i in np.flatnonzero(bad):
            self.add(int(i), column, raw.iloc[i], N_("must be a (finite) number"))
        return num.where(~np.isinf(num))

    def _text(self, values: pd.Series) -> pd.Series:
        if self.stripped and isinstance(values.dtype, pd.StringDtype):
            return values
        return _text_column(values)

    def text(self, column: str) -> pd.Series:
        return self._text(self.df[column]).astype(pd.StringDtype(na_value=np.nan))

    def _keys(self, column: str) -> pd.Series:
        """Text keys of a column, read through its .sav value labels if it has any."""
        values = self.df[column]
        labels = self.value_labels.get(column)
        if labels:
            values = pd.Series(
                _map_unique(values, lambda u: labels.get(_as_float(u), u)), index=values.index
            )
        return self._text(values)

    def districts(self, lookup: DistrictLookup) -> tuple[pd.Series, pd.Series]:
        """Resolve ``gu_code`` and/or ``gu_name`` into (code Int64, Korean name).

        With both columns, a row's ``gu_code`` is used when given and its ``gu_name`` otherwise;
        when both are given they must agree. An unknown name or code is reported on its own
        column with the nearest district ("did you mean 종로구?").
        """
        has_code, has_name = "gu_code" in self.df.columns, "gu_name" in self.df.columns
        index = self.df.index
        if not (has_code or has_name):
            self.add(None, "gu_code", None, "required column is missing (give gu_code or gu_name)")
            return pd.Series(pd.NA, index=index, dtype="Int64"), pd.Series(
                [np.nan] * len(index), index=index, dtype=pd.StringDtype(na_value=np.nan)
            )

        def resolve(column: str) -> tuple[pd.Series, np.ndarray]:
            """(text keys, adm_code as float: NaN when blank, -1 when unknown)."""
            keys = self._keys(column)
            codes, uniques = pd.factorize(keys, use_na_sentinel=True)
            found = [getattr(lookup.find(k), "adm_code", -1) for k in uniques]
            return keys, np.append(np.asarray(found, dtype=float), np.nan)[codes]

        if has_code:
            keys, code = resolve("gu_code")
            from_name = np.zeros(len(index), dtype=bool)
        if has_name:
            name_keys, name_code = resolve("gu_name")
            if not has_code:
                keys, code = name_keys, name_code
                from_name = np.ones(len(index), dtype=bool)
            else:
                from_name = np.isnan(code)
                code = np.where(from_name, name_code, code)
                clash = ~from_name & ~np.isnan(name_code) & (name_code != code) & (code != -1)
                for i in np.flatnonzero(clash):
                    c = int(code[i])
                    self.add(
                        int(i),
                        "gu_name",
                        name_keys.iloc[i],
                        f"does not match gu_code {c} ({lookup.district(c).name_ko}); fix one "
                        "of the two",
                    )
        unknown = np.isnan(code) | (code == -1)
        for i in np.flatnonzero(unknown):
            key = (name_keys if from_name[i] else keys).iloc[i]
            column = "gu_name" if from_name[i] else ("gu_code" if has_code else "gu_name")
            self.add(int(i), column, None if pd.isna(key) else key, lookup.explain_unknown(key))
        code = np.where(unknown, np.nan, code)
        codes = pd.array(code, dtype="Float64").astype("Int64")
        codes = pd.Series(codes, index=index)
        name_of = {float(d.adm_code): d.name_ko for d in lookup.districts}
        factor, uniques = pd.factorize(code, use_na_sentinel=True)
        names = np.array([name_of.get(u, np.nan) for u in uniques] + [np.nan], dtype=object)
        text = pd.StringDtype(na_value=np.nan)
        return codes, pd.Series(names[factor], index=index).astype(text)

    def coded(self, column: str, terms: dict[str, object]) -> pd.Series:
        """Map codes or Korean/English labels (case-insensitive) of ``terms`` to codes."""
        accept: dict[str, str] = {}
        for code, term in terms.items():
            for alias in (code, getattr(term, "ko", code), getattr(term, "en", code)):
                accept[str(alias).strip().lower()] = code
        keys = self._keys(column)
        out = pd.Series(
            _map_unique(keys, lambda k: accept.get(str(k).lower(), np.nan)), index=keys.index
        )
        for i in np.flatnonzero(out.isna().to_numpy()):
            key = keys.iloc[i]
            if pd.isna(key):
                self.add(int(i), column, None, N_("value is missing"))
            else:
                close = closest_match(str(key).lower(), accept)
                allowed = ", ".join(terms)
                rule = (
                    msg(
                        "must be one of {codes} (did you mean '{hint}'?)",
                        codes=allowed,
                        hint=accept[close],
                    )
                    if close
                    else msg("must be one of {codes}", codes=allowed)
                )
                self.add(int(i), column, key, rule)
        return out.astype(pd.StringDtype(na_value=np.nan))

    def boolean(self, column: str) -> pd.Series:
        truth = {"true": True, "1": True, "yes": True, "y": True, "예": True, "t": True}
        falsity = {"false": False, "0": False, "no": False, "n": False, "아니오": False, "f": False}
        out: list[object] = []
        for i, v in enumerate(self.df[column]):
            if isinstance(v, bool | np.bool_):
                out.append(bool(v))
                continue
            key = _as_text(v)
            if pd.isna(key):
                out.append(False)
                continue
            k = str(key).lower()
            if k in truth or k in falsity:
                out.append(truth.get(k, False))
            else:
                self.add(i, column, key, N_("must be true/false (or 1/0, yes/no)"))
                out.append(False)
        return pd.Series(out, index=self.df.index, dtype=bool)


def _as_float(value: object) -> object:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value


def _context(df: pd.DataFrame, source: str | None) -> tuple[str, list[int]]:
    src = source or str(df.attrs.get("source", "<DataFrame>"))
    first = int(df.attrs.get("first_row", 2))  # type: ignore[call-overload]
    return src, list(range(first, first + len(df)))


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
    src, rows = _context(df, source)
    cl = _Cleaner(df, src, rows)
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
    counts: dict[str, dict[int, int]] = {}
    items: dict[str, np.ndarray] = {}
    for c in coded:  # count the 8/9 codes (valid codes) and make them missing unless kept
        values = cl.numeric(c).to_numpy(dtype=float, na_value=np.nan, copy=True)
        hits = {k: values == k for k in LIKERT_MISSING_CODES}
        counts[c] = {k: int(hit.sum()) for k, hit in hits.items()}
        if not keep_missing_codes:
            for hit in hits.values():
                values[hit] = np.nan
        items[c] = values
    if items:  # one frame of the items, joined once (no per-column copies)
        out = pd.concat([out, pd.DataFrame(items, index=out.index, copy=False)], axis=1)
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
    checked = validate_frame(out, SURVEY_SCHEMA, src, rows, cl.problems)
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
) -> pd.DataFrame:
    """Read and validate a survey file (CSV UTF-8/CP949, .xlsx or .sav).

    See :func:`read_table` for the faults of shape refused first and :func:`validate_survey` for
    the rules and the result; ``.sav`` value labels stay in ``attrs["value_labels"]`` (and
    numeric ``group`` or ``gu_name`` codes are read through them). With a ``codebook``
    (:func:`~cgresearch.data.codebook.load_codebook`) the file's columns and codes are first
    mapped to the package's (:meth:`~cgresearch.data.codebook.Codebook.apply`) and every item it
    lists is required. ``sep`` is the CSV delimiter when it is not a comma.

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
    table = read_table(path, sheet, sep=sep)
    if codebook is not None:
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        table = book.apply(table)
    return validate_survey(table, keep_missing_codes=keep_missing_codes)


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
    src, rows = _context(df, source)
    cl = _Cleaner(df, src, rows)
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
    src, rows = _context(df, source)
    cl = _Cleaner(df, src, rows)
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

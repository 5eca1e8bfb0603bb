"""Turning the cells of a table as read into typed columns, with every problem collected.

The loaders of :mod:`cgresearch.data.loaders` and :mod:`cgresearch.data.register` share these
helpers: :class:`Cleaner` (numbers, text, coded values, true/false and districts, each unreadable
cell recorded as a :class:`~cgresearch.data.schemas.Problem`), :func:`table_context` (the name
and file rows for messages), and the cell helpers :func:`cell_text`, :func:`map_distinct` and
:func:`text_column`, which :mod:`cgresearch.data.tables` also uses. Every check works once per
distinct value of a column (``pd.factorize``), not once per row.

Examples
--------
>>> import pandas as pd
>>> src, rows = table_context(pd.DataFrame({"group": ["공무원", "cso"]}), "s.csv")
>>> from cgresearch.vocabulary import RESPONDENT_GROUPS
>>> Cleaner(pd.DataFrame({"group": ["공무원", "cso"]}), src, rows).coded(
...     "group", RESPONDENT_GROUPS).tolist()
['public', 'cso']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cgresearch.data.schemas import Problem
from cgresearch.errors import N_, closest_match, msg

if TYPE_CHECKING:
    from cgresearch.data.districts import DistrictLookup

__all__ = ["Cleaner", "cell_text", "map_distinct", "table_context", "text_column"]


# --- cells --------------------------------------------------------------------------------------
def cell_text(value: object) -> object:
    """Return a cell as text (integral floats without '.0'); missing stays NaN.

    >>> cell_text(3.0), cell_text("  종로구 "), cell_text("")
    ('3', '종로구', nan)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if text else np.nan


def map_distinct(s: pd.Series, fn: Any, dtype: Any = None) -> Any:
    """Apply ``fn`` to each distinct value of ``s`` once and spread the results (NaN where ``s``
    is missing): vectorised for columns of few distinct values.

    Returns an object array, or with ``dtype`` (e.g. ``pd.StringDtype(na_value=np.nan)``) an
    extension array of that type, built by one ``take`` from the distinct results (no Python
    object per row).

    >>> import pandas as pd
    >>> map_distinct(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', nan]
    >>> map_distinct(pd.Series(["a", None]), str.upper, dtype="str").tolist()
    ['A', nan]
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [fn(u) for u in uniques]
    values[-1] = np.nan
    if dtype is None:
        return values[codes]
    codes = np.where(codes < 0, len(uniques), codes)
    return pd.array(values, dtype=dtype).take(codes)


def text_column(s: pd.Series) -> pd.Series:
    """Return a column as text cells (NaN when blank): string columns stay string columns (no
    Python objects), others are converted once per distinct value.

    >>> import pandas as pd
    >>> text_column(pd.Series([1.0, 2.5, None])).tolist()
    ['1', '2.5', nan]
    """
    if pd.api.types.is_string_dtype(s) and not isinstance(s.dtype, np.dtype):
        text = s.str.strip()
        return text.where(text.ne("") & text.notna(), np.nan)
    text = pd.Series(map_distinct(s, cell_text), index=s.index, dtype=object)
    return text.astype(pd.StringDtype(na_value=np.nan))


# --- columns --------------------------------------------------------------------------------------
class Cleaner:
    """Turns the cells of a table as read into typed columns, collecting every problem.

    Each method returns a typed column and records, for each cell it cannot read, a
    :class:`~cgresearch.data.schemas.Problem` naming the file, the row as seen in the file, the
    column, the value and the rule; the caller then hands ``problems`` to
    :func:`~cgresearch.data.schemas.validate_frame`, which reports them with the schema's own.

    Parameters
    ----------
    df : DataFrame
        The table as read (:func:`cgresearch.data.tables.read_table`) or as generated; its
        ``attrs["value_labels"]`` (``.sav``) are used to read coded columns.
    source : str
        File name for messages.
    row_numbers : sequence of int
        The file row of each table row (see :func:`table_context`).

    Examples
    --------
    >>> import pandas as pd
    >>> cl = Cleaner(pd.DataFrame({"w": ["1.5", "x"]}), "t.csv", [2, 3])
    >>> cl.numeric("w").tolist()[0], cl.problems[0].describe()
    (1.5, "row 3, column 'w', value 'x': must be a (finite) number")
    """

    def __init__(self, df: pd.DataFrame, source: str, row_numbers: Sequence[int]) -> None:
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
        """The column as float64 (blank = NaN); text and infinite values are problems."""
        raw = self.df[column]
        if raw.dtype == np.float64:  # read as declared: only infinities can be wrong
            inf = np.isinf(raw.to_numpy())
            if not inf.any():
                return raw
            for i in np.flatnonzero(inf):
                self.add(int(i), column, raw.iloc[i], N_("must be a (finite) number"))
            return raw.where(~inf)
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
        return text_column(values)

    def text(self, column: str) -> pd.Series:
        return self._text(self.df[column]).astype(pd.StringDtype(na_value=np.nan))

    def _keys(self, column: str) -> pd.Series:
        """Text keys of a column, read through its .sav value labels if it has any."""
        values = self.df[column]
        labels = self.value_labels.get(column)
        if labels:
            values = pd.Series(
                map_distinct(values, lambda u: labels.get(_as_float(u), u)), index=values.index
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

        def resolve(column: str) -> tuple[Callable[[int], object], np.ndarray]:
            """(key of row i for messages, adm_code as float: NaN blank, -1 unknown), looked up
            once per distinct value of the column as read."""
            labels = self.value_labels.get(column)
            factor, uniques = pd.factorize(self.df[column], use_na_sentinel=True)
            keys = [cell_text(labels.get(_as_float(u), u) if labels else u) for u in uniques]
            found = [
                np.nan if pd.isna(k) else getattr(lookup.find(k), "adm_code", -1) for k in keys
            ]
            codes = np.append(np.asarray(found, dtype=float), np.nan)[factor]
            return (lambda i: np.nan if factor[i] < 0 else keys[factor[i]]), codes

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
                        name_keys(int(i)),
                        f"does not match gu_code {c} ({lookup.district(c).name_ko}); fix one "
                        "of the two",
                    )
        unknown = np.isnan(code) | (code == -1)
        for i in np.flatnonzero(unknown):
            key = (name_keys if from_name[i] else keys)(int(i))
            column = "gu_name" if from_name[i] else ("gu_code" if has_code else "gu_name")
            self.add(int(i), column, None if pd.isna(key) else key, lookup.explain_unknown(key))
        code = np.where(unknown, np.nan, code)
        codes = pd.array(code, dtype="Float64").astype("Int64")
        codes = pd.Series(codes, index=index)
        name_of = {float(d.adm_code): d.name_ko for d in lookup.districts}
        text = pd.StringDtype(na_value=np.nan)
        names = map_distinct(pd.Series(code), lambda c: name_of.get(c, np.nan), dtype=text)
        return codes, pd.Series(names, index=index)

    def coded(self, column: str, terms: dict[str, object]) -> pd.Series:
        """Map codes or Korean/English labels (case-insensitive) of ``terms`` to codes."""
        accept: dict[str, str] = {}
        for code, term in terms.items():
            for alias in (code, getattr(term, "ko", code), getattr(term, "en", code)):
                accept[str(alias).strip().lower()] = code
        keys = self._keys(column)
        text = pd.StringDtype(na_value=np.nan)
        out = pd.Series(
            map_distinct(keys, lambda k: accept.get(str(k).lower(), np.nan), dtype=text),
            index=keys.index,
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
        return out

    def boolean(self, column: str) -> pd.Series:
        truth = {"true": True, "1": True, "yes": True, "y": True, "예": True, "t": True}
        falsity = {"false": False, "0": False, "no": False, "n": False, "아니오": False, "f": False}
        out: list[object] = []
        for i, v in enumerate(self.df[column]):
            if isinstance(v, bool | np.bool_):
                out.append(bool(v))
                continue
            key = cell_text(v)
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


def table_context(df: pd.DataFrame, source: str | None) -> tuple[str, np.ndarray]:
    """Return the name for messages and the file row of each table row.

    The name is ``source``, else ``df.attrs["source"]``, else ``"<DataFrame>"``; rows start at
    ``df.attrs["first_row"]`` (2 below a header row, 1 for ``.sav`` cases).

    >>> import pandas as pd
    >>> src, rows = table_context(pd.DataFrame({"a": [1, 2]}), "t.csv")
    >>> src, rows.tolist()
    ('t.csv', [2, 3])
    """
    src = source or str(df.attrs.get("source", "<DataFrame>"))
    first = int(df.attrs.get("first_row", 2))  # type: ignore[call-overload]
    return src, np.arange(first, first + len(df), dtype=np.int64)

"""Reading a table file, and refusing a file whose shape is broken, before any schema.

:func:`read_table` reads CSV (UTF-8 with or without BOM, or CP949: Korean government files;
detected), Excel ``.xlsx`` (openpyxl) and SPSS ``.sav`` (pyreadstat; value and column labels go
to ``DataFrame.attrs``) into a DataFrame of cells as read: numbers stay numbers, text is
stripped, blanks are NaN. It refuses first, with the file and the row named and what to do: an
empty file, a header without rows, a wrong delimiter (sniffed with :class:`csv.Sniffer`), a
title row above the header, duplicate column names, a second header row, rows with too few or
too many fields and a file cut mid-row or mid-character (pyarrow's CSV reader, the engine of
pandas' ``engine="pyarrow"``, with its invalid-row handler; no hand-written parser). The schemas
and the typed validation are in :mod:`cgresearch.data.loaders`.

A limit: a CSV cut exactly at a line break (whole rows lost at the end) cannot be told from a
complete file, since every remaining row is whole; only a count kept elsewhere (the expected
number of respondents, a checksum in a manifest) can reveal it. A file cut inside a row (its last
line without a line break, and too few fields or an unfinished character) is refused.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "t.csv"
...     _ = p.write_text("a;b" + chr(10) + "1;2" + chr(10), encoding="utf-8")
...     try:
...         read_table(p)
...     except InputError as err:
...         print(str(err)[:46])
t.csv: the file looks ';'-separated, not comma
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.data.cleaning import cell_text, text_column
from cgresearch.errors import InputError, ParameterError, msg

__all__ = ["read_table"]

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
#: "file: the problems" reads the same in every language (no catalogue entry needed).
_FILE_COLON = "{file}: {problems}"
_NON_BLANK = re.compile(rb"[^\s\xef\xbb\xbf]")  # any byte but whitespace and a UTF-8 BOM


# --- reading ----------------------------------------------------------------------------------
def _decode(path: Path) -> tuple[str, str]:
    """Return the text of ``path`` and its encoding (utf-8 or cp949), or raise InputError."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        if utf8_err.reason == "unexpected end of data" and utf8_err.end == len(data):
            line = data.count(b"\n") + 1
            raise InputError.of(
                "{file}: the file ends in the middle of a character in row {row}: it is cut; "
                "copy or export it again in full",
                file=path.name,
                row=line,
            ) from None
        try:
            return data.decode("cp949"), "cp949"
        except UnicodeDecodeError as cp949_err:
            at = utf8_err.start
            line = data[:at].count(b"\n") + 1
            raise InputError.of(
                "{file}: wrong encoding: the file is neither UTF-8 (invalid byte 0x{byte:02x} "
                "at byte offset {offset}, line {line}) nor CP949 (invalid byte "
                "0x{cp949_byte:02x} at byte offset {cp949_offset}). Save it again as 'CSV "
                "UTF-8' (Excel: File > Save As > CSV UTF-8) and load it again.",
                file=path.name,
                byte=data[at],
                offset=at,
                line=line,
                cp949_byte=data[cp949_err.start],
                cp949_offset=cp949_err.start,
            ) from None


def _head_text(data: bytes, limit: int = 65_536) -> tuple[str, str]:
    """Decode the first ``limit`` bytes (UTF-8, else CP949) for the header and delimiter checks."""
    head = data[:limit]
    if len(data) > limit:
        head = head[: head.rfind(b"\n") + 1] or head
    try:
        return head.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return head.decode("cp949", errors="replace"), "cp949"


def _fields(lines: list[str], sep: str) -> list[list[str]]:
    """Split sample lines into fields with the standard library's CSV reader."""
    return list(csv.reader(lines, delimiter=sep))


def _check_layout(name: str, text: str, sep: str, sep_given: bool) -> list[str]:
    """Refuse a wrong delimiter, title rows above the header and duplicate column names.

    Returns the header's column names. ``text`` is the start of the file (whole lines).
    """
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    if not lines:
        raise InputError.of("{file}: the file is empty; give a table with a header row", file=name)
    rows = _fields(lines, sep)
    widths = [len(r) for r in rows]
    if not sep_given and max(widths) == 1:
        try:
            sniffed = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=";\t|,").delimiter
        except csv.Error:
            sniffed = None
        if sniffed and sniffed != sep and len(_fields(lines[:1], sniffed)[0]) > 1:
            shown = {"\t": "tab", ";": "';'", "|": "'|'"}.get(sniffed, repr(sniffed))
            code = "\\t" if sniffed == "\t" else sniffed
            raise InputError.of(
                "{file}: the file looks {shown}-separated, not comma-separated (row 1 has no "
                "'{sep}'): save it as comma-separated CSV (Excel: CSV UTF-8) or pass "
                "sep='{code}'",
                file=name,
                shown=shown,
                sep=sep,
                code=code,
            )
        if len(lines) > 1:
            raise InputError.of(
                "{file}: row 1 has a single column ({text!r}) and no '{sep}' separator: save "
                "the table as comma-separated CSV (Excel: CSV UTF-8)",
                file=name,
                text=lines[0][:60],
                sep=sep,
            )
    if len(rows) > 1:
        usual = max(set(widths[1:]), key=widths[1:].count)
        if usual > 1 and sum(1 for c in rows[0] if c.strip()) <= 1:
            raise InputError.of(
                "{file}, row 1: {text!r} looks like a title, not the header (it has {n} "
                "column(s), the rows below {usual}): delete the rows above the column names "
                "and load the file again",
                file=name,
                text=lines[0][:60],
                n=widths[0],
                usual=usual,
            )
    header = [c.strip() for c in rows[0]]
    _check_header(name, header)
    return header


def _check_header(name: str, header: list[str]) -> None:
    """Refuse duplicate or blank column names, naming their positions."""
    seen: dict[str, list[int]] = {}
    for i, c in enumerate(header, start=1):
        seen.setdefault(c, []).append(i)
    dups = {c: at for c, at in seen.items() if len(at) > 1 and c}
    if dups:
        parts = [
            msg("'{name}' (columns {at})", name=c, at=", ".join(map(str, at)))
            for c, at in dups.items()
        ]
        raise InputError.of(
            "{file}, row 1: duplicate column name {names}: rename or delete one so that each "
            "column name appears once",
            file=name,
            names=parts,
        )


def _check_second_header(name: str, df: pd.DataFrame, first_row: int) -> None:
    """Refuse a second header (or label) row under the header: text where the rows below hold
    numbers in several columns, or the column names repeated."""
    if len(df) < 2:
        return
    first = df.iloc[0]
    repeated = sum(
        1 for c in df.columns if isinstance(first[c], str) and first[c].strip() == str(c)
    )
    head = df.iloc[1:50]
    texty = 0
    for c in df.columns:
        v = first[c]
        if not isinstance(v, str) or pd.isna(v):
            continue
        below = head[c].dropna()
        if len(below) and pd.to_numeric(below, errors="coerce").notna().all():
            if pd.isna(pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]):
                texty += 1
    if repeated >= max(2, len(df.columns) // 2) or texty >= max(2, len(df.columns) // 3):
        shown = ", ".join(str(v) for v in first.iloc[:4].tolist())
        raise InputError.of(
            "{file}, row {row}: a second header row ({shown}, ...): the row under the column "
            "names holds labels, not answers; delete it and load the file again",
            file=name,
            row=first_row,
            shown=shown,
        )


def _bad_rows_error(name: str, data: bytes, bad: list[tuple[int, int, str]]) -> InputError:
    """Name the first rows whose field count differs from the header's."""
    parts = []
    for expected, actual, text in bad[:5]:
        raw = text.encode("utf-8", errors="replace")
        cut = data.endswith(b"\n" + raw)  # the last line, without a line break after it
        at = len(data) - len(raw) if cut else data.find(b"\n" + raw + b"\n") + 1
        if at <= 0:
            at = data.find(b"\n" + raw + b"\r\n") + 1
        line = data.count(b"\n", 0, at) + 1 if at > 0 else None
        where = line if line else repr(text[:30])
        if cut:
            parts.append(
                msg(
                    "row {row} has {actual} of {expected} fields and the file ends there: the "
                    "file is cut in the middle of a row; copy or export it again in full",
                    row=where,
                    actual=actual,
                    expected=expected,
                )
            )
        else:
            parts.append(
                msg(
                    "row {row} has {actual} fields but the header has {expected}: a cell or "
                    "separator is missing or extra; fix or delete the row",
                    row=where,
                    actual=actual,
                    expected=expected,
                )
            )
    if len(bad) > 5:
        return InputError.of(
            "{file}: {problems} (and {n} more rows)", file=name, problems=parts, n=len(bad) - 5
        )
    return InputError.of(_FILE_COLON, file=name, problems=parts)


def _has_bytes(df: pd.DataFrame) -> bool:
    """True when pyarrow kept a column as raw bytes (text that is not valid UTF-8)."""
    for c in df.columns:
        if df[c].dtype == object:
            first = df[c].dropna().head(1).tolist()
            if first and isinstance(first[0], bytes):
                return True
    return False


#: Identifier columns kept as written ('00123' stays '00123', not the number 123).
_ID_COLUMNS = ("resp_id", "project_id", "proposal_id", "stratum")

#: Column types a caller may declare (:func:`read_table`'s ``dtypes``), as pyarrow reads them.
_ARROW_TYPES = {"float64": "float64", "str": "string"}


def _arrow_types(header: list[str], dtypes: Mapping[str, str] | None) -> dict[str, Any]:
    """The pyarrow types of the declared columns present in ``header`` (identifiers as text)."""
    import pyarrow as pa

    declared = {c: "str" for c in _ID_COLUMNS} | dict(dtypes or {})
    unknown = sorted({v for v in declared.values()} - set(_ARROW_TYPES))
    if unknown:
        raise ParameterError(
            f"read_table: dtypes {unknown} are not supported; use 'float64' or 'str'"
        )
    present = set(header)
    return {c: pa.type_for_alias(_ARROW_TYPES[v]) for c, v in declared.items() if c in present}


def _arrow_read(data: bytes, sep: str, types: dict[str, Any], collect: Any) -> pd.DataFrame:
    """One pass of pyarrow's CSV reader: declared columns parsed straight to their type, the
    others inferred; blanks are missing; rows of the wrong width go to ``collect``."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pacsv.read_csv(
        io.BytesIO(data),
        parse_options=pacsv.ParseOptions(delimiter=sep, invalid_row_handler=collect),
        convert_options=pacsv.ConvertOptions(
            null_values=[""], strings_can_be_null=True, column_types=types
        ),
    )
    names = [n if n.strip() else f"Unnamed: {i}" for i, n in enumerate(table.column_names)]
    fields = [
        pa.field(n, pa.float64() if pa.types.is_null(f.type) else f.type)
        for n, f in zip(names, table.schema, strict=True)
    ]
    table = table.cast(pa.schema(fields))
    text = pd.StringDtype(na_value=np.nan)
    return table.to_pandas(
        types_mapper={pa.string(): text, pa.large_string(): text}.get, self_destruct=True
    )


def _parse_csv(name: str, data: bytes, sep: str, types: dict[str, Any]) -> pd.DataFrame:
    """Parse UTF-8 CSV bytes with pyarrow's CSV reader (the engine of pandas' ``engine=
    "pyarrow"``), declared columns typed while parsing; rows of the wrong width are refused."""
    import pyarrow as pa

    bad: list[tuple[int, int, str]] = []

    def collect(row: Any) -> str:
        bad.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    try:
        try:
            df = _arrow_read(data, sep, types, collect)
        except pa.ArrowInvalid as exc:
            if not types or "Empty CSV file" in str(exc):
                raise
            # a declared column holds a cell that is not of its type (text in a number column,
            # or bytes that are not UTF-8): read it as inferred, the validators name the cell
            bad.clear()
            df = _arrow_read(data, sep, {}, collect)
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            raise InputError.of(
                "{file}: the file is empty; give a table with a header row", file=name
            ) from None
        raise InputError.of(
            "{file}: not a readable CSV table ({reason})", file=name, reason=exc
        ) from None
    if bad:
        raise _bad_rows_error(name, data, bad)
    if len(df) and not data.endswith((b"\n", b"\r")) and data.endswith(sep.encode()):
        line = data.count(b"\n") + 1
        raise InputError.of(
            "{file}: row {row} ends in an empty cell with no line break after it: the file "
            "looks cut in the middle of that row; copy or export it again in full (if it is "
            "complete, add a line break at its end)",
            file=name,
            row=line,
        )
    return df


def _read_csv(
    path: Path, sep: str | None, dtypes: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Read a CSV (UTF-8 or CP949), refusing a wrong delimiter, title rows, duplicate names,
    ragged rows and a file cut mid-row."""
    data = path.read_bytes()
    if _NON_BLANK.search(data) is None:
        raise InputError.of(
            "{file}: the file is empty; give a table with a header row", file=path.name
        )
    head, encoding = _head_text(data)
    expected = sep or ("\t" if path.suffix.lower() == ".tsv" else ",")
    header = _check_layout(path.name, head, expected, sep is not None)
    types = _arrow_types(header, dtypes)
    if encoding != "utf-8":
        text, encoding = _decode(path)
        data = text.encode("utf-8")
    df = _parse_csv(path.name, data, expected, types)
    if encoding == "utf-8" and _has_bytes(df):
        text, encoding = _decode(path)  # raises when the file is not CP949 either
        data = text.encode("utf-8")
        df = _parse_csv(path.name, data, expected, types)
    return df, encoding


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    """Read a sheet as a grid, take the first row as the header, refuse title rows/duplicates."""
    try:
        grid = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl", header=None)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise InputError.of(
            "{file}: not a readable Excel workbook ({reason})", file=path.name, reason=exc
        ) from None
    grid = grid.dropna(how="all").dropna(axis=1, how="all")
    if grid.empty:
        raise InputError.of(
            "{file}: the sheet is empty; give a table with a header row", file=path.name
        )
    filled = grid.notna().sum(axis=1).tolist()
    if len(filled) > 1 and filled[0] == 1 and max(filled[1:]) > 1:
        raise InputError.of(
            "{file}, row {row}: {text!r} looks like a title, not the header: delete the rows "
            "above the column names",
            file=path.name,
            row=int(grid.index[0]) + 1,
            text=grid.iloc[0].dropna().iloc[0],
        )
    header = ["" if pd.isna(v) else cell_text(v) for v in grid.iloc[0]]
    header = [str(h).strip() if not pd.isna(h) else "" for h in header]
    _check_header(path.name, header)
    df = grid.iloc[1:].copy()
    df.columns = header
    df.attrs["first_row"] = int(grid.index[0]) + 2
    return df.reset_index(drop=True)


def read_table(
    path: str | Path,
    sheet: str | int = 0,
    sep: str | None = None,
    *,
    dtypes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read a CSV (UTF-8 or CP949), Excel or SPSS file into a DataFrame of cells as read.

    Numbers stay numbers (float/int columns), text is stripped text, blanks are NaN, so that
    validation sees what the file holds and stays vectorised. The file's shape is checked first,
    each fault named with the file and row: an empty file, a header without rows, a wrong
    delimiter (sniffed with :class:`csv.Sniffer`), a title row above the header, duplicate column
    names, a second header row, rows with too few or too many fields and a file cut mid-row
    (pyarrow's CSV reader, pandas' ``engine="pyarrow"``, with its invalid-row handler). Metadata
    goes to ``attrs``: ``source`` (file name), ``format``, ``encoding`` (CSV), ``first_row``
    (the file row of the first record: 2 below a header, 1 for .sav cases), and for ``.sav``
    ``value_labels`` (column -> {code: label}) and ``column_labels``.

    Parameters
    ----------
    path : str or Path
        The file; its suffix picks the reader (.csv/.txt/.tsv, .xlsx/.xlsm, .sav).
    sheet : str or int
        Excel sheet (default the first).
    sep : str, optional
        CSV delimiter (default ',' and tab for .tsv); a file with another one is refused with a
        message that names it.
    dtypes : mapping, optional
        Column name -> ``"float64"`` or ``"str"``: CSV columns parsed straight to that type
        (no type guessing, no conversion afterwards; the survey loader declares its items
        this way). Identifier columns (``resp_id``, ``project_id``, ``proposal_id``,
        ``stratum``) are always read as text, so '00123' stays '00123'. When a declared column
        holds a cell that is not of its type, the file is read with types guessed instead, so
        that the validators can name that cell.

    Raises
    ------
    InputError
        For a missing file, an unknown suffix, a wrong encoding, an unreadable file or any of
        the faults of shape above.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "t.csv"
    ...     _ = p.write_bytes("gu_name,x\\n종로구,1\\n".encode("cp949"))
    ...     t = read_table(p)
    >>> t.attrs["encoding"], t.iloc[0, 0]
    ('cp949', '종로구')
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.of("{file}: no such file; check the path", file=path)
    suffix = path.suffix.lower()
    attrs: dict[str, object] = {"source": path.name, "format": suffix.lstrip(".")}
    if suffix in _CSV_SUFFIXES:
        df, attrs["encoding"] = _read_csv(path, sep, dtypes)
        first_row = 2
    elif suffix in {".xlsx", ".xlsm"}:
        df = _read_excel(path, sheet)
        first_row = int(df.attrs.pop("first_row"))
    elif suffix == ".sav":
        import pyreadstat

        try:
            df, meta = pyreadstat.read_sav(str(path), user_missing=True)
        except Exception as exc:  # pyreadstat.ReadstatError and friends
            raise InputError.of(
                "{file}: not a readable SPSS file ({reason})", file=path.name, reason=exc
            ) from None
        attrs["value_labels"] = dict(meta.variable_value_labels)
        attrs["column_labels"] = dict(meta.column_names_to_labels)
        first_row = 1
    else:
        raise InputError.of(
            "{file}: unknown file type '{suffix}'; give a .csv (UTF-8 or CP949), .xlsx or .sav "
            "file",
            file=path.name,
            suffix=suffix,
        )
    df.columns = [str(c).strip() for c in df.columns]
    if len(df) == 0:
        raise InputError.of(
            "{file}: the file has a header but no data rows (0 records); give the file with "
            "its rows",
            file=path.name,
        )
    if suffix != ".sav":
        _check_second_header(path.name, df, first_row)
    out = df  # numeric columns as read (no copy); text columns stripped
    for c in df.columns:
        if not (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])):
            out[c] = text_column(df[c])
    attrs["first_row"] = first_row
    attrs["stripped"] = True  # text cells are stripped already: the validators skip that
    out.attrs = attrs
    return out

"""Report tables: CSV and Excel files with deterministic bytes.

Planners open tables in Excel; analysts read CSV. :func:`save_table` writes both, with headers in
the edition's language and units, and a data label (real or synthetic) in every file. The Excel
workbook is formatted for officials (XlsxWriter): bold header row, 억원 number format, column
widths, a notes sheet with source, unit and data label. It is rewritten so that two runs give
identical bytes: the workbook's created/modified stamps and the
zip entries' dates are fixed (openpyxl stamps the current time otherwise).

Examples
--------
>>> import pandas as pd, tempfile
>>> paths = save_table(pd.DataFrame({"gu": ["종로구"], "n": [3]}), "demo", tempfile.mkdtemp())
>>> [p.suffix for p in paths]
['.csv', '.xlsx']
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.report._files import atomic_write_bytes

__all__ = ["save_table"]

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_FIXED_STAMP = "2000-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FIXED_DATETIME = datetime(2000, 1, 1)
_STAMP_RE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _deterministic_xlsx(raw: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP_RE.sub(rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


#: Header fragments that mark an amount column (억원 number format with 2 decimals).
_AMOUNT_MARKS = ("억원", "100 million KRW")


def _is_amount(header: str) -> bool:
    return any(mark in header for mark in _AMOUNT_MARKS)


def _width(values: pd.Series, header: str) -> float:
    """A column width in characters that fits the header and the values (Hangul counts double)."""

    def chars(text: str) -> int:
        return sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in text)

    longest = max(
        [
            chars(str(header)),
            *(chars(f"{v:,.2f}" if isinstance(v, float) else str(v)) for v in values.head(200)),
        ]
    )
    return float(min(60, max(8, longest + 2)))


def _notes(lang: Lang, data_label: str | None, source: str | None, unit: str | None) -> list:
    rows = [(tr("Made by", lang), tr("cgresearch report", lang))]
    if data_label:
        rows.append((tr("Data", lang), data_label))
    if source:
        rows.append((tr("Source", lang), source))
    if unit:
        rows.append((tr("Unit", lang), unit))
    return rows


def _excel_bytes(
    table: pd.DataFrame,
    sheet: str,
    index: bool,
    lang: Lang,
    data_label: str | None,
    source: str | None,
    unit: str | None,
) -> bytes:
    """A workbook for officials: bold header, 억원 number format, widths, a notes sheet."""
    frame = table.reset_index() if index else table
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        book = writer.book
        book.set_properties({"created": _FIXED_DATETIME})
        ws = writer.sheets[sheet]
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
        amount = book.add_format({"num_format": "#,##0.00"})
        number = book.add_format({"num_format": "#,##0.###"})
        for j, col in enumerate(frame.columns):
            ws.write(0, j, str(col), bold)
            values = frame[col]
            fmt = None
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                fmt = amount if _is_amount(str(col)) else number
            ws.set_column(j, j, _width(values, str(col)), fmt)
        ws.freeze_panes(1, 0)
        notes = book.add_worksheet(tr("Notes", lang)[:31])
        notes.set_column(0, 0, 14)
        notes.set_column(1, 1, 90)
        for r, (k, v) in enumerate(_notes(lang, data_label, source, unit)):
            notes.write(r, 0, k, bold)
            notes.write(r, 1, v)
    return buffer.getvalue()


def save_table(
    table: pd.DataFrame,
    name: str,
    outdir: str | os.PathLike[str],
    *,
    index: bool = False,
    sheet_name: str | None = None,
    excel: bool = True,
    headers: Mapping[str, str] | None = None,
    data_label: str | None = None,
    source: str | None = None,
    unit: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> list[Path]:
    """Write ``table`` as ``<outdir>/<name>.csv`` (UTF-8) and ``<name>.xlsx``; return the paths.

    Parameters
    ----------
    table
        The table. Column names become the header row.
    name
        The file stem: letters, digits, ``_ - .`` only.
    outdir
        The folder (created if missing). Notebooks pass ``<output_dir>/tables``.
    index
        Whether to write the index as the first column(s).
    sheet_name
        The Excel sheet's name (at most 31 characters); default ``name``.
    excel
        Also write the Excel file: bold header row, ``#,##0.00`` for amount columns (a header
        with 억원), widths that fit, and a notes sheet with the data label, source and unit.
    headers
        Column (and index) names to display: ``{"budget_eok": "예산(억원)"}``; use
        :func:`cgresearch.report.columns.headers` to get them, with units, in the edition's
        language.
    data_label
        Where the data came from, e.g. "합성 자료(SYNTHETIC)": written as a last column of every
        row (so the flag survives copying rows) and in the notes sheet.
    source, unit
        For the notes sheet.
    lang
        The language of the notes sheet and the data column's header.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> save_table(pd.DataFrame({"a": [1]}), "t", tempfile.mkdtemp(), excel=False)[0].name
    't.csv'
    """
    if not _NAME_RE.match(name):
        raise ValueError(f"table name {name!r}: use letters, digits, '_', '-' or '.' only")
    lang = check_lang(lang)
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    shown = table.copy()
    if headers:
        shown = shown.rename(columns=dict(headers))
        if index:
            shown = shown.rename_axis(
                index=[headers.get(str(n), n) for n in shown.index.names]
                if shown.index.nlevels > 1
                else headers.get(str(shown.index.name), shown.index.name)
            )
    if data_label:
        shown[tr("Data", lang)] = data_label
    csv_path = folder / f"{name}.csv"
    atomic_write_bytes(csv_path, shown.to_csv(index=index, lineterminator="\n").encode("utf-8"))
    written = [csv_path]
    if excel:
        raw = _excel_bytes(shown, (sheet_name or name)[:31], index, lang, data_label, source, unit)
        xlsx_path = folder / f"{name}.xlsx"
        atomic_write_bytes(xlsx_path, _deterministic_xlsx(raw))
        written.append(xlsx_path)
    return written

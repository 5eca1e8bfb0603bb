"""Report tables: CSV and Excel files with deterministic bytes.

Planners open tables in Excel; analysts read CSV. :func:`save_table` writes both. The Excel file is
rewritten so that two runs give identical bytes: the workbook's created/modified stamps and the
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
from pathlib import Path

import pandas as pd

from cgresearch.report._files import atomic_write_bytes

__all__ = ["save_table"]

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_FIXED_STAMP = "2000-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
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


def save_table(
    table: pd.DataFrame,
    name: str,
    outdir: str | os.PathLike[str],
    *,
    index: bool = False,
    sheet_name: str | None = None,
    excel: bool = True,
    data_label: str | None = None,
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
        Also write the Excel file.
    data_label
        Where the data came from (:meth:`cgresearch.report.inputs.Provenance.describe`:
        "synthetic (seed N)" or the user's file and its sha256): written as a last column
        ``Data`` of every row, so the flag survives copying rows.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> save_table(pd.DataFrame({"a": [1]}), "t", tempfile.mkdtemp(), excel=False)[0].name
    't.csv'
    """
    if not _NAME_RE.match(name):
        raise ValueError(f"table name {name!r}: use letters, digits, '_', '-' or '.' only")
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    if data_label:
        table = table.assign(Data=data_label)
    csv_path = folder / f"{name}.csv"
    atomic_write_bytes(csv_path, table.to_csv(index=index, lineterminator="\n").encode("utf-8"))
    written = [csv_path]
    if excel:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name=(sheet_name or name)[:31], index=index)
        xlsx_path = folder / f"{name}.xlsx"
        atomic_write_bytes(xlsx_path, _deterministic_xlsx(buffer.getvalue()))
        written.append(xlsx_path)
    return written

"""The planner's own data files uploaded to the dashboard: read through the package's loaders.

An upload arrives as bytes and a file name. :func:`read_indicators` and :func:`read_previous`
write the bytes to a private temporary folder under the file's own name (so the loaders read
CSV in UTF-8 or CP949, ``.xlsx`` or ``.sav`` by its extension, and their messages name the file
the planner chose), then call :func:`~cgresearch.data.district_inputs.load_district_indicators`
and :func:`~cgresearch.data.district_inputs.load_previous_amounts`; the folder is removed at once.
:func:`problem_text` words a refusal in the page's language (file, row, column and value named);
:func:`data_notice` says which data the page is using.

Examples
--------
>>> from cgresearch.paths import project_root
>>> path = project_root() / "params/examples/data/previous_amounts_user.xlsx"
>>> previous = read_previous(path.read_bytes(), path.name)
>>> len(previous), previous["11110"]
(25, 9.0)
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from cgresearch.data.schemas import ValidationFailed
from cgresearch.errors import CGResearchError, InputError
from cgresearch.i18n import Lang, tr

__all__ = [
    "ACCEPT",
    "data_notice",
    "problem_html",
    "problem_text",
    "read_indicators",
    "read_previous",
    "upload_name",
]

#: The extensions the file inputs offer (what :func:`cgresearch.data.tables.read_table` reads).
ACCEPT = ".csv,.xlsx,.sav"
_SUFFIXES = (".csv", ".xlsx", ".sav")


def upload_name(filename: str) -> str:
    """The upload's base name (no folders: a browser may send ``C:\\...\\x.csv``).

    Raises :class:`~cgresearch.errors.InputError` for an extension the loaders do not read.
    """
    name = PureWindowsPath(PurePosixPath(str(filename or "")).name).name.strip()
    if not name or name in (".", ".."):
        name = "upload"
    if Path(name).suffix.lower() not in _SUFFIXES:
        raise InputError(
            f"{name}: not a CSV, .xlsx or .sav file; upload the table as CSV (UTF-8 or CP949), "
            "Excel .xlsx or SPSS .sav"
        )
    return name


def _load(data: bytes, filename: str, loader: object) -> object:
    name = upload_name(filename)
    if not data:
        raise InputError(f"{name}: the file is empty; upload the table with a header row")
    with tempfile.TemporaryDirectory(prefix="cg-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(bytes(data))
        return loader(path)  # type: ignore[operator]


def read_indicators(data: bytes, filename: str) -> pd.DataFrame:
    """Return the package's district table with an uploaded file's indicators.

    Parameters
    ----------
    data : bytes
        The uploaded file (CSV in UTF-8 or CP949, ``.xlsx`` or ``.sav``).
    filename : str
        Its name as uploaded (the extension chooses the reader; messages name it).

    Returns
    -------
    DataFrame
        As :func:`~cgresearch.data.district_inputs.load_district_indicators`.

    Raises
    ------
    InputError
        What the loader refuses (file, row, column and value named), an empty file or an
        extension it does not read.

    Examples
    --------
    >>> from cgresearch.paths import project_root
    >>> path = project_root() / "params/examples/data/districts_user.csv"
    >>> int(read_indicators(path.read_bytes(), path.name)["pop_total_2017q1"].iloc[0])
    151420
    """
    from cgresearch.data.district_inputs import load_district_indicators

    return _load(data, filename, load_district_indicators)  # type: ignore[return-value]


def read_previous(data: bytes, filename: str) -> dict[str, float]:
    """Return last year's amounts of an uploaded file as a ``previous_eok`` table (억원).

    Parameters
    ----------
    data : bytes
        The uploaded file (a gu column and one amount column with its unit in the header).
    filename : str
        Its name as uploaded.

    Returns
    -------
    dict
        ``adm_code`` (text) -> 억원, for the scenario key ``previous_eok``.

    Raises
    ------
    InputError
        As :func:`read_indicators`.
    """
    from cgresearch.data.district_inputs import load_previous_amounts

    series = _load(data, filename, load_previous_amounts)
    return {str(code): float(v) for code, v in series.items()}  # type: ignore[union-attr]


def problem_text(exc: CGResearchError, lang: Lang = "ko") -> str:
    """A refused upload in the page's language: the file, then one line per problem.

    The loader's rule for each problem is kept as it says it; the frame (file, row, column,
    value, what to do) is translated.

    Examples
    --------
    >>> from cgresearch.data.schemas import Problem
    >>> e = ValidationFailed("a.csv", [Problem("a.csv", 3, "인구(명)", "x", "not a number")])
    >>> first, second = problem_text(e, "ko").splitlines()
    >>> first.split(". ")[0]
    'a.csv 파일을 사용할 수 없습니다 (문제 1건)'
    >>> second
    "- 3행, 열 '인구(명)', 값 'x': not a number"
    """
    if not isinstance(exc, ValidationFailed):
        return tr(
            "The uploaded file cannot be used: {why}. The page keeps its previous data.",
            lang,
            why=str(exc).rstrip("."),
        )
    lines = [
        tr(
            "The file {file} cannot be used ({n} problems). Fix the file and upload it again. "
            "The page keeps its previous data.",
            lang,
            file=exc.file,
            n=len(exc.problems),
        )
    ]
    for p in exc.problems:
        parts = []
        if p.row is not None:
            parts.append(tr("row {row}", lang, row=p.row))
        if p.column is not None:
            parts.append(tr("column '{column}'", lang, column=p.column))
        if p.value is not None:
            parts.append(tr("value {value}", lang, value=repr(p.value)))
        where = ", ".join(parts) if parts else tr("the table", lang)
        lines.append(f"- {where}: {p.rule}")
    return "\n".join(lines)


def problem_html(exc: CGResearchError, lang: Lang = "ko") -> str:
    """:func:`problem_text` as the page shows it (``#cg-file-problem``, one item per problem)."""
    first, *rest = problem_text(exc, lang).splitlines()
    items = "".join(f"<li>{html.escape(line.removeprefix('- '))}</li>" for line in rest)
    body = f"<ul>{items}</ul>" if items else ""
    return f"<div id='cg-file-problem'><b>{html.escape(first)}</b>{body}</div>"


def data_notice(indicators: str | None, previous: str | None, lang: Lang = "ko") -> str:
    """Which data the page is using: the uploaded files by name, else the package's table.

    Examples
    --------
    >>> data_notice(None, None, "en").split(". ")[0]
    "District indicators: the package's 2017 district table"
    >>> data_notice("gu.csv", None, "ko").split(". ")[0]
    '자치구 지표: 업로드한 파일 gu.csv'
    """
    first = (
        tr("District indicators: the uploaded file {file}.", lang, file=indicators)
        if indicators
        else tr("District indicators: the package's 2017 district table.", lang)
    )
    second = (
        tr("Last year's amounts: the uploaded file {file}.", lang, file=previous)
        if previous
        else tr("Last year's amounts: as the scenario says.", lang)
    )
    text = f"{first} {second}"
    if indicators or previous:
        text += " " + tr(
            "A shared link of this page does not carry the uploaded files.",
            lang,
        )
    return text

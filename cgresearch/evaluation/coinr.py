"""COINr-style inputs: an indicator data table (``iData``) and its metadata (``iMeta``).

Researchers who build composite indices with R's COINr keep two tables: ``iData`` with ``uCode``
(unit code), ``uName`` and one column per indicator, and ``iMeta`` with ``Level, iCode, iName,
Direction, Weight, Parent, Type``. :func:`load_coinr` reads both (CSV in UTF-8 or CP949, or
Excel), checks every value with file, row and column named, and returns the data (index =
``uCode``) and the :class:`~cgresearch.evaluation.Framework` built from the metadata.

Examples
--------
>>> from cgresearch.evaluation.coinr import load_coinr
>>> data, fw = load_coinr("panel.csv", "meta.csv")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cgresearch.data.loaders import read_table
from cgresearch.errors import InputError
from cgresearch.evaluation.framework import Framework, framework_from_coinr
from cgresearch.evaluation.index import check_data

__all__ = [
    "load_coinr",
    "read_coinr_meta",
    "read_framework",
    "read_indicator_data",
    "read_weights",
]

_NUMERIC_META = ("Level", "Direction", "Weight", "Target")


def _row(df: pd.DataFrame, i: int) -> int:
    return int(df.attrs.get("first_row", 2)) + i


def read_coinr_meta(path: str | Path, sheet: str | int = 0) -> Framework:
    """Read a COINr ``iMeta`` table (CSV or Excel) into a framework.

    Numbers are checked cell by cell (file, row, column, value); the framework's own checks
    (unknown parent, cycle, weights, directions) name the file and row.
    """
    meta = read_table(path, sheet)
    name = str(meta.attrs.get("source", Path(path).name))
    out = meta.copy()
    for col in _NUMERIC_META:
        if col not in out.columns:
            continue
        num = pd.to_numeric(out[col], errors="coerce")
        bad = num.isna() & out[col].notna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{name}, row {_row(meta, i)}, column {col!r}: {out[col].iloc[i]!r} is not a number"
            )
        out[col] = num
    return framework_from_coinr(out, source=name, first_row=int(meta.attrs.get("first_row", 2)))


def read_indicator_data(
    path: str | Path, framework: Framework, sheet: str | int = 0
) -> pd.DataFrame:
    """Read COINr's ``iData`` (``uCode``, optional ``uName``, one column per indicator).

    Returns the data with index ``uCode`` (indicators as floats, ``uName`` and group columns
    kept), checked against ``framework`` (see :func:`cgresearch.evaluation.check_data`).

    Raises
    ------
    InputError
        A missing ``uCode`` column or value, a repeated unit, a non-number (file, row, column,
        value), an indicator in META but not in DATA or the reverse, an all-missing indicator.
    """
    raw = read_table(path, sheet)
    name = str(raw.attrs.get("source", Path(path).name))
    if "uCode" not in raw.columns:
        raise InputError(f"{name}: no column 'uCode': COINr's iData has uCode (unit code) first")
    codes = raw["uCode"]
    if codes.isna().any():
        i = int(codes.isna().to_numpy().nonzero()[0][0])
        raise InputError(f"{name}, row {_row(raw, i)}, column 'uCode': the unit code is empty")
    dup = codes.duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{name}, row {_row(raw, i)}, column 'uCode': {codes.iloc[i]!r} repeats an earlier "
            "row: give each unit one row"
        )
    data = raw.drop(columns=["uCode"]).set_axis(pd.Index(codes.astype(str), name="uCode"))
    for col in framework.indicators:
        if col not in data.columns:
            continue
        num = pd.to_numeric(data[col], errors="coerce")
        bad = num.isna() & data[col].notna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{name}, row {_row(raw, i)}, column {col!r}: {data[col].iloc[i]!r} is not a number"
            )
        data[col] = num.astype(float)
    checked = check_data(data, framework, source=name)
    if "uName" in data.columns:
        checked.insert(0, "uName", data["uName"])
    return checked


def load_coinr(
    data_path: str | Path, meta_path: str | Path, sheet: str | int = 0
) -> tuple[pd.DataFrame, Framework]:
    """Read COINr's ``iData`` and ``iMeta`` and check them against each other.

    Parameters
    ----------
    data_path : str or Path
        ``uCode``, optional ``uName``, group columns and one column per indicator.
    meta_path : str or Path
        ``Level, iCode, iName, Direction, Weight, Parent, Type`` (see
        :func:`cgresearch.evaluation.framework_from_coinr`).
    sheet : str or int
        Excel sheet of both files (default the first).

    Returns
    -------
    (pandas.DataFrame, Framework)
        The data (see :func:`read_indicator_data`) and the framework.
    """
    framework = read_coinr_meta(meta_path, sheet)
    return read_indicator_data(data_path, framework, sheet), framework


def read_weights(path: str | Path) -> dict[str, float]:
    """Read weights from a TOML file (``code = weight`` lines, optionally under ``[weights]``)
    or a CSV/Excel table with columns ``code`` (or COINr's ``iCode``) and ``weight``
    (``Weight``). Codes are checked later against the framework.

    >>> read_weights("weights.toml")  # doctest: +SKIP
    {'PLAN': 2.0, 'BCGC': 1.0}
    """
    p = Path(path)
    if p.suffix.lower() == ".toml":
        import tomllib

        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{p}: not valid TOML: {exc}") from None
        table = doc.get("weights", doc)
        out = {}
        for k, v in table.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise InputError(f"{p}, key {k!r}: {v!r} is not a number")
            out[str(k)] = float(v)
        return out
    t = read_table(p)
    name = str(t.attrs.get("source", p.name))
    code_col = next((c for c in ("code", "iCode") if c in t.columns), None)
    w_col = next((c for c in ("weight", "Weight") if c in t.columns), None)
    if code_col is None or w_col is None:
        raise InputError(f"{name}: a weights table needs the columns code and weight")
    out = {}
    for i, (k, v) in enumerate(zip(t[code_col], t[w_col], strict=True)):
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            raise InputError(
                f"{name}, row {_row(t, i)}, column {w_col!r}: {v!r} is not a number"
            ) from None
    return out


def read_framework(meta: str | Path | None, framework: str | Path | None) -> Framework:
    """Return the framework from a COINr ``iMeta`` table or a framework TOML file (one of them).

    The command line's ``evaluate`` and ``uncertainty`` take ``META`` or ``--framework``.

    Raises
    ------
    ParameterError
        Both or neither given.
    """
    from cgresearch.errors import ParameterError
    from cgresearch.evaluation.framework import load_framework

    if (meta is None) == (framework is None):
        raise ParameterError(
            "give either META (a COINr iMeta table) or --framework FILE.toml, not both or neither"
        )
    return load_framework(framework) if framework is not None else read_coinr_meta(meta)

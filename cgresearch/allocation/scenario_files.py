"""A scenario's own data files: ``districts_file`` and ``previous_amounts_file``.

A scenario TOML may name the planner's own district indicators (``districts_file``: newer
population, 65+, area, dong, fiscal independence) and last year's real amounts per gu
(``previous_amounts_file``). Paths are relative to the scenario file. :func:`resolve_file_keys`
turns them into absolute paths when the scenario is read (a missing file is refused there, by
key), fills ``previous_eok`` from the amounts file, and refuses a scenario that gives both
``previous_eok`` and ``previous_amounts_file`` (unless they agree, as in a scenario written back
by :meth:`~cgresearch.allocation.scenario.Scenario.to_toml`). :func:`scenario_districts`
returns the district table a scenario is solved on (the planner's file, else the package's real
table), and
:func:`with_input_files` applies command-line files (``--districts-file``, ``--previous-file``)
over a scenario's. The files themselves are read and validated by
:mod:`cgresearch.data.district_inputs`.

Examples
--------
>>> from cgresearch.allocation.scenario import Scenario
>>> len(scenario_districts(Scenario(name="s", total_budget_eok=250)))
25
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cgresearch.errors import ParameterError

if TYPE_CHECKING:
    from cgresearch.allocation.scenario import Scenario

__all__ = [
    "FILE_KEYS",
    "check_file_fields",
    "previous_from_file",
    "resolve_file_keys",
    "scenario_districts",
    "with_input_files",
]

#: Scenario keys that name a data file (relative to the scenario file).
FILE_KEYS: tuple[str, ...] = ("districts_file", "previous_amounts_file")


def _existing(value: Any, key: str, folder: Path | None, label: str) -> str:
    """The absolute path a file key names, or a ParameterError naming the key."""
    if not isinstance(value, str | Path) or not str(value).strip():
        raise ParameterError(
            f"scenario '{label}': {key} = {value!r} must be a file path (text), e.g. "
            f'{key} = "data/{key.removesuffix("_file")}.csv"'
        )
    path = Path(str(value).strip()).expanduser()
    if not path.is_absolute() and folder is not None:
        path = folder / path
    if not path.is_file():
        where = f" (relative to the scenario file's folder {folder})" if folder else ""
        raise ParameterError(
            f"scenario '{label}': {key} = {str(value)!r}: no such file {path}{where}; give the "
            "path of a CSV (UTF-8 or CP949), .xlsx or .sav file, or remove the key"
        )
    return str(path.resolve())


def check_file_fields(scenario: Scenario) -> None:
    """Refuse file fields that are not text (called by :class:`Scenario`'s validation)."""
    for key in FILE_KEYS:
        value = getattr(scenario, key)
        if value is not None and not isinstance(value, str):
            raise ParameterError(
                f"scenario '{scenario.name}': {key} = {value!r} must be a file path (text)"
            )


def resolve_file_keys(d: Mapping[str, Any], folder: Path | None) -> dict[str, Any]:
    """Return a scenario's dictionary with its file keys made absolute and checked.

    ``previous_amounts_file`` fills ``previous_eok`` (by ``adm_code``); a scenario that gives
    both is refused, as is a file key naming no file.

    Raises
    ------
    ParameterError
        A missing file (key and path named), or ``previous_eok`` beside
        ``previous_amounts_file``.
    InputError
        The file breaks its rules (file, row, column and value named).

    Examples
    --------
    >>> resolve_file_keys({"name": "a", "total_budget_eok": 1}, None)["name"]
    'a'
    """
    out = dict(d)
    label = str(out.get("name", "?"))
    for key in FILE_KEYS:
        if key in out:
            out[key] = _existing(out[key], key, folder, label)
    if "previous_amounts_file" in out:
        from_file = previous_from_file(out["previous_amounts_file"])
        typed = out.get("previous_eok")
        if typed is not None and not _same_amounts(typed, from_file):
            raise ParameterError(
                f"scenario '{label}': both previous_eok and previous_amounts_file are given: "
                "keep one (the file holds last year's amounts per gu)"
            )
        out["previous_eok"] = from_file
    if "districts_file" in out:
        _districts_from_file(out["districts_file"])  # validated now, before any solve
    return out


def _same_amounts(typed: Any, from_file: dict[str, float]) -> bool:
    """True when a typed ``previous_eok`` is the file's table (a scenario written by
    :meth:`Scenario.to_toml` holds both, and reads back unchanged)."""
    if not isinstance(typed, Mapping) or set(map(str, typed)) != set(from_file):
        return False
    return all(
        isinstance(v, int | float) and abs(float(v) - from_file[str(k)]) <= 1e-9
        for k, v in typed.items()
    )


def previous_from_file(path: str | Path) -> dict[str, float]:
    """Last year's amounts of a file as a ``previous_eok`` table (``adm_code`` -> 억원).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cgresearch.data import load_districts
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "prev.csv"
    ...     rows = ["adm_code,전년도(억원)"] + [f"{c},10" for c in load_districts()["adm_code"]]
    ...     _ = p.write_text(chr(10).join(rows), encoding="utf-8")
    ...     previous_from_file(p)["11110"]
    10.0
    """
    from cgresearch.data.district_inputs import load_previous_amounts

    series = load_previous_amounts(path)
    return {str(code): float(v) for code, v in series.items()}


def _districts_from_file(path: str) -> pd.DataFrame:
    p = Path(path)
    stat = p.stat()
    return _read_districts(str(p), stat.st_mtime_ns, stat.st_size).copy()


@lru_cache(maxsize=8)
def _read_districts(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    from cgresearch.data.district_inputs import load_district_indicators

    return load_district_indicators(path)


def scenario_districts(scenario: Scenario) -> pd.DataFrame:
    """The district table a scenario is solved on: its ``districts_file``, else Seoul's 25 gu.

    A file read once is remembered (by path, size and modification time), so a sweep does not
    read it again for each scenario.
    """
    if scenario.districts_file:
        return _districts_from_file(scenario.districts_file)
    from cgresearch.data import load_districts

    return load_districts()


def with_input_files(
    scenario: Scenario,
    districts_file: str | Path | None = None,
    previous_amounts_file: str | Path | None = None,
) -> Scenario:
    """Return ``scenario`` with command-line data files in place of its own.

    Paths are relative to the current folder. ``previous_amounts_file`` replaces the scenario's
    ``previous_eok`` (typed or from its own file).

    Examples
    --------
    >>> from cgresearch.allocation.scenario import Scenario
    >>> s = Scenario(name="s", total_budget_eok=250)
    >>> with_input_files(s) is s
    True
    """
    changes: dict[str, Any] = {}
    if districts_file:
        changes["districts_file"] = _existing(
            str(districts_file), "--districts-file", Path.cwd(), scenario.name
        )
        _districts_from_file(changes["districts_file"])
    if previous_amounts_file:
        path = _existing(str(previous_amounts_file), "--previous-file", Path.cwd(), scenario.name)
        changes["previous_amounts_file"] = path
        changes["previous_eok"] = previous_from_file(path)
    if not changes:
        return scenario
    return dataclasses.replace(scenario, **changes)

"""What went wrong in a report run, in plain words: notebook, parameter file, cell and error.

Examples
--------
>>> running_cell(None)
'a cell'
"""

from __future__ import annotations

from pathlib import Path

from cgresearch.report.params import ParameterSet

__all__ = ["failure_message", "running_cell"]


def running_cell(kept: Path | None) -> str:
    """Name the last cell papermill started in a kept notebook ("a cell" when unknown)."""
    if kept is None:
        return "a cell"
    import nbformat

    try:
        nb = nbformat.read(kept, as_version=4)
    except (OSError, ValueError):
        return "a cell"
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return "a cell"
    source = nb.cells[started[-1]].source
    first = next((ln for ln in source.splitlines() if ln.strip()), "").strip()
    return f"cell {started[-1]} of the executed notebook (starting `{first[:80]}`)"


def failure_message(pset: ParameterSet, exc: BaseException, kept: Path | None, timeout: int) -> str:
    """Say which run failed where: notebook, parameter file, cell and error, or the timeout and
    the option that raises it; and where the executed notebook is kept."""
    from papermill.exceptions import PapermillExecutionError

    where = f"{pset.notebook} with {pset.params_file}"
    if isinstance(exc, PapermillExecutionError):
        first = next((ln for ln in exc.source.splitlines() if ln.strip()), "").strip()
        msg = (
            f"{where}: cell {exc.cell_index} of the executed notebook "
            f"(execution count {exc.exec_count}, starting `{first[:80]}`) raised "
            f"{exc.ename}: {exc.evalue}"
        )
    elif type(exc).__name__ == "CellTimeoutError":
        msg = f"{where}: {running_cell(kept)} ran longer than the per-cell timeout of {timeout} s"
        msg += " (raise it with --timeout)"
    else:
        msg = f"{where}: {type(exc).__name__}: {exc}"
    if kept is not None:
        msg += f"; executed notebook kept at {kept}"
    return msg

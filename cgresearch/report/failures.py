"""What went wrong in a report run, in plain words: notebook, parameter file, cell and error.

The words are in the edition's language (Korean by default); the notebook, the parameter file,
the cell's first line and the error itself are quoted as they are.

Examples
--------
>>> running_cell(None, "en")
'a cell'
>>> running_cell(None)
'어느 셀'
"""

from __future__ import annotations

from pathlib import Path

from cgresearch.errors import CGResearchError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr
from cgresearch.report.params import ParameterSet

__all__ = ["failure_message", "running_cell"]


def running_cell(kept: Path | None, lang: Lang = DEFAULT_LANG) -> str:
    """Name the last cell papermill started in a kept notebook ("a cell" when unknown)."""
    if kept is None:
        return tr("a cell", lang)
    import nbformat

    try:
        nb = nbformat.read(kept, as_version=4)
    except (OSError, ValueError):
        return tr("a cell", lang)
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return tr("a cell", lang)
    source = nb.cells[started[-1]].source
    first = next((ln for ln in source.splitlines() if ln.strip()), "").strip()
    return tr(
        "cell {index} of the executed notebook (starting `{first}`)",
        lang,
        index=started[-1],
        first=first[:80],
    )


def failure_message(
    pset: ParameterSet,
    exc: BaseException,
    kept: Path | None,
    timeout: int,
    lang: Lang = DEFAULT_LANG,
) -> str:
    """Say which run failed where: notebook, parameter file, cell and error, or the timeout and
    the option that raises it; and where the executed notebook is kept (in ``lang``)."""
    from papermill.exceptions import PapermillExecutionError

    where = tr("{notebook} with {params}", lang, notebook=pset.notebook, params=pset.params_file)
    if isinstance(exc, PapermillExecutionError):
        first = next((ln for ln in exc.source.splitlines() if ln.strip()), "").strip()
        msg = tr(
            "{where}: cell {index} of the executed notebook (execution count {count}, starting "
            "`{first}`) raised {error}: {value}",
            lang,
            where=where,
            index=exc.cell_index,
            count=exc.exec_count,
            first=first[:80],
            error=exc.ename,
            value=exc.evalue,
        )
    elif type(exc).__name__ == "CellTimeoutError":
        msg = tr(
            "{where}: {cell} ran longer than the per-cell timeout of {timeout} s (raise it with "
            "--timeout)",
            lang,
            where=where,
            cell=running_cell(kept, lang),
            timeout=timeout,
        )
    else:
        text = exc.localized(lang) if isinstance(exc, CGResearchError) else exc
        msg = f"{where}: {type(exc).__name__}: {text}"
    if kept is not None:
        msg += tr("; executed notebook kept at {path}", lang, path=kept)
    return msg

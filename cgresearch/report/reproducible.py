"""Executed notebooks with the same bytes on every run of the same inputs.

papermill and nbformat leave three kinds of run-to-run noise in an executed notebook (and so in
its HTML page): random cell ids, timestamps and durations (papermill's ``start_time``,
``end_time``, ``duration``; nbclient's ``execution`` timings), and the staging folder the run was
written into (the injected ``output_dir`` parameter, papermill's ``output_path``, any path a cell
printed). :func:`reproducible_notebook` removes the first two and replaces the staging path by
the run's final folder; the run's wall time is kept in ``manifest.json``'s ``timing`` field.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('/tmp/stage/x')")])
>>> nb.cells[0].metadata["papermill"] = {"duration": 0.5, "status": "completed"}
>>> clean = reproducible_notebook(nb, {"/tmp/stage/x": "outputs/x"})
>>> clean.cells[0].id, clean.cells[0].source, dict(clean.cells[0].metadata["papermill"])
('cell-0', "print('outputs/x')", {'status': 'completed'})
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["TIMING_KEYS", "reproducible_notebook"]

#: Metadata keys (notebook- and cell-level ``papermill``) that hold times, removed.
TIMING_KEYS = ("start_time", "end_time", "duration")


def _strip_timing(meta: Any) -> None:
    pm = meta.get("papermill")
    if isinstance(pm, dict):
        for key in TIMING_KEYS:
            pm.pop(key, None)
    meta.pop("execution", None)


def reproducible_notebook(nb: Any, paths: Mapping[str, str] | None = None) -> Any:
    """Return a copy of an executed notebook without run-to-run noise.

    Parameters
    ----------
    nb
        An ``nbformat`` notebook node (v4).
    paths
        Text to replace everywhere in the notebook (sources, outputs, metadata), typically
        ``{str(staging_run_folder): str(final_run_folder)}``; longer keys are replaced first.

    Returns
    -------
    nbformat.NotebookNode
        Cell ids ``cell-0``, ``cell-1``, ...; no papermill or nbclient timings; paths replaced.
    """
    import nbformat

    text = json.dumps(nb, ensure_ascii=False, sort_keys=True)
    for old in sorted(paths or {}, key=len, reverse=True):
        if old:
            new = (paths or {})[old]
            text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    clean = nbformat.from_dict(json.loads(text))
    _strip_timing(clean.metadata)
    clean.nbformat_minor = max(int(clean.get("nbformat_minor", 0)), 5)  # cell ids need 4.5
    for i, cell in enumerate(clean.cells):
        cell["id"] = f"cell-{i}"
        _strip_timing(cell.metadata)
    return clean

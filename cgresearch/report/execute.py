"""One run of the report: a notebook with one parameter set, executed, checked and installed.

:func:`execute_run` executes the notebook through papermill's Python API with an explicit kernel
(owned by the report's :class:`~cgresearch.report.kernels.KernelOwner`), working directory and
per-cell timeout, into the run's staging folder; it then writes the run's HTML page and
``run.json`` and installs the folder whole (:func:`~cgresearch.report.staging.install_run`). A
run that fails keeps its executed notebook in ``<report>/_failed/`` and says what went wrong
(:mod:`cgresearch.report.failures`); a run of a stopping report is reported as interrupted and
installs nothing. The scheduling of the runs is :mod:`cgresearch.report.runner`'s, which
re-exports :class:`RunResult` and :data:`FAILED_DIR`.

Examples
--------
>>> RunResult("02_ko", "02_perception_gap", "params/02_ko.yaml", ok=True, seconds=1.5).ok
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cgresearch.i18n import DEFAULT_LANG, Lang, tr
from cgresearch.report.failures import failure_message
from cgresearch.report.kernels import KernelOwner, kernel_config
from cgresearch.report.params import ParameterSet, read_notebook
from cgresearch.report.staging import install_run

__all__ = ["FAILED_DIR", "RunResult", "execute_run"]


#: Sub-folder of the report folder that keeps the executed notebooks of failed runs.
FAILED_DIR = "_failed"


@dataclass(frozen=True)
class RunResult:
    """How one run (one notebook with one parameter file) went.

    Attributes
    ----------
    run_id, notebook, params_file
        The run, its notebook stem and parameter file.
    ok
        Whether every cell ran.
    seconds
        Wall time of the run.
    message
        For a failed run: notebook, parameter file, failing cell and error, in plain words.
    failed_notebook
        For a failed run: the executed notebook kept for inspection.
    interrupted
        The run was stopped with the report (Ctrl-C, SIGTERM, an error elsewhere): not installed.
    """

    run_id: str
    notebook: str
    params_file: str
    ok: bool
    seconds: float
    message: str = ""
    failed_notebook: Path | None = None
    interrupted: bool = False


def _interrupted(pset: ParameterSet, seconds: float, lang: Lang) -> RunResult:
    where = tr("{notebook} with {params}", lang, notebook=pset.notebook, params=pset.params_file)
    return RunResult(
        pset.run_id,
        pset.notebook,
        pset.to_dict()["params_file"],
        ok=False,
        seconds=seconds,
        message=tr("{where}: interrupted; previous outputs kept", lang, where=where),
        interrupted=True,
    )


def _make_reproducible_file(path: Path, paths: dict[str, str]) -> None:
    """Rewrite a kept executed notebook without ids, timings or the staging path (best effort:
    a notebook papermill left unreadable stays as it is)."""
    import nbformat

    from cgresearch.report.reproducible import reproducible_notebook

    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return
    nbformat.write(reproducible_notebook(nb, paths), path)


def execute_run(
    pset: ParameterSet,
    staging: Path,
    out_dir: Path,
    kernel: str,
    timeout: int,
    git: dict[str, Any],
    owner: KernelOwner,
    lang: Lang = DEFAULT_LANG,
) -> RunResult:
    """Execute one run into ``staging/<run id>``, check it and install it as ``out_dir/<run id>``.

    Parameters
    ----------
    pset : ParameterSet
        The run (notebook and validated parameters).
    staging : Path
        The report's staging folder (locked by the report, beside ``out_dir``'s runs).
    out_dir : Path
        The edition's report folder.
    kernel : str
        The Jupyter kernel to start.
    timeout : int
        Per-cell timeout in seconds.
    git : dict
        The repository state recorded in ``run.json`` (``commit``).
    owner : KernelOwner
        Owns the kernel: a stopping report kills it, and no run installs after the stop.

    Returns
    -------
    RunResult
        ok, failed (with the kept notebook and a plain-words message) or interrupted.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cgresearch.report.provenance import output_digests, write_json
    from cgresearch.report.reproducible import reproducible_notebook

    t0 = time.perf_counter()
    if owner.stopped:
        return _interrupted(pset, 0.0, lang)
    run_stage = staging / pset.run_id
    run_stage.mkdir(parents=True)
    final = out_dir / pset.run_id
    executed_path = run_stage / f"{pset.run_id}.ipynb"
    nb = read_notebook(pset.notebook_path)
    parameters = {**pset.parameters, "output_dir": str(run_stage)}
    ipc_dir = tempfile.mkdtemp(prefix="cgk-")  # short path: unix sockets allow ~100 characters
    try:
        executed = papermill.execute_notebook(
            nb,
            str(executed_path),
            parameters=parameters,
            kernel_name=kernel,
            cwd=str(pset.notebook_path.parent),
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            start_timeout=120,
            config=kernel_config(ipc_dir),
            kernel_manager_class=owner.manager_class(),
            record_timing=False,
        )
    except (PapermillExecutionError, Exception) as exc:
        if owner.stopped:  # the kernel was killed because the report is stopping
            return _interrupted(pset, time.perf_counter() - t0, lang)
        kept: Path | None = None
        if executed_path.is_file():
            failed_dir = out_dir / FAILED_DIR
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / executed_path.name
            os.replace(executed_path, kept)
        message = failure_message(pset, exc, kept, timeout, lang)
        if kept is not None:
            _make_reproducible_file(kept, {str(run_stage): str(final)})
        return RunResult(
            pset.run_id,
            pset.notebook,
            pset.to_dict()["params_file"],
            ok=False,
            seconds=time.perf_counter() - t0,
            message=message,
            failed_notebook=kept,
        )
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    if owner.stopped:
        return _interrupted(pset, time.perf_counter() - t0, lang)
    # papermill records the notebook it was given (here an object, with random cell ids): name
    # its file instead
    executed.metadata.setdefault("papermill", {})["input_path"] = str(pset.notebook_path)
    executed = reproducible_notebook(executed, {str(run_stage): str(final)})
    nbformat.write(executed, executed_path)
    (run_stage / f"{pset.run_id}.html").write_text(
        _page(executed, pset),
        encoding="utf-8",
    )
    record = {
        **pset.to_dict(),
        "kernel": kernel,
        "git_commit": git.get("commit"),
        "outputs": output_digests(run_stage),
    }
    write_json(record, run_stage / "run.json")  # last: a run.json means the run is whole
    seconds = time.perf_counter() - t0
    try:
        installed = install_run(run_stage, final, owner)
    except RuntimeError as exc:  # a file the run listed has gone: keep the previous outputs
        return RunResult(
            pset.run_id,
            pset.notebook,
            record["params_file"],
            ok=False,
            seconds=seconds,
            message=tr(
                "{notebook} with {params}", lang, notebook=pset.notebook, params=pset.params_file
            )
            + f": {exc}",
        )
    if not installed:
        return _interrupted(pset, seconds, lang)
    with contextlib.suppress(FileNotFoundError):
        (out_dir / FAILED_DIR / executed_path.name).unlink()
    return RunResult(pset.run_id, pset.notebook, record["params_file"], ok=True, seconds=seconds)


def _page(executed: Any, pset: ParameterSet) -> str:
    """The run's HTML page in its edition's language (the ``lang`` parameter, if declared)."""
    from cgresearch.report.html import notebook_html

    lang = pset.parameters.get("lang", DEFAULT_LANG)
    return notebook_html(executed, title=tr(pset.title, lang), lang=lang)

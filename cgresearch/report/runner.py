"""The report runner behind ``cgresearch report`` and ``make report``.

Runs every notebook (or those selected) once per parameter file in ``params/``:

1. every parameter file is validated against its notebook's declared parameters before any
   kernel starts (:mod:`cgresearch.report.params`);
2. each run executes through papermill's Python API with an explicit kernel, working directory
   (``notebooks/``) and per-cell timeout, writing into a staging folder inside ``outputs/``;
3. a run that succeeds gets its HTML page and ``run.json`` and then replaces ``outputs/<run id>/``
   by directory renames; a run that fails leaves the previous outputs untouched, keeps its
   executed notebook in ``outputs/_failed/`` and is reported with the notebook, the parameter
   file and the failing cell; the other runs go on;
4. the index page and ``manifest.json`` are rewritten (atomically) from the run folders.

An interrupted report (Ctrl-C, a killed process) never leaves half-written outputs that look
complete: nothing is written outside the staging folder until a run is whole, and a staging folder
left by a killed process is removed by the next report.

Examples
--------
>>> from cgresearch.report import run_report
>>> result = run_report(["01"])  # doctest: +SKIP
>>> result.ok  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from cgresearch import paths
from cgresearch.errors import ParameterError
from cgresearch.i18n import DEFAULT_LANG, check_lang, tr
from cgresearch.report.inputs import check_inputs
from cgresearch.report.params import ParameterSet, load_parameter_sets, read_notebook

__all__ = [
    "FAILED_DIR",
    "ReportResult",
    "RunResult",
    "edition_dir",
    "other_edition_link",
    "resolve_kernel",
    "run_report",
]

#: Sub-folder of the report folder that keeps the executed notebooks of failed runs.
FAILED_DIR = "_failed"
_STAGING_PREFIX = ".staging-"
_PREFERRED_KERNEL = "cgresearch"


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
    """

    run_id: str
    notebook: str
    params_file: str
    ok: bool
    seconds: float
    message: str = ""
    failed_notebook: Path | None = None


@dataclass(frozen=True)
class ReportResult:
    """The outcome of :func:`run_report`.

    Attributes
    ----------
    runs
        One :class:`RunResult` per run, in order.
    out_dir
        The report folder.
    index, manifest
        ``index.html`` and ``manifest.json``.
    seconds
        Wall time of the whole report.
    kernel
        The Jupyter kernel the notebooks ran on.
    """

    runs: tuple[RunResult, ...]
    out_dir: Path
    index: Path
    manifest: Path
    seconds: float
    kernel: str

    @property
    def ok(self) -> bool:
        """True when every run succeeded."""
        return all(r.ok for r in self.runs)

    def to_frame(self) -> Any:
        """Return one row per run: run_id, notebook, params_file, ok, seconds, message."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "run_id": r.run_id,
                    "notebook": r.notebook,
                    "params_file": r.params_file,
                    "ok": r.ok,
                    "seconds": r.seconds,
                    "message": r.message,
                }
                for r in self.runs
            ]
        )

    def describe(self) -> str:
        """Say what ran, what failed and where the report is."""
        n_ok = sum(r.ok for r in self.runs)
        lines = [
            f"report: {n_ok} of {len(self.runs)} runs succeeded in {self.seconds:.1f} s "
            f"(kernel {self.kernel}); open {self.index}"
        ]
        lines += [f"FAILED {r.message}" for r in self.runs if not r.ok]
        return "\n".join(lines)


def resolve_kernel(kernel_name: str | None = None) -> str:
    """Return the kernel for the notebooks: ``kernel_name``, else ``cgresearch``, else ``python3``.

    ``make env`` registers the ``cgresearch`` kernel in ``.venv``; ``python3`` is the kernel of the
    interpreter running the report (ipykernel's native kernel).

    Raises
    ------
    ParameterError
        When the named kernel is not installed.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    specs = ksm.find_kernel_specs()
    name = kernel_name or (_PREFERRED_KERNEL if _PREFERRED_KERNEL in specs else "python3")
    try:
        ksm.get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise ParameterError(
            f"no Jupyter kernel named {name!r} (installed: {', '.join(sorted(specs)) or 'none'}); "
            "`make env` registers the 'cgresearch' kernel"
        ) from exc
    return name


def edition_dir(root: Path, lang: str) -> Path:
    """Return the folder of an edition: the Korean one is ``root`` itself, English ``root/en``.

    The two editions never overwrite each other; each has its own index, manifest and runs.

    >>> edition_dir(Path("outputs"), "en").as_posix()
    'outputs/en'
    """
    return root if check_lang(lang) == "ko" else root / "en"


def other_edition_link(lang: str) -> tuple[str, str]:
    """Return ``(language, relative link)`` of the other edition's index, from this index.

    >>> other_edition_link("ko")
    ('en', 'en/index.html')
    """
    return ("en", "en/index.html") if check_lang(lang) == "ko" else ("ko", "../index.html")


def _is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


class _Progress:
    """One line per run on a terminal: ``[2/8] 03_policy_demand-public  ok  6.1 s``."""

    def __init__(self, total: int, quiet: bool, stream: TextIO) -> None:
        self.total, self.quiet, self.stream, self.done = total, quiet, stream, 0
        self.width = 0

    def finished(self, result: RunResult) -> None:
        self.done += 1
        if self.quiet:
            return
        status = "ok" if result.ok else "FAILED"
        self.stream.write(
            f"[{self.done}/{self.total}] {result.run_id:<36} {status:<6} {result.seconds:6.1f} s\n"
        )
        self.stream.flush()


_LOCK_NAME = ".lock"


def _lock_staging(staging: Path) -> int:
    """Hold an exclusive lock on ``staging/.lock`` while the report runs; return its descriptor.

    The lock dies with the process (even on SIGKILL), which is how a later report tells a
    staging folder in use from one left behind, whatever became of the process id.
    """
    import fcntl

    fd = os.open(staging / _LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _in_use(folder: Path) -> bool:
    import fcntl

    try:
        fd = os.open(folder / _LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return False  # killed between creating the folder and locking it
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders whose report process no longer runs (their lock is free)."""
    for folder in out_dir.glob(f"{_STAGING_PREFIX}*"):
        if folder.is_dir() and not _in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _swap_in(new: Path, target: Path, trash_dir: Path) -> None:
    """Replace folder ``target`` by ``new`` with renames (same file system, never half-written)."""
    old: Path | None = None
    if target.exists():
        old = trash_dir / f".old-{target.name}"
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _kernels_import_this_package() -> None:
    """Put this ``cgresearch`` first on the kernels' ``PYTHONPATH``.

    Kernels are child processes that inherit the environment; this makes them import the very
    package that validated the parameters, even when the environment's install points elsewhere.
    """
    import cgresearch

    here = str(Path(cgresearch.__file__).resolve().parent.parent)
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if not current or current[0] != here:
        os.environ["PYTHONPATH"] = os.pathsep.join([here, *(p for p in current if p != here)])


def _kernel_config(ipc_dir: str) -> Any:
    """Kernel manager settings: local IPC sockets where the platform has them.

    Over IPC the kernel's sockets are files only this user can reach, and ipykernel does not warn
    (once per kernel, on the report's terminal) that TCP traffic is unencrypted.
    """
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(ipc_dir, "k")}})


def _running_cell(kept: Path | None) -> str:
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


def _failure_message(
    pset: ParameterSet, exc: BaseException, kept: Path | None, timeout: int
) -> str:
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
        msg = f"{where}: {_running_cell(kept)} ran longer than the per-cell timeout of {timeout} s"
        msg += " (raise it with --timeout)"
    else:
        msg = f"{where}: {type(exc).__name__}: {exc}"
    if kept is not None:
        msg += f"; executed notebook kept at {kept}"
    return msg


def _execute(
    pset: ParameterSet,
    staging: Path,
    out_dir: Path,
    kernel: str,
    timeout: int,
    git: dict[str, Any],
) -> RunResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cgresearch.report.provenance import output_digests, write_json

    run_stage = staging / pset.run_id
    run_stage.mkdir(parents=True)
    executed_path = run_stage / f"{pset.run_id}.ipynb"
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
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
            config=_kernel_config(ipc_dir),
        )
    except (PapermillExecutionError, Exception) as exc:
        kept: Path | None = None
        if executed_path.is_file():
            failed_dir = out_dir / FAILED_DIR
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / executed_path.name
            os.replace(executed_path, kept)
        return RunResult(
            pset.run_id,
            pset.notebook,
            pset.to_dict()["params_file"],
            ok=False,
            seconds=time.perf_counter() - t0,
            message=_failure_message(pset, exc, kept, timeout),
            failed_notebook=kept,
        )
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    (run_stage / f"{pset.run_id}.html").write_text(
        _page(executed, pset),
        encoding="utf-8",
    )
    seconds = time.perf_counter() - t0
    record = {
        **pset.to_dict(),
        "kernel": kernel,
        "git_commit": git.get("commit"),
        "outputs": output_digests(run_stage),
        "timing": {"started_utc": started, "seconds": round(seconds, 3)},
    }
    write_json(record, run_stage / "run.json")
    _swap_in(run_stage, out_dir / pset.run_id, staging)
    with contextlib.suppress(FileNotFoundError):
        (out_dir / FAILED_DIR / executed_path.name).unlink()
    return RunResult(pset.run_id, pset.notebook, record["params_file"], ok=True, seconds=seconds)


def _page(executed: Any, pset: ParameterSet) -> str:
    """The run's HTML page in its edition's language (the ``lang`` parameter, if declared)."""
    from cgresearch.report.html import notebook_html

    lang = pset.parameters.get("lang", DEFAULT_LANG)
    return notebook_html(executed, title=tr(pset.title, lang), lang=lang)


_TYPICAL_RUN_SECONDS = 10.0


def _expected_seconds(out_dir: Path, pset: ParameterSet) -> float:
    """Return how long a run should take: its last duration (``run.json``), else the parameter
    file's ``expected_seconds``, else a typical run's."""
    import json

    try:
        record = json.loads((out_dir / pset.run_id / "run.json").read_text(encoding="utf-8"))
        return float(record["timing"]["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return pset.expected_seconds or _TYPICAL_RUN_SECONDS


def _collect_runs(out_dir: Path, run_ids: Sequence[str]) -> list[dict[str, Any]]:
    import json

    from cgresearch.report.keyfigures import read_key_figures

    records = []
    for rid in sorted(run_ids):
        path = out_dir / rid / "run.json"
        if path.is_file():
            rec = json.loads(path.read_text(encoding="utf-8"))
            rec["key_figures"] = read_key_figures(out_dir / rid)
            records.append(rec)
    return records


def run_report(
    select: Sequence[str] = (),
    *,
    params_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    kernel_name: str | None = None,
    timeout: int = 600,
    jobs: int | None = None,
    quiet: bool | None = None,
    stream: TextIO | None = None,
    on_run_done: Callable[[RunResult], None] | None = None,
    lang: str = DEFAULT_LANG,
) -> ReportResult:
    """Run the report's notebooks with their parameter sets; write outputs, index and manifest.

    Parameters
    ----------
    select
        Notebook stems, run ids or two-digit prefixes (``"03"``); empty runs every parameter file.
    params_dir, notebooks_dir, out_dir
        Default ``params/``, ``notebooks/`` and ``outputs/`` (from :mod:`cgresearch.paths`).
        ``out_dir`` is the report's root: the Korean edition is written there, the English one
        in its ``en/`` folder (:func:`edition_dir`).
    kernel_name
        The Jupyter kernel; default ``cgresearch`` when registered, else ``python3``.
    timeout
        Per-cell timeout in seconds.
    jobs
        How many notebooks run at once, each in its own kernel; default the number of CPUs,
        at most 4.
    quiet
        Suppress the progress lines; default: quiet when ``$CI`` is set or the stream is no
        terminal.
    stream
        Where progress lines go (default standard error).
    on_run_done
        Called with each :class:`RunResult` as it finishes.
    lang
        The edition: ``"ko"`` (default) or ``"en"``; passed as the ``lang`` parameter to every
        notebook that declares it.

    Returns
    -------
    ReportResult
        Check ``.ok``; ``.describe()`` says what failed.

    Raises
    ------
    ParameterError
        Before any kernel starts: an invalid parameter file, an unknown selection or kernel, an
        input file (``survey_file`` ...) that does not exist.
    InputError
        Before any kernel starts: a user's input file that breaks its schema or its codebook
        (:func:`cgresearch.report.inputs.check_inputs`); nothing is written.
    """
    from cgresearch.report.html import write_index
    from cgresearch.report.provenance import build_manifest, git_state, write_json

    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    p_dir = Path(params_dir) if params_dir is not None else paths.params_dir()
    n_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    lang = check_lang(lang)  # before any kernel starts and before anything is written
    sets = load_parameter_sets(select, p_dir, n_dir, lang=lang)  # validates before any kernel
    check_inputs(sets)  # the user's data files load and match their codebooks, before any run
    all_ids = sorted({f.stem for f in [*p_dir.glob("*.yaml"), *p_dir.glob("*.yml")]})
    if timeout <= 0:
        raise ParameterError(f"timeout must be a positive number of seconds, got {timeout}")
    if jobs is None:
        jobs = max(1, min(4, os.cpu_count() or 1))
    if jobs < 1:
        raise ParameterError(f"jobs must be at least 1, got {jobs}")
    kernel = resolve_kernel(kernel_name)
    out = edition_dir(Path(out_dir) if out_dir is not None else paths.outputs_dir(), lang)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    stream = stream or sys.stderr
    if quiet is None:
        quiet = _is_ci() or not (hasattr(stream, "isatty") and stream.isatty())
    progress = _Progress(len(sets), quiet, stream)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy at kernel start
    git = git_state()
    _kernels_import_this_package()
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=out))
    lock = _lock_staging(staging)
    results: list[RunResult] = []
    try:

        def one(pset: ParameterSet) -> RunResult:
            res = _execute(pset, staging, out, kernel, timeout, git)
            progress.finished(res)
            if on_run_done is not None:
                on_run_done(res)
            return res

        if jobs == 1 or len(sets) == 1:
            results = [one(s) for s in sets]
        else:
            # longest runs first (by their last duration), so no long run starts last
            order = sorted(sets, key=lambda s: -_expected_seconds(out, s))
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                done = dict(zip([s.run_id for s in order], pool.map(one, order), strict=True))
            results = [done[s.run_id] for s in sets]
        records = _collect_runs(out, all_ids)
        seconds = time.perf_counter() - t0
        manifest = build_manifest(
            [{k: v for k, v in r.items() if k != "key_figures"} for r in records],
            params_dir=p_dir,
            notebooks_dir=n_dir,
            timing={"generated_utc": started, "seconds": round(seconds, 3)},
        )
        manifest["failed_runs"] = sorted(r.run_id for r in results if not r.ok)
        manifest_path = write_json(manifest, out / "manifest.json")
        failed = [
            {
                "run_id": r.run_id,
                "message": r.message,
                "notebook": (
                    r.failed_notebook.relative_to(out).as_posix() if r.failed_notebook else ""
                ),
            }
            for r in results
            if not r.ok
        ]
        index = write_index(
            records, out, git=git, failed=failed, lang=lang, other=other_edition_link(lang)
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
    return ReportResult(
        runs=tuple(results),
        out_dir=out,
        index=index,
        manifest=manifest_path,
        seconds=time.perf_counter() - t0,
        kernel=kernel,
    )

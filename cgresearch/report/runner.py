"""The report runner behind ``cgresearch report`` and ``make report``.

Runs every notebook (or those selected) once per parameter file in ``params/``:

1. every parameter file is validated against its notebook's declared parameters before any
   kernel starts (:mod:`cgresearch.report.params`);
2. each run (:func:`cgresearch.report.execute.execute_run`) executes through papermill's Python
   API with an explicit kernel, working directory (``notebooks/``) and per-cell timeout, writing
   into a staging folder inside ``outputs/``;
3. a run that succeeds gets its HTML page and ``run.json`` and then replaces ``outputs/<run id>/``
   by directory renames; a run that fails leaves the previous outputs untouched, keeps its
   executed notebook in ``outputs/_failed/`` and is reported with the notebook, the parameter
   file and the failing cell; the other runs go on;
4. the index page and ``manifest.json`` are rewritten (atomically) from the run folders.

The runs execute on worker threads; the main thread only waits, so Ctrl-C reaches it at once. A
report that stops (Ctrl-C, SIGTERM, SIGHUP, an exception) kills every kernel it started
(:class:`~cgresearch.report.kernels.KernelOwner`) and installs no run from then on; a second Ctrl-C
only cuts short the wait for the runs to wind down. Kernels also die with a killed report (a
parent-death signal), and a staging folder left by a killed report is removed by the next one.
Nothing is written outside the staging folder until a run is whole and checked
(:mod:`cgresearch.report.staging`), and executed notebooks carry no run-to-run noise
(:mod:`cgresearch.report.reproducible`), so two reports give the same bytes.

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
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from cgresearch import paths
from cgresearch.errors import ParameterError
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.report.execute import FAILED_DIR, RunResult, execute_run
from cgresearch.report.inputs import check_inputs
from cgresearch.report.kernels import (
    KernelOwner,
    kernels_import_this_package,
    resolve_kernel,
)
from cgresearch.report.params import ParameterSet, load_parameter_sets
from cgresearch.report.progress import ReportProgress
from cgresearch.report.staging import (
    STAGING_PREFIX,
    discard_staging,
    lock_staging,
    remove_stale_staging,
)

__all__ = [
    "FAILED_DIR",
    "ReportResult",
    "RunResult",
    "edition_dir",
    "other_edition_link",
    "resolve_kernel",
    "run_report",
]


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
    lang
        The edition's language: what :meth:`describe` and the runs' messages are written in.
    """

    runs: tuple[RunResult, ...]
    out_dir: Path
    index: Path
    manifest: Path
    seconds: float
    kernel: str
    lang: Lang = DEFAULT_LANG

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
        """Say what ran, what failed and where the report is, in the edition's language."""
        n_ok = sum(r.ok for r in self.runs)
        lines = [
            tr(
                "report: {ok} of {total} runs succeeded in {seconds:.1f} s (kernel {kernel}); "
                "open {index}",
                self.lang,
                ok=n_ok,
                total=len(self.runs),
                seconds=self.seconds,
                kernel=self.kernel,
                index=self.index,
            )
        ]
        lines += [
            tr("FAILED {message}", self.lang, message=r.message) for r in self.runs if not r.ok
        ]
        return "\n".join(lines)


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


_TYPICAL_RUN_SECONDS = 10.0
#: How long a stopping report waits for its runs to wind down after killing their kernels.
_STOP_GRACE_SECONDS = 30.0


def _previous_timings(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Return each run's timing from the last report's ``manifest.json`` (``timing.runs``)."""
    import json

    try:
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        runs = manifest["timing"]["runs"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {k: v for k, v in runs.items() if isinstance(v, dict)} if isinstance(runs, dict) else {}


def _expected_seconds(timings: dict[str, dict[str, Any]], pset: ParameterSet) -> float:
    """Return how long a run should take: its last duration (``manifest.json`` timing), else
    the parameter file's ``expected_seconds``, else a typical run's."""
    try:
        return float(timings[pset.run_id]["seconds"])
    except (KeyError, ValueError, TypeError):
        return pset.expected_seconds or _TYPICAL_RUN_SECONDS


def _collect_runs(
    out_dir: Path, run_ids: Sequence[str], timings: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Read every installed run's ``run.json`` with its key figures and its timing."""
    import json

    from cgresearch.report.keyfigures import read_key_figures

    records = []
    for rid in sorted(run_ids):
        path = out_dir / rid / "run.json"
        if path.is_file():
            rec = json.loads(path.read_text(encoding="utf-8"))
            rec.pop("timing", None)  # written by earlier versions; timings live in the manifest
            rec["key_figures"] = read_key_figures(out_dir / rid)
            if rid in timings:
                rec["timing"] = timings[rid]
            records.append(rec)
    return records


@contextlib.contextmanager
def _termination_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` in the main thread, so the report stops its
    kernels and removes its staging folder as on Ctrl-C (elsewhere: no change)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, _exit) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _stop_runs(
    owner: KernelOwner, futures: Sequence[Future[Any]], progress: ReportProgress
) -> None:
    """Stop a report: no more installs, every kernel killed, then wait (briefly) for the runs.

    Called on Ctrl-C, SIGTERM or an exception. Killing the kernels ends each run within about a
    second; a second Ctrl-C only cuts the wait short (no run can be installed any more).
    """
    import signal
    import threading

    enough = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous: Any = None
    if in_main:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: enough.set())
    try:
        killed = owner.stop()
        for fut in futures:
            fut.cancel()
        pending = [f for f in futures if not f.done()]
        progress.note(
            tr(
                "stopping: killed {killed} kernel(s); waiting for {pending} run(s) to end; no "
                "run is installed from now on, earlier outputs are kept",
                progress.lang,
                killed=killed,
                pending=len(pending),
            )
        )
        left = [len(pending)]
        lock = threading.Lock()

        def _one_done(_: Future[Any]) -> None:
            with lock:
                left[0] -= 1
                if left[0] <= 0:
                    enough.set()

        if not pending:
            enough.set()
        for fut in pending:
            fut.add_done_callback(_one_done)
        enough.wait(_STOP_GRACE_SECONDS)
    finally:
        if in_main:  # None: the handler was not set from Python; give back the default
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _run_all(
    sets: Sequence[ParameterSet],
    order: Sequence[ParameterSet],
    one: Callable[[ParameterSet], RunResult],
    jobs: int,
    owner: KernelOwner,
    progress: ReportProgress,
) -> list[RunResult]:
    """Run ``order`` on ``jobs`` worker threads (the main thread only waits, so Ctrl-C reaches
    it at once); return the results in the order of ``sets``. Stops every run on any exit."""
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report-run")
    futures: dict[str, Future[RunResult]] = {}
    try:
        for pset in order:
            futures[pset.run_id] = pool.submit(one, pset)
        return [futures[pset.run_id].result() for pset in sets]
    except BaseException:
        _stop_runs(owner, list(futures.values()), progress)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


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
        Suppress the progress lines (a line per started and finished run, with the elapsed
        time and an estimate of what is left; printed on a terminal, in a log and in CI alike).
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
    remove_stale_staging(out)
    timings = _previous_timings(out)
    # longest runs first (by their last duration), so no long run starts last
    order = sorted(sets, key=lambda s: -_expected_seconds(timings, s))
    progress = ReportProgress(
        {s.run_id: _expected_seconds(timings, s) for s in sets},
        jobs=min(jobs, len(sets)),
        quiet=bool(quiet),
        stream=stream or sys.stderr,
        lang=lang,
    )
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy at kernel start
    git = git_state()
    kernels_import_this_package()
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    lock = lock_staging(staging)
    owner = KernelOwner()
    results: list[RunResult] = []
    try:

        def one(pset: ParameterSet) -> RunResult:
            progress.started(pset.run_id)
            run_started = datetime.now(UTC).isoformat(timespec="seconds")
            res = execute_run(pset, staging, out, kernel, timeout, git, owner, lang)
            if res.ok:
                timings[res.run_id] = {"started_utc": run_started, "seconds": round(res.seconds, 3)}
            progress.finished(res.run_id, "interrupted" if res.interrupted else res.ok, res.seconds)
            if on_run_done is not None:
                on_run_done(res)
            return res

        with _termination_as_exit():
            results = _run_all(sets, order, one, jobs, owner, progress)
        records = _collect_runs(out, all_ids, timings)
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
        owner.stop()  # whatever happened, no kernel of this report outlives it
        discard_staging(staging)
        os.close(lock)
    return ReportResult(
        runs=tuple(results),
        out_dir=out,
        index=index,
        manifest=manifest_path,
        seconds=time.perf_counter() - t0,
        kernel=kernel,
        lang=lang,
    )

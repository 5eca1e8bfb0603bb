"""Run a sweep on Dask: batched envelope solves streamed to partitioned, resumable Parquet.

Each Dask task solves one :class:`~cgresearch.sweeps.spec.Batch` (a run of consecutive scenarios,
ordered draw by draw): it builds one :class:`cgresearch.allocation.EnvelopeModel` per Monte Carlo
draw on the perturbed districts and re-solves it for every scenario of that draw, so the model is
kept across the batch and the scheduling cost is paid once per batch, not per scenario. The
worker returns the batch as Parquet bytes; the client writes them to
``results/batch-NNNNNN.parquet`` atomically (temporary file, then :func:`os.replace`) and lets the
task go, so memory does not grow with the number of scenarios and only a bounded number of
batches is in flight.

A rerun on the same output folder resumes: batches whose file exists and carries this sweep's
fingerprint and row count are skipped; everything else is (re)computed. ``sweep.json`` in the
folder records the sweep (spec, fingerprint, batch size) and a rerun with a different sweep is
refused rather than mixed in.

Output layout (one row per scenario × district)::

    OUT/sweep.json
    OUT/results/batch-000000.parquet ...

Columns: ``scenario_id``, ``batch_id``, ``point``, ``draw``, ``param.<key>`` (one per swept key),
``status`` (``optimal``, ``infeasible``, ... or ``invalid`` when a combination of overrides is
rejected), ``message`` and ``conflicts`` (the diagnosis; empty when optimal), the envelope table
(``adm_code``, ``name_ko``, ``name_en``, ``population``, ``amount_eok``, ``per_capita_krw``,
``previous_eok``, ``change_eok``, ``target_eok``, ``deviation_eok``, ``binding``; missing values
when not optimal) and ``metric.<name>`` (the envelope result's metrics).

Examples
--------
>>> from cgresearch.sweeps import load_sweep, run_sweep, read_results
>>> run = run_sweep(load_sweep("budget_floor_grid.toml"), workers=2)  # doctest: +SKIP
>>> read_results(run.out_dir).groupby("status").scenario_id.nunique()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow as pa

from cgresearch import paths
from cgresearch.errors import ParameterError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr
from cgresearch.sweeps.batch import BatchJob, solve_batch
from cgresearch.sweeps.cluster import connect
from cgresearch.sweeps.spec import Batch, SweepSpec, load_sweep
from cgresearch.sweeps.store import (
    batch_complete,
    batch_file_name,
    previous_manifest,
    read_results,
    read_sweep_manifest,
    results_dir,
    results_schema,
    sweep_fingerprint,
    write_atomic,
    write_manifest,
)

__all__ = ["SweepRun", "read_results", "read_sweep_manifest", "results_dir", "run_sweep"]


@dataclass(frozen=True)
class SweepRun:
    """What one call of :func:`run_sweep` did.

    Attributes
    ----------
    out_dir : Path
        The sweep's folder (``sweep.json`` and ``results/``).
    n_scenarios, n_batches : int
        Size of the whole sweep.
    computed, skipped : int
        Batches solved in this call, and batches found complete on disk (resume).
    remaining : int
        Batches still missing (non-zero when ``max_batches`` stopped the run early).
    seconds : float
        Wall time of this call, cluster start-up included.
    batch_size, n_workers : int
        Scenarios per task and Dask workers used.
    """

    out_dir: Path
    n_scenarios: int
    n_batches: int
    computed: int
    skipped: int
    remaining: int
    seconds: float
    batch_size: int
    n_workers: int

    @property
    def complete(self) -> bool:
        """Whether every batch of the sweep is on disk."""
        return self.remaining == 0

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the results written so far (see :func:`read_results`)."""
        return read_results(self.out_dir, columns=columns)

    def to_frame(self) -> pd.DataFrame:
        """Return this summary as a one-row table."""
        row = {k: getattr(self, k) for k in self.__dataclass_fields__}
        row["out_dir"] = str(self.out_dir)
        row["scenarios_per_second"] = self.computed_scenarios / self.seconds if self.seconds else 0
        return pd.DataFrame([row])

    @property
    def computed_scenarios(self) -> int:
        """Approximate number of scenarios solved in this call."""
        if self.n_batches == 0:
            return 0
        return round(self.n_scenarios * self.computed / self.n_batches)

    def status_counts(self) -> dict[str, int]:
        """Return the number of scenarios per status written so far (``optimal``, ...)."""
        frame = read_results(self.out_dir, columns=["scenario_id", "status"])
        counts = frame.drop_duplicates("scenario_id")["status"].value_counts()
        return {str(k): int(v) for k, v in counts.items()}

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """Return a one-paragraph plain-language summary in ``lang`` (Korean by default)."""
        state = (
            tr("complete", lang)
            if self.complete
            else tr("{n} batches still to run", lang, n=self.remaining)
        )
        return tr(
            "sweep in {folder}: {n:,} scenarios in {batches} batches of ≤{size}; {computed} "
            "computed now, {skipped} already on disk; {state}; {seconds:.1f} s on {workers} "
            "worker(s)",
            lang,
            folder=self.out_dir,
            n=self.n_scenarios,
            batches=self.n_batches,
            size=self.batch_size,
            computed=self.computed,
            skipped=self.skipped,
            state=state,
            seconds=self.seconds,
            workers=self.n_workers,
        )


def run_sweep(
    spec: SweepSpec | str | Path,
    *,
    out_dir: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
    districts: pd.DataFrame | None = None,
    progress: bool | None = None,
) -> SweepRun:
    """Run (or resume) a sweep on Dask and stream its results to Parquet.

    Parameters
    ----------
    spec : SweepSpec or str or Path
        The sweep, or the path of its TOML file (:func:`cgresearch.sweeps.load_sweep`).
    out_dir : str or Path, optional
        Output folder; default ``outputs/sweeps/<spec.name>``. Rerunning on it resumes.
    workers : int, optional
        Worker processes of the local cluster (default: the number of CPUs). Ignored with
        ``scheduler`` or ``client``.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); its workers need cgresearch.
    client : distributed.Client, optional
        An existing client (its cluster is left running).
    batch_size : int, optional
        Scenarios per task. Default: the spec's ``batch_size``, else the size recorded by an
        earlier run in ``out_dir``, else about ten tasks per worker, between 20 and 500.
    max_batches : int, optional
        Compute at most this many batches in this call (rerun to continue).
    districts : pandas.DataFrame, optional
        District table; default: the base scenario's ``districts_file``, else
        :func:`cgresearch.data.load_districts`.
    progress : bool, optional
        Show a progress bar on stderr; default: when stderr is a terminal.

    Returns
    -------
    SweepRun
        Counts and timing; ``.read()`` returns the results.

    Raises
    ------
    ParameterError
        When ``out_dir`` holds another sweep, or an option is out of range.
    """
    started = time.perf_counter()
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    if districts is None:
        from cgresearch.allocation.scenario_files import scenario_districts

        districts = scenario_districts(spec.base)
    if spec.monte_carlo is not None:
        spec.monte_carlo.check_columns(districts)
    if workers is not None and workers < 1:
        raise ParameterError(f"--workers must be at least 1, got {workers}")
    if batch_size is not None and (isinstance(batch_size, bool) or batch_size < 1):
        raise ParameterError(
            f"--batch-size must be at least 1 scenario per task, got {batch_size}: give a "
            "positive number, or leave it out for about ten tasks per worker"
        )
    if max_batches is not None and max_batches < 0:
        raise ParameterError(f"--max-batches must not be negative, got {max_batches}")
    out = Path(out_dir) if out_dir is not None else paths.outputs_dir() / "sweeps" / spec.name
    fingerprint = sweep_fingerprint(spec, districts)
    previous = previous_manifest(out, fingerprint)
    n_workers_hint = workers or os.cpu_count() or 1
    size = batch_size if batch_size is not None else spec.batch_size
    if size is None and previous is not None:
        size = int(previous["batch_size"])
    if size is None:
        size = min(500, max(20, math.ceil(spec.n_scenarios / (10 * n_workers_hint))))
    if previous is not None and int(previous["batch_size"]) != size:
        raise ParameterError(
            f"{out}: earlier run used batch size {previous['batch_size']}, not {size}; rerun with "
            f"--batch-size {previous['batch_size']} to resume, or choose a new --out"
        )
    batches = spec.batches(size)
    schema = results_schema(spec, districts)
    with _sweep_lock(out):
        return _run_locked(
            spec, out, districts, fingerprint, size, batches, schema, client, scheduler,
            workers, max_batches, progress, started,
        )  # fmt: skip


@contextlib.contextmanager
def _sweep_lock(out: Path) -> Iterator[None]:
    """Hold ``out/.lock`` for the run: a second sweep into the same folder is refused, by name.

    (Without it the second would delete the first's half-written batch files as stale.)
    """
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise ParameterError(
            f"--out {out}: cannot write there ({exc.strerror}): give a folder you can write to"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ParameterError(
                f"--out {out}: another sweep is writing into this folder now: wait for it to "
                "end (rerunning then resumes), or choose another --out"
            ) from None
        yield
    finally:
        os.close(fd)


def _run_locked(
    spec: SweepSpec,
    out: Path,
    districts: pd.DataFrame,
    fingerprint: str,
    size: int,
    batches: list[Batch],
    schema: pa.Schema,
    client: Any | None,
    scheduler: str | None,
    workers: int | None,
    max_batches: int | None,
    progress: bool | None,
    started: float,
) -> SweepRun:
    write_manifest(out, spec, fingerprint, size, len(batches), schema)
    folder = results_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.tmp"):
        stale.unlink()
    n_rows = len(districts)
    done = {b.batch_id for b in batches if batch_complete(folder, b, fingerprint, n_rows)}
    todo = [b for b in batches if b.batch_id not in done]
    if max_batches is not None:
        todo = todo[:max_batches]
    computed = 0
    n_workers = 0
    if todo:
        with connect(client, scheduler, workers) as dask_client:
            n_workers = max(1, len(dask_client.scheduler_info().get("workers", {})))
            bar = _Progress(len(todo), sys.stderr, _show_progress(progress), len(done))
            job = BatchJob(
                spec.base, spec.monte_carlo, spec.parameter_keys, fingerprint, schema, spec.diagnose
            )
            for batch, payload in _run_tasks(dask_client, spec, districts, job, todo, n_workers):
                write_atomic(folder / batch_file_name(batch), payload)
                computed += 1
                bar.update(computed)
            bar.close()
    return SweepRun(
        out_dir=out,
        n_scenarios=spec.n_scenarios,
        n_batches=len(batches),
        computed=computed,
        skipped=len(done),
        remaining=len(batches) - len(done) - computed,
        seconds=time.perf_counter() - started,
        batch_size=size,
        n_workers=n_workers,
    )


# --- Dask tasks --------------------------------------------------------------------------
def _run_tasks(
    client: Any,
    spec: SweepSpec,
    districts: pd.DataFrame,
    job: BatchJob,
    todo: list[Batch],
    n_workers: int,
) -> Iterator[tuple[Batch, bytes]]:
    """Submit batches with a bounded number in flight; yield each as it completes."""
    from distributed import as_completed

    districts_future = client.scatter(districts, broadcast=True, hash=False)
    job_future = client.scatter(job, broadcast=True, hash=False)
    queue = iter(todo)
    by_key: dict[str, Batch] = {}
    prefix = f"sweep-{job.fingerprint[:12]}"

    def submit(batch: Batch) -> Any:
        scenarios = spec.scenarios_frame(batch.start, batch.stop)
        key = f"{prefix}-{batch.batch_id}"
        by_key[key] = batch
        return client.submit(
            solve_batch,
            job_future,
            districts_future,
            batch,
            scenarios,
            key=key,
            pure=False,
            retries=1,
        )

    in_flight = [submit(b) for _, b in zip(range(3 * n_workers), queue, strict=False)]
    completed = as_completed(in_flight)
    try:
        for future in completed:
            payload = future.result()
            batch = by_key.pop(future.key)
            future.release()
            nxt = next(queue, None)
            if nxt is not None:
                completed.add(submit(nxt))
            yield batch, payload
    finally:
        for future in list(completed.futures):
            future.cancel()
        districts_future.release()
        job_future.release()


# --- progress ---------------------------------------------------------------------------------
def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    return sys.stderr.isatty()


class _Progress:
    """A one-line progress bar on a terminal (silent otherwise)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool, skipped: int) -> None:
        self.total, self.stream, self.enabled, self.skipped = total, stream, enabled, skipped
        self.started = time.perf_counter()
        self.update(0)

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total) if self.total else width
        elapsed = time.perf_counter() - self.started
        resumed = f" ({self.skipped} resumed)" if self.skipped else ""
        self.stream.write(
            f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} batches"
            f"{resumed} {elapsed:5.1f} s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

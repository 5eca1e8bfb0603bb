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
import io
import json
import logging
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cgresearch import paths
from cgresearch.allocation import EnvelopeModel, Scenario, solve_envelopes
from cgresearch.errors import CGResearchError, ModelError, ParameterError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr
from cgresearch.sweeps.spec import Batch, MonteCarlo, SweepSpec, load_sweep

__all__ = ["SweepRun", "read_results", "read_sweep_manifest", "results_dir", "run_sweep"]

FORMAT_VERSION = 1
_META_KEY = b"cgresearch.sweep"
_TABLE_COLUMNS: dict[str, pa.DataType] = {
    "adm_code": pa.string(),
    "name_ko": pa.string(),
    "name_en": pa.string(),
    "population": pa.float64(),
    "amount_eok": pa.float64(),
    "per_capita_krw": pa.float64(),
    "previous_eok": pa.float64(),
    "change_eok": pa.float64(),
    "target_eok": pa.float64(),
    "deviation_eok": pa.float64(),
    "binding": pa.string(),
}
_DEFAULT_METRICS = (
    "total_eok",
    "gini",
    "theil",
    "max_min_ratio",
    "gini_pop",
    "theil_pop",
    "min_need_weighted_per_capita_krw",
    "total_abs_deviation_eok",
)


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


def results_dir(out_dir: str | Path) -> Path:
    """Return the folder holding a sweep's batch files."""
    return Path(out_dir) / "results"


def read_sweep_manifest(out_dir: str | Path) -> dict[str, Any]:
    """Return the ``sweep.json`` of a sweep folder.

    Raises
    ------
    ParameterError
        When the folder holds no sweep.
    """
    path = Path(out_dir) / "sweep.json"
    if not path.is_file():
        raise ParameterError(f"{out_dir}: no sweep.json; run `cgresearch sweep SPEC --out DIR`")
    return json.loads(path.read_text(encoding="utf-8"))


def read_results(
    out_dir: str | Path,
    columns: Sequence[str] | None = None,
    filters: list[tuple[str, str, Any]] | None = None,
) -> pd.DataFrame:
    """Read a sweep's results (all batch files written so far) into one table.

    Parameters
    ----------
    out_dir : str or Path
        The sweep folder (as given to :func:`run_sweep`).
    columns : sequence of str, optional
        Read only these columns.
    filters : list of (column, op, value), optional
        Row filters pushed down to Parquet (``[("status", "==", "optimal")]``).

    Returns
    -------
    pandas.DataFrame
        One row per scenario × district, ordered by scenario and district.
    """
    folder = results_dir(out_dir)
    files = sorted(folder.glob("batch-*.parquet"))
    if not files:
        raise ParameterError(f"{out_dir}: no results yet; run `cgresearch sweep SPEC --out DIR`")
    table = pq.read_table(
        [str(f) for f in files], columns=list(columns) if columns else None, filters=filters
    )
    frame = table.to_pandas()
    if "scenario_id" in frame.columns and not frame["scenario_id"].is_monotonic_increasing:
        frame = frame.sort_values("scenario_id", kind="stable").reset_index(drop=True)
    return frame


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
        District table; default :func:`cgresearch.data.load_districts`.
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
        from cgresearch.data import load_districts

        districts = load_districts()
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
    fingerprint = _fingerprint(spec, districts)
    previous = _previous_manifest(out, fingerprint)
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
    schema = _schema(spec, districts)
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
    _write_manifest(out, spec, fingerprint, size, len(batches), schema)
    folder = results_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.tmp"):
        stale.unlink()
    n_rows = len(districts)
    done = {b.batch_id for b in batches if _complete(folder, b, fingerprint, n_rows)}
    todo = [b for b in batches if b.batch_id not in done]
    if max_batches is not None:
        todo = todo[:max_batches]
    computed = 0
    n_workers = 0
    if todo:
        with _connect(client, scheduler, workers) as dask_client:
            n_workers = max(1, len(dask_client.scheduler_info().get("workers", {})))
            bar = _Progress(len(todo), sys.stderr, _show_progress(progress), len(done))
            job = _Job(
                spec.base, spec.monte_carlo, spec.parameter_keys, fingerprint, schema, spec.diagnose
            )
            for batch, payload in _run_tasks(dask_client, spec, districts, job, todo, n_workers):
                _write_atomic(folder / _batch_name(batch), payload)
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


# --- the task ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Job:
    """What every batch task needs besides its scenarios (scattered once to every worker)."""

    base: Scenario
    monte_carlo: MonteCarlo | None
    keys: tuple[str, ...]
    fingerprint: str
    schema: pa.Schema
    diagnose: bool = True


def _solve_batch(
    job: _Job, districts: pd.DataFrame, batch: Batch, scenarios: pd.DataFrame
) -> bytes:
    """Solve one batch on one worker and return it as Parquet bytes (the Dask task).

    ``scenarios`` is :meth:`SweepSpec.scenarios_frame` of the batch; one envelope model is built
    per Monte Carlo draw in the batch and re-solved for each of its scenarios.
    """
    n = len(districts)
    codes = districts["adm_code"].to_numpy()
    constant = {name: districts[name].to_numpy() for name in ("adm_code", "name_ko", "name_en")}
    keys = list(job.keys)
    metric_names = [name for name in job.schema.names if name.startswith("metric.")]
    # per scenario: one value (repeated for each district at the end); per district: arrays
    scalars: dict[str, list[Any]] = {name: [] for name in ("status", "message", "conflicts")}
    scalars.update({name: [] for name in metric_names})
    rows: dict[str, list[np.ndarray]] = {name: [] for name in _TABLE_COLUMNS}
    missing = np.full(n, None, dtype=object)
    records = scenarios[keys].to_dict("records") if keys else [{}] * len(scenarios)
    records = [{k: list(v) if isinstance(v, tuple) else v for k, v in r.items()} for r in records]
    draws = scenarios["draw"].to_numpy()
    model, model_draw, order = None, None, None
    for draw, overrides in zip(draws, records, strict=True):
        if model is None or draw != model_draw:
            table_d = districts
            if job.monte_carlo is not None:
                table_d = job.monte_carlo.perturb_districts(districts, int(draw))
            model, model_draw = EnvelopeModel(table_d, job.base), draw
            own = model.districts["adm_code"].to_numpy()
            order = None if np.array_equal(own, codes) else _positions(own, codes)
        status, message, conflicts, columns, metrics = _solve_one(model, overrides, job.diagnose)
        scalars["status"].append(status)
        scalars["message"].append(message)
        scalars["conflicts"].append(conflicts)
        for name in metric_names:
            scalars[name].append(metrics.get(name.removeprefix("metric."), np.nan))
        for name in _TABLE_COLUMNS:
            if name in constant:
                rows[name].append(constant[name])
            elif columns is not None and name in columns:
                values = columns[name]
                rows[name].append(values if order is None else values[order])
            else:
                rows[name].append(missing)
    data: dict[str, Any] = {
        "scenario_id": scenarios["scenario_id"].to_numpy(dtype=np.int64),
        "batch_id": np.full(len(scenarios), batch.batch_id, dtype=np.int32),
        "point": scenarios["point"].to_numpy(dtype=np.int64),
        "draw": draws.astype(np.int32),
    }
    for key in keys:
        values = scenarios[key].to_numpy()
        if values.dtype == object and any(isinstance(v, tuple | list) for v in values):
            values = np.array([str(list(v)) for v in values], dtype=object)  # e.g. "[10.5, 11.0]"
        data[f"param.{key}"] = values
    data.update({name: np.asarray(values, dtype=object) for name, values in scalars.items()})
    arrays = []
    for f in job.schema:
        if f.name in rows:
            values = np.concatenate(rows[f.name]) if rows[f.name] else []
        else:
            values = np.repeat(np.asarray(data[f.name]), n)
        arrays.append(pa.array(values, type=f.type, from_pandas=True))
    table = pa.Table.from_arrays(arrays, schema=job.schema)
    meta = json.dumps({"fingerprint": job.fingerprint, "batch_id": batch.batch_id})
    table = table.replace_schema_metadata({**(job.schema.metadata or {}), _META_KEY: meta})
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _positions(own: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Indices into ``own`` (a model's district codes) that give the order of ``codes``."""
    where = {code: i for i, code in enumerate(own.tolist())}
    return np.array([where[code] for code in codes.tolist()], dtype=np.int64)


def _solve_one(
    model: EnvelopeModel, overrides: dict[str, Any], diagnose: bool
) -> tuple[str, str, str, dict[str, np.ndarray] | None, dict[str, float]]:
    """Solve one scenario; a rejected combination or a solver failure is recorded, not raised.

    An optimal scenario's district values come from :meth:`EnvelopeResult.district_columns`
    (arrays; no DataFrame is built per scenario).
    """
    try:
        # The quick diagnosis (at most one LP), so a sweep's cost does not depend on how many
        # points are infeasible; diagnose() gives the full explanation of one point on demand.
        result = model.solve(overrides, diagnose="quick" if diagnose else False)
    except ParameterError as exc:
        return "invalid", str(exc), "", None, {}
    except (ModelError, CGResearchError) as exc:
        return "error", str(exc), "", None, {}
    if result.status == "optimal":
        return "optimal", "", "", result.district_columns(), dict(result.metrics or {})
    diagnosis = result.diagnosis
    message = str(diagnosis.message if diagnosis is not None else result.message)
    conflicts = "; ".join(str(c) for c in diagnosis.conflicts) if diagnosis is not None else ""
    return str(result.status), message, conflicts, None, {}


# --- schema, fingerprint, manifest ------------------------------------------------------------
def _schema(spec: SweepSpec, districts: pd.DataFrame) -> pa.Schema:
    """Arrow schema shared by every batch file (so any subset reads as one table)."""
    fields = [
        pa.field("scenario_id", pa.int64()),
        pa.field("batch_id", pa.int32()),
        pa.field("point", pa.int64()),
        pa.field("draw", pa.int32()),
    ]
    for axis in spec.axes:
        for j, key in enumerate(axis.keys):
            fields.append(pa.field(f"param.{key}", _value_type([v[j] for v in axis.values])))
    fields += [
        pa.field("status", pa.string()),
        pa.field("message", pa.string()),
        pa.field("conflicts", pa.string()),
    ]
    code_type = pa.int64() if pd.api.types.is_integer_dtype(districts["adm_code"]) else pa.string()
    fields += [
        pa.field(name, code_type if name == "adm_code" else dtype)
        for name, dtype in _TABLE_COLUMNS.items()
    ]
    fields += [pa.field(f"metric.{name}", pa.float64()) for name in _metric_names(spec, districts)]
    return pa.schema(fields)


def _metric_names(spec: SweepSpec, districts: pd.DataFrame) -> tuple[str, ...]:
    """Metric names of the envelope result (from a solve of the base scenario)."""
    try:
        result = solve_envelopes(districts, spec.base)
    except CGResearchError:
        return _DEFAULT_METRICS
    if result.status != "optimal" or not result.metrics:
        return _DEFAULT_METRICS
    return tuple(str(k) for k in result.metrics)


def _value_type(values: list[Any]) -> pa.DataType:
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


def _fingerprint(spec: SweepSpec, districts: pd.DataFrame) -> str:
    """Spec fingerprint combined with a hash of the district table."""
    import hashlib

    rows = pd.util.hash_pandas_object(districts, index=False).to_numpy()
    digest = hashlib.sha256(spec.fingerprint().encode())
    digest.update(rows.tobytes())
    digest.update(",".join(map(str, districts.columns)).encode())
    digest.update(f"format={FORMAT_VERSION}".encode())
    return digest.hexdigest()


def _previous_manifest(out: Path, fingerprint: str) -> dict[str, Any] | None:
    path = out / "sweep.json"
    if not path.is_file():
        if results_dir(out).is_dir() and any(results_dir(out).glob("batch-*.parquet")):
            raise ParameterError(f"{out}: holds batch files without sweep.json; choose a new --out")
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("fingerprint") != fingerprint:
        raise ParameterError(
            f"{out}: holds results of a different sweep ({manifest.get('name')!r}, other base "
            "scenario, axes, draws or district data); choose a new --out or delete that folder"
        )
    return manifest


def _write_manifest(
    out: Path, spec: SweepSpec, fingerprint: str, batch_size: int, n_batches: int, schema: pa.Schema
) -> None:
    manifest = {
        "format": FORMAT_VERSION,
        "name": spec.name,
        "source": spec.source,
        "fingerprint": fingerprint,
        "batch_size": batch_size,
        "n_batches": n_batches,
        "n_points": spec.n_points,
        "n_draws": spec.n_draws,
        "n_scenarios": spec.n_scenarios,
        "parameter_keys": list(spec.parameter_keys),
        "columns": schema.names,
        "spec": spec.to_dict(),
    }
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    _write_atomic(out / "sweep.json", text.encode("utf-8"))


def _batch_name(batch: Batch) -> str:
    return f"batch-{batch.batch_id:06d}.parquet"


def _complete(folder: Path, batch: Batch, fingerprint: str, n_districts: int) -> bool:
    """Whether a batch file exists, is readable Parquet and belongs to this sweep."""
    path = folder / _batch_name(batch)
    if not path.is_file():
        return False
    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowInvalid):
        return False
    info = (meta.metadata or {}).get(_META_KEY)
    if info is None:
        return False
    info = json.loads(info)
    return (
        info.get("fingerprint") == fingerprint
        and info.get("batch_id") == batch.batch_id
        and meta.num_rows == len(batch) * n_districts
    )


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --- Dask -------------------------------------------------------------------------------------
@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with SIGINT ignored (an ignored signal stays ignored in a child).

    Ctrl-C reaches every process of the terminal's foreground group; without this each worker
    dies with its own traceback. Only this process then sees the KeyboardInterrupt, and closing
    the cluster ends the workers quietly.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _connect(client: Any | None, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """Yield a Dask client: the given one, one on ``scheduler``, or a new local cluster."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            remote = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"cannot reach Dask scheduler {scheduler!r}: {exc}") from exc
        with remote:
            yield remote
        return
    with _workers_ignore_ctrl_c():
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,  # no dashboard; its HTTP server on a free port
            scheduler_kwargs={"dashboard_address": ":0"},
            # CRITICAL: a worker whose scheduler closed under it (Ctrl-C) logs an ERROR with a
            # traceback; task errors still reach this process as exceptions.
            silence_logs=logging.CRITICAL,
        )
    with cluster, Client(cluster) as local:
        yield local


def _run_tasks(
    client: Any,
    spec: SweepSpec,
    districts: pd.DataFrame,
    job: _Job,
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
            _solve_batch,
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

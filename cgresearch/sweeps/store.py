"""A sweep's folder on disk: ``sweep.json``, the Arrow schema and the Parquet batch files.

The schema of every batch file, the sweep's fingerprint (spec + district table + format), the
manifest that refuses to mix two sweeps in one folder, the check that a batch file is complete
(resume) and atomic writes; :func:`read_results` reads the batch files back as one table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cgresearch.allocation import solve_envelopes
from cgresearch.errors import CGResearchError, ParameterError
from cgresearch.sweeps.spec import Batch, SweepSpec

__all__ = [
    "META_KEY",
    "TABLE_COLUMNS",
    "batch_complete",
    "batch_file_name",
    "previous_manifest",
    "read_results",
    "read_sweep_manifest",
    "results_dir",
    "results_schema",
    "sweep_fingerprint",
    "write_atomic",
    "write_manifest",
]

FORMAT_VERSION = 1
META_KEY = b"cgresearch.sweep"
TABLE_COLUMNS: dict[str, pa.DataType] = {
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


def results_schema(spec: SweepSpec, districts: pd.DataFrame) -> pa.Schema:
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
        for name, dtype in TABLE_COLUMNS.items()
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


def sweep_fingerprint(spec: SweepSpec, districts: pd.DataFrame) -> str:
    """Spec fingerprint combined with a hash of the district table."""
    import hashlib

    rows = pd.util.hash_pandas_object(districts, index=False).to_numpy()
    digest = hashlib.sha256(spec.fingerprint().encode())
    digest.update(rows.tobytes())
    digest.update(",".join(map(str, districts.columns)).encode())
    digest.update(f"format={FORMAT_VERSION}".encode())
    return digest.hexdigest()


def previous_manifest(out: Path, fingerprint: str) -> dict[str, Any] | None:
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


def write_manifest(
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
    write_atomic(out / "sweep.json", text.encode("utf-8"))


def batch_file_name(batch: Batch) -> str:
    return f"batch-{batch.batch_id:06d}.parquet"


def batch_complete(folder: Path, batch: Batch, fingerprint: str, n_districts: int) -> bool:
    """Whether a batch file exists, is readable Parquet and belongs to this sweep."""
    path = folder / batch_file_name(batch)
    if not path.is_file():
        return False
    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowInvalid):
        return False
    info = (meta.metadata or {}).get(META_KEY)
    if info is None:
        return False
    info = json.loads(info)
    return (
        info.get("fingerprint") == fingerprint
        and info.get("batch_id") == batch.batch_id
        and meta.num_rows == len(batch) * n_districts
    )


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)

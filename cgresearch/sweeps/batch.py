"""One Dask task of a sweep: a batch of scenarios solved on one worker, returned as Parquet.

:func:`solve_batch` builds one :class:`~cgresearch.allocation.EnvelopeModel` per Monte Carlo
draw and re-solves it for each scenario; an infeasible scenario records the quick diagnosis only
(the full explanation is on demand), so a batch's cost does not depend on how many of its
scenarios are infeasible.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cgresearch.allocation import EnvelopeModel, Scenario
from cgresearch.errors import CGResearchError, ModelError, ParameterError
from cgresearch.sweeps.spec import Batch, MonteCarlo
from cgresearch.sweeps.store import META_KEY, TABLE_COLUMNS

__all__ = [
    "BatchJob",
    "solve_batch",
]


@dataclass(frozen=True)
class BatchJob:
    """What every batch task needs besides its scenarios (scattered once to every worker)."""

    base: Scenario
    monte_carlo: MonteCarlo | None
    keys: tuple[str, ...]
    fingerprint: str
    schema: pa.Schema
    diagnose: bool = True


def solve_batch(
    job: BatchJob, districts: pd.DataFrame, batch: Batch, scenarios: pd.DataFrame
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
    rows: dict[str, list[np.ndarray]] = {name: [] for name in TABLE_COLUMNS}
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
        for name in TABLE_COLUMNS:
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
    table = table.replace_schema_metadata({**(job.schema.metadata or {}), META_KEY: meta})
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
    diagnosis = result.quick_diagnosis  # never the full one: a sweep must not pay for it
    message = str(diagnosis.message if diagnosis is not None else result.message)
    conflicts = "; ".join(str(c) for c in diagnosis.conflicts) if diagnosis is not None else ""
    return str(result.status), message, conflicts, None, {}

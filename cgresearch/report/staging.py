"""The report's staging folders: each run is built aside, checked, then swapped in whole.

A report writes every run into ``outputs/.staging-<pid>-<random>/<run id>/`` and holds an
exclusive lock on the staging folder's ``.lock`` while it runs. A run is installed (its folder
renamed over ``outputs/<run id>/``) only when every file its ``run.json`` lists is there and the
report is not stopping; a staging folder whose lock is free belongs to a dead report and is
removed by the next one.

The lock, the removal of dead reports' staging folders, the discard and the swap are the shared
machinery of :mod:`cgresearch.outputs` (:func:`~cgresearch.outputs.lock_stage`,
:func:`~cgresearch.outputs.remove_stale`, :func:`~cgresearch.outputs.discard_stage`,
:func:`~cgresearch.outputs.swap_folder`, the last under the lock on the report folder, as
``allocate`` and ``synth`` take it on theirs); what is the report's own is one staging folder for
many runs, the check of a run against its ``run.json`` and the hand-off with the kernels' owner.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> fd = lock_staging(out)
>>> in_use(out)
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cgresearch.outputs import discard_stage, in_use, lock_stage, remove_stale, swap_folder
from cgresearch.report.kernels import KernelOwner

__all__ = [
    "STAGING_PREFIX",
    "discard_staging",
    "in_use",
    "install_run",
    "lock_staging",
    "missing_outputs",
    "remove_stale_staging",
]

#: Name prefix of the staging folders inside the report folder.
STAGING_PREFIX = ".staging-"


def lock_staging(staging: Path) -> int:
    """Hold an exclusive lock on ``staging/.lock`` while the report runs; return its descriptor.

    The lock dies with the process (even on SIGKILL), which is how a later report tells a
    staging folder in use from one left behind, whatever became of the process id
    (:func:`cgresearch.outputs.lock_stage`).
    """
    return lock_stage(staging)


def remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders whose report process no longer runs (their lock is free)
    (:func:`cgresearch.outputs.remove_stale` with the report's prefix)."""
    remove_stale(out_dir, STAGING_PREFIX)


def discard_staging(staging: Path) -> None:
    """Delete a report's staging folder: renamed first, so that a run still winding down (its
    kernel killed) cannot create a file in it while it is deleted; a leftover keeps the staging
    prefix, so the next report removes it (:func:`cgresearch.outputs.discard_stage`)."""
    discard_stage(staging)


def missing_outputs(run_stage: Path, record: dict[str, Any]) -> list[str]:
    """Return the files a staged run says it wrote (``run.json``) but that are not there."""
    rid = record["run_id"]
    claimed = [*record.get("outputs", {}), f"{rid}.ipynb", f"{rid}.html", "run.json"]
    return [name for name in claimed if not (run_stage / name).is_file()]


def install_run(run_stage: Path, final: Path, owner: KernelOwner) -> bool:
    """Swap a complete, checked staged run into ``final``; False when the report is stopping.

    The check and the renames happen while :meth:`KernelOwner.stop` is held off, so a run is
    either installed whole before the report stops or not at all.
    """
    import json

    record = json.loads((run_stage / "run.json").read_text(encoding="utf-8"))
    missing = missing_outputs(run_stage, record)
    if missing:
        raise RuntimeError(f"run {record['run_id']} is incomplete: missing {', '.join(missing)}")
    with owner.installing() as allowed:
        if allowed:
            swap_folder(run_stage, final)
        return allowed

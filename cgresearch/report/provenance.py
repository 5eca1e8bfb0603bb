"""Provenance of a report: ``manifest.json`` says what produced the outputs.

It records the git commit and whether the work tree had uncommitted changes, the sha256 of
``uv.lock``, the installed package versions, the sha256 of every raw input file (checked against
``data/MANIFEST``), of the notebooks, parameter files and scenarios, the seeds of the synthetic
generators, each real input file a run read (``real_inputs``: parameter, file, sha256), each
run's validated parameters and the sha256 of each output figure and table.
Everything that changes from one run to the next (timestamps, durations) sits in the one
top-level field ``"timing"``; without it two runs of the same commit give byte-identical files.

Examples
--------
>>> m = build_manifest([])
>>> sorted(m)[:3]
['environment', 'git', 'inputs']
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from cgresearch import paths
from cgresearch.report._files import atomic_write_text

__all__ = [
    "DETERMINISTIC_OUTPUTS",
    "build_manifest",
    "git_state",
    "input_files",
    "output_digests",
    "package_versions",
    "sha256_file",
    "write_json",
]

#: The output sub-folders and files whose bytes must not change between runs; the manifest lists
#: their sha256. (Executed notebooks and their HTML carry timings and are not listed.)
DETERMINISTIC_OUTPUTS: tuple[str, ...] = ("figures", "tables", "key_figures.json")

MANIFEST_VERSION = 1


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def git_state(root: Path | None = None) -> dict[str, Any]:
    """Return ``{"commit": sha or None, "dirty": bool or None}`` of the project's work tree.

    ``dirty`` is true when tracked files differ from the commit (untracked files are ignored:
    ``outputs/`` is git-ignored and scratch files do not feed the report).
    """
    root = root or paths.project_root()

    def _git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout

    head = _git("rev-parse", "HEAD")
    if head is None:
        return {"commit": None, "dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": head.strip(), "dirty": bool(status and status.strip())}


def package_versions() -> dict[str, str]:
    """Return ``{distribution name: version}`` of every installed package, sorted by name."""
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions[name.lower().replace("_", "-")] = dist.version
    return dict(sorted(versions.items()))


def _hash_tree(folder: Path, patterns: Iterable[str]) -> dict[str, str]:
    root = paths.project_root()
    files = sorted({p for pat in patterns for p in folder.glob(pat) if p.is_file()})
    out = {}
    for p in files:
        try:
            rel = p.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = p.name
        out[rel] = sha256_file(p)
    return out


def input_files(
    params_dir: Path | None = None, notebooks_dir: Path | None = None
) -> dict[str, Any]:
    """Return the sha256 of every input: raw data, notebooks, parameter files, scenarios.

    ``raw_data_matches_manifest`` says whether the raw files on disk equal ``data/MANIFEST``.
    """
    from cgresearch.data.manifest import compute_manifest, verify_manifest

    return {
        "raw_data": compute_manifest(),
        "raw_data_matches_manifest": verify_manifest().ok,
        "notebooks": _hash_tree(notebooks_dir or paths.notebooks_dir(), ["*.py"]),
        "params": _hash_tree(params_dir or paths.params_dir(), ["*.yaml", "*.yml"]),
        "scenarios": _hash_tree(paths.scenarios_dir(), ["**/*"]),
    }


def output_digests(run_dir: Path) -> dict[str, str]:
    """Return ``{path relative to run_dir: sha256}`` of a run's figures, tables and key figures."""
    out: dict[str, str] = {}
    for entry in DETERMINISTIC_OUTPUTS:
        target = run_dir / entry
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for f in files:
            if f.is_file() and not f.name.startswith("."):
                out[f.relative_to(run_dir).as_posix()] = sha256_file(f)
    return out


def _seeds(parameters: Mapping[str, Any]) -> dict[str, Any]:
    if any(parameters.get(name) for name in _file_parameters()):
        return {}  # the run read the user's files, not the generator's data
    return {k: v for k, v in parameters.items() if "seed" in k.lower()}


def _file_parameters() -> tuple[str, ...]:
    from cgresearch.report.inputs import FILE_PARAMETERS

    return FILE_PARAMETERS


def _real_inputs(parameters: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    from cgresearch.report.inputs import input_file_digests

    return input_file_digests(parameters)


def build_manifest(
    runs: Iterable[Mapping[str, Any]],
    *,
    params_dir: Path | None = None,
    notebooks_dir: Path | None = None,
    timing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the manifest from run records (the runner's ``run.json`` of each run).

    Parameters
    ----------
    runs
        One mapping per run with ``run_id``, ``parameters``, ``outputs`` and optional ``timing``.
    params_dir, notebooks_dir
        Where the inputs were read.
    timing
        Report-level timing (e.g. ``{"generated_utc": ..., "seconds": ...}``); each run's own
        ``timing`` is moved under ``timing["runs"]``.
    """
    root = paths.project_root()
    lock = root / "uv.lock"
    run_list = sorted(runs, key=lambda r: r["run_id"])
    all_timing: dict[str, Any] = dict(timing or {})
    all_timing["runs"] = {r["run_id"]: r.get("timing", {}) for r in run_list}
    return {
        "manifest_version": MANIFEST_VERSION,
        "git": git_state(root),
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "uv_lock_sha256": sha256_file(lock) if lock.is_file() else None,
            "packages": package_versions(),
        },
        "inputs": input_files(params_dir, notebooks_dir),
        "real_inputs": {
            r["run_id"]: f for r in run_list if (f := _real_inputs(r.get("parameters", {})))
        },
        "synthetic_seeds": {
            r["run_id"]: s for r in run_list if (s := _seeds(r.get("parameters", {})))
        },
        "runs": {r["run_id"]: {k: v for k, v in r.items() if k != "timing"} for r in run_list},
        "timing": all_timing,
    }


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as sorted, indented UTF-8 JSON atomically (temp file, then rename)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    atomic_write_text(path, text)
    return path

"""Where the project's folders live: the one place every other module asks.

The project root is found from the ``CGRESEARCH_ROOT`` environment variable when set, else as the
folder above the installed package (an editable install from a clone, which is how the README sets
the project up).

Examples
--------
>>> from cgresearch import paths
>>> paths.raw_data_dir().name
'raw'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "data_dir",
    "manifest_file",
    "notebooks_dir",
    "outputs_dir",
    "params_dir",
    "project_root",
    "raw_data_dir",
    "scenarios_dir",
]


def project_root() -> Path:
    """Return the project root (``$CGRESEARCH_ROOT`` or the folder above the package)."""
    env = os.environ.get("CGRESEARCH_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return ``data/``: raw inputs (never modified) and their manifest."""
    return project_root() / "data"


def raw_data_dir() -> Path:
    """Return ``data/raw/``: copies of public data, byte-identical to their sources."""
    return data_dir() / "raw"


def manifest_file() -> Path:
    """Return ``data/MANIFEST``: the sha256 of every raw file."""
    return data_dir() / "MANIFEST"


def outputs_dir() -> Path:
    """Return ``outputs/``: everything the report and the command line generate (git-ignored)."""
    return project_root() / "outputs"


def notebooks_dir() -> Path:
    """Return ``notebooks/``: the jupytext sources of the report chapters."""
    return project_root() / "notebooks"


def params_dir() -> Path:
    """Return ``params/``: the parameter sets (YAML) of the report runs."""
    return project_root() / "params"


def scenarios_dir() -> Path:
    """Return ``scenarios/``: example planner scenarios (TOML)."""
    return project_root() / "scenarios"

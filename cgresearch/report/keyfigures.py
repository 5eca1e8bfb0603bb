"""Key figures: the few numbers a notebook reports, written where tests and the index read them.

A notebook calls :func:`record_key_figures` with named numbers (``n_projects=1126``); they are
merged into ``<output_dir>/key_figures.json`` (sorted keys, so the bytes are deterministic). The
report index shows them and ``tests/notebooks`` checks them. This stands in for scrapbook's
``glue``, which papermill 2 no longer ships.

Examples
--------
>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> _ = record_key_figures(d, n_projects=1126)
>>> read_key_figures(d)["n_projects"]
1126
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cgresearch.report._files import atomic_write_text

__all__ = ["KEY_FIGURES_FILE", "read_key_figures", "record_key_figures"]

#: The file name, inside a run's output folder.
KEY_FIGURES_FILE = "key_figures.json"


def _plain(value: Any, name: str) -> Any:
    """Convert numpy/pandas scalars and containers to JSON-ready Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{name}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"key figure {name}: {value} is not a finite number")
        return value
    raise TypeError(f"key figure {name}: {type(value).__name__} is not a number, text or list")


def read_key_figures(output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the key figures recorded in ``output_dir`` (empty when none)."""
    path = Path(output_dir) / KEY_FIGURES_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def record_key_figures(output_dir: str | os.PathLike[str], **figures: Any) -> dict[str, Any]:
    """Merge named numbers into ``<output_dir>/key_figures.json`` and return them all.

    Parameters
    ----------
    output_dir
        The run's output folder (the notebook's ``output_dir`` parameter).
    **figures
        Numbers, text, or lists/dicts of them (numpy scalars are converted).

    Examples
    --------
    >>> import tempfile
    >>> record_key_figures(tempfile.mkdtemp(), share_smg=0.817)
    {'share_smg': 0.817}
    """
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    merged = read_key_figures(folder)
    merged.update({k: _plain(v, k) for k, v in figures.items()})
    text = json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write_text(folder / KEY_FIGURES_FILE, text)
    return dict(sorted(merged.items()))

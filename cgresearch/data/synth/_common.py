"""Shared pieces of the synthetic-data generators: apportionment, labels, deterministic CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError

__all__ = ["SYNTHETIC_LABEL", "apportion", "to_csv_bytes"]

#: Value of the ``data_label`` column in every synthetic table.
SYNTHETIC_LABEL = "synthetic"


def apportion(total: int, weights: np.ndarray | list[float], minimum: int = 0) -> np.ndarray:
    """Split an integer ``total`` into parts proportional to ``weights`` (largest remainder).

    Each part first gets ``minimum``; the rest, ``total - minimum * len(weights)``, is shared by
    Hamilton's method: every part gets the floor of its exact quota and the units left over go to
    the largest fractional remainders (ties to the lower index). The parts sum to ``total`` exactly.

    Parameters
    ----------
    total : int
        The integer to split (>= ``minimum * len(weights)``).
    weights : array of float
        Non-negative weights, not all zero.
    minimum : int
        The least each part receives.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> apportion(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> apportion(100, [0.5, 0.3, 0.2], minimum=10).tolist()
    [45, 31, 24]
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or len(w) == 0 or (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ParameterError("apportion: weights must be a non-empty 1-D array, >= 0, not all 0")
    rest = int(total) - minimum * len(w)
    if rest < 0:
        raise ParameterError(
            f"apportion: total {total} is below minimum {minimum} x {len(w)} parts; lower the "
            "minimum or raise the total"
        )
    quota = rest * w / w.sum()
    parts = np.floor(quota).astype(np.int64)
    left = rest - int(parts.sum())
    if left:
        order = np.lexsort((np.arange(len(w)), -(quota - parts)))
        parts[order[:left]] += 1
    return parts + minimum


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return ``df`` as UTF-8 CSV bytes, deterministic (``\\n`` line ends, no index).

    Examples
    --------
    >>> to_csv_bytes(pd.DataFrame({"a": [1, 2]}))
    b'a\\n1\\n2\\n'
    """
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")

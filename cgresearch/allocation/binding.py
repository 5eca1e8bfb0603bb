"""Which bounds hold each gu at an allocation: the labels the result table and sweeps store.

A gu's label lists every bound it sits on (``floor``, ``cap``, ``stability_low``/``high``,
``tier_min``/``max``, ``equity_min``/``max``), ``;``-separated;
:func:`free_of_bounds` marks the gu held by none (they share the common adjustment).
"""

from __future__ import annotations

import functools

import numpy as np

from cgresearch.allocation.envelope_lp import EnvelopeData

__all__ = [
    "BIND_TOL",
    "binding_labels",
    "free_of_bounds",
]

BIND_TOL = 1e-6
_BINDING_LABELS = (
    "floor",
    "cap",
    "stability_low",
    "stability_high",
    "tier_min",
    "tier_max",
    "equity_min",
    "equity_max",
)


def binding_labels(data: EnvelopeData, x: np.ndarray) -> list[str]:
    """Labels of the bounds that bind at ``x``, per district (``;``-separated, in the order of
    ``_BINDING_LABELS``)."""
    x = x[: data.n]
    bounds = (data.floor, data.cap, data.stab_lo, data.stab_hi, data.tier_lo, data.tier_hi)
    hits = [np.abs(x - b) <= BIND_TOL * np.maximum(1.0, np.abs(b)) for b in bounds]
    ratio = data.scenario.max_per_capita_ratio
    if ratio is not None:
        pc = x * data.k
        lo, hi = float(pc.min()), float(pc.max())
        on = hi - ratio * lo >= -BIND_TOL * max(1.0, abs(hi))
        hits.append(on & (np.abs(pc - lo) <= BIND_TOL * max(1.0, abs(lo))))
        hits.append(on & (np.abs(pc - hi) <= BIND_TOL * max(1.0, abs(hi))))
    grid = np.column_stack(hits)  # nan bounds compare False
    codes = (grid @ (1 << np.arange(len(hits)))).tolist()
    return [_label_join(code) for code in codes]


@functools.lru_cache(maxsize=256)
def _label_join(code: int) -> str:
    """The ``;``-joined binding labels whose bits are set in ``code``."""
    return ";".join(label for j, label in enumerate(_BINDING_LABELS) if code >> j & 1)


def free_of_bounds(data: EnvelopeData, x: np.ndarray) -> np.ndarray:
    """Gu held by none of their bounds (nor by zero)."""
    labels = binding_labels(data, x)
    return np.array([lab == "" for lab in labels]) & (x > BIND_TOL)

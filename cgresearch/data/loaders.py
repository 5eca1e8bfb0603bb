"""Loaders: read input files, validate them against declared schemas, return DataFrames.

The real Seoul reference tables (districts, administrative dong, boundaries) are read by
:mod:`cgresearch.data.districts` and re-exported here so that every loader has one home.

Examples
--------
>>> from cgresearch.data.loaders import load_districts
>>> load_districts()["name_en"].iloc[0]
'Jongno-gu'
"""

from __future__ import annotations

from cgresearch.data.districts import (
    load_admin_dong,
    load_boundaries,
    load_boundaries_geojson,
    load_districts,
)

__all__ = [
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_districts",
]

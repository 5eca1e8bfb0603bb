"""The edge where files come in: real Seoul reference data, loaders with schemas, synthetic data.

Examples
--------
>>> from cgresearch.data import load_districts, resolve_district
>>> resolve_district("Mapo-gu")
11440
"""

from cgresearch.data.districts import (
    District,
    DistrictLookup,
    district_lookup,
    load_admin_dong,
    load_boundaries,
    load_boundaries_geojson,
    load_districts,
    resolve_district,
)
from cgresearch.data.schemas import Problem, ValidationFailed

__all__ = [
    "District",
    "DistrictLookup",
    "Problem",
    "ValidationFailed",
    "district_lookup",
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_districts",
    "resolve_district",
]

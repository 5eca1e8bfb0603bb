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
from cgresearch.data.loaders import (
    load_inventory,
    load_proposals,
    load_survey,
    read_table,
    validate_inventory,
    validate_proposals,
    validate_survey,
)
from cgresearch.data.pabulib import PBElection, read_pb
from cgresearch.data.pb_facts import FACT_UNITS, PB_SERIES, load_pb_facts, pb_series
from cgresearch.data.schemas import Problem, ValidationFailed

__all__ = [
    "FACT_UNITS",
    "PB_SERIES",
    "District",
    "DistrictLookup",
    "PBElection",
    "Problem",
    "ValidationFailed",
    "district_lookup",
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_districts",
    "load_inventory",
    "load_pb_facts",
    "load_proposals",
    "load_survey",
    "pb_series",
    "read_pb",
    "read_table",
    "resolve_district",
    "validate_inventory",
    "validate_proposals",
    "validate_survey",
]

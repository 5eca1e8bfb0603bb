"""The edge where files come in: real Seoul reference data, loaders with schemas, synthetic data.

Examples
--------
>>> from cgresearch.data import load_districts, resolve_district
>>> resolve_district("Mapo-gu")
11440
"""

from cgresearch.data.cleaning import Cleaner, table_context
from cgresearch.data.codebook import Codebook, CodebookVariable, load_codebook, parse_labels
from cgresearch.data.district_inputs import load_district_indicators, load_previous_amounts
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
    SURVEY_REQUIRED_ITEMS,
    load_inventory,
    load_proposals,
    load_survey,
    read_table,
    validate_inventory,
    validate_proposals,
    validate_survey,
)
from cgresearch.data.pabulib import PBElection, check_pabulib, read_pb
from cgresearch.data.pb_facts import FACT_UNITS, PB_SERIES, load_pb_facts, pb_series
from cgresearch.data.register import load_register, register_years, validate_register
from cgresearch.data.schemas import Problem, ValidationFailed

__all__ = [
    "FACT_UNITS",
    "PB_SERIES",
    "SURVEY_REQUIRED_ITEMS",
    "Cleaner",
    "Codebook",
    "CodebookVariable",
    "District",
    "DistrictLookup",
    "PBElection",
    "Problem",
    "ValidationFailed",
    "check_pabulib",
    "district_lookup",
    "load_admin_dong",
    "load_boundaries",
    "load_boundaries_geojson",
    "load_codebook",
    "load_district_indicators",
    "load_districts",
    "load_inventory",
    "load_pb_facts",
    "load_previous_amounts",
    "load_proposals",
    "load_register",
    "load_survey",
    "parse_labels",
    "pb_series",
    "read_pb",
    "read_table",
    "register_years",
    "resolve_district",
    "table_context",
    "validate_inventory",
    "validate_proposals",
    "validate_register",
    "validate_survey",
]

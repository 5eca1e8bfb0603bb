"""district_keys and resolve_per_district: every name a scenario may use finds its gu."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation.per_district import district_keys, resolve_per_district
from cgresearch.data.districts import load_districts


def _reference_keys(districts: pd.DataFrame) -> dict[str, int]:
    """The row-by-row lookup the package used before (kept here as an independent reference)."""
    lookup: dict[str, int] = {}
    for i, row in enumerate(districts.itertuples(index=False)):
        for col in ("adm_code", "name_ko", "name_en"):
            if hasattr(row, col):
                value = str(getattr(row, col))
                lookup[value] = i
                lookup[value.lower()] = i
        name_en = str(getattr(row, "name_en", ""))
        if name_en.endswith("-gu"):
            lookup[name_en[:-3].lower()] = i
    return lookup


def test_district_keys_of_a_hand_made_table_lists_every_spelling():
    d = pd.DataFrame(
        {
            "adm_code": [11110, 11140],
            "name_ko": ["종로구", "중구"],
            "name_en": ["Jongno-gu", "Jung-gu"],
        }
    )
    assert district_keys(d) == {
        "11110": 0,
        "11140": 1,
        "종로구": 0,
        "중구": 1,
        "Jongno-gu": 0,
        "jongno-gu": 0,
        "jongno": 0,
        "Jung-gu": 1,
        "jung-gu": 1,
        "jung": 1,
    }


def test_district_keys_of_the_25_gu_equal_the_row_by_row_reference():
    d = load_districts()
    assert district_keys(d) == _reference_keys(d)


def test_district_keys_of_a_table_without_english_names_uses_the_other_columns():
    d = pd.DataFrame({"adm_code": ["11110"], "name_ko": ["종로구"]})
    assert district_keys(d) == {"11110": 0, "종로구": 0}


@settings(max_examples=40, deadline=None)
@given(
    picks=st.dictionaries(st.integers(0, 24), st.integers(1, 30), max_size=25),
    spelling=st.sampled_from(["adm_code", "name_ko", "name_en"]),
    default=st.one_of(st.none(), st.integers(1, 30)),
)
def test_resolve_per_district_with_keys_passed_in_equals_keys_built_inside(
    picks, spelling, default
):
    d = load_districts()
    table: dict[str, object] = {str(d[spelling].iloc[i]): v for i, v in picks.items()}
    if default is not None:
        table["default"] = default
    expected = [picks.get(i, default if default is not None else float("nan")) for i in range(25)]
    built = resolve_per_district(table, d, key="cap_eok", scenario="s")
    passed = resolve_per_district(table, d, key="cap_eok", scenario="s", keys=district_keys(d))
    assert built == passed or all(
        (a == b) or (a != a and b != b) for a, b in zip(built, passed, strict=True)
    )
    assert all((a == b) or (a != a and b != b) for a, b in zip(built, expected, strict=True))

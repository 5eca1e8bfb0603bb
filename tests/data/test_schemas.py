"""Schema failures become Problems with file rows; one error lists them all."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from cgresearch.data.schemas import (
    MAX_LISTED_PROBLEMS,
    SURVEY_SCHEMA,
    Problem,
    ValidationFailed,
    validate_frame,
)
from cgresearch.errors import InputError


def test_problem_describes_row_column_value_and_rule() -> None:
    p = Problem("f.csv", 7, "weight", -1, "weight must be positive")
    assert p.describe() == "row 7, column 'weight', value -1: weight must be positive"
    assert p.describe(with_file=True).startswith("f.csv, row 7")
    assert Problem("f.csv", None, None, None, "Seoul has 25 gu").describe() == (
        "table: Seoul has 25 gu"
    )


def test_validation_failed_is_an_input_error_listing_every_problem() -> None:
    probs = [Problem("f.csv", r, "x", r, "bad") for r in range(2, 5)]
    err = ValidationFailed("f.csv", probs)
    assert isinstance(err, InputError)
    assert str(err).splitlines() == [
        "f.csv: 3 problems found; fix them in the file and load it again.",
        "  - row 2, column 'x', value 2: bad",
        "  - row 3, column 'x', value 3: bad",
        "  - row 4, column 'x', value 4: bad",
    ]


def test_a_huge_list_is_summarised_after_the_cap_but_kept_whole() -> None:
    n = MAX_LISTED_PROBLEMS + 7
    err = ValidationFailed("f.csv", [Problem("f.csv", r, "x", r, "bad") for r in range(n)])
    assert len(err.problems) == n
    assert str(err).splitlines()[-2:] == ["  ... and 7 more:", "      7 x bad"]


def test_validate_frame_maps_failures_to_file_rows_and_check_texts() -> None:
    schema = pa.DataFrameSchema(
        {"x": pa.Column(int, pa.Check.ge(0, error="x must be >= 0")), "y": pa.Column(str)}
    )
    df = pd.DataFrame({"x": [1, -1, 2, -3]})
    with pytest.raises(ValidationFailed) as info:
        validate_frame(df, schema, "t.csv")
    got = [(p.row, p.column, p.value, p.rule) for p in info.value.problems]
    # The missing column comes first (table-wide), then rows 3 and 5 (data indices 1 and 3).
    assert got == [
        (None, "y", None, "required column is missing"),
        (3, "x", -1, "x must be >= 0"),
        (5, "x", -3, "x must be >= 0"),
    ]


def test_validate_frame_uses_given_row_numbers_and_merges_caller_problems() -> None:
    schema = pa.DataFrameSchema({"w": pa.Column(float, pa.Check.gt(0, error="w > 0"))})
    df = pd.DataFrame({"w": [1.0, -2.0, float("nan")]})
    earlier = [Problem("s.sav", 3, "w", "abc", "must be a number")]
    with pytest.raises(ValidationFailed) as info:
        validate_frame(df, schema, "s.sav", row_numbers=[1, 2, 3], problems=earlier)
    got = [(p.row, p.column, p.value, p.rule) for p in info.value.problems]
    # Case 3's NaN is already explained by the caller's problem, so it is not reported twice.
    assert got == [(2, "w", -2, "w > 0"), (3, "w", "abc", "must be a number")]


def test_a_valid_table_passes_and_comes_back_with_a_fresh_index() -> None:
    df = pd.DataFrame(
        {"resp_id": ["a", "b"], "gu_code": [11110, 11140], "group": ["cso", "public"]}
    ).assign(weight=[1.5, 2.0], gu_code=lambda d: d["gu_code"].astype("Int64"))
    out = validate_frame(df, SURVEY_SCHEMA, "ok.csv")
    assert list(out.index) == [0, 1] and out["weight"].tolist() == [1.5, 2.0]

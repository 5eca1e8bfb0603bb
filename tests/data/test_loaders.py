"""Loaders read CSV (UTF-8/CP949), Excel and SPSS files, and report every problem at once.

Each bad file under tests/data/fixtures/ breaks one rule (see make_fixtures.py, which wrote them);
row numbers are as a spreadsheet shows them (header = row 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.data import (
    ValidationFailed,
    load_inventory,
    load_proposals,
    load_survey,
    read_table,
    validate_inventory,
    validate_proposals,
    validate_survey,
)
from cgresearch.data.synth import (
    generate_inventory,
    generate_proposals,
    generate_survey,
    write_survey_sav,
)
from cgresearch.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"

#: The fixtures ask a few items each and test other rules: items=NONE_REQUIRED tells
#: load_survey so (without it, every item of the package's questionnaire is required).
NONE_REQUIRED: tuple[str, ...] = ()


def _where(err: ValidationFailed) -> set[tuple[int | None, str | None, object]]:
    return {(p.row, p.column, p.value) for p in err.problems}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey(seed=2)


# --- good files ---------------------------------------------------------------------------------
def test_cp949_csv_with_korean_district_names_and_labels_loads() -> None:
    s = load_survey(FIXTURES / "survey_cp949_ok.csv", items=NONE_REQUIRED)
    assert s.attrs["encoding"] == "cp949"
    assert s["gu_code"].tolist() == [11110, 11110, 11680, 11680, 11350, 11350]
    assert s["gu_name"].tolist() == ["종로구", "종로구", "강남구", "강남구", "노원구", "노원구"]
    # Korean group labels (공무원, 시민사회단체, 주민) and codes both become codes.
    assert s["group"].tolist() == ["public", "cso", "resident"] * 2
    assert s["stratum"].iloc[0] == "11110_public"
    # R002 trust_2 = 8 (don't know), R003 imp_T1 = 9 (refused), R003 cg_1 blank: all missing.
    assert np.isnan(s.loc[1, "trust_2"]) and np.isnan(s.loc[2, "imp_T1"])
    assert np.isnan(s.loc[2, "cg_1"])
    assert s.attrs["missing_codes"]["imp_T1"] == {8: 1, 9: 1}
    kept = load_survey(
        FIXTURES / "survey_cp949_ok.csv", keep_missing_codes=True, items=NONE_REQUIRED
    )
    assert kept.loc[1, "trust_2"] == 8 and kept.loc[2, "imp_T1"] == 9


def test_generated_survey_round_trips_through_csv_xlsx_and_sav(
    survey: pd.DataFrame, tmp_path: Path
) -> None:
    expected = validate_survey(survey)
    survey.to_csv(tmp_path / "s.csv", index=False)
    survey.head(60).to_excel(tmp_path / "s.xlsx", index=False)
    write_survey_sav(survey, tmp_path / "s.sav")
    pd.testing.assert_frame_equal(load_survey(tmp_path / "s.csv"), expected)
    pd.testing.assert_frame_equal(
        load_survey(tmp_path / "s.xlsx"), validate_survey(survey.head(60))
    )
    from_sav = load_survey(tmp_path / "s.sav")
    pd.testing.assert_frame_equal(from_sav, expected)
    # Value labels come back from the .sav (pyreadstat) and sit in attrs.
    labels = from_sav.attrs["value_labels"]
    assert labels["trust_1"][5.0] == "매우 그렇다" and labels["trust_1"][8.0] == "모름"
    assert from_sav.attrs["column_labels"]["cg_3"] == "협치는 형식적인 절차에 그친다."


def test_sav_with_numeric_group_codes_is_read_through_its_value_labels(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["A", "B"],
            "gu_code": [11110.0, 11740.0],
            "group": [1.0, 3.0],
            "weight": [2.0, 4.0],
            "trust_1": [4.0, 8.0],
        }
    )
    pyreadstat.write_sav(
        df,
        str(tmp_path / "coded.sav"),
        variable_value_labels={"group": {1.0: "공무원", 2.0: "시민사회단체", 3.0: "주민"}},
        missing_ranges={"trust_1": [8.0, 9.0]},
    )
    s = load_survey(tmp_path / "coded.sav", items=NONE_REQUIRED)
    assert s["group"].tolist() == ["public", "resident"]
    assert s["gu_name"].tolist() == ["종로구", "강동구"]
    assert s["trust_1"].iloc[0] == 4 and np.isnan(s["trust_1"].iloc[1])


def test_inventory_and_proposals_load_from_csv_and_keep_their_totals(tmp_path: Path) -> None:
    inv = generate_inventory(seed=4)
    inv.to_csv(tmp_path / "inv.csv", index=False, encoding="cp949")
    loaded = load_inventory(tmp_path / "inv.csv")
    assert int(loaded["budget_mkrw"].sum()) == 7_661_500
    assert loaded["year"].dtype == "int64" and loaded["gu_code"].dtype == "int64"
    pr = generate_proposals(seed=4, n=300)
    pr.to_excel(tmp_path / "pr.xlsx", index=False)
    got = load_proposals(tmp_path / "pr.xlsx")
    assert got["proposal_id"].tolist() == pr["proposal_id"].tolist()
    assert got["dong_code"].tolist() == pr["dong_code"].tolist()
    np.testing.assert_allclose(got["cost_mkrw"], pr["cost_mkrw"])
    assert got["votes"].dtype == "int64" and got["mandatory"].tolist() == pr["mandatory"].tolist()


# --- one real bad file per rule -----------------------------------------------------------------
def test_wrong_encoding_names_the_file_and_the_byte_offset() -> None:
    path = FIXTURES / "survey_bad_encoding.csv"
    offset = path.read_bytes().index(b"\x80")  # the first byte neither codec accepts
    with pytest.raises(InputError) as info:
        load_survey(path)
    msg = str(info.value)
    assert "survey_bad_encoding.csv" in msg and f"byte offset {offset}" in msg
    assert "line 3" in msg and "UTF-8" in msg and "CP949" in msg


def test_unknown_district_name_and_code_are_both_reported_with_suggestions() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(FIXTURES / "survey_unknown_district.csv", items=NONE_REQUIRED)
    assert _where(info.value) == {(3, "gu_name", "강넘구"), (4, "gu_name", "11111")}
    assert "did you mean '강남구'" in str(info.value)


def test_likert_codes_out_of_range_are_reported_per_cell() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(FIXTURES / "survey_likert_out_of_range.csv", items=NONE_REQUIRED)
    assert _where(info.value) == {
        (2, "trust_1", 6),
        (3, "perf_T1", "good"),
        (4, "cg_3", 0),
        (5, "imp_T1", 7),
    }
    assert "Likert code must be 1-5" in str(info.value)


def test_duplicate_respondent_ids_name_both_rows() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(FIXTURES / "survey_duplicate_ids.csv", items=NONE_REQUIRED)
    assert _where(info.value) == {(3, "resp_id", "R002"), (5, "resp_id", "R002")}
    assert "also in row 5" in str(info.value) and "also in row 3" in str(info.value)


def test_missing_and_non_positive_weights_are_reported() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(FIXTURES / "survey_bad_weights.csv", items=NONE_REQUIRED)
    assert _where(info.value) == {
        (3, "weight", None),
        (4, "weight", 0),
        (5, "weight", -2.5),
        (6, "weight", "n/a"),
    }


def test_negative_and_zero_costs_are_reported() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_proposals(FIXTURES / "proposals_negative_cost.csv")
    assert _where(info.value) == {(3, "cost_mkrw", -5), (4, "cost_mkrw", 0)}
    assert "must be positive" in str(info.value)


def test_every_problem_of_a_file_comes_in_one_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(FIXTURES / "survey_many_problems.csv", items=NONE_REQUIRED)
    err = info.value
    assert _where(err) == {
        (2, "gu_name", "서울구"),
        (3, "trust_1", 6),
        (4, "resp_id", "R003"),
        (6, "resp_id", "R003"),
        (5, "weight", -1),
        (6, "weight", None),
    }
    lines = str(err).splitlines()
    assert (
        lines[0]
        == "survey_many_problems.csv: 6 problems found; fix them in the file and load it again."
    )
    assert len(lines) == 7


# --- other rules --------------------------------------------------------------------------------
def test_missing_columns_are_listed_together() -> None:
    df = pd.DataFrame({"gu_name": ["종로구"], "trust_1": [3]})
    with pytest.raises(ValidationFailed) as info:
        validate_survey(df, source="x.csv")
    missing = {p.column for p in info.value.problems if p.rule.startswith("required column")}
    assert missing == {"resp_id", "group", "weight"}


def test_gu_code_and_gu_name_that_disagree_are_reported() -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["a"],
            "gu_code": [11110],
            "gu_name": ["강남구"],
            "group": ["cso"],
            "weight": [1],
        }
    )
    with pytest.raises(ValidationFailed, match="does not match gu_code 11110"):
        validate_survey(df)


def test_fpc_below_the_stratum_sample_is_refused() -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["a", "b", "c"],
            "gu_name": ["종로구"] * 3,
            "group": ["cso"] * 3,
            "weight": [1.0] * 3,
            "fpc": [0.5, 0.5, 0.5],  # a sampling fraction where N_h belongs
        }
    )
    with pytest.raises(ValidationFailed, match="fpc must be the population size"):
        validate_survey(df)


def test_inventory_rules_negative_budget_and_unknown_funding_source() -> None:
    inv = generate_inventory(seed=1).head(5).copy()
    inv.loc[1, "budget_mkrw"] = -10
    inv.loc[3, "funding_source"] = "lottery"
    with pytest.raises(ValidationFailed) as info:
        validate_inventory(inv, source="inv.csv")
    assert _where(info.value) == {(3, "budget_mkrw", -10), (5, "funding_source", "lottery")}


def test_proposal_dong_must_lie_in_its_gu() -> None:
    pr = generate_proposals(seed=1, n=30).copy()
    pr.loc[0, "dong_code"] = 1168051000  # a Gangnam-gu dong code on a Jongno-gu proposal
    pr.loc[1, "dong_code"] = 999
    with pytest.raises(ValidationFailed) as info:
        validate_proposals(pr)
    rows = {(p.row, p.column) for p in info.value.problems}
    assert rows == {(2, "dong_code"), (3, "dong_code")}


def test_unknown_suffix_and_missing_file_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="unknown file type"):
        read_table(tmp_path / "x.json")
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_text_that_parses_to_infinity_or_nan_is_not_a_weight() -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["a", "b", "c"],
            "gu_name": ["종로구"] * 3,
            "group": ["cso"] * 3,
            "weight": ["inf", "nan", "2"],
        },
        dtype=object,
    )
    with pytest.raises(ValidationFailed) as info:
        validate_survey(df)
    assert _where(info.value) == {(2, "weight", "inf"), (3, "weight", "nan")}


def test_rows_are_numbered_as_excel_and_spss_show_them(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["a", "b", "c"],
            "gu_code": [11110.0, 11140.0, 11170.0],
            "group": ["cso", "cso", "public"],
            "weight": [1.0, -1.0, 2.0],
        }
    )
    # Excel: header in row 1, so the second record (weight -1) is row 3.
    df.to_excel(tmp_path / "w.xlsx", index=False)
    with pytest.raises(ValidationFailed) as info:
        load_survey(tmp_path / "w.xlsx", items=NONE_REQUIRED)
    assert _where(info.value) == {(3, "weight", -1)}
    # SPSS data view numbers cases from 1, so the same record is case 2.
    pyreadstat.write_sav(df, str(tmp_path / "w.sav"))
    with pytest.raises(ValidationFailed) as info:
        load_survey(tmp_path / "w.sav", items=NONE_REQUIRED)
    assert _where(info.value) == {(2, "weight", -1)}
    assert "(rows are SPSS case numbers)" in str(info.value).splitlines()[0]


# --- the vectorised item checks against a per-cell reference -----------------------------------
_CELL = st.one_of(
    st.none(),
    st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 9.0]),  # valid codes
    st.sampled_from([0.0, 6.0, 7.0, 10.0, 2.5, -1.0]),  # invalid ones
)


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=12),
    keep=st.booleans(),
)
def test_item_codes_are_checked_and_counted_cell_by_cell(
    cells: list[tuple[float | None, ...]], keep: bool
) -> None:
    items = ("trust_1", "cg_2", "sex")  # two Likert items (1-5, 8, 9) and sex (1, 2, 9)
    allowed = {"trust_1": {1, 2, 3, 4, 5, 8, 9}, "cg_2": {1, 2, 3, 4, 5, 8, 9}, "sex": {1, 2, 9}}
    n = len(cells)
    df = pd.DataFrame(
        {
            "resp_id": [f"R{i}" for i in range(n)],
            "gu_code": [11110] * n,
            "group": ["cso"] * n,
            "weight": [1.0] * n,
            **{c: [np.nan if r[j] is None else r[j] for r in cells] for j, c in enumerate(items)},
        }
    )
    # the reference: one cell at a time, as a person would check the file
    wrong = {
        (i + 2, c, int(v) if float(v).is_integer() else v)
        for i, r in enumerate(cells)
        for j, c in enumerate(items)
        if (v := r[j]) is not None and v not in allowed[c]
    }
    if wrong:
        with pytest.raises(ValidationFailed) as info:
            validate_survey(df, source="s.csv", keep_missing_codes=keep)
        assert _where(info.value) == wrong
        return
    s = validate_survey(df, source="s.csv", keep_missing_codes=keep)
    for j, c in enumerate(items):
        column = [r[j] for r in cells]
        assert s.attrs["missing_codes"][c] == {8: column.count(8.0), 9: column.count(9.0)}
        shown = [np.nan if v is None or (v in (8.0, 9.0) and not keep) else v for v in column]
        np.testing.assert_array_equal(s[c].to_numpy(), np.asarray(shown, dtype=float))

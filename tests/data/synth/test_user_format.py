"""The user-layout example survey: another layout of the same synthetic responses."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.data import load_survey, validate_survey
from cgresearch.data.synth import (
    SurveyParams,
    generate_survey,
    user_format_survey,
    write_user_format,
)

SMALL = {"public": 2, "cso": 2, "resident": 2}
ITEMS = ["trust_1", "cg_3", "imp_T2", "perf_T5"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list:
    return write_user_format(tmp_path_factory.mktemp("user"), seed=11, n_per_gu=SMALL)


def test_the_layout_uses_none_of_the_package_names_and_codes_97_99():
    survey, book = user_format_survey(seed=11, n_per_gu=SMALL)
    package = set(generate_survey(seed=11, params=SurveyParams(n_per_gu=SMALL)).columns)
    assert not package & set(survey.columns)
    assert set(book["name"]) == set(survey.columns)  # the codebook lists every column
    answers = survey[[c for c in survey.columns if c.startswith(("Q1_", "Q2_", "Q3_", "Q4_"))]]
    codes = set(pd.unique(answers.to_numpy().ravel()))
    assert {97, 99} <= codes and not {8, 9} & codes
    assert set(survey["RESP_TYPE"]) == {1, 2, 3}
    assert set(survey["AREA"]) == set(range(1, 26))


@pytest.mark.parametrize("which", [0, 1], ids=["cp949-csv", "labelled-sav"])
def test_both_files_map_back_through_the_codebook_to_the_generated_survey(files, which):
    expected = validate_survey(generate_survey(seed=11, params=SurveyParams(n_per_gu=SMALL)))
    got = load_survey(files[which], codebook=files[2])
    assert got["resp_id"].tolist() == expected["resp_id"].tolist()
    assert got["group"].tolist() == expected["group"].tolist()
    assert got["gu_code"].tolist() == expected["gu_code"].tolist()
    assert got["weight"].tolist() == pytest.approx(expected["weight"].tolist())
    for item in ITEMS:  # 97/99 came back as missing, everything else unchanged
        pd.testing.assert_series_equal(
            got[item].astype(float), expected[item].astype(float), check_names=False
        )


@pytest.mark.parametrize("which", [0, 3], ids=["survey", "inventory"])
def test_the_csv_files_are_cp949_and_not_utf8(files, which):
    raw = files[which].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "합성 자료(SYNTHETIC)" in raw.decode("cp949")


def test_the_inventory_loads_with_korean_funding_labels_and_gu_names_only(files):
    from cgresearch.data import load_inventory

    raw = pd.read_csv(files[3], encoding="cp949")
    got = load_inventory(files[3])
    assert "gu_code" not in raw.columns
    assert got["budget_mkrw"].sum() == raw["budget_mkrw"].sum()
    # 서울시 보조금 is the Korean label of the package's smg_grant code
    assert (got["funding_source"] == "smg_grant").sum() == (
        raw["funding_source"] == "서울시 보조금"
    ).sum()
    # a duplicate group the example keeps has at least two projects
    assert (raw["duplicate_group"].value_counts() >= 2).all()


def test_the_same_seed_gives_the_same_csv_bytes(tmp_path, files):
    again = write_user_format(tmp_path, seed=11, n_per_gu=SMALL)
    assert again[0].read_bytes() == files[0].read_bytes()
    assert again[2].read_bytes() == files[2].read_bytes()

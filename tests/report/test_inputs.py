"""A chapter's inputs: the user's file or the seeded synthetic data, and where they came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cgresearch import paths
from cgresearch.allocation import Scenario
from cgresearch.errors import InputError, ParameterError
from cgresearch.report.inputs import (
    check_inputs,
    data_line,
    envelope_input,
    inventory_input,
    resolve_input_file,
    survey_input,
)
from cgresearch.report.params import load_parameter_set
from cgresearch.report.provenance import build_manifest

SMALL = {"public": 2, "cso": 2, "resident": 2}
EXAMPLE = paths.project_root() / "params" / "examples" / "data"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_file_parameters_give_the_synthetic_data_labelled_with_the_seed():
    data = survey_input("", "", seed=3, n_per_gu=SMALL)
    assert data.provenance.synthetic and data.provenance.source is None
    assert data.provenance.describe("en") == "synthetic (seed 3)"
    assert data.provenance.describe("ko") == "합성 자료(시드 3)"
    assert len(data.frame) == 25 * 6  # 25 gu x (2 + 2 + 2)


def test_a_user_file_is_named_with_its_sha256_and_its_codebook():
    survey, book = EXAMPLE / "survey_user.csv", EXAMPLE / "codebook_user.csv"
    data = survey_input(str(survey), str(book))
    assert not data.provenance.synthetic
    assert dict(data.provenance.files) == {survey.name: _sha(survey), book.name: _sha(book)}
    assert data.provenance.describe("en") == (
        f"file survey_user.csv (sha256 {_sha(survey)[:12]}); "
        f"file codebook_user.csv (sha256 {_sha(book)[:12]})"
    )
    assert "trust_1" in data.frame.columns and "Q1_1" not in data.frame.columns


def test_relative_paths_are_read_from_the_project_root():
    got = resolve_input_file("params/examples/data/survey_user.csv")
    assert got == paths.project_root() / "params" / "examples" / "data" / "survey_user.csv"


def test_a_file_that_does_not_exist_is_named():
    with pytest.raises(ParameterError, match=r"survey_file: input file 'no/such.csv' does not"):
        survey_input("no/such.csv", "")


def test_a_codebook_without_a_survey_file_is_refused():
    with pytest.raises(ParameterError, match="codebook_file is set but survey_file is empty"):
        survey_input("", str(EXAMPLE / "codebook_user.csv"))


def test_a_params_file_naming_a_missing_input_fails_before_any_kernel(tmp_path):
    params = tmp_path / "02_perception_gap-mine.yaml"
    params.write_text(
        "notebook: 02_perception_gap\nparameters:\n  survey_file: data/mine.csv\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as err:
        load_parameter_set(params)
    text = str(err.value)
    assert str(params) in text and "'survey_file'" in text and "data/mine.csv" in text


def test_the_manifest_lists_each_real_input_with_its_sha256_and_no_seed_for_it():
    survey = EXAMPLE / "survey_user.sav"
    runs = [
        {"run_id": "mine", "parameters": {"survey_file": str(survey), "seed": 1}, "outputs": {}},
        {"run_id": "synth", "parameters": {"survey_file": "", "seed": 2}, "outputs": {}},
    ]
    manifest = build_manifest(runs)
    assert manifest["real_inputs"] == {
        "mine": {"survey_file": {"file": str(survey), "sha256": _sha(survey)}}
    }
    assert manifest["synthetic_seeds"] == {"synth": {"seed": 2}}


def test_the_html_data_line_says_synthetic_only_for_a_synthetic_generator_seed():
    nb = paths.notebooks_dir()
    assert data_line({"seed": 9}, "en", notebook_file=nb / "01_project_inventory.py") == (
        "Data: synthetic (seed 9)"
    )
    # chapter 06's seed draws Monte Carlo scenarios on real district data: not synthetic data
    assert data_line({"seed": 9}, "en", notebook_file=nb / "06_scenario_whatifs.py") is None
    inv = EXAMPLE / "survey_user.csv"
    line = data_line({"inventory_file": str(inv)}, "ko")
    assert line == f"자료: 파일 survey_user.csv(sha256 {_sha(inv)[:12]})"


def test_the_synthetic_inventory_keeps_the_published_project_count():
    # Seoul Institute 2016-PR-24: 1,126 CG projects
    assert len(inventory_input("", seed=20161126).frame) == 1126


# --- chapters 04 and 06: the planner's district data ---------------------------------------------
def test_envelope_input_applies_the_planners_files_and_names_them_with_their_sha256():
    base = Scenario(name="s", total_budget_eok=250, previous_eok=10)
    data = envelope_input(
        base,
        "params/examples/data/districts_user.csv",
        "params/examples/data/previous_amounts_user.xlsx",
    )
    ind, prev = EXAMPLE / "districts_user.csv", EXAMPLE / "previous_amounts_user.xlsx"
    assert dict(data.provenance.files) == {ind.name: _sha(ind), prev.name: _sha(prev)}
    # the first row of each file, read by hand: 종로구 151,420 명; 900 백만원 = 9억원
    assert data.frame.set_index("name_ko").loc["종로구", "pop_total_2017q1"] == 151_420
    assert data.scenario.previous_eok["11110"] == 9.0
    assert data.scenario.districts_file == str(ind.resolve())


def test_envelope_input_without_files_names_the_packages_district_table():
    base = Scenario(name="s", total_budget_eok=250, previous_eok=10)
    data = envelope_input(base)
    raw = paths.raw_data_dir() / "seoul" / "districts.csv"
    assert dict(data.provenance.files) == {"data/raw/seoul/districts.csv": _sha(raw)}
    assert data.scenario == base and int(data.frame["pop_total_2017q1"].sum()) == 10_197_604


def test_a_params_file_naming_a_broken_districts_file_fails_before_any_kernel(tmp_path):
    bad = tmp_path / "districts.csv"
    bad.write_text("자치구,인구(명)\n종로구,-5\n", encoding="utf-8")
    params = tmp_path / "04_district_envelopes-mine.yaml"
    params.write_text(
        f"notebook: 04_district_envelopes\nparameters:\n  districts_file: {bad}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        check_inputs([load_parameter_set(params)])
    text = str(err.value)
    assert "districts.csv" in text and "row 2" in text and "24 gu missing" in text

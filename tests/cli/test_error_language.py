"""Errors in the user's language: the CLI prints an error in Korean by default and in English
with ``--lang en``, naming the same culprit (file, row, column, key or value) in both.

One bad input per converted module: a file's shape (``data/tables.py``), a schema rule
(``data/schemas.py``), a loader's rule with "did you mean" (``data/loaders.py`` and
``data/districts.py``), a codebook that does not match its survey (``data/codebook.py``), a
scenario (``allocation/scenario.py``: unknown key, bounds that cross), the CLI's own checks
and ``--out`` (``cli/``, ``outputs.py``). The Korean words expected are written here by hand,
not taken from the catalogue.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cgresearch import cli, paths
from cgresearch.errors import InputError, ParameterError, msg

HEADER = "project_id,title_ko,gu_name,department,funding_source,budget_mkrw\n"


def _both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Run ``argv`` by default and with ``--lang en``; return (Korean, English) stderr."""
    errs = []
    for prefix in ([], ["--lang", "en"]):
        assert cli.main([*prefix, *argv]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        errs.append(captured.err)
    korean, english = errs
    assert korean.count("\n") == english.count("\n")
    return korean, english


@pytest.fixture(autouse=True)
def _korean_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CGRESEARCH_LANG", raising=False)


def test_a_semicolon_separated_file_is_named_in_korean_and_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "inventory.csv"
    f.write_text(HEADER.replace(",", ";") + "P1;골목;종로구;환경과;joint;1\n", encoding="utf-8")
    korean, english = _both(["duplicates", str(f)], capsys)
    assert korean.startswith("cgresearch duplicates: 오류: inventory.csv: ")
    assert "쉼표가 아니라 ';'(으)로 구분된 것으로 보입니다" in korean and "sep=';'" in korean
    assert english.startswith("cgresearch duplicates: error: inventory.csv: ")
    assert "the file looks ';'-separated, not comma-separated" in english


def test_a_schema_rule_is_named_by_row_and_column_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "inventory.csv"
    f.write_text(HEADER + "P1,골목,종로구,환경과,joint,1\nP2,공원,중구,공원과,joint,-5\n", "utf-8")
    korean, english = _both(["duplicates", str(f)], capsys)
    # the negative budget is in file row 3 (row 1 is the header)
    assert "inventory.csv: 문제 1건이 있습니다" in korean
    assert "- 3행, 'budget_mkrw' 열, 값 -5: budget_mkrw(백만원)는 음수일 수 없습니다" in korean
    assert "inventory.csv: 1 problem found" in english
    assert "- row 3, column 'budget_mkrw', value -5: budget_mkrw must not be negative" in english


def test_a_misspelled_gu_gets_did_you_mean_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "inventory.csv"
    f.write_text(HEADER + "P1,골목,종노구,환경과,joint,1\n", encoding="utf-8")
    korean, english = _both(["duplicates", str(f)], capsys)
    assert "2행, 'gu_name' 열, 값 '종노구': 알 수 없는 자치구 '종노구'입니다." in korean
    assert "'종로구'을(를) 뜻하셨나요?" in korean
    assert "row 2, column 'gu_name', value '종노구': unknown district '종노구'" in english
    assert "did you mean '종로구'?" in english


def test_an_unknown_scenario_key_gets_did_you_mean_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = tmp_path / "s.toml"
    s.write_text('name = "s"\ntotal_budget_eok = 250\nfloor_eok = 8\ncapp_eok = 20\n', "utf-8")
    korean, english = _both(["allocate", str(s), "--out", str(tmp_path / "o")], capsys)
    assert "시나리오 's': 알 수 없는 키 'capp_eok'입니다 ('cap_eok'을(를) 뜻하셨나요?)" in korean
    assert "scenario 's': unknown key 'capp_eok' (did you mean 'cap_eok'?)" in english
    assert str(s) in korean and str(s) in english  # the file, then the scenario's error
    assert not (tmp_path / "o").exists()


def test_a_floor_above_the_cap_is_named_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = tmp_path / "s.toml"
    s.write_text('name = "s"\ntotal_budget_eok = 250\nfloor_eok = 12\ncap_eok = 9\n', "utf-8")
    korean, english = _both(["allocate", str(s), "--out", str(tmp_path / "o")], capsys)
    assert "하한 floor_eok = 12이(가) 상한 cap_eok = 9보다 큽니다" in korean
    assert "floor_eok = 12 is above cap_eok = 9: lower the floor or raise the cap" in english
    assert not (tmp_path / "o").exists()


def test_a_codebook_that_does_not_match_the_survey_stops_the_report_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = paths.project_root() / "params" / "examples" / "data"
    params = tmp_path / "params"
    params.mkdir()
    book = tmp_path / "codebook.csv"
    text = (data / "codebook_user.csv").read_text(encoding="utf-8")
    book.write_text(text.replace("\nQ1_3,", "\nQ1_X,"), encoding="utf-8")
    (params / "02_perception_gap-user.yaml").write_text(
        "notebook: 02_perception_gap\nparameters:\n"
        f"  survey_file: {data / 'survey_user.csv'}\n  codebook_file: {book}\n",
        encoding="utf-8",
    )
    out = tmp_path / "outputs"
    korean, english = _both(["report", "--params-dir", str(params), "--out", str(out)], capsys)
    assert "코드북에는 'Q1_X'이(가) 있지만 survey_user.csv에는 그런 열이 없습니다" in korean
    assert "뜻하셨나요?" in korean and "did you mean" in english
    assert "'Q1_3' 열이 코드북 codebook.csv에 없습니다" in korean
    assert "the codebook lists 'Q1_X' but survey_user.csv has no such column" in english
    assert "column 'Q1_3' is not in the codebook codebook.csv" in english
    assert not out.exists() or not any(out.iterdir())


def test_the_cli_checks_and_out_are_named_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    korean, english = _both(["synth", "--seed", "-1", "--out", str(tmp_path / "s")], capsys)
    assert "--seed -1: 0 이상의 정수를 지정하세요" in korean
    assert "--seed -1: give a whole number ≥ 0" in english
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    scenario = paths.scenarios_dir() / "need_goal_stable.toml"
    korean, english = _both(["allocate", str(scenario), "--out", str(notes)], capsys)
    assert f"--out {notes}: 폴더가 아니라 파일입니다" in korean
    assert f"--out {notes}: is a file, not a folder" in english
    assert notes.read_text(encoding="utf-8") == "mine"


def test_str_stays_english_and_localized_falls_back_to_english() -> None:
    err = InputError.of("{file}: the file is empty; give a table with a header row", file="a.csv")
    assert str(err) == "a.csv: the file is empty; give a table with a header row"
    assert err.localized("en") == str(err)
    assert err.localized("ko") == "a.csv: 파일이 비어 있습니다. 머리글 행이 있는 표를 주세요"
    # a template the catalogue lacks, and a plain-string error, read the same in every language
    other = ParameterError.of("{n} things are odd", n=3)
    assert other.localized("ko") == "3 things are odd" == str(other)
    assert ParameterError("plain text").localized("ko") == "plain text"


def test_a_localized_error_survives_pickling_as_a_dask_worker_sends_it() -> None:
    part = msg("value {value!r}", value=-5)
    err = ParameterError.of("scenario '{name}': {key} is required", name="s", key=part)
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) == "scenario 's': value -5 is required"
    assert back.localized("ko") == "시나리오 's': 값 -5은(는) 꼭 있어야 합니다"


def test_a_scenario_name_that_leaves_the_output_folder_is_refused_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = tmp_path / "s.toml"
    s.write_text('name = ".."\ntotal_budget_eok = 250\n', encoding="utf-8")
    korean, english = _both(["allocate", str(s), "--out", str(tmp_path / "o")], capsys)
    assert (
        "시나리오 키 'name' = '..': 점으로만 되어 있어 출력 폴더 밖의 폴더를 가리킵니다" in korean
    )
    assert "scenario key 'name' = '..' is only dots, which names a folder outside" in english
    assert not (tmp_path / "o").exists()


def test_a_report_parameter_file_s_mistakes_are_named_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params"
    params.mkdir()
    yaml_file = params / "02_perception_gap-mine.yaml"
    yaml_file.write_text(
        "notebook: 02_perception_gap\nparameters:\n  survey_fle: data/mine.csv\n", "utf-8"
    )
    out = tmp_path / "outputs"
    argv = ["report", "--params-dir", str(params), "--out", str(out)]
    korean, english = _both(argv, capsys)
    assert f"{yaml_file}: 노트북 02_perception_gap에 없는 매개변수 'survey_fle'입니다" in korean
    assert "'survey_file'을(를) 뜻하셨나요?" in korean
    assert f"{yaml_file}: unknown parameter 'survey_fle' for notebook 02_perception_gap" in english
    assert "did you mean 'survey_file'?" in english
    yaml_file.write_text(
        "notebook: 02_perception_gap\nparameters:\n  survey_file: data/mine.csv\n", "utf-8"
    )
    korean, english = _both(argv, capsys)
    assert (
        f"{yaml_file}: 매개변수 'survey_file': 입력 파일 'data/mine.csv'이(가) 없습니다" in korean
    )
    assert f"{yaml_file}: parameter 'survey_file': input file 'data/mine.csv' does not" in english
    assert not out.exists() or not any(out.iterdir())


def test_a_pabulib_file_without_votes_is_named_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pb = tmp_path / "cut.pb"
    pb.write_text(
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n",
        encoding="utf-8",
    )
    korean, english = _both(["pb", str(pb), "--rule", "greedy"], capsys)
    assert "cut.pb: 완전한 Pabulib 파일이 아닙니다: VOTES 절이 없음." in korean
    assert "cut.pb: not a complete Pabulib file: no VOTES section." in english

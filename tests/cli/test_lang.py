"""``--lang``: the command line prints Korean by default and English on request, same exit codes.

The amounts are worked by hand: an equal split of 250억원 over Seoul's 25 gu gives each gu
250 / 25 = 10.00억원, of 300억원 gives 12.00억원, so going from one to the other every gu gains
2.00억원 and the 25 gu gain 50.00억원 together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cgresearch import cli


def _equal_split(folder: Path, name: str, total: int) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\ntotal_budget_eok = {total}\nobjective = "formula"\n'
        "weights = { base = 1.0 }\n",
        encoding="utf-8",
    )
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_allocate_prints_the_summary_in_korean_by_default_with_names_and_eok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CGRESEARCH_LANG", raising=False)
    scenario = _equal_split(tmp_path, "equal", 250)
    args = ["allocate", str(scenario), "--out", str(tmp_path / "o"), "--no-figures"]
    status, out, _ = _run(args, capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "시나리오: equal (formula, 공식 규칙 weighted)"
    assert lines[1] == "총예산: 250.00억원, 25개 구"
    assert lines[2].startswith("상태: 최적해; ")
    assert lines[4].startswith("최대: 종로구, 중구, 용산구") and lines[4].endswith("10.00억원")
    assert "Jongno-gu" not in out and "total budget" not in out
    assert lines[-1] == f"파일 4개를 {tmp_path / 'o'}에 저장함"


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "allocate"],  # the global option
        ["allocate", "--lang", "en"],  # the command's own, same meaning
    ],
)
def test_allocate_prints_english_on_request_by_either_option(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _equal_split(tmp_path, "equal", 250)
    args = [*argv, str(scenario), "--out", str(tmp_path / "o"), "--no-figures"]
    status, out, _ = _run(args, capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[1] == "total budget: 250.00 (100 million KRW) across 25 gu"
    assert lines[4].startswith("largest: Jongno-gu, Jung-gu, Yongsan-gu")
    assert lines[4].endswith("10.00 (100 million KRW)")
    assert lines[-1] == f"wrote 4 files to {tmp_path / 'o'}"
    assert "종로구" not in lines[4]


def test_the_environment_variable_sets_the_default_and_the_option_overrides_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _equal_split(tmp_path, "equal", 250)
    monkeypatch.setenv("CGRESEARCH_LANG", "en")
    args = ["allocate", str(scenario), "--out", str(tmp_path / "o"), "--no-figures"]
    assert _run(args, capsys)[1].splitlines()[1].startswith("total budget: 250.00")
    assert _run(["--lang", "ko", *args], capsys)[1].splitlines()[1] == "총예산: 250.00억원, 25개 구"


def test_compare_prints_a_korean_table_with_units_names_and_hand_worked_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CGRESEARCH_LANG", raising=False)
    a, b = _equal_split(tmp_path, "a250", 250), _equal_split(tmp_path, "b300", 300)
    status, out, _ = _run(["compare", str(a), str(b)], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "'a250'에서 'b300'(으)로:"
    assert lines[1].split() == ["자치구", "A(억원)", "B(억원)", "증감(억원)", "결과"]
    rows = [line.split() for line in lines[2:-1]]
    assert len(rows) == 25 and {tuple(r[1:]) for r in rows} == {("10.00", "12.00", "+2.00", "증가")}
    assert {r[0] for r in rows} >= {"종로구", "강남구", "송파구"}
    assert lines[-1] == "25개 구 증가 50.00억원"


def test_compare_prints_the_same_table_in_english_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _equal_split(tmp_path, "a250", 250), _equal_split(tmp_path, "b300", 300)
    status, out, _ = _run(["--lang", "en", "compare", str(b), str(a)], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "from 'b300' to 'a250':"
    assert lines[1].split() == [
        "District", "A", "(100", "million", "KRW)", "B", "(100", "million", "KRW)",
        "Change", "(100", "million", "KRW)", "Outcome",
    ]  # fmt: skip
    rows = [line.split() for line in lines[2:-1]]
    assert {tuple(r[1:]) for r in rows} == {("12.00", "10.00", "-2.00", "loses")}
    assert "Gangnam-gu" in {r[0] for r in rows}
    assert lines[-1] == "25 gu lose 50.00 (100 million KRW)"


def test_an_infeasible_scenario_exits_1_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tight.toml"
    path.write_text(
        'name = "tight"\ntotal_budget_eok = 50\nfloor_eok = 9\nweights = { base = 1.0 }\n',
        encoding="utf-8",
    )
    for lang, word in (("ko", "상태: "), ("en", "status: ")):
        args = ["--lang", lang, "allocate", str(path), "--out", str(tmp_path / lang)]
        status, out, _ = _run([*args, "--no-figures"], capsys)
        assert status == 1 and out.splitlines()[2].startswith(word)


def test_a_bad_language_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = (["--lang", "fr", "data", "verify"], ["compare", "a.toml", "b.toml", "--lang", "fr"])
    for argv in bad:
        status, out, err = _run(argv, capsys)
        assert status == 2 and out == "" and err.count("\n") == 1
        # the reader's language is unknown: Korean, then English, on one line
        assert "오류: 언어 'fr'는 지원하지 않습니다: 'ko'(한국어, 기본값)" in err
        assert "error: language 'fr' is not available: use 'ko'" in err
    monkeypatch.setenv("CGRESEARCH_LANG", "fr")
    status, out, err = _run(["data", "verify"], capsys)
    assert status == 2 and out == ""
    assert err.startswith("cgresearch data: 오류: 언어 'fr'는 지원하지 않습니다")
    assert "cgresearch data: error: language 'fr' is not available" in err
    assert err.count("\n") == 1

"""``cgresearch duplicates``: groups of an inventory file, 억원 budgets, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cgresearch import cli

# Two departments of 종로구 run the same village-community project (budgets 150 and 80 million
# KRW = 1.5 and 0.8 억원); 중구 runs it too, but another gu's project is no duplicate.
_ROWS = [
    ("P1", "마을공동체 활성화 지원사업", "종로구", "자치행정과", "smg_grant", 150),
    ("P2", "마을 공동체 활성화 지원", "종로구", "마을공동체과", "borough_own", 80),
    ("P3", "청년 일자리 박람회", "종로구", "일자리경제과", "smg_grant", 40),
    ("P4", "마을공동체 활성화 지원사업", "중구", "자치행정과", "joint", 60),
]
_COLUMNS = ["project_id", "title_ko", "gu_name", "department", "funding_source", "budget_mkrw"]


def _write(path: Path, encoding: str = "utf-8") -> Path:
    pd.DataFrame(_ROWS, columns=_COLUMNS).to_csv(path, index=False, encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_json_lists_the_group_with_departments_gu_and_budget_in_eok_won(
    tmp_path: Path, capsys: pytest.CaptureFixture, encoding: str
) -> None:
    f = _write(tmp_path / "inv.csv", encoding)
    assert cli.main(["duplicates", str(f), "--format", "json", "--lang", "en"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = [
        (r["Group"], r["Project id"], r["Gu"], r["Department"], r["Budget (100 million KRW)"])
        for r in rows
    ]
    assert got == [
        ("F001", "P1", "종로구", "자치행정과", 1.5),
        ("F001", "P2", "종로구", "마을공동체과", 0.8),
    ]


def test_an_excel_inventory_reads_the_same_and_csv_headers_are_korean_by_default(
    tmp_path: Path,
) -> None:
    x = tmp_path / "inv.xlsx"
    pd.DataFrame(_ROWS, columns=_COLUMNS).to_excel(x, index=False)
    out = tmp_path / "groups.csv"
    assert cli.main(["duplicates", str(x), "--format", "csv", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "묶음",
        "묶음 내 사업 수",
        "자치구",
        "부서",
        "사업명",
        "예산(억원)",
        "사업 ID",
    ]
    assert table["사업 ID"].tolist() == ["P1", "P2"]
    assert table["예산(억원)"].tolist() == [1.5, 0.8]


def test_across_gu_and_threshold_options_change_the_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    f = _write(tmp_path / "inv.csv")
    assert cli.main(["duplicates", str(f), "--across-gu", "--format", "json"]) == 0
    ids = {r["사업 ID"] for r in json.loads(capsys.readouterr().out)}
    assert ids == {"P1", "P2", "P4"}
    # P1-P2 are 4/5 = 0.8 similar: a threshold of 0.9 links nothing
    assert cli.main(["duplicates", str(f), "--threshold", "0.9", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("0 groups of near-duplicate projects")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty.csv: the file is empty"),
        ("project_id,title_ko,gu_name,department,funding_source,budget_mkrw\n", "no data rows"),
        (
            "project_id,gu_name,department,funding_source,budget_mkrw\nP1,종로구,환경과,joint,1\n",
            "no column 'title_ko'",
        ),
        (
            "project_id,title_ko,gu_name,funding_source,budget_mkrw\nP1,골목 돌봄,종로구,joint,1\n",
            "no column 'department'; add it, or pass --same-department",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture, content: str, message: str
) -> None:
    f = tmp_path / "empty.csv"
    f.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli.main(["--lang", "en", "duplicates", str(f), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("cgresearch duplicates:")
    assert list(tmp_path.iterdir()) == [f]


def test_a_bad_threshold_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    f = _write(tmp_path / "inv.csv")
    assert cli.main(["duplicates", str(f), "--threshold", "1.5"]) == 2
    assert "threshold must be a number in (0, 1]" in capsys.readouterr().err

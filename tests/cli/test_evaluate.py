"""``cgresearch evaluate``: COINr tables or a framework TOML in, scores and ranks out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cgresearch import cli

# I → P1 (weight 2: a, b with weight 3 and less is better), P2 (weight 1: c); hand-worked in
# tests/evaluation/test_index.py: min–max 0–100 gives I = 50, 50, 55
META = """Level,iCode,iName,Direction,Weight,Parent,Type
1,a,A,1,1,P1,Indicator
1,b,B,-1,3,P1,Indicator
1,c,C,1,1,P2,Indicator
2,P1,Pillar 1,,2,I,Aggregate
2,P2,Pillar 2,,1,I,Aggregate
3,I,Index,,1,,Aggregate
"""
DATA = """uCode,uName,a,b,c
u1,Unit 1,0,0,5
u2,Unit 2,10,10,15
u3,Unit 3,5,2,7
"""
TOML = """
[[node]]
code = "I"
[[node]]
code = "P1"
parent = "I"
weight = 2
[[node]]
code = "P2"
parent = "I"
[[node]]
code = "a"
parent = "P1"
direction = 1
[[node]]
code = "b"
parent = "P1"
direction = -1
weight = 3
[[node]]
code = "c"
parent = "P2"
direction = 1
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"data": tmp_path / "data.csv", "meta": tmp_path / "meta.csv", "fw": tmp_path / "f.toml"}
    out["data"].write_text(DATA, encoding="utf-8")
    out["meta"].write_text(META, encoding="utf-8")
    out["fw"].write_text(TOML, encoding="utf-8")
    return out


def test_json_gives_every_units_score_and_rank_at_every_level(
    files: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["evaluate", str(files["data"]), str(files["meta"]), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {u: doc["scores"][u]["I"] for u in ("u1", "u2", "u3")} == pytest.approx(
        {"u1": 50.0, "u2": 50.0, "u3": 55.0}
    )
    assert doc["scores"]["u3"]["P1"] == pytest.approx(72.5)
    assert {u: doc["ranks"][u]["I"] for u in ("u1", "u2", "u3")} == {
        "u1": 2.0,
        "u2": 2.0,
        "u3": 1.0,
    }
    assert set(doc["scores"]["u1"]) == {"a", "b", "c", "P1", "P2", "I"}


def test_a_framework_toml_replaces_meta_and_csv_is_long(
    files: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    argv = ["evaluate", str(files["data"]), "--framework", str(files["fw"]), "--format", "csv"]
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit,code,name,level,score,rank"
    assert len(lines) == 1 + 3 * 6
    row = next(line.split(",") for line in lines if line.startswith("u3,I,"))
    assert (row[3], float(row[4]), row[5]) == ("3", pytest.approx(55.0), "1.0")


def test_the_table_has_korean_headers_and_english_on_request(
    files: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["evaluate", str(files["data"]), str(files["meta"])]) == 0
    assert "순위" in capsys.readouterr().out
    assert cli.main(["evaluate", str(files["data"]), str(files["meta"]), "--lang", "en"]) == 0
    assert "Rank" in capsys.readouterr().out


def test_out_writes_the_file_and_a_weights_file_changes_the_weights(
    files: dict[str, Path], tmp_path: Path
) -> None:
    weights = tmp_path / "w.toml"
    weights.write_text("P1 = 1\nP2 = 1\n", encoding="utf-8")
    out = tmp_path / "res" / "scores.json"
    argv = ["evaluate", str(files["data"]), str(files["meta"]), "--weights", str(weights)]
    assert cli.main([*argv, "--format", "json", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    # equal pillar weights: u3 = (72.5 + 20) / 2
    assert doc["scores"]["u3"]["I"] == pytest.approx(46.25)


def test_group_mean_imputation_and_screening_from_the_command_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    files["data"].write_text(
        "uCode,region,a,b,c\nu1,n,0,0,5\nu2,s,10,10,15\nu3,n,,2,7\nu4,s,,,\n",
        encoding="utf-8",
    )
    argv = ["evaluate", str(files["data"]), str(files["meta"]), "--format", "json"]
    assert cli.main([*argv, "--impute", "group_mean", "--group", "region", "--screen", "0.5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["scores"]) == {"u1", "u2", "u3"}  # u4 has no value: screened out
    # u3's a is its group's mean (u1: 0), so a = 0 on 0–10 → 0
    assert doc["scores"]["u3"]["a"] == 0.0


@pytest.mark.parametrize(
    ("change", "extra", "words"),
    [
        (("data", DATA.replace(",c\n", ",cc\n")), [], ["'c'", "META", "no column"]),
        (("data", DATA.replace("u3,Unit 3,5,2,7", "u3,Unit 3,5,x,7")), [], ["row 4", "'b'"]),
        (("meta", META.replace("1,c,C,1,1,P2", "1,c,C,1,1,P9")), [], ["'P9'", "parent"]),
        (("meta", META.replace("1,b,B,-1,3", "1,b,B,2,3")), [], ["'b'", "direction"]),
        (None, ["--aggregate", "geometric"], ["geometric", "--range 1 100"]),
        (None, ["--framework", "f.toml"], ["not both"]),
    ],
)
def test_bad_input_prints_one_line_exits_2_and_writes_nothing(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    change: tuple[str, str] | None,
    extra: list[str],
    words: list[str],
) -> None:
    if change is not None:
        files[change[0]].write_text(change[1], encoding="utf-8")
    out = tmp_path / "out.json"
    extra = [str(tmp_path / e) if e.endswith(".toml") else e for e in extra]
    argv = ["evaluate", str(files["data"]), str(files["meta"]), "--out", str(out), *extra]
    assert cli.main(["--lang", "en", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cgresearch evaluate: error:")
    for word in words:
        assert word in err
    assert not out.exists()
    assert list(tmp_path.glob(".out.json*")) == []

"""The command line: plain messages and exit codes, never a bare traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cgresearch import cli
from cgresearch.cli import data as cli_data
from cgresearch.errors import InputError


def test_data_verify_exits_zero_when_the_manifest_matches(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["data", "verify"]) == 0
    assert "data/MANIFEST: 모든 원자료 파일이 sha256과 일치합니다." in capsys.readouterr().out
    assert cli.main(["--lang", "en", "data", "verify"]) == 0
    assert "every raw file matches" in capsys.readouterr().out


def test_a_user_error_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def broken(_args: object) -> int:
        raise InputError("districts.csv, row 3, column 'name_ko': unknown district '종노구'")

    monkeypatch.setattr(cli_data, "_run_data_verify", broken)
    assert cli.main(["data", "verify"]) == 2  # Korean by default: the prefix says 오류
    err = capsys.readouterr().err
    assert err == (
        "cgresearch data: 오류: districts.csv, row 3, column 'name_ko': unknown district '종노구'\n"
    )
    assert cli.main(["--lang", "en", "data", "verify"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "cgresearch data: error: districts.csv, row 3, column 'name_ko': "
        "unknown district '종노구'\n"
    )


def test_a_missing_file_is_reported_by_name_not_by_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.toml"

    def reads(_args: object) -> int:
        missing.read_text()
        return 0

    monkeypatch.setattr(cli_data, "_run_data_verify", reads)
    assert cli.main(["data", "verify"]) == 2
    err = capsys.readouterr().err
    assert "No such file or directory" in err and str(missing) in err
    assert "Traceback" not in err


def test_the_installed_entry_point_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cgresearch.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "data" in done.stdout


# --- a corpus of bad inputs (issue #10): exit code, the named culprit, nothing written ---------
_OK = 'name = "{name}"\ntotal_budget_eok = 250\nobjective = "formula"\n'


def _scenario(tmp_path: Path, text: str, filename: str = "s.toml") -> Path:
    path = tmp_path / "in" / filename
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _a_file(tmp_path: Path) -> Path:
    f = tmp_path / "notes.txt"
    f.write_text("mine\n")
    return f


@pytest.mark.parametrize(
    ("kind", "argv", "culprit"),
    [
        (
            "--out is a file",
            ["allocate", "{ok}", "--out", "{file}"],
            r"--out .*notes\.txt: is a file",
        ),
        (
            "--out below a file",
            ["allocate", "{ok}", "--out", "{file}/x"],
            r"notes\.txt is a file, so no folder can be made below it",
        ),
        (
            "--out unwritable",
            ["allocate", "{ok}", "--out", "/sys/cg-test"],
            r"/sys/cg-test.*cannot",
        ),
        (
            "compare --out is a file",
            ["compare", "{ok}", "{ok}", "--out", "{file}"],
            r"--out .*notes\.txt: is a file",
        ),
        ("synth --out below a file", ["synth", "--out", "{file}/d"], r"notes\.txt is a file"),
        ("synth negative seed", ["synth", "--seed", "-1", "--out", "{tmp}/d"], r"--seed -1"),
        ("scenario name '..'", ["allocate", "{dots}"], r"scenario key 'name' = '\.\.'"),
        ("budget 1e300", ["allocate", "{big}", "--out", "{tmp}/o"], r"total_budget_eok = 1e\+300"),
        ("5,000-digit budget", ["allocate", "{digits}", "--out", "{tmp}/o"], r"5000 digits"),
        ("NaN budget", ["allocate", "{nan}", "--out", "{tmp}/o"], r"total_budget_eok = nan"),
        ("report --out is a file", ["report", "01", "--out", "{file}"], r"notes\.txt: is a file"),
        ("sweep --out below a file", ["sweep", "{huge}", "--out", "{file}/s"], r"notes\.txt is a"),
        ("sweep too large", ["sweep", "{huge}", "--out", "{tmp}/sw"], r"10,000,000 .*--yes"),
        ("sweep batch size 0", ["sweep", "{huge}", "--batch-size", "0"], r"--batch-size 0"),
        ("sweep batch size < 0", ["sweep", "{huge}", "--batch-size", "-3"], r"--batch-size -3"),
    ],
)
def test_each_kind_of_bad_input_exits_2_naming_the_culprit_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, kind: str, argv: list[str], culprit: str
) -> None:
    from cgresearch.paths import outputs_dir

    places = {
        "ok": _scenario(tmp_path, _OK.format(name="ok")),
        "dots": _scenario(tmp_path, _OK.format(name=".."), "dots.toml"),
        "big": _scenario(tmp_path, 'name = "b"\ntotal_budget_eok = 1e300\n', "big.toml"),
        "digits": _scenario(tmp_path, f'name = "d"\ntotal_budget_eok = {"9" * 5000}\n', "d.toml"),
        "nan": _scenario(tmp_path, 'name = "n"\ntotal_budget_eok = nan\n', "nan.toml"),
        "huge": _scenario(
            tmp_path,
            '[sweep]\nname = "huge"\nbase = "equal_10.toml"\n'
            '[[axis]]\nkey = "total_budget_eok"\nstart = 0\nstop = 9999999\nstep = 1\n',
            "huge.toml",
        ),
        "file": _a_file(tmp_path),
        "tmp": tmp_path,
    }
    before = _files(tmp_path)
    outputs_before = (
        sorted(p.name for p in outputs_dir().iterdir()) if outputs_dir().is_dir() else []
    )
    rc = cli.main(["--lang", "en", *(a.format(**places) for a in argv)])
    err = capsys.readouterr().err
    assert rc == 2, kind
    assert re.search(culprit, err), (kind, err)
    assert "Traceback" not in err and err.count("\n") == 1
    assert _files(tmp_path) == before, kind  # nothing written, nothing removed
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    assert (
        _outputs(outputs_dir()) == outputs_before
        and not (outputs_dir() / "allocation.csv").exists()
    )


def test_a_cp949_scenario_is_solved_with_a_one_line_note(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes('name = "메모장"\ntotal_budget_eok = 250\n'.encode("cp949"))
    argv = ["allocate", str(path), "--out", str(tmp_path / "o"), "--no-figures", "--lang", "en"]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "cgresearch: note: scenario file" in captured.err and "CP949" in captured.err
    assert "scenario: 메모장" in captured.out
    assert cli.main(argv[:-2]) == 0  # Korean by default, the note too
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "notepad.toml이(가) UTF-8이 아니어서 CP949(한국어 Windows)로 읽었습니다" in captured.err


def test_a_closed_pipe_ends_quietly_with_141(tmp_path: Path) -> None:
    # The reader is gone before the first line (as `| head -0` would leave it).
    read, write = os.pipe()
    os.close(read)
    scenario = _scenario(tmp_path, _OK.format(name="piped"))
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cgresearch.cli",
                "allocate",
                str(scenario),
                "--out",
                str(tmp_path / "o"),
                "--no-figures",
            ],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write)
    assert done.returncode == 141
    assert done.stderr == ""

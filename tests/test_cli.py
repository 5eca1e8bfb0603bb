"""The command line: plain messages and exit codes, never a bare traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cgresearch import cli
from cgresearch.errors import InputError


def test_data_verify_exits_zero_when_the_manifest_matches(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["data", "verify"]) == 0
    assert "every raw file matches" in capsys.readouterr().out


def test_a_user_error_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def broken(_args: object) -> int:
        raise InputError("districts.csv, row 3, column 'name_ko': unknown district '종노구'")

    monkeypatch.setattr(cli.data, "_run_data_verify", broken)
    assert cli.main(["data", "verify"]) == 2
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

    monkeypatch.setattr(cli.data, "_run_data_verify", reads)
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

"""Staged runs are installed whole and checked, or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cgresearch.report.kernels import KernelOwner
from cgresearch.report.staging import install_run, missing_outputs


def _staged(stage: Path, rid: str, outputs: dict[str, str], present: list[str]) -> Path:
    run = stage / rid
    run.mkdir(parents=True)
    for name in present:
        (run / name).parent.mkdir(parents=True, exist_ok=True)
        (run / name).write_bytes(b"new " + name.encode())
    (run / "run.json").write_text(json.dumps({"run_id": rid, "outputs": outputs}))
    return run


def _previous(out: Path, rid: str) -> dict[str, bytes]:
    (out / rid).mkdir(parents=True)
    (out / rid / "old.txt").write_bytes(b"previous")
    return {"old.txt": b"previous"}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_complete_run_replaces_the_previous_folder_whole(tmp_path):
    out, stage = tmp_path / "out", tmp_path / "out" / ".staging-1-x"
    _previous(out, "r")
    present = ["figures/a.png", "r.ipynb", "r.html"]
    run = _staged(stage, "r", {"figures/a.png": "0" * 64}, present)
    assert install_run(run, out / "r", KernelOwner())
    assert sorted(_files(out / "r")) == ["figures/a.png", "r.html", "r.ipynb", "run.json"]


def test_a_run_missing_a_file_its_record_lists_is_refused_and_the_previous_kept(tmp_path):
    out, stage = tmp_path / "out", tmp_path / "out" / ".staging-1-x"
    before = _previous(out, "r")
    outputs = {"figures/a.png": "0" * 64, "tables/t.csv": "1" * 64}
    run = _staged(stage, "r", outputs, ["figures/a.png", "r.ipynb", "r.html"])
    assert missing_outputs(run, json.loads((run / "run.json").read_text())) == ["tables/t.csv"]
    with pytest.raises(RuntimeError, match=r"missing tables/t\.csv"):
        install_run(run, out / "r", KernelOwner())
    assert _files(out / "r") == before


def test_no_run_is_installed_once_the_report_is_stopping(tmp_path):
    out, stage = tmp_path / "out", tmp_path / "out" / ".staging-1-x"
    before = _previous(out, "r")
    run = _staged(stage, "r", {}, ["r.ipynb", "r.html"])
    owner = KernelOwner()
    owner.stop()
    assert install_run(run, out / "r", owner) is False
    assert _files(out / "r") == before


def test_a_discarded_staging_folder_is_gone_and_its_old_path_cannot_be_written_into(tmp_path):
    from cgresearch.report.staging import discard_staging

    stage = tmp_path / ".staging-1-x"
    (stage / "r" / "figures").mkdir(parents=True)
    (stage / "r" / "figures" / "a.png").write_bytes(b"half")
    discard_staging(stage)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):  # what a late writer meets (it never mkdirs)
        (stage / "r" / "late.ipynb").write_text("{}")

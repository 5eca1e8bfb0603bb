"""The report runner: validation before kernels, failing cells, interruptions, determinism.

The slow tests run the tiny fixture notebook (tests/report/fixtures/tiny.py) in real kernels. Its
key figure ``total`` is ``scale * (0 + 1 + ... + (n-1))``: for n=5, scale=2 that is 2 * 10 = 20.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pytest

from cgresearch.cli import main
from cgresearch.errors import ParameterError
from cgresearch.report.runner import run_report

FIXTURES = Path(__file__).parent / "fixtures"


def _params(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def _report(params: Path, out: Path, **kw):
    return run_report(params_dir=params, notebooks_dir=FIXTURES, out_dir=out, quiet=True, **kw)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _deterministic_files(run_dir: Path) -> dict[str, bytes]:
    snap = _snapshot(run_dir)
    return {k: v for k, v in snap.items() if k.startswith(("figures/", "tables/", "key_figures"))}


def _manifest_without_timing(out: Path) -> bytes:
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(m["timing"]) == {"generated_utc", "seconds", "runs"}
    del m["timing"]
    return json.dumps(m, sort_keys=True).encode()


# --- fast: nothing reaches a kernel -------------------------------------------------------------
def test_invalid_parameter_file_stops_the_cli_with_status_2_before_any_kernel(
    tmp_path, monkeypatch, capsys
):
    params = _params(tmp_path / "params", tiny_a="notebook: tiny\nparameters:\n  nn: 3\n")

    def _no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started despite an invalid parameter file")

    monkeypatch.setattr("papermill.execute_notebook", _no_kernel)
    monkeypatch.setattr("cgresearch.report.runner.paths.notebooks_dir", lambda: FIXTURES)
    status = main(["report", "--params-dir", str(params), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert "tiny_a.yaml" in err
    assert "unknown parameter 'nn'" in err
    assert "did you mean 'n'?" in err
    assert not (tmp_path / "out").exists()


def test_an_unknown_edition_language_exits_2_before_any_kernel_and_keeps_previous_outputs(
    tmp_path, monkeypatch, capsys
):
    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n")
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    before = _snapshot(out)

    def _no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for an unknown language")

    monkeypatch.setattr("papermill.execute_notebook", _no_kernel)
    monkeypatch.setattr("cgresearch.report.runner.paths.notebooks_dir", lambda: FIXTURES)
    status = main(["report", "--params-dir", str(params), "--out", str(out), "--lang", "fr"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "language 'fr' is not available: use 'ko'" in err
    assert _snapshot(out) == before


def test_the_editions_live_apart_korean_at_the_root_english_in_en():
    from cgresearch.report.runner import edition_dir, other_edition_link

    root = Path("outputs")
    assert edition_dir(root, "ko") == root
    assert edition_dir(root, "en") == root / "en"
    # each index links the other: en/index.html from the root, ../index.html back
    assert (root / other_edition_link("ko")[1]).as_posix() == "outputs/en/index.html"
    back = edition_dir(root, "en") / other_edition_link("en")[1]
    assert os.path.normpath(back) == os.path.normpath(root / "index.html")


def test_unknown_kernel_is_refused_naming_the_installed_ones(tmp_path):
    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n")
    with pytest.raises(ParameterError, match="no Jupyter kernel named 'no-such-kernel'"):
        _report(params, tmp_path / "out", kernel_name="no-such-kernel")


def _fake_previous_run(out: Path, run_id: str) -> None:
    run = out / run_id
    (run / "figures").mkdir(parents=True)
    (run / "figures" / "line.png").write_bytes(b"previous figure")
    (run / "run.json").write_text(
        json.dumps({"run_id": run_id, "parameters": {}, "outputs": {}}), encoding="utf-8"
    )
    (out / "manifest.json").write_text('{"previous": true}\n', encoding="utf-8")


def test_interrupted_run_leaves_previous_outputs_and_manifest_intact(tmp_path, monkeypatch):
    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n")
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    before = _snapshot(out)

    def _interrupted(nb, output_path, parameters, **kwargs):
        # the notebook has written half of its figures when the user presses Ctrl-C
        fig_dir = Path(parameters["output_dir"]) / "figures"
        fig_dir.mkdir(parents=True)
        (fig_dir / "line.png").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr("papermill.execute_notebook", _interrupted)
    with pytest.raises(KeyboardInterrupt):
        _report(params, out)
    assert _snapshot(out) == before
    assert not list(out.glob(".staging-*"))


def test_staging_folder_of_a_killed_report_is_removed_and_a_run_swaps_in_whole(
    tmp_path, monkeypatch
):
    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n")
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    dead = out / ".staging-999999999-abc" / "tiny_a" / "figures"  # its lock is free: stale
    dead.mkdir(parents=True)
    (out / ".staging-999999999-abc" / ".lock").touch()
    (dead / "line.png").write_bytes(b"left by a killed report")

    def _complete(nb, output_path, parameters, **kwargs):
        fig_dir = Path(parameters["output_dir"]) / "figures"
        fig_dir.mkdir(parents=True)
        (fig_dir / "line.png").write_bytes(b"new figure")
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _complete)
    result = _report(params, out)
    assert result.ok
    assert not list(out.glob(".staging-*"))
    assert (out / "tiny_a" / "figures" / "line.png").read_bytes() == b"new figure"
    record = json.loads((out / "tiny_a" / "run.json").read_text(encoding="utf-8"))
    assert record["parameters"]["n"] == 4
    assert set(record["outputs"]) == {"figures/line.png"}


# --- slow: real kernels -------------------------------------------------------------------------
@pytest.mark.slow
def test_two_reports_give_identical_figures_tables_and_manifest_apart_from_timing(
    tmp_path, monkeypatch
):
    # Other work may be committed to this tree between the two reports; the commit is the one
    # thing allowed to differ then, so both reports see the same one here.
    state = {"commit": "0" * 40, "dirty": False}
    monkeypatch.setattr("cgresearch.report.provenance.git_state", lambda root=None: state)
    params = _params(
        tmp_path / "params",
        tiny_a="notebook: tiny\ntitle: Tiny A\nparameters:\n  n: 5\n  scale: 2\n",
    )
    out = tmp_path / "out"
    first = _report(params, out)
    assert first.ok, first.describe()
    run = out / "tiny_a"
    files1 = _deterministic_files(run)
    manifest1 = _manifest_without_timing(out)
    index1 = (out / "index.html").read_bytes()

    second = _report(params, out)
    assert second.ok, second.describe()
    assert _deterministic_files(run) == files1
    assert _manifest_without_timing(out) == manifest1
    assert (out / "index.html").read_bytes() == index1

    assert sorted(files1) == [
        "figures/line.png",
        "figures/line.svg",
        "key_figures.json",
        "tables/values.csv",
        "tables/values.xlsx",
    ]
    keys = json.loads(files1["key_figures.json"])
    assert keys == {"groups": ["a", "b"], "total": 20.0}  # 2 * (0+1+2+3+4)
    assert files1["tables/values.csv"].decode() == "i,value\n0,0.0\n1,2.0\n2,4.0\n3,6.0\n4,8.0\n"
    sheet = openpyxl.load_workbook(run / "tables" / "values.xlsx").active
    assert [c.value for c in sheet["B"]] == ["value", 0, 2, 4, 6, 8]

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runs"]["tiny_a"]["parameters"] == {
        "n": 5,
        "scale": 2.0,
        "label": "demo",
        "groups": ["a", "b"],
        "fail": False,
        "pause": 0.0,
    }
    assert manifest["runs"]["tiny_a"]["outputs"]["tables/values.csv"] == (
        __import__("hashlib").sha256(files1["tables/values.csv"]).hexdigest()
    )
    assert manifest["failed_runs"] == []
    assert manifest["inputs"]["raw_data_matches_manifest"] is True
    assert "pandas" in manifest["environment"]["packages"]
    assert manifest["timing"]["runs"]["tiny_a"]["seconds"] > 0

    index = index1.decode()
    for link in [
        "tiny_a/tiny_a.html",
        "tiny_a/tiny_a.ipynb",
        "tiny_a/figures/line.png",
        "tiny_a/figures/line.svg",
        "tiny_a/tables/values.xlsx",
        "manifest.json",
    ]:
        assert f'href="{link}"' in index
    page = (run / "tiny_a.html").read_text(encoding="utf-8")
    assert "cdnjs" not in page
    assert "save_table(" not in page  # inputs hidden
    assert "data:image/png;base64" in page  # the figure is embedded


@pytest.mark.slow
def test_failing_cell_is_reported_and_keeps_previous_outputs_while_other_runs_go_on(tmp_path):
    params = _params(
        tmp_path / "params",
        tiny_a="notebook: tiny\n",
        tiny_b="notebook: tiny\nparameters:\n  label: second\n",
    )
    out = tmp_path / "out"
    first = _report(params, out, jobs=2)
    assert first.ok, first.describe()
    previous_b = _snapshot(out / "tiny_b")

    _params(
        params,
        tiny_a="notebook: tiny\nparameters:\n  n: 3\n",
        tiny_b="notebook: tiny\nparameters:\n  label: second\n  fail: true\n",
    )
    second = _report(params, out)
    assert not second.ok
    assert [r.ok for r in second.runs] == [True, False]
    failed = second.runs[1]
    assert "tiny with " in failed.message
    assert "tiny_b.yaml" in failed.message
    assert "starting `time.sleep(pause)`" in failed.message
    assert "ValueError: deliberate failure for label second" in failed.message
    assert failed.failed_notebook == out / "_failed" / "tiny_b.ipynb"
    kept = nbformat.read(failed.failed_notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    # the failed run's previous outputs are untouched; the half-written figure never lands
    assert _snapshot(out / "tiny_b") == previous_b
    # the other run was updated: total = 1.5 * (0+1+2) = 4.5
    assert json.loads((out / "tiny_a" / "key_figures.json").read_text())["total"] == 4.5
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failed_runs"] == ["tiny_b"]
    assert "실패한 실행" in (out / "index.html").read_text(encoding="utf-8")  # "Failed runs"
    shutil.rmtree(out / "_failed")
    assert not list(out.glob(".staging-*"))
    assert os.listdir(out / "tiny_b")


def test_progress_prints_one_line_per_run_on_a_terminal_and_nothing_in_ci(tmp_path, monkeypatch):
    import io

    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n", tiny_b="notebook: tiny\n")

    def _complete(nb, output_path, parameters, **kwargs):
        nbformat.write(nb, output_path)
        return nb

    class _Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("papermill.execute_notebook", _complete)
    monkeypatch.delenv("CI", raising=False)
    term = _Terminal()
    run_report(params_dir=params, notebooks_dir=FIXTURES, out_dir=tmp_path / "o", stream=term)
    lines = term.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"\[1/2\] tiny_\w +ok +\d+\.\d s", lines[0])
    monkeypatch.setenv("CI", "true")
    term = _Terminal()
    run_report(params_dir=params, notebooks_dir=FIXTURES, out_dir=tmp_path / "o", stream=term)
    assert term.getvalue() == ""


@pytest.mark.slow
def test_killed_report_leaves_previous_outputs_intact_and_the_next_report_cleans_up(
    tmp_path, monkeypatch
):
    import signal
    import subprocess
    import sys
    import time

    params = _params(tmp_path / "params", tiny_a="notebook: tiny\nparameters:\n  pause: 60\n")
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    before = _snapshot(out)
    code = (
        "from cgresearch.report.runner import run_report; "
        f"run_report(params_dir={str(params)!r}, notebooks_dir={str(FIXTURES)!r}, "
        f"out_dir={str(out)!r}, quiet=True)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # wait until the notebook has written its table, then kill the report and its kernel
        while not list(out.glob(".staging-*/tiny_a/tables/values.csv")):
            assert proc.poll() is None, "the report ended before it could be interrupted"
            assert time.monotonic() < deadline, "the notebook never reached its pause"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert list(out.glob(".staging-*"))  # the killed report's half-written run is left there...
    after = {k: v for k, v in _snapshot(out).items() if not k.startswith(".staging-")}
    assert after == before  # ...and nothing of it reached the outputs

    def _complete(nb, output_path, parameters, **kwargs):
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _complete)
    assert _report(params, out).ok
    assert not list(out.glob(".staging-*"))  # the next report removes it


def test_a_staging_folder_in_use_by_another_report_is_left_alone(tmp_path):
    from cgresearch.report.runner import _lock_staging, _remove_stale_staging

    live = tmp_path / ".staging-1-live"
    live.mkdir()
    fd = _lock_staging(live)  # another report, still running, holds the lock
    try:
        _remove_stale_staging(tmp_path)
        assert live.is_dir()
    finally:
        os.close(fd)
    _remove_stale_staging(tmp_path)
    assert not live.exists()


def test_parallel_runs_start_longest_first_by_last_timing_else_the_files_hint(
    tmp_path, monkeypatch
):
    import threading

    params = _params(
        tmp_path / "params",
        tiny_a="notebook: tiny\n",
        tiny_b="notebook: tiny\n",
        tiny_c="notebook: tiny\nexpected_seconds: 50\n",
    )
    started: list[str] = []
    lock = threading.Lock()
    # the two workers take the first two runs together; the third starts only when one is done,
    # so the first two to start are the two longest, in either order (no timing involved)
    both_started = threading.Barrier(2, timeout=60)

    def _record(nb, output_path, parameters, **kwargs):
        with lock:
            started.append(Path(output_path).stem)
            first_two = len(started) <= 2
        if first_two:
            both_started.wait()
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _record)
    out = tmp_path / "out"
    _report(params, out, jobs=2)
    assert "tiny_c" in started[:2]  # never run: the hint (50 s) beats the typical 10 s
    # now every run has a last duration, which beats the file's hint: tiny_b took 100 s last
    # time, tiny_c 5 s and tiny_a 1 s, so tiny_a (not tiny_c, despite its 50 s hint) waits
    for run_id, seconds in {"tiny_a": 1.0, "tiny_b": 100.0, "tiny_c": 5.0}.items():
        record = json.loads((out / run_id / "run.json").read_text(encoding="utf-8"))
        record["timing"]["seconds"] = seconds
        (out / run_id / "run.json").write_text(json.dumps(record), encoding="utf-8")
    started.clear()
    both_started.reset()
    result = _report(params, out, jobs=2)
    assert set(started[:2]) == {"tiny_b", "tiny_c"}
    assert started[2] == "tiny_a"  # the shortest run starts last
    assert [r.run_id for r in result.runs] == ["tiny_a", "tiny_b", "tiny_c"]  # reported in order


@pytest.mark.slow
def test_a_cell_over_the_timeout_fails_the_run_naming_the_cell_and_the_option(tmp_path):
    params = _params(tmp_path / "params", tiny_t="notebook: tiny\nparameters:\n  pause: 60\n")
    result = _report(params, tmp_path / "out", timeout=10)
    (run,) = result.runs
    assert not run.ok
    # the pause cell, unless a very busy machine keeps even the import cell over 10 s
    assert re.search(
        r"cell \d+ of the executed notebook \(starting `[^`]+`\) ran longer than the "
        r"per-cell timeout of 10 s",
        run.message,
    )
    assert "--timeout" in run.message
    assert run.seconds < 60

"""The report runner: validation before kernels, failing cells, interruptions, determinism.

The slow tests run the tiny fixture notebook (tests/report/fixtures/tiny.py) in real kernels. Its
key figure ``total`` is ``scale * (0 + 1 + ... + (n-1))``: for n=5, scale=2 that is 2 * 10 = 20.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def _snapshot_without_timing(out: Path) -> dict[str, bytes]:
    """Every file under ``out``, the manifest without its one documented timing field."""
    snap = _snapshot(out)
    snap["manifest.json"] = _manifest_without_timing(out)
    return snap


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
    argv = ["report", "--params-dir", str(params), "--out", str(tmp_path / "out")]
    status = main(["--lang", "en", *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert "tiny_a.yaml" in err
    assert "unknown parameter 'nn'" in err
    assert "did you mean 'n'?" in err
    assert not (tmp_path / "out").exists()
    assert main(argv) == 2  # Korean by default, the same culprit
    err = capsys.readouterr().err
    assert (
        "tiny_a.yaml" in err
        and "없는 매개변수 'nn'입니다" in err
        and "'n'을(를) 뜻하셨나요?" in err
    )
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
def test_two_reports_give_identical_bytes_in_every_file_apart_from_the_manifest_timing(
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
    every1 = _snapshot_without_timing(out)
    index1 = (out / "index.html").read_bytes()

    second = _report(params, out)
    assert second.ok, second.describe()
    every2 = _snapshot_without_timing(out)
    assert sorted(every2) == sorted(every1)
    assert [k for k in every1 if every1[k] != every2[k]] == []  # every byte of every file
    assert "tiny_a/tiny_a.ipynb" in every1 and "tiny_a/tiny_a.html" in every1
    # the staging folder never shows, and the notebook says where its outputs really are
    assert not [k for k, v in every1.items() if b".staging-" in v]
    executed = nbformat.read(run / "tiny_a.ipynb", as_version=4)
    injected = next(
        c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert f"output_dir = {str(run)!r}" in injected.source.replace('"', "'")

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
        "notify": "",
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
    # in the edition's language (Korean by default); the culprits are quoted as they are
    assert "tiny(매개변수 파일 " in failed.message
    assert "tiny_b.yaml" in failed.message
    assert "`time.sleep(pause)`(으)로 시작" in failed.message
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


def test_progress_prints_a_line_per_started_and_finished_run_in_a_log_and_nothing_when_quiet(
    tmp_path, monkeypatch
):
    import io

    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n", tiny_b="notebook: tiny\n")

    def _complete(nb, output_path, parameters, **kwargs):
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _complete)
    monkeypatch.setenv("CI", "true")  # CI shows the lines too: a line per run is what a log needs
    log = io.StringIO()  # not a terminal, like `make report | tee log`
    run_report(params_dir=params, notebooks_dir=FIXTURES, out_dir=tmp_path / "o", stream=log)
    lines = log.getvalue().splitlines()
    assert len(lines) == 4
    # the Korean edition (the default) speaks Korean: "시작" started, "종료" finished
    started = [ln for ln in lines if "] 시작 " in ln]
    finished = [ln for ln in lines if "] 종료 " in ln]
    assert len(started) == len(finished) == 2
    assert all(
        re.fullmatch(r"\[보고서 \d+:\d\d\] 시작 tiny_[ab] \([12]/2 시작, 약 \d+:\d\d 남음\)", ln)
        for ln in started
    )
    assert all(
        re.fullmatch(
            r"\[보고서 \d+:\d\d\] 종료 tiny_[ab] 성공, \d+\.\d초 \([12]/2 완료, 약 \d+:\d\d 남음\)",
            ln,
        )
        for ln in finished
    )
    assert lines[-1].endswith("(2/2 완료, 약 0:00 남음)")
    quiet = io.StringIO()
    run_report(
        params_dir=params, notebooks_dir=FIXTURES, out_dir=tmp_path / "o", stream=quiet, quiet=True
    )
    assert quiet.getvalue() == ""


# --- stopping a report: real processes, real kernels, events (a socket, a pipe, pidfds) ----------
# No test here waits on the clock or on the machine's speed: the notebook tells the test (over a
# Unix socket) that its kernel runs and has staged part of the run, then *waits for the test*, so
# the run cannot finish before the signal however fast or slow the machine is; the test waits for
# the report's lines on its stderr pipe and for processes to end on pidfds / Popen.wait. Every
# ``timeout=`` is a cap that turns a hang into a failure, never what decides the outcome.
_CAP_S = 300  # generous: a report on a machine loaded 10x ends its stop in well under a minute


@pytest.fixture
def short_dir():
    """A folder with a short path (a Unix socket's path is limited to ~100 characters)."""
    folder = tempfile.mkdtemp(prefix="cgn-")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _listener(folder: str) -> tuple[socket.socket, str]:
    """A Unix socket the fixture notebook reports its kernel's process id to."""
    path = os.path.join(folder, "s")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    server.settimeout(_CAP_S)  # a bound for a broken report, not a speed requirement
    return server, path


def _kernel_pid(server: socket.socket) -> tuple[int, socket.socket]:
    """Wait until the notebook reaches its hold; return its kernel's process id and the
    connection that holds the notebook (it goes on only once the connection is closed)."""
    conn, _ = server.accept()
    conn.settimeout(_CAP_S)
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            conn.close()
            raise AssertionError(f"the notebook closed the socket after {data!r}")
        data += chunk
    return int(data), conn


def _ends_within(pid: int, seconds: float) -> bool:
    """Wait for process ``pid`` (any process, not only a child) to end, on its pidfd."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


class _Lines:
    """The lines a process prints on a pipe, read on a thread so the test can wait for one."""

    def __init__(self, stream) -> None:
        import queue
        import threading

        self._queue: queue.Queue[str | None] = queue.Queue()
        self._seen: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str) -> None:
        """Return once a line containing ``text`` was printed; fail if the pipe ends first."""
        import queue

        while True:
            try:
                line = self._queue.get(timeout=_CAP_S)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}: {''.join(self._seen)}") from None
            if line is None:
                raise AssertionError(f"the process ended without {text!r}: {''.join(self._seen)}")
            self._seen.append(line)
            if text in line:
                return

    def text(self) -> str:
        """Everything printed, once the process has closed the pipe."""
        self._thread.join(_CAP_S)
        while not self._queue.empty():
            line = self._queue.get()
            if line is not None:
                self._seen.append(line)
        self._stream.close()
        return "".join(self._seen)


def _report_process(params: Path, out: Path) -> subprocess.Popen:
    code = (
        "import signal, sys\n"
        "def crash(signum, frame):\n"
        "    raise RuntimeError('a bug in the report process')\n"
        "signal.signal(signal.SIGUSR1, crash)\n"
        "from cgresearch.report.runner import run_report\n"
        f"run_report(params_dir={str(params)!r}, notebooks_dir={str(FIXTURES)!r}, "
        f"out_dir={str(out)!r}, stream=sys.stderr)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], start_new_session=True, stderr=subprocess.PIPE, text=True
    )


@contextlib.contextmanager
def _held_report(tmp_path: Path, short_dir: str):
    """Start a report in its own process; yield (out, outputs before, process, its stderr lines,
    kernel pid) once its notebook has staged part of its outputs and waits for the test.

    The notebook is held until the block ends (it cannot finish first); the report's process
    group is killed on the way out if it is still running (a failed test leaves nothing behind).
    """
    server, address = _listener(short_dir)
    params = _params(
        tmp_path / "params", tiny_a=f"notebook: tiny\nparameters:\n  notify: {address}\n"
    )
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    before = _snapshot(out)
    proc = _report_process(params, out)
    lines = _Lines(proc.stderr)
    hold = None
    try:
        with server:
            kernel, hold = _kernel_pid(server)
        assert list(out.glob(".staging-*/tiny_a/tables/values.csv"))  # half a run is staged
        yield out, before, proc, lines, kernel
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if hold is not None:
            hold.close()
        lines.text()


@pytest.mark.slow
def test_sigkill_of_the_report_kills_its_kernel_and_the_next_report_cleans_up(
    tmp_path, monkeypatch, short_dir
):
    with _held_report(tmp_path, short_dir) as (out, before, proc, _, kernel):
        os.kill(proc.pid, signal.SIGKILL)  # the report alone: its kernel must follow by itself
        proc.wait()
        assert _ends_within(kernel, _CAP_S), "the kernel outlived its report"
    assert list(out.glob(".staging-*"))  # the killed report's half-written run is left there...
    after = {k: v for k, v in _snapshot(out).items() if not k.startswith(".staging-")}
    assert after == before  # ...and nothing of it reached the outputs

    def _complete(nb, output_path, parameters, **kwargs):
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _complete)
    assert _report(tmp_path / "params", out).ok
    assert not list(out.glob(".staging-*"))  # the next report removes it


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "ctrl-c twice", "sigterm", "crash"])
def test_a_stopped_report_ends_with_its_kernel_keeps_previous_outputs_and_leaves_no_staging(
    tmp_path, how, short_dir, ctrl_c_as_in_a_terminal
):
    with _held_report(tmp_path, short_dir) as (out, before, proc, lines, kernel):
        if how.startswith("ctrl-c"):
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground job
            if how == "ctrl-c twice":  # the second one arrives while the report is stopping
                lines.wait_for("중단하는 중:")  # "stopping:" in the Korean edition
                os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM if how == "sigterm" else signal.SIGUSR1)
        status = proc.wait(timeout=_CAP_S)  # a cap for a hung report: the notebook is held
        err = lines.text()
        # the report ended while its notebook was still held: the stop, not the run, ended it
        assert _ends_within(kernel, _CAP_S), "the kernel outlived its report"
    assert status != 0
    assert "중단하는 중: 커널 1개를 종료했고" in err  # "stopping: killed 1 kernel(s)"
    assert re.search(r"종료 tiny_a 중단됨, \d+\.\d초", err)  # "finished tiny_a interrupted in"
    if how == "sigterm":
        assert status == 128 + signal.SIGTERM
    if how == "crash":
        assert "RuntimeError: a bug in the report process" in err
    assert _snapshot(out) == before  # no staging folder, no half run, previous outputs intact


def test_a_run_that_ends_after_the_report_began_stopping_is_never_installed(
    tmp_path, monkeypatch, ctrl_c_as_in_a_terminal
):
    import threading

    from cgresearch.report.kernels import KernelOwner

    params = _params(tmp_path / "params", tiny_a="notebook: tiny\n")
    out = tmp_path / "out"
    _fake_previous_run(out, "tiny_a")
    before = _snapshot(out)
    stopped = threading.Event()
    original_stop = KernelOwner.stop

    def _stop(self):
        killed = original_stop(self)
        stopped.set()
        return killed

    def _finishes_late(nb, output_path, parameters, **kwargs):
        # the whole run is written, but only after Ctrl-C reached the report (main thread)
        fig_dir = Path(parameters["output_dir"]) / "figures"
        fig_dir.mkdir(parents=True)
        (fig_dir / "line.png").write_bytes(b"new figure")
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        assert stopped.wait(60)
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr(KernelOwner, "stop", _stop)
    monkeypatch.setattr("papermill.execute_notebook", _finishes_late)
    with pytest.raises(KeyboardInterrupt):
        _report(params, out)
    assert _snapshot(out) == before


def test_a_staging_folder_in_use_by_another_report_is_left_alone(tmp_path):
    from cgresearch.report.staging import lock_staging, remove_stale_staging

    live = tmp_path / ".staging-1-live"
    live.mkdir()
    fd = lock_staging(live)  # another report, still running, holds the lock
    try:
        remove_stale_staging(tmp_path)
        assert live.is_dir()
    finally:
        os.close(fd)
    remove_stale_staging(tmp_path)
    assert not live.exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_runs_start_longest_first_by_last_timing_else_the_files_hint(tmp_path, monkeypatch, jobs):
    from concurrent.futures import ThreadPoolExecutor

    params = _params(
        tmp_path / "params",
        tiny_a="notebook: tiny\n",
        tiny_b="notebook: tiny\n",
        tiny_c="notebook: tiny\nexpected_seconds: 50\n",
    )
    # The order is the order runs are handed to the pool (recorded in the report's own thread),
    # which a single worker also starts them in; never which of two threads is scheduled first.
    handed: list[str] = []

    class _RecordingPool(ThreadPoolExecutor):
        def submit(self, fn, pset, *args, **kwargs):
            handed.append(pset.run_id)
            return super().submit(fn, pset, *args, **kwargs)

    started: list[str] = []

    def _record(nb, output_path, parameters, **kwargs):
        started.append(Path(output_path).stem)
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr("papermill.execute_notebook", _record)
    monkeypatch.setattr("cgresearch.report.runner.ThreadPoolExecutor", _RecordingPool)
    out = tmp_path / "out"
    _report(params, out, jobs=jobs)
    # never run: the hint (50 s) beats the typical 10 s; ties keep the files' order
    assert handed == ["tiny_c", "tiny_a", "tiny_b"]
    # last durations (the manifest's timing) beat the hint: b took 100 s, a 5 s, c only 1 s
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for rid, secs in {"tiny_a": 5.0, "tiny_b": 100.0, "tiny_c": 1.0}.items():
        manifest["timing"]["runs"][rid]["seconds"] = secs
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    handed.clear()
    started.clear()
    result = _report(params, out, jobs=jobs)
    assert handed == ["tiny_b", "tiny_a", "tiny_c"]
    if jobs == 1:
        assert started == handed
    assert sorted(started) == ["tiny_a", "tiny_b", "tiny_c"]
    assert [r.run_id for r in result.runs] == ["tiny_a", "tiny_b", "tiny_c"]  # reported in order


@pytest.mark.slow
def test_a_cell_over_the_timeout_fails_the_run_naming_the_cell_and_the_option_and_its_kernel_ends(
    tmp_path, monkeypatch
):
    from cgresearch.report.kernels import KernelOwner

    kernels: list[int] = []
    adopt = KernelOwner._adopt

    def _record(self, process):
        kernels.append(process.pid)
        adopt(self, process)

    monkeypatch.setattr(KernelOwner, "_adopt", _record)
    params = _params(tmp_path / "params", tiny_t="notebook: tiny\nparameters:\n  pause: 60\n")
    result = _report(params, tmp_path / "out", timeout=10)
    assert len(kernels) == 1
    assert _ends_within(kernels[0], 60), "the timed-out kernel outlived its run"
    (run,) = result.runs
    assert not run.ok
    # the pause cell, unless a very busy machine keeps even the import cell over 10 s
    assert re.search(  # Korean edition: "cell N of the executed notebook ... timeout of 10 s"
        r"실행된 노트북의 \d+번 셀\(`[^`]+`\(으\)로 시작\)이\(가\) "
        r"셀당 제한 시간 10초를 넘겼습니다",
        run.message,
    )
    assert "--timeout" in run.message

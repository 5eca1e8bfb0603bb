"""How fast Ctrl-C, SIGTERM and SIGKILL stop a report and its kernel (issue 10: "within seconds").

Starts a report of the tests' tiny notebook in a process of its own, waits (on a Unix socket the
notebook connects to) until its kernel is in the middle of a 600 s pause, then sends the signal and
measures the seconds until the report process has exited and until its kernel has ended (waited on
the kernel's pidfd). Before the fix a single Ctrl-C waited for the running notebook (6 minutes in
the report). Reference, in the same run: an empty notebook's kernel round trip (start + shutdown).

Goal: the report and its kernel gone within 5 s of the signal.
Run: ``.venv/bin/python -m benchmarks.report_stop``.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 5.0
_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "report" / "fixtures"


def _wait_pid(pid: int, limit: float) -> None:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        select.select([fd], [], [], limit)
    finally:
        os.close(fd)


def _one(how: str, tmp: Path) -> tuple[float, float]:
    sock_dir = tempfile.mkdtemp(prefix="cgn-")
    sock_path = os.path.join(sock_dir, "s")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    server.listen(1)
    server.settimeout(300)
    params = tmp / how / "params"
    params.mkdir(parents=True)
    (params / "tiny_a.yaml").write_text(
        f"notebook: tiny\nparameters:\n  pause: 600\n  notify: {sock_path}\n", encoding="utf-8"
    )
    code = (
        "from cgresearch.report.runner import run_report\n"
        f"run_report(params_dir={str(params)!r}, notebooks_dir={str(_FIXTURES)!r}, "
        f"out_dir={str(tmp / how / 'out')!r}, quiet=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], start_new_session=True, stderr=subprocess.DEVNULL
    )
    try:
        conn, _ = server.accept()
        with conn:
            kernel = int(conn.makefile().readline())
        sig = {"Ctrl-C": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}[how]
        t0 = time.perf_counter()
        os.kill(proc.pid, sig)
        _wait_pid(kernel, 600)
        t_kernel = time.perf_counter() - t0
        proc.wait(timeout=600)
        t_report = time.perf_counter() - t0
    finally:
        server.close()
        os.unlink(sock_path)
        os.rmdir(sock_dir)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return t_report, t_kernel


def _empty_kernel_round_trip() -> float:
    import nbformat
    import papermill

    from cgresearch.report.kernels import kernel_config
    from cgresearch.report.runner import resolve_kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    with tempfile.TemporaryDirectory(prefix="cgk-") as ipc:
        t0 = time.perf_counter()
        papermill.execute_notebook(
            nb, None, kernel_name=resolve_kernel(), progress_bar=False, config=kernel_config(ipc)
        )
        return time.perf_counter() - t0


def main() -> None:
    reference = _empty_kernel_round_trip()
    with tempfile.TemporaryDirectory(prefix="cg-stop-bench-") as tmp:
        for how in ("Ctrl-C", "SIGTERM", "SIGKILL"):
            t_report, t_kernel = _one(how, Path(tmp))
            worst = max(t_report, t_kernel)
            verdict = "met" if worst <= GOAL_S else "missed"
            print(
                f"  {how:<8} kernel gone in {t_kernel:5.2f} s, report gone in {t_report:5.2f} s "
                f"(goal ≤ {GOAL_S:.0f} s: {verdict})"
            )
    print(f"reference, empty-notebook kernel round trip: {reference:.2f} s")


if __name__ == "__main__":
    main()

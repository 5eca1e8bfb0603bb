"""Browser fixtures: Debian's chromium driven by Playwright, and a dashboard server per module.

No browser is downloaded: the tests use the system's ``chromium`` (``make browser`` installs it
where the test command runs as root, as in CI). Where it is missing and cannot be installed the
browser tests skip, saying what to install; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cgresearch.paths import project_root

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_INSTALL_HINT = (
    "Debian's chromium is needed for the dashboard's browser tests: install it with "
    "`sudo apt-get install chromium fonts-nanum` (or run `make browser` as root)"
)
_SERVER_START_S = 300.0  # a cap for a hung start (a loaded machine takes minutes), never a goal


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _skip_or_fail(message: str) -> None:
    if _in_ci():
        pytest.fail(f"{message} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(message)


def _find_chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _try_install_chromium() -> None:
    """As root with apt-get (a CI container), install chromium as ``make browser`` does."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=300, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-nanum"],
            env=env,
            timeout=600,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (subprocess.SubprocessError, OSError):
        return


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system chromium's path (installed on the fly as root; else skip, or fail in CI)."""
    path = _find_chromium()
    if path is None:
        _try_install_chromium()
        path = _find_chromium()
    if path is None:
        _skip_or_fail(_INSTALL_HINT)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip_or_fail(
            "the Python package playwright is needed for the browser tests: install the dev "
            "extra (`uv sync --frozen --extra dev`); no browser download is needed"
        )
    assert path is not None
    return path


@pytest.fixture(scope="module")
def browser(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless chromium context with a fresh profile, closed after the module."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1500, "height": 1100},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``cgresearch dashboard`` on a free port of 127.0.0.1, stopped after the module."""
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "cgresearch.cli", "dashboard", "--port", str(port), "--no-show"]
    proc = subprocess.Popen(
        cmd,
        cwd=project_root(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    # Events, not the clock: the server's own line says its socket listens (it is bound before the
    # line is printed), or the pipe's end says it exited; a thread copies every line to the log.
    serving, news = f"serving at {url}", threading.Event()

    def _copy_lines() -> None:
        with log.open("w") as copy:
            for line in proc.stdout:
                copy.write(line)
                copy.flush()
                if serving in line:
                    news.set()
        news.set()  # the server exited

    copier = threading.Thread(target=_copy_lines, daemon=True)
    copier.start()
    try:
        if not news.wait(_SERVER_START_S):  # a cap for a hung start, not a speed requirement
            pytest.fail(f"the dashboard printed no address: {log.read_text()}", pytrace=False)
        if serving not in log.read_text():  # the pipe ended first: the server exited
            proc.wait(timeout=_SERVER_START_S)
            copier.join(_SERVER_START_S)
            pytest.fail(f"the dashboard server exited: {log.read_text()}", pytrace=False)
        # the request waits in the listening socket until the server's loop answers it
        with urllib.request.urlopen(url, timeout=_SERVER_START_S) as response:
            assert response.status == 200
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

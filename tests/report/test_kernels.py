"""Kernels die with the report: the parent-death guard and the owner's stop switch.

Real processes, waited on by their pidfds or pipes (events), never by sleeps.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap

import pytest

from cgresearch.report.kernels import KernelOwner, guarded_command

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


def _ends_within(pid: int, seconds: float) -> bool:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def test_a_guarded_process_dies_when_the_process_that_started_it_is_killed():
    # The middle process starts a guarded sleeper (a stand-in for a kernel), says its pid, and
    # waits; SIGKILL of the middle process alone must take the sleeper with it.
    middle_code = textwrap.dedent(
        f"""
        import subprocess, sys
        sys.path.insert(0, {os.getcwd()!r})
        from cgresearch.report.kernels import guarded_command
        cmd = guarded_command([sys.executable, "-c", "import time; time.sleep(600)"])
        child = subprocess.Popen(cmd, start_new_session=True)
        print(child.pid, flush=True)
        child.wait()
        """
    )
    middle = subprocess.Popen(
        [sys.executable, "-c", middle_code], stdout=subprocess.PIPE, text=True
    )
    try:
        sleeper = int(middle.stdout.readline())
        assert not _ends_within(sleeper, 0)  # alive while its parent lives
    finally:
        middle.kill()
        middle.wait()
        middle.stdout.close()
    assert _ends_within(sleeper, 30), "the guarded process outlived its parent"


def test_the_guard_refuses_to_start_a_command_whose_parent_is_already_gone():
    # parent pid 1 is not this test process: the report "died" before the guard was set
    done = subprocess.run(
        guarded_command([sys.executable, "-c", "print('ran')"], parent_pid=1),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "ran" not in done.stdout


def test_the_guard_runs_the_command_in_its_own_process_with_its_arguments():
    done = subprocess.run(
        guarded_command(
            [sys.executable, "-c", "import os, sys; print(os.getppid(), sys.argv[1:])", "x", "y z"]
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.split(" ", 1) == [str(os.getpid()), "['x', 'y z']\n"]


def _sleeper() -> subprocess.Popen:
    """A real child process leading its own group, like a kernel."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )


def test_stop_kills_every_adopted_kernel_with_its_group_and_forbids_installs():
    owner = KernelOwner()
    children = [_sleeper(), _sleeper()]
    for child in children:
        owner._adopt(child)
    assert sorted(owner.live_pids()) == sorted(c.pid for c in children)
    with owner.installing() as allowed:
        assert allowed
    assert owner.stop() == 2
    for child in children:
        assert child.wait(timeout=30) == -signal.SIGKILL
    assert owner.live_pids() == []
    with owner.installing() as allowed:
        assert not allowed
    assert owner.stop() == 0  # a second stop finds nothing alive


def test_a_kernel_adopted_after_stop_is_killed_at_once():
    owner = KernelOwner()
    owner.stop()
    child = _sleeper()
    owner._adopt(child)
    assert child.wait(timeout=30) == -signal.SIGKILL

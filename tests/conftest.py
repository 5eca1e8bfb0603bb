"""Test-wide settings: a non-interactive matplotlib backend, so figures render on a bare machine."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print pytest-randomly's seed at the end of every run (``-q`` too), with how to replay it."""
    try:
        seed = config.getoption("randomly_seed")
    except ValueError:  # pytest-randomly is off (-p no:randomly)
        return
    if isinstance(seed, int):
        terminalreporter.write_line(
            f"random test order: seed {seed}; replay it with "
            f"`.venv/bin/pytest -p randomly --randomly-seed={seed}`"
        )


@pytest.fixture
def ctrl_c_as_in_a_terminal():
    """Let Ctrl-C (SIGINT) reach this test and the processes it starts, as from a terminal.

    A non-interactive shell starts a background job (``make test &``, a CI harness, a loop in a
    script) with SIGINT *ignored*, and an ignored signal stays ignored in every child: Python then
    installs no KeyboardInterrupt handler, so a test that sends Ctrl-C to a report or a sweep
    would see it lost and fail (or hang until its cap) for a reason outside the code. For the
    test's duration the Python handler is installed here (a child's handler resets to the default
    on exec, as under a terminal); the inherited setting is given back afterwards.
    """
    import signal

    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is not signal.default_int_handler:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)

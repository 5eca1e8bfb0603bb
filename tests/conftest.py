"""Test-wide settings: a non-interactive matplotlib backend, so figures render on a bare machine."""

from __future__ import annotations

import os

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

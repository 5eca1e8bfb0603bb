"""Test-wide settings: a non-interactive matplotlib backend, so figures render on a bare machine."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

"""The planners' what-if dashboard: a Panel web app wiring controls to the allocation library.

:func:`serve` runs it (``cgresearch dashboard``); :mod:`~cgresearch.dashboard.state` maps the
controls to scenario overrides and to the page's URL, so that a link reopens the same scenario,
and :mod:`~cgresearch.dashboard.link` makes any shared link valid, saying what it changed.
Panel is imported only when the app is built or served.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "serve"]


def build_app() -> Any:
    """Return the dashboard page for one session (see :mod:`cgresearch.dashboard.app`)."""
    from cgresearch.dashboard.app import build_app as _build

    return _build()


def serve(port: int = 5006, host: str = "127.0.0.1", show: bool = False) -> None:
    """Serve the dashboard until interrupted (see :func:`cgresearch.dashboard.app.serve`)."""
    from cgresearch.dashboard.app import serve as _serve

    _serve(port=port, host=host, show=show)

"""``cgresearch dashboard``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse


def _add_dashboard(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the planners' what-if dashboard (a web page) on this machine",
        description="Serve the allocation dashboard: sliders for the budget, weights, floors, "
        "caps, stability and tiers; map, table, equity and shadow prices of the 25 gu. Prints "
        "the address; the address bar keeps the scenario, so a copied link reopens it.",
    )
    p.add_argument("--port", type=int, default=5006, help="TCP port (default 5006)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: local only)"
    )
    p.add_argument(
        "--show",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="open the page in the default web browser (default: --no-show)",
    )
    p.set_defaults(func=_run_dashboard)


def _run_dashboard(args: argparse.Namespace) -> int:
    from cgresearch.dashboard import serve

    serve(port=args.port, host=args.host, show=args.show)
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_dashboard(sub)

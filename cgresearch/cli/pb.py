"""``cgresearch pb``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse


def _add_pb(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pb",
        help="participatory budgeting on a Pabulib .pb file: greedy, MES or max-welfare outcome",
        description="Read a Pabulib election and print the funded projects, their cost and the "
        "welfare (total approvals or points). Needs the optional extra: pip install "
        "'cgresearch[pb]'.",
    )
    p.add_argument("file", metavar="FILE.pb", help="the Pabulib election file")
    p.add_argument(
        "--rule",
        choices=("greedy", "mes", "max-welfare"),
        default="greedy",
        help="greedy by votes (default), Method of Equal Shares, or maximum welfare (MIP)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.set_defaults(func=_run_pb)


def _run_pb(args: argparse.Namespace) -> int:
    import json

    from cgresearch.allocation.pb import pb_outcome_from_file

    outcome = pb_outcome_from_file(args.file, args.rule)
    if args.format == "json":
        print(json.dumps(outcome.to_dict(), ensure_ascii=False))
    else:
        print(outcome.describe())
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_pb(sub)

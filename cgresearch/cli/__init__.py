"""The ``cgresearch`` command line: parses, calls one library function, prints.

No logic lives here. Each sub-command lives in a module of its own (``cli/allocate.py`` …) with an
``add(sub)`` function that declares its arguments and ``_run_<name>`` functions that call the
library; library modules are imported lazily so that ``cgresearch --help`` is quick. A new command
is a new module plus one line in ``_COMMANDS``. A :class:`cgresearch.errors.CGResearchError` is
printed as one plain message with exit status 2.

Examples
--------
>>> from cgresearch.cli import main
>>> main(["data", "verify"])  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cgresearch.cli import allocate, dashboard, data, pb, report, seoul_pb, sweep, synth
from cgresearch.errors import CGResearchError

__all__ = ["build_parser", "main"]

Runner = Callable[[argparse.Namespace], int]

# The order here is the order of `cgresearch --help`.
_COMMANDS = [data, report, pb, seoul_pb, allocate, synth, sweep, dashboard]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="cgresearch",
        description="Collaborative-governance research for Seoul: surveys, autonomy-budget "
        "allocation and reproducible reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in _COMMANDS:
        command.add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = build_parser().parse_args(argv)
    func: Runner = args.func
    try:
        return func(args)
    except CGResearchError as exc:
        print(f"cgresearch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"cgresearch {args.command}: error: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cgresearch {args.command}: interrupted", file=sys.stderr)
        return 130

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
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from cgresearch.cli import (
    allocate,
    dashboard,
    data,
    duplicates,
    evaluate,
    pb,
    report,
    seoul_pb,
    sweep,
    synth,
    uncertainty,
)
from cgresearch.cli._lang import add_lang_option, resolve_lang
from cgresearch.errors import CGResearchError, CGResearchWarning, localized
from cgresearch.i18n import Lang, tr

__all__ = ["build_parser", "main"]

Runner = Callable[[argparse.Namespace], int]

# The order here is the order of `cgresearch --help`.
_COMMANDS = [
    data,
    report,
    pb,
    seoul_pb,
    allocate,
    duplicates,
    evaluate,
    uncertainty,
    synth,
    sweep,
    dashboard,
]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="cgresearch",
        description="Collaborative-governance research for Seoul: surveys, autonomy-budget "
        "allocation and reproducible reports.",
    )
    add_lang_option(parser, global_option=True)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in _COMMANDS:
        command.add(sub)
    # `cgresearch X --lang en` means `cgresearch --lang en X`
    for command_parser in sub.choices.values():
        if "--lang" not in command_parser._option_string_actions:
            add_lang_option(command_parser)
    return parser


def _one_line_notices(show: Callable[..., None], lang: Lang = "ko") -> Callable[..., None]:
    """Wrap a warning display so that cgresearch notices (e.g. a file read as CP949) are one
    plain line on stderr, with no source line; every other warning is shown by ``show``."""

    def _show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        if issubclass(category, CGResearchWarning):
            text = message.args[0] if isinstance(message, Warning) and message.args else message
            print(
                tr("cgresearch: note: {message}", lang, message=localized(text, lang)),
                file=sys.stderr,
            )
        else:
            show(message, category, filename, lineno, file, line)

    return _show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    A :class:`~cgresearch.errors.CGResearchError` or an operating-system error on a named file is
    printed as one line and gives exit status 2; Ctrl-C gives 130; a closed pipe (``cgresearch
    allocate ... | head -1``) ends quietly with 141, as a process killed by SIGPIPE would.

    Every line printed for a person is in ``--lang`` (``ko`` by default, or ``$CGRESEARCH_LANG``);
    the command finds the language in ``args.lang``.
    """
    args = build_parser().parse_args(argv)
    func: Runner = args.func
    command = args.command
    try:
        args.lang = resolve_lang(args.lang)  # --lang, else $CGRESEARCH_LANG, else ko
    except CGResearchError as exc:
        # --lang fr: the reader's language is unknown, so one line in Korean and in English
        korean = tr(
            "cgresearch {command}: error: {message}",
            "ko",
            command=command,
            message=exc.localized("ko"),
        )
        english = f"cgresearch {command}: error: {exc}"
        print(korean if korean == english else f"{korean} / {english}", file=sys.stderr)
        return 2
    lang: Lang = args.lang
    try:
        with warnings.catch_warnings():  # restores the warning display on the way out
            warnings.simplefilter("always", CGResearchWarning)
            warnings.showwarning = _one_line_notices(warnings.showwarning, lang)
            status = func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        # The reader (e.g. `head`) has gone: send what is left of stdout to nowhere and stop.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except CGResearchError as exc:
        message = exc.localized(lang)  # the catalogue's translation, else the English text
        print(
            tr("cgresearch {command}: error: {message}", lang, command=command, message=message),
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        # FileNotFoundError, NotADirectoryError, FileExistsError, PermissionError, disk full ...
        where = f": {exc.filename}" if exc.filename else ""
        what = exc.strerror or str(exc)
        print(
            tr(
                "cgresearch {command}: error: {message}",
                lang,
                command=command,
                message=what + where,
            ),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(tr("cgresearch {command}: interrupted", lang, command=command), file=sys.stderr)
        return 130

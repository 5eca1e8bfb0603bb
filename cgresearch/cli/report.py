"""``cgresearch report``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cgresearch.cli._lang import add_lang_option


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="run the notebooks with every parameter set in params/ and write outputs/",
        description="Validate every parameter file, run each notebook with papermill, and write "
        "figures, tables, executed notebooks, the HTML report and manifest.json under outputs/. "
        "Exit status 1 when a notebook fails, 2 when a parameter file or an input file it "
        "names (survey_file, codebook_file, inventory_file, proposals_file) is invalid; then "
        "nothing is written.",
    )
    p.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks or parameter sets to run, by name or number (e.g. 03); default all",
    )
    p.add_argument("--params-dir", type=Path, help="folder of parameter files (default params/)")
    p.add_argument("--out", type=Path, help="report folder (default outputs/)")
    p.add_argument("--timeout", type=int, default=600, help="per-cell timeout, seconds")
    p.add_argument("--kernel", help="Jupyter kernel (default cgresearch, else python3)")
    p.add_argument("--jobs", type=int, help="notebooks run at once (default: the CPUs, at most 4)")
    p.add_argument(
        "--quiet", action="store_true", help="no progress lines (default: a line per run start/end)"
    )
    add_lang_option(p)  # the edition: ko in the report folder, en in its en/
    p.set_defaults(func=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    from cgresearch.outputs import check_output_folder
    from cgresearch.report.runner import run_report

    if args.out is not None and not args.out.is_dir():
        # a file, a path below a file, or an unwritable place, named before any notebook runs
        # (an existing report folder is fine: the runner swaps run folders inside it)
        check_output_folder(args.out, option="--out")
    result = run_report(
        args.notebooks,
        params_dir=args.params_dir,
        out_dir=args.out,
        kernel_name=args.kernel,
        timeout=args.timeout,
        jobs=args.jobs,
        quiet=True if args.quiet else None,
        lang=args.lang,
    )
    print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_report(sub)

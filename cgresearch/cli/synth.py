"""``cgresearch synth``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse
from pathlib import Path


def _add_synth(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="write the synthetic data sets (inventory, survey, proposals) as CSV and .sav",
        description="Generate the SYNTHETIC CG project inventory (exact report totals), survey "
        "microdata (CSV, SPSS .sav with value labels, codebook) and resident proposals, each "
        "file named *_synthetic.*, plus README_synthetic.md. The same seed gives byte-identical "
        "CSV files.",
    )
    p.add_argument("--seed", type=int, help="one seed for all generators (default: their own)")
    p.add_argument("--out", metavar="DIR", help="target folder (default outputs/data/)")
    p.add_argument(
        "--user-format",
        action="store_true",
        help="write instead a small synthetic survey in a researcher's layout (other column "
        "names, codes 97/99, coded groups and gu) as CP949 CSV and labelled .sav, with its "
        "codebook (how params/examples/data/ is made)",
    )
    p.set_defaults(func=_run_synth)


def _run_synth(args: argparse.Namespace) -> int:
    from cgresearch.data.synth import write_synthetic, write_user_format
    from cgresearch.errors import ParameterError
    from cgresearch.outputs import check_output_folder

    if args.seed is not None and args.seed < 0:
        raise ParameterError.of(
            "--seed {seed}: give a whole number ≥ 0 (e.g. 20260101)", seed=args.seed
        )
    if args.out:  # refused before any work, by name
        check_output_folder(args.out, option="--out")
    if args.user_format:
        target = Path(args.out) if args.out else Path("outputs/data")
        kwargs = {} if args.seed is None else {"seed": args.seed}
        for path in write_user_format(target, **kwargs):
            print(path)
        return 0
    for path in write_synthetic(Path(args.out) if args.out else None, seed=args.seed):
        print(path)
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_synth(sub)

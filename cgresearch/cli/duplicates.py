"""``cgresearch duplicates``: near-duplicate projects of an inventory, by their Korean titles."""

from __future__ import annotations

import argparse

from cgresearch.cli._lang import add_lang_option


def _add_duplicates(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "duplicates",
        help="near-duplicate projects run by different departments of one gu (Korean titles)",
        description="Read a CG project inventory (CSV in UTF-8 or CP949, or .xlsx) and list the "
        "groups of near-duplicate projects: titles tokenised by Kiwi, compared within each gu "
        "across departments; budgets in 100 million KRW.",
    )
    p.add_argument("file", metavar="FILE", help="the project inventory (needs a title_ko column)")
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="similarity at which two projects are linked, in (0, 1] (default 0.75)",
    )
    p.add_argument(
        "--measure",
        choices=("jaccard", "cosine"),
        default="jaccard",
        help="Jaccard of morpheme sets (default) or TF-IDF cosine of morphemes and bigrams",
    )
    p.add_argument("--across-gu", action="store_true", help="compare projects of different gu too")
    p.add_argument(
        "--same-department",
        action="store_true",
        help="compare projects of the same department too",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of printing")
    add_lang_option(p)
    p.set_defaults(func=_run_duplicates)


def _run_duplicates(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cgresearch.allocation.fragmentation import DEFAULT_THRESHOLD, detect_duplicates
    from cgresearch.cli._output import emit
    from cgresearch.data.loaders import load_inventory
    from cgresearch.errors import InputError

    inventory = load_inventory(args.file)
    if inventory.empty:
        raise InputError.of("{file}: the inventory has no projects", file=Path(args.file).name)
    if "title_ko" not in inventory.columns:
        raise InputError.of(
            "{file}: no column 'title_ko' (the projects' Korean titles); add it and run again",
            file=Path(args.file).name,
        )
    if "department" not in inventory.columns and not args.same_department:
        raise InputError.of(
            "{file}: no column 'department'; add it, or pass --same-department to compare "
            "projects regardless of department",
            file=Path(args.file).name,
        )
    found = detect_duplicates(
        inventory,
        threshold=DEFAULT_THRESHOLD if args.threshold is None else args.threshold,
        measure=args.measure,
        same_gu=not args.across_gu,
        cross_department=not args.same_department,
    )
    table = found.table(args.lang)
    if args.format == "csv":
        text = table.to_csv(index=False)
    elif args.format == "json":
        text = table.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    else:
        text = found.describe(args.lang) + "\n"
        if len(table):
            text += table.to_string(index=False) + "\n"
    emit(text, args.out)
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_duplicates(sub)

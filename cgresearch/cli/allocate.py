"""``cgresearch allocate / compare``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cgresearch.i18n import Lang, tr

if TYPE_CHECKING:
    import pandas as pd


def _add_allocate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "allocate",
        help="split a governance budget across the 25 gu as a scenario file (TOML) asks",
        description="Solve the district envelope scenario SCENARIO (TOML; examples in "
        "scenarios/) on Seoul's 25 gu and write allocation.csv, allocation.xlsx, summary.txt, "
        "scenario.toml and maps/bar charts to OUT (default outputs/allocation/<scenario name>/). "
        "Exit status 1 when the scenario is infeasible (the summary says why), 2 when the file "
        "is invalid.",
    )
    p.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/need_goal_stable.toml")
    p.add_argument("--out", metavar="DIR", help="output folder")
    p.add_argument("--no-figures", action="store_true", help="write the tables only")
    p.set_defaults(func=_run_allocate)


def _run_allocate(args: argparse.Namespace) -> int:
    from cgresearch.allocation import load_scenario, solve_envelopes
    from cgresearch.data.districts import load_districts
    from cgresearch.figures.allocation import write_allocation
    from cgresearch.outputs import check_output_folder

    if args.out:  # refused before any work, by name
        check_output_folder(args.out, option="--out")
    result = solve_envelopes(load_districts(), load_scenario(args.scenario))
    written = write_allocation(result, args.out, figures=not args.no_figures, lang=args.lang)
    print(result.summary(args.lang))
    print(tr("wrote {n} files to {folder}", args.lang, n=len(written), folder=written[0].parent))
    return 0 if result.ok else 1


def _add_compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="who gains and who loses between two scenario files",
        description="Solve scenarios A and B (TOML) on Seoul's 25 gu and print, per gu, the "
        "amounts and the change from A to B, largest gain first. With --out, also write "
        "comparison.csv and a map and bar chart of the changes.",
    )
    p.add_argument("a", metavar="A.toml", help="the first scenario")
    p.add_argument("b", metavar="B.toml", help="the second scenario")
    p.add_argument("--out", metavar="DIR", help="also write the comparison files here")
    p.set_defaults(func=_run_compare)


def _run_compare(args: argparse.Namespace) -> int:
    from cgresearch.allocation import compare, load_scenario, solve_envelopes
    from cgresearch.data.districts import load_districts
    from cgresearch.outputs import check_output_folder

    if args.out:  # refused before any work, by name
        check_output_folder(args.out, option="--out")
    districts = load_districts()
    a, b = (solve_envelopes(districts, load_scenario(path)) for path in (args.a, args.b))
    table = compare(a, b)
    print(_comparison_text(table, a.scenario.name, b.scenario.name, args.lang))
    if args.out:
        from cgresearch.figures.allocation import write_comparison

        written = write_comparison(table, args.out)
        print(
            tr("wrote {n} files to {folder}", args.lang, n=len(written), folder=written[0].parent)
        )
    return 0


def _comparison_text(table: pd.DataFrame, name_a: str, name_b: str, lang: Lang) -> str:
    """The comparison as printed: a heading, one row per gu (its name, amounts in 억원 formatted
    by ``cgresearch.formatting``, the outcome in words) and a line of who gains and who loses."""
    import pandas as pd

    from cgresearch.formatting import format_eok, format_number

    def _two_decimals(v: float) -> str:
        return format_number(v, 2)

    outcome = {
        "gains": tr("gains", lang),
        "loses": tr("loses", lang),
        "unchanged": tr("unchanged", lang),
    }
    shown = pd.DataFrame(
        {
            tr("District", lang): table["name_ko" if lang == "ko" else "name_en"],
            tr("A (100 million KRW)", lang): table["amount_a_eok"].map(
                lambda v: format_number(v, 2)
            ),
            tr("B (100 million KRW)", lang): table["amount_b_eok"].map(
                lambda v: format_number(v, 2)
            ),
            tr("Change (100 million KRW)", lang): table["change_eok"].map(
                lambda v: ("+" if v > 0 else "") + format_number(v, 2)
            ),
            tr("Outcome", lang): table["outcome"].map(outcome),
        }
    )
    gains = table[table["outcome"] == "gains"]
    losses = table[table["outcome"] == "loses"]
    parts = []
    if len(gains):
        amount = format_eok(abs(gains["change_eok"].sum()), lang)
        parts.append(tr("{n} gu gain {amount}", lang, n=len(gains), amount=amount))
    if len(losses):
        amount = format_eok(abs(losses["change_eok"].sum()), lang)
        parts.append(tr("{n} gu lose {amount}", lang, n=len(losses), amount=amount))
    heading = tr("from '{a}' to '{b}':", lang, a=name_a, b=name_b)
    last = "; ".join(parts) or tr("no gu gains or loses", lang)
    return "\n".join([heading, shown.to_string(index=False), last])


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_allocate(sub)
    _add_compare(sub)

"""``cgresearch allocate / compare``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse


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
    written = write_allocation(result, args.out, figures=not args.no_figures)
    print(result.summary())
    print(f"wrote {len(written)} files to {written[0].parent}")
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
    print(f"from '{a.scenario.name}' to '{b.scenario.name}' (억원):")
    print(
        table[
            ["name_ko", "name_en", "amount_a_eok", "amount_b_eok", "change_eok", "outcome"]
        ].to_string(index=False, float_format=lambda v: f"{v:,.2f}")
    )
    gains = table[table["outcome"] == "gains"]
    losses = table[table["outcome"] == "loses"]
    gained = f"{len(gains)} gu gain {abs(gains['change_eok'].sum()):,.2f}억원" if len(gains) else ""
    lost = (
        f"{len(losses)} gu lose {abs(losses['change_eok'].sum()):,.2f}억원" if len(losses) else ""
    )
    print("; ".join(p for p in (gained, lost) if p) or "no gu gains or loses")
    if args.out:
        from cgresearch.figures.allocation import write_comparison

        written = write_comparison(table, args.out)
        print(f"wrote {len(written)} files to {written[0].parent}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_allocate(sub)
    _add_compare(sub)

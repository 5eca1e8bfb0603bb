"""The ``cgresearch`` command line: parses, calls one library function, prints.

No logic lives here. Each sub-command has an ``_add_<name>`` function that declares its arguments
and a ``_run_<name>`` function that calls the library; library modules are imported lazily so that
``cgresearch --help`` is quick. A :class:`cgresearch.errors.CGResearchError` is printed
as one plain message with exit status 2.

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
from pathlib import Path

from cgresearch.errors import CGResearchError

__all__ = ["build_parser", "main"]

Runner = Callable[[argparse.Namespace], int]


# --- data -------------------------------------------------------------------------------------
def _add_data(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="check or rewrite the raw-data manifest (data/MANIFEST)")
    dsub = p.add_subparsers(dest="data_command", required=True)
    dsub.add_parser("verify", help="check every raw file against data/MANIFEST").set_defaults(
        func=_run_data_verify
    )
    m = dsub.add_parser("manifest", help="print, or with --write rewrite, data/MANIFEST")
    m.add_argument("--write", action="store_true", help="rewrite data/MANIFEST from disk")
    m.set_defaults(func=_run_data_manifest)


def _run_data_verify(args: argparse.Namespace) -> int:
    from cgresearch.data.manifest import verify_manifest

    check = verify_manifest()
    print(check.describe())
    return 0 if check.ok else 1


def _run_data_manifest(args: argparse.Namespace) -> int:
    from cgresearch.data.manifest import compute_manifest, write_manifest

    if args.write:
        print(f"wrote {write_manifest()}")
    else:
        for rel, digest in compute_manifest().items():
            print(f"{digest}  {rel}")
    return 0


# --- report -----------------------------------------------------------------------------------
def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="run the notebooks with every parameter set in params/ and write outputs/",
        description="Validate every parameter file, run each notebook with papermill, and write "
        "figures, tables, executed notebooks, the HTML report and manifest.json under outputs/. "
        "Exit status 1 when a notebook fails, 2 when a parameter file is invalid.",
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
    p.add_argument("--quiet", action="store_true", help="no progress lines (default when $CI)")
    p.set_defaults(func=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    from cgresearch.report.runner import run_report

    result = run_report(
        args.notebooks,
        params_dir=args.params_dir,
        out_dir=args.out,
        kernel_name=args.kernel,
        timeout=args.timeout,
        jobs=args.jobs,
        quiet=True if args.quiet else None,
    )
    print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


# --- pb ---------------------------------------------------------------------------------------
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


# --- synth ------------------------------------------------------------------------------------
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
    p.set_defaults(func=_run_synth)


def _run_synth(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cgresearch.data.synth import write_synthetic

    for path in write_synthetic(Path(args.out) if args.out else None, seed=args.seed):
        print(path)
    return 0


# --- sweep ------------------------------------------------------------------------------------
def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="solve thousands of envelope scenarios on Dask into resumable Parquet",
        description="Run the sweep of SPEC (a TOML file: base scenario, axes, Monte Carlo) on a "
        "local Dask cluster, or on a running one with --scheduler. Results stream to "
        "OUT/results/batch-*.parquet (one row per scenario and gu); rerunning the same command "
        "resumes where it stopped. Example sweeps are in scenarios/sweeps/.",
    )
    p.add_argument("spec", help="sweep file (TOML), e.g. scenarios/sweeps/budget_floor_grid.toml")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: CPUs)"
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler (tcp://host:8786)",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default outputs/sweeps/<name>)")
    p.add_argument("--batch-size", type=int, metavar="N", help="scenarios per Dask task")
    p.add_argument(
        "--max-batches", type=int, metavar="N", help="stop after N batches (rerun to continue)"
    )
    p.set_defaults(func=_run_sweep)


def _run_sweep(args: argparse.Namespace) -> int:
    from cgresearch.sweeps import run_sweep

    run = run_sweep(
        args.spec,
        out_dir=args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        batch_size=args.batch_size,
        max_batches=args.max_batches,
    )
    print(run.describe())
    if run.computed or run.skipped:
        counts = run.status_counts()
        print("scenarios by status: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


# --- allocate / compare -----------------------------------------------------------------------
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
    print(
        f"{len(gains)} gu gain {gains['change_eok'].sum():,.2f}억원; "
        f"{len(losses)} gu lose {-losses['change_eok'].sum():,.2f}억원"
    )
    if args.out:
        from cgresearch.figures.allocation import write_comparison

        written = write_comparison(table, args.out)
        print(f"wrote {len(written)} files to {written[0].parent}")
    return 0


# --- dashboard --------------------------------------------------------------------------------
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


# --- parser -----------------------------------------------------------------------------------
_ADDERS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_data,
    _add_report,
    _add_pb,
    _add_allocate,
    _add_compare,
    _add_synth,
    _add_sweep,
    _add_dashboard,
]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="cgresearch",
        description="Collaborative-governance research for Seoul: surveys, autonomy-budget "
        "allocation and reproducible reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _ADDERS:
        add(sub)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``cgresearch sweep``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse
import os

from cgresearch.i18n import tr


def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="solve thousands of envelope scenarios on Dask into resumable Parquet",
        description="Run the sweep of SPEC (a TOML file: base scenario, axes, Monte Carlo) on a "
        "local Dask cluster, or on a running one with --scheduler. Results stream to "
        "OUT/results/batch-*.parquet (one row per scenario and gu); rerunning the same command "
        "resumes where it stopped. The scenario count and an estimated time are printed first; "
        "a sweep above 200,000 scenarios or an hour needs --yes. Example sweeps are in "
        "scenarios/sweeps/.",
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
    p.add_argument(
        "--yes",
        action="store_true",
        help="start even a sweep above 200,000 scenarios or an estimated hour (printed first)",
    )
    p.set_defaults(func=_run_sweep)


def _run_sweep(args: argparse.Namespace) -> int:
    import sys

    from cgresearch.errors import ParameterError
    from cgresearch.outputs import check_output_folder
    from cgresearch.sweeps import estimate_sweep_file, run_sweep

    if args.batch_size is not None and args.batch_size < 1:
        raise ParameterError.of(
            "--batch-size {size}: give at least 1 scenario per task, or leave it out",
            size=args.batch_size,
        )
    if args.out and not os.path.isdir(args.out):
        # a file, a path below a file, or an unwritable place (an existing sweep folder is fine:
        # a sweep resumes in it rather than replacing it)
        check_output_folder(args.out, option="--out")
    workers = args.workers if args.scheduler is None else None
    estimate = estimate_sweep_file(args.spec, workers=workers)
    estimate.check(args.yes)  # the refusal carries the estimate
    print(estimate.describe(args.lang), file=sys.stderr, flush=True)
    try:
        run = run_sweep(
            args.spec,
            out_dir=args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            batch_size=args.batch_size,
            max_batches=args.max_batches,
        )
    except KeyboardInterrupt:
        print(tr("cgresearch sweep: interrupted; rerun to resume", args.lang), file=sys.stderr)
        return 130
    print(run.describe(args.lang))
    if run.computed or run.skipped:
        counts = run.status_counts()
        listed = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(tr("scenarios by status: {counts}", args.lang, counts=listed))
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_sweep(sub)

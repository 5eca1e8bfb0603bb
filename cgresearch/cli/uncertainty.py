"""``cgresearch uncertainty``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse

from cgresearch.cli._lang import add_lang_option


def _add_uncertainty(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "uncertainty",
        help="Monte Carlo of a composite index's method: rank intervals, grade odds, Sobol",
        description="Redraw the methodological choices of a composite index (normalisation "
        "minmax/zscore/rank, aggregation arithmetic/geometric, imputation none/mean, pillar "
        "weights within ±SPREAD) N x (factors + 2) times (SALib's Sobol sample), on Dask, and "
        "write each unit's rank interval (median, 5 %, 95 %), the probability of each grade "
        "(quantile grades, thirds by default) and the Sobol indices of the mean absolute rank "
        "change. DATA and META as for `cgresearch evaluate` (or --framework FILE.toml). Bad "
        "input: one line, exit status 2, nothing written.",
    )
    p.add_argument("data", metavar="DATA", help="indicator data (uCode, uName, indicators)")
    p.add_argument("meta", metavar="META", nargs="?", help="COINr iMeta table (or --framework)")
    p.add_argument("--framework", metavar="FILE.toml", help="framework TOML instead of META")
    p.add_argument(
        "--n-base",
        type=int,
        default=1024,
        metavar="N",
        help="SALib base sample, a power of 2 (default 1024: 6,144 draws for 4 factors)",
    )
    p.add_argument(
        "--spread", type=float, default=0.25, help="pillar weight spread (default 0.25 = ±25 %%)"
    )
    p.add_argument("--seed", type=int, default=20260413, help="seed of the Sobol sample")
    p.add_argument("--workers", type=int, default=2, help="local Dask workers (0: in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler to use")
    p.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    add_lang_option(p)
    p.set_defaults(func=_run_uncertainty)


def _run_uncertainty(args: argparse.Namespace) -> int:

    from cgresearch.evaluation import (
        GradeRule,
        UncertaintySpec,
        monte_carlo_index,
        rank_shares,
    )
    from cgresearch.evaluation.coinr import read_framework, read_indicator_data

    framework = read_framework(args.meta, args.framework)
    data = read_indicator_data(args.data, framework)
    data = data[list(framework.indicators)]
    spec = UncertaintySpec(
        weight_spread=args.spread,
        n_base=args.n_base,
        seed=args.seed,
        grade_shares=rank_shares(GradeRule("quantiles"), len(data)),
    )
    result = monte_carlo_index(
        data, framework, spec, workers=args.workers, scheduler=args.scheduler
    )
    text = _render(result, args.format, args.lang)
    from cgresearch.cli._output import emit

    emit(text, args.out)
    return 0


def _render(result, fmt: str, lang: str) -> str:
    import json

    from cgresearch.i18n import tr

    table = result.rank_intervals.join(result.grade_probabilities)
    table.insert(0, "grade", result.nominal_grades)
    if fmt == "json":
        doc = {
            "n_draws": result.n_draws,
            "n_workers": result.n_workers,
            "units": {
                str(u): {str(k): (v if isinstance(v, str) else float(v)) for k, v in r.items()}
                for u, r in table.iterrows()
            },
            "sobol": {
                str(f): {k: float(v) for k, v in r.items()} for f, r in result.sobol.iterrows()
            },
        }
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    headers = {
        "grade": tr("Grade", lang),
        "nominal": tr("Nominal rank", lang),
        "median": tr("Median rank", lang),
        "q05": tr("Rank 5 %", lang),
        "q95": tr("Rank 95 %", lang),
    }
    shown = table.rename(columns=headers)
    shown.index.name = tr("Unit evaluated", lang)
    if fmt == "csv":
        return shown.reset_index().to_csv(index=False, lineterminator="\n")
    out = shown.sort_values(headers["nominal"], kind="stable").round(3).to_string()
    sobol = result.sobol.round(3).to_string()
    note = tr("{n} draws; Sobol indices of the mean absolute rank change:", lang, n=result.n_draws)
    return f"{out}\n\n{note}\n{sobol}\n"


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_uncertainty(sub)

"""``cgresearch evaluate``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse

from cgresearch.cli._lang import add_lang_option


def _add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="composite CG index: the score and rank of every unit at every level",
        description="Build a composite index (COINr conventions) from a data table (uCode, "
        "uName, one column per indicator; CSV or Excel) and its framework: a COINr iMeta "
        "table (Level, iCode, iName, Direction, Weight, Parent, Type) or --framework "
        "FILE.toml. Writes every unit's score and rank at every level. Bad input: one line, "
        "exit status 2, nothing written.",
    )
    p.add_argument("data", metavar="DATA", help="indicator data (uCode, uName, indicators)")
    p.add_argument("meta", metavar="META", nargs="?", help="COINr iMeta table (or --framework)")
    p.add_argument("--framework", metavar="FILE.toml", help="framework TOML instead of META")
    p.add_argument(
        "--normalise",
        choices=("minmax", "zscore", "rank", "target", "goalposts"),
        default="minmax",
        help="normalisation (default minmax)",
    )
    p.add_argument(
        "--range",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        default=(0.0, 100.0),
        help="output range of minmax, target and goalposts (default 0 100)",
    )
    p.add_argument(
        "--aggregate",
        choices=("arithmetic", "geometric", "copeland"),
        default="arithmetic",
        help="aggregation (default arithmetic; geometric needs values > 0, e.g. --range 1 100)",
    )
    p.add_argument(
        "--weights",
        default="meta",
        metavar="meta|equal|pca|bod|FILE",
        help="declared (default), equal, PCA, benefit-of-the-doubt, or a file of code = weight "
        "(TOML, or CSV/Excel with columns code, weight)",
    )
    p.add_argument("--treat", choices=("none", "default"), default="none", help="outliers")
    p.add_argument(
        "--impute",
        choices=("none", "mean", "group_mean"),
        default="none",
        help="missing values: none (weights renormalised), the indicator's mean, or the mean of "
        "the unit's group (--group)",
    )
    p.add_argument("--group", metavar="COLUMN", help="group column of DATA for group_mean")
    p.add_argument(
        "--screen",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="drop units with less than this share of indicator values (0-1, default 0)",
    )
    p.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    add_lang_option(p)
    p.set_defaults(func=_run_evaluate)


def _run_evaluate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cgresearch.errors import ParameterError
    from cgresearch.evaluation import IndexSpec, build_index
    from cgresearch.evaluation.coinr import read_framework, read_indicator_data, read_weights

    framework = read_framework(args.meta, args.framework)
    if args.group and args.group not in framework.groups:
        from cgresearch.evaluation import Framework

        framework = Framework(framework.table, (*framework.groups, args.group), framework.source)
    data = read_indicator_data(args.data, framework)
    weights: object = args.weights
    if args.weights not in ("meta", "equal", "pca", "bod"):
        if not Path(args.weights).exists():
            raise ParameterError.of(
                "--weights {weights!r} is neither meta, equal, pca, bod nor an existing file",
                weights=args.weights,
            )
        weights = read_weights(args.weights)
    spec = IndexSpec(
        impute=args.impute,
        treat=args.treat,
        normalise=args.normalise,
        range=tuple(args.range),
        weights=weights,  # type: ignore[arg-type]
        aggregate=args.aggregate,
        screen=args.screen,
        impute_group=args.group,
    )
    result = build_index(data.drop(columns=["uName"], errors="ignore"), framework, spec)
    text = _render(result, args.format, args.lang)
    from cgresearch.cli._output import emit

    emit(text, args.out)
    return 0


def _render(result, fmt: str, lang: str) -> str:
    import json
    import math

    from cgresearch.i18n import tr

    if fmt == "json":

        def _plain(frame):
            return {
                str(u): {
                    str(c): (None if v is None or math.isnan(v) else float(v))
                    for c, v in row.items()
                }
                for u, row in frame.iterrows()
            }

        doc = {"scores": _plain(result.scores), "ranks": _plain(result.ranks)}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return result.to_frame(lang).to_csv(index=False, lineterminator="\n")
    fw = result.framework
    root = fw.root
    cols = [root, *[c for c in fw.aggregates if c != root]]
    table = result.scores[cols].round(2)
    table.insert(1, tr("Rank", lang), result.ranks[root].astype("Int64"))
    table = table.sort_values(tr("Rank", lang), kind="stable")
    table.index.name = tr("Unit evaluated", lang)
    return table.to_string() + "\n"


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_evaluate(sub)

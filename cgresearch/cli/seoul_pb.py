"""``cgresearch seoul-pb``: a budget-system file run end to end on a synthetic round."""

from __future__ import annotations

import argparse
from pathlib import Path

from cgresearch.formatting import format_eok
from cgresearch.i18n import tr


def _add_seoul_pb(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "seoul-pb",
        help="Seoul's participatory budget: a budget-system file on a synthetic round, Seoul's "
        "rule vs MES (+completion) vs max-welfare",
        description="Read a budget-system file (scenarios/budget_system/*.toml), draw a seeded "
        "synthetic round in its structure (proposals and ballots, labelled synthetic), screen "
        "and count it as Seoul does, select with each rule and print the fairness comparison "
        "(pabutools' analysis). Needs the optional extra: pip install 'cgresearch[pb]'.",
    )
    p.add_argument("file", metavar="FILE.toml", help="the budget-system file")
    p.add_argument("--seed", type=int, default=20160819, help="seed of the synthetic round")
    p.add_argument("--proposals", type=int, default=600, help="synthetic proposals")
    p.add_argument("--e-voters", type=int, default=3000, help="synthetic e-voters")
    p.add_argument("--onsite", type=int, default=100, help="synthetic on-site voters")
    p.add_argument(
        "--rule",
        action="append",
        choices=("seoul", "mes", "max-welfare"),
        help="rules to run (repeat the option; default all three)",
    )
    p.add_argument(
        "--completion",
        choices=("greedy", "add1", "add1-greedy", "none"),
        default="greedy",
        help="completion of MES (default greedy)",
    )
    p.add_argument("--out", type=Path, help="write the tables (CSV) into this new folder")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.set_defaults(func=_run_seoul_pb)


def _run_seoul_pb(args: argparse.Namespace) -> int:
    import json
    import os
    import shutil
    import tempfile

    from cgresearch.allocation import load_budget_system, run_seoul_round
    from cgresearch.allocation.seoul_votes import screen_proposals
    from cgresearch.data import load_districts
    from cgresearch.data.synth import (
        SeoulPBParams,
        generate_seoul_pb_ballots,
        generate_seoul_pb_proposals,
    )
    from cgresearch.errors import ParameterError

    if args.out is not None and args.out.exists():
        raise ParameterError.of("--out {out}: the folder exists; give a new folder", out=args.out)
    system = load_budget_system(args.file)
    params = SeoulPBParams(n=args.proposals, n_e_voters=args.e_voters, n_onsite=args.onsite)
    proposals = generate_seoul_pb_proposals(system.to_frame(), seed=args.seed, params=params)
    ballot = screen_proposals(proposals, system).ballot()
    gu_types = tuple(t.code for t in system.types if t.level == "gu")
    ballots = generate_seoul_pb_ballots(
        ballot,
        system.vote_limit_share,
        seed=args.seed + 1,
        params=params,
        gu_level_types=gu_types,
    )
    completion = None if args.completion == "none" else args.completion
    result = run_seoul_round(
        system,
        proposals,
        ballots,
        load_districts(),
        rules=tuple(args.rule or ("seoul", "mes", "max-welfare")),
        completion=completion,
    )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{args.out.name}.", dir=args.out.parent))
        try:
            result.comparison.to_csv(tmp / "rule_comparison.csv", index=False)
            result.gains.to_csv(tmp / "gains_by_gu.csv", index=False)
            result.screening.stages.to_csv(tmp / "screening_stages.csv", index=False)
            result.votes.table.to_csv(tmp / "votes.csv", index=False)
            for out in result.outcomes:
                out.selected.to_csv(tmp / f"selected_{out.rule.replace('+', '_')}.csv", index=False)
            os.replace(tmp, args.out)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    if args.format == "json":
        print(json.dumps({"data_label": "synthetic", **result.to_dict()}, ensure_ascii=False))
    else:
        print(
            tr(
                "{system}: synthetic round (seed {seed}): {n} proposals, {voted} put to the vote, "
                "{voters} voters; envelopes {amount}",
                args.lang,
                system=system.name,
                seed=args.seed,
                n=f"{len(proposals):,}",
                voted=f"{int(result.screening.table['put_to_vote'].sum()):,}",
                voters=f"{result.votes.n_voters:,}",
                amount=format_eok(result.envelopes.sum(), args.lang, decimals=1),
            )
        )
        print(result.comparison.to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_seoul_pb(sub)

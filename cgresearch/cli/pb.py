"""``cgresearch pb``: argument declarations and the call into the library."""

from __future__ import annotations

import argparse

from cgresearch.i18n import tr


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
    p.add_argument(
        "--completion",
        choices=("greedy", "add1", "add1-greedy"),
        default=None,
        help="complete MES (pabutools): by the greedy rule, by raising every voter's share one "
        "unit at a time (add1; slow on large budgets), or both",
    )
    p.add_argument(
        "--audit",
        action="store_true",
        help="add the fairness audit (pabutools' analysis): unspent budget, voters with "
        "nothing, Gini of satisfaction, EJR/PJR on small approval elections",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.set_defaults(func=_run_pb)


def _run_pb(args: argparse.Namespace) -> int:
    import json

    from cgresearch.allocation.pb import pb_outcome, read_pb
    from cgresearch.allocation.pb_audit import audit_outcome
    from cgresearch.errors import ParameterError

    if args.completion and args.rule != "mes":
        raise ParameterError.of(
            "--completion applies to --rule mes only (rule is {rule})", rule=args.rule
        )
    election = read_pb(args.file)
    outcome = pb_outcome(election, args.rule, completion=args.completion)
    audit = audit_outcome(election, outcome.selected) if args.audit else None
    if args.format == "json":
        d = outcome.to_dict()
        if audit is not None:
            d["audit"] = audit.to_dict()
        print(json.dumps(d, ensure_ascii=False))
    else:
        print(outcome.describe(args.lang))
        if audit is not None:
            line = tr(
                "unspent {unspent} ({share}); voters with nothing funded {nothing}; "
                "Gini of cost satisfaction {gini}; {note}",
                args.lang,
                unspent=f"{audit.unspent:,.0f}",
                share=f"{audit.unspent_share:.1%}",
                nothing=f"{audit.share_with_nothing:.1%}",
                gini=f"{audit.gini_cost_satisfaction:.3f}",
                note=audit.jr_note,
            )
            print(line + ("" if audit.ejr is None else f": EJR {audit.ejr}, PJR {audit.pjr}"))
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    """Declare this module's sub-command(s) on ``sub``."""
    _add_pb(sub)

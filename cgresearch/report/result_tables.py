"""The reader's tables of allocation results (chapters 04, 05 and 06): words, 억원 and units.

The allocation room returns tables with code-friendly columns (``amount_eok``, ``binding`` =
``floor;stability_low``, ``cost_mkrw``, ``param.floor_eok``); a Seoul official reads names and
units instead. Each function here returns ``(frame, headers)``: the frame with amounts in 억원,
codes replaced by words in the edition's language, and the display headers (with units) that
:func:`cgresearch.report.save_table` writes. Nothing is computed here beyond unit conversion.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"gu": [11110], "gu_name": ["종로구"], "envelope": [400.0],
...                       "spent": [380.0], "left": [20.0], "n_funded": [6], "binding": [False]})
>>> frame, heads = spend_table(spend, "ko")
>>> float(frame["envelope_eok"].iloc[0]), heads["envelope_eok"]
(4.0, '제안 사업 배정액(억원)')
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cgresearch.formatting import mkrw_to_eok, term_name
from cgresearch.i18n import Lang, check_lang, tr
from cgresearch.report.columns import headers as _registry_headers

__all__ = [
    "allocation_tables",
    "comparison_table",
    "metrics_table",
    "pb_rules_table",
    "proposals_table",
    "shown",
    "spend_table",
    "status_words",
    "sweep_table",
    "task_spend_table",
]

Table = tuple[pd.DataFrame, dict[str, str]]


def _own_labels(lang: Lang) -> dict[str, str]:
    """Headers these tables word their own way (the registry's wording suits chapters 07-08)."""
    return {
        "amount_eok": tr("Allocation (100 million KRW)", lang),
        "per_capita_krw": tr("Allocation per person (KRW)", lang),
        "grade": tr("Performance grade", lang),
        "proposal_id": tr("Proposal", lang),
        "score": tr("Score (points)", lang),
        "envelope_eok": tr("Envelope for proposals (100 million KRW)", lang),
        "spent_eok": tr("Spent on funded proposals (100 million KRW)", lang),
        "n_funded": tr("Funded projects (count)", lang),
        "status": tr("Solver status", lang),
        "rank": tr("Rank", lang),
    }


def headers(columns: Any, lang: Lang = "ko") -> dict[str, str]:
    """:func:`cgresearch.report.columns.headers` with these tables' own wording.

    >>> headers(["amount_eok"], "en")
    {'amount_eok': 'Allocation (100 million KRW)'}
    """
    return _registry_headers(columns, lang, extra=_own_labels(lang))


def status_words(status: str, lang: Lang = "ko") -> str:
    """Return a solver status in words (``optimal`` → ``최적해``).

    >>> status_words("infeasible", "en")
    'infeasible'
    """
    words = {
        "optimal": tr("optimal", lang),
        "infeasible": tr("infeasible", lang),
        "unbounded": tr("unbounded", lang),
        "time_limit": tr("time limit reached", lang),
        "error": tr("solver error", lang),
        "not_solved": tr("not solved", lang),
    }
    return words.get(str(status), str(status).replace("_", " "))


def _bound_words(lang: Lang) -> dict[str, str]:
    return {
        "floor": tr("floor", lang),
        "cap": tr("cap", lang),
        "stability_low": tr("year-on-year limit (lower)", lang),
        "stability_high": tr("year-on-year limit (upper)", lang),
        "tier_min": tr("grade range (lower)", lang),
        "tier_max": tr("grade range (upper)", lang),
        "equity_min": tr("equity bound (smallest per-capita amount)", lang),
        "equity_max": tr("equity bound (largest per-capita amount)", lang),
    }


def _bounds_in_words(codes: pd.Series, lang: Lang) -> pd.Series:
    words = _bound_words(lang)
    return codes.fillna("").map(
        lambda text: ", ".join(words.get(c, c) for c in str(text).split(";") if c)
    )


def _group_words(lang: Lang) -> dict[str, str]:
    return {
        "budget": tr("total budget", lang),
        "floors": tr("floor", lang),
        "caps": tr("cap", lang),
        "stability": tr("year-on-year limit", lang),
        "tiers": tr("grade range", lang),
        "equity": tr("equity bound", lang),
    }


def allocation_tables(result: Any, lang: Lang = "ko") -> dict[str, Table]:
    """Return the tables of one envelope result: ``allocation``, ``explanations``,
    ``shadow_prices`` and ``equity_metrics``, each as ``(frame, headers)``.

    Parameters
    ----------
    result : EnvelopeResult
        A solved scenario (optimal or not: an infeasible result has empty amounts).
    lang : {"ko", "en"}
        The edition's language.
    """
    lang = check_lang(lang)
    table = result.table.copy()
    table["binding"] = _bounds_in_words(table["binding"], lang)
    empty = [c for c in table.columns if table[c].isna().all() and c != "binding"]
    table = table.drop(columns=empty)
    explained = result.explain(lang).drop(columns=["reason", "amount_eok", "target_eok"])
    prices = result.shadow_prices
    groups = _group_words(lang)
    prices = pd.DataFrame(
        {
            "bound": prices["group"].map(lambda g: groups.get(g, tr("bound", lang))),
            "name_ko": prices["name_ko"],
            "rhs_eok": prices["rhs"],
            "shadow_price": prices["improvement"],
        }
    )
    metrics = pd.DataFrame([result.metrics])
    return {
        "allocation": (table, headers(table.columns, lang)),
        "explanations": (explained, headers(explained.columns, lang)),
        "shadow_prices": (prices, headers(prices.columns, lang)),
        "equity_metrics": (metrics, headers(metrics.columns, lang)),
    }


def comparison_table(
    comparison: pd.DataFrame, lang: Lang = "ko", names: tuple[str, str] = ("A", "B")
) -> Table:
    """Return a :func:`~cgresearch.allocation.compare` table for the reader.

    ``names`` are the two scenarios' short names for the headers (e.g. "공식 그대로",
    "최적화"); the outcome is in words.
    """
    lang = check_lang(lang)
    outcome = {"gains": tr("gains", lang), "loses": tr("loses", lang)}
    frame = comparison.assign(
        outcome=comparison["outcome"].map(lambda o: outcome.get(o, tr("unchanged", lang)))
    )
    scenario_columns = {"amount_a_eok", "amount_b_eok", "per_capita_a_krw", "per_capita_b_krw"}
    heads = headers([c for c in frame.columns if c not in scenario_columns], lang)
    a, b = names
    for col, name in (("a", a), ("b", b)):
        heads[f"amount_{col}_eok"] = tr("{name} (100 million KRW)", lang, name=name)
        heads[f"per_capita_{col}_krw"] = tr("{name}, per person (KRW)", lang, name=name)
    heads = {c: heads[c] for c in frame.columns}
    return frame, heads


def metrics_table(metrics: pd.DataFrame, lang: Lang = "ko") -> Table:
    """Return a table of equity metrics (one row per scenario, ``EnvelopeResult.metrics``)."""
    return metrics, headers(metrics.columns, lang)


def proposals_table(selected: pd.DataFrame, lang: Lang = "ko") -> Table:
    """Return the funded proposals of :func:`~cgresearch.allocation.select_projects` in 억원,
    titles in the edition's language and policy tasks by name."""
    lang = check_lang(lang)
    frame = pd.DataFrame(
        {
            "proposal_id": selected["proposal_id"],
            "gu_name": selected["gu_name"],
            "title": selected["title_ko" if lang == "ko" else "title_en"],
            "item": selected["policy_task"].map(lambda t: term_name(str(t), lang)),
            "cost_eok": selected["cost_mkrw"].map(mkrw_to_eok),
            "votes": selected["votes"],
            "score": selected["score"],
            "funded_pct": selected["funded_share"] * 100,
            "funded_eok": selected["funded_cost"].map(mkrw_to_eok),
        }
    )
    return frame, headers(frame.columns, lang)


def spend_table(spend: pd.DataFrame, lang: Lang = "ko") -> Table:
    """Return the per-gu spending of a selection (``SelectionResult.spend``) in 억원."""
    lang = check_lang(lang)
    frame = pd.DataFrame(
        {
            "gu_name": spend["gu_name"],
            "envelope_eok": spend["envelope"].map(mkrw_to_eok),
            "spent_eok": spend["spent"].map(mkrw_to_eok),
            "left_eok": spend["left"].map(mkrw_to_eok),
            "n_funded": spend["n_funded"],
            "envelope_used": spend["binding"].map({True: tr("yes", lang), False: tr("no", lang)}),
        }
    )
    return frame, headers(frame.columns, lang)


def task_spend_table(area_spend: pd.DataFrame, lang: Lang = "ko") -> Table:
    """Return spending per policy task (``SelectionResult.area_spend``) in 억원 and %."""
    lang = check_lang(lang)
    frame = pd.DataFrame(
        {
            "item": area_spend["area"].map(lambda t: term_name(str(t), lang)),
            "spent_eok": area_spend["spent"].map(mkrw_to_eok),
            "share_spent": area_spend["share"] * 100,
            "min_share_pct": area_spend["min_share"] * 100,
            "max_share_pct": area_spend["max_share"] * 100,
        }
    )
    return frame, headers(frame.columns, lang)


def pb_rules_table(rules: pd.DataFrame, lang: Lang = "ko") -> Table:
    """Return PB rules compared (``compare_pb_rules``): rule names in words, shares in %.

    Costs stay in the election's own currency (Pabulib elections are not Korean).
    """
    lang = check_lang(lang)
    names = {
        "greedy": tr("greedy (by votes)", lang),
        "mes": tr("Method of Equal Shares (MES)", lang),
        "max-welfare": tr("welfare-maximising MIP", lang),
    }
    frame = rules.assign(rule=rules["rule"].map(lambda r: names.get(r, r)))
    for col in ("spent_share", "share_with_funded"):
        if col in frame:
            frame[col] = frame[col] * 100
    frame = frame.rename(columns={"rule": "pb_rule"})
    return frame, headers(frame.columns, lang)


def _sweep_label(column: str, lang: Lang) -> str:
    from cgresearch.figures.sweeps import column_label

    return column_label(column, lang)


#: Monte Carlo range columns (``MonteCarloRanges.to_frame``): amounts in 억원, draws counted.
_RANGE_COLUMNS = {
    "n": "n_draws",
    "mean": "mean_eok",
    "min": "min_eok",
    "p5": "p5_eok",
    "p50": "p50_eok",
    "p95": "p95_eok",
    "max": "max_eok",
}


def sweep_table(frame: pd.DataFrame, lang: Lang = "ko", *, index: bool = False) -> Table:
    """Return a sweep analysis table (chapter 06) for the reader.

    Swept parameters (``param.floor_eok``) and criteria (``metric.gini``, ``regret.…``) are
    named as on the figures; objectives and statuses are in words; district codes and names
    get the report's headers.
    """
    lang = check_lang(lang)
    from cgresearch.figures.allocation import objective_name

    frame = frame.copy()
    if "p50" in frame.columns:
        frame = frame.rename(columns=_RANGE_COLUMNS)
    for col in frame.columns:
        name = str(col)
        if name in ("param.objective", "objective") or name.startswith("param.objective "):
            frame[col] = frame[col].map(
                lambda v: objective_name(v, lang) if isinstance(v, str) else v
            )
        elif name == "status":
            frame[col] = frame[col].map(lambda s: status_words(s, lang))
        elif name == "parameter":
            frame[col] = frame[col].map(lambda p: _sweep_label(str(p), lang))
        elif frame[col].dtype == bool:
            frame[col] = frame[col].map({True: tr("yes", lang), False: tr("no", lang)})
    heads: dict[str, str] = {}
    for col in frame.columns:
        name = str(col)
        if name.startswith("regret."):
            heads[name] = tr(
                "Regret: {criterion}", lang, criterion=_sweep_label(name[len("regret.") :], lang)
            )
        elif " " in name:  # "param.floor_eok min" of the infeasible groups
            base, _, end = name.rpartition(" ")
            word = {"min": tr("lowest", lang), "max": tr("highest", lang)}.get(end, end)
            heads[name] = f"{_sweep_label(base, lang)}: {word}"
        elif name.startswith(("param.", "metric.")) or _sweep_label(name, lang) != name:
            heads[name] = _sweep_label(name, lang)
        else:
            heads.update(headers([name], lang))
    if index:
        frame = frame.rename_axis(_sweep_label(str(frame.index.name or ""), lang))
    return frame, {c: heads[str(c)] for c in frame.columns}


def shown(table: Table) -> pd.DataFrame:
    """The frame with its display headers (what a notebook prints)."""
    frame, heads = table
    return frame.rename(columns=heads)

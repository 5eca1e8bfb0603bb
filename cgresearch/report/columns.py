"""Column headers of the report's tables, in the edition's language and with their units.

The chapters compute tables with code-friendly column names (``budget_eok``, ``p_value``); the
files a reader opens show :func:`headers` instead: names with units (억원, %, 점, 건, 명) from the
message catalogue, vocabulary codes by their names. Amount columns are in 억원 across the report
(convert million KRW with :func:`cgresearch.formatting.mkrw_to_eok` before saving).

Examples
--------
>>> headers(["budget_eok", "share_projects"], "ko")
{'budget_eok': '예산(억원)', 'share_projects': '사업 비율(%)'}
>>> headers(["T1"], "en")
{'T1': 'Sharing understanding of desirable CG and stimulating mutual trust (projects)'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cgresearch.errors import ParameterError
from cgresearch.formatting import term_name
from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS

__all__ = ["headers"]


def _known(lang: Lang) -> dict[str, str]:
    return {
        # chapter 01: the inventory
        "funding_source": tr("Funding source", lang),
        "gu_name": tr("District (gu)", lang),
        "gu": tr("District (gu)", lang),
        "n_projects": tr("Projects (count)", lang),
        "budget_eok": tr("Budget (100 million KRW)", lang),
        "share_projects": tr("Share of projects (%)", lang),
        "share_budget": tr("Share of budget (%)", lang),
        "total_eok": tr("Total (100 million KRW)", lang),
        "duplicate_group": tr("Duplicate group", lang),
        "n_departments": tr("Departments (count)", lang),
        "example": tr("Example project", lang),
        # chapters 02 and 03: survey estimates
        "variable": tr("Variable", lang),
        "label": tr("Question or scale", lang),
        "kind": tr("Kind", lang),
        "group": tr("Respondent group", lang),
        "group_a": tr("Group A", lang),
        "group_b": tr("Group B", lang),
        "n": tr("Respondents (persons)", lang),
        "n_obs": tr("Respondents (persons)", lang),
        "mean": tr("Weighted mean (points)", lang),
        "mean_a": tr("Mean of group A (points)", lang),
        "mean_b": tr("Mean of group B (points)", lang),
        "se": tr("Standard error (points)", lang),
        "sd": tr("Standard deviation (points)", lang),
        "ci_lower": tr("CI lower bound (points)", lang),
        "ci_upper": tr("CI upper bound (points)", lang),
        "gap": tr("Gap (points)", lang),
        "df": tr("Degrees of freedom", lang),
        "ndf": tr("Numerator degrees of freedom", lang),
        "ddf": tr("Denominator degrees of freedom", lang),
        "t": tr("t statistic", lang),
        "F": tr("F statistic", lang),
        "pearson_x2": tr("Pearson chi-squared", lang),
        "generalised": tr("Generalised inverse used (sparse table)", lang),
        "p_value": tr("p-value", lang),
        "p_holm": tr("p-value (Holm)", lang),
        "p_bh": tr("p-value (Benjamini–Hochberg)", lang),
        "cohen_d": tr("Cohen's d", lang),
        "cliff_delta": tr("Cliff's delta", lang),
        "scale": tr("Scale", lang),
        "n_items": tr("Items (count)", lang),
        "alpha": tr("Cronbach's alpha", lang),
        "std_alpha": tr("Standardised alpha", lang),
        "item": tr("Policy task", lang),
        "importance": tr("Importance (points)", lang),
        "performance": tr("Performance (points)", lang),
        "ipa_quadrant": tr("IPA quadrant", lang),
        "borich": tr("Borich needs score", lang),
        "borich_rank": tr("Borich rank", lang),
        "in_borich_top": tr("In the Borich top", lang),
        "lff_quadrant": tr("Locus for Focus quadrant", lang),
        "in_lff_first": tr("In the first Locus for Focus quadrant", lang),
        "priority": tr("Priority", lang),
        # chapter 07: the evaluation
        "adm_code": tr("District code", lang),
        "rank": tr("Rank (1 = best)", lang),
        "grade": tr("Grade", lang),
        "nominal": tr("Nominal rank", lang),
        "median": tr("Median rank over the draws", lang),
        "q05": tr("Rank, 5th percentile of the draws", lang),
        "q95": tr("Rank, 95th percentile of the draws", lang),
        "factor": tr("Methodological choice", lang),
        "S1": tr("First-order Sobol index", lang),
        "S1_conf": tr("First-order index, half-width of its 95% interval", lang),
        "ST": tr("Total Sobol index (with interactions)", lang),
        "ST_conf": tr("Total index, half-width of its 95% interval", lang),
        "task_id": tr("Task number", lang),
        "task": tr("Action task", lang),
        "owner": tr("Responsible party", lang),
        "goal": tr("Policy task (goal)", lang),
        "strategy": tr("Strategy", lang),
        "indicator": tr("Indicator", lang),
        "unit": tr("Unit", lang),
        "year": tr("Year", lang),
        "baseline": tr("Baseline (indicator's unit)", lang),
        "target": tr("Target (indicator's unit)", lang),
        "value": tr("Latest value (indicator's unit)", lang),
        "progress": tr("Progress to target (%)", lang),
        "elapsed": tr("Share of time elapsed (%)", lang),
        "schedule_gap": tr("Progress minus time elapsed (percentage points)", lang),
        "status": tr("Status", lang),
        "n_tasks": tr("Tasks (count)", lang),
        "on_track": tr("On track (tasks)", lang),
        "at_risk": tr("At risk (tasks)", lang),
        "off_track": tr("Off track (tasks)", lang),
        "no_data": tr("No data (tasks)", lang),
        "mean_progress": tr("Mean progress to target (%)", lang),
        "score": tr("Index score (points)", lang),
        "p_grade": tr("Probability of this grade (%)", lang),
        "score_change": tr("Score change from last year (points)", lang),
        "rank_change": tr("Rank change from last year (places up)", lang),
        "weakest": tr("Weakest indicators", lang),
        "amount_eok": tr("Envelope (100 million KRW)", lang),
        "low_eok": tr("Lowest envelope over the grade draws (100 million KRW)", lang),
        "high_eok": tr("Highest envelope over the grade draws (100 million KRW)", lang),
        # chapter 08: participatory budget
        "series": tr("Series", lang),
        "source_ids": tr("Source ids (data/raw/seoul/sources.csv)", lang),
        "year_basis": tr("Year basis", lang),
        "note": tr("Note", lang),
        "row": tr("Row in the facts file", lang),
        "type": tr("PB type", lang),
        "proposals": tr("Proposals (count)", lang),
        "screened": tr("Passed screening (count)", lang),
        "put_to_vote": tr("Put to the vote (count)", lang),
        "proposed_eok": tr("Amount proposed (100 million KRW)", lang),
        "put_to_vote_eok": tr("Amount put to the vote (100 million KRW)", lang),
        "proposal_id": tr("Proposal number", lang),
        "contest": tr("Contest (envelope)", lang),
        "theme": tr("Theme", lang),
        "title": tr("Proposal title", lang),
        "cost_eok": tr("Cost (100 million KRW)", lang),
        "e_votes": tr("E-votes (count)", lang),
        "onsite_votes": tr("On-site votes (count)", lang),
        "votes": tr("Votes (count)", lang),
        "vote_score": tr("Mixed vote score (weighted share of voters, 0-1)", lang),
        "voter_id": tr("Voter number", lang),
        "channel": tr("Voting channel", lang),
        "home_gu": tr("Voter's district (gu)", lang),
        "envelope_eok": tr("Envelope (100 million KRW)", lang),
        "rule": tr("Selection rule", lang),
        "n_funded": tr("Projects funded (count)", lang),
        "spent_eok": tr("Spent (100 million KRW)", lang),
        "unspent_eok": tr("Left unspent (100 million KRW)", lang),
        "unspent_share": tr("Budget left unspent (%)", lang),
        "share_with_nothing": tr("Voters with nothing funded (%)", lang),
        "gini_satisfaction": tr("Gini of voter satisfaction (0-1)", lang),
        "avg_satisfaction_eok": tr("Mean voter satisfaction (100 million KRW)", lang),
        "per_capita_krw": tr("Spent per resident (KRW)", lang),
        "gu_level_eok": tr("Spent on gu-level types (100 million KRW)", lang),
        "gu_pays_eok": tr("Paid by the gu (100 million KRW)", lang),
        "city_pays_eok": tr("Paid by the city (100 million KRW)", lang),
        "vs_seoul_eok": tr("Difference from Seoul's rule (100 million KRW)", lang),
        # chapters 04-06: district envelopes, project selection, scenario sweeps
        # (cgresearch.report.result_tables turns the results into these columns)
        "name_ko": tr("District (Korean name)", lang),
        "name_en": tr("District (English name)", lang),
        "population": tr("Population (persons)", lang),
        "previous_eok": tr("Last year's amount (100 million KRW)", lang),
        "change_eok": tr("Change (100 million KRW)", lang),
        "change_pct": tr("Change (%)", lang),
        "target_eok": tr("Formula target (100 million KRW)", lang),
        "deviation_eok": tr("Deviation from the formula target (100 million KRW)", lang),
        "floor_eok": tr("Floor (100 million KRW)", lang),
        "cap_eok": tr("Cap (100 million KRW)", lang),
        "tier_min_eok": tr("Grade range, lower end (100 million KRW)", lang),
        "tier_max_eok": tr("Grade range, upper end (100 million KRW)", lang),
        "stability_min_eok": tr("Year-on-year limit, lower end (100 million KRW)", lang),
        "stability_max_eok": tr("Year-on-year limit, upper end (100 million KRW)", lang),
        "binding": tr("Bounds that hold", lang),
        "text": tr("Why (in words)", lang),
        "bound": tr("Bound", lang),
        "rhs_eok": tr("Bound value (100 million KRW)", lang),
        "shadow_price": tr("Shadow price (objective per 100 million KRW)", lang),
        "gini": tr("Gini of per-capita amounts", lang),
        "theil": tr("Theil index of per-capita amounts", lang),
        "max_min_ratio": tr("Largest / smallest per-capita amount (ratio)", lang),
        "gini_pop": tr("Population-weighted Gini of per-capita amounts", lang),
        "theil_pop": tr("Population-weighted Theil index of per-capita amounts", lang),
        "min_need_weighted_per_capita_krw": tr(
            "Smallest need-weighted per-capita amount (KRW)", lang
        ),
        "total_abs_deviation_eok": tr(
            "Total deviation from the formula targets (100 million KRW)", lang
        ),
        "outcome": tr("Outcome", lang),
        "funded_pct": tr("Share of the cost funded (%)", lang),
        "funded_eok": tr("Funded amount (100 million KRW)", lang),
        "left_eok": tr("Unspent (100 million KRW)", lang),
        "envelope_used": tr("Envelope fully used", lang),
        "share_spent": tr("Share of spending (%)", lang),
        "min_share_pct": tr("Smallest allowed share (%)", lang),
        "max_share_pct": tr("Largest allowed share (%)", lang),
        "pb_rule": tr("Participatory-budgeting rule", lang),
        "total_cost": tr("Total cost (election's currency)", lang),
        "spent_share": tr("Share of the budget spent (%)", lang),
        "welfare": tr("Total approval score (points)", lang),
        "voters_with_funded": tr("Voters with a funded project (persons)", lang),
        "share_with_funded": tr("Share of voters with a funded project (%)", lang),
        "avg_cost_satisfaction": tr("Mean cost satisfaction (election's currency)", lang),
        "gini_cost_satisfaction": tr("Gini of cost satisfaction", lang),
        "category_proportionality": tr("Category proportionality", lang),
        "point": tr("Parameter point", lang),
        "scenarios": tr("Scenarios (count)", lang),
        "n_scenarios": tr("Scenarios (count)", lang),
        "share": tr("Share of scenarios", lang),
        "conflicts": tr("Conflicting constraints", lang),
        "example_message": tr("Example diagnosis", lang),
        "example_scenario": tr("Example scenario", lang),
        "formula_fit_pct": tr("Formula fit (% of the budget)", lang),
        "stability_change_pct": tr("Last year's money moved (%)", lang),
        "n_at_bound": tr("Gu held at a bound (count)", lang),
        "max_regret": tr("Largest regret", lang),
        "mean_regret": tr("Mean regret", lang),
        "n_infeasible_draws": tr("Infeasible draws (count)", lang),
        "n_optimal_draws": tr("Feasible draws (count)", lang),
        "n_draws": tr("Draws (count)", lang),
        "on_frontier": tr("On the frontier", lang),
        "parameter": tr("Parameter", lang),
        "low_level": tr("Lowest level", lang),
        "high_level": tr("Highest level", lang),
        "amount_at_low_eok": tr("Allocation at the lowest level (100 million KRW)", lang),
        "amount_at_high_eok": tr("Allocation at the highest level (100 million KRW)", lang),
        "swing_eok": tr("Swing (100 million KRW)", lang),
        "base_eok": tr("Base: mean over all scenarios (100 million KRW)", lang),
        "mean_eok": tr("Mean allocation (100 million KRW)", lang),
        "min_eok": tr("Smallest allocation (100 million KRW)", lang),
        "p5_eok": tr("5th percentile (100 million KRW)", lang),
        "p50_eok": tr("Median (100 million KRW)", lang),
        "p95_eok": tr("95th percentile (100 million KRW)", lang),
        "max_eok": tr("Largest allocation (100 million KRW)", lang),
    }


def headers(
    columns: Iterable[object],
    lang: Lang = DEFAULT_LANG,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return display headers for ``columns``: names with units, codes by their names.

    A funding-source code gets ``(100 million KRW)`` (its column holds amounts); a policy-task
    code ``(projects)`` (counts). ``extra`` names columns that only a chapter knows (e.g. the
    pillars of the evaluation framework, already in ``lang`` and with their unit); it wins over
    the registry.

    >>> headers(["PLAN", "rank"], "en", extra={"PLAN": "Planning (points)"})
    {'PLAN': 'Planning (points)', 'rank': 'Rank (1 = best)'}

    Raises
    ------
    ParameterError
        For a column this registry does not name: add it to ``_known`` (with its unit) and its
        Korean translation to the catalogue.
    """
    lang = check_lang(lang)
    known = {**_known(lang), **(extra or {})}
    out: dict[str, str] = {}
    for col in columns:
        name = str(col)
        if name in known:
            out[name] = known[name]
        elif name in FUNDING_SOURCES:
            out[name] = tr("{name} (100 million KRW)", lang, name=term_name(name, lang))
        elif name in POLICY_TASKS:
            out[name] = tr("{name} (projects)", lang, name=term_name(name, lang))
        else:
            raise ParameterError(
                f"table column {name!r} has no display header: add it to "
                "cgresearch/report/columns.py with its unit, and its Korean translation"
            )
    return out

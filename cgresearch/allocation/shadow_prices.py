"""Shadow prices of an envelope result in planner words, worded for its objective.

The *improvement* of the objective per unit increase of a bound (the solver module's sign rule):
the budget (formula targets rescaled), each gu's floor, cap, stability limit and tier, and the
per-capita equity bound (per 0.1 of the ratio). For the least-squares objectives the prices come
from the KKT conditions of the closed forms, the QP's duals, or, on the exact equity path,
central finite differences of the exact optimum (``equity_path._ratio_slope``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.allocation.binding import free_of_bounds
from cgresearch.allocation.envelope_lp import EnvelopeData, EnvelopeLP, EnvelopeSolution, lp_columns
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import KRW_PER_EOK
from cgresearch.errors import N_, Msg, msg
from cgresearch.i18n import Lang, tr

__all__ = [
    "UNIQUE_OBJECTIVES",
    "condensed_prices",
    "objective_wording",
    "shadow_price_table",
]

UNIQUE_OBJECTIVES = ("equal_adjustment", "proportional", "least_squares", "minmax_relative")


def objective_wording(scenario: Scenario, lang: Lang = "en") -> str:
    if scenario.objective in UNIQUE_OBJECTIVES:
        return tr(
            "half the weighted sum of squared deviations from the formula targets "
            "(억원², lower is better)",
            lang,
        )
    if scenario.objective in ("goal", "formula"):
        return tr("weighted deviation from the formula targets (억원, lower is better)", lang)
    if scenario.objective == "maxmin":
        return tr("smallest need-weighted per-capita amount (KRW, higher is better)", lang)
    return tr("combined score (deviation share minus max-min share, lower is better)", lang)


# Shadow-price sentences are Msg (a str in English; .localized(lang) gives Korean), so that the
# summary, the CLI and the dashboard say them in the user's language.
_ROW_WORDS = {
    "floors": N_("the floor of {gu}"),
    "caps": N_("the cap of {gu}"),
    "stability": N_("the stability limit of {gu}"),
    "tiers": N_("the tier limit of {gu}"),
}
_ROW_WORDS_SIDE = {
    ("stability", "ge"): N_("the stability limit (lower) of {gu}"),
    ("stability", "le"): N_("the stability limit (upper) of {gu}"),
    ("tiers", "ge"): N_("the tier limit (lower) of {gu}"),
    ("tiers", "le"): N_("the tier limit (upper) of {gu}"),
}
_GROUP_WORDS = {
    "floor": N_("the floors of {gu}"),
    "cap": N_("the caps of {gu}"),
    "tier_lo": N_("the lower tier limits of {gu}"),
    "tier_hi": N_("the upper tier limits of {gu}"),
    "stab_lo": N_("the lower stability limits of {gu}"),
    "stab_hi": N_("the upper stability limits of {gu}"),
}


def _negligible(scenario: Scenario) -> float:
    """Improvements below this are tie-break noise (see the module docstring), shown as none."""
    return {"goal": 1e-4, "formula": 1e-4, "maxmin": 1e-2}.get(scenario.objective, 1e-6)


def _cost_words(scenario: Scenario, improvement: float) -> Msg:
    """'2억원 of deviation' — the size of a shadow price in the objective's unit."""
    amount = abs(improvement)
    if scenario.objective in UNIQUE_OBJECTIVES:
        return msg("{amount:.3g}억원² of squared deviation (half the weighted sum)", amount=amount)
    if scenario.objective in ("goal", "formula"):
        return msg("{amount:.3g}억원 of deviation from the formula targets", amount=amount)
    if scenario.objective == "maxmin":
        return msg(
            "{amount:,.4g} KRW of the worst-off need-weighted per-capita amount", amount=amount
        )
    return msg("{amount:.3g} of the combined score", amount=amount)


def condensed_prices(shadow: pd.DataFrame, scenario: Scenario, limit: int = 6) -> list[str]:
    """Planner sentences with districts that share a bound and a price merged into one."""
    if shadow.empty:
        return []
    lines: list[str] = [shadow.iloc[0]["text"]]
    rest = shadow.iloc[1:]
    district_rows = rest[rest["name_ko"].notna()]
    keyed = district_rows.assign(
        _price=district_rows["improvement"].round(3),
        _rhs=district_rows["rhs"].round(6),
        _kind=district_rows["constraint"].str.replace(r"_\d+$", "", regex=True),
    )
    for (kind, rhs, price), grp in keyed.groupby(["_kind", "_rhs", "_price"], sort=False):
        if len(lines) > limit:
            break
        if len(grp) == 1:
            lines.append(grp.iloc[0]["text"])
            continue
        names = [str(n) for n in grp["name_ko"]]
        listed = msg("{a} and {b}", a=", ".join(names[:-1]), b=names[-1])
        word = msg(_GROUP_WORDS.get(kind, "{gu}"), gu=listed)
        lines.append(
            msg(
                "{what} ({rhs:.2f}억원) each cost {cost} per 억원: raising one by 1억원 {effect}",
                what=word,
                rhs=rhs,
                cost=_cost_words(scenario, price),
                effect=_effect(scenario, float(price)),
            )
        )
    for text in rest[rest["name_ko"].isna()]["text"]:
        lines.append(text)
    return lines[: limit + 1]


def _effect(scenario: Scenario, improvement: float) -> Msg:
    """Words for 'the objective improves by ``improvement``'."""
    amount = abs(improvement)
    if amount < _negligible(scenario):
        return msg("leaves the objective ({label}) unchanged", label=_objective_label_msg(scenario))
    up = improvement >= 0
    if scenario.objective in UNIQUE_OBJECTIVES:
        if up:
            return msg(
                "lowers half the weighted sum of squared deviations from the formula targets by "
                "{amount:.3g}억원²",
                amount=amount,
            )
        return msg(
            "raises half the weighted sum of squared deviations from the formula targets by "
            "{amount:.3g}억원²",
            amount=amount,
        )
    if scenario.objective in ("goal", "formula"):
        # improvement = decrease of the deviation.
        if up:
            return msg(
                "lowers the total deviation from the formula targets by {amount:.3g}억원",
                amount=amount,
            )
        return msg(
            "raises the total deviation from the formula targets by {amount:.3g}억원",
            amount=amount,
        )
    if scenario.objective == "maxmin":
        if up:
            return msg(
                "raises the worst-off district's need-weighted per-capita amount by "
                "{amount:,.4g} KRW",
                amount=amount,
            )
        return msg(
            "lowers the worst-off district's need-weighted per-capita amount by {amount:,.4g} KRW",
            amount=amount,
        )
    if up:
        return msg("improves the combined score by {amount:.3g}", amount=amount)
    return msg("worsens the combined score by {amount:.3g}", amount=amount)


def _objective_label_msg(scenario: Scenario) -> Msg:
    """The objective's label as a message (translated with the sentence that holds it)."""
    if scenario.objective in UNIQUE_OBJECTIVES:
        return msg(
            "half the weighted sum of squared deviations from the formula targets "
            "(억원², lower is better)"
        )
    if scenario.objective in ("goal", "formula"):
        return msg("weighted deviation from the formula targets (억원, lower is better)")
    if scenario.objective == "maxmin":
        return msg("smallest need-weighted per-capita amount (KRW, higher is better)")
    return msg("combined score (deviation share minus max-min share, lower is better)")


def _budget_words(data: EnvelopeData, sol: EnvelopeSolution, x: np.ndarray) -> Msg:
    """The budget multiplier of a least-squares objective in planner words."""
    lam = sol.multiplier
    free = free_of_bounds(data, x)
    k = int(free.sum())
    if lam is None or k == 0:
        return msg("one more 억원 of total budget has no gu to go to: every gu is held by a bound")
    if data.scenario.objective == "equal_adjustment" or np.ptp(data.weight) == 0:
        return msg(
            "one more 억원 of total budget goes to the {k} gu held by no bound, {each:.3f}억원 "
            "each; its price is the common adjustment λ = {lam:+.3f}억원",
            k=k,
            each=1 / k,
            lam=lam,
        )
    return msg(
        "one more 억원 of total budget goes to the {k} gu held by no bound, in proportion to "
        "their formula targets; its price is the multiplier λ = {lam:+.4g}",
        k=k,
        lam=lam,
    )


def shadow_price_table(data: EnvelopeData, lp: EnvelopeLP, sol: EnvelopeSolution) -> pd.DataFrame:
    cols = ["constraint", "group", "adm_code", "name_ko", "rhs", "improvement", "text"]
    if sol.improvement is None:
        return pd.DataFrame(columns=cols)
    s = data.scenario
    imp = sol.improvement.copy()
    if s.objective == "maxmin":
        # z is in 억원 of "budget at need share"; convert to KRW per (need-weighted) person.
        imp = imp * KRW_PER_EOK / float(data.pop.sum())
    rows = []
    goal_rows = np.flatnonzero(lp.row_group == "goal")
    budget_total = float(imp[0] + np.dot(imp[goal_rows], data.dtarget_db))
    text = msg(
        "one more 억원 of total budget (formula targets rescaled) {effect}",
        effect=_effect(s, budget_total),
    )
    if s.objective in UNIQUE_OBJECTIVES and sol.values is not None:
        x = sol.values[: data.n]
        # d/dB of ½Σw(x−t)² with t = t(B): λ − Σ w (x − t) ∂t/∂B.
        budget_total = float(imp[0] + np.dot(data.weight * (x - data.target), data.dtarget_db))
        text = _budget_words(data, sol, x)
        if sol.budget_slope is not None:
            # The exact equity path: −dF/dB by a central difference (targets rescaled).
            budget_total = -float(sol.budget_slope())
            text = msg(
                "one more 억원 of total budget (formula targets rescaled) {effect}",
                effect=_effect(s, budget_total),
            )
    rows.append(
        {
            "constraint": "budget",
            "group": "budget",
            "adm_code": None,
            "name_ko": None,
            "rhs": s.total_budget_eok,
            "improvement": budget_total,
            "text": text,
        }
    )
    names = data.districts["name_ko"].to_numpy()
    codes = data.districts["adm_code"].to_numpy()
    for r in range(len(lp.row_names)):
        grp = lp.row_group[r]
        if grp not in _ROW_WORDS or np.isnan(lp.rhs[r]) or abs(imp[r]) < _negligible(s):
            continue
        i = int(lp.row_gu[r])
        if grp in ("stability", "tiers"):
            side = "ge" if lp.row_kind[r] == "ge" else "le"
            word = msg(_ROW_WORDS_SIDE[(grp, side)], gu=names[i])
        else:
            word = msg(_ROW_WORDS[grp], gu=names[i])
        rows.append(
            {
                "constraint": lp.row_names[r],
                "group": grp,
                "adm_code": codes[i],
                "name_ko": names[i],
                "rhs": float(lp.rhs[r]),
                "improvement": float(imp[r]),
                "text": msg(
                    "{what} ({rhs:.2f}억원) costs {cost} per 억원: raising it by 1억원 {effect}",
                    what=word,
                    rhs=float(lp.rhs[r]),
                    cost=_cost_words(s, float(imp[r])),
                    effect=_effect(s, float(imp[r])),
                ),
            }
        )
    r_ratio = lp.row_names.index("ratio")
    lo_val = 0.0 if sol.values is None else float(sol.values[lp_columns(data.n)["lo"]])
    # The row hi − R·lo ≤ 0: one more unit of R is lo more units of its right-hand side.
    per_tenth = float(imp[r_ratio]) * lo_val * 0.1
    if sol.ratio_slope is not None:
        # The exact least-squares path has no dual for it: −dF/dR by a central difference.
        per_tenth = -float(sol.ratio_slope()) * 0.1
    if not np.isnan(lp.rhs[r_ratio]) and abs(per_tenth) >= _negligible(s):
        rows.append(
            {
                "constraint": "ratio",
                "group": "equity",
                "adm_code": None,
                "name_ko": None,
                "rhs": float(s.max_per_capita_ratio or np.nan),
                "improvement": per_tenth,
                "text": msg(
                    "loosening the per-capita equity bound from {ratio:g} by 0.1 {effect}",
                    ratio=s.max_per_capita_ratio,
                    effect=_effect(s, per_tenth),
                ),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    # object dtype keeps each sentence a Msg (pandas would make it a plain string)
    out["text"] = pd.Series([row["text"] for row in rows], index=out.index, dtype=object)
    first = out.iloc[:1]
    rest = out.iloc[1:].sort_values("improvement", key=np.abs, ascending=False, kind="stable")
    return pd.concat([first, rest], ignore_index=True)

"""Shadow prices of an envelope result in planner words, worded for its objective.

The *improvement* of the objective per unit increase of a bound (the solver module's sign rule):
the budget (formula targets rescaled), each gu's floor, cap, stability limit and tier, and the
per-capita equity bound (per 0.1 of the ratio). For the least-squares objectives the prices come
from the KKT conditions of the closed forms, the QP's duals, or, on the exact equity path,
central finite differences of the exact optimum (``objectives._ratio_slope``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.allocation.binding import free_of_bounds
from cgresearch.allocation.envelope_lp import EnvelopeData, EnvelopeLP, EnvelopeSolution, lp_columns
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import KRW_PER_EOK
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


_ROW_WORDS = {
    "floors": "floor",
    "caps": "cap",
    "stability": "stability limit",
    "tiers": "tier limit",
}


def _negligible(scenario: Scenario) -> float:
    """Improvements below this are tie-break noise (see the module docstring), shown as none."""
    return {"goal": 1e-4, "formula": 1e-4, "maxmin": 1e-2}.get(scenario.objective, 1e-6)


def _cost_words(scenario: Scenario, improvement: float) -> str:
    """'2억원 of deviation' — the size of a shadow price in the objective's unit."""
    amount = abs(improvement)
    if scenario.objective in UNIQUE_OBJECTIVES:
        return f"{amount:.3g}억원² of squared deviation (half the weighted sum)"
    if scenario.objective in ("goal", "formula"):
        return f"{amount:.3g}억원 of deviation from the formula targets"
    if scenario.objective == "maxmin":
        return f"{amount:,.4g} KRW of the worst-off need-weighted per-capita amount"
    return f"{amount:.3g} of the combined score"


def condensed_prices(shadow: pd.DataFrame, scenario: Scenario, limit: int = 6) -> list[str]:
    """Planner sentences with districts that share a bound and a price merged into one."""
    if shadow.empty:
        return []
    lines = [str(shadow.iloc[0]["text"])]
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
            lines.append(str(grp.iloc[0]["text"]))
            continue
        word = {
            "floor": "floors",
            "cap": "caps",
            "tier_lo": "lower tier limits",
            "tier_hi": "upper tier limits",
            "stab_lo": "lower stability limits",
            "stab_hi": "upper stability limits",
        }.get(kind, kind)
        names = list(grp["name_ko"])
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        lines.append(
            f"the {word} of {listed} ({rhs:.2f}억원) each cost {_cost_words(scenario, price)} "
            f"per 억원: raising one by 1억원 " + _effect(scenario, float(price), "")
        )
    for text in rest[rest["name_ko"].isna()]["text"]:
        lines.append(str(text))
    return [" ".join(line.split()) for line in lines[: limit + 1]]


def _effect(scenario: Scenario, improvement: float, per: str) -> str:
    """Words for 'the objective improves by ``improvement`` per ``per``'."""
    pop_note = ""
    if abs(improvement) < _negligible(scenario):
        return f"leaves the objective ({objective_wording(scenario)}) unchanged {per}"
    if scenario.objective in UNIQUE_OBJECTIVES:
        verb = "lowers" if improvement >= 0 else "raises"
        return (
            f"{verb} half the weighted sum of squared deviations from the formula targets by "
            f"{abs(improvement):.3g}억원² {per}"
        )
    if scenario.objective in ("goal", "formula"):
        # improvement = decrease of the deviation.
        verb = "lowers" if improvement >= 0 else "raises"
        amount = abs(improvement)
        return f"{verb} the total deviation from the formula targets by {amount:.3g}억원 {per}"
    if scenario.objective == "maxmin":
        verb = "raises" if improvement >= 0 else "lowers"
        return (
            f"{verb} the worst-off district's need-weighted per-capita amount by "
            f"{abs(improvement):,.4g} KRW {per}{pop_note}"
        )
    verb = "improves" if improvement >= 0 else "worsens"
    return f"{verb} the combined score by {abs(improvement):.3g} {per}"


def _budget_words(data: EnvelopeData, sol: EnvelopeSolution, x: np.ndarray) -> str:
    """The budget multiplier of a least-squares objective in planner words."""
    lam = sol.multiplier
    free = free_of_bounds(data, x)
    k = int(free.sum())
    if lam is None or k == 0:
        return "one more 억원 of total budget has no gu to go to: every gu is held by a bound"
    if data.scenario.objective == "equal_adjustment" or np.ptp(data.weight) == 0:
        return (
            f"one more 억원 of total budget goes to the {k} gu held by no bound, "
            f"{1 / k:.3f}억원 each; its price is the common adjustment λ = {lam:+.3f}억원"
        )
    return (
        f"one more 억원 of total budget goes to the {k} gu held by no bound, in proportion to "
        f"their formula targets; its price is the multiplier λ = {lam:+.4g}"
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
    text = (
        "one more 억원 of total budget (formula targets rescaled) "
        + _effect(s, budget_total, "").rstrip()
    )
    if s.objective in UNIQUE_OBJECTIVES and sol.values is not None:
        x = sol.values[: data.n]
        # d/dB of ½Σw(x−t)² with t = t(B): λ − Σ w (x − t) ∂t/∂B.
        budget_total = float(imp[0] + np.dot(data.weight * (x - data.target), data.dtarget_db))
        text = _budget_words(data, sol, x)
        if sol.budget_slope is not None:
            # The exact equity path: −dF/dB by a central difference (targets rescaled).
            budget_total = -float(sol.budget_slope())
            text = (
                "one more 억원 of total budget (formula targets rescaled) "
                + _effect(s, budget_total, "").rstrip()
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
        side = ""
        if grp in ("stability", "tiers"):
            side = " (lower)" if lp.row_kind[r] == "ge" else " (upper)"
        word = _ROW_WORDS[grp]
        rows.append(
            {
                "constraint": lp.row_names[r],
                "group": grp,
                "adm_code": codes[i],
                "name_ko": names[i],
                "rhs": float(lp.rhs[r]),
                "improvement": float(imp[r]),
                "text": f"the {word}{side} of {names[i]} ({lp.rhs[r]:.2f}억원) costs "
                f"{_cost_words(s, float(imp[r]))} per 억원: raising it by 1억원 "
                + _effect(s, float(imp[r]), ""),
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
                "text": f"loosening the per-capita equity bound from {s.max_per_capita_ratio:g} "
                f"by 0.1 " + _effect(s, per_tenth, ""),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out["text"] = out["text"].str.replace(r"\s+", " ", regex=True).str.strip()
    first = out.iloc[:1]
    rest = out.iloc[1:].sort_values("improvement", key=np.abs, ascending=False, kind="stable")
    return pd.concat([first, rest], ignore_index=True)

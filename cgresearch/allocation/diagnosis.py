"""Why an envelope scenario cannot be met, in a planner's words.

The constraints of the envelope model fall into groups
(:data:`~cgresearch.allocation.envelope_lp.GROUPS`): the total budget, floors, caps, year-on-year
stability, performance tiers and the per-capita equity bound. When no allocation satisfies them
all, :func:`diagnose`

1. finds an *irreducible* set of conflicting groups with a deletion filter: drop one group at a
   time; if the rest is still infeasible the group is not needed for the conflict and stays
   dropped. Every group left is truly part of the conflict: relaxing it alone (with the others of
   the set in force) makes the set feasible;
2. measures, for each conflicting group, the smallest relaxation that restores feasibility on its
   own (elastic programming: a non-negative slack on every row of the group, all other groups
   hard, minimise the total slack in 억원);
3. says it plainly, e.g. "floors sum to 27.5억원, above the total of 25억원: lower the floors by
   2.5억원 in total or raise the total by 2.5억원 (to 27.5억원)".

For the ``formula`` objective (formula amounts taken as they are), the diagnosis lists the bounds
the formula amounts break.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation import Scenario, diagnose
>>> d = pd.DataFrame({"adm_code": [1, 2, 3], "name_ko": ["가구", "나구", "다구"],
...                   "pop_total_2017q1": [1e5, 2e5, 3e5]})
>>> diagnose(d, Scenario(name="x", total_budget_eok=25, floor_eok=9.1)).conflicts
('budget', 'floors')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgresearch.allocation.box_diagnosis import (
    Diagnosis,
    box_diagnosis,
    join_and,
    join_or,
    plain_group,
)
from cgresearch.allocation.envelope_lp import (
    GROUPS,
    EnvelopeData,
    build_lp,
    lp_columns,
    prepare_data,
)
from cgresearch.allocation.scenario import Scenario
from cgresearch.errors import N_, Msg, msg

__all__ = [
    "Diagnosis",
    "diagnose",
    "diagnose_data",
    "quick_diagnosis",
]


# This join reads the same in every language (no catalogue entry).
_COLON = "{a}: {b}"
_EPS = 1e-7


# --- the feasibility and elastic LPs ------------------------------------------------------------
@dataclass(frozen=True)
class _Elastic:
    status: str
    total: float
    slack: dict[str, float]  # row name -> slack (signed for budget: + raise, − lower)
    ratio: float | None  # hi/lo of the relaxed solution


def _solve_groups(data: EnvelopeData, hard: set[str], elastic: set[str]) -> _Elastic:
    """Solve feasibility (``elastic`` empty) or the elastic LP over the constraint rows only.

    One small LP on highspy (no PuLP): the amounts, the per-capita band and a non-negative
    slack per elastic row (two for an equality), minimising the total slack in 억원.
    """
    from cgresearch.allocation.objectives import run_highs

    lp = build_lp(data, elastic_off=frozenset(set(GROUPS) - hard - elastic))
    n = data.n
    cols = lp_columns(n)
    col_of = np.full(len(lp.col_names), -1)
    col_of[[*range(n), cols["lo"], cols["hi"]]] = np.arange(n + 2)
    rows = np.flatnonzero(np.isin(lp.row_group, GROUPS) & ~np.isnan(lp.rhs))
    row_of = np.full(len(lp.row_names), -1)
    row_of[rows] = np.arange(rows.size)
    on = (row_of[lp.a_row] >= 0) & (lp.a_val != 0)
    e_row, e_col, e_val = row_of[lp.a_row[on]], col_of[lp.a_col[on]], lp.a_val[on]
    pc_scale = float(data.pop.mean()) / 1e8  # KRW per person -> 억원 for the equity slack
    extra_row: list[int] = []
    extra_val: list[float] = []
    cost: list[float] = []
    slack_cols: dict[str, list[tuple[int, float]]] = {}
    for k, r in enumerate(rows.tolist()):
        name = lp.row_names[r]
        if lp.row_group[r] not in elastic or name.startswith(("pclo", "pchi")):
            continue
        weight = pc_scale if name == "ratio" else 1.0
        kind = lp.row_kind[r]
        signs = (
            [(1.0, -1.0), (-1.0, 1.0)] if kind == "eq" else [(1.0 if kind == "ge" else -1.0, 1.0)]
        )
        slack_cols[name] = []
        for coef, sign in signs:
            slack_cols[name].append((n + 2 + len(cost), sign))
            extra_row.append(k)
            extra_val.append(coef)
            cost.append(weight)
    ncol = n + 2 + len(cost)
    lo, hi = lp.row_bounds()
    status, sol = run_highs(
        ncol,
        np.zeros(ncol),
        np.full(ncol, np.inf),
        np.concatenate([np.zeros(n + 2), cost]),
        lo[rows],
        hi[rows],
        np.concatenate([e_row, extra_row]).astype(np.int64),
        np.concatenate([e_col, np.arange(n + 2, ncol)]).astype(np.int64),
        np.concatenate([e_val, extra_val]),
        None,
        None,
        presolve=False,  # a few dozen rows: HiGHS' presolve costs more than the simplex
    )
    if sol is None:
        return _Elastic(status, math.inf, {}, None)
    v = sol[0]
    slack = {
        name: sum(sign * float(v[j]) for j, sign in pairs) for name, pairs in slack_cols.items()
    }
    pc_lo, pc_hi = float(v[n]), float(v[n + 1])
    ratio = pc_hi / pc_lo if pc_lo > 0 else None
    total = sum(abs(x) * (pc_scale if k == "ratio" else 1.0) for k, x in slack.items())
    return _Elastic("optimal", total, slack, ratio)


def _active_groups(data: EnvelopeData) -> list[str]:
    lp = build_lp(data)
    active = set(np.unique(lp.row_group[~np.isnan(lp.rhs)]).tolist())
    return [g for g in GROUPS if g in active]


def _feasible(data: EnvelopeData, groups: set[str]) -> bool:
    return _solve_groups(data, groups, set()).status == "optimal"


# --- words ----------------------------------------------------------------------------------
def _by_district(data: EnvelopeData, slack: dict[str, float], group_rows: str) -> str:
    names = data.districts["name_ko"].to_numpy()
    parts = []
    for row, value in sorted(slack.items(), key=lambda kv: -abs(kv[1])):
        if abs(value) <= _EPS or not row.startswith(group_rows):
            continue
        i = int(row.rsplit("_", 1)[1])
        parts.append(f"{names[i]} {abs(value):.2f}억원")
    if not parts:
        return ""
    shown = ", ".join(parts[:4])
    if len(parts) > 4:
        return msg(" ({shown}, and {n} more)", shown=shown, n=len(parts) - 4)
    return f" ({shown})"


def _fix_text(data: EnvelopeData, group: str, el: _Elastic, setting: float = math.nan) -> Msg:
    s = data.scenario
    if el.status != "optimal":
        return msg("relaxing {what} alone is not enough", what=plain_group(group))
    amount = el.total
    if group == "budget":
        delta = el.slack.get("budget", 0.0)
        new = s.total_budget_eok + delta
        if delta > 0:
            return msg("raise the total by {d:.2f}억원 (to {new:.2f}억원)", d=abs(delta), new=new)
        return msg("lower the total by {d:.2f}억원 (to {new:.2f}억원)", d=abs(delta), new=new)
    if group == "floors":
        if isinstance(s.floor_eok, float):
            common = (s.total_budget_eok - _sum_of(data.floor) + s.floor_eok * data.n) / data.n
            if 0 <= common < s.floor_eok:
                return msg(
                    "lower the floors by {amount:.2f}억원 in total (e.g. a common floor of "
                    "{common:.2f}억원)",
                    amount=amount,
                    common=common,
                )
        return msg(
            "lower the floors by {amount:.2f}억원 in total{where}",
            amount=amount,
            where=_by_district(data, el.slack, "floor_"),
        )
    if group == "caps":
        return msg(
            "raise the caps by {amount:.2f}억원 in total{where}",
            amount=amount,
            where=_by_district(data, el.slack, "cap_"),
        )
    if group == "stability":
        more = msg(
            "{amount:.2f}억원 more year-on-year change{where}",
            amount=amount,
            where=_by_district(data, el.slack, "stab_"),
        )
        if s.stability_delta is None:
            return msg("allow {more} than the year-on-year change limits permit", more=more)
        if math.isnan(setting):
            return msg(
                "allow {more} than stability_delta = {delta:g} permits",
                more=more,
                delta=s.stability_delta,
            )
        return msg(
            "raise stability_delta from {delta:g} to {setting:.4f} (allowing {more})",
            delta=s.stability_delta,
            setting=setting,
            more=more,
        )
    if group == "tiers":
        return msg(
            "widen the performance-tier ranges by {amount:.2f}억원 in total{where}",
            amount=amount,
            where=_by_district(data, el.slack, "tier_"),
        )
    if math.isnan(setting):
        return msg("relaxing {what} alone is not enough", what=plain_group(group))
    return msg(
        "loosen max_per_capita_ratio from {ratio:g} to {setting:.4f}",
        ratio=s.max_per_capita_ratio,
        setting=setting,
    )


def _sum_of(values: np.ndarray) -> float:
    return float(np.nansum(values))


def _gap(data: EnvelopeData, conflicts: tuple[str, ...]) -> float | None:
    """The sum gap of a two-group conflict with the total (None for other conflicts)."""
    budget = data.scenario.total_budget_eok
    pair = set(conflicts)
    sums = {
        "floors": (_sum_of(data.floor), 1),
        "caps": (_sum_of(data.cap), -1),
    }
    for group, (total, sign) in sums.items():
        if pair == {"budget", group}:
            gap = sign * (total - budget)
            return gap if gap > 0 else None
    return None


def _headline(data: EnvelopeData, conflicts: tuple[str, ...]) -> Msg:
    s = data.scenario
    budget = s.total_budget_eok
    pair = set(conflicts)
    if pair == {"budget", "floors"} and _sum_of(data.floor) > budget:
        return msg(
            "floors sum to {sum:g}억원, above the total of {budget:g}억원",
            sum=_sum_of(data.floor),
            budget=budget,
        )
    if pair == {"budget", "caps"} and np.all(~np.isnan(data.cap)) and _sum_of(data.cap) < budget:
        return msg(
            "caps sum to {sum:g}억원, below the total of {budget:g}억원",
            sum=_sum_of(data.cap),
            budget=budget,
        )
    if pair == {"budget", "tiers"}:
        lo, hi = _sum_of(data.tier_lo), _sum_of(data.tier_hi)
        if lo > budget:
            return msg(
                "the tier minimums sum to {sum:g}억원, above the total of {budget:g}억원",
                sum=lo,
                budget=budget,
            )
        if hi < budget:
            return msg(
                "the tier maximums sum to {sum:g}억원, below the total of {budget:g}억원",
                sum=hi,
                budget=budget,
            )
    if pair == {"budget", "stability"}:
        lo, hi = _sum_of(data.stab_lo), _sum_of(data.stab_hi)
        if lo > budget or hi < budget:
            return msg(
                "the year-on-year change limits allow totals from {lo:.2f} to {hi:.2f}억원, but "
                "the total is {budget:g}억원",
                lo=lo,
                hi=hi,
                budget=budget,
            )
    listed = join_and([plain_group(g) for g in conflicts])
    return msg("{listed} cannot all hold together", listed=listed)


def _relaxation_frame(data: EnvelopeData, per_group: dict[str, _Elastic]) -> pd.DataFrame:
    names = data.districts["name_ko"].to_numpy()
    codes = data.districts["adm_code"].to_numpy()
    rows = []
    for group, el in per_group.items():
        for row, value in el.slack.items():
            if abs(value) <= _EPS:
                continue
            i = int(row.rsplit("_", 1)[1]) if row[-1].isdigit() else None
            rows.append(
                {
                    "group": group,
                    "constraint": row,
                    "adm_code": None if i is None else codes[i],
                    "name_ko": None if i is None else names[i],
                    "slack": value,
                }
            )
    return pd.DataFrame(rows, columns=["group", "constraint", "adm_code", "name_ko", "slack"])


def _smallest_setting(data: EnvelopeData, key: str, start: float, hard: set[str]) -> float | None:
    """Smallest value of a scenario key (≥ start) at which the ``hard`` groups are feasible.

    Doubling finds a feasible value, bisection narrows it to a relative 1e-4 (the returned value
    is on the feasible side). ``None`` when no value up to 2³⁰ × start works.
    """

    def ok(value: float) -> bool:
        scenario = data.scenario.with_overrides({key: value})
        return _feasible(prepare_data(data.districts, scenario, None), hard)

    lo = start
    hi = max(start, 0.01) * 2
    for _ in range(30):
        if ok(hi):
            break
        lo, hi = hi, hi * 2
    else:
        return None
    while hi - lo > 1e-4 * hi:
        mid = (lo + hi) / 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def diagnose_data(data: EnvelopeData) -> Diagnosis:
    """Diagnose the constraint groups of prepared data (see the module docstring)."""
    active = _active_groups(data)
    if _feasible(data, set(active)):
        return Diagnosis(True, "the scenario is feasible: every bound can be met")
    # Deletion filter: drop groups the conflict does not need (the budget is tried last).
    keep = list(active)
    for group in [g for g in reversed(GROUPS) if g in active]:
        trial = set(keep) - {group}
        if not _feasible(data, trial):
            keep.remove(group)
    conflicts = tuple(g for g in GROUPS if g in keep)
    per_group: dict[str, _Elastic] = {}
    texts = []
    settings: list[float] = []
    s = data.scenario
    for group in conflicts:
        hard = set(active) - {group}
        el = _solve_groups(data, hard, {group})
        if el.status != "optimal":
            # Another conflict outside the irreducible set also involves this group.
            hard = set(conflicts) - {group}
            el = _solve_groups(data, hard, {group})
        per_group[group] = el
        setting = math.nan
        if el.status == "optimal" and group == "budget":
            setting = s.total_budget_eok + el.slack.get("budget", 0.0)
        elif el.status == "optimal" and group == "equity":
            found = _smallest_setting(
                data, "max_per_capita_ratio", float(s.max_per_capita_ratio or 1.0), hard | {group}
            )
            setting = math.nan if found is None else found
        elif el.status == "optimal" and group == "stability" and s.stability_delta is not None:
            found = _smallest_setting(
                data, "stability_delta", float(s.stability_delta or 0.0), hard | {group}
            )
            setting = math.nan if found is None else found
        settings.append(setting)
        texts.append(_fix_text(data, group, el, setting))
    fixes = pd.DataFrame(
        {
            "group": list(conflicts),
            "relax_eok": [
                per_group[g].total if per_group[g].status == "optimal" and g != "equity" else np.nan
                for g in conflicts
            ],
            "new_value": settings,
            "text": pd.Series(texts, dtype=object),  # keeps each sentence a Msg
        }
    )
    headline = _headline(data, conflicts)
    gap = _gap(data, conflicts)
    amounts = fixes.loc[fixes["group"] != "equity", "relax_eok"].dropna()
    if gap is not None and len(amounts) and amounts.max() > gap + 1e-6:
        headline = msg(
            "{headline} (a gap of {gap:.2f}억원; with the other bounds in force, more is needed)",
            headline=headline,
            gap=gap,
        )
    message = msg(_COLON, a=headline, b=join_or(texts))
    return Diagnosis(
        feasible=False,
        message=message,
        conflicts=conflicts,
        fixes=fixes,
        relaxation=_relaxation_frame(data, per_group),
    )


def quick_diagnosis(data: EnvelopeData) -> Diagnosis:
    """The cheap diagnosis a sweep records: no LP for per-gu bounds, one elastic LP otherwise.

    Per-gu limits (floors, caps, stability, tiers) make a box ``lo_i ≤ x_i ≤ hi_i``: the
    scenario is infeasible exactly when a gu's box is empty or the total is outside ``[Σ lo,
    Σ hi]``. Only the per-capita equity bound couples the gu; then one elastic LP (the equity
    bound soft, the rest hard) says whether it is the equity bound that cannot hold.
    :func:`diagnose` gives the full explanation (irreducible set, smallest fixes) on demand.
    """
    found = box_diagnosis(data)
    if found is not None:
        return found
    if data.scenario.max_per_capita_ratio is not None:
        active = set(_active_groups(data))
        el = _solve_groups(data, active - {"equity"}, {"equity"})
        if el.status == "optimal":
            return Diagnosis(
                False,
                msg(
                    "the per-capita equity bound (max/min ≤ {ratio:g}) cannot hold with the other "
                    "bounds: loosen max_per_capita_ratio (diagnose() says by how much)",
                    ratio=data.scenario.max_per_capita_ratio,
                ),
                ("equity",),
            )
    return Diagnosis(False, msg("no allocation satisfies every bound (diagnose() says why)"))


def diagnose_formula(data: EnvelopeData, *, explain: bool = True) -> Diagnosis | None:
    """Return the bounds that the formula amounts break (``None`` when they break none).

    The check itself needs no solver. With ``explain``, a scenario whose bounds conflict among
    themselves (so that no allocation at all, formula or not, could meet them) gets that
    diagnosis instead.
    """
    t = data.target
    names = data.districts["name_ko"].to_numpy()
    broken: list[Msg] = []
    groups: list[str] = []
    checks = (
        ("floors", data.floor, N_("{n} gu below its floor ({first})"), lambda x, b: x < b - 1e-9),
        ("caps", data.cap, N_("{n} gu above its cap ({first})"), lambda x, b: x > b + 1e-9),
        (
            "stability",
            data.stab_lo,
            N_("{n} gu below its stability limit ({first})"),
            lambda x, b: x < b - 1e-9,
        ),
        (
            "stability",
            data.stab_hi,
            N_("{n} gu above its stability limit ({first})"),
            lambda x, b: x > b + 1e-9,
        ),
        (
            "tiers",
            data.tier_lo,
            N_("{n} gu below its tier minimum ({first})"),
            lambda x, b: x < b - 1e-9,
        ),
        (
            "tiers",
            data.tier_hi,
            N_("{n} gu above its tier maximum ({first})"),
            lambda x, b: x > b + 1e-9,
        ),
    )
    rows = []
    for group, bound, words, bad in checks:
        hit = [i for i in range(data.n) if not np.isnan(bound[i]) and bad(t[i], bound[i])]
        for i in hit:
            rows.append(
                {
                    "group": group,
                    "adm_code": data.districts["adm_code"].iloc[i],
                    "name_ko": names[i],
                    "amount_eok": t[i],
                    "bound_eok": bound[i],
                }
            )
        if hit:
            groups.append(group)
            first = ", ".join(f"{names[i]} {t[i]:.2f}억원 vs {bound[i]:.2f}억원" for i in hit[:3])
            if len(hit) > 3:
                first = msg("{first} and {n} more", first=first, n=len(hit) - 3)
            broken.append(msg(words, n=len(hit), first=first))
    ratio = data.scenario.max_per_capita_ratio
    if ratio is not None:
        pc = t * data.k
        actual = float(pc.max() / pc.min()) if pc.min() > 0 else math.inf
        if actual > ratio + 1e-9:
            groups.append("equity")
            broken.append(
                msg(
                    "a per-capita max/min ratio of {actual:.3f}, above {ratio:g}",
                    actual=actual,
                    ratio=ratio,
                )
            )
    if not broken:
        return None
    if explain:
        bounds_diag = diagnose_data(data)
        if not bounds_diag.feasible:
            return bounds_diag
    conflicts = ("formula", *dict.fromkeys(groups))
    message = msg(
        'the formula amounts break {broken}: use objective = "goal" to stay as close as possible '
        "to the formula within the bounds, or relax the bounds",
        broken=broken,
    )
    return Diagnosis(
        feasible=False,
        message=message,
        conflicts=conflicts,
        fixes=pd.DataFrame(rows),
        relaxation=pd.DataFrame(rows),
    )


def diagnose(districts: pd.DataFrame, scenario: Scenario, *, quick: bool = False) -> Diagnosis:
    """Explain whether and why a scenario's bounds conflict.

    Parameters
    ----------
    districts : DataFrame
        One row per gu.
    scenario : Scenario
        The scenario to check.
    quick : bool
        The cheap diagnosis sweeps record (at most one LP; see :func:`quick_diagnosis`)
        instead of the full one (an irreducible conflict and the smallest fixes; a few dozen LPs).

    Returns
    -------
    Diagnosis
        ``feasible`` True (and an empty ``conflicts``) when every bound can be met.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [1e5, 1e5]})
    >>> diag = diagnose(d, Scenario(name="x", total_budget_eok=25, floor_eok=13.75))
    >>> print(diag.message.split(":")[0])
    floors sum to 27.5억원, above the total of 25억원
    >>> diag.fixes["relax_eok"].round(6).tolist()
    [2.5, 2.5]
    """
    data = prepare_data(districts, scenario)
    if scenario.objective == "formula":
        diag = diagnose_formula(data)
        if diag is None:
            return Diagnosis(True, "the formula amounts meet every bound")
        return diag
    if quick:
        return (
            quick_diagnosis(data)
            if not _feasible(data, set(_active_groups(data)))
            else (Diagnosis(True, "the scenario is feasible: every bound can be met"))
        )
    return diagnose_data(data)

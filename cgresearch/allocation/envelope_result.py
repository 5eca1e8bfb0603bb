"""Envelope results: the allocation table, metrics, binding bounds and shadow prices in words.

:class:`EnvelopeResult` is what every envelope solve returns; :func:`compare` says who gains and
who loses between two results.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.allocation import metrics as _metrics
from cgresearch.allocation.envelope_lp import _LP, _columns, _Data, _Solution
from cgresearch.allocation.explain import _explain, bound_lists
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.targets import _KRW_PER_EOK, _per_capita
from cgresearch.errors import N_, ModelError, Msg, ParameterError, localized, msg
from cgresearch.formatting import format_eok
from cgresearch.i18n import Lang, tr

__all__ = ["EnvelopeResult", "compare"]

_BIND_TOL = 1e-6
_BINDING_LABELS = (
    "floor",
    "cap",
    "stability_low",
    "stability_high",
    "tier_min",
    "tier_max",
    "equity_min",
    "equity_max",
)


# --- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnvelopeResult:
    """The outcome of one envelope scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario solved.
    status : str
        ``"optimal"``, ``"infeasible"``, ``"time_limit"``, ``"unbounded"``, ``"error"``.
    message : str
        One plain sentence (for an infeasible scenario, the diagnosis).
    objective_value : float or None
        In the objective's own units (see ``objective_label``).
    objective_label : str
        What the objective measures, with its unit and sense.
    table : DataFrame
        One row per gu: ``adm_code``, ``name_ko``, ``name_en``, ``population``, ``amount_eok``,
        ``per_capita_krw``, ``previous_eok``, ``change_eok``, ``change_pct``, ``target_eok``,
        ``deviation_eok``, ``floor_eok``, ``cap_eok``, ``grade``, ``tier_min_eok``,
        ``tier_max_eok``, ``stability_min_eok``, ``stability_max_eok``, ``binding`` (bounds
        that bind, ``;``-separated: floor, cap, stability_low/high, tier_min/max,
        equity_min/max).
    metrics : dict
        ``total_eok``, ``gini``, ``theil``, ``max_min_ratio`` (of per-capita amounts across gu),
        ``gini_pop``, ``theil_pop`` (population-weighted), ``min_need_weighted_per_capita_krw``,
        ``total_abs_deviation_eok``.
    shadow_prices : DataFrame
        ``constraint``, ``group``, ``adm_code``, ``name_ko``, ``rhs``, ``improvement`` (objective
        improvement per unit increase of the right-hand side, 억원 for amounts) and ``text``.
    diagnosis : Diagnosis or None
        Why an infeasible scenario cannot be met (``None`` when it can).
    time_s : float
        Solver wall time.
    log : str
        Solver log.
    """

    scenario: Scenario
    status: str
    message: str
    objective_value: float | None
    objective_label: str
    metrics: dict[str, float]
    diagnosis: Any = None
    time_s: float = 0.0
    log: str = field(default="", repr=False)
    amounts: np.ndarray | None = field(default=None, repr=False)
    _data: Any = field(default=None, repr=False, compare=False)
    _lp: Any = field(default=None, repr=False, compare=False)
    _sol: Any = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """The allocation table (built on first use; see the class docstring)."""
        return _table(self._data, self.amounts, self.district_columns())

    def district_columns(self) -> dict[str, np.ndarray]:
        """Return the per-district columns of :attr:`table` that a sweep stores, as arrays.

        The same numbers as ``table`` without building a DataFrame (sweeps call this once per
        scenario): ``population`` (float), ``amount_eok``, ``per_capita_krw``,
        ``previous_eok``, ``change_eok``, ``target_eok``, ``deviation_eok`` and ``binding``
        (object array of ``;``-separated labels); amounts are nan when there is no allocation.

        Examples
        --------
        >>> import pandas as pd
        >>> from cgresearch.allocation import Scenario, solve_envelopes
        >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
        ...                   "pop_total_2017q1": [100_000, 300_000]})
        >>> r = solve_envelopes(d, Scenario(name="c", total_budget_eok=20, floor_eok=9))
        >>> r.district_columns()["binding"].tolist()
        ['floor', '']
        """
        return _district_columns(self._data, self.amounts)

    @functools.cached_property
    def shadow_prices(self) -> pd.DataFrame:
        """Shadow prices in planner words (built on first use; see the class docstring)."""
        sol = self._sol if self.ok else _EMPTY
        return _shadow_prices(self._data, self._lp, sol)

    @property
    def ok(self) -> bool:
        """True when an optimal allocation was found."""
        return self.status == "optimal"

    def to_frame(self) -> pd.DataFrame:
        """Return the allocation table (one row per gu) with the scenario name as a column."""
        return self.table.assign(scenario=self.scenario.name)

    def explain(self, lang: Lang = "ko") -> pd.DataFrame:
        """Return why each gu gets what it gets: one sentence per gu, Korean or English.

        Parameters
        ----------
        lang : {"ko", "en"}

        Returns
        -------
        DataFrame
            ``adm_code``, ``name_ko``, ``name_en``, ``amount_eok``, ``target_eok``, ``reason``
            (``floor``, ``cap``, ``stability_low``/``high``, ``tier_min``/``max``,
            ``equity_min``/``max``, ``zero``, ``adjusted``, ``scaled``, ``band``, ``free``,
            ``formula``) and ``text``; empty when there is no allocation.

        Examples
        --------
        >>> import pandas as pd
        >>> from cgresearch.allocation import Scenario, solve_envelopes
        >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
        ...                   "pop_total_2017q1": [100_000, 300_000]})
        >>> r = solve_envelopes(d, Scenario(name="x", total_budget_eok=20, cap_eok=11))
        >>> r.explain("en")["reason"].tolist()
        ['adjusted', 'cap']
        >>> r.explain("en")["text"].iloc[0]
        'on its formula target 7.50억원 plus the common adjustment of +1.50억원'
        """
        x = self.amounts if self.ok else None
        labels = [] if x is None else list(self.district_columns()["binding"])
        return _explain(self._data, x, self._sol, labels, lang)

    def summary(self, lang: Lang = "ko") -> str:
        """Return a short plain-text summary for planners (every gu at a bound is named).

        Parameters
        ----------
        lang : {"ko", "en"}
            Language of the sentences (Korean by default); gu are named in it and amounts are
            in 억원 (``cgresearch.formatting.format_eok``).

        Examples
        --------
        >>> result.summary("ko").splitlines()[1]  # doctest: +SKIP
        '총예산: 250.00억원, 25개 구'
        """
        s = self.scenario
        names = "name_ko" if lang == "ko" else "name_en"
        lines = [
            tr(
                "scenario: {name} ({objective}, formula rule {rule})",
                lang,
                name=s.name,
                objective=s.objective,
                rule=s.formula_rule,
            ),
            tr(
                "total budget: {amount} across {n} gu",
                lang,
                amount=format_eok(s.total_budget_eok, lang),
                n=len(self.table),
            ),
        ]
        if not self.ok:
            lines.append(
                tr(
                    "status: {status}: {message}",
                    lang,
                    status=self.status,
                    message=localized(self.message, lang),  # the diagnosis, in lang
                )
            )
        else:
            m = self.metrics
            lines.append(
                tr(
                    "status: optimal; {label} = {value}",
                    lang,
                    label=_objective_label(s, lang),
                    value=f"{self.objective_value:,.6g}",
                )
            )
            lines.append(
                tr(
                    "equity of per-capita amounts: Gini {gini}, Theil {theil}, max/min {ratio}",
                    lang,
                    gini=f"{m['gini']:.4f}",
                    theil=f"{m['theil']:.4f}",
                    ratio=f"{m['max_min_ratio']:.3f}",
                )
            )
            amounts = self.table.set_index(names)["amount_eok"]
            top = amounts[amounts >= amounts.max() - _BIND_TOL]
            bottom = amounts[amounts <= amounts.min() + _BIND_TOL]
            lines.append(
                tr(
                    "largest: {top} {top_amount}; smallest: {bottom} {bottom_amount}",
                    lang,
                    top=", ".join(top.index),
                    top_amount=format_eok(top.iloc[0], lang),
                    bottom=", ".join(bottom.index),
                    bottom_amount=format_eok(bottom.iloc[0], lang),
                )
            )
            lines += bound_lists(self.explain(lang), lang)
            for text in _condensed(self.shadow_prices, s):
                lines.append(f"- {localized(text, lang)}")
        return "\n".join(lines)


_UNIQUE = ("equal_adjustment", "proportional", "least_squares", "minmax_relative")


def _objective_label(scenario: Scenario, lang: Lang = "en") -> str:
    if scenario.objective in _UNIQUE:
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


def _binding_labels(data: _Data, x: np.ndarray) -> list[str]:
    """Labels of the bounds that bind at ``x``, per district (``;``-separated, in the order of
    ``_BINDING_LABELS``)."""
    x = x[: data.n]
    bounds = (data.floor, data.cap, data.stab_lo, data.stab_hi, data.tier_lo, data.tier_hi)
    hits = [np.abs(x - b) <= _BIND_TOL * np.maximum(1.0, np.abs(b)) for b in bounds]
    ratio = data.scenario.max_per_capita_ratio
    if ratio is not None:
        pc = x * data.k
        lo, hi = float(pc.min()), float(pc.max())
        on = hi - ratio * lo >= -_BIND_TOL * max(1.0, abs(hi))
        hits.append(on & (np.abs(pc - lo) <= _BIND_TOL * max(1.0, abs(lo))))
        hits.append(on & (np.abs(pc - hi) <= _BIND_TOL * max(1.0, abs(hi))))
    grid = np.column_stack(hits)  # nan bounds compare False
    codes = (grid @ (1 << np.arange(len(hits)))).tolist()
    return [_label_join(code) for code in codes]


@functools.lru_cache(maxsize=256)
def _label_join(code: int) -> str:
    """The ``;``-joined binding labels whose bits are set in ``code``."""
    return ";".join(label for j, label in enumerate(_BINDING_LABELS) if code >> j & 1)


def _objective_value(data: _Data, x: np.ndarray) -> float:
    s = data.scenario
    dev = float(np.dot(data.weight, np.abs(x - data.target)))
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    if s.objective in _UNIQUE:
        return 0.5 * float(np.dot(data.weight, (x - data.target) ** 2))
    if s.objective in ("goal", "formula"):
        return dev
    if s.objective == "maxmin":
        return zmin * _KRW_PER_EOK / data.pop.sum()
    total = sum(s.combination.values())
    scale = s.total_budget_eok if s.total_budget_eok > 0 else 1.0
    a = s.combination.get("goal", 0.0) / total
    b = s.combination.get("maxmin", 0.0) / total
    return a * dev / scale - b * zmin / scale


def _district_columns(data: _Data, x: np.ndarray | None) -> dict[str, np.ndarray]:
    amount = np.full(data.n, np.nan) if x is None else x.copy()
    binding = [""] * data.n if x is None else _binding_labels(data, x)
    return {
        "population": data.pop.astype(np.int64).astype(float),
        "amount_eok": amount,
        "per_capita_krw": _per_capita(amount, data.pop),
        "previous_eok": data.previous,
        "change_eok": amount - data.previous,
        "target_eok": data.target,
        "deviation_eok": amount - data.target,
        "binding": np.array(binding, dtype=object),
    }


def _table(data: _Data, x: np.ndarray | None, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    d = data.districts
    amount, change = cols["amount_eok"], cols["change_eok"]
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(data.previous > 0, 100 * change / data.previous, np.nan)
    return pd.DataFrame(
        {
            "adm_code": d["adm_code"].to_numpy(),
            "name_ko": d["name_ko"].to_numpy(),
            "name_en": d["name_en"].to_numpy(),
            "population": data.pop.astype(np.int64),
            "amount_eok": amount,
            "per_capita_krw": cols["per_capita_krw"],
            "previous_eok": data.previous,
            "change_eok": change,
            "change_pct": change_pct,
            "target_eok": data.target,
            "deviation_eok": cols["deviation_eok"],
            "floor_eok": data.floor,
            "cap_eok": data.cap,
            "grade": pd.array(data.grade, dtype="string"),
            "tier_min_eok": data.tier_lo,
            "tier_max_eok": data.tier_hi,
            "stability_min_eok": data.stab_lo,
            "stability_max_eok": data.stab_hi,
            "binding": list(cols["binding"]),
        }
    )


def _metrics_of(data: _Data, x: np.ndarray | None) -> dict[str, float]:
    if x is None:
        return {}
    pc = np.maximum(x, 0.0) * data.k  # KRW per person (populations are > 0)
    ones = np.ones_like(pc)
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    return {
        "total_eok": float(x.sum()),
        "gini": _metrics._gini(pc, ones),
        "theil": _metrics._theil(pc, ones),
        "max_min_ratio": float(pc.max() / pc.min()) if pc.min() > 0 else math.inf,
        "gini_pop": _metrics._gini(pc, data.pop),
        "theil_pop": _metrics._theil(pc, data.pop),
        "min_need_weighted_per_capita_krw": zmin * _KRW_PER_EOK / float(data.pop.sum()),
        "total_abs_deviation_eok": float(np.abs(x - data.target).sum()),
    }


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
    if scenario.objective in _UNIQUE:
        return msg("{amount:.3g}억원² of squared deviation (half the weighted sum)", amount=amount)
    if scenario.objective in ("goal", "formula"):
        return msg("{amount:.3g}억원 of deviation from the formula targets", amount=amount)
    if scenario.objective == "maxmin":
        return msg(
            "{amount:,.4g} KRW of the worst-off need-weighted per-capita amount", amount=amount
        )
    return msg("{amount:.3g} of the combined score", amount=amount)


def _condensed(shadow: pd.DataFrame, scenario: Scenario, limit: int = 6) -> list[str]:
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
    if scenario.objective in _UNIQUE:
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
    if scenario.objective in _UNIQUE:
        return msg(
            "half the weighted sum of squared deviations from the formula targets "
            "(억원², lower is better)"
        )
    if scenario.objective in ("goal", "formula"):
        return msg("weighted deviation from the formula targets (억원, lower is better)")
    if scenario.objective == "maxmin":
        return msg("smallest need-weighted per-capita amount (KRW, higher is better)")
    return msg("combined score (deviation share minus max-min share, lower is better)")


def _budget_words(data: _Data, sol: _Solution, x: np.ndarray) -> Msg:
    """The budget multiplier of a least-squares objective in planner words."""
    lam = sol.multiplier
    free = _free(data, x)
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


def _free(data: _Data, x: np.ndarray) -> np.ndarray:
    """Gu held by none of their bounds (nor by zero)."""
    labels = _binding_labels(data, x)
    return np.array([lab == "" for lab in labels]) & (x > _BIND_TOL)


def _shadow_prices(data: _Data, lp: _LP, sol: _Solution) -> pd.DataFrame:
    cols = ["constraint", "group", "adm_code", "name_ko", "rhs", "improvement", "text"]
    if sol.improvement is None:
        return pd.DataFrame(columns=cols)
    s = data.scenario
    imp = sol.improvement.copy()
    if s.objective == "maxmin":
        # z is in 억원 of "budget at need share"; convert to KRW per (need-weighted) person.
        imp = imp * _KRW_PER_EOK / float(data.pop.sum())
    rows = []
    goal_rows = np.flatnonzero(lp.row_group == "goal")
    budget_total = float(imp[0] + np.dot(imp[goal_rows], data.dtarget_db))
    text = msg(
        "one more 억원 of total budget (formula targets rescaled) {effect}",
        effect=_effect(s, budget_total),
    )
    if s.objective in _UNIQUE and sol.values is not None:
        x = sol.values[: data.n]
        # d/dB of ½Σw(x−t)² with t = t(B): λ − Σ w (x − t) ∂t/∂B.
        budget_total = float(imp[0] + np.dot(data.weight * (x - data.target), data.dtarget_db))
        text = _budget_words(data, sol, x)
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
    lo_val = 0.0 if sol.values is None else float(sol.values[_columns(data.n)["lo"]])
    per_tenth = float(imp[r_ratio]) * lo_val * 0.1
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


def _rounded(data: _Data, x: np.ndarray, unit: float) -> np.ndarray:
    """The envelopes in whole units (Webster), within each gu's bounds; the total stays exact."""
    from cgresearch.allocation.envelope_lp import _box
    from cgresearch.allocation.rounding import round_to_units

    s = data.scenario
    smallest = float(x[x > 0].min(initial=math.inf))
    if unit > smallest:
        raise ParameterError(
            f"scenario '{s.name}': rounding_unit_eok = {unit:g}억원 is larger than the smallest "
            f"envelope ({smallest:.4g}억원): use a smaller unit (e.g. 0.01 for 100만원)"
        )
    lo, hi = _box(data)
    keys = data.districts["adm_code"].to_numpy()
    return round_to_units(
        x, unit, total=s.total_budget_eok, lower=lo, upper=hi, keys=keys, method="webster"
    )


def _result(data: _Data, lp: _LP, sol: _Solution, diagnosis: Any = None) -> EnvelopeResult:
    s = data.scenario
    x = None if sol.values is None else sol.values[: data.n].copy()
    if x is not None:
        x[np.abs(x) < 1e-12] = 0.0
    ok = sol.status == "optimal" and x is not None
    if ok and s.rounding_unit_eok is not None:
        x = _rounded(data, x, s.rounding_unit_eok)
    value = _objective_value(data, x) if ok else None
    return EnvelopeResult(
        scenario=s,
        status=sol.status,
        message=(
            diagnosis.message
            if diagnosis is not None
            else (
                f"optimal allocation found: {_objective_label(s)} = {value:,.6g}"
                if ok and s.objective != "formula"
                else sol.message
            )
        ),
        objective_value=value,
        objective_label=_objective_label(s),
        metrics=_metrics_of(data, x) if x is not None else {},
        diagnosis=diagnosis,
        time_s=sol.time_s,
        log=sol.log,
        amounts=x,
        _data=data,
        _lp=lp,
        _sol=sol,
    )


_EMPTY = _Solution("not_solved", "", None, None, 0.0)


#: Changes smaller than half a displayed unit (0.01억원 = 100만원) count as unchanged, so no
#: summary says "1 gu loses 0.00억원".
_COMPARE_TOL = 0.005


def compare(result_a: EnvelopeResult, result_b: EnvelopeResult) -> pd.DataFrame:
    """Return who gains and who loses going from scenario A to scenario B.

    A change of less than 0.005억원 (half of the 0.01억원 shown) is ``unchanged``.

    Returns
    -------
    DataFrame
        One row per gu, sorted by ``change_eok`` (largest gain first): ``adm_code``,
        ``name_ko``, ``name_en``, ``amount_a_eok``, ``amount_b_eok``, ``change_eok``,
        ``change_pct``, ``per_capita_a_krw``, ``per_capita_b_krw``, ``outcome``
        (``gains``/``loses``/``unchanged``).

    Examples
    --------
    >>> import pandas as pd
    >>> from cgresearch.allocation import Scenario, solve_envelopes
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> a = solve_envelopes(d, Scenario(name="a", total_budget_eok=20))
    >>> b = solve_envelopes(d, Scenario(name="b", total_budget_eok=20, floor_eok=9))
    >>> compare(a, b)["outcome"].tolist()
    ['gains', 'loses']
    """
    for label, res in (("A", result_a), ("B", result_b)):
        if not res.ok:
            raise ModelError(
                f"compare: scenario {label} ('{res.scenario.name}') has no allocation "
                f"({res.status}): {res.message}"
            )
    a = result_a.table[["adm_code", "name_ko", "name_en", "amount_eok", "per_capita_krw"]]
    b = result_b.table[["adm_code", "amount_eok", "per_capita_krw"]]
    if set(a["adm_code"]) != set(b["adm_code"]):
        raise ParameterError("compare: the two results cover different districts")
    m = a.merge(b, on="adm_code", suffixes=("_a", "_b"))
    change = m["amount_eok_b"] - m["amount_eok_a"]
    tol = _COMPARE_TOL
    out = pd.DataFrame(
        {
            "adm_code": m["adm_code"],
            "name_ko": m["name_ko"],
            "name_en": m["name_en"],
            "amount_a_eok": m["amount_eok_a"],
            "amount_b_eok": m["amount_eok_b"],
            "change_eok": change,
            "change_pct": np.where(
                m["amount_eok_a"] > 0,
                100 * change / m["amount_eok_a"].where(lambda v: v > 0),
                np.nan,
            ),
            "per_capita_a_krw": m["per_capita_krw_a"],
            "per_capita_b_krw": m["per_capita_krw_b"],
            "outcome": np.where(
                change > tol, "gains", np.where(change < -tol, "loses", "unchanged")
            ),
        }
    )
    out.attrs["scenario_a"] = result_a.scenario.name
    out.attrs["scenario_b"] = result_b.scenario.name
    return out.sort_values("change_eok", ascending=False, kind="stable").reset_index(drop=True)

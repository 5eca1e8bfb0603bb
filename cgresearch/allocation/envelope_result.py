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

from cgresearch.allocation.binding import BIND_TOL, binding_labels
from cgresearch.allocation.envelope_lp import EnvelopeData, EnvelopeLP, EnvelopeSolution
from cgresearch.allocation.explain import bound_lists, district_explanations
from cgresearch.allocation.metrics import gini_arrays, theil_arrays
from cgresearch.allocation.scenario import Scenario
from cgresearch.allocation.shadow_prices import (
    UNIQUE_OBJECTIVES,
    condensed_prices,
    objective_wording,
    shadow_price_table,
)
from cgresearch.allocation.targets import KRW_PER_EOK, per_capita_amount
from cgresearch.errors import ModelError, ParameterError, localized
from cgresearch.formatting import format_eok
from cgresearch.i18n import Lang, tr

__all__ = [
    "EnvelopeResult",
    "build_result",
    "compare",
]


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
        One plain sentence (for an infeasible scenario, the quick diagnosis; :meth:`summary`
        gives the full one).
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
        Why an infeasible scenario cannot be met, in full: an irreducible conflict and the
        smallest fixes (``None`` when it can be met). Made on first use when the solve
        recorded only the quick diagnosis (a few dozen LPs, so a sweep never pays for it).
    quick_diagnosis : Diagnosis or None
        The diagnosis made when solving: the cheap one (box sums, at most one elastic LP), or
        the full one when it was asked for (``EnvelopeModel.solve(diagnose=True)``).
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
    quick_diagnosis: Any = None
    time_s: float = 0.0
    log: str = field(default="", repr=False)
    amounts: np.ndarray | None = field(default=None, repr=False)
    _data: Any = field(default=None, repr=False, compare=False)
    _lp: Any = field(default=None, repr=False, compare=False)
    _sol: Any = field(default=None, repr=False, compare=False)
    _full_diagnosis: Any = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def diagnosis(self) -> Any:
        """The full diagnosis of an infeasible scenario (made on first use; see the class)."""
        full = self._full_diagnosis
        return full() if callable(full) else full

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
        return shadow_price_table(self._data, self._lp, sol)

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
        return district_explanations(self._data, x, self._sol, labels, lang)

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
            # A summary is read by a planner: the full explanation (made on first use).
            diag = self.diagnosis
            message = diag.message if diag is not None else self.message
            lines.append(
                tr(
                    "status: {status}: {message}",
                    lang,
                    status=self.status,
                    message=localized(message, lang),  # the full diagnosis, in lang
                )
            )
        else:
            m = self.metrics
            lines.append(
                tr(
                    "status: optimal; {label} = {value}",
                    lang,
                    label=objective_wording(s, lang),
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
            top = amounts[amounts >= amounts.max() - BIND_TOL]
            bottom = amounts[amounts <= amounts.min() + BIND_TOL]
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
            for text in condensed_prices(self.shadow_prices, s):
                lines.append(f"- {localized(text, lang)}")
        return "\n".join(lines)


def _objective_value(data: EnvelopeData, x: np.ndarray) -> float:
    s = data.scenario
    dev = float(np.dot(data.weight, np.abs(x - data.target)))
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    if s.objective in UNIQUE_OBJECTIVES:
        return 0.5 * float(np.dot(data.weight, (x - data.target) ** 2))
    if s.objective in ("goal", "formula"):
        return dev
    if s.objective == "maxmin":
        return zmin * KRW_PER_EOK / data.pop.sum()
    total = sum(s.combination.values())
    scale = s.total_budget_eok if s.total_budget_eok > 0 else 1.0
    a = s.combination.get("goal", 0.0) / total
    b = s.combination.get("maxmin", 0.0) / total
    return a * dev / scale - b * zmin / scale


def _district_columns(data: EnvelopeData, x: np.ndarray | None) -> dict[str, np.ndarray]:
    amount = np.full(data.n, np.nan) if x is None else x.copy()
    binding = [""] * data.n if x is None else binding_labels(data, x)
    return {
        "population": data.pop.astype(np.int64).astype(float),
        "amount_eok": amount,
        "per_capita_krw": per_capita_amount(amount, data.pop),
        "previous_eok": data.previous,
        "change_eok": amount - data.previous,
        "target_eok": data.target,
        "deviation_eok": amount - data.target,
        "binding": np.array(binding, dtype=object),
    }


def _table(data: EnvelopeData, x: np.ndarray | None, cols: dict[str, np.ndarray]) -> pd.DataFrame:
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


def _metrics_of(data: EnvelopeData, x: np.ndarray | None) -> dict[str, float]:
    if x is None:
        return {}
    pc = np.maximum(x, 0.0) * data.k  # KRW per person (populations are > 0)
    ones = np.ones_like(pc)
    zmin = float(np.min(x / np.where(data.sigma > 0, data.sigma, np.nan)))
    return {
        "total_eok": float(x.sum()),
        "gini": gini_arrays(pc, ones),
        "theil": theil_arrays(pc, ones),
        "max_min_ratio": float(pc.max() / pc.min()) if pc.min() > 0 else math.inf,
        "gini_pop": gini_arrays(pc, data.pop),
        "theil_pop": theil_arrays(pc, data.pop),
        "min_need_weighted_per_capita_krw": zmin * KRW_PER_EOK / float(data.pop.sum()),
        "total_abs_deviation_eok": float(np.abs(x - data.target).sum()),
    }


def _rounded(data: EnvelopeData, x: np.ndarray, unit: float) -> np.ndarray:
    """The envelopes in whole units (Webster), within each gu's bounds; the total stays exact."""
    from cgresearch.allocation.envelope_lp import box_bounds
    from cgresearch.allocation.rounding import round_to_units

    s = data.scenario
    smallest = float(x[x > 0].min(initial=math.inf))
    if unit > smallest:
        raise ParameterError(
            f"scenario '{s.name}': rounding_unit_eok = {unit:g}억원 is larger than the smallest "
            f"envelope ({smallest:.4g}억원): use a smaller unit (e.g. 0.01 for 100만원)"
        )
    lo, hi = box_bounds(data)
    keys = data.districts["adm_code"].to_numpy()
    return round_to_units(
        x, unit, total=s.total_budget_eok, lower=lo, upper=hi, keys=keys, method="webster"
    )


def build_result(
    data: EnvelopeData, lp: EnvelopeLP, sol: EnvelopeSolution, quick: Any = None, full: Any = None
) -> EnvelopeResult:
    """The result of a solve; ``quick`` is the diagnosis made now, ``full`` the full one or a
    callable that makes it on demand."""
    s = data.scenario
    x = None if sol.values is None else sol.values[: data.n].copy()
    if x is not None:
        x[np.abs(x) < 1e-12] = 0.0
    ok = sol.status == "optimal" and x is not None
    if ok and s.rounding_unit_eok is not None:
        x = _rounded(data, x, s.rounding_unit_eok)
    value = _objective_value(data, x) if ok else None
    if full is not None and not callable(full):
        quick = full if quick is None else quick
        said = full
    else:
        said = quick
    return EnvelopeResult(
        scenario=s,
        status=sol.status,
        message=(
            said.message
            if said is not None
            else (
                f"optimal allocation found: {objective_wording(s)} = {value:,.6g}"
                if ok and s.objective != "formula"
                else sol.message
            )
        ),
        objective_value=value,
        objective_label=objective_wording(s),
        metrics=_metrics_of(data, x) if x is not None else {},
        quick_diagnosis=quick,
        time_s=sol.time_s,
        log=sol.log,
        amounts=x,
        _data=data,
        _lp=lp,
        _sol=sol,
        _full_diagnosis=full,
    )


_EMPTY = EnvelopeSolution("not_solved", "", None, None, 0.0)


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
    # the scenarios as readers know them, by language (figures show these, never the names)
    out.attrs["label_a"] = {k: result_a.scenario.label(k) for k in ("ko", "en")}
    out.attrs["label_b"] = {k: result_b.scenario.label(k) for k in ("ko", "en")}
    return out.sort_values("change_eok", ascending=False, kind="stable").reset_index(drop=True)

"""Formula targets: how much each gu would get by the scenario's formula, before any bound.

``weighted`` rule: every gu gets ``base_eok`` and the rest, ``B − n·base``, is split by weighted
indicator shares, ``t_i = base + (B − n·base) Σ_k ω_k s_ik`` with ``s_ik = indicator_ik / Σ_j
indicator_jk`` and ``ω_k = weight_k / weights_sum``. ``shortfall`` rule, modelled on Seoul's
equalisation grant (조정교부금): ``general_share`` of ``B`` by each gu's share of the fiscal
shortfall proxy ``fiscal_need = population × (1 − 재정자립도/100)``, the rest equally.

Indicators come in two forms (:data:`INDICATOR_FORMS`). A *count* (``pop``, ``elderly``,
``area``, ``dong``, ``fiscal_need``) is split by its share of the Seoul total, so a gu with twice
the residents gets twice the money: ``elderly`` and ``fiscal_need`` grow with population and are
largely population in disguise. A *rate* (``elderly_rate`` = 65+ / population, ``fiscal_gap`` =
1 − 재정자립도/100, ``density`` = population / km²) measures need per resident or per km²; its
share is ``rate_i / Σ_j rate_j``, the same for a small and a large gu of equal rate.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation.scenario import Scenario
>>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
...                   "pop_total_2017q1": [100_000, 300_000]})
>>> formula_allocation(d, Scenario(name="f", total_budget_eok=20))["amount_eok"].tolist()
[7.5, 12.5]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.allocation.scenario import Scenario
from cgresearch.errors import InputError, ParameterError

__all__ = [
    "INDICATOR_FORMS",
    "KRW_PER_EOK",
    "POPULATION_COLUMN",
    "check_districts",
    "formula_allocation",
    "indicator_column",
    "per_capita_amount",
    "target_amounts",
]

_INDICATOR_COLUMNS = {
    "pop": "pop_total_2017q1",
    "elderly": "pop_65plus_2017q1",
    "area": "area_km2_2014",
    "dong": "n_admin_dong_2022_03_09",
}
POPULATION_COLUMN = "pop_total_2017q1"
_ELDERLY = "pop_65plus_2017q1"
_AREA = "area_km2_2014"
_FISCAL = "fiscal_independence_pct_kosis_year_unverified"
KRW_PER_EOK = 1e8

#: Each indicator's form: ``equal`` (``base``), ``count`` (a share of the Seoul total, grows with
#: the gu's size) or ``rate`` (per resident or per km²; shares ``rate_i / Σ rate_j``).
INDICATOR_FORMS: dict[str, str] = {
    "base": "equal",
    "pop": "count",
    "elderly": "count",
    "area": "count",
    "dong": "count",
    "fiscal_need": "count",
    "elderly_rate": "rate",
    "fiscal_gap": "rate",
    "density": "rate",
}


# --- inputs -------------------------------------------------------------------------------------
def indicator_column(
    districts: pd.DataFrame, col: str, why: str, memo: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    if memo is not None and col in memo:
        return memo[col]
    if col not in districts.columns:
        raise InputError(
            f"district table: column '{col}' is missing; it is needed for {why} "
            "(load the table with cgresearch.data.load_districts())"
        )
    values = pd.to_numeric(districts[col], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"district table, row {i}, column '{col}': value {districts[col].iloc[i]!r} must be "
            "a finite number ≥ 0"
        )
    if memo is not None:
        memo[col] = values
    return values


def _indicator(districts: pd.DataFrame, key: str, memo: dict | None = None) -> np.ndarray:
    n = len(districts)
    if key == "base":
        return np.ones(n)
    if key in ("fiscal_need", "fiscal_gap"):
        fi = indicator_column(districts, _FISCAL, f"the {key} indicator", memo)
        if np.any(fi > 100):
            raise InputError(f"district table, column '{_FISCAL}': percentages must be ≤ 100")
        gap = 1.0 - fi / 100.0
        if key == "fiscal_gap":
            return gap
        return (
            indicator_column(districts, POPULATION_COLUMN, "the fiscal_need indicator", memo) * gap
        )
    if key in ("elderly_rate", "density"):
        pop = indicator_column(districts, POPULATION_COLUMN, f"the {key} indicator", memo)
        other = _ratio_base(districts, key, memo)
        return other / pop if key == "elderly_rate" else pop / other
    return indicator_column(districts, _INDICATOR_COLUMNS[key], f"the '{key}' weight", memo)


def _ratio_base(districts: pd.DataFrame, key: str, memo: dict | None) -> np.ndarray:
    """The 65+ count (``elderly_rate``) or the area (``density``), with the population > 0."""
    pop = indicator_column(districts, POPULATION_COLUMN, f"the {key} indicator", memo)
    col = _ELDERLY if key == "elderly_rate" else _AREA
    other = indicator_column(districts, col, f"the {key} indicator", memo)
    zero = (pop if key == "elderly_rate" else other) <= 0
    if zero.any():
        i = int(np.flatnonzero(zero)[0])
        bad = POPULATION_COLUMN if key == "elderly_rate" else col
        raise InputError(
            f"district table, row {i}, column '{bad}': 0 cannot divide the {key} indicator; "
            "give a positive value"
        )
    return other


def _shares(districts: pd.DataFrame, scenario: Scenario, memo: dict | None = None) -> np.ndarray:
    """Target shares ∂t_i/∂(B − n·base): Σ_k ω_k s_ik (weighted) or the shortfall mix."""
    n = len(districts)
    if scenario.formula_rule == "shortfall":
        short = _indicator(districts, "fiscal_need", memo)
        if short.sum() <= 0:
            raise InputError("district table: the fiscal shortfall is zero in every gu")
        return scenario.general_share * short / short.sum() + (1 - scenario.general_share) / n
    share = np.zeros(n)
    for key, weight in scenario.weights.items():
        if weight == 0:
            continue
        ind = _indicator(districts, key, memo)
        if ind.sum() <= 0:
            raise InputError(f"district table: indicator '{key}' is zero in every gu")
        share += weight / scenario.weights_sum * ind / ind.sum()
    return share


def target_amounts(
    districts: pd.DataFrame, scenario: Scenario, memo: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the formula targets t (억원) and their derivative ∂t/∂B."""
    n = len(districts)
    budget = scenario.total_budget_eok
    share = _shares(districts, scenario, memo)
    if scenario.formula_rule == "shortfall":
        return budget * share, share
    base = scenario.base_eok
    if n * base > budget + 1e-9:
        raise ParameterError(
            f"scenario '{scenario.name}': base_eok = {base:g} for each of {n} gu is "
            f"{n * base:g}억원, above the total of {budget:g}억원: lower base_eok or raise "
            "total_budget_eok"
        )
    return base + max(budget - n * base, 0.0) * share, share


def check_districts(districts: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(districts, pd.DataFrame) or len(districts) == 0:
        raise InputError("district table: give a non-empty DataFrame (one row per gu)")
    for col in ("adm_code", "name_ko"):
        if col not in districts.columns:
            raise InputError(f"district table: column '{col}' is missing")
    if districts["adm_code"].duplicated().any():
        dup = districts.loc[districts["adm_code"].duplicated(), "adm_code"].iloc[0]
        raise InputError(f"district table, column 'adm_code': {dup} appears twice")
    out = districts.reset_index(drop=True)
    if "name_en" not in out.columns:
        out = out.assign(name_en=out["name_ko"])
    return out


def formula_allocation(districts: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the formula amounts of every district (bounds are not applied).

    Parameters
    ----------
    districts : DataFrame
        One row per gu (``adm_code``, ``name_ko``, ``pop_total_2017q1`` and the indicator
        columns the scenario's weights use).
    scenario : Scenario
        Uses ``total_budget_eok``, ``formula_rule``, ``weights``, ``base_eok``,
        ``general_share``.

    Returns
    -------
    DataFrame
        ``adm_code``, ``name_ko``, ``name_en``, ``amount_eok``, ``share``, ``per_capita_krw``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
    ...                   "pop_total_2017q1": [100_000, 300_000]})
    >>> s = Scenario(name="f", total_budget_eok=20, weights={"base": 0.5, "pop": 0.5})
    >>> formula_allocation(d, s)["amount_eok"].tolist()   # 5 + 2.5, 5 + 7.5
    [7.5, 12.5]
    """
    d = check_districts(districts)
    target, _ = target_amounts(d, scenario)
    pop = indicator_column(d, POPULATION_COLUMN, "per-capita amounts")
    total = target.sum()
    return pd.DataFrame(
        {
            "adm_code": d["adm_code"].to_numpy(),
            "name_ko": d["name_ko"].to_numpy(),
            "name_en": d["name_en"].to_numpy(),
            "amount_eok": target,
            "share": target / total if total > 0 else np.zeros(len(d)),
            "per_capita_krw": per_capita_amount(target, pop),
        }
    )


def per_capita_amount(amount: np.ndarray, pop: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pop > 0, amount * KRW_PER_EOK / np.where(pop > 0, pop, 1), np.nan)

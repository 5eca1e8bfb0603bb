"""Synthetic CG evaluation panel: 25 gu × 3 years × the indicators of the evaluation framework.

No public per-gu data exists for most of what a Seoul CG evaluation scores (plan quality of the
local CG implementation plan (LCGIP), borough CG committee (BCGC) operation, participation,
partnership and outcomes, Seoul Compact implementation), so this module draws them from a seeded
model: each gu has a latent CG capacity, each pillar a gu-specific deviation from it, each year a
small common improvement; an indicator maps its latent score through a normal CDF into its real
unit range (percent, count per 10,000 residents, 1-5 Likert mean, days...). A few values are
missing at random (never a whole indicator-year), and one indicator, registered NPOs per 100,000
residents, is skewed on purpose (the central business gu register most NPOs), so outlier treatment
has something to treat. The latent capacity of 성동구 is set above every other gu's, so the
synthetic index agrees with the one published grade (성동구 "가" in the 2021 evaluation, S24).

Real indicators come from ``data/raw/seoul/districts.csv`` (fiscal independence, share 65+,
population density; one snapshot, repeated each year) and ``governance_budget_facts.csv``/README
(a 민관협치회의 was set up in 24 gu, every gu but 서초구, S21/S22). Every row carries
``data_label`` = ``"synthetic"`` (the table mixes synthetic and real columns; which is which is in
:data:`EVALUATION_INDICATORS` and in the framework's ``source`` field).

Examples
--------
>>> from cgresearch.data.synth.evaluation import generate_evaluation_panel
>>> panel = generate_evaluation_panel(seed=1)
>>> panel.shape[0], sorted(panel["year"].unique().tolist())
(75, [2021, 2022, 2023])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from cgresearch.data.districts import load_districts
from cgresearch.data.synth._common import SYNTHETIC_LABEL
from cgresearch.data.synth.evaluation_framework import (
    EVALUATION_INDICATORS,
    EVALUATION_PILLARS,
    IndicatorSpec,
    Pillar,
    evaluation_meta,
    framework_frame,
    framework_toml,
)
from cgresearch.errors import ParameterError

__all__ = [
    "EVALUATION_INDICATORS",
    "EVALUATION_PILLARS",
    "EvaluationParams",
    "IndicatorSpec",
    "Pillar",
    "evaluation_meta",
    "framework_frame",
    "framework_toml",
    "generate_evaluation_panel",
    "panel_year",
]


#: Real columns of ``districts.csv`` behind the CTX indicators.
_REAL_COLUMNS = {
    "ctx_fiscal_indep": "fiscal_independence_pct_kosis_year_unverified",
    "ctx_share_65plus": "share_65plus_2017q1_pct",
}


@dataclass(frozen=True)
class EvaluationParams:
    """Documented parameters of :func:`generate_evaluation_panel`.

    Attributes
    ----------
    years : tuple of int
        Evaluation years (the panel has one row per gu and year).
    pillar_sd : float
        Spread of a gu's pillar score around its overall latent capacity.
    noise_sd : float
        Indicator-level noise on the latent scale.
    trend : float
        Common yearly improvement on the latent scale.
    missing_share : float
        Share of synthetic cells set missing at random (never a whole indicator-year).
    npo_outlier_factor : float
        How many times more NPOs per resident the central business gu (종로구, 중구) register.
    """

    years: tuple[int, ...] = (2021, 2022, 2023)
    pillar_sd: float = 0.7
    noise_sd: float = 0.45
    trend: float = 0.15
    missing_share: float = 0.03
    npo_outlier_factor: float = 6.0


def generate_evaluation_panel(
    params: EvaluationParams | None = None, seed: int = 20260413
) -> pd.DataFrame:
    """Draw the evaluation panel: one row per gu and year, one column per indicator.

    Parameters
    ----------
    params : EvaluationParams, optional
        Generator parameters (defaults documented there).
    seed : int
        Seed of the random generator; the same seed gives the same panel.

    Returns
    -------
    DataFrame
        Columns ``year``, ``adm_code``, ``name_ko``, ``name_en``, then one column per indicator
        code of :data:`EVALUATION_INDICATORS` (float, NaN = missing), then ``data_label``.

    Examples
    --------
    >>> p = generate_evaluation_panel(seed=3)
    >>> int(p.loc[p["name_ko"] == "서초구", "bcgc_established"].max())
    0
    """
    prm = params or EvaluationParams()
    if not prm.years or len(set(prm.years)) != len(prm.years):
        raise ParameterError("EvaluationParams.years: give at least one year, each once")
    if not 0 <= prm.missing_share < 0.5:
        raise ParameterError("EvaluationParams.missing_share must be in [0, 0.5)")
    rng = np.random.default_rng(seed)
    d = load_districts()
    n, years = len(d), list(prm.years)
    pillars = [p.code for p in EVALUATION_PILLARS if p.code != "CTX"]
    capacity = rng.normal(0.0, 1.0, n)
    # the one published grade: 성동구 got the top "가" in the 2021 evaluation (S24)
    top = (d["name_ko"] == "성동구").to_numpy()
    capacity[top] = capacity.max() + 0.3
    pillar_z = {p: capacity + rng.normal(0.0, prm.pillar_sd, n) for p in pillars}
    pop = d["pop_total_2017q1"].to_numpy(float)
    npo_base = np.exp(rng.normal(np.log(9.0), 0.35, n) + 0.2 * capacity)
    central = d["name_ko"].isin(["종로구", "중구"]).to_numpy()
    npo_base = np.where(central, npo_base * prm.npo_outlier_factor, npo_base)
    rows = []
    for t, year in enumerate(years):
        frame = pd.DataFrame(
            {
                "year": year,
                "adm_code": d["adm_code"].to_numpy(),
                "name_ko": d["name_ko"].to_numpy(),
                "name_en": d["name_en"].to_numpy(),
            }
        )
        for spec in EVALUATION_INDICATORS:
            frame[spec.code] = _values(spec, d, pillar_z, t, prm, rng, npo_base, pop)
        rows.append(frame)
    panel = pd.concat(rows, ignore_index=True)
    synthetic = [s.code for s in EVALUATION_INDICATORS if s.source == "synthetic"]
    _knock_out(panel, synthetic, prm.missing_share, rng)
    panel["data_label"] = SYNTHETIC_LABEL
    return panel


def _values(
    spec: IndicatorSpec,
    d: pd.DataFrame,
    pillar_z: dict[str, np.ndarray],
    t: int,
    prm: EvaluationParams,
    rng: np.random.Generator,
    npo_base: np.ndarray,
    pop: np.ndarray,
) -> np.ndarray:
    n = len(d)
    if spec.code in _REAL_COLUMNS:
        return d[_REAL_COLUMNS[spec.code]].to_numpy(float)
    if spec.code == "ctx_density":
        return np.round(pop / d["area_km2_2014"].to_numpy(float), 0)
    if spec.code == "bcgc_established":
        return (d["name_ko"] != "서초구").to_numpy(float)  # S21, S22: every gu but 서초구
    if spec.code == "ptnr_npo":
        drift = np.exp(rng.normal(0.02 * t, 0.05, n))
        return np.round(npo_base * drift, spec.decimals)
    z = pillar_z[spec.pillar] + prm.trend * t + rng.normal(0.0, prm.noise_sd, n)
    share = ndtr(spec.direction * z / np.sqrt(1.0 + prm.noise_sd**2))
    return np.round(spec.lo + (spec.hi - spec.lo) * share, spec.decimals)


def _knock_out(
    panel: pd.DataFrame, codes: list[str], share: float, rng: np.random.Generator
) -> None:
    """Set about ``share`` of the cells of ``codes`` missing, keeping >= 20 values per year."""
    if share <= 0:
        return
    for code in codes:
        for _, idx in panel.groupby("year").groups.items():
            hit = rng.random(len(idx)) < share
            if hit.sum() > len(idx) - 20:
                hit[:] = False
            panel.loc[np.asarray(idx)[hit], code] = np.nan


def panel_year(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return one year of the panel as index data: index ``adm_code``, one column per indicator.

    Examples
    --------
    >>> p = generate_evaluation_panel(seed=1)
    >>> panel_year(p, 2023).shape
    (25, 33)
    """
    codes = [s.code for s in EVALUATION_INDICATORS]
    sub = panel[panel["year"] == year]
    if sub.empty:
        have = sorted(panel["year"].unique().tolist())
        raise ParameterError(f"panel_year: no year {year} in the panel; it has {have}")
    return sub.set_index("adm_code")[codes].astype(float)

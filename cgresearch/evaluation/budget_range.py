"""The evaluation decides the tier: envelopes under the evaluation's grades, with their range.

Under the nominal grades each gu gets one envelope (:func:`~cgresearch.evaluation.grades.
grades_to_scenario` → :func:`~cgresearch.allocation.solve_envelopes`). The Monte Carlo of
:func:`~cgresearch.evaluation.uncertainty.monte_carlo_index` gives a grade vector per draw; many
draws share a vector, so the envelope model is solved once per distinct vector (the most frequent
``max_vectors`` of them, their share of the draws reported as ``coverage``), and each gu's range
is the lowest and highest envelope over those solves.

Examples
--------
>>> # r = envelope_ranges(load_districts(), load_scenario("scenarios/tiers_9_11.toml"), mc)
>>> # r.table[["name_ko", "grade", "amount_eok", "low_eok", "high_eok"]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation.grades import grades_to_scenario
from cgresearch.evaluation.uncertainty import UncertaintyResult, grades_from_ranks

if TYPE_CHECKING:  # cgresearch.data imports the evaluation room; allocation imports data
    from cgresearch.allocation.scenario import Scenario

__all__ = ["EnvelopeRanges", "envelope_ranges", "grade_vectors"]


def grade_vectors(result: UncertaintyResult) -> pd.DataFrame:
    """The distinct grade vectors of the Monte Carlo draws, most frequent first.

    Returns
    -------
    DataFrame
        One row per distinct vector: one column per unit (its grade), then ``draws`` (how
        many draws gave it) and ``share`` (of all draws).

    Examples
    --------
    >>> # grade_vectors(mc).head(3)
    """
    names = np.array([g for g, _ in result.spec.grade_shares])
    codes = grades_from_ranks(result.ranks, result.spec.grade_shares)  # (n_units, n_draws)
    uniq, counts = np.unique(codes.T, axis=0, return_counts=True)
    order = np.lexsort((np.arange(len(counts)), -counts))
    table = pd.DataFrame(names[uniq[order]], columns=pd.Index(result.units))
    table["draws"] = counts[order]
    table["share"] = counts[order] / result.n_draws
    return table


@dataclass(frozen=True)
class EnvelopeRanges:
    """Envelopes under the nominal grades and their range over the drawn grades.

    Attributes
    ----------
    table : DataFrame
        One row per gu: ``adm_code, name_ko, name_en, grade`` (nominal), ``p_grade`` (its
        probability), ``amount_eok`` (nominal envelope), ``low_eok``, ``high_eok``.
    vectors : DataFrame
        The grade vectors solved (:func:`grade_vectors` rows) with ``status``.
    coverage : float
        Share of the draws whose grade vector was solved.
    """

    table: pd.DataFrame
    vectors: pd.DataFrame
    coverage: float


def envelope_ranges(
    districts: pd.DataFrame,
    scenario: Scenario,
    result: UncertaintyResult,
    *,
    max_vectors: int = 30,
) -> EnvelopeRanges:
    """Solve the envelopes under the nominal grades and under the most frequent drawn grades.

    Parameters
    ----------
    districts : DataFrame
        The 25 gu (:func:`cgresearch.data.load_districts`).
    scenario : Scenario
        An envelope scenario with ``tiers`` for every grade of ``result.spec.grade_shares``.
    result : UncertaintyResult
        From :func:`~cgresearch.evaluation.uncertainty.monte_carlo_index` on units =
        ``adm_code``.
    max_vectors : int
        How many distinct grade vectors to solve at most (most frequent first).

    Returns
    -------
    EnvelopeRanges

    Raises
    ------
    ParameterError
        ``max_vectors < 1``, or a grade without a tier in the scenario.
    ModelError
        The scenario is infeasible under the nominal grades.
    """
    from cgresearch.allocation.envelopes import solve_envelopes

    if max_vectors < 1:
        raise ParameterError("envelope_ranges: max_vectors must be at least 1")
    nominal = solve_envelopes(
        districts, grades_to_scenario(result.nominal_grades.to_dict(), scenario)
    )
    if nominal.status != "optimal":
        raise ModelError(
            f"scenario '{scenario.name}' is {nominal.status} under the evaluation's grades: "
            f"{nominal.message}; widen the tiers or change the total"
        )
    base = nominal.table.set_index("adm_code")["amount_eok"]
    vectors = grade_vectors(result).head(max_vectors).copy()
    units = list(result.units)
    amounts = []
    status = []
    for _, row in vectors.iterrows():
        sol = solve_envelopes(districts, grades_to_scenario(row[units].to_dict(), scenario))
        status.append(sol.status)
        if sol.status == "optimal":
            amounts.append(sol.table.set_index("adm_code")["amount_eok"].reindex(base.index))
    vectors["status"] = status
    solved = pd.concat(amounts, axis=1) if amounts else base.to_frame()
    solved = pd.concat([solved, base], axis=1)
    table = nominal.table[["adm_code", "name_ko", "name_en"]].copy()
    grade = result.nominal_grades.reindex(table["adm_code"]).to_numpy()
    table["grade"] = grade
    probs = result.grade_probabilities.reindex(table["adm_code"])
    table["p_grade"] = [probs.iloc[i][g] for i, g in enumerate(grade)]
    table["amount_eok"] = base.to_numpy()
    table["low_eok"] = solved.min(axis=1).to_numpy()
    table["high_eok"] = solved.max(axis=1).to_numpy()
    coverage = float(vectors.loc[vectors["status"] == "optimal", "share"].sum())
    return EnvelopeRanges(table=table.reset_index(drop=True), vectors=vectors, coverage=coverage)

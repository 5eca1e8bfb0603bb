"""Envelopes under the evaluation's grades and their Monte Carlo range."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.allocation import load_scenario
from cgresearch.data import load_districts
from cgresearch.data.synth.evaluation import framework_frame, generate_evaluation_panel, panel_year
from cgresearch.errors import ParameterError
from cgresearch.evaluation import GradeRule, UncertaintySpec, monte_carlo_index, rank_shares
from cgresearch.evaluation.budget_range import envelope_ranges, grade_vectors
from cgresearch.evaluation.uncertainty import UncertaintyResult

SHARES = (("가", 1 / 3), ("나", 1 / 3), ("다", 1 / 3))


def _fake(ranks: np.ndarray) -> UncertaintyResult:
    n = ranks.shape[0]
    empty = pd.DataFrame()
    return UncertaintyResult(
        rank_intervals=empty, grade_probabilities=empty, nominal_grades=pd.Series(dtype=object),
        sobol=empty, sobol_by_unit=empty, ranks=ranks, scores=-ranks.astype(float),
        choices=empty, factors=("weights",), n_draws=ranks.shape[1],
        spec=UncertaintySpec(grade_shares=SHARES), units=tuple(f"u{i}" for i in range(n)),
    )  # fmt: skip


def test_grade_vectors_count_the_distinct_draws_most_frequent_first() -> None:
    # 3 units, one per grade; draws: (1,2,3) twice, (2,1,3) once, (1,2,3) again -> 3 vs 1
    ranks = np.array([[1, 1, 2, 1], [2, 2, 1, 2], [3, 3, 3, 3]])
    v = grade_vectors(_fake(ranks))
    assert v[["u0", "u1", "u2"]].values.tolist() == [["가", "나", "다"], ["나", "가", "다"]]
    assert v["draws"].tolist() == [3, 1] and v["share"].tolist() == [0.75, 0.25]


@pytest.fixture(scope="module")
def ranges():
    x = panel_year(generate_evaluation_panel(seed=3), 2023)
    spec = UncertaintySpec(n_base=16, seed=5, grade_shares=rank_shares(GradeRule("quantiles"), 25))
    mc = monte_carlo_index(x, framework_frame(), spec, workers=0)
    tiers = load_scenario(paths.scenarios_dir() / "tiers_9_11.toml")
    return mc, envelope_ranges(load_districts(), tiers, mc, max_vectors=4)


def test_envelopes_meet_the_total_and_sit_in_their_tier_within_their_range(ranges) -> None:
    mc, r = ranges
    t = r.table
    # scenarios/tiers_9_11.toml: 250억원; 가 [10.5, 11], 나 [9.5, 10.5], 다 [9, 9.5]
    assert t["amount_eok"].sum() == pytest.approx(250.0, abs=1e-6)
    tiers = {"가": (10.5, 11.0), "나": (9.5, 10.5), "다": (9.0, 9.5)}
    lo, hi = t["grade"].map(lambda g: tiers[g][0]), t["grade"].map(lambda g: tiers[g][1])
    assert ((t["amount_eok"] >= lo - 1e-6) & (t["amount_eok"] <= hi + 1e-6)).all()
    assert (t["low_eok"] <= t["amount_eok"] + 1e-9).all()
    assert (t["amount_eok"] <= t["high_eok"] + 1e-9).all()
    assert t["low_eok"].min() >= 9.0 - 1e-6 and t["high_eok"].max() <= 11.0 + 1e-6
    assert (t["grade"].value_counts().sort_index() == [9, 8, 8]).all()  # tertiles of 25
    # coverage: the shares of the (at most 4) solved vectors
    v = grade_vectors(mc)
    assert len(r.vectors) == min(4, len(v))
    assert r.coverage == pytest.approx(v["share"].head(4).sum())
    assert (t["p_grade"] > 0).all() and (t["p_grade"] <= 1).all()


def test_max_vectors_below_one_is_refused(ranges) -> None:
    mc, _ = ranges
    tiers = load_scenario(paths.scenarios_dir() / "tiers_9_11.toml")
    with pytest.raises(ParameterError, match="max_vectors"):
        envelope_ranges(load_districts(), tiers, mc, max_vectors=0)

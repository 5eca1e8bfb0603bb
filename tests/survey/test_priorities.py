"""IPA, Borich needs scores, Locus for Focus and the combined priority, on data worked by hand.

The data set: 4 respondents x 3 items (A, B, C), importance I and performance P on 1..5.

    resp   I_A P_A   I_B P_B   I_C P_C
    1       5   2     4   4     3   4
    2       4   3     4   3     4   4
    3       5   2     3   3     4   5
    4       4   3     3   4     5   5

Item means (unweighted):
    A: I = 18/4 = 4.5,  P = 10/4 = 2.5,  gap I-P = (3+1+3+1)/4 = 2.0,   Borich = 2.0 * 4.5 = 9.0
    B: I = 14/4 = 3.5,  P = 14/4 = 3.5,  gap = (0+1+0-1)/4 = 0.0,        Borich = 0.0
    C: I = 16/4 = 4.0,  P = 18/4 = 4.5,  gap = (-1+0-1+0)/4 = -0.5,      Borich = -0.5 * 4.0 = -2.0
IPA with cut="mean": importance line = (4.5+3.5+4.0)/3 = 4.0, performance line = (2.5+3.5+4.5)/3
= 3.5. A: I 4.5 high, P 2.5 low -> Concentrate here. B: I 3.5 low, P 3.5 ON the line -> high ->
Possible overkill. C: I 4.0 ON the line -> high, P 4.5 high -> Keep up the good work.
LfF: importance line 4.0, gap line (2.0+0.0-0.5)/3 = 0.5. A: (4.5, 2.0) -> Q1. B: (3.5, 0.0) -> Q3.
C: (4.0 ON the line -> high, -0.5 low) -> Q4.
Combined: LfF Q1 = {A}, so k = 1, Borich top-1 = {A}: A 1st; B and C in neither -> 3rd.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.priorities import (
    borich,
    importance_performance,
    locus_for_focus,
    paired_gap_tests,
    pairs_from_prefixes,
    policy_priorities,
)


@pytest.fixture()
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "imp_A": [5, 4, 5, 4],
            "perf_A": [2, 3, 2, 3],
            "imp_B": [4, 4, 3, 3],
            "perf_B": [4, 3, 3, 4],
            "imp_C": [3, 4, 4, 5],
            "perf_C": [4, 4, 5, 5],
            "w": [1.0, 1.0, 1.0, 3.0],
        }
    )


@pytest.fixture()
def pairs(df) -> dict[str, tuple[str, str]]:
    return pairs_from_prefixes(df.columns)


def test_pairs_from_prefixes_matches_common_suffixes(df):
    assert pairs_from_prefixes(df.columns) == {
        "A": ("imp_A", "perf_A"),
        "B": ("imp_B", "perf_B"),
        "C": ("imp_C", "perf_C"),
    }


def test_ipa_mean_cut_places_items_and_ties_on_the_high_side(df, pairs):
    res = importance_performance(df, pairs, cut="mean")
    t = res.to_frame().set_index("item")
    assert res.y_cut == pytest.approx(4.0) and res.x_cut == pytest.approx(3.5)
    assert t["importance"].tolist() == [4.5, 3.5, 4.0]
    assert t["performance"].tolist() == [2.5, 3.5, 4.5]
    assert t["quadrant"].tolist() == [
        "Concentrate here",
        "Possible overkill",
        "Keep up the good work",
    ]
    assert t.loc["A", "quadrant_ko"] == "집중 개선"


def test_ipa_midpoint_cut_uses_scale_midpoint(df, pairs):
    # Midpoint of 1..5 is 3 on both axes: A (I 4.5, P 2.5) Concentrate here; B (3.5, 3.5) and
    # C (4.0, 4.5) Keep up the good work.
    res = importance_performance(df, pairs, cut="midpoint")
    assert (res.x_cut, res.y_cut) == (3.0, 3.0)
    assert res.table["quadrant"].tolist() == [
        "Concentrate here",
        "Keep up the good work",
        "Keep up the good work",
    ]


def test_ipa_median_and_fixed_cuts(df, pairs):
    # Medians of the item means: importance median(4.5, 3.5, 4.0) = 4.0; performance 3.5.
    med = importance_performance(df, pairs, cut="median")
    assert (med.x_cut, med.y_cut) == (3.5, 4.0)
    # Fixed lines (P 4.6, I 3.4): every P is below 4.6; every I is above 3.4 -> all "Concentrate".
    fixed = importance_performance(df, pairs, cut=(4.6, 3.4))
    assert fixed.cut == "fixed"
    assert set(fixed.table["quadrant"]) == {"Concentrate here"}


def test_borich_scores_and_ranks_unweighted(df, pairs):
    res = borich(df, pairs)
    t = res.to_frame()
    assert t["item"].tolist() == ["A", "B", "C"]
    assert t["borich"].tolist() == pytest.approx([9.0, 0.0, -2.0])
    assert t["rank"].tolist() == [1, 2, 3]
    assert res.top(2) == ["A", "B"]


def test_borich_weighted_uses_weighted_gap_and_importance(df, pairs):
    # Weights (1, 1, 1, 3), sum 6. Item A: weighted gap = (3+1+3+3*1)/6 = 10/6; weighted I =
    # (5+4+5+3*4)/6 = 26/6; Borich = 10/6 * 26/6 = 260/36. Unweighted Borich stays 9.0.
    # Item C: gap = (-1+0-1+0)/6 = -2/6; I = (3+4+4+15)/6 = 26/6; Borich = -52/36.
    res = borich(df, pairs, weights="w")
    t = res.to_frame().set_index("item")
    assert t.loc["A", "borich"] == pytest.approx(260 / 36)
    assert t.loc["A", "borich_unweighted"] == pytest.approx(9.0)
    assert t.loc["C", "borich"] == pytest.approx(-52 / 36)
    assert res.weighted


def test_borich_drops_incomplete_pairs_per_item(df, pairs):
    # Respondent 2 misses P_A: item A uses respondents 1, 3, 4 only: I = (5+5+4)/3 = 14/3,
    # gap = (3+3+1)/3 = 7/3, Borich = 98/9, N = 3; items B and C keep all four respondents.
    d = df.copy()
    d.loc[1, "perf_A"] = np.nan
    t = borich(d, pairs).to_frame().set_index("item")
    assert t.loc["A", "borich"] == pytest.approx(98 / 9)
    assert t.loc["A", "n"] == 3 and t.loc["B", "n"] == 4
    assert t.loc["B", "borich"] == pytest.approx(0.0)


def test_borich_ties_share_the_smallest_rank_and_enter_top_k_together():
    # Items X and Y have identical answers, so identical scores: both rank 1; Z (no gap) rank 3.
    d = pd.DataFrame(
        {
            "imp_X": [5, 4],
            "perf_X": [3, 3],
            "imp_Y": [5, 4],
            "perf_Y": [3, 3],
            "imp_Z": [3, 3],
            "perf_Z": [3, 3],
        }
    )
    res = borich(d, pairs_from_prefixes(d.columns))
    assert res.to_frame().set_index("item")["rank"].to_dict() == {"X": 1, "Y": 1, "Z": 3}
    assert res.top(1) == ["X", "Y"]


def test_locus_for_focus_quadrants_from_item_means(df, pairs):
    res = locus_for_focus(df, pairs)
    assert res.x_cut == pytest.approx(4.0) and res.y_cut == pytest.approx(0.5)
    assert res.to_frame()["quadrant"].tolist() == [1, 3, 4]
    assert res.first_quadrant == ["A"]


def test_combined_priority_default_k_is_size_of_lff_first_quadrant(df, pairs):
    res = policy_priorities(df, pairs)
    assert res.top_k == 1
    assert res.to_frame()["priority"].tolist() == [1, 3, 3]


def test_combined_priority_with_k_two_makes_second_borich_item_second_priority(df, pairs):
    # Borich top-2 = {A, B}; LfF Q1 = {A}: A in both -> 1, B in one -> 2, C in neither -> 3.
    t = policy_priorities(df, pairs, top_k=2).to_frame()
    assert t["priority"].tolist() == [1, 2, 3]
    assert t["in_borich_top"].tolist() == [True, True, False]
    assert t["in_lff_first"].tolist() == [True, False, False]


def test_unrecoded_dont_know_code_is_reported_with_row_and_column(df, pairs):
    d = df.copy()
    d.loc[2, "imp_B"] = 8
    with pytest.raises(InputError, match=r"Row 2, column 'imp_B': value 8 is outside the scale"):
        borich(d, pairs)


def test_bad_options_raise_parameter_errors(df, pairs):
    with pytest.raises(ParameterError, match="cut must be"):
        importance_performance(df, pairs, cut="average")
    with pytest.raises(ParameterError, match="needs scale"):
        importance_performance(df, pairs, cut="midpoint", scale=None)
    with pytest.raises(ParameterError, match="top_k"):
        policy_priorities(df, pairs, top_k=7)


def test_paired_gap_test_by_hand_on_a_simple_random_sample(df, pairs):
    # Each respondent its own PSU, no fpc: item A's gaps d = (3, 1, 3, 1), mean 2, sample variance
    # (1+1+1+1)/3 = 4/3, SE = sqrt(4/3 / 4) = sqrt(1/3); t = 2 * sqrt(3); df = degf - 1 = 3 - 1 = 2
    # (R's svyttest uses degf(design) - 1).
    res = paired_gap_tests(SurveyDesign(df), pairs)
    a = res.to_frame().set_index("item").loc["A"]
    assert a["gap"] == pytest.approx(2.0)
    assert a["se"] == pytest.approx(np.sqrt(1 / 3))
    assert a["t"] == pytest.approx(2 * np.sqrt(3))
    assert a["df"] == 2
    assert a["p_value"] == pytest.approx(2 * stats.t.sf(2 * np.sqrt(3), 2))
    assert a["importance"] == pytest.approx(4.5) and a["performance"] == pytest.approx(2.5)


_FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("case", "name", "ids", "strata", "fpc", "weights", "a", "b"),
    [
        ("paired_clus1_api00_api99", "clus1", "dnum", None, "fpc", "pw", "api00", "api99"),
        (
            "paired_clus2_api00_api99",
            "clus2",
            ["dnum", "snum"],
            None,
            ["fpc1", "fpc2"],
            None,
            "api00",
            "api99",
        ),
        ("paired_strat_acs46_acsk3", "strat", None, "stype", "fpc", "pw", "acs.46", "acs.k3"),
    ],
)
def test_paired_gap_test_equals_r_svyttest(case, name, ids, strata, fpc, weights, a, b):
    # R: svyttest(I(a - b) ~ 0, design, na.rm = TRUE) in tests/survey/fixtures/gaps_reference.R.
    ref = pd.read_csv(_FIX / "gaps_reference.csv", keep_default_na=False)
    ref = ref[ref["case"] == case].set_index("quantity")["value"].astype(float)
    data = pd.read_csv(_FIX / f"api{name}.csv")
    design = SurveyDesign(data, ids=ids, strata=strata, fpc=fpc, weights=weights)
    row = paired_gap_tests(design, {"x": (a, b)}, scale=None).table.iloc[0]
    assert row["gap"] == pytest.approx(ref["estimate"], rel=1e-8)
    assert row["t"] == pytest.approx(ref["t"], rel=1e-6)
    assert row["df"] == ref["df"]
    assert row["p_value"] == pytest.approx(ref["p"], rel=1e-6)
    assert row["ci_lower"] == pytest.approx(ref["ci_lower"], rel=1e-6)
    assert row["ci_upper"] == pytest.approx(ref["ci_upper"], rel=1e-6)

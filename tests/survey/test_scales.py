"""Cronbach's alpha and response distributions (recoding and scores: test_likert.py).

Alpha is checked against R's psych::alpha on psych's ``bfi`` agreeableness items; the numbers and
the R script that produced them are in tests/survey/fixtures (alpha_reference.R); distributions
against hand derivations written next to each test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cgresearch.errors import InputError
from cgresearch.survey.scales import (
    LikertItem,
    LikertScale,
    cronbach_alpha,
    response_distribution,
)

FIX = Path(__file__).parent / "fixtures"
ITEMS = ["A1", "A2", "A3", "A4", "A5"]
# bfi's six-point scale, A1 reverse-keyed; no don't-know codes in bfi.
BFI_A = LikertScale(
    "agreeableness",
    items=tuple(LikertItem(n, reverse=(n == "A1")) for n in ITEMS),
    codes=(1, 2, 3, 4, 5, 6),
    missing_codes=(),
)


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(FIX / "alpha_bfi_agreeableness.csv")


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    return pd.read_csv(FIX / "alpha_reference.csv", keep_default_na=False)


def _r(ref: pd.DataFrame, case: str, stat: str, item: str = "") -> float:
    row = ref[(ref["case"] == case) & (ref["statistic"] == stat) & (ref["item"] == item)]
    assert len(row) == 1, (case, stat, item)
    return float(row["value"].iloc[0])


def _check_case(res, ref: pd.DataFrame, case: str, with_item_moments: bool = True) -> None:
    tol = {"rel": 1e-9, "abs": 1e-12}
    assert res.alpha == pytest.approx(_r(ref, case, "raw_alpha"), **tol)
    assert res.std_alpha == pytest.approx(_r(ref, case, "std.alpha"), **tol)
    assert res.g6 == pytest.approx(_r(ref, case, "G6(smc)"), **tol)
    assert res.average_r == pytest.approx(_r(ref, case, "average_r"), **tol)
    assert res.signal_noise == pytest.approx(_r(ref, case, "S/N"), **tol)
    assert res.median_r == pytest.approx(_r(ref, case, "median_r"), **tol)
    assert res.ase == pytest.approx(_r(ref, case, "ase"), **tol)
    assert res.n_obs == pytest.approx(_r(ref, case, "n_obs"), **tol)
    assert res.ci_feldt[0] == pytest.approx(_r(ref, case, "feldt_lower"), **tol)
    assert res.ci_feldt[1] == pytest.approx(_r(ref, case, "feldt_upper"), **tol)
    assert res.ci_duhachek[0] == pytest.approx(_r(ref, case, "duhachek_lower"), **tol)
    assert res.ci_duhachek[1] == pytest.approx(_r(ref, case, "duhachek_upper"), **tol)
    items = res.to_frame().set_index("item")
    for it in ITEMS:
        assert items.loc[it, "r_drop"] == pytest.approx(_r(ref, case, "r.drop", it), **tol)
        assert items.loc[it, "alpha_if_deleted"] == pytest.approx(
            _r(ref, case, "alpha_drop", it), **tol
        )
        assert items.loc[it, "std_alpha_if_deleted"] == pytest.approx(
            _r(ref, case, "std_alpha_drop", it), **tol
        )
        assert items.loc[it, "ase_if_deleted"] == pytest.approx(
            _r(ref, case, "alpha_se_drop", it), **tol
        )
        if with_item_moments:
            assert items.loc[it, "raw_r"] == pytest.approx(_r(ref, case, "raw.r", it), **tol)
            assert items.loc[it, "mean"] == pytest.approx(_r(ref, case, "mean", it), **tol)
            assert items.loc[it, "sd"] == pytest.approx(_r(ref, case, "sd", it), **tol)


def test_alpha_pairwise_equals_psych_alpha_on_bfi_agreeableness(bfi, ref):
    res = cronbach_alpha(bfi, BFI_A)
    _check_case(res, ref, "pairwise")
    items = res.to_frame().set_index("item")
    for it in ITEMS:
        assert items.loc[it, "std_r"] == pytest.approx(_r(ref, "pairwise", "std.r", it), rel=1e-9)
        assert items.loc[it, "n"] == _r(ref, "pairwise", "n", it)
    assert res.mean == pytest.approx(_r(ref, "pairwise", "mean_total"), rel=1e-9)
    assert res.sd == pytest.approx(_r(ref, "pairwise", "sd_total"), rel=1e-9)


def test_alpha_listwise_equals_psych_alpha_on_complete_rows(bfi, ref):
    res = cronbach_alpha(bfi, BFI_A, missing="listwise")
    _check_case(res, ref, "listwise")


def test_alpha_weighted_equals_psych_alpha_of_weighted_covariance(bfi, ref):
    complete = bfi.dropna(subset=ITEMS).reset_index(drop=True)
    res = cronbach_alpha(complete, BFI_A, weights="w")
    assert res.weighted
    _check_case(res, ref, "weighted")
    assert res.mean == pytest.approx(_r(ref, "weighted", "mean_total"), rel=1e-9)
    assert res.sd == pytest.approx(_r(ref, "weighted", "sd_total"), rel=1e-9)


def test_alpha_is_invariant_to_rescaling_the_weights(bfi):
    complete = bfi.dropna(subset=ITEMS)
    a = cronbach_alpha(complete, BFI_A, weights="w")
    b = cronbach_alpha(complete, BFI_A, weights=complete["w"].to_numpy() * 37.5)
    assert a.alpha == pytest.approx(b.alpha, rel=1e-12)
    assert a.ci_feldt == pytest.approx(b.ci_feldt, rel=1e-12)


def test_alpha_by_hand_on_three_items_and_five_people():
    # Items a=(1,2,3,4,5), b=(2,2,3,5,4), c=(1,3,3,4,5) (means 3, 3.2, 3.2).
    # var a = (4+1+0+1+4)/4 = 2.5; var b = (1.44+1.44+0.04+3.24+0.64)/4 = 1.7;
    # var c = (4.84+0.04+0.04+0.64+3.24)/4 = 2.2; sum of item variances = 6.4.
    # total t=a+b+c=(4,7,9,13,14), mean 9.4, var t = (29.16+5.76+0.16+12.96+21.16)/4 = 17.3.
    # alpha = 3/2 * (1 - 6.4/17.3) = 0.94508670...
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})
    res = cronbach_alpha(df, ["a", "b", "c"])
    assert res.alpha == pytest.approx(1.5 * (1 - 6.4 / 17.3), rel=1e-12)
    # r.drop of a: cov(a, b + c) / sqrt(var a * var(b + c)); b+c=(3,5,6,9,9), mean 6.4,
    # var = (11.56+1.96+0.16+6.76+6.76)/4 = 6.8; cov(a, b+c) = (-2*-3.4 + -1*-1.4 + 0 + 1*2.6
    # + 2*2.6)/4 = (6.8+1.4+2.6+5.2)/4 = 4.0 -> 4 / sqrt(2.5 * 6.8)
    items = res.to_frame().set_index("item")
    assert items.loc["a", "r_drop"] == pytest.approx(4 / math.sqrt(2.5 * 6.8), rel=1e-12)


def test_alpha_rejects_non_positive_weights_and_constant_items():
    df = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 5], "c": [3, 3, 3], "w": [1.0, 0.0, 2.0]})
    with pytest.raises(InputError, match="not positive"):
        cronbach_alpha(df, ["a", "b"], weights="w")
    with pytest.raises(InputError, match=r"\['c'\] have no variance"):
        cronbach_alpha(df, ["a", "b", "c"])


def test_response_distribution_weighted_shares_by_group():
    # Group g1: answers 1 (w=1), 1 (w=3), 5 (w=4), 8 (don't know, excluded) -> shares of code 1 =
    # 4/8 = 0.5, code 5 = 0.5. Group g2: one answer 3 -> share of code 3 = 1.
    scale = LikertScale("s", (LikertItem("q", "문항", "Question"),))
    df = pd.DataFrame(
        {
            "q": [1, 1, 5, 8, 3],
            "grp": ["g1", "g1", "g1", "g1", "g2"],
            "w": [1.0, 3.0, 4.0, 10.0, 2.0],
        }
    )
    dist = response_distribution(df, scale, group="grp", weights="w", lang="ko")
    wide = dist.wide()
    assert wide.loc[("q", "g1")].tolist() == [0.5, 0.0, 0.0, 0.0, 0.5]
    assert wide.loc[("q", "g2")].tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert dist.item_labels == {"q": "문항"}
    assert dist.labels[0] == "전혀 그렇지 않다"
    assert dist.to_frame().query("group == 'g1'")["n"].iloc[0] == 3

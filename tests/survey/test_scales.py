"""Likert metadata, recoding, construct scores and Cronbach's alpha.

Alpha is checked against R's psych::alpha on psych's ``bfi`` agreeableness items; the numbers and
the R script that produced them are in tests/survey/fixtures (alpha_reference.R). Recoding and
scores are checked against hand derivations written next to each test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.scales import (
    LikertItem,
    LikertScale,
    construct_scores,
    cronbach_alpha,
    recode,
    response_distribution,
    scales_from_codebook,
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


def test_recode_turns_missing_codes_to_nan_and_reverses_items():
    # 5-point scale, reverse = 6 - x: b's 1 -> 5, 4 -> 2; a's 8 and b's 9 are don't know / refused.
    scale = LikertScale("s", (LikertItem("a"), LikertItem("b", reverse=True)))
    df = pd.DataFrame({"a": [5, 8, 3], "b": [1, 4, 9], "other": ["x", "y", "z"]})
    out = recode(df, scale)
    assert out["a"].tolist()[0] == 5.0 and np.isnan(out["a"].iloc[1]) and out["a"].iloc[2] == 3.0
    assert out["b"].iloc[0] == 5.0 and out["b"].iloc[1] == 2.0 and np.isnan(out["b"].iloc[2])
    assert out["other"].tolist() == ["x", "y", "z"]
    assert df["b"].tolist() == [1, 4, 9]  # input untouched


def test_recode_reports_out_of_scale_code_with_row_and_column():
    scale = LikertScale("trust", (LikertItem("trust_1"), LikertItem("trust_2")))
    df = pd.DataFrame({"trust_1": [1, 2, 3], "trust_2": [4, 7, 5]}, index=["r1", "r2", "r3"])
    with pytest.raises(InputError, match=r"Row 'r2' \(position 1\), column 'trust_2': value 7"):
        recode(df, scale)


def test_recode_rejects_text_and_fractional_codes():
    scale = LikertScale("s", (LikertItem("a"),))
    with pytest.raises(InputError, match="column 'a'"):
        recode(pd.DataFrame({"a": [1, "agree"]}), scale)
    with pytest.raises(InputError, match="position 0"):
        recode(pd.DataFrame({"a": [2.5, 1]}), scale)


def test_construct_scores_apply_half_rule_and_explicit_minimum():
    # Items a, b, c (c reversed: 6 - x). Row 0: a=1, b=2, c=2->4: mean 7/3.
    # Row 1: a=8 (NaN), b=9 (NaN), c=5->1: 1 valid of 3; half rule needs ceil(3/2)=2 -> NaN.
    # Row 2: a=4, b=8 (NaN), c=1->5: 2 valid -> 4.5.
    scale = LikertScale("s", (LikertItem("a"), LikertItem("b"), LikertItem("c", reverse=True)))
    df = pd.DataFrame({"a": [1, 8, 4], "b": [2, 9, 8], "c": [2, 5, 1]})
    got = construct_scores(df, [scale])["s"]
    assert got.iloc[0] == pytest.approx(7 / 3)
    assert np.isnan(got.iloc[1])
    assert got.iloc[2] == pytest.approx(4.5)
    # min_valid=1 keeps row 1 with its single valid item (1.0); min_valid=3 keeps row 0 only.
    assert construct_scores(df, [scale], min_valid=1)["s"].iloc[1] == 1.0
    assert construct_scores(df, [scale], min_valid=3)["s"].notna().tolist() == [True, False, False]


def test_scale_declaration_errors_are_parameter_errors():
    with pytest.raises(ParameterError, match="more than once"):
        LikertScale("s", (LikertItem("a"), LikertItem("a")))
    with pytest.raises(ParameterError, match="both valid and missing"):
        LikertScale("s", (LikertItem("a"),), codes=(1, 2, 8), missing_codes=(8,))
    with pytest.raises(ParameterError, match="min_valid"):
        LikertScale("s", (LikertItem("a"),), min_valid=2)


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


def _codebook() -> pd.DataFrame:
    agree_ko = "1=전혀 아니다; 2=아니다; 3=보통; 4=그렇다; 5=매우 그렇다; 8=모름; 9=거절"
    agree_en = "1=SD; 2=D; 3=N; 4=A; 5=SA; 8=Don't know; 9=Refused"
    return pd.DataFrame(
        {
            "name": ["sex", "age_group", "cg_1", "cg_2", "cg_3"],
            "construct": ["demographic", "demographic", "cg", "cg", "cg"],
            "question_ko": ["성별", "연령", "협치 1", "협치 2", "협치 3"],
            "question_en": ["Sex", "Age", "CG 1", "CG 2", "CG 3"],
            "labels_ko": ["1=남; 2=여", "1=20대; 2=30대; 3=40대", agree_ko, agree_ko, agree_ko],
            "labels_en": ["1=M; 2=F", "1=20s; 2=30s; 3=40s", agree_en, agree_en, agree_en],
            "missing_codes": ["", "", "8,9", "8,9", "8,9"],
            "reverse": [False, False, False, False, True],
        }
    )


def test_scales_from_codebook_builds_likert_scales_and_skips_mixed_constructs():
    scales = scales_from_codebook(_codebook())
    # "demographic" mixes a 2-code and a 3-code variable: not one scale, skipped.
    assert list(scales) == ["cg"]
    cg = scales["cg"]
    assert cg.item_names == ["cg_1", "cg_2", "cg_3"]
    assert cg.reverse_items == ["cg_3"]
    assert cg.codes == (1, 2, 3, 4, 5) and cg.missing_codes == (8, 9)
    assert cg.code_labels("ko")[0] == "전혀 아니다" and cg.code_labels("en")[4] == "SA"
    assert cg.item("cg_2").label("ko+en") == "협치 2 / CG 2"
    with pytest.raises(InputError, match="'age_group'"):
        scales_from_codebook(_codebook(), constructs=["demographic"])


def test_scales_read_from_the_codebook_csv_synth_writes_with_pandas_defaults(
    tmp_path: Path,
) -> None:
    # pandas reads the blank missing-code cells of resp_id, weight... as NaN: they mean "none".
    from cgresearch.data.synth import codebook_frame

    codebook_frame().to_csv(tmp_path / "cb.csv", index=False)
    scales = scales_from_codebook(pd.read_csv(tmp_path / "cb.csv"))
    assert scales["trust"].codes == (1, 2, 3, 4, 5)
    assert scales["trust"].missing_codes == (8, 9)
    assert scales["cg_perception"].reverse_items == ["cg_3", "cg_5"]

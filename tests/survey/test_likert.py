"""Likert scales: recoding, construct scores, declarations and the codebook, against hand
derivations written next to each test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.scales import (
    LikertItem,
    LikertScale,
    construct_scores,
    recode,
    scales_from_codebook,
)


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

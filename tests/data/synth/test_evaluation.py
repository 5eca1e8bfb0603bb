"""The synthetic evaluation panel: shape, labels, real columns, missing values, the skewed one."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd

from cgresearch import paths
from cgresearch.data.districts import load_districts
from cgresearch.data.synth.evaluation import (
    EVALUATION_INDICATORS,
    EVALUATION_PILLARS,
    evaluation_meta,
    framework_toml,
    generate_evaluation_panel,
    panel_year,
)


def test_panel_has_every_gu_in_every_year_labelled_synthetic() -> None:
    p = generate_evaluation_panel(seed=5)
    assert len(p) == 25 * 3
    assert p.groupby("year")["adm_code"].nunique().tolist() == [25, 25, 25]
    assert (p["data_label"] == "synthetic").all()
    assert 25 <= len(EVALUATION_INDICATORS) <= 40


def test_same_seed_same_panel_other_seed_other_panel() -> None:
    a, b = generate_evaluation_panel(seed=9), generate_evaluation_panel(seed=9)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_evaluation_panel(seed=10))


def test_real_indicators_equal_the_raw_district_file() -> None:
    d = load_districts().set_index("adm_code")
    y = panel_year(generate_evaluation_panel(seed=1), 2022)
    fiscal = d["fiscal_independence_pct_kosis_year_unverified"]
    np.testing.assert_allclose(y["ctx_fiscal_indep"], fiscal.loc[y.index])
    density = (d["pop_total_2017q1"] / d["area_km2_2014"]).round(0)
    np.testing.assert_allclose(y["ctx_density"], density.loc[y.index])
    # S21/S22: a 민관협치회의 in every gu but 서초구 (adm_code 11650)
    assert y["bcgc_established"].sum() == 24 and y.loc[11650, "bcgc_established"] == 0


def test_synthetic_values_stay_in_their_unit_range_with_some_missing_never_all() -> None:
    p = generate_evaluation_panel(seed=2)
    for spec in EVALUATION_INDICATORS:
        if spec.source != "synthetic" or spec.code == "ptnr_npo":
            continue
        v = p[spec.code].dropna()
        assert v.between(spec.lo, spec.hi).all(), spec.code
        assert p.groupby("year")[spec.code].count().min() >= 20, spec.code
    synthetic = [s.code for s in EVALUATION_INDICATORS if s.source == "synthetic"]
    share = p[synthetic].isna().to_numpy().mean()
    assert 0.005 < share < 0.08


def test_npo_indicator_is_skewed_enough_for_coinr_outlier_treatment() -> None:
    # COINr treats an indicator when |skew| >= 2 and kurtosis >= 3.5 (sample formulas of e1071
    # type 2 = pandas' skew/kurt); the central business gu make ptnr_npo such an indicator.
    for seed in (1, 2, 3):
        y = panel_year(generate_evaluation_panel(seed=seed), 2023)["ptnr_npo"].dropna()
        assert y.skew() >= 2 and y.kurt() >= 3.5


def test_framework_toml_file_is_the_generator_framework() -> None:
    text = (paths.data_dir() / "evaluation" / "framework.toml").read_text(encoding="utf-8")
    assert text == framework_toml()
    nodes = tomllib.loads(text)["node"]
    codes = {n["code"] for n in nodes}
    assert {s.code for s in EVALUATION_INDICATORS} | {p.code for p in EVALUATION_PILLARS} | {
        "CGI"
    } == codes
    assert all(n.get("parent") in codes for n in nodes if n["code"] != "CGI")


def test_coinr_meta_has_coinr_columns_and_one_root() -> None:
    m = evaluation_meta()
    assert {"Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"} <= set(m.columns)
    assert m["Parent"].isna().sum() == 1
    assert set(m.loc[m["Type"] == "Indicator", "Direction"]) == {1, -1}


def test_seongdong_has_the_top_latent_capacity_like_its_published_top_grade() -> None:
    # S24: 성동구 got the top "가" grade in the 2021 evaluation; the generator honours it, so
    # its mean synthetic percentile over the PLAN indicators (all +1 but two) is high.
    y = panel_year(generate_evaluation_panel(seed=7), 2023)
    plan = y[["plan_review", "plan_goal_link", "plan_execution"]].rank(pct=True)
    assert plan.loc[11200].mean() >= 0.8

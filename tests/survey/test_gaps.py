"""Perception-gap tables checked against R's survey package and against hand derivations.

R numbers: tests/survey/fixtures/gaps_reference.csv, written by gaps_reference.R from the api
samples shipped with R's survey package (the same files as tests/survey/fixtures/api*.csv):
domain means and their covariance (svyby covmat=TRUE), svyglm(y ~ group) coefficient tests and
residual df, svycontrast, regTermTest and svychisq (Rao-Scott "F" and first-order "Chisq").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.gaps import gap_table
from cgresearch.survey.scales import LikertItem, LikertScale
from tests.survey.gaps_reference import EST, SE, design, r

GAP_CASES = [
    ("clus1_api00_stype", "clus1", "api00", "stype"),
    ("clus2_api00_stype", "clus2", "api00", "stype"),
    ("strat_api00_stype", "strat", "api00", "stype"),
    ("strat_acsk3_awards", "strat", "acs.k3", "awards"),  # acs.k3 has missing values
]


@pytest.mark.parametrize(("case", "dname", "y", "g"), GAP_CASES)
def test_group_means_and_their_covariance_equal_svyby(case, dname, y, g):
    t = gap_table(design(dname), [y], g, chisq=False)
    m = t.means.set_index("group")
    for grp in m.index:
        assert m.loc[grp, "mean"] == pytest.approx(r(case, "mean", grp), **EST)
        assert m.loc[grp, "se"] == pytest.approx(r(case, "mean_se", grp), **SE)
    # The SE of a gap uses the covariance between domain means (R's svyby covmat=TRUE):
    # var(a - b) = V_aa + V_bb - 2 V_ab.
    for _, row in t.gaps.iterrows():
        a, b = row["group_a"], row["group_b"]
        var = r(case, "mean_vcov", f"{a}:{a}") + r(case, "mean_vcov", f"{b}:{b}")
        var -= 2 * r(case, "mean_vcov", f"{a}:{b}")
        assert row["se"] == pytest.approx(np.sqrt(var), **SE)


@pytest.mark.parametrize(("case", "dname", "y", "g"), GAP_CASES)
def test_gaps_against_first_group_equal_svyglm_coefficient_tests(case, dname, y, g):
    t = gap_table(design(dname), [y], g, chisq=False)
    first = t.groups[0]
    rows = t.gaps[t.gaps["group_a"] == first]
    assert len(rows) == len(t.groups) - 1
    for _, row in rows.iterrows():
        term = f"{g}{row['group_b']}"
        # svyglm's coefficient is other - first; the table's gap is first - other.
        assert -row["gap"] == pytest.approx(r(case, "coef", term), **EST)
        assert row["se"] == pytest.approx(r(case, "coef_se", term), **SE)
        assert -row["t"] == pytest.approx(r(case, "coef_t", term), **SE)
        assert row["p_value"] == pytest.approx(r(case, "coef_p", term), **SE)
        assert row["df"] == r(case, "df_residual")
        # CI = gap +- t(df, 0.975) * se
        half = stats.t.ppf(0.975, r(case, "df_residual")) * r(case, "coef_se", term)
        assert row["ci_upper"] - row["gap"] == pytest.approx(half, **SE)


@pytest.mark.parametrize("case", ["clus1_api00_stype", "clus2_api00_stype", "strat_api00_stype"])
def test_gap_between_second_and_third_group_equals_svycontrast(case):
    dname = case.split("_")[0]
    t = gap_table(design(dname), ["api00"], "stype", chisq=False)
    row = t.gaps[(t.gaps["group_a"] == "H") & (t.gaps["group_b"] == "M")].iloc[0]
    assert row["gap"] == pytest.approx(r(case, "contrast_23", "estimate"), **EST)
    assert row["se"] == pytest.approx(r(case, "contrast_23", "se"), **SE)
    assert row["p_value"] == pytest.approx(r(case, "contrast_23", "p"), **SE)


@pytest.mark.parametrize(("case", "dname", "y", "g"), GAP_CASES)
def test_overall_wald_test_equals_regtermtest(case, dname, y, g):
    o = gap_table(design(dname), [y], g, chisq=False).overall.iloc[0]
    assert o["F"] == pytest.approx(r(case, "wald_F"), **SE)
    assert o["ndf"] == r(case, "wald_ndf")
    assert o["ddf"] == r(case, "wald_ddf")
    assert o["p_value"] == pytest.approx(r(case, "wald_p"), **SE)


def test_gap_table_chisq_column_is_the_rao_scott_test_of_item_by_group():
    t = gap_table(design("clus2"), ["api_cat"], "stype")
    chi = t.chisq.iloc[0]
    assert chi["F"] == pytest.approx(r("chisq_clus2_apicat_stype", "F"), **SE)
    assert chi["p_value"] == pytest.approx(r("chisq_clus2_apicat_stype", "p"), **SE)


def test_p_value_adjustment_follows_holm_and_benjamini_hochberg_formulas():
    t = gap_table(design("strat"), ["api00", "api99", "meals", "ell"], "stype", chisq=False)
    p = t.gaps["p_value"].to_numpy()
    m = p.size
    order = np.argsort(p)
    # Holm: sorted p_(i) * (m - i), running maximum, capped at 1 (i = 0..m-1).
    holm = np.empty(m)
    holm[order] = np.minimum(1, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    # BH: sorted p_(i) * m / (i + 1), running minimum from the largest, capped at 1.
    bh = np.empty(m)
    bh[order] = np.minimum(
        1, np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    )
    assert t.gaps["p_holm"].to_numpy() == pytest.approx(holm, rel=1e-12)
    assert t.gaps["p_bh"].to_numpy() == pytest.approx(bh, rel=1e-12)
    # ... and statsmodels' multipletests gives the same numbers.
    assert t.gaps["p_holm"].to_numpy() == pytest.approx(multipletests(p, method="holm")[1])
    assert t.gaps["p_bh"].to_numpy() == pytest.approx(multipletests(p, method="fdr_bh")[1])
    # Per-variable families: three pairs per variable, so Holm multiplies the smallest by 3.
    tv = gap_table(
        design("strat"), ["api00", "meals"], "stype", chisq=False, adjust_by="variable"
    ).gaps
    for _, grp in tv.groupby("variable"):
        smallest = grp["p_value"].idxmin()
        assert tv.loc[smallest, "p_holm"] == pytest.approx(min(1, 3 * grp["p_value"].min()))


def _toy() -> pd.DataFrame:
    # 9 respondents, 3 groups, simple random sample (each row its own PSU), weights 1 or 2.
    # q2 is reverse-worded (6 - x); 8 = don't know.
    return pd.DataFrame(
        {
            "group": ["public"] * 3 + ["cso"] * 3 + ["resident"] * 3,
            "q1": [5, 4, 8, 2, 3, 2, 3, 4, 3],
            "q2": [1, 2, 2, 4, 4, 5, 3, 2, 3],
            "w": [1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0],
        }
    )


def test_gap_table_recodes_scales_and_adds_construct_scores():
    scale = LikertScale(
        "trust",
        (
            LikertItem("q1", "신뢰 1", "Trust 1"),
            LikertItem("q2", "신뢰 2", "Trust 2", reverse=True),
        ),
        label_ko="신뢰",
        label_en="Trust",
    )
    t = gap_table(SurveyDesign(_toy(), weights="w"), scale, "group", lang="ko")
    m = t.means.set_index(["variable", "group"])
    # q1 public: (5*1 + 4*2)/3 (the 8 is missing) = 13/3.
    assert m.loc[("q1", "public"), "mean"] == pytest.approx(13 / 3)
    assert m.loc[("q1", "public"), "n"] == 2
    # q2 reversed: public answers 1, 2, 2 -> 5, 4, 4; weighted mean (5 + 8 + 4)/4 = 17/4.
    assert m.loc[("q2", "public"), "mean"] == pytest.approx(17 / 4)
    # construct: public rows (5+5)/2 = 5, (4+4)/2 = 4, q1 missing -> 4 (half rule: 1 of 2 ok);
    # weighted (5 + 8 + 4)/4 = 17/4.
    assert m.loc[("trust", "public"), "mean"] == pytest.approx(17 / 4)
    assert set(t.means["kind"]) == {"item", "construct"}
    labels = t.means.drop_duplicates("variable").set_index("variable")["label"]
    assert labels["q1"] == "신뢰 1" and labels["q2"] == "신뢰 2 (역코딩)"
    assert t.means.set_index("variable").loc["trust", "label"].iloc[0] == "신뢰"
    assert list(t.chisq["variable"]) == ["q1", "q2"]  # chi-square for items only
    assert t.groups == ("public", "cso", "resident")
    pairs = list(zip(t.gaps["group_a"], t.gaps["group_b"], strict=True))[:3]
    assert pairs == [("public", "cso"), ("public", "resident"), ("cso", "resident")]


def test_reference_and_explicit_pairs_orient_the_gaps():
    d = SurveyDesign(_toy(), weights="w")
    t = gap_table(d, ["q2"], "group", reference="resident", chisq=False)
    assert list(zip(t.gaps["group_a"], t.gaps["group_b"], strict=True)) == [
        ("resident", "public"),
        ("resident", "cso"),
        ("public", "cso"),
    ]
    t2 = gap_table(d, ["q2"], "group", pairs=[("cso", "public")], chisq=False)
    row = t2.gaps.iloc[0]
    # cso q2 (not reversed: plain column) = (4 + 4 + 10)/4 = 4.5; public = (1 + 4 + 2)/4 = 1.75.
    assert row["gap"] == pytest.approx(4.5 - 1.75)


def test_bad_groups_raise_clear_errors():
    df = _toy()
    with pytest.raises(ParameterError, match="reference"):
        gap_table(SurveyDesign(df, weights="w"), ["q1"], "group", reference="mayor")
    one = df.assign(group="public")
    with pytest.raises(InputError, match="fewer than two groups"):
        gap_table(SurveyDesign(one, weights="w"), ["q1"], "group")
    text = df.assign(q1=["a"] * 9)
    with pytest.raises(InputError, match="column 'q1'"):
        gap_table(SurveyDesign(text, weights="w"), ["q1"], "group")


def test_group_without_answers_gets_empty_cells_and_the_rest_is_still_tested():
    # Residents answered q1 only with don't know (missing): their mean and gaps are NaN; the
    # public-cso gap and the 2-group crosstab are still computed, with df = PSUs - strata + 1 - 2
    # = (6 - 1) + 1 - 2 = 4 over the six rows with answers (each row its own PSU).
    df = _toy().assign(q1=[5, 4, 3, 2, 3, 2, np.nan, np.nan, np.nan])
    t = gap_table(SurveyDesign(df, weights="w"), ["q1"], "group")
    m = t.means.set_index("group")
    assert np.isnan(m.loc["resident", "mean"]) and m.loc["resident", "n"] == 0
    g = t.gaps.set_index(["group_a", "group_b"])
    assert g.loc[("public", "cso"), "df"] == 4
    # public (5*1 + 4*2 + 3*1)/4 = 4; cso (2 + 3 + 2*2)/4 = 2.25
    assert g.loc[("public", "cso"), "gap"] == pytest.approx(4 - 2.25)
    assert np.isnan(g.loc[("public", "resident"), "gap"])
    assert t.overall.iloc[0]["ndf"] == 1
    assert np.isfinite(t.chisq.iloc[0]["F"])


def test_summary_frame_puts_means_gaps_and_tests_of_a_variable_on_one_row():
    t = gap_table(design("clus1"), ["api00", "api_cat"], "stype")
    row = t.summary_frame().set_index("variable").loc["api00"]
    assert row["mean_E"] == pytest.approx(r("clus1_api00_stype", "mean", "E"), **EST)
    # gap E - H = -(coefficient of stypeH); its Holm p-value is the table's.
    assert row["gap_E_H"] == pytest.approx(-r("clus1_api00_stype", "coef", "stypeH"), **EST)
    holm = t.gaps.set_index(["variable", "group_a", "group_b"]).loc[("api00", "E", "H"), "p_holm"]
    assert row["p_E_H"] == holm
    assert row["wald_F"] == pytest.approx(r("clus1_api00_stype", "wald_F"), **SE)
    raw = t.summary_frame(adjusted="p_value").set_index("variable").loc["api00"]
    assert raw["wald_p"] == pytest.approx(r("clus1_api00_stype", "wald_p"), **SE)
    assert list(t.summary_frame()["kind"]) == ["item", "item"]

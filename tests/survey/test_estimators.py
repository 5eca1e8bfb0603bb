"""Estimators against R's survey package on the api data (stratified, one- and two-stage cluster,
with and without fpc). Estimates to 1e-8 relative, standard errors to 1e-6 (R numbers in
tests/survey/fixtures/reference.csv, written by make_reference.R)."""

from __future__ import annotations

import numpy as np
import pytest

from cgresearch.errors import InputError
from cgresearch.survey import (
    svyby,
    svyciprop,
    svymean,
    svyquantile,
    svyratio,
    svytotal,
    svyvar,
)
from tests.survey.api_reference import DESIGN_CASES, api, assert_close, design, reference

EST, SE = 1e-8, 1e-6


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_mean_se_deff_vcov_and_ci_equal_r(case: str) -> None:
    m = svymean(design(case), ["api00", "ell", "stype"], deff=True)
    assert list(m.names) == list(reference(case, "mean").index)
    assert_close(m.estimate, reference(case, "mean"), EST)
    assert_close(m.se, reference(case, "mean_se"), SE)
    assert_close(m.deff, reference(case, "mean_deff"), SE)
    assert_close(m.vcov.T, reference(case, "mean_vcov"), SE)  # R stores column-major
    ci = m.ci(0.9)  # R: confint(m, df = degf(design), level = 0.9)
    assert_close(ci["lower"], reference(case, "mean_ci90_lower"), EST)
    assert_close(ci["upper"], reference(case, "mean_ci90_upper"), EST)
    rep = svymean(design(case), ["api00", "ell"], deff="replace")
    assert_close(rep.deff, reference(case, "mean_deff_replace"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_total_with_missing_values_removed_equals_r(case: str) -> None:
    t = svytotal(design(case), ["enroll", "stype"], deff=True, na_rm=True)
    assert_close(t.estimate, reference(case, "total"), EST)
    assert_close(t.se, reference(case, "total_se"), SE)
    assert_close(t.deff, reference(case, "total_deff"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_ratio_and_design_effects_equal_r(case: str) -> None:
    r = svyratio(design(case), "api00", "api99", deff=True)
    assert_close(r.estimate, reference(case, "ratio"), EST)
    assert_close(r.se, reference(case, "ratio_se"), SE)
    assert_close(r.deff, reference(case, "ratio_deff"), SE)
    t = svytotal(design(case), "api00", deff="replace")
    assert_close(t.deff, reference(case, "total_deff_replace"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
@pytest.mark.parametrize("method", ["logit", "asin", "beta", "mean", "xlogit", "likelihood"])
def test_ciprop_intervals_equal_r(case: str, method: str) -> None:
    d = design(case)
    p = svyciprop(d, (api(case.split("_")[0])["awards"] == "Yes").to_numpy(), method=method)
    ref = reference(case, f"ciprop_{method}")
    # R's logit/likelihood methods go through glm's IRLS (epsilon 1e-8); the likelihood interval
    # also inherits that stopping point through its profile grid, so it agrees to ~1e-7.
    tol = 1e-6 if method == "likelihood" else EST
    assert_close([p.estimate, p.lower, p.upper], ref, tol)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_quantiles_with_woodruff_intervals_equal_r_defaults(case: str) -> None:
    # survey >= 4 defaults: interval.type = "mean", qrule = "math"
    q = svyquantile(design(case), ["api00", "ell"], [0.25, 0.5, 0.9]).table
    for var in ("api00", "ell"):
        qv = q[q["variable"] == var]
        assert_close(qv["estimate"], reference(case, f"quantile_{var}"), EST)
        assert_close(qv["ci_lower"], reference(case, f"quantile_{var}_lower"), EST)
        assert_close(qv["ci_upper"], reference(case, f"quantile_{var}_upper"), EST)
        assert_close(qv["se"], reference(case, f"quantile_{var}_se"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_svyby_and_domain_means_equal_r(case: str) -> None:
    d = design(case)
    b = svyby(d, ["api00", "ell"], "stype", svymean, deff=True)
    assert b.groups["stype"].tolist() == list(reference(case, "by_mean_api00").index)
    assert_close(b.estimate[:, 0], reference(case, "by_mean_api00"), EST)
    assert_close(b.se[:, 0], reference(case, "by_mean_api00_se"), SE)
    assert_close(b.estimate[:, 1], reference(case, "by_mean_ell"), EST)
    assert_close(b.se[:, 1], reference(case, "by_mean_ell_se"), SE)
    assert_close(b.deff[:, 0], reference(case, "by_mean_api00_deff"), SE)
    b2 = svyby(d, "api00", ["stype", "sch.wide"])  # R orders the first factor fastest
    labels = (b2.groups["stype"] + "." + b2.groups["sch.wide"]).tolist()
    assert labels == list(reference(case, "by2_mean_api00").index)
    assert_close(b2.estimate[:, 0], reference(case, "by2_mean_api00"), EST)
    assert_close(b2.se[:, 0], reference(case, "by2_mean_api00_se"), SE)
    bt = svyby(d, "enroll", "sch.wide", svytotal, na_rm=True)
    assert_close(bt.estimate[:, 0], reference(case, "by_total_enroll"), EST)
    assert_close(bt.se[:, 0], reference(case, "by_total_enroll_se"), SE)
    dom = d.subset(api(case.split("_")[0])["sch.wide"] == "Yes")
    m = svymean(dom, "api00")
    assert_close(m.estimate, reference(case, "domain_mean"), EST)
    assert_close(m.se, reference(case, "domain_mean_se"), SE)


def test_tidy_frames_have_one_row_per_estimate() -> None:
    d = design("clus1")
    f = svymean(d, ["api00", "stype"], deff=True).to_frame()
    assert f["term"].tolist() == ["api00", "stypeE", "stypeH", "stypeM"]
    assert {"estimate", "se", "ci_lower", "ci_upper", "df", "deff"} <= set(f.columns)
    fb = svyby(d, "api00", ["stype", "sch.wide"]).to_frame()
    assert len(fb) == 6 and list(fb.columns[:3]) == ["stype", "sch.wide", "term"]
    # R's interaction order: first factor varies fastest
    assert fb["stype"].tolist()[:3] == ["E", "H", "M"]


def test_missing_values_without_na_rm_are_reported() -> None:
    with pytest.raises(InputError, match=r"enroll.*na_rm=True"):
        svymean(design("clus2"), "enroll")


def test_ci_uses_t_with_design_df() -> None:
    m = svymean(design("clus1"), "api00")
    from scipy import stats

    half = stats.t.ppf(0.975, 14) * m.se[0]
    assert m.ci()["upper"].iloc[0] == pytest.approx(m.estimate[0] + half, rel=1e-12)
    assert np.isfinite(m.ci(df=np.inf)["lower"].iloc[0])


@pytest.mark.parametrize("case", DESIGN_CASES)
@pytest.mark.parametrize("interval", ["beta", "xlogit", "asin"])
def test_quantile_interval_types_equal_r(case: str, interval: str) -> None:
    q = svyquantile(design(case), "api00", [0.25, 0.5, 0.9], interval_type=interval).table
    assert_close(q["estimate"], reference(case, f"quantile_{interval}"), EST)
    assert_close(q["ci_lower"], reference(case, f"quantile_{interval}_lower"), EST)
    assert_close(q["ci_upper"], reference(case, f"quantile_{interval}_upper"), EST)
    assert_close(q["se"], reference(case, f"quantile_{interval}_se"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_population_variance_and_ratio_by_domain_equal_r(case: str) -> None:
    d = design(case)
    v = svyvar(d, "api00")
    assert_close(v.estimate, reference(case, "var"), EST)
    assert_close(v.se, reference(case, "var_se"), SE)
    br = svyby(d, ("api00", "api99"), "stype", svyratio)
    assert_close(br.estimate[:, 0], reference(case, "by_ratio"), EST)
    assert_close(br.se[:, 0], reference(case, "by_ratio_se"), SE)


def test_svyby_with_svyciprop_equals_the_domain_interval() -> None:
    # svyby applies the estimator to each domain of the full design: same numbers as subset()
    d = design("clus1")
    yes = (api("clus1")["awards"] == "Yes").to_numpy()
    d.data["award"] = yes
    b = svyby(d, "award", "stype", svyciprop, method="beta")
    one = svyciprop(d.subset(api("clus1")["stype"] == "H"), "award", method="beta")
    row = b.ci().set_index("stype").loc["H"]
    assert (row["lower"], row["upper"]) == pytest.approx((one.lower, one.upper), rel=1e-12)
    q = svyquantile(d, "api00", [0.5])
    assert q.ci()["lower"].iloc[0] <= q.estimate[0] <= q.ci()["upper"].iloc[0]

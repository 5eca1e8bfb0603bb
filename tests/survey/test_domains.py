"""Estimates by domain (svyby), against R's survey package."""

from __future__ import annotations

import pytest

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

EST, SE = 1e-8, 1e-6  # R's estimates to 1e-8, standard errors to 1e-6


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

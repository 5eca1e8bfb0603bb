"""Estimators against R's survey package on the api data (stratified, one- and two-stage cluster,
with and without fpc). Estimates to 1e-8 relative, standard errors to 1e-6 (R numbers in
tests/survey/fixtures/reference.csv, written by make_reference.R)."""

from __future__ import annotations

import numpy as np
import pytest

from cgresearch.errors import InputError
from cgresearch.survey import (
    svyby,
    svymean,
    svyratio,
    svytotal,
)
from tests.survey.api_reference import DESIGN_CASES, assert_close, design, reference

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

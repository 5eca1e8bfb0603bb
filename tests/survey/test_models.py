"""svyglm and regTermTest against R (survey::svyglm, survey::regTermTest) on the api data;
numbers in tests/survey/fixtures/reference.csv written by make_reference.R (svyolr and olr:
test_ordinal.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.survey import (
    calibrate,
    post_stratify,
    rake,
    regTermTest,
    svyglm,
    svyolr,
)
from tests.survey.api_reference import DESIGN_CASES, assert_close, design, reference

GAUSS = "api00 ~ ell + meals + mobility + stype"
LOGIT = "sch.wide ~ ell + meals + mobility"


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_svyglm_gaussian_equals_r(case: str) -> None:
    fit = svyglm(GAUSS, design(case))
    ref = reference(case, "gaussian_coef")
    assert list(fit.names) == list(ref.index)
    assert_close(fit.params, ref, 1e-8)
    assert_close(fit.se, reference(case, "gaussian_se"), 1e-6)
    assert_close(fit.vcov.to_numpy().T, reference(case, "gaussian_vcov"), 1e-6)
    assert fit.df_resid == reference(case, "gaussian_df").iloc[0]
    assert_close(fit.tvalues, reference(case, "gaussian_t"), 1e-6)
    assert_close(fit.pvalues, reference(case, "gaussian_p"), 1e-6)
    w = regTermTest(fit, "stype")
    assert_close([w.F, w.df, w.ddf, w.p_value], reference(case, "gaussian_wald_stype"), 1e-6)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_svyglm_quasibinomial_equals_r(case: str) -> None:
    fit = svyglm(LOGIT, design(case), family="quasibinomial")
    assert_close(fit.params, reference(case, "quasibinomial_coef"), 1e-8)
    assert_close(fit.se, reference(case, "quasibinomial_se"), 1e-6)
    assert_close(fit.pvalues, reference(case, "quasibinomial_p"), 1e-6)
    assert fit.df_resid == reference(case, "quasibinomial_df").iloc[0]


@pytest.mark.parametrize("base", ["clus1", "clus2", "strat_nofpc"])
def test_svyglm_on_calibrated_designs_equals_r(base: str) -> None:
    pop = pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
    totals = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "api99": 3914069}
    cases = {
        "poststrat": post_stratify(design(base), "stype", pop),
        "rake": rake(design(base), ["stype", "sch.wide"], [pop, {"No": 1072, "Yes": 5122}]),
        "greg": calibrate(design(base), "~stype + api99", totals),
    }
    for method, d in cases.items():
        fit = svyglm("api00 ~ ell + meals", d)
        assert_close(fit.params, reference(f"{base}_{method}", "glm_coef"), 1e-8)
        assert_close(fit.se, reference(f"{base}_{method}", "glm_se"), 1e-6)


def test_model_errors_are_reported_plainly() -> None:
    d = design("clus1")
    with pytest.raises(ParameterError, match="family"):
        svyglm(GAUSS, d, family="poisson")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"term\(s\) \['nope'\]"):
        regTermTest(svyglm(GAUSS, d), "nope")
    d.data["ell2"] = d.data["ell"] * 2
    with pytest.raises(ModelError, match="collinear"):
        svyglm("api00 ~ ell + ell2", d)
    with pytest.raises(InputError, match="3 or more"):
        svyolr("sch.wide ~ ell", d)


@pytest.mark.parametrize("case", ["clus1", "clus2", "strat"])
def test_svyglm_on_a_domain_equals_r(case: str) -> None:
    # R: svyglm(api00 ~ ell + meals, design = subset(d, sch.wide == "Yes"))
    d = design(case)
    fit = svyglm("api00 ~ ell + meals", d.subset(d.data["sch.wide"] == "Yes"))
    assert_close(fit.params, reference(f"{case}_domain", "glm_coef"), 1e-8)
    assert_close(fit.se, reference(f"{case}_domain", "glm_se"), 1e-6)
    assert fit.df_resid == reference(f"{case}_domain", "glm_df").iloc[0]

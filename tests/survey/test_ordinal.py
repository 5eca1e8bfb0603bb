"""Proportional-odds models: svyolr against R's survey package, olr against MASS::polr."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cgresearch.survey import (
    SurveyDesign,
    olr,
    post_stratify,
    svyolr,
)
from cgresearch.survey.ordinal import _ordinal_negloglik, _ordinal_scores
from tests.survey.api_reference import api, assert_close, design, reference

OLR = "mealcat ~ avg.ed + mobility + stype"
BREAKS = {
    "clus1": [0, 25, 50, 75, 100],
    "strat": [-1, 25, 50, 75, 100],
    "clus2": [-1, 25, 50, 75, 100],
}
LABELS = ["(0,25]", "(25,50]", "(50,75]", "(75,100]"]


def _olr_design(case: str) -> SurveyDesign:
    d = design(case)
    cat = pd.cut(d.data["meals"], BREAKS[case], labels=LABELS)
    d.data["mealcat"] = cat  # the design's own frame, built fresh by design()
    return d


@pytest.mark.parametrize("case", ["clus1", "strat", "clus2"])
def test_svyolr_equals_r(case: str) -> None:
    # R's example: svyolr(mealcat ~ avg.ed + mobility + stype, design = dclus1)
    fit = svyolr(OLR, _olr_design(case))
    ref = reference(f"olr_{case}", "coef")
    assert list(fit.names) == [
        *ref.index[:4],
        "(0,25]|(25,50]",
        "(25,50]|(50,75]",
        "(50,75]|(75,100]",
    ]
    # R's BFGS (even restarted with reltol=1e-16) wanders by ~3e-8 relative around the optimum,
    # so coefficients are compared at 1e-7; see the next test for which fit is better
    assert_close(fit.params, ref, 1e-7)
    assert_close(fit.se, reference(f"olr_{case}", "se"), 1e-6)
    assert fit.df_resid == reference(f"olr_{case}", "df").iloc[0]
    # with R's default control the optimiser stops earlier: agreement to ~1e-4
    assert_close(fit.params, reference(f"olr_{case}", "coef_default"), 1e-3)


@pytest.mark.parametrize("case", ["clus1", "strat", "clus2"])
def test_svyolr_optimum_is_at_least_as_good_as_rs(case: str) -> None:
    d = _olr_design(case)
    fit = svyolr(OLR, d)
    frame = d.data.dropna(subset=["mealcat", "avg.ed", "mobility"])
    keep = frame.index.to_numpy()
    x = pd.get_dummies(frame["stype"], drop_first=True, dtype=float)
    xm = np.column_stack([frame["avg.ed"], frame["mobility"], x["H"], x["M"]])
    y = frame["mealcat"].cat.codes.to_numpy()
    wt = d.w[keep]
    ours = _ordinal_negloglik(fit.params.to_numpy(), xm, y, wt, 3)
    rs = _ordinal_negloglik(reference(f"olr_{case}", "coef").to_numpy(), xm, y, wt, 3)
    assert ours <= rs + 1e-9 * abs(rs)
    score = (_ordinal_scores(fit.params.to_numpy(), xm, y, 3)[0] * wt[:, None]).sum(axis=0)
    assert np.max(np.abs(score)) < 1e-8 * wt.sum()


def test_svyolr_accepts_numeric_likert_codes() -> None:
    d = _olr_design("clus1")
    d.data["meal_code"] = d.data["mealcat"].cat.codes + 1.0
    fit = svyolr("meal_code ~ avg.ed + mobility + stype", d)
    assert fit.zeta.index.tolist() == ["1|2", "2|3", "3|4"]
    assert_close(fit.params, reference("olr_clus1", "coef"), 1e-7)


def test_olr_unweighted_equals_mass_polr() -> None:
    df = api("clus1").assign(mealcat=pd.cut(api("clus1")["meals"], BREAKS["clus1"], labels=LABELS))
    fit = olr(OLR, df)
    # polr's BFGS limits the reference to ~3e-8; statsmodels' Hessian is numerical
    assert_close(fit.params, reference("polr_clus1", "coef"), 1e-7)
    assert_close(fit.se, reference("polr_clus1", "se"), 1e-6)


def test_svyolr_on_a_post_stratified_design_equals_r() -> None:
    pop = pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
    d = post_stratify(_olr_design("clus1"), "stype", pop)
    fit = svyolr("mealcat ~ mobility + stype", d)
    assert_close(fit.params, reference("olr_clus1_poststrat", "coef"), 1e-7)
    assert_close(fit.se, reference("olr_clus1_poststrat", "se"), 1e-6)

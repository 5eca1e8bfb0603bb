"""Calibration against R's survey: postStratify on stype, rake on stype and sch.wide (R's default
control and a tight one), calibrate(~stype + api99) (GREG), on one- and two-stage cluster and
stratified designs. Weights and estimates to 1e-8 relative, standard errors to 1e-6 (R numbers in
tests/survey/fixtures/reference.csv, written by make_reference.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey import (
    SurveyDesign,
    calibrate,
    post_stratify,
    postStratify,
    rake,
    svyby,
    svymean,
    svytotal,
)
from tests.survey.api_reference import assert_close, design, reference

POP_TYPES = pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
GREG_TOTALS = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "api99": 3914069}


def _calibrated(base: str, method: str) -> SurveyDesign:
    d = design(base)
    if method == "poststrat":
        return postStratify(d, "stype", POP_TYPES)
    if method == "rake":
        return rake(d, ["stype", "sch.wide"], [POP_TYPES, POP_SCHWIDE])
    if method == "rake_tight":
        return rake(d, ["stype", "sch.wide"], [POP_TYPES, POP_SCHWIDE], max_iter=100, epsilon=1e-12)
    return calibrate(d, "~stype + api99", GREG_TOTALS)


@pytest.mark.parametrize("base", ["clus1", "clus2", "strat_nofpc"])
@pytest.mark.parametrize("method", ["poststrat", "rake", "rake_tight", "greg"])
def test_calibrated_weights_estimates_and_ses_equal_r(base: str, method: str) -> None:
    case = f"{base}_{method}"
    d = _calibrated(base, method)
    assert_close(d.w, reference(case, "weights"), 1e-8)
    m = svymean(d, ["api00", "ell"])
    assert_close(m.estimate, reference(case, "mean"), 1e-8)
    assert_close(m.se, reference(case, "mean_se"), 1e-6)
    t = svytotal(d, "enroll", na_rm=True)
    assert_close(t.estimate, reference(case, "total"), 1e-8)
    assert_close(t.se, reference(case, "total_se"), 1e-6)
    b = svyby(d, "api00", "sch.wide")  # domains of a calibrated design
    assert_close(b.estimate[:, 0], reference(case, "by_mean_api00"), 1e-8)
    assert_close(b.se[:, 0], reference(case, "by_mean_api00_se"), 1e-6)


def test_calibrated_totals_hit_the_population() -> None:
    d = calibrate(design("clus1"), "~stype + api99", GREG_TOTALS)
    t = svytotal(d, ["stype", "api99"])
    assert_close(t.estimate, [4421, 755, 1018, 3914069], 1e-10)
    # a total of a calibration variable is known exactly: its SE vanishes
    assert np.all(t.se < 1e-6 * t.estimate)


def test_rake_reports_convergence_and_warns_when_it_stops_early() -> None:
    d = rake(design("clus2"), ["stype", "sch.wide"], [POP_TYPES, POP_SCHWIDE])
    assert d.calibration_info.converged
    assert d.calibration_info.max_change < 1.0
    with pytest.warns(RuntimeWarning, match="did not converge after 2"):
        d2 = rake(
            design("clus2"),
            ["stype", "sch.wide"],
            [POP_TYPES, POP_SCHWIDE],
            max_iter=2,
            epsilon=1e-12,
        )
    assert not d2.calibration_info.converged


def test_post_stratify_reports_cells_missing_from_population_or_sample() -> None:
    with pytest.raises(InputError, match=r"'M'.*no population count"):
        post_stratify(design("clus1"), "stype", {"E": 4421, "H": 755})
    with pytest.raises(InputError, match=r"'X'.*no sampled rows.*partial=True"):
        post_stratify(design("clus1"), "stype", {"E": 4421, "H": 755, "M": 1018, "X": 5})
    d = post_stratify(
        design("clus1"), "stype", {"E": 4421, "H": 755, "M": 1018, "X": 5}, partial=True
    )
    assert d.w.sum() == pytest.approx(6194)


def test_calibrate_names_the_expected_totals() -> None:
    with pytest.raises(ParameterError, match=r"missing \['api99'\]"):
        calibrate(design("clus1"), "~stype + api99", {"(Intercept)": 1, "stypeH": 1, "stypeM": 1})


def test_raking_calfun_matches_post_stratification_on_one_factor() -> None:
    # with a single factor, multiplicative (raking) calibration is post-stratification
    d1 = calibrate(
        design("clus1"),
        "~stype",
        {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018},
        calfun="raking",
        epsilon=1e-13,
    )
    d2 = post_stratify(design("clus1"), "stype", POP_TYPES)
    assert_close(d1.w, d2.w, 1e-10)
    assert_close(svymean(d1, "api00").se, svymean(d2, "api00").se, 1e-8)


def _r_backfit(x: np.ndarray, margins: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """R's svyrecvar raking residuals written out as R does them: 10 sweeps, one item at a time,
    each margin subtracting ``psw * ave(x / psw)`` by cell (an independent, naive loop)."""
    x = x.astype(float).copy()
    for _ in range(10):
        for codes, psw in margins:
            for j in range(x.shape[0]):
                for c in np.unique(codes):
                    cell = codes == c
                    x[j, cell] -= psw[cell] * np.mean(x[j, cell] / psw[cell])
    return x


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=6, max_value=40),
    items=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_rake_residuals_of_all_items_at_once_equal_rs_item_by_item_backfitting(
    n: int, items: int, seed: int
) -> None:
    from cgresearch.survey.calibration import _RakeAdjustment

    rng = np.random.default_rng(seed)
    margins = []
    for k in (2, 3, 4):
        codes = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])  # every cell used
        margins.append((codes, k, rng.uniform(0.5, 3.0, n)))
    x = rng.normal(0, 5, (items, n))
    got = _RakeAdjustment(tuple(margins)).residualize(x)
    want = _r_backfit(x, [(c, w) for c, _, w in margins])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(x).max())


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=8, max_value=40),
    items=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_rake_residuals_through_the_joint_cells_equal_rs_backfitting(
    n: int, items: int, seed: int
) -> None:
    # Raked weights are the base weights times one factor per cell of each margin, so R's sweeps
    # can be run through the joint cells; they must give R's item-by-item residuals.
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "a": np.concatenate([np.arange(2), rng.integers(0, 2, n - 2)]),
            "b": np.concatenate([np.arange(3), rng.integers(0, 3, n - 3)]),
            "w": rng.uniform(0.5, 3.0, n),
        }
    )
    pops = [{0: 40.0, 1: 60.0}, {0: 30.0, 1: 30.0, 2: 40.0}]
    raked = rake(SurveyDesign(df, weights="w"), ["a", "b"], pops)
    adj = raked._adjustments[-1]
    assert adj.joint is not None  # the joint-cell path is the one taken
    x = rng.normal(0, 5, (items, n))
    want = _r_backfit(x, [(c, w) for c, _, w in adj.margins])
    np.testing.assert_allclose(adj.residualize(x), want, rtol=1e-9, atol=1e-9 * np.abs(x).max())

"""SurveyDesign: degrees of freedom, weights, fpc, lonely PSUs and bad input, against R's survey.

Reference numbers: tests/survey/fixtures/reference.csv, written by make_reference.R (R survey).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey import SurveyDesign, svymean
from tests.survey.api_reference import (
    DESIGN_CASES,
    FIXTURES,
    api,
    assert_close,
    design,
    reference,
)


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_degf_and_weight_sum_equal_r(case: str) -> None:
    d = design(case)
    assert d.degf == reference(case, "degf").iloc[0]
    assert_close(d.w.sum(), reference(case, "weights_sum"), 1e-12)


def test_two_stage_weights_without_weight_column_come_from_fpc_as_in_r() -> None:
    # R: weights = prod over stages of popsize / sampsize; apiclus2's own pw column holds them
    d = design("clus2")
    np.testing.assert_allclose(d.w, api("clus2")["pw"].to_numpy(), rtol=1e-12)


def test_fpc_as_sampling_fraction_gives_the_same_variance_as_population_size() -> None:
    # 15 of 757 districts were sampled: fraction 15/757 must reproduce R's fpc=~fpc results
    df = api("clus1").assign(frac=15 / api("clus1")["fpc"])
    d = SurveyDesign(df, ids="dnum", weights="pw", fpc="frac")
    assert_close(svymean(d, ["api00", "ell"]).se, reference("clus1", "mean_se").iloc[:2], 1e-8)


@pytest.mark.parametrize("option", ["adjust", "average", "remove", "certainty"])
def test_lonely_psu_options_match_r(option: str) -> None:
    rows = pd.read_csv(FIXTURES / "lonely_rows.csv")["row"].to_numpy() - 1  # R rows are 1-based
    lon = api("strat").iloc[rows].reset_index(drop=True)
    d = SurveyDesign(lon, strata="stype", weights="pw", lonely_psu=option)
    m = svymean(d, ["api00", "ell"])
    assert_close(m.estimate, reference(f"lonely_{option}", "mean"), 1e-10)
    assert_close(m.se, reference(f"lonely_{option}", "mean_se"), 1e-8)


def test_lonely_psu_fail_names_the_stratum() -> None:
    rows = pd.read_csv(FIXTURES / "lonely_rows.csv")["row"].to_numpy() - 1
    lon = api("strat").iloc[rows].reset_index(drop=True)
    with pytest.raises(InputError, match=r"'M'.*'stype'.*single sampled unit"):
        SurveyDesign(lon, strata="stype", weights="pw")


def test_domain_keeps_design_but_degf_counts_domain_psus() -> None:
    d = design("clus1")
    dom = d.subset(api("clus1")["sch.wide"] == "Yes")
    assert dom.n == d.n
    assert dom.degf == reference("clus1", "domain_degf").iloc[0]
    assert (dom.w[api("clus1")["sch.wide"] != "Yes"] == 0).all()


def _toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "h": ["a", "a", "b", "b", "b"],
            "psu": [1, 2, 3, 4, 5],
            "w": [2.0, 2.0, 3.0, 3.0, 3.0],
            "N": [10.0, 10.0, 20.0, 20.0, 20.0],
        }
    )


def test_missing_weight_is_reported_with_column_and_row() -> None:
    df = _toy()
    df.loc[3, "w"] = np.nan
    with pytest.raises(InputError, match=r"'w'.*missing.*row\(s\) 3"):
        SurveyDesign(df, ids="psu", strata="h", weights="w")


def test_non_positive_weights_are_reported_with_their_values() -> None:
    df = _toy()
    df.loc[[1, 4], "w"] = [0.0, -1.5]
    with pytest.raises(InputError, match=r"'w'.*0\.0, -1\.5.*rows?\(s\) 1, 4"):
        SurveyDesign(df, ids="psu", strata="h", weights="w")


def test_fpc_smaller_than_sample_is_reported() -> None:
    df = _toy()
    df["N"] = [10.0, 10.0, 2.0, 2.0, 2.0]  # 3 PSUs sampled from 2
    with pytest.raises(InputError, match=r"'N'.*population size 2 .*3 sampled"):
        SurveyDesign(df, ids="psu", strata="h", weights="w", fpc="N")


def test_clusters_crossing_strata_are_reported_unless_nested() -> None:
    df = _toy()
    df["psu"] = [1, 2, 1, 2, 3]
    with pytest.raises(InputError, match=r"'psu'.*not nested.*1, 2"):
        SurveyDesign(df, ids="psu", strata="h", weights="w")
    assert SurveyDesign(df, ids="psu", strata="h", weights="w", nest=True).degf == 3


def test_fpc_mixing_fractions_and_sizes_is_rejected() -> None:
    df = _toy()
    df["N"] = [0.5, 0.5, 20.0, 20.0, 20.0]
    with pytest.raises(InputError, match="mix population sizes"):
        SurveyDesign(df, ids="psu", strata="h", fpc="N")


def test_unknown_column_and_bad_option_are_rejected() -> None:
    with pytest.raises(InputError, match="'nope'"):
        SurveyDesign(_toy(), ids="nope")
    with pytest.raises(ParameterError, match="lonely_psu"):
        SurveyDesign(_toy(), ids="psu", lonely_psu="drop")  # type: ignore[arg-type]


def test_variance_of_srs_total_by_hand() -> None:
    # no strata, no fpc, 4 PSUs: V = n/(n-1) * sum (z - zbar)^2 = 4/3 * (2.25+0.25+0.25+2.25)
    d = SurveyDesign(pd.DataFrame({"i": range(4)}))
    assert d.variance(np.array([1.0, 2.0, 3.0, 4.0]))[0, 0] == pytest.approx(4 / 3 * 5.0)


def _lonely_second_stage() -> pd.DataFrame:
    # districts where the single school was the whole population now have 2 schools: the
    # sampled school is a lonely second-stage unit (make_reference.R, "lonely2" cases)
    df = api("clus2")
    return df.assign(fpc2b=np.where(df["fpc2"] == 1, 2, df["fpc2"]))


@pytest.mark.parametrize("option", ["adjust", "average", "remove", "certainty"])
def test_lonely_second_stage_units_match_r(option: str) -> None:
    d = SurveyDesign(
        _lonely_second_stage(), ids=["dnum", "snum"], fpc=["fpc1", "fpc2b"], lonely_psu=option
    )
    m = svymean(d, ["api00", "ell"])
    assert_close(m.estimate, reference(f"lonely2_{option}", "mean"), 1e-10)
    # "average" is NaN in R too: a district's only second-stage stratum cannot be averaged
    assert_close(m.se, reference(f"lonely2_{option}", "mean_se"), 1e-8)


def test_lonely_second_stage_unit_fails_naming_the_district() -> None:
    with pytest.raises(InputError, match=r"cluster\(s\) 15, .*'dnum'.*stage 2"):
        SurveyDesign(_lonely_second_stage(), ids=["dnum", "snum"], fpc=["fpc1", "fpc2b"])


def test_two_stage_fpc_as_fractions_equals_population_sizes() -> None:
    # stage 1: 40 of fpc1 districts; stage 2: n_i sampled schools of fpc2 in district i
    df = api("clus2")
    n_i = df.groupby("dnum")["snum"].transform("nunique")
    df = df.assign(f1=40 / df["fpc1"], f2=n_i / df["fpc2"])
    d = SurveyDesign(df, ids=["dnum", "snum"], fpc=["f1", "f2"])
    m = svymean(d, ["api00", "ell", "stype"])
    assert_close(m.se, reference("clus2", "mean_se"), 1e-8)


def test_nested_cluster_ids_match_r() -> None:
    # districts (dnum) recur across school-type strata: R needs nest=TRUE, and so do we
    with pytest.raises(InputError, match="not nested"):
        SurveyDesign(api("strat"), ids="dnum", strata="stype", weights="pw")
    d = SurveyDesign(
        api("strat"), ids="dnum", strata="stype", weights="pw", nest=True, lonely_psu="adjust"
    )
    assert d.degf == reference("strat_nest", "degf").iloc[0]
    assert_close(svymean(d, ["api00", "ell"]).se, reference("strat_nest", "mean_se"), 1e-8)

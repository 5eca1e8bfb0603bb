"""The synthetic survey follows its stated design and carries a real public-private gap."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from cgresearch.data.synth import (
    SURVEY_CODEBOOK,
    SURVEY_COLUMNS,
    codebook_frame,
    generate_survey,
    stratum_sizes,
    to_csv_bytes,
)

EXPECTED_COLUMNS = (
    ["resp_id", "gu_code", "gu_name", "group", "stratum", "weight", "fpc", "sex", "age_group"]
    + ["tenure_years", "trust_1", "trust_2", "trust_3", "trust_4"]
    + [f"cg_{i}" for i in range(1, 7)]
    + [f"imp_T{i}" for i in range(1, 6)]
    + [f"perf_T{i}" for i in range(1, 6)]
    + ["compact_aware", "data_label"]
)
LIKERT = [c for c in EXPECTED_COLUMNS if c.startswith(("trust_", "cg_", "imp_", "perf_"))]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey(seed=21)


@pytest.fixture(scope="module")
def clean(survey: pd.DataFrame) -> pd.DataFrame:
    """Likert answers with 8/9 as missing and cg_3, cg_5 reverse-scored."""
    x = survey.copy()
    for c in LIKERT:
        v = x[c].astype("float64")
        x[c] = v.where(v.between(1, 5))
    for c in ("cg_3", "cg_5"):
        x[c] = 6 - x[c]
    return x


def _alpha(items: pd.DataFrame) -> float:
    # Cronbach (1951): alpha = k/(k-1) * (1 - sum of item variances / variance of the sum).
    d = items.dropna()
    k = d.shape[1]
    return k / (k - 1) * (1 - d.var(ddof=1).sum() / d.sum(axis=1).var(ddof=1))


def test_columns_are_exactly_the_agreed_ones(survey: pd.DataFrame) -> None:
    assert list(survey.columns) == EXPECTED_COLUMNS == list(SURVEY_COLUMNS)
    assert survey["resp_id"].is_unique and survey["resp_id"].iloc[0] == "R00001"
    assert (survey["data_label"] == "synthetic").all()
    assert (survey["stratum"] == survey["gu_code"].astype(str) + "_" + survey["group"]).all()


def test_every_gu_and_group_is_sampled_with_the_stated_sizes(survey: pd.DataFrame) -> None:
    assert survey["gu_code"].nunique() == 25
    n_h = survey.groupby(["gu_code", "group"]).size().unstack()
    assert (n_h["public"] == 20).all() and (n_h["cso"] == 12).all()
    assert (n_h["resident"] == 40).all()
    assert len(survey) == 25 * 72 == 1800


def test_stratum_population_sizes_follow_the_stated_formula() -> None:
    st = stratum_sizes().set_index("stratum")
    # Jongno-gu, population 162,820; smallest gu Jung-gu 133,240, largest Songpa-gu 667,483:
    # x = (162820 - 133240) / (667483 - 133240) = 0.05537; public N = round(1000 + 1000 x) = 1055,
    # CSO N = round(100 + 300 x) = 117; residents N = round(0.83 x 162820) = 135141.
    assert st.loc["11110_public", "N_h"] == 1055
    assert st.loc["11110_cso", "N_h"] == 117
    assert st.loc["11110_resident", "N_h"] == 135141
    # Songpa-gu is the largest: 2000 officials and 400 CSO members.
    assert st.loc["11710_public", "N_h"] == 2000 and st.loc["11710_cso", "N_h"] == 400


def test_weights_of_each_stratum_sum_to_its_population(survey: pd.DataFrame) -> None:
    st = stratum_sizes().set_index("stratum")["N_h"]
    sums = survey.groupby("stratum")["weight"].sum()
    np.testing.assert_allclose(sums.sort_index(), st.sort_index().astype(float), rtol=1e-12)
    assert (survey.groupby("stratum")["fpc"].nunique() == 1).all()
    assert (survey["weight"] > 0).all()


def test_public_officials_rate_trust_and_cg_higher_than_cso_and_residents(
    clean: pd.DataFrame,
) -> None:
    trust = clean[[f"trust_{i}" for i in range(1, 5)]].mean(axis=1)
    cg = clean[[f"cg_{i}" for i in range(1, 7)]].mean(axis=1)
    for score in (trust, cg):
        means = score.groupby(clean["group"]).mean()
        assert 0.4 < means["public"] - means["cso"] < 1.0
        assert 0.4 < means["public"] - means["resident"] < 1.0


def test_importance_exceeds_performance_for_most_tasks_by_varying_margins(
    clean: pd.DataFrame,
) -> None:
    gaps = np.array([clean[f"imp_T{i}"].mean() - clean[f"perf_T{i}"].mean() for i in range(1, 6)])
    assert (gaps > 0).sum() >= 4
    assert gaps.max() - gaps.min() > 0.8


def test_items_of_a_construct_are_internally_consistent(clean: pd.DataFrame) -> None:
    for cols in (
        [f"trust_{i}" for i in range(1, 5)],
        [f"cg_{i}" for i in range(1, 7)],
        [f"imp_T{i}" for i in range(1, 6)],
        [f"perf_T{i}" for i in range(1, 6)],
    ):
        assert 0.75 <= _alpha(clean[cols]) <= 0.92, cols


def test_reverse_worded_items_correlate_negatively_as_answered(survey: pd.DataFrame) -> None:
    x = survey[["cg_1", "cg_3", "cg_5"]].astype("float64")
    x = x.where(x.isin([1, 2, 3, 4, 5]))
    r = x.corr()
    assert r.loc["cg_1", "cg_3"] < -0.3 and r.loc["cg_1", "cg_5"] < -0.3
    assert SURVEY_CODEBOOK["cg_3"].reverse and SURVEY_CODEBOOK["cg_5"].reverse
    assert not SURVEY_CODEBOOK["cg_1"].reverse


def test_missing_codes_and_blanks_occur_as_in_real_surveys(survey: pd.DataFrame) -> None:
    values = survey[LIKERT].stack(future_stack=True)
    share = values.isna().mean(), (values == 8).mean(), (values == 9).mean()
    assert 0.005 < share[0] < 0.03  # blanks: 1.5 %
    assert 0.02 < share[1] < 0.07  # don't know: 2.5 % (5 % among residents)
    assert 0.003 < share[2] < 0.02  # refused: 1 %
    answered = values.dropna()
    assert set(answered.astype(int)) <= {1, 2, 3, 4, 5, 8, 9}
    dk = survey[LIKERT].eq(8).mean(axis=1).groupby(survey["group"]).mean()
    assert dk["resident"] > dk["public"]


def test_demographics_and_compact_awareness_use_their_codes(survey: pd.DataFrame) -> None:
    assert set(survey["sex"].dropna()) == {1, 2}
    assert set(survey["age_group"].dropna()) == {1, 2, 3, 4, 5}
    assert set(survey["compact_aware"].dropna()) == {1, 2, 3}
    aware = survey["compact_aware"].eq(1).groupby(survey["group"]).mean()
    assert aware["public"] > aware["resident"]


def test_codebook_covers_every_column_with_labels_for_coded_items() -> None:
    assert set(SURVEY_CODEBOOK) == set(EXPECTED_COLUMNS)
    for c in LIKERT:
        item = SURVEY_CODEBOOK[c]
        assert set(item.labels_ko) == set(item.labels_en) == {1, 2, 3, 4, 5, 8, 9}
        assert item.missing_codes == (8, 9)
    book = codebook_frame()
    assert len(book) == len(EXPECTED_COLUMNS)
    assert book.set_index("name").loc["compact_aware", "labels_en"].startswith("1=Know it well")


def test_same_seed_gives_identical_csv_bytes_and_another_seed_does_not() -> None:
    a = hashlib.sha256(to_csv_bytes(generate_survey(seed=9))).hexdigest()
    b = hashlib.sha256(to_csv_bytes(generate_survey(seed=9))).hexdigest()
    c = hashlib.sha256(to_csv_bytes(generate_survey(seed=10))).hexdigest()
    assert a == b and a != c


def test_inconsistent_design_parameters_are_refused() -> None:
    from cgresearch.data.synth import SurveyParams
    from cgresearch.errors import ParameterError

    with pytest.raises(ParameterError, match="n_per_gu"):
        generate_survey(params=SurveyParams(n_per_gu={"public": 20, "cso": 12}))
    with pytest.raises(ParameterError, match="below its sample size"):
        generate_survey(params=SurveyParams(n_per_gu={"public": 20, "cso": 200, "resident": 40}))


def test_a_smaller_design_keeps_weights_summing_to_n_h() -> None:
    from cgresearch.data.synth import SurveyParams

    small = generate_survey(
        seed=1, params=SurveyParams(n_per_gu={"public": 3, "cso": 2, "resident": 4})
    )
    assert len(small) == 25 * 9
    sums = small.groupby("stratum")["weight"].sum()
    fpc = small.groupby("stratum")["fpc"].first().astype(float)
    np.testing.assert_allclose(sums, fpc, rtol=1e-12)

"""Monte Carlo uncertainty and Sobol sensitivity against analytic values and a direct loop."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation.uncertainty import (
    UncertaintySpec,
    grades_from_ranks,
    monte_carlo_index,
    rank_shares,
)

FRAMEWORK = pd.DataFrame(
    {
        "code": ["I", "P1", "P2", "P3", "a", "b", "c", "d", "e"],
        "level": [3, 2, 2, 2, 1, 1, 1, 1, 1],
        "parent": ["", "I", "I", "I", "P1", "P1", "P2", "P2", "P3"],
        "direction": [1, 1, 1, 1, 1, -1, 1, 1, 1],
        "weight": [1, 1, 2, 1, 1, 1, 2, 1, 1],
    }
)


def _data(seed: int = 3, n: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.lognormal(3, 0.4, (n, 5)), columns=list("abcde"))
    x.index = [f"g{i}" for i in range(n)]
    x.iloc[2, 0] = np.nan  # one gap: imputation matters
    x.iloc[5, 3] = np.nan
    return x


# --- the Monte Carlo against a direct per-draw loop -------------------------------------------
def _direct_index(x: pd.DataFrame, draw: pd.Series) -> pd.Series:
    """One draw, computed plainly from the method definitions (no shared code)."""
    fw = FRAMEWORK.set_index("code")
    ind = fw[fw["level"] == 1]
    v = x[ind.index].astype(float) * ind["direction"]
    if draw["imputation"] == "mean":
        v = v.fillna(v.mean())
    if draw["normalisation"] == "minmax":
        v = 1 + 99 * (v - v.min()) / (v.max() - v.min())
    elif draw["normalisation"] == "zscore":
        v = 100 + 10 * (v - v.mean()) / v.std(ddof=1)
    else:
        v = 100 * v.rank(method="min") / v.notna().sum()
    geo = draw["aggregation"] == "geometric"
    pillars = {}
    for p in ["P1", "P2", "P3"]:
        cols = ind.index[ind["parent"] == p]
        rows = []
        for unit in v.index:
            vals = [
                (v.loc[unit, c], ind.loc[c, "weight"]) for c in cols if pd.notna(v.loc[unit, c])
            ]
            wsum = sum(w for _, w in vals)
            if geo:
                rows.append(math.exp(sum(w * math.log(z) for z, w in vals) / wsum))
            else:
                rows.append(sum(w * z for z, w in vals) / wsum)
        pillars[p] = rows
    pil = pd.DataFrame(pillars, index=v.index)
    w = np.array([draw[f"w_{p}"] for p in ["P1", "P2", "P3"]])
    if geo:
        return np.exp((np.log(pil) * w).sum(axis=1) / w.sum())
    return (pil * w).sum(axis=1) / w.sum()


def test_ranks_of_every_draw_and_their_intervals_equal_a_direct_loop() -> None:
    x = _data()
    spec = UncertaintySpec(n_base=32, seed=5)
    res = monte_carlo_index(x, FRAMEWORK, spec, workers=0)
    assert res.n_draws == 32 * (4 + 2) == res.ranks.shape[1]
    loop = np.empty_like(res.ranks)
    for d, draw in res.choices.iterrows():
        score = _direct_index(x, draw)
        np.testing.assert_allclose(res.scores[:, d], score.to_numpy(), rtol=1e-10)
        loop[:, d] = score.rank(ascending=False, method="min").to_numpy()
    np.testing.assert_array_equal(res.ranks, loop)
    q = np.percentile(loop, [50, 5, 95], axis=1)
    np.testing.assert_allclose(res.rank_intervals[["median", "q05", "q95"]].T.to_numpy(), q)
    nominal = {"imputation": "none", "normalisation": "minmax", "aggregation": "arithmetic"}
    nom = _direct_index(x, pd.Series({**nominal, "w_P1": 1.0, "w_P2": 2.0, "w_P3": 1.0}))
    assert (
        res.rank_intervals["nominal"].tolist()
        == nom.rank(ascending=False, method="min").astype(int).tolist()
    )


def test_grade_probabilities_are_the_shares_of_draws_with_each_grade() -> None:
    x = _data(n=10)
    res = monte_carlo_index(x, FRAMEWORK, UncertaintySpec(n_base=16, seed=2), workers=0)
    # 10 units, shares 0.3/0.4/0.3 -> ranks 1-3 가, 4-7 나, 8-10 다
    grade = np.where(res.ranks <= 3, 0, np.where(res.ranks <= 7, 1, 2))
    for i, g in enumerate(["가", "나", "다"]):
        np.testing.assert_allclose(res.grade_probabilities[g], (grade == i).mean(axis=1))
    np.testing.assert_allclose(res.grade_probabilities.sum(axis=1), 1.0)


def test_weight_spread_alone_gives_weights_all_the_sensitivity() -> None:
    spec = UncertaintySpec(
        normalisations=("minmax",),
        aggregations=("arithmetic",),
        imputations=("none",),
        weight_spread=0.5,
        n_base=256,
    )
    res = monte_carlo_index(_data(), FRAMEWORK, spec, workers=0)
    assert res.factors == ("weights",)
    w = res.choices[["w_P1", "w_P2", "w_P3"]]
    assert (w.min() >= [0.5, 1.0, 0.5]).all() and (w.max() <= [1.5, 3.0, 1.5]).all()
    # one factor holds all the variance: S1 = ST = 1 by definition
    assert res.sobol.loc["weights", ["S1", "ST"]].tolist() == [1.0, 1.0]
    assert res.rank_intervals["q95"].ge(res.rank_intervals["q05"]).all()


def test_a_choice_that_changes_nothing_has_zero_sobol_indices() -> None:
    # one pillar with one indicator: minmax and rank (no ties) give the same ordering, and
    # pillar weights cannot change one pillar's index; only imputation (never used: no gap)
    fw = pd.DataFrame(
        {"code": ["I", "P", "a"], "level": [3, 2, 1], "parent": ["", "I", "P"],
         "direction": [1, 1, 1], "weight": [1, 1, 1]}
    )  # fmt: skip
    x = pd.DataFrame({"a": [1.0, 5.0, 2.0, 9.0]}, index=list("pqrs"))
    res = monte_carlo_index(x, fw, UncertaintySpec(n_base=64), workers=0)
    assert (res.ranks == np.array([[4], [2], [3], [1]])).all()
    assert (res.sobol[["S1", "ST"]] == 0).all().all()
    assert res.rank_intervals["q95"].tolist() == [4, 2, 3, 1]


def test_per_unit_sobol_and_the_dask_path_agree_with_the_serial_path() -> None:
    distributed = pytest.importorskip("distributed")
    x = _data()
    spec = UncertaintySpec(n_base=32, per_unit=True, num_resamples=20)
    serial = monte_carlo_index(x, FRAMEWORK, spec, workers=0)
    with (
        distributed.LocalCluster(
            n_workers=1,
            processes=False,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = monte_carlo_index(x, FRAMEWORK, spec, client=client)
    np.testing.assert_array_equal(serial.ranks, remote.ranks)
    pd.testing.assert_frame_equal(serial.sobol_by_unit, remote.sobol_by_unit)
    assert remote.n_workers == 1 and set(serial.sobol_by_unit["factor"]) == set(serial.factors)


# --- bad input --------------------------------------------------------------------------------
def test_bad_input_raises_errors_that_say_what_to_do() -> None:
    x = _data()
    with pytest.raises(ParameterError, match=r"not in the data"):
        monte_carlo_index(x.drop(columns="e"), FRAMEWORK, workers=0)
    with pytest.raises(ParameterError, match=r"not in the framework"):
        monte_carlo_index(x.assign(z=1.0), FRAMEWORK, workers=0)
    with pytest.raises(ParameterError, match=r"no value at all"):
        monte_carlo_index(x.assign(e=np.nan), FRAMEWORK, workers=0)
    with pytest.raises(ModelError, match=r"constant"):
        monte_carlo_index(x.assign(e=4.0), FRAMEWORK, UncertaintySpec(n_base=8), workers=0)
    with pytest.raises(ParameterError, match=r"did you mean 'zscore'"):
        UncertaintySpec(normalisations=("zcore",))
    with pytest.raises(ParameterError, match=r"power of 2"):
        UncertaintySpec(n_base=1000)
    with pytest.raises(ParameterError, match=r"summing to 1"):
        UncertaintySpec(grade_shares=(("가", 0.5), ("나", 0.4)))
    with pytest.raises(ParameterError, match=r"varies nothing"):
        monte_carlo_index(
            x,
            FRAMEWORK,
            UncertaintySpec(("minmax",), ("arithmetic",), ("none",), weight_spread=0.0),
            workers=0,
        )


# --- agreement with the index core ------------------------------------------------------------
@pytest.mark.parametrize(
    ("normalisation", "aggregation", "imputation"),
    [
        ("minmax", "arithmetic", "none"),
        ("minmax", "geometric", "mean"),
        ("zscore", "arithmetic", "mean"),
        ("zscore", "geometric", "none"),
    ],
)
def test_each_draw_equals_build_index_with_the_same_choices(
    normalisation: str, aggregation: str, imputation: str
) -> None:
    from cgresearch.evaluation import Framework, IndexSpec, build_index

    x = _data(seed=8, n=12)
    spec = UncertaintySpec(weight_spread=0.0, n_base=16)  # pillar weights fixed
    res = monte_carlo_index(x, FRAMEWORK, spec, workers=0)
    core = build_index(
        x,
        Framework(FRAMEWORK.assign(parent=FRAMEWORK["parent"].replace("", None))),
        IndexSpec(
            impute=imputation,
            normalise=normalisation,
            range=(1.0, 100.0),
            mean_sd=(100.0, 10.0),
            aggregate=aggregation,
        ),
    )
    pick = (
        (res.choices["normalisation"] == normalisation)
        & (res.choices["aggregation"] == aggregation)
        & (res.choices["imputation"] == imputation)
    ).to_numpy()
    assert pick.any()
    for d in np.flatnonzero(pick):
        np.testing.assert_allclose(res.scores[:, d], core.index.to_numpy(), rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(perm=st.permutations(list(range(9))))
def test_unit_order_does_not_change_any_units_ranks_or_grade_odds(perm: list[int]) -> None:
    x = _data(seed=6)
    spec = UncertaintySpec(n_base=8, seed=4)
    a = monte_carlo_index(x, FRAMEWORK, spec, workers=0)
    b = monte_carlo_index(x.iloc[perm], FRAMEWORK, spec, workers=0)
    pd.testing.assert_frame_equal(a.rank_intervals, b.rank_intervals.loc[a.rank_intervals.index])
    pd.testing.assert_frame_equal(
        a.grade_probabilities, b.grade_probabilities.loc[a.grade_probabilities.index]
    )


def test_rank_shares_reproduce_the_quantile_rule_of_the_grades_module() -> None:
    from cgresearch.evaluation import GradeRule, assign_grades

    rule = GradeRule("quantiles", probs=(0.3, 0.7))
    x = _data(seed=4, n=25)
    spec = UncertaintySpec(n_base=8, grade_shares=rank_shares(rule, 25))
    res = monte_carlo_index(x, FRAMEWORK, spec, workers=0)
    for d in range(res.n_draws):
        want = assign_grades(pd.Series(res.scores[:, d]), rule).to_numpy()
        got = np.array(["가", "나", "다"])[grades_from_ranks(res.ranks[:, d], spec.grade_shares)]
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ParameterError, match="quantiles"):
        rank_shares(GradeRule("cutoffs", cutoffs=(40, 80)), 25)

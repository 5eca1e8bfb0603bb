"""build_index end to end on a hand-worked hierarchy; properties; data checked against META."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.evaluation import Framework, IndexSpec, build_index

# I → P1 (weight 2: a weight 1, b weight 3 and less is better), P2 (weight 1: c)
FW = Framework(
    pd.DataFrame(
        {
            "code": ["a", "b", "c", "P1", "P2", "I"],
            "parent": ["P1", "P1", "P2", "I", "I", None],
            "direction": [1, -1, 1, None, None, None],
            "weight": [1, 3, 1, 2, 1, 1],
        }
    )
)
DATA = pd.DataFrame(
    {"a": [0.0, 10.0, 5.0], "b": [0.0, 10.0, 2.0], "c": [5.0, 15.0, 7.0]},
    index=["u1", "u2", "u3"],
)


def _minmax(values: list[F], direction: int) -> list[F]:
    x = [direction * v for v in values]
    return [100 * (v - min(x)) / (max(x) - min(x)) for v in x]


def test_scores_at_every_level_equal_a_hand_computation_in_fractions() -> None:
    a = _minmax([F(0), F(10), F(5)], 1)  # 0, 100, 50
    b = _minmax([F(0), F(10), F(2)], -1)  # 100, 0, 80
    c = _minmax([F(5), F(15), F(7)], 1)  # 0, 100, 20
    p1 = [(1 * ai + 3 * bi) / 4 for ai, bi in zip(a, b, strict=True)]  # 75, 25, 72.5
    p2 = c
    idx = [(2 * x + 1 * y) / 3 for x, y in zip(p1, p2, strict=True)]  # 50, 50, 55
    res = build_index(DATA, FW)
    for code, expected in {"a": a, "b": b, "c": c, "P1": p1, "P2": p2, "I": idx}.items():
        assert res.scores[code].tolist() == pytest.approx([float(v) for v in expected], abs=1e-12)
    assert res.ranks["I"].tolist() == [2.0, 2.0, 1.0]  # 50, 50, 55: tie at the minimum rank
    assert res.ranks["P1"].tolist() == [1.0, 3.0, 2.0]
    assert list(res.scores.columns) == ["a", "b", "c", "P1", "P2", "I"]
    assert res.weights[["a", "b", "P1", "P2"]].tolist() == [0.25, 0.75, 2 / 3, 1 / 3]


def test_a_missing_pillar_drops_out_and_the_other_weights_are_renormalised() -> None:
    data = DATA.copy()
    data.loc["u3", "c"] = np.nan
    res = build_index(data, FW)
    # c over u1, u2 only: 0, 100; u3 has no P2, so its index is its P1 (72.5)
    assert res.scores["c"].tolist()[:2] == [0.0, 100.0]
    assert np.isnan(res.scores.loc["u3", "P2"])
    assert res.scores.loc["u3", "I"] == pytest.approx(72.5)


def test_mean_imputation_fills_before_normalising() -> None:
    data = DATA.copy()
    data.loc["u3", "c"] = np.nan
    res = build_index(data, FW, IndexSpec(impute="mean"))
    assert res.treated.loc["u3", "c"] == 10.0  # mean of 5 and 15
    assert res.log.imputed_cells == 1


def test_group_mean_imputation_uses_the_units_group() -> None:
    fw = Framework(FW.table, groups=("region",))
    data = DATA.assign(region=["n", "s", "n"])
    data.loc["u3", "a"] = np.nan
    res = build_index(data, fw, IndexSpec(impute="group_mean", impute_group="region"))
    assert res.treated.loc["u3", "a"] == 0.0  # the mean of its group (u1 only)
    assert "region" not in res.scores.columns


def test_geometric_aggregation_on_a_range_above_zero() -> None:
    res = build_index(DATA, FW, IndexSpec(range=(1, 101), aggregate="geometric"))
    # u2: a = 101, b = 1 → P1 = 101^(1/4) · 1^(3/4); P2 = 101; I = P1^(2/3) · P2^(1/3)
    p1 = 101**0.25
    assert res.scores.loc["u2", "P1"] == pytest.approx(p1, rel=1e-12)
    assert res.scores.loc["u2", "I"] == pytest.approx(p1 ** (2 / 3) * 101 ** (1 / 3), rel=1e-12)


def test_geometric_aggregation_on_a_range_from_zero_is_refused() -> None:
    with pytest.raises(ModelError, match="geometric"):
        build_index(DATA, FW, IndexSpec(aggregate="geometric"))


def test_a_constant_indicator_under_zscore_is_refused() -> None:
    data = DATA.assign(c=4.0)
    with pytest.raises(ModelError, match="'c' is constant"):
        build_index(data, FW, IndexSpec(normalise="zscore"))


def test_bod_scores_map_the_lp_optimum_onto_the_range() -> None:
    res = build_index(DATA, FW, IndexSpec(weights="bod"))
    # P1 of u1: a = 0, b = 100 and no unit beats 100 on b → frontier → 100
    assert res.scores.loc["u1", "P1"] == pytest.approx(100.0)
    assert set(res.unit_weights) == {"P1", "P2", "I"}


def test_spec_is_hashable_and_refuses_unknown_choices() -> None:
    assert len({IndexSpec(weights={"a": 1}), IndexSpec(weights={"a": 1.0})}) == 1
    with pytest.raises(ParameterError, match="did you mean 'zscore'"):
        IndexSpec(normalise="zscor")
    with pytest.raises(ParameterError, match="arithmetic"):
        IndexSpec(weights="bod", aggregate="geometric")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (DATA.drop(columns=["c"]), ["'c'", "framework (META)", "no column"]),
        (DATA.assign(d=1.0), ["'d'", "not an indicator"]),
        (DATA.assign(a=["1", "x", "3"]), ["unit 'u2'", "column 'a'", "'x'"]),
        (DATA.assign(b=np.nan), ["'b'", "every value is missing"]),
    ],
)
def test_data_that_disagree_with_the_framework_are_refused_by_name(
    data: pd.DataFrame, words: list[str]
) -> None:
    with pytest.raises(InputError) as err:
        build_index(data, FW)
    for word in words:
        assert word in str(err.value)


unit_data = st.lists(
    st.tuples(*[st.integers(0, 10**6).map(lambda v: v / 1000)] * 3), min_size=3, max_size=10
).filter(lambda rows: all(len({r[j] for r in rows}) > 1 for j in range(3)))


@settings(max_examples=40, deadline=None)
@given(unit_data, st.floats(0.01, 100), st.floats(-1000, 1000), st.sampled_from(["a", "b", "c"]))
def test_arithmetic_ranks_do_not_change_under_positive_affine_rescaling_of_an_indicator(
    rows: list[tuple[float, float, float]], scale: float, shift: float, code: str
) -> None:
    data = pd.DataFrame(rows, columns=["a", "b", "c"], index=[f"u{i}" for i in range(len(rows))])
    rescaled = data.assign(**{code: data[code] * scale + shift})
    before, after = build_index(data, FW), build_index(rescaled, FW)
    np.testing.assert_allclose(after.scores.to_numpy(), before.scores.to_numpy(), atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(unit_data, st.randoms(use_true_random=False))
def test_the_order_of_units_does_not_change_any_score(
    rows: list[tuple[float, float, float]], rnd
) -> None:
    data = pd.DataFrame(rows, columns=["a", "b", "c"], index=[f"u{i}" for i in range(len(rows))])
    order = list(data.index)
    rnd.shuffle(order)
    for spec in (IndexSpec(), IndexSpec(aggregate="copeland"), IndexSpec(normalise="rank")):
        a = build_index(data, FW, spec).scores
        b = build_index(data.loc[order], FW, spec).scores.loc[data.index]
        np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), atol=1e-9)

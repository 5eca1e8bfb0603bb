"""Aggregation rules and ranks against hand-worked numbers and a second implementation."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation import aggregate, rank_scores


def test_arithmetic_renormalises_the_weights_over_the_children_a_unit_has() -> None:
    y = pd.DataFrame(
        {"a": [10.0, 40.0, None], "b": [20.0, None, None], "c": [70.0, 10.0, 5.0]},
        index=["u1", "u2", "u3"],
    )
    w = pd.Series({"a": 1.0, "b": 2.0, "c": 5.0})
    out = aggregate(y, w)
    # u1: (10 + 40 + 350) / 8; u2: (40 + 50) / 6; u3: only c
    assert out.tolist() == [float(F(400, 8)), float(F(90, 6)), 5.0]


def test_a_unit_with_no_child_value_gets_no_score() -> None:
    y = pd.DataFrame({"a": [1.0, None], "b": [2.0, None]}, index=["u1", "u2"])
    out = aggregate(y, pd.Series({"a": 1.0, "b": 1.0}))
    assert out["u1"] == 1.5 and np.isnan(out["u2"])


def test_geometric_is_the_weighted_product_power() -> None:
    y = pd.DataFrame({"a": [4.0, 9.0], "b": [1.0, 1.0], "c": [16.0, 9.0]})
    out = aggregate(y, pd.Series({"a": 1.0, "b": 2.0, "c": 1.0}), "geometric")
    # (4 · 1² · 16)^(1/4) = 64^(1/4) = 2√2; (9 · 1 · 9)^(1/4) = 3
    assert out.tolist() == pytest.approx([2 * 2**0.5, 3.0], rel=1e-12)


def test_geometric_refuses_a_value_at_or_below_zero_naming_unit_and_child() -> None:
    y = pd.DataFrame({"a": [4.0, 0.0], "b": [1.0, 2.0]}, index=["강남구", "강북구"])
    with pytest.raises(ModelError, match=r"'강북구'.*'a' = 0.*range 1 100"):
        aggregate(y, pd.Series({"a": 1.0, "b": 1.0}), "geometric", code="P1")


def test_copeland_counts_weighted_pairwise_wins_minus_losses() -> None:
    # weights a = 2, b = 1, c = 1 (total 4, half 2)
    # u1 vs u2: u1 better on a (2) only → 2 = half → neither wins
    # u1 vs u3: u1 better on a and c (3) → u1 wins
    # u2 vs u3: u2 better on c (1) only → u3 wins
    y = pd.DataFrame({"a": [3.0, 1, 2], "b": [1.0, 2, 3], "c": [2.0, 3, 1]})
    out = aggregate(y, pd.Series({"a": 2.0, "b": 1.0, "c": 1.0}), "copeland")
    assert out.tolist() == [1.0, -1.0, 0.0]


def _copeland_by_outranking_matrix(y: list[list[int]], w: list[int]) -> list[int]:
    """Second implementation: the outranking matrix in exact fractions, then wins − losses."""
    n = len(y)
    total = sum(w)
    out = [[F(0)] * n for _ in range(n)]
    for a, b in itertools.permutations(range(n), 2):
        out[a][b] = (
            sum(
                (F(wj) if ya > yb else F(wj, 2) if ya == yb else F(0))
                for ya, yb, wj in zip(y[a], y[b], w, strict=True)
            )
            / total
        )
    return [
        sum(1 for b in range(n) if b != a and out[a][b] > F(1, 2))
        - sum(1 for b in range(n) if b != a and out[a][b] < F(1, 2))
        for a in range(n)
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=n, max_size=n),
            st.lists(st.integers(1, 5), min_size=3, max_size=3),
        )
    )
)
def test_copeland_equals_the_outranking_matrix_definition(
    case: tuple[list[list[int]], list[int]],
) -> None:
    y, w = case
    frame = pd.DataFrame(y, columns=["a", "b", "c"], dtype=float)
    out = aggregate(frame, pd.Series(w, index=["a", "b", "c"], dtype=float), "copeland")
    assert out.tolist() == _copeland_by_outranking_matrix(y, w)


def test_copeland_refuses_per_unit_weights() -> None:
    y = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(ParameterError, match="per-unit"):
        aggregate(y, pd.DataFrame({"a": [1.0, 1.0]}), "copeland")


def test_an_unknown_aggregation_suggests_the_closest() -> None:
    with pytest.raises(ParameterError, match="did you mean 'geometric'"):
        aggregate(pd.DataFrame({"a": [1.0]}), pd.Series({"a": 1.0}), "geometirc")


def test_ranks_are_one_for_the_best_with_ties_at_the_minimum_rank() -> None:
    scores = pd.DataFrame({"I": [50.0, 70.0, 50.0, 10.0, None]})
    assert rank_scores(scores)["I"].tolist()[:4] == [2.0, 1.0, 2.0, 4.0]
    assert np.isnan(rank_scores(scores)["I"].iloc[4])


positive_rows = st.integers(2, 8).flatmap(
    lambda n: st.lists(
        st.lists(st.floats(0.01, 1000, allow_nan=False), min_size=3, max_size=3),
        min_size=n,
        max_size=n,
    )
)
weights3 = st.lists(st.floats(0.1, 10), min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(positive_rows, weights3)
def test_the_geometric_mean_never_exceeds_the_arithmetic_mean(
    rows: list[list[float]], w: list[float]
) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    weights = pd.Series(w, index=["a", "b", "c"])
    geo = aggregate(frame, weights, "geometric").to_numpy()
    ari = aggregate(frame, weights, "arithmetic").to_numpy()
    assert np.all(geo <= ari * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(positive_rows, weights3, st.data())
def test_under_copeland_a_dominating_unit_scores_strictly_higher(
    rows: list[list[float]], w: list[float], data: st.DataObject
) -> None:
    # make unit 0 dominate unit 1: at least as good everywhere, better somewhere
    lift = data.draw(st.lists(st.floats(0, 10), min_size=3, max_size=3))
    rows[0] = [b + d for b, d in zip(rows[1], lift, strict=True)]
    rows[0][0] = rows[1][0] + 1.0
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    out = aggregate(frame, pd.Series(w, index=["a", "b", "c"]), "copeland")
    assert out.iloc[0] > out.iloc[1]

"""Weights: declared, equal, PCA (against an SVD) and benefit of the doubt (against vertices)."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation import Framework, bod_scores, pca_weights, within_parent_weights


def _fw() -> Framework:
    return Framework(
        pd.DataFrame(
            {
                "code": ["a", "b", "c", "P1", "P2", "I"],
                "parent": ["P1", "P1", "P2", "I", "I", None],
                "direction": [1, 1, 1, None, None, None],
                "weight": [1, 3, 7, 2, 6, 1],
            }
        )
    )


def test_declared_weights_sum_to_one_within_each_parent() -> None:
    w = within_parent_weights(_fw())
    assert w.to_dict() == {"a": 0.25, "b": 0.75, "c": 1.0, "P1": 0.25, "P2": 0.75, "I": 1.0}


def test_equal_and_overridden_weights() -> None:
    assert within_parent_weights(_fw(), "equal")[["a", "b", "P1", "P2"]].tolist() == [0.5] * 4
    w = within_parent_weights(_fw(), {"b": 1.0, "P2": 2.0})
    assert w[["a", "b", "P1", "P2"]].tolist() == [0.5, 0.5, 0.5, 0.5]


def test_an_override_naming_an_unknown_code_is_refused() -> None:
    with pytest.raises(ParameterError, match="'bb' is not in the framework"):
        within_parent_weights(_fw(), {"bb": 1.0})


def test_pca_weights_are_the_squared_first_singular_vector_of_the_standardised_data() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=40)
    x = np.column_stack([base + rng.normal(0, s, 40) for s in (0.2, 0.6, 1.5)])
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    v = np.linalg.svd(z, full_matrices=False)[2][0]  # second implementation: SVD, not eigh
    assert pca_weights(frame).to_numpy() == pytest.approx(v**2 / (v**2).sum(), rel=1e-9)
    # the indicator closest to the common factor weighs most
    assert pca_weights(frame).idxmax() == "a"


def _bod_by_vertices(y: list[list[int]], u: int) -> F:
    """Second implementation for two indicators: the LP optimum is at a vertex of
    {w ≥ 0, w·y_v ≤ 1 for all v}; enumerate intersections of every pair of its lines."""
    lines = [((F(1), F(0)), F(0)), ((F(0), F(1)), F(0))]  # w1 = 0, w2 = 0
    lines += [((F(a), F(b)), F(1)) for a, b in y]
    best = F(0)
    for (p, r), (q, s) in itertools.combinations(lines, 2):
        det = p[0] * q[1] - p[1] * q[0]
        if det == 0:
            continue
        w1 = (r * q[1] - p[1] * s) / det
        w2 = (p[0] * s - r * q[0]) / det
        if w1 < 0 or w2 < 0 or any(a * w1 + b * w2 > 1 for a, b in y):
            continue
        best = max(best, y[u][0] * w1 + y[u][1] * w2)
    return best


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 20), st.integers(1, 20)).map(list), min_size=2, max_size=6)
)
def test_bod_scores_equal_the_best_vertex_of_each_units_lp(y: list[list[int]]) -> None:
    frame = pd.DataFrame(y, columns=["a", "b"], dtype=float)
    ci, w = bod_scores(frame)
    for u in range(len(y)):
        assert ci.iloc[u] == pytest.approx(float(_bod_by_vertices(y, u)), abs=1e-9)
    assert (ci <= 1 + 1e-9).all()
    assert w.sum(axis=1).to_numpy() == pytest.approx(np.ones(len(y)))


def test_a_unit_best_on_some_indicator_is_on_the_bod_frontier() -> None:
    frame = pd.DataFrame({"a": [10.0, 2.0, 5.0], "b": [1.0, 8.0, 4.0]})
    ci, _ = bod_scores(frame)
    assert ci.iloc[0] == pytest.approx(1.0) and ci.iloc[1] == pytest.approx(1.0)
    # unit 3 by hand: max 5w1 + 4w2 s.t. 10w1 + w2 ≤ 1, 2w1 + 8w2 ≤ 1 → w = (7/78, 8/78)
    assert ci.iloc[2] == pytest.approx(float(F(5 * 7 + 4 * 8, 78)), abs=1e-9)


def test_bod_refuses_negative_values() -> None:
    with pytest.raises(ModelError, match="BoD needs values ≥ 0"):
        bod_scores(pd.DataFrame({"a": [-1.0, 2.0], "b": [1.0, 1.0]}))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 50), min_size=3, max_size=3).filter(any),
        min_size=2,
        max_size=7,
    ),
    st.lists(st.integers(1, 9), min_size=3, max_size=3),
)
def test_bod_is_at_least_the_composite_under_any_fixed_feasible_weights(
    y: list[list[int]], w: list[int]
) -> None:
    # scale the fixed weights so that no unit exceeds 1, as the BoD constraints demand
    frame = pd.DataFrame(y, columns=["a", "b", "c"], dtype=float)
    fixed = np.asarray(w, dtype=float)
    composite = frame.to_numpy() @ fixed
    fixed_ci = composite / composite.max()
    ci, _ = bod_scores(frame)
    assert np.all(ci.to_numpy() >= fixed_ci - 1e-9)

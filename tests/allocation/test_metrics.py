"""Equity and welfare metrics against brute-force definitions computed in the tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation.metrics import (
    egalitarian_welfare,
    gini,
    max_min_ratio,
    nash_welfare,
    theil,
    utilitarian_welfare,
)
from cgresearch.errors import ParameterError


def _gini_double_sum(y):
    # Definition: mean absolute difference over all ordered pairs / (2 * mean).
    y = np.asarray(y, dtype=float)
    return np.abs(y[:, None] - y[None, :]).mean() / (2 * y.mean())


def test_gini_of_one_two_three_is_two_ninths():
    # |differences| over ordered pairs: 2 * (1 + 2 + 1) = 8; 8 / (2 * 3^2 * 2) = 2/9.
    assert gini([1, 2, 3]) == pytest.approx(2 / 9)


def test_gini_of_equal_values_is_zero_and_of_one_holder_is_n_minus_one_over_n():
    assert gini([5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 4]) == pytest.approx(3 / 4)


def test_theil_of_one_and_three_matches_the_hand_value():
    # mean 2: shares 0.5 and 1.5: (0.5 ln 0.5 + 1.5 ln 1.5) / 2.
    expected = (0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2
    assert theil([1, 3]) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.01, 100), min_size=2, max_size=8),
    st.lists(st.integers(1, 4), min_size=8, max_size=8),
)
def test_integer_weights_equal_repeating_each_value(values, reps):
    reps = reps[: len(values)]
    repeated = np.repeat(values, reps)
    assert gini(values, reps) == pytest.approx(_gini_double_sum(repeated), abs=1e-12)
    assert theil(values, reps) == pytest.approx(theil(repeated), abs=1e-12)


def test_max_min_ratio_and_welfare_sums():
    assert max_min_ratio([2, 4, 8]) == 4.0
    assert max_min_ratio([0, 1]) == math.inf
    assert utilitarian_welfare([1, 2, 3]) == 6.0
    assert egalitarian_welfare([1, 2, 3]) == 1.0
    assert nash_welfare([1, 2, 3]) == pytest.approx(math.log(6))
    assert nash_welfare([0, 2]) == -math.inf


def test_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(ParameterError, match="≥ 0"):
        gini([-1, 2])
    with pytest.raises(ParameterError, match="non-empty"):
        theil([])
    with pytest.raises(ParameterError, match="weights"):
        gini([1, 2], [1, -1])

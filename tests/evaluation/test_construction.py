"""Construction steps against numbers worked out from the method definitions (COINr's)."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ModelError, ParameterError
from cgresearch.evaluation import (
    Framework,
    impute,
    kurtosis,
    normalise,
    screen_units,
    skew,
    treat_outliers,
)


def _fw(directions: dict[str, int], **extra: dict[str, float]) -> Framework:
    codes = list(directions)
    table = pd.DataFrame(
        {
            "code": [*codes, "I"],
            "parent": ["I"] * len(codes) + [None],
            "direction": [directions[c] for c in codes] + [None],
        }
    )
    for column, values in extra.items():
        table[column] = [values.get(c, np.nan) for c in codes] + [np.nan]
    return Framework(table)


# -- skew and kurtosis: e1071 type 2 written out with exact fractions ------------------------------
def _moments(values: list[int]) -> tuple[int, F, F, F, F]:
    x = [F(v) for v in values]
    n = len(x)
    mean = sum(x) / n
    m = [sum((v - mean) ** r for v in x) / n for r in (2, 3, 4)]
    return n, mean, m[0], m[1], m[2]


def _skew_g1(values: list[int]) -> float:
    n, _, m2, m3, _ = _moments(values)
    # G1 = g1 * sqrt(n(n-1)) / (n-2), g1 = m3 / m2^(3/2); square the exact part to stay exact
    g1_sq = m3 * m3 / (m2**3)
    sign = 1 if m3 >= 0 else -1
    return sign * math.sqrt(g1_sq * n * (n - 1)) / (n - 2)


def _kurt_g2(values: list[int]) -> F:
    n, _, m2, _, m4 = _moments(values)
    g2 = m4 / (m2 * m2) - 3
    return ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))


@pytest.mark.parametrize(
    "values", [[1, 2, 3, 10], [*range(1, 11), 100], [5, 1, 1, 1, 1, 1, 0], [-3, 7, 7, 8, 20]]
)
def test_skew_and_kurtosis_are_e1071_type_2(values: list[int]) -> None:
    assert skew(values) == pytest.approx(_skew_g1(values), rel=1e-12)
    assert kurtosis(values) == pytest.approx(float(_kurt_g2(values)), rel=1e-12)


def test_kurtosis_of_four_equally_spaced_points_is_minus_six_fifths() -> None:
    # hand: n = 4, m2 = 5/4, m4 = 41/16, g2 = 41/25 - 3 = -34/25;
    # G2 = (5·(-34/25) + 6)·3 / (2·1) = (-34/5 + 30/5)·3/2 = -6/5
    assert kurtosis([1, 2, 3, 4]) == pytest.approx(-1.2, abs=1e-12)


# -- outlier treatment: COINr's default ---------------------------------------------------------
def test_one_outlier_is_winsorised_to_the_next_highest_value() -> None:
    # COINr's own test case: c(1:10, 100) fails, one winsorised point (100 -> 10) passes
    fw = _fw({"x": 1})
    data = pd.DataFrame({"x": [*range(1, 11), 100.0]})
    treated, log = treat_outliers(data, fw)
    assert treated["x"].tolist() == [*range(1, 11), 10.0]
    assert (log[0].action, log[0].points) == ("winsorised", 1)
    assert abs(log[0].skew_before) >= 2 and log[0].kurtosis_before >= 3.5


def test_negative_skew_winsorises_the_lowest_value() -> None:
    fw = _fw({"x": 1})
    data = pd.DataFrame({"x": [-v for v in [*range(1, 11), 100.0]]})
    treated, log = treat_outliers(data, fw)
    assert treated["x"].min() == -10.0
    assert log[0].action == "winsorised"


def test_when_winsorising_up_to_winmax_fails_the_original_values_are_logged() -> None:
    # COINr's test: c(1:20, 100, 200) with winmax = 1 still fails after one point;
    # log_CT: log(x - min + 0.01 (max - min)) of the original values
    x = np.array([*range(1, 21), 100.0, 200.0])
    treated, log = treat_outliers(pd.DataFrame({"x": x}), _fw({"x": 1}), winmax=1)
    expected = np.log(x - 1 + 0.01 * 199)
    np.testing.assert_allclose(treated["x"].to_numpy(), expected, rtol=1e-12)
    assert log[0].action == "log"


def test_a_rare_binary_indicator_is_logged_rather_than_winsorised_to_a_constant() -> None:
    # 22 ones and 3 zeros: skew −2.49, kurtosis 4.56 (outside the limits); winsorising the zeros
    # up would leave every value 1, so the log transform applies: log(x − 0 + 0.01 · 1)
    x = np.array([1.0] * 22 + [0.0] * 3)
    assert abs(skew(x)) >= 2 and kurtosis(x) >= 3.5
    treated, log = treat_outliers(pd.DataFrame({"x": x}), _fw({"x": 1}))
    assert log[0].action == "log"
    np.testing.assert_allclose(treated["x"].to_numpy(), np.log(x + 0.01), rtol=1e-12)


def test_an_indicator_within_the_limits_is_left_alone() -> None:
    x = [float(v) for v in range(1, 26)]
    treated, log = treat_outliers(pd.DataFrame({"x": x}), _fw({"x": 1}))
    assert treated["x"].tolist() == x and log[0].action == "none"


# -- normalisation ------------------------------------------------------------------------------
def test_minmax_applies_the_direction_first() -> None:
    fw = _fw({"up": 1, "down": -1})
    data = pd.DataFrame({"up": [2.0, 4.0, 10.0], "down": [2.0, 4.0, 10.0]})
    out = normalise(data, fw, "minmax", range_=(1, 101))
    assert out["up"].tolist() == [1.0, 26.0, 101.0]  # 1 + 100·(x-2)/8
    assert out["down"].tolist() == [101.0, 76.0, 1.0]


def test_zscore_uses_the_sample_standard_deviation() -> None:
    values = [1, 2, 4, 9]
    mean = F(sum(values), 4)  # 4
    var = sum((F(v) - mean) ** 2 for v in values) / 3  # (9 + 4 + 0 + 25) / 3 = 38/3
    sd = math.sqrt(var)
    out = normalise(pd.DataFrame({"x": values}), _fw({"x": 1}), "zscore", mean_sd=(10, 2))
    expected = [10 + 2 * float(F(v) - mean) / sd for v in values]
    assert out["x"].tolist() == pytest.approx(expected, rel=1e-12)


def test_rank_gives_ties_the_minimum_rank_after_the_direction() -> None:
    data = pd.DataFrame({"up": [3.0, 1, 3, 2], "down": [3.0, 1, 3, 2]})
    out = normalise(data, _fw({"up": 1, "down": -1}), "rank")
    assert out["up"].tolist() == [3.0, 1.0, 3.0, 2.0]
    assert out["down"].tolist() == [1.0, 4.0, 1.0, 3.0]


def test_distance_to_target_is_capped_at_the_top_of_the_range() -> None:
    fw = _fw({"up": 1, "down": -1}, target={"up": 10, "down": 4})
    data = pd.DataFrame({"up": [0.0, 5, 10, 20], "down": [2.0, 4, 10, 7]})
    out = normalise(data, fw, "target")
    assert out["up"].tolist() == [0.0, 50.0, 100.0, 100.0]
    # less is better: (10 - x) / (10 - 4), capped at 1
    assert out["down"].tolist() == pytest.approx([100.0, 100.0, 0.0, 50.0])


def test_goalposts_cut_to_the_range_and_turn_for_less_is_better() -> None:
    fw = _fw(
        {"up": 1, "down": -1}, goal_low={"up": 0, "down": 0}, goal_high={"up": 100, "down": 50}
    )
    data = pd.DataFrame({"up": [-10.0, 50, 120], "down": [-10.0, 10, 60]})
    out = normalise(data, fw, "goalposts")
    assert out["up"].tolist() == [0.0, 50.0, 100.0]
    assert out["down"].tolist() == [100.0, 80.0, 0.0]  # (50 - x) / 50


def test_a_missing_target_or_goalpost_names_the_indicator() -> None:
    data = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ParameterError, match="'x' has no target"):
        normalise(data, _fw({"x": 1}), "target")
    with pytest.raises(ParameterError, match="'x' has no goalposts"):
        normalise(data, _fw({"x": 1}), "goalposts")


@pytest.mark.parametrize("method", ["zscore", "minmax"])
def test_a_constant_indicator_is_refused(method: str) -> None:
    with pytest.raises(ModelError, match="'x' is constant"):
        normalise(pd.DataFrame({"x": [3.0, 3.0, 3.0]}), _fw({"x": 1}), method)


def test_a_range_with_low_not_below_high_is_refused() -> None:
    with pytest.raises(ParameterError, match="LOW < HIGH"):
        normalise(pd.DataFrame({"x": [1.0, 2.0]}), _fw({"x": 1}), range_=(5, 5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=30).filter(
        lambda v: max(v) - min(v) > 1e-6 * max(1.0, max(abs(a) for a in v))
    ),
    st.floats(-50, 50),
    st.floats(0.5, 100),
    st.sampled_from([1, -1]),
)
def test_minmax_output_stays_in_the_range_and_reaches_both_ends(
    values: list[float], low: float, width: float, direction: int
) -> None:
    out = normalise(pd.DataFrame({"x": values}), _fw({"x": direction}), range_=(low, low + width))
    y = out["x"].to_numpy()
    tol = 1e-9 * max(1.0, abs(low) + width)
    assert y.min() >= low - tol and y.max() <= low + width + tol
    assert y.min() == pytest.approx(low, abs=tol) and y.max() == pytest.approx(low + width, abs=tol)


# -- imputation and screening -------------------------------------------------------------------
def test_mean_and_group_mean_imputation() -> None:
    fw = _fw({"x": 1})
    data = pd.DataFrame(
        {"x": [1.0, 3.0, None, 10.0, None], "grp": ["n", "n", "n", "s", "s"]},
        index=list("abcde"),
    )
    assert impute(data, fw, "mean")["x"].tolist() == [1.0, 3.0, 14 / 3, 10.0, 14 / 3]
    assert impute(data, fw, "group_mean", "grp")["x"].tolist() == [1.0, 3.0, 2.0, 10.0, 10.0]
    assert impute(data, fw, "none")["x"].isna().sum() == 2


def test_screening_drops_units_below_the_availability_threshold() -> None:
    fw = _fw({"x": 1, "y": 1, "z": 1})
    data = pd.DataFrame(
        {"x": [1.0, None, None], "y": [1.0, 2.0, None], "z": [1.0, 2.0, 3.0]}, index=list("abc")
    )
    kept, dropped = screen_units(data, fw, 2 / 3)
    assert list(kept.index) == ["a", "b"] and dropped == ("c",)

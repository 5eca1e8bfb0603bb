"""The dashboard map's colour scale and fills (pure helpers of cgresearch.dashboard.map)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.dashboard.map import colour_scale, fill_colours


def test_equal_amounts_sit_mid_scale_on_a_readable_range() -> None:
    # equal_10: every gu 10억원; the range is 10 ± 0.5 (5% of 10 is 0.5), not 10 ± 1e-9
    palette, low, high = colour_scale(np.full(25, 10.0), "amount_eok")
    assert (low, high) == (9.5, 10.5)
    # Bokeh's rule floor((10 − 9.5) / 1 · 256) = 128: the middle colour of Cividis
    assert fill_colours(np.array([10.0]), palette, low, high) == [palette[128]]


def test_equal_per_capita_amounts_get_five_percent_either_side() -> None:
    _, low, high = colour_scale(np.full(3, 4000.0), "per_capita_krw")
    assert (low, high) == (3800.0, 4200.0)


def test_changes_are_coloured_symmetrically_around_zero() -> None:
    palette, low, high = colour_scale(np.array([-2.0, 0.5, 1.0]), "change_eok")
    assert (low, high) == (-2.0, 2.0) and len(palette) == 11
    # zero falls in the middle (white) class of the 11 RdBu colours: floor(2 / 4 · 11) = 5
    assert fill_colours(np.array([0.0]), palette, low, high) == [palette[5]]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=25),
    st.sampled_from(["amount_eok", "per_capita_krw", "change_eok", "vs_base_eok"]),
)
def test_every_value_lies_within_its_scale(values: list[float], column: str) -> None:
    v = np.asarray(values)
    if column in ("change_eok", "vs_base_eok"):
        v = v - v.mean()
    _, low, high = colour_scale(v, column)
    assert low < high
    assert low <= v.min() + 1e-9 and v.max() <= high + 1e-9
    if column in ("amount_eok", "per_capita_krw") and np.ptp(v) == 0:
        assert high - low >= 1.0 - 1e-9 * max(1.0, abs(high))  # an equal map: a readable range


@pytest.mark.parametrize("column", ["amount_eok", "change_eok"])
def test_no_data_is_grey(column: str) -> None:
    palette, low, high = colour_scale(np.array([np.nan, 1.0, 3.0]), column)
    assert fill_colours(np.array([np.nan]), palette, low, high) == ["#d9d9d9"]

"""Largest-remainder apportionment hits integer totals exactly; CSV bytes are deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.data.synth import apportion, to_csv_bytes
from cgresearch.errors import ParameterError


def test_apportion_gives_the_leftover_units_to_the_largest_remainders() -> None:
    # Quotas of 7 over weights 3:2:1 are 3.5, 2.333.., 1.166..; floors 3, 2, 1 leave one unit,
    # which goes to the largest remainder (0.5, the first part): 4, 2, 1.
    assert apportion(7, [3, 2, 1]).tolist() == [4, 2, 1]
    # Hamilton's method on the textbook example (Balinski & Young): 100 seats, populations
    # 9061, 7179, 5259, 3319, 1182 (total 26000) give quotas 34.85, 27.61, 20.23, 12.77, 4.55;
    # floors 34+27+20+12+4 = 97; the 3 left go to remainders .85, .77, .61 -> 35, 28, 20, 13, 4.
    assert apportion(100, [9061, 7179, 5259, 3319, 1182]).tolist() == [35, 28, 20, 13, 4]


def test_apportion_with_a_minimum_gives_each_part_at_least_it() -> None:
    # 10 units, minimum 2 each over 3 parts leaves 4 to share 1:0:0 -> 6, 2, 2.
    assert apportion(10, [1, 0, 0], minimum=2).tolist() == [6, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(0, 10**7),
    weights=st.lists(st.floats(0.001, 1e6), min_size=1, max_size=40),
)
def test_apportion_sums_exactly_and_stays_within_one_of_the_quota(
    total: int, weights: list[float]
) -> None:
    parts = apportion(total, weights)
    assert int(parts.sum()) == total
    quota = total * np.asarray(weights) / np.sum(weights)
    assert (parts >= np.floor(quota) - 1e-6).all() and (parts <= np.ceil(quota) + 1e-6).all()


@pytest.mark.parametrize(
    ("total", "weights", "minimum"), [(5, [], 0), (5, [1, -1], 0), (5, [0, 0], 0), (3, [1, 1], 2)]
)
def test_apportion_rejects_impossible_requests(total: int, weights: list, minimum: int) -> None:
    with pytest.raises(ParameterError):
        apportion(total, weights, minimum=minimum)


def test_csv_bytes_use_unix_line_ends_and_no_index() -> None:
    df = pd.DataFrame({"gu": ["종로구"], "x": [1.5]})
    assert to_csv_bytes(df) == "gu,x\n종로구,1.5\n".encode()

"""Grades of many draws from their ranks: a better rank never gets a worse grade."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.evaluation.mc_draws import grades_from_ranks


@settings(max_examples=60)
@given(n=st.integers(3, 40), data=st.data())
def test_a_better_rank_never_gets_a_worse_grade(n: int, data: st.DataObject) -> None:
    ranks = np.array(data.draw(st.lists(st.integers(1, n), min_size=n, max_size=n)))
    g = grades_from_ranks(ranks, (("가", 0.3), ("나", 0.4), ("다", 0.3)))
    order = np.argsort(ranks, kind="stable")
    assert (np.diff(g[order]) >= 0).all()
    # without ties the grade counts are the largest-remainder counts of the shares
    distinct = grades_from_ranks(np.arange(1, n + 1), (("가", 0.3), ("나", 0.4), ("다", 0.3)))
    counts = np.bincount(distinct, minlength=3)
    assert counts.sum() == n and (abs(counts - np.array([0.3, 0.4, 0.3]) * n) < 1).all()

"""Effect sizes: Cliff's delta against its Mann–Whitney form, Cohen's d by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cgresearch.survey.gaps import cliffs_delta, cohens_d


def test_cliffs_delta_equals_mann_whitney_form_and_weights_act_as_replicates():
    rng = np.random.default_rng(7)
    a, b = rng.integers(1, 6, 40).astype(float), rng.integers(1, 6, 55).astype(float)
    u = stats.mannwhitneyu(a, b).statistic  # wins of a plus half the ties
    assert cliffs_delta(a, b) == pytest.approx(2 * u / (a.size * b.size) - 1, rel=1e-12)
    wa, wb = rng.integers(1, 4, 40), rng.integers(1, 4, 55)
    replicated = cliffs_delta(np.repeat(a, wa), np.repeat(b, wb))
    assert cliffs_delta(a, b, wa, wb) == pytest.approx(replicated, rel=1e-12)


def test_cohens_d_by_hand_unweighted_and_weighted():
    # a = (2, 4, 6): mean 4, var 4; b = (1, 2, 3): mean 2, var 1; pooled = (2*4 + 2*1)/4 = 2.5.
    assert cohens_d([2, 4, 6], [1, 2, 3]) == pytest.approx(2 / np.sqrt(2.5), rel=1e-12)
    # Weights (1, 1, 2) on a: mean (2 + 4 + 12)/4 = 4.5; weighted var as svyvar:
    # sum w (x - 4.5)^2 / sum w * n/(n-1) = (6.25 + 0.25 + 4.5)/4 * 3/2 = 4.125.
    # b unweighted: mean 2, var 1. pooled = (2*4.125 + 2*1)/4 = 2.5625; d = 2.5 / 1.6008
    d = cohens_d([2, 4, 6], [1, 2, 3], wa=[1, 1, 2], wb=[1, 1, 1])
    assert d == pytest.approx(2.5 / np.sqrt(2.5625), rel=1e-12)

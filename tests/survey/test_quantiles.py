"""Quantiles with Woodruff intervals, against R's survey package (svyquantile)."""

from __future__ import annotations

import pytest

from cgresearch.survey import (
    svyquantile,
)
from tests.survey.api_reference import DESIGN_CASES, assert_close, design, reference

EST, SE = 1e-8, 1e-6  # R's estimates to 1e-8, standard errors to 1e-6


@pytest.mark.parametrize("case", DESIGN_CASES)
def test_quantiles_with_woodruff_intervals_equal_r_defaults(case: str) -> None:
    # survey >= 4 defaults: interval.type = "mean", qrule = "math"
    q = svyquantile(design(case), ["api00", "ell"], [0.25, 0.5, 0.9]).table
    for var in ("api00", "ell"):
        qv = q[q["variable"] == var]
        assert_close(qv["estimate"], reference(case, f"quantile_{var}"), EST)
        assert_close(qv["ci_lower"], reference(case, f"quantile_{var}_lower"), EST)
        assert_close(qv["ci_upper"], reference(case, f"quantile_{var}_upper"), EST)
        assert_close(qv["se"], reference(case, f"quantile_{var}_se"), SE)


@pytest.mark.parametrize("case", DESIGN_CASES)
@pytest.mark.parametrize("interval", ["beta", "xlogit", "asin"])
def test_quantile_interval_types_equal_r(case: str, interval: str) -> None:
    q = svyquantile(design(case), "api00", [0.25, 0.5, 0.9], interval_type=interval).table
    assert_close(q["estimate"], reference(case, f"quantile_{interval}"), EST)
    assert_close(q["ci_lower"], reference(case, f"quantile_{interval}_lower"), EST)
    assert_close(q["ci_upper"], reference(case, f"quantile_{interval}_upper"), EST)
    assert_close(q["se"], reference(case, f"quantile_{interval}_se"), SE)

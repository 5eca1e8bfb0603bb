"""The Rao–Scott test against R's svychisq (numbers: fixtures/gaps_reference.csv)."""

from __future__ import annotations

import pytest

from cgresearch.survey.rao_scott import rao_scott
from tests.survey.gaps_reference import SE, design, r

CHISQ_CASES = [
    ("chisq_clus1_schwide_stype", "clus1", "sch.wide", "stype"),
    ("chisq_strat_compimp_stype", "strat", "comp.imp", "stype"),
    ("chisq_clus2_apicat_stype", "clus2", "api_cat", "stype"),
    ("chisq_strat_apicat_awards", "strat", "api_cat", "awards"),
]


@pytest.mark.parametrize(("case", "dname", "row", "col"), CHISQ_CASES)
def test_rao_scott_equals_svychisq(case, dname, row, col):
    res = rao_scott(design(dname), row, col)
    assert res.pearson == pytest.approx(r(case, "pearson_X2"), **SE)
    assert res.f == pytest.approx(r(case, "F"), **SE)
    assert res.ndf == pytest.approx(r(case, "ndf"), **SE)
    assert res.ddf == pytest.approx(r(case, "ddf"), **SE)
    assert res.p_value == pytest.approx(r(case, "p"), **SE)
    assert res.first_order_p == pytest.approx(r(case, "first_order_p"), **SE)
    # The rescaled table sums to the number of rows (R's svytable(..., Ntotal = N)).
    assert res.table.to_numpy().sum() == pytest.approx(len(design(dname).data))

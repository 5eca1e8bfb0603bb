"""The api samples of R's survey package and the reference numbers computed from them in R.

``tests/survey/fixtures/make_reference.R`` wrote both; see ``tests/survey/fixtures/README.md``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.survey import SurveyDesign

FIXTURES = Path(__file__).parent / "fixtures"

DESIGN_CASES = ("strat", "strat_nofpc", "clus1", "clus1_nofpc", "clus2", "clus2_nofpc", "srs")


@cache
def _api(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / f"api{name}.csv")


def api(name: str) -> pd.DataFrame:
    """A fresh copy of one of the api samples: ``strat``, ``clus1``, ``clus2`` or ``srs``."""
    return _api(name).copy()


@cache
def _reference() -> pd.DataFrame:
    ref = pd.read_csv(FIXTURES / "reference.csv", keep_default_na=False, dtype=str)
    ref["value"] = ref["value"].astype(float)
    return ref


def reference(case: str, quantity: str) -> pd.Series:
    """R's numbers for one case and quantity, indexed by term (in R's order)."""
    ref = _reference()
    rows = ref[(ref["case"] == case) & (ref["quantity"] == quantity)]
    if rows.empty:
        raise KeyError(f"no reference for {case}/{quantity}")
    return rows.set_index("term")["value"]


def design(case: str) -> SurveyDesign:
    """The design R built for ``case`` (see make_reference.R)."""
    if case == "strat":
        return SurveyDesign(api("strat"), strata="stype", weights="pw", fpc="fpc")
    if case == "strat_nofpc":
        return SurveyDesign(api("strat"), strata="stype", weights="pw")
    if case == "clus1":
        return SurveyDesign(api("clus1"), ids="dnum", weights="pw", fpc="fpc")
    if case == "clus1_nofpc":
        return SurveyDesign(api("clus1"), ids="dnum", weights="pw")
    if case == "clus2":
        return SurveyDesign(api("clus2"), ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    if case == "clus2_nofpc":
        return SurveyDesign(api("clus2"), ids=["dnum", "snum"], weights="pw")
    if case == "srs":
        return SurveyDesign(api("srs"), fpc="fpc")
    raise KeyError(case)


def assert_close(got: object, expected: object, rtol: float) -> None:
    """Relative agreement; entries that are exactly 0 in R are compared on the vector's scale."""
    g = np.asarray(got, dtype=float).ravel()
    e = np.asarray(expected, dtype=float).ravel()
    assert g.shape == e.shape, (g.shape, e.shape)
    scale = float(np.nanmax(np.abs(e))) if np.isfinite(e).any() else 0.0
    np.testing.assert_allclose(g, e, rtol=rtol, atol=rtol * scale * 1e-6)

"""R's reference numbers for the gap tests (``fixtures/gaps_reference.csv``) and their designs.

``tests/survey/fixtures/gaps_reference.R`` wrote the numbers; shared by ``test_gaps.py`` and
``test_rao_scott.py``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.survey.design import SurveyDesign

FIX = Path(__file__).parent / "fixtures"
EST = {"rel": 1e-8, "abs": 1e-10}  # estimates: 1e-8 relative
SE = {"rel": 1e-6, "abs": 1e-12}  # standard errors, p-values, test statistics: 1e-6


@cache
def _ref() -> pd.DataFrame:
    return pd.read_csv(FIX / "gaps_reference.csv", keep_default_na=False)


def r(case: str, quantity: str, term: str = "") -> float:
    ref = _ref()
    row = ref[(ref["case"] == case) & (ref["quantity"] == quantity) & (ref["term"] == term)]
    assert len(row) == 1, (case, quantity, term)
    return float(row["value"].iloc[0])


@cache
def _api(name: str) -> pd.DataFrame:
    df = pd.read_csv(FIX / f"api{name}.csv")
    df["api_cat"] = np.where(df["api00"] < 600, 1, np.where(df["api00"] < 750, 2, 3))
    return df


def design(name: str) -> SurveyDesign:
    if name == "clus1":
        return SurveyDesign(_api("clus1"), ids="dnum", weights="pw", fpc="fpc")
    if name == "strat":
        return SurveyDesign(_api("strat"), strata="stype", weights="pw", fpc="fpc")
    if name == "clus2":
        return SurveyDesign(_api("clus2"), ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    raise KeyError(name)

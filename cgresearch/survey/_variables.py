"""The survey room's data preparation for estimators (room-internal: not re-exported).

Columns to a numeric (p x n) matrix with categorical columns expanded as R does, missing values
handled as R's ``na.rm``, and the two-sided critical value of a confidence interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign

__all__ = ["complete_cases", "expand_variables", "t_critical"]


def t_critical(level: float, df: float) -> float:
    """Two-sided critical value: t with ``df`` degrees of freedom (normal when infinite)."""
    if not 0 < level < 1:
        raise ParameterError(f"confidence level must be in (0, 1), not {level}")
    a = (1 - level) / 2
    if not np.isfinite(df):
        return float(-stats.norm.ppf(a))
    if df <= 0:
        return float("nan")
    return float(-stats.t.ppf(a, df))


# ---------------------------------------------------------------------- data preparation
def expand_variables(
    design: SurveyDesign, variables: str | Sequence[str]
) -> tuple[list[str], np.ndarray]:
    """Numeric matrix (p x n) of ``variables``, categorical columns expanded to level indicators."""
    names: list[str] = []
    cols: list[np.ndarray] = []  # one row per estimate: the (p, n) layout keeps rows contiguous
    for var in [variables] if isinstance(variables, str) else list(variables):
        s = design.column(var)
        if isinstance(s.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
        ):
            cat = s.astype("category")
            miss = cat.isna().to_numpy()
            for level in cat.cat.categories:
                col = (cat == level).to_numpy(dtype=float)
                col[miss] = np.nan
                names.append(f"{var}{level}")
                cols.append(col)
        else:
            names.append(var)
            cols.append(s.to_numpy(dtype=float, na_value=np.nan))
    if not cols:
        raise ParameterError("no variables given")
    return names, np.vstack(cols)


def complete_cases(
    design: SurveyDesign, x: np.ndarray, names: Sequence[str], na_rm: bool
) -> tuple[SurveyDesign, np.ndarray]:
    """Handle missing values as R: error (na_rm=False) or restrict the domain (na_rm=True)."""
    miss = np.isnan(x).any(axis=0)
    if not miss.any():
        return design, x
    in_domain = design.domain
    if not (miss & in_domain).any():
        return design, np.where(np.isnan(x), 0.0, x)
    if not na_rm:
        rows = np.flatnonzero(miss & in_domain)
        bad = [n for j, n in enumerate(names) if np.isnan(x[j, in_domain]).any()]
        raise InputError(
            f"{bad} have {rows.size} missing value(s) (first rows {rows[:5].tolist()}); "
            "pass na_rm=True to estimate over the complete cases (a domain, as R's na.rm)"
        )
    return design.subset(~miss), np.where(np.isnan(x), 0.0, x)

"""Model matrices from R-style formulas (patsy, treatment contrasts) with R's column names.

Column names with dots (``sch.wide``, as in R data) may be written bare; they are quoted for patsy.
Names come back as R's ``model.matrix`` spells them: ``(Intercept)``, ``stypeH``, ``api99``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import patsy

from cgresearch.errors import InputError, ParameterError


def _quote_dotted(formula: str, columns: pd.Index) -> str:
    for col in sorted(
        (c for c in columns if isinstance(c, str) and "." in c), key=len, reverse=True
    ):
        formula = re.sub(rf"(?<![\w.\"']){re.escape(col)}(?![\w.\"'])", f'Q("{col}")', formula)
    return formula


def r_name(name: str) -> str:
    """patsy column name -> R's model.matrix name (``stype[T.H]`` -> ``stypeH``)."""
    if name == "Intercept":
        return "(Intercept)"
    name = re.sub(r'Q\("([^"]+)"\)', r"\1", name)
    name = re.sub(r"\[T\.([^\]]*)\]", r"\1", name)
    return re.sub(r"\[([^\]]*)\]", r"\1", name)


def rhs_matrix(formula: str, data: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """Model matrix of the right-hand side ``formula`` (``"~stype + api99"``); rows complete."""
    rhs = formula if formula.strip().startswith("~") else "~" + formula
    try:
        mat = patsy.dmatrix(
            _quote_dotted(rhs, data.columns), data, NA_action="raise", return_type="dataframe"
        )
    except patsy.PatsyError as exc:
        raise InputError(f"cannot build the model matrix of {formula!r}: {exc}") from exc
    return [r_name(c) for c in mat.columns], mat.to_numpy(dtype=float)


def model_frame(
    formula: str, data: pd.DataFrame
) -> tuple[pd.DataFrame, list[str], np.ndarray, np.ndarray]:
    """Response frame, term names, model matrix and kept-row mask (rows with missing values
    are dropped, as R's ``na.omit``)."""
    if "~" not in formula:
        raise ParameterError(f"formula {formula!r} needs a response: 'y ~ x1 + x2'")
    frame = data.reset_index(drop=True)
    try:
        y, x = patsy.dmatrices(
            _quote_dotted(formula, frame.columns), frame, NA_action="drop", return_type="dataframe"
        )
    except patsy.PatsyError as exc:
        raise InputError(f"cannot build the model matrix of {formula!r}: {exc}") from exc
    kept = np.zeros(len(frame), dtype=bool)
    kept[x.index.to_numpy()] = True
    return y, [r_name(c) for c in x.columns], x.to_numpy(dtype=float), kept

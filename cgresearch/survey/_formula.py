"""Model matrices from R-style formulas (patsy, treatment contrasts) with R's column names.

Column names with dots (``sch.wide``, as in R data) may be written bare; they are quoted for patsy.
Names come back as R's ``model.matrix`` spells them: ``(Intercept)``, ``stypeH``, ``api99``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """Response columns, model matrix with R names, kept-row mask and columns of each term."""

    y: pd.DataFrame
    names: list[str]
    x: np.ndarray
    kept: np.ndarray
    terms: dict[str, list[int]]


def model_frame(formula: str, data: pd.DataFrame) -> ModelFrame:
    """Response, model matrix and kept rows of ``formula`` (rows with missing values are
    dropped, as R's ``na.omit``)."""
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
    # patsy groups terms by type; put the columns back in formula order, as R's model.matrix
    slices = x.design_info.term_name_slices
    order = [t.name() for t in x.design_info.terms]
    formula_order = [
        t.name()
        for t in patsy.ModelDesc.from_formula(_quote_dotted(formula, frame.columns)).rhs_termlist
    ]
    order = [t for t in formula_order if t in slices] + [t for t in order if t not in formula_order]
    cols: list[int] = []
    terms: dict[str, list[int]] = {}
    for t in order:
        idx = list(range(slices[t].start, slices[t].stop))
        terms[r_name(t)] = list(range(len(cols), len(cols) + len(idx)))
        cols.extend(idx)
    names = [r_name(str(x.columns[c])) for c in cols]
    return ModelFrame(y, names, x.to_numpy(dtype=float)[:, cols], kept, terms)

"""read_table's declared column types: parsed straight, ids as text, a bad cell still named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cgresearch.data import load_survey, read_table
from cgresearch.data.schemas import ValidationFailed
from cgresearch.errors import ParameterError


def _csv(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "t.csv"
    f.write_text(text, encoding="utf-8")
    return f


def test_declared_columns_are_read_as_their_type_and_ids_as_written(tmp_path: Path) -> None:
    f = _csv(tmp_path, "resp_id,x,y\n00123,1,a\n00124,,b\n")
    t = read_table(f, dtypes={"x": "float64", "absent": "float64"})
    assert t["resp_id"].tolist() == ["00123", "00124"]
    assert t["x"].dtype == np.float64 and t["x"].iloc[0] == 1.0 and np.isnan(t["x"].iloc[1])
    guessed = read_table(f)
    assert guessed["x"].iloc[0] == 1 and guessed["resp_id"].tolist() == ["00123", "00124"]


def test_a_declared_number_column_with_text_is_read_and_the_cell_named(tmp_path: Path) -> None:
    f = _csv(
        tmp_path,
        "resp_id,gu_name,group,weight,trust_1\nR1,종로구,cso,1.5,3\nR2,마포구,cso,1.5,three\n",
    )
    assert read_table(f, dtypes={"trust_1": "float64"})["trust_1"].tolist() == ["3", "three"]
    with pytest.raises(ValidationFailed) as info:
        load_survey(f, items=["trust_1"])
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(3, "trust_1", "three")]


def test_an_unsupported_declared_type_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"dtypes \['int8'\] are not supported"):
        read_table(_csv(tmp_path, "a,b\n1,2\n"), dtypes={"a": "int8"})

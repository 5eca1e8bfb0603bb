"""Cleaner and the cell helpers: typed columns from cells as read, every bad cell a Problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.data.cleaning import Cleaner, cell_text, map_distinct, table_context, text_column
from cgresearch.data.districts import district_lookup
from cgresearch.vocabulary import RESPONDENT_GROUPS

TEXT = pd.StringDtype(na_value=np.nan)


def _problems(cl: Cleaner) -> set[tuple[object, object, object]]:
    return {(p.row, p.column, p.value) for p in cl.problems}


def test_table_context_numbers_rows_from_first_row_as_the_file_shows_them() -> None:
    df = pd.DataFrame({"a": [1, 2, 3]})
    assert table_context(df, None)[0] == "<DataFrame>"
    df.attrs = {"source": "s.sav", "first_row": 1}
    src, rows = table_context(df, None)
    assert src == "s.sav" and rows.tolist() == [1, 2, 3]


def test_numeric_names_text_and_infinite_cells_by_file_row() -> None:
    cl = Cleaner(pd.DataFrame({"w": ["1.5", "x", "inf", None]}), "t.csv", [2, 3, 4, 5])
    got = cl.numeric("w")
    assert got.iloc[0] == 1.5 and got.iloc[1:].isna().all()
    assert _problems(cl) == {(3, "w", "x"), (4, "w", "inf")}
    floats = Cleaner(pd.DataFrame({"w": [1.0, np.inf, np.nan]}), "t.csv", [2, 3, 4])
    assert floats.numeric("w").iloc[[0]].tolist() == [1.0]
    assert _problems(floats) == {(3, "w", np.inf)}


def test_coded_accepts_codes_and_korean_or_english_labels_and_names_the_rest() -> None:
    cells = ["public", "공무원", "Resident", "시민단체", None]
    cl = Cleaner(pd.DataFrame({"group": cells}), "s.csv", [2, 3, 4, 5, 6])
    got = cl.coded("group", RESPONDENT_GROUPS)
    assert got.dtype == TEXT
    assert got.tolist()[:3] == ["public", "public", "resident"]
    assert got.iloc[3:].isna().all()
    assert _problems(cl) == {(5, "group", "시민단체"), (6, "group", None)}


def test_districts_resolve_names_and_codes_and_name_unknown_and_clashing_ones() -> None:
    df = pd.DataFrame(
        {
            "gu_code": [11110, None, 11680, 11440],
            "gu_name": ["종로구", "Mapo-gu", "종로구", "종노구"],
        }
    )
    cl = Cleaner(df, "s.csv", [2, 3, 4, 5])
    codes, names = cl.districts(district_lookup())
    assert codes.tolist() == [11110, 11440, 11680, 11440]
    assert names.tolist() == ["종로구", "마포구", "강남구", "마포구"]
    # row 4: code 11680 (강남구) but name 종로구; row 5: code 11440 beside a name that is no gu
    assert {(p.row, p.column, p.value) for p in cl.problems} == {
        (4, "gu_name", "종로구"),
        (5, "gu_name", "종노구"),
    }
    assert all("does not match gu_code" in p.rule for p in cl.problems)
    unknown = Cleaner(pd.DataFrame({"gu_name": ["종노구", None]}), "s.csv", [2, 3])
    unknown.districts(district_lookup())
    assert [(p.row, p.column, p.value) for p in unknown.problems] == [
        (2, "gu_name", "종노구"),
        (3, "gu_name", None),
    ]
    assert "종로구" in unknown.problems[0].rule


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", " b", "c ", "", "d"])), max_size=30))
def test_map_distinct_gives_per_cell_results_typed_or_not(cells: list[str | None]) -> None:
    s = pd.Series(cells, dtype=object)
    expected = [np.nan if v is None else v.strip().upper() for v in cells]
    plain = map_distinct(s, lambda v: v.strip().upper())
    typed = map_distinct(s, lambda v: v.strip().upper(), dtype=TEXT)
    assert len(plain) == len(typed) == len(cells)
    for e, p, t in zip(expected, plain, typed, strict=True):
        assert (p == e and t == e) or (pd.isna(e) and pd.isna(p) and pd.isna(t))


def test_cell_text_and_text_column_strip_and_drop_the_float_point_of_whole_numbers() -> None:
    assert cell_text(12.0) == "12" and cell_text(1.25) == "1.25" and pd.isna(cell_text("  "))
    got = text_column(pd.Series([" a ", "", None], dtype=TEXT))
    assert got.iloc[0] == "a" and got.iloc[1:].isna().all()

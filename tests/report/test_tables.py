"""Report tables: CSV + Excel with deterministic bytes."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cgresearch.report.tables import save_table


def test_csv_and_excel_hold_the_table_with_korean_text(tmp_path):
    table = pd.DataFrame({"gu": ["종로구", "중구"], "amount_eok": [10.5, 9.5]})
    csv, xlsx = save_table(table, "envelopes", tmp_path)
    assert csv.read_text(encoding="utf-8") == "gu,amount_eok\n종로구,10.5\n중구,9.5\n"
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.title == "envelopes"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["gu", "amount_eok"],
        ["종로구", 10.5],
        ["중구", 9.5],
    ]


def test_excel_bytes_do_not_depend_on_when_the_file_was_written(tmp_path, monkeypatch):
    import datetime as dt

    import xlsxwriter.core

    class _Clock(dt.datetime):
        """XlsxWriter's clock (it stamps docProps/core.xml), set by the test: no waiting."""

        reading = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)

        @classmethod
        def now(cls, tz=None):
            return cls.reading

    monkeypatch.setattr(xlsxwriter.core, "datetime", _Clock)
    table = pd.DataFrame({"a": [1, 2]})
    first = save_table(table, "t", tmp_path / "one")[1].read_bytes()
    _Clock.reading = dt.datetime(2031, 12, 30, 23, 59, 58, tzinfo=dt.UTC)  # 30 years later
    second = save_table(table, "t", tmp_path / "two")[1].read_bytes()
    assert first == second


def test_a_table_name_with_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="letters, digits"):
        save_table(pd.DataFrame({"a": [1]}), "../escape", tmp_path)


def test_headers_units_and_the_synthetic_flag_reach_both_files(tmp_path):
    from cgresearch.report.columns import headers

    table = pd.DataFrame({"budget_eok": [606.07, 115.5], "share_projects": [81.71, 18.29]})
    names = headers(table.columns, "ko")
    label = "합성 자료(SYNTHETIC, 시드 생성기)"
    csv, xlsx = save_table(table, "t", tmp_path, headers=names, data_label=label, unit="억원")
    assert csv.read_text(encoding="utf-8").splitlines() == [
        "예산(억원),사업 비율(%),자료",
        f'606.07,81.71,"{label}"',  # quoted: the label holds a comma
        f'115.5,18.29,"{label}"',
    ]
    book = openpyxl.load_workbook(xlsx)
    data, notes = book.worksheets
    header = [c.value for c in next(data.iter_rows(max_row=1))]
    assert header == ["예산(억원)", "사업 비율(%)", "자료"]
    assert all(c.font.bold for c in next(data.iter_rows(max_row=1)))
    assert data["A2"].number_format == "#,##0.00"  # 억원 with thousands separators
    assert data.column_dimensions["A"].width >= len("예산(억원)")
    rows = {r[0].value: r[1].value for r in notes.iter_rows()}
    assert notes.title == "주석"
    assert rows["자료"] == label and rows["단위"] == "억원"


def test_the_english_edition_translates_headers_and_the_notes_sheet(tmp_path):
    from cgresearch.report.columns import headers

    table = pd.DataFrame({"T2": [3]}, index=pd.Index(["종로구"], name="gu_name"))
    csv, xlsx = save_table(
        table,
        "t",
        tmp_path,
        index=True,
        headers=headers(["gu_name", "T2"], "en"),
        data_label="SYNTHETIC",
        lang="en",
    )
    assert csv.read_text(encoding="utf-8").splitlines()[0] == (
        "District (gu),Seeking an incremental change towards CG (projects),Data"
    )
    assert openpyxl.load_workbook(xlsx).worksheets[1].title == "Notes"


def test_a_column_without_a_display_header_is_refused_naming_where_to_add_it():
    from cgresearch.errors import ParameterError
    from cgresearch.report.columns import headers

    with pytest.raises(
        ParameterError, match=r"'new_column_eok' has no display header.*columns\.py"
    ):
        headers(["new_column_eok"], "ko")


def test_a_data_label_becomes_the_last_column_of_every_row_in_csv_and_excel(tmp_path):
    table = pd.DataFrame({"gu": ["종로구", "중구"], "n": [3, 4]})
    csv, xlsx = save_table(table, "t", tmp_path, data_label="synthetic (seed 5)", lang="en")
    got = pd.read_csv(csv)
    assert got.columns.tolist() == ["gu", "n", "Data"]
    assert got["Data"].tolist() == ["synthetic (seed 5)"] * 2
    assert pd.read_excel(xlsx, sheet_name=0)["Data"].tolist() == ["synthetic (seed 5)"] * 2
    assert table.columns.tolist() == ["gu", "n"]  # the caller's table is not changed

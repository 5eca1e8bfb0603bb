"""Report tables: CSV + Excel with deterministic bytes."""

from __future__ import annotations

import time

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


def test_excel_bytes_do_not_depend_on_when_the_file_was_written(tmp_path):
    table = pd.DataFrame({"a": [1, 2]})
    first = save_table(table, "t", tmp_path / "one")[1].read_bytes()
    time.sleep(1.1)  # openpyxl stamps the current second into docProps/core.xml and the zip
    second = save_table(table, "t", tmp_path / "two")[1].read_bytes()
    assert first == second


def test_a_table_name_with_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="letters, digits"):
        save_table(pd.DataFrame({"a": [1]}), "../escape", tmp_path)


def test_a_data_label_becomes_the_last_column_of_every_row_in_csv_and_excel(tmp_path):
    table = pd.DataFrame({"gu": ["종로구", "중구"], "n": [3, 4]})
    csv, xlsx = save_table(table, "t", tmp_path, data_label="synthetic (seed 5)")
    got = pd.read_csv(csv)
    assert got.columns.tolist() == ["gu", "n", "Data"]
    assert got["Data"].tolist() == ["synthetic (seed 5)"] * 2
    assert pd.read_excel(xlsx)["Data"].tolist() == ["synthetic (seed 5)"] * 2
    assert table.columns.tolist() == ["gu", "n"]  # the caller's table is not changed

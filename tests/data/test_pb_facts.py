"""The participatory-budget facts file: schema errors name row and unit; series keep gaps."""

from __future__ import annotations

import csv
import math

import pytest

from cgresearch.data import load_pb_facts, pb_series
from cgresearch.errors import InputError
from cgresearch.paths import raw_data_dir

FACTS = raw_data_dir() / "seoul" / "governance_budget_facts.csv"


def _rows():
    with FACTS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _series():
    s = pb_series(load_pb_facts())
    return {(r.series, r.year): r for r in s.itertuples(index=False)}


def test_every_row_of_the_real_file_loads():
    assert len(load_pb_facts()) == len(_rows())


def test_series_values_and_sources_equal_the_files_rows():
    s = _series()
    assert s["proposals", 2016].value == 3815 and s["proposals", 2016].source_ids == "S14;S60;S61"
    assert s["total_eok", 2013].value == 503 and s["total_eok", 2013].source_ids == "S11"
    assert s["projects_selected", 2012].value == 132
    assert s["put_to_vote", 2019].value == 101 and s["put_to_vote", 2014].value == 560
    assert s["city_participation_eok", 2016].value == 375
    assert s["city_participation_eok", 2020].value == 350
    assert s["gu_participation_eok", 2020].value == 20
    assert s["committee_members", 2012].value == 250


def test_gaps_stay_gaps():
    s = _series()
    # nothing Seoul-wide is published for a total in 2015, 2017, 2018, 2021, 2022 or 2024
    for y in (2015, 2017, 2018, 2021, 2022, 2024):
        assert math.isnan(s["total_eok", y].value) and s["total_eok", y].source_ids == ""
    rows = _rows()
    for r in s.values():
        if not math.isnan(r.value):  # each value is one of the file's own rows, not a blend
            fact = rows[r.row - 2]
            assert float(fact["value"]) == r.value and fact["source_ids"] == r.source_ids
            assert int(fact["year"]) == r.year


def _write(tmp_path, edit):
    rows = _rows()
    edit(rows)
    f = tmp_path / "facts.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return f


def test_unknown_unit_names_file_row_and_unit(tmp_path):
    f = _write(tmp_path, lambda rows: rows[4].update(unit="billion KRW"))
    with pytest.raises(
        InputError, match=r"(?s)facts.csv.*row 6, column 'unit', value 'billion KRW'"
    ):
        load_pb_facts(f)


def test_bad_value_year_and_source_are_listed_together(tmp_path):
    def edit(rows):
        rows[0]["value"] = "about 400"
        rows[1]["year"] = "12"
        rows[2]["source_ids"] = "news"

    with pytest.raises(InputError) as e:
        load_pb_facts(_write(tmp_path, edit))
    msg = str(e.value)
    assert "3 problems" in msg and "row 2, column 'value'" in msg
    assert "row 3, column 'year'" in msg and "row 4, column 'source_ids'" in msg


def test_a_range_keeps_its_ends():
    f = load_pb_facts()
    r = f[f["value"] == "9-11"].iloc[0]
    assert (r["value_low"], r["value_high"]) == (9.0, 11.0) and math.isnan(r["value_num"])

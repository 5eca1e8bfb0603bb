"""The real Seoul reference tables load, validate, and district names resolve to codes."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.data import (
    district_lookup,
    load_admin_dong,
    load_boundaries,
    load_boundaries_geojson,
    load_districts,
    resolve_district,
)
from cgresearch.data.schemas import ValidationFailed
from cgresearch.errors import InputError


def test_districts_hold_the_25_gu_with_the_populations_published_by_seoul() -> None:
    d = load_districts()
    assert len(d) == 25
    assert d["adm_code"].is_unique
    assert d["adm_code"].min() == 11110 and d["adm_code"].max() == 11740
    # data/raw/seoul/README.md: "Gu sums equal the Seoul row (10,197,604 people; 1,321,458
    # aged 65+)".
    assert int(d["pop_total_2017q1"].sum()) == 10_197_604
    assert int(d["pop_65plus_2017q1"].sum()) == 1_321_458
    # README: "The 25 values sum to 605.23".
    assert d["area_km2_2014"].sum() == pytest.approx(605.23, abs=0.005)
    row = d.set_index("name_ko").loc["송파구"]
    assert (row["adm_code"], row["name_en"], row["pop_total_2017q1"]) == (
        11710,
        "Songpa-gu",
        667483,
    )


def test_admin_dong_are_426_and_their_count_per_gu_matches_the_district_table() -> None:
    dong = load_admin_dong()
    assert len(dong) == 426
    assert dong["adm_cd2_mois10"].is_unique
    # districts.csv: Songpa-gu has 27 dong, Geumcheon-gu 10.
    counts = dong.groupby("gu_name_ko").size()
    assert counts["송파구"] == 27 and counts["금천구"] == 10
    assert dong.set_index("dong_name_ko").loc["청운효자동", "adm_cd2_mois10"] == 1111051500


def test_boundaries_are_25_closed_polygons_in_seoul_keyed_by_adm_code() -> None:
    b = load_boundaries()
    assert list(b["adm_code"]) == list(load_districts()["adm_code"])
    dobong = b.set_index("adm_code").loc[11320]
    assert dobong["name_ko"] == "도봉구" and dobong["name_en"] == "Dobong-gu"
    ring = dobong["rings"][0]
    assert ring[0] == ring[-1]
    # Dobong-gu is Seoul's north-east corner: about 127.0 E, 37.65-37.70 N.
    lons, lats = zip(*ring, strict=True)
    assert 127.0 < min(lons) < max(lons) < 127.1
    assert 37.6 < min(lats) < max(lats) < 37.72
    gj = load_boundaries_geojson()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 25


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("종로구", 11110),
        ("종로", 11110),
        ("서울특별시 종로구", 11110),
        ("Jongno-gu", 11110),
        ("JONGNO", 11110),
        ("jongno gu", 11110),
        ("Jung-gu", 11140),  # not Jungnang-gu
        ("jungnang-gu", 11260),
        (11110, 11110),
        ("11740", 11740),
        (11680.0, 11680),
    ],
)
def test_resolve_district_accepts_korean_english_and_codes(given: object, code: int) -> None:
    assert resolve_district(given) == code


@pytest.mark.parametrize(
    ("given", "suggestion"),
    [
        ("강넘구", "강남구"),
        ("Gangnum", "Gangnam-gu"),
        ("노원군", "노원구"),
        ("Nowan-gu", "Nowon-gu"),
    ],
)
def test_unknown_district_names_raise_input_error_suggesting_the_closest(
    given: str, suggestion: str
) -> None:
    with pytest.raises(InputError, match=f"did you mean '{suggestion}'"):
        resolve_district(given)


def test_a_kostat_census_code_is_explained_rather_than_accepted() -> None:
    # districts.csv: kostat_census_code_2013 11010 is Jongno-gu, whose adm_code is 11110.
    with pytest.raises(InputError, match=r"KOSTAT census code.*11110 for 종로구"):
        resolve_district(11010)


def test_lookup_over_a_given_table_and_its_frame() -> None:
    small = pd.DataFrame(
        {"adm_code": [1, 2], "name_ko": ["가구", "나구"], "name_en": ["Ga-gu", "Na-gu"]}
    )
    lk = district_lookup(small)
    assert lk.resolve("나구") == 2 and lk.find("Da-gu") is None
    assert lk.to_frame().equals(small)


def test_a_broken_district_table_lists_every_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    # A copy of the raw table with two errors: a duplicated code and a negative population.
    from cgresearch import paths

    d = pd.read_csv(paths.raw_data_dir() / "seoul" / "districts.csv")
    d.loc[1, "adm_code"] = 11110
    d.loc[4, "pop_total_2017q1"] = -5
    (tmp_path / "seoul").mkdir()
    d.to_csv(tmp_path / "seoul" / "districts.csv", index=False)
    monkeypatch.setattr(paths, "raw_data_dir", lambda: tmp_path)
    with pytest.raises(ValidationFailed) as info:
        load_districts()
    problems = {(p.row, p.column, p.value) for p in info.value.problems}
    # Rows as seen in the file: header = row 1, so data index 1 is row 3 and index 4 is row 6.
    assert (3, "adm_code", 11110) in problems and (2, "adm_code", 11110) in problems
    assert (6, "pop_total_2017q1", -5) in problems

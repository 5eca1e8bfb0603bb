"""A planner's own district indicators and last year's amounts load, and each fault is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cgresearch.data import load_district_indicators, load_districts, load_previous_amounts
from cgresearch.data.schemas import ValidationFailed
from cgresearch.errors import InputError

BASE = load_districts()
NAMES = list(BASE["name_ko"])
CODES = list(BASE["adm_code"])


def _csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def _indicator_rows(header: list[str] | None = None) -> list[list[object]]:
    """Every gu by Korean name; population 100,000 + 1,000·i, 65+ 15,000 + 100·i."""
    default = ["자치구", "인구(명)", "65세이상인구(명)", "재정자립도(%)"]
    rows: list[list[object]] = [header or default]
    for i, name in enumerate(NAMES):
        rows.append([name, 100_000 + 1_000 * i, 15_000 + 100 * i, 20 + i])
    return rows


def _problems(err: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str | None]]:
    assert isinstance(err.value, ValidationFailed)
    return [(p.row, p.column) for p in err.value.problems]


# --- what loads ---------------------------------------------------------------------------------
def test_indicators_replace_the_package_values_and_keep_the_rest(tmp_path: Path) -> None:
    t = load_district_indicators(_csv(tmp_path / "ind.csv", _indicator_rows()))
    assert list(t.columns) == list(BASE.columns)
    assert list(t["adm_code"]) == CODES
    by_name = t.set_index("name_ko")
    for i, name in enumerate(NAMES):
        assert by_name.loc[name, "pop_total_2017q1"] == 100_000 + 1_000 * i
        assert by_name.loc[name, "pop_65plus_2017q1"] == 15_000 + 100 * i
        assert by_name.loc[name, "fiscal_independence_pct_kosis_year_unverified"] == 20 + i
        # the 65+ share follows the new figures: 100 × 65+ / total
        share = 100 * (15_000 + 100 * i) / (100_000 + 1_000 * i)
        assert by_name.loc[name, "share_65plus_2017q1_pct"] == pytest.approx(share, abs=1e-6)
    # columns the file does not give keep the package's values
    pd.testing.assert_series_equal(t["area_km2_2014"], BASE["area_km2_2014"])
    assert t.attrs["replaced"] == [
        "pop_total_2017q1",
        "pop_65plus_2017q1",
        "fiscal_independence_pct_kosis_year_unverified",
    ]


def test_a_cp949_file_with_english_names_and_thousand_persons_is_converted(tmp_path: Path) -> None:
    rows: list[list[object]] = [["gu", "pop (천명)", "area (ha)", "비고"]]
    en = list(BASE["name_en"])
    for i, name in enumerate(en):
        rows.append([name, f"{150 + i}.5", 1_000 + 10 * i, "추정치"])  # 150.5 천명 = 150,500 명
    t = load_district_indicators(_csv(tmp_path / "ind.csv", rows, encoding="cp949"))
    assert list(t["pop_total_2017q1"]) == [150_500 + 1_000 * i for i in range(25)]
    # 1,000 ha = 10 km²
    assert list(t["area_km2_2014"]) == pytest.approx([10 + 0.1 * i for i in range(25)])


def test_an_xlsx_file_by_adm_code_in_any_order_loads(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "adm_code": CODES[::-1],
            "행정동 수(개)": [10 + i for i in range(25)][::-1],
        }
    )
    path = tmp_path / "ind.xlsx"
    df.to_excel(path, index=False)
    t = load_district_indicators(path)
    assert list(t["n_admin_dong_2022_03_09"]) == [10 + i for i in range(25)]


def test_a_declared_mapping_states_the_unit_a_header_lacks(tmp_path: Path) -> None:
    rows = _indicator_rows(["자치구", "pop2024", "노인인구(명)", "재정자립도(%)"])
    path = _csv(tmp_path / "ind.csv", rows)
    with pytest.raises(InputError) as err:
        load_district_indicators(path)
    assert "pop2024" in str(err.value)
    t = load_district_indicators(path, columns={"pop2024": "인구(명)"})
    assert t["pop_total_2017q1"].iloc[0] == 100_000


# --- faults, one test each ----------------------------------------------------------------------
def test_a_missing_gu_is_listed_by_name(tmp_path: Path) -> None:
    rows = [r for r in _indicator_rows() if r[0] not in ("종로구", "강동구")]
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    assert "2 gu missing" in str(err.value)
    assert "종로구 (11110)" in str(err.value) and "강동구 (11740)" in str(err.value)


def test_a_duplicated_gu_names_both_rows(tmp_path: Path) -> None:
    rows = _indicator_rows()
    rows.append(["중구", 1, 1, 1])  # 중구 is data row 2 (file row 3) and again at file row 27
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    assert "중구 (Jung-gu) is given 2 times, in rows 3, 27" in str(err.value)


def test_an_unknown_gu_suggests_the_closest_name(tmp_path: Path) -> None:
    rows = _indicator_rows()
    rows[1][0] = "종노구"
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    assert (2, "자치구") in _problems(err)
    assert "did you mean '종로구'" in str(err.value)


def test_text_in_a_numeric_column_names_row_column_and_value(tmp_path: Path) -> None:
    rows = _indicator_rows()
    rows[5][1] = "약 16만"
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    assert (6, "인구(명)") in _problems(err)
    assert "'약 16만'" in str(err.value) and "must be a number" in str(err.value)


def test_a_negative_population_is_refused(tmp_path: Path) -> None:
    rows = _indicator_rows()
    rows[3][1] = -5
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    assert (4, "인구(명)") in _problems(err)
    assert "must be positive" in str(err.value)


def test_an_unreadable_unit_names_the_column_and_the_accepted_units(tmp_path: Path) -> None:
    rows = [["자치구", "면적(마일²)"]] + [[n, 10] for n in NAMES]
    with pytest.raises(InputError) as err:
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))
    msg = str(err.value)
    assert "column '면적(마일²)'" in msg and "cannot be read" in msg
    assert "km²" in msg and "ha" in msg


def test_a_header_without_unit_is_refused(tmp_path: Path) -> None:
    rows = [["자치구", "인구"]] + [[n, 10] for n in NAMES]
    with pytest.raises(InputError, match="states no unit"):
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))


def test_an_unknown_column_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    rows = [["자치구", "인구(명)", "사업체수(개)"]] + [[n, 100_000, 3] for n in NAMES]
    with pytest.raises(InputError, match="not an indicator cgresearch knows"):
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))


def test_elderly_not_below_the_total_is_refused(tmp_path: Path) -> None:
    rows = _indicator_rows()
    rows[2][2] = 200_000  # 65+ above the total of 중구's row
    with pytest.raises(InputError, match="not below the total population"):
        load_district_indicators(_csv(tmp_path / "ind.csv", rows))


# --- last year's amounts ------------------------------------------------------------------------
def test_previous_amounts_in_millions_are_converted_to_eok(tmp_path: Path) -> None:
    rows: list[list[object]] = [["자치구", "전년도 배분액(백만원)"]]
    rows += [[n, 800 + 10 * i] for i, n in enumerate(NAMES)]
    prev = load_previous_amounts(_csv(tmp_path / "prev.csv", rows, encoding="cp949"))
    assert list(prev.index) == CODES
    assert list(prev) == pytest.approx([8 + 0.1 * i for i in range(25)])  # 100 백만원 = 1억원


def test_previous_amounts_from_xlsx_in_eok(tmp_path: Path) -> None:
    path = tmp_path / "prev.xlsx"
    pd.DataFrame({"gu": list(BASE["name_en"]), "previous (억원)": [10.0] * 25}).to_excel(
        path, index=False
    )
    assert float(load_previous_amounts(path).sum()) == 250.0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows.pop(7), "1 gu missing"),
        (lambda rows: rows[1].__setitem__(0, "종노구"), "did you mean '종로구'"),
        (lambda rows: rows[4].__setitem__(1, "-3"), "must be ≥ 0"),
        (lambda rows: rows[4].__setitem__(1, "n/a"), "must be a number"),
        (lambda rows: rows[0].__setitem__(1, "전년도(달러)"), "cannot be read"),
    ],
)
def test_previous_amounts_faults_are_refused(tmp_path: Path, change, expected) -> None:
    rows: list[list[object]] = [["자치구", "전년도(억원)"]] + [[n, 10] for n in NAMES]
    change(rows)
    with pytest.raises(InputError, match=expected):
        load_previous_amounts(_csv(tmp_path / "prev.csv", rows))


def test_previous_amounts_need_exactly_one_amount_column(tmp_path: Path) -> None:
    rows = [["자치구", "2024(억원)", "2025(억원)"]] + [[n, 10, 11] for n in NAMES]
    with pytest.raises(InputError, match="2 amount columns"):
        load_previous_amounts(_csv(tmp_path / "prev.csv", rows))


def test_numbers_with_thousands_separators_are_read(tmp_path: Path) -> None:
    rows = [["자치구", "인구(명)"]] + [[n, f'"1{i:02d},500"'] for i, n in enumerate(NAMES)]
    t = load_district_indicators(_csv(tmp_path / "ind.csv", rows, encoding="cp949"))
    assert list(t["pop_total_2017q1"]) == [100_500 + 1_000 * i for i in range(25)]

"""The planner's own data files on the dashboard: uploads read through the package's loaders.

Expected amounts come from :func:`cgresearch.allocation.solve_envelopes` on what
:func:`cgresearch.data.district_inputs.load_district_indicators` /
:func:`~cgresearch.data.district_inputs.load_previous_amounts` read from the same file on disk,
not from the app's incremental model.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from cgresearch.allocation import Scenario, load_scenario, solve_envelopes
from cgresearch.dashboard import app, files
from cgresearch.dashboard.link import read_link
from cgresearch.data.district_inputs import load_district_indicators, load_previous_amounts
from cgresearch.data.districts import load_boundaries, load_districts
from cgresearch.errors import InputError
from cgresearch.paths import project_root, scenarios_dir

_EXAMPLES = project_root() / "params" / "examples" / "data"
_INDICATORS = _EXAMPLES / "districts_user.csv"  # CP949
_PREVIOUS = _EXAMPLES / "previous_amounts_user.xlsx"


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {p.stem: load_scenario(p) for p in sorted(scenarios_dir().glob("*.toml"))}


@pytest.fixture
def dash(scenarios: Any) -> Any:
    return app._Dashboard(load_districts(), load_boundaries(), scenarios)


def _base() -> Scenario:
    return load_scenario(scenarios_dir() / "need_goal_stable.toml")


def _amounts(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index("name_ko")["amount_eok"].astype(float).sort_index()


def _by_name(series: pd.Series) -> pd.Series:
    """A series by ``adm_code`` re-keyed by the gu's Korean name (the table's key)."""
    names = load_districts().set_index("adm_code")["name_ko"]
    return pd.Series(series.to_numpy(), index=names.loc[series.index].to_numpy()).sort_index()


def _upload(widget: Any, path: Path, data: bytes | None = None) -> None:
    # as the browser sends it: the name and the bytes in one change
    widget.param.update(filename=path.name, value=path.read_bytes() if data is None else data)


def test_the_example_indicators_file_is_cp949_so_the_upload_test_means_something() -> None:
    raw = _INDICATORS.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "종로구" in raw.decode("cp949")


def test_an_uploaded_cp949_indicators_file_gives_the_library_allocation_on_that_file(
    dash: Any,
) -> None:
    before = _amounts(dash.table.value)
    _upload(dash.indicators_upload, _INDICATORS)
    expected = solve_envelopes(load_district_indicators(_INDICATORS), _base())
    assert expected.ok
    shown = _amounts(dash.table.value)
    want = _amounts(expected.table)
    pd.testing.assert_index_equal(shown.index, want.index)
    assert shown.to_numpy() == pytest.approx(want.to_numpy(), abs=1e-6)
    # the file's indicators differ from the package's 2017 table: the amounts moved
    assert (shown - before).abs().max() > 0.01
    assert "자치구 지표: 업로드한 파일 districts_user.csv" in dash.data_notice.object
    assert dash._files_query() == {"files": "districts"}
    assert not dash.file_problem.visible


def test_the_map_and_per_capita_column_use_the_uploaded_population(dash: Any) -> None:
    _upload(dash.indicators_upload, _INDICATORS)
    table = load_district_indicators(_INDICATORS).set_index("name_ko")
    frame = dash.table.value.set_index("name_ko")
    per_capita = frame["amount_eok"] * 1e8 / table.loc[frame.index, "pop_total_2017q1"]
    assert frame["per_capita_krw"].to_numpy() == pytest.approx(per_capita.to_numpy(), rel=1e-9)
    dash.map_select.value = "per_capita_krw"
    shown = sorted(float(v) for v in dash.patches.data["value"])
    assert shown == pytest.approx(sorted(per_capita.to_numpy()), rel=1e-9)


def test_an_uploaded_amounts_file_with_a_change_limit_holds_each_gu_within_it(dash: Any) -> None:
    previous = _by_name(load_previous_amounts(_PREVIOUS))
    assert previous.nunique() > 1  # per-gu amounts, not one value for all
    dash.controls["delta"].value = 0.05
    _upload(dash.previous_upload, _PREVIOUS)
    shown = _amounts(dash.table.value)
    gap = (shown - previous.loc[shown.index]).abs()
    assert (gap <= 0.05 * previous.loc[shown.index] + 1e-6).all()
    assert (gap >= 0.05 * previous.loc[shown.index] - 1e-6).any()  # some gu held by the limit
    table = {str(c): float(v) for c, v in load_previous_amounts(_PREVIOUS).items()}
    expected = solve_envelopes(
        load_districts(), _base().with_overrides({"previous_eok": table, "stability_delta": 0.05})
    )
    assert shown.to_numpy() == pytest.approx(_amounts(expected.table).to_numpy(), abs=1e-6)
    assert "전년도 배분액: 업로드한 파일 previous_amounts_user.xlsx" in dash.data_notice.object
    assert dash._files_query() == {"files": "previous"}


def test_a_new_amounts_file_replaces_a_last_year_amount_set_earlier_on_the_page(
    dash: Any,
) -> None:
    dash.controls["previous"].value = 12.0
    _upload(dash.previous_upload, _PREVIOUS)
    shown = _amounts(dash.table.value)
    previous = _by_name(load_previous_amounts(_PREVIOUS)).loc[shown.index]
    # need_goal_stable's ±20% applies to the file's amounts, not to 12억원
    assert ((shown - previous).abs() <= 0.2 * previous + 1e-6).all()
    file_table = {str(c): float(v) for c, v in load_previous_amounts(_PREVIOUS).items()}
    assert dash.scenario.previous_eok == file_table


def test_a_misspelled_gu_shows_did_you_mean_in_korean_and_keeps_the_previous_amounts(
    dash: Any, tmp_path: Path
) -> None:
    before = dash.table.value.copy()
    bad = _INDICATORS.read_bytes().replace("종로구".encode("cp949"), "종노구".encode("cp949"))
    path = tmp_path / "districts_user.csv"
    path.write_bytes(bad)
    _upload(dash.indicators_upload, path)
    assert dash.file_problem.visible
    message = dash.file_problem.object
    assert "districts_user.csv 파일을 사용할 수 없습니다" in message  # the file named, in Korean
    assert "2행, &#x27;자치구&#x27; 열, 값 &#x27;종노구&#x27;" in message  # row, column, value
    assert "did you mean &#x27;종로구&#x27;" in message
    assert "Traceback" not in message
    pd.testing.assert_frame_equal(dash.table.value, before)  # the allocation stays
    assert 'data-status="optimal"' in dash.status.object
    assert "패키지의 2017년 자치구 표" in dash.data_notice.object
    assert dash._files_query() == {}


def test_a_refused_file_after_a_good_one_keeps_the_good_ones_data(
    dash: Any, tmp_path: Path
) -> None:
    _upload(dash.indicators_upload, _INDICATORS)
    good = dash.table.value.copy()
    bad = tmp_path / "districts_user.csv"
    bad.write_bytes(_INDICATORS.read_bytes().replace(b"151420", b"abc"))
    _upload(dash.indicators_upload, bad)
    assert "&#x27;abc&#x27;" in dash.file_problem.object
    pd.testing.assert_frame_equal(dash.table.value, good)
    assert "업로드한 파일 districts_user.csv" in dash.data_notice.object


def test_an_english_page_words_the_refusal_in_english(scenarios: Any, tmp_path: Path) -> None:
    dash = app._Dashboard(load_districts(), load_boundaries(), scenarios)
    dash.lang = "en"
    path = tmp_path / "amounts.txt"
    path.write_bytes(b"gu,x\n")
    _upload(dash.previous_upload, path)
    assert "The uploaded file cannot be used: amounts.txt: not a CSV" in dash.file_problem.object


@pytest.mark.parametrize(
    ("sent", "name"),
    [
        ("districts_user.csv", "districts_user.csv"),
        ("C:\\Users\\me\\자료.xlsx", "자료.xlsx"),
        ("/home/me/../x.sav", "x.sav"),
    ],
)
def test_an_upload_keeps_only_its_base_name(sent: str, name: str) -> None:
    assert files.upload_name(sent) == name


@pytest.mark.parametrize("sent", ["notes.txt", "", "..", "table.csv.exe"])
def test_an_upload_the_loaders_cannot_read_is_refused_by_name(sent: str) -> None:
    with pytest.raises(InputError, match=r"not a CSV, \.xlsx or \.sav file"):
        files.upload_name(sent)


def test_an_empty_upload_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError, match=r"prev\.csv: the file is empty"):
        files.read_previous(b"", "prev.csv")


def test_a_link_from_a_page_with_uploaded_files_says_they_are_not_carried(
    scenarios: Any,
) -> None:
    reading = read_link(
        "?base=need_goal_stable&files=districts,previous&budget=260.0",
        scenarios,
        default_base="need_goal_stable",
        map_columns=["amount_eok"],
    )
    assert any("링크에는 파일을 담을 수 없으므로" in n for n in reading.notices)
    assert "files" not in reading.query("(uploaded file)")  # the opened page shows its own data
    assert reading.values["budget"] == 260.0  # the rest of the link is honoured
    assert reading.base == scenarios["need_goal_stable"]


class _Address:
    """The session's address bar, as the dashboard uses it (``search`` only)."""

    def __init__(self, search: str) -> None:
        self.search = search


def test_the_address_bar_of_a_page_with_uploaded_files_keeps_their_mark(dash: Any) -> None:
    _upload(dash.indicators_upload, _INDICATORS)
    _upload(dash.previous_upload, _PREVIOUS)
    dash.location = _Address("?base=need_goal_stable&files=districts%2Cprevious&budget=260.0")
    # what the synced widgets read: the valid query, the mark kept (the page uses the files)
    assert dash._clean_query(dash.location.search) == (
        "base=need_goal_stable&budget=260.0&files=districts%2Cprevious"
    )
    # the browser reporting that address is not a link to correct
    dash._on_address(SimpleNamespace(new=dash.location.search))
    assert dash.location.search == "?base=need_goal_stable&files=districts%2Cprevious&budget=260.0"
    # a link copied from there opens on the package's data and says the files are not in it
    fresh = app._Dashboard(load_districts(), load_boundaries(), dash.scenarios)
    reading = fresh._read_link(dash.location.search)
    assert any("링크에는 파일을 담을 수 없으므로" in n for n in reading.notices)
    assert fresh._clean_query(dash.location.search) == "base=need_goal_stable&budget=260.0"
    assert "패키지의 2017년 자치구 표" in fresh.data_notice.object


def test_a_corrupt_workbook_is_refused_in_korean_and_the_amounts_stay(dash: Any) -> None:
    before = dash.table.value.copy()
    dash.previous_upload.param.update(filename="전년도.xlsx", value=b"not a zip file at all")
    assert dash.file_problem.visible
    message = dash.file_problem.object
    assert "올린 파일을 사용할 수 없습니다: 전년도.xlsx: not a readable Excel workbook" in message
    pd.testing.assert_frame_equal(dash.table.value, before)
    assert "전년도 배분액: 시나리오에 적힌 값" in dash.data_notice.object


def test_going_back_to_the_package_data_gives_the_first_allocation_again(
    dash: Any, scenarios: Any
) -> None:
    first = dash.table.value.copy()
    assert not dash.files_reset.visible
    _upload(dash.indicators_upload, _INDICATORS)
    _upload(dash.previous_upload, _PREVIOUS)
    assert dash.files_reset.visible
    assert not _amounts(dash.table.value).equals(_amounts(first))
    dash.files_reset.clicks += 1
    expected = solve_envelopes(load_districts(), _base())
    assert _amounts(dash.table.value).to_numpy() == pytest.approx(
        _amounts(expected.table).to_numpy(), abs=1e-6
    )
    assert dash.scenario.previous_eok == 10  # the scenario's own last-year amount
    assert "패키지의 2017년 자치구 표" in dash.data_notice.object
    assert dash._files_query() == {} and not dash.files_reset.visible
    _upload(dash.indicators_upload, _INDICATORS)  # the same file again is read again
    assert "업로드한 파일 districts_user.csv" in dash.data_notice.object

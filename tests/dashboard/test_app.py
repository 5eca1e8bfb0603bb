"""The dashboard's wiring, in process (no browser): every view equals what the library computes.

Expected values come from :func:`cgresearch.allocation.solve_envelopes` (PuLP path) and
:func:`cgresearch.allocation.compare`, not from the app's incremental model.
"""

from __future__ import annotations

import io
import tomllib
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cgresearch.allocation import Scenario, compare, load_scenario, solve_envelopes
from cgresearch.dashboard import app
from cgresearch.dashboard.labels import table_titles
from cgresearch.dashboard.map import fill_colours, text_colour
from cgresearch.dashboard.state import encode_scenario
from cgresearch.data.districts import load_boundaries, load_districts
from cgresearch.errors import CGResearchError
from cgresearch.paths import scenarios_dir


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    return load_districts()


@pytest.fixture(scope="module")
def boundaries() -> pd.DataFrame:
    return load_boundaries()


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {p.stem: load_scenario(p) for p in sorted(scenarios_dir().glob("*.toml"))}


@pytest.fixture
def dash(districts: pd.DataFrame, boundaries: pd.DataFrame, scenarios: Any) -> Any:
    return app._Dashboard(districts, boundaries, scenarios)


def _amounts(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["name_ko"], frame["amount_eok"], strict=True))


def _assert_shows(dash: Any, expected: Any) -> None:
    assert expected.ok
    shown = dash.table.value
    want = _amounts(expected.table)
    got = _amounts(shown)
    assert set(got) == set(want)
    for name, amount in want.items():
        assert got[name] == pytest.approx(amount, abs=1e-6), name
    assert f'data-total="{expected.table["amount_eok"].sum():.6f}"' in dash.status.object


def test_opens_on_the_default_base_scenario_as_its_file_says(dash: Any, districts: Any) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    _assert_shows(dash, solve_envelopes(districts, base))
    assert dash.table.value["vs_base_eok"].abs().max() == pytest.approx(0.0, abs=1e-9)


def test_budget_change_shows_the_library_allocation_and_change_against_the_base(
    dash: Any, districts: Any
) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dash.controls["budget"].value = 262.0
    expected = solve_envelopes(districts, base.with_overrides({"total_budget_eok": 262.0}))
    _assert_shows(dash, expected)
    change = compare(solve_envelopes(districts, base), expected).set_index("name_ko")
    shown = dash.table.value.set_index("name_ko")["vs_base_eok"]
    np.testing.assert_allclose(shown, change.loc[shown.index, "change_eok"], atol=1e-6)
    gains = change[change["outcome"] == "gains"]
    assert f"{len(gains)}개 구 증가 {gains['change_eok'].sum():,.2f}억원" in dash.gains.object
    # the Korean page words each price itself: the gu, its bound's value and the size of the
    # library's (PuLP path) price are in the sentence
    for row in expected.shadow_prices.head(8).itertuples():
        if isinstance(row.name_ko, str):
            assert f"{row.name_ko}의 " in dash.shadow.object
            assert f"({row.rhs:,.2f}억원)" in dash.shadow.object
        assert f"{abs(row.improvement):,.4g}만큼" in dash.shadow.object
    assert f"{expected.metrics['gini']:.4f}" in dash.metrics.object


def test_weights_floor_and_objective_controls_reach_the_model(dash: Any, districts: Any) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dash.controls["objective"].value = "maxmin"
    dash.controls["w_area"].value = 0.2
    dash.controls["floor"].value = 7.0
    expected = solve_envelopes(
        districts,
        base.with_overrides(
            {
                "objective": "maxmin",
                "weights": {
                    "base": 0.2,
                    "pop": 0.4,
                    "elderly": 0.2,
                    "fiscal_need": 0.2,
                    "area": 0.2,
                },
                "weights_sum": 1.2,
                "floor_eok": 7.0,
            }
        ),
    )
    _assert_shows(dash, expected)


def test_infeasible_scenario_shows_the_diagnosis_not_a_trace(dash: Any, districts: Any) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dash.controls["budget"].value = 150.0
    expected = solve_envelopes(districts, base.with_overrides({"total_budget_eok": 150.0}))
    assert expected.status == "infeasible"
    assert 'data-status="infeasible"' in dash.status.object
    korean = expected.diagnosis.message.localized("ko")  # the page is Korean by default
    assert korean.replace("'", "&#x27;") in dash.status.object
    assert dash.table.value.empty
    assert np.isnan(np.asarray(dash.patches.data["value"], dtype=float)).all()


def test_invalid_controls_show_what_to_change(dash: Any) -> None:
    dash.controls["floor"].value = 20.0  # above the cap of 13
    assert 'data-status="invalid"' in dash.status.object
    # the page is Korean by default: "floor_eok = 20 is above cap_eok = 13"
    assert "하한 floor_eok = 20이(가) 상한 cap_eok = 13보다 큽니다" in dash.status.object


def test_switching_base_resets_controls_and_builds_tier_sliders(
    dash: Any, districts: Any, scenarios: Any
) -> None:
    dash.base_select.value = "tiers_9_11"
    tiers = scenarios["tiers_9_11"]
    assert dash.controls["budget"].value == tiers.total_budget_eok
    assert set(dash.tier_widgets) == {"tier.가", "tier.나", "tier.다"}
    _assert_shows(dash, solve_envelopes(districts, tiers))
    dash.tier_widgets["tier.가"].value = (10.0, 11.5)
    _assert_shows(
        dash, solve_envelopes(districts, tiers.with_overrides({"tiers.가": [10.0, 11.5]}))
    )
    dash.controls["tiers"].value = False
    _assert_shows(
        dash, solve_envelopes(districts, tiers.with_overrides({"tiers": {}, "grades": {}}))
    )


def test_uploaded_file_becomes_the_base_and_saves_back_the_current_scenario(
    dash: Any, districts: Any, scenarios: Any
) -> None:
    uploaded = scenarios["maxmin_equity"].with_overrides({"name": "mine", "floor_eok": 5.5})
    dash.upload.value = uploaded.to_toml().encode("utf-8")
    assert dash.base_select.value == app._UPLOADED
    assert dash.upload_text.value == encode_scenario(uploaded)
    _assert_shows(dash, solve_envelopes(districts, uploaded))
    dash.controls["budget"].value = 240.0
    saved = Scenario.from_dict(tomllib.loads(dash._scenario_file().getvalue()))
    assert saved == uploaded.with_overrides({"total_budget_eok": 240.0})


def test_csv_and_excel_downloads_hold_the_table_shown(dash: Any) -> None:
    shown = dash.table.value
    text = dash._csv_file().getvalue()
    assert text.startswith("\ufeff")  # Excel opens the Korean headers as UTF-8
    csv = pd.read_csv(io.StringIO(text.removeprefix("\ufeff")))
    assert list(csv.columns) == list(table_titles("ko").values())
    np.testing.assert_allclose(csv["배분액(억원)"], shown["amount_eok"])
    xlsx = pd.read_excel(dash._xlsx_file(), sheet_name="allocation")
    assert list(xlsx.columns) == list(table_titles("ko").values())  # Korean by default
    np.testing.assert_allclose(xlsx["배분액(억원)"], shown["amount_eok"])


def test_choosing_uploaded_without_a_file_says_so_and_keeps_a_base(dash: Any) -> None:
    dash.base_select.value = app._UPLOADED
    assert 'data-status="invalid"' in dash.status.object
    assert "이 링크에 담긴 업로드 시나리오를 읽을 수 없습니다" in dash.status.object  # Korean page
    assert dash.base_select.value == "need_goal_stable"


def test_cli_rejects_a_port_outside_the_tcp_range_with_a_plain_message(capsys: Any) -> None:
    from cgresearch.cli import main

    assert main(["dashboard", "--port", "70000", "--no-show"]) == 2
    err = capsys.readouterr().err
    assert "--port 70000 is not a TCP port" in err and "Traceback" not in err


def test_each_gu_row_carries_the_library_explanation_of_its_amount(dash: Any, districts: Any):
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    why = solve_envelopes(districts, base).explain("ko").set_index("name_ko")["text"]
    shown = dash.table.value.set_index("name_ko")["explanation"]
    assert len(shown) == 25 and (shown != "").all()
    for name, text in why.items():
        assert shown[name] == text, name


def test_map_has_a_colour_bar_whose_unit_follows_the_coloured_column(dash: Any) -> None:
    bar = dash.fig.select_one({"name": "cg-colorbar"})
    assert bar is not None and bar.color_mapper is dash.mapper
    assert bar.title == "억원"
    dash.map_select.value = "per_capita_krw"
    assert bar.title == "원"  # KRW on the Korean page
    dash.map_select.value = "change_eok"
    assert bar.title == "억원"


# WCAG 2 contrast: (L1 + 0.05) / (L2 + 0.05) with L the relative luminance; black text on
# Cividis' darkest blue #00204D has about 1.2:1, white about 16:1; on its yellow #FFE945 black
# about 16:1 and white about 1.3:1 (luminances 0.0148 and 0.78, worked from the sRGB formula).
@pytest.mark.parametrize(
    ("fill", "text"),
    [
        ("#00204D", "#ffffff"),
        ("#FFE945", "#111111"),
        ("#053061", "#ffffff"),
        ("#f7f7f7", "#111111"),
    ],
)
def test_map_labels_are_white_on_dark_fills_and_dark_on_light_fills(fill: str, text: str) -> None:
    assert text_colour(fill) == text


def test_every_map_label_has_the_text_colour_its_fill_asks_for(dash: Any) -> None:
    fills = fill_colours(
        dash.frame["amount_eok"].to_numpy(float)[dash._label_rows],
        list(dash.mapper.palette),
        dash.mapper.low,
        dash.mapper.high,
    )
    # independent luminance: the mean of the sRGB channels is a rough, monotone stand-in that
    # agrees with WCAG away from mid-greys; labels on very dark / very light fills must match it
    for fill, colour in zip(fills, dash.labels.data["text_color"], strict=True):
        mean = sum(int(fill[i : i + 2], 16) for i in (1, 3, 5)) / 3
        if mean < 60:
            assert colour == "#ffffff", fill
        elif mean > 200:
            assert colour == "#111111", fill
    # the lowest allocation gets the palette's first colour, the highest its last
    amounts = dash.frame["amount_eok"].to_numpy(float)[dash._label_rows]
    assert fills[int(np.argmin(amounts))] == dash.mapper.palette[0]
    assert fills[int(np.argmax(amounts))] == dash.mapper.palette[-1]


def test_the_rounding_unit_control_shows_the_library_allocation_in_whole_units(
    dash: Any, districts: Any
) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dash.controls["unit"].value = 0.1
    expected = solve_envelopes(districts, base.with_overrides({"rounding_unit_eok": 0.1}))
    _assert_shows(dash, expected)
    shown = dash.table.value["amount_eok"].to_numpy(float)
    # whole tenths of 억원 (1,000만원) that still add up to the 250억원 of the file
    np.testing.assert_allclose(shown * 10, np.round(shown * 10), atol=1e-9)
    assert shown.sum() == pytest.approx(250.0, abs=1e-9)
    assert "0.1억원 단위로 맞췄습니다" in dash.status.object


def test_the_absolute_change_limit_control_holds_every_gu_within_it(
    dash: Any, districts: Any
) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    dash.controls["change"].value = 1.0
    expected = solve_envelopes(districts, base.with_overrides({"max_change_eok": 1.0}))
    _assert_shows(dash, expected)
    # last year's amount is 10억원 for every gu in the file: ±1억원 means 9 to 11
    shown = dash.table.value["amount_eok"].to_numpy(float)
    assert shown.min() >= 9.0 - 1e-9 and shown.max() <= 11.0 + 1e-9


def test_a_link_whose_unit_exceeds_the_smallest_envelope_opens_with_a_smaller_unit(
    dash: Any, districts: Any
) -> None:
    # 20억원 without floors, caps or last year's amounts: the smallest envelope is below 1억원
    query = "?budget=20&floor=0&cap=0&previous=0&delta=0&unit=1"
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    plain = base.with_overrides(
        {
            "total_budget_eok": 20,
            "floor_eok": None,
            "cap_eok": None,
            "previous_eok": None,
            "stability_delta": None,
        }
    )
    smallest = float(solve_envelopes(districts, plain).table["amount_eok"].min())
    assert 0.1 <= smallest < 1.0
    reading = dash._read_link(query)
    assert reading.values["unit"] == 0.1
    assert any("unit=1" in n and f"{smallest:,.4g}" in n for n in reading.notices)
    # and the view it opens is the library's allocation in whole tenths
    scenario = plain.with_overrides({"rounding_unit_eok": 0.1})
    for key, value in reading.values.items():
        if key in dash.controls:
            dash.controls[key].value = value
    _assert_shows(dash, solve_envelopes(districts, scenario))


def test_binding_limits_and_explanations_are_in_the_page_language(
    dash: Any, districts: Any, boundaries: Any, scenarios: Any
) -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    expected = solve_envelopes(districts, base).table.set_index("name_ko")["binding"]
    shown = dash.table.value.set_index("name_ko")["binding"]
    # 중구 sits on its floor (8억원) and on the stability limit (10 − 20% = 8)
    assert expected["중구"] == "floor;stability_low"
    assert shown["중구"] == "하한; 안정성 제한(하한)"
    assert (shown[expected == ""] == "").all()
    english = app._Dashboard(districts, boundaries, scenarios)
    english.lang = "en"
    english.update()
    assert english.table.value.set_index("name_ko").loc["중구", "binding"] == (
        "floor; stability limit (lower)"
    )
    why = solve_envelopes(districts, base).explain("en").set_index("name_ko")["text"]
    got = english.table.value.set_index("name_ko")["explanation"]
    for name, text in why.items():
        assert got[name] == text, name


def test_the_base_scenario_unchanged_says_no_gu_gains_or_loses(dash: Any) -> None:
    dash._details(dash._seq, dash.result)  # the panels that follow on the next tick
    assert "늘거나 줄어든 구가 없습니다." in dash.gains.object
    assert "0개 구" not in dash.gains.object


def test_a_unit_above_the_smallest_envelope_set_on_the_page_says_so_in_korean(
    dash: Any, districts: Any
) -> None:
    for key, value in {"floor": 0.0, "cap": 0.0, "delta": 0.0, "previous": 0.0}.items():
        dash.controls[key].value = value
    dash.controls["budget"].value = 20.0
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    plain = base.with_overrides(
        {
            "total_budget_eok": 20,
            "floor_eok": None,
            "cap_eok": None,
            "previous_eok": None,
            "stability_delta": None,
        }
    )
    smallest = float(solve_envelopes(districts, plain).table["amount_eok"].min())
    assert smallest < 1.0
    dash.controls["unit"].value = 1.0
    assert 'data-status="invalid"' in dash.status.object
    assert f"가장 작은 배분액({smallest:,.4g}억원)보다 큽니다" in dash.status.object


def test_a_scenario_saved_in_cp949_uploads_like_utf8(dash: Any, districts: Any) -> None:
    text = 'name = "종로_예산"\ntotal_budget_eok = 260\nfloor_eok = 7\n'
    dash.upload.value = text.encode("cp949")
    assert dash.base_select.value == app._UPLOADED
    expected = Scenario(name="종로_예산", total_budget_eok=260, floor_eok=7)
    _assert_shows(dash, solve_envelopes(districts, expected))


def test_a_unit_too_coarse_for_the_limits_says_so_in_korean(dash: Any, districts: Any) -> None:
    # tiers_9_11: grade ranges such as 9–9.5 and 10.5–11억원 leave no whole-억원 split of 250
    tiers = load_scenario(scenarios_dir() / "tiers_9_11.toml")
    with pytest.raises(CGResearchError, match="too coarse"):
        solve_envelopes(districts, tiers.with_overrides({"rounding_unit_eok": 1.0}))
    dash.base_select.value = "tiers_9_11"
    dash.controls["unit"].value = 1.0
    assert 'data-status="invalid"' in dash.status.object
    assert "구별 제약 안에서 배분액을 1억원 단위로 맞출 수 없습니다" in dash.status.object
    dash.controls["unit"].value = 0.1  # a finer unit works: the library's allocation in tenths
    _assert_shows(
        dash, solve_envelopes(districts, tiers.with_overrides({"rounding_unit_eok": 0.1}))
    )

"""The dashboard's control values <-> scenario overrides <-> URL query strings (pure mapping)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from cgresearch.allocation import Scenario, load_scenario
from cgresearch.dashboard.state import (
    decode_scenario,
    encode_scenario,
    overrides_from_values,
    scenario_from_values,
    values_from_query,
    values_from_scenario,
)
from cgresearch.errors import ParameterError
from cgresearch.paths import scenarios_dir


def _tiers_base() -> Scenario:
    return load_scenario(scenarios_dir() / "tiers_9_11.toml")


def test_values_of_a_scenario_file_show_its_settings() -> None:
    # scenarios/need_goal_stable.toml: 250, equal_adjustment, weights base .2 pop .4 elderly .2
    # fiscal_need .2, floor 8, cap 13, previous 10, δ 0.2 (read off the file).
    v = values_from_scenario(load_scenario(scenarios_dir() / "need_goal_stable.toml"))
    assert v["budget"] == 250.0
    assert v["objective"] == "equal_adjustment"
    assert (v["w_base"], v["w_pop"], v["w_elderly"], v["w_fiscal_need"]) == (0.2, 0.4, 0.2, 0.2)
    assert (v["w_area"], v["w_dong"]) == (0.0, 0.0)
    assert (v["floor"], v["cap"], v["previous"], v["delta"]) == (8.0, 13.0, 10.0, 0.2)
    assert v["tiers"] is False


def test_unchanged_controls_give_no_overrides_and_the_same_scenario() -> None:
    for path in sorted(scenarios_dir().glob("*.toml")):
        base = load_scenario(path)
        values = values_from_scenario(base)
        assert overrides_from_values(base, values) == {}, path.name
        assert scenario_from_values(base, values) == base, path.name


def test_per_district_floor_table_survives_until_the_floor_control_moves() -> None:
    base = Scenario(name="t", total_budget_eok=250, floor_eok={"종로구": 9.0, "default": 8.0})
    values = values_from_scenario(base)
    assert values["floor"] == 8.0  # the table's default entry
    assert scenario_from_values(base, {**values, "budget": 260.0}).floor_eok == {
        "종로구": 9.0,
        "default": 8.0,
    }
    assert scenario_from_values(base, {**values, "floor": 7.5}).floor_eok == 7.5


def test_zero_means_none_for_floor_cap_previous_and_delta() -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    v = {**values_from_scenario(base), "cap": 0.0, "delta": 0.0, "floor": 0.0}
    s = scenario_from_values(base, v)
    assert (s.cap_eok, s.stability_delta, s.floor_eok) == (None, None, None)
    assert s.previous_eok == 10.0


def test_weights_are_passed_with_their_own_sum() -> None:
    # 0.3 + 0.3 + 0.1 = 0.7 (weights_sum); zero weights are left out.
    base = load_scenario(scenarios_dir() / "equal_10.toml")
    v = {**values_from_scenario(base), "w_base": 0.3, "w_pop": 0.3, "w_area": 0.1}
    assert overrides_from_values(base, v) == {
        "weights": {"base": 0.3, "pop": 0.3, "area": 0.1},
        "weights_sum": pytest.approx(0.7),
    }


def test_all_weights_zero_is_a_parameter_error_saying_what_to_do() -> None:
    base = load_scenario(scenarios_dir() / "equal_10.toml")
    v = {**values_from_scenario(base), "w_base": 0.0}
    with pytest.raises(ParameterError, match="weights"):
        scenario_from_values(base, v)


def test_tiers_switch_off_and_a_moved_tier_range() -> None:
    base = _tiers_base()
    v = values_from_scenario(base)
    assert v["tiers"] is True and v["tier.가"] == (10.5, 11.0)
    off = scenario_from_values(base, {**v, "tiers": False})
    assert (off.tiers, off.grades) == ({}, {})
    moved = scenario_from_values(base, {**v, "tier.가": (10.0, 11.5)})
    assert moved.tiers["가"] == (10.0, 11.5)
    assert moved.tiers["나"] == (9.5, 10.5) and moved.grades == base.grades


def test_query_string_as_panel_writes_it_reads_back_to_the_same_values() -> None:
    base = _tiers_base()
    want = {
        **values_from_scenario(base),
        "budget": 262.0,
        "objective": "maxmin",
        "w_pop": 0.45,
        "delta": 0.15,
        "tiers": False,
        "tier.다": (8.5, 9.5),
    }
    # Panel's location.sync writes str values as they are and others as JSON.
    query = "?" + urlencode(
        {
            "base": "tiers_9_11",
            "budget": "262.0",
            "objective": "maxmin",
            "w_pop": "0.45",
            "delta": "0.15",
            "tiers": "false",
            "tier.다": "[8.5, 9.5]",
            "unknown": "1",
        }
    )
    assert values_from_query(query, base) == want


def test_unreadable_query_value_is_a_parameter_error_naming_the_key() -> None:
    base = _tiers_base()
    with pytest.raises(ParameterError, match="budget"):
        values_from_query("budget=abc", base)


def test_encoded_scenario_round_trips_and_plain_toml_is_accepted() -> None:
    base = _tiers_base()
    text = encode_scenario(base)
    assert text.isascii() and "=" not in text and "/" not in text
    assert decode_scenario(text) == base
    assert decode_scenario(base.to_toml()) == base


def test_garbage_scenario_text_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="TOML"):
        decode_scenario("this is = = not toml")


def test_change_limit_and_rounding_unit_travel_in_the_link_to_the_scenario_and_back() -> None:
    base = load_scenario(scenarios_dir() / "need_goal_stable.toml")
    values = values_from_query("?change=1.5&unit=0.1", base)
    assert (values["change"], values["unit"]) == (1.5, 0.1)
    scenario = scenario_from_values(base, values)
    assert scenario.max_change_eok == 1.5 and scenario.rounding_unit_eok == 0.1
    # the scenario shows as the same control values; unset limits are 0 and give None
    assert values_from_scenario(scenario)["change"] == 1.5
    assert values_from_scenario(scenario)["unit"] == 0.1
    plain = scenario_from_values(base, values_from_query("?change=0&unit=0", base))
    assert plain.max_change_eok is None and plain.rounding_unit_eok is None
    assert overrides_from_values(base, values_from_scenario(base)) == {}


def test_an_upload_that_is_neither_utf8_nor_cp949_is_refused_saying_what_to_do() -> None:
    from cgresearch.dashboard.state import scenario_from_upload

    with pytest.raises(ParameterError, match=r"neither UTF-8 nor CP949.*save the scenario"):
        scenario_from_upload(b"name = \xff\xfe\xff")
    assert scenario_from_upload("\ufeffname = 'a'\ntotal_budget_eok = 5".encode()).name == "a"

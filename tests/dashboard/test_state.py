"""The dashboard's control values <-> scenario overrides <-> URL query strings (pure mapping)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import Scenario, load_scenario
from cgresearch.dashboard.state import (
    LinkReading,
    decode_scenario,
    encode_scenario,
    overrides_from_values,
    read_link,
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


# --- shared links that cannot be honoured (issue #10) -----------------------------------------
_MAPS = ("amount_eok", "per_capita_krw", "change_eok", "vs_base_eok")
_UP = "(uploaded file)"


def _bases() -> dict[str, Scenario]:
    return {p.stem: load_scenario(p) for p in sorted(scenarios_dir().glob("*.toml"))}


def _read(query: str) -> LinkReading:
    return read_link(query, _bases(), default_base="need_goal_stable", map_columns=_MAPS, lang="en")


# query, the words the notice must hold, and the value each named control ends with
# (hand-set: the range end for an out-of-range value, else need_goal_stable's own value).
_BAD_LINKS = [
    ("?base=nosuch", ["base=nosuch", "need_goal_stable"], {}),
    ("?base=equal_1O", ["did you mean 'equal_10'"], {}),
    ("?map=nosuch", ["map=nosuch", "amount_eok"], {}),
    (f"?base={_UP}&scenario=%%%garbage", ["uploaded scenario cannot be read"], {}),
    (f"?base={_UP}&scenario=", ["uploaded scenario cannot be read"], {}),
    ("?scenario=eJzLSM3JyQcABiwCFQ", ["scenario=", "ignored"], {}),
    ("?budget=" + "9" * 5000, ["budget=", "5000 characters", "cannot be read"], {"budget": 250.0}),
    ("?budget=1e999", ["not a finite number"], {"budget": 250.0}),
    ("?budget=NaN", ["not a finite number"], {"budget": 250.0}),
    ("?budget=abc", ["budget=abc cannot be read"], {"budget": 250.0}),
    ("?budget=-5", ["budget=-5 is negative"], {"budget": 0.0}),
    ("?budget=2e7", ["above 10,000,000", "set to 10,000,000"], {"budget": 1e7}),
    ("?w_pop=-1", ["w_pop=-1 is negative", "set to 0"], {"w_pop": 0.0}),
    ("?w_pop=7", ["w_pop=7 is above 1", "set to 1"], {"w_pop": 1.0}),
    ("?delta=3", ["delta=3 is above 1"], {"delta": 1.0}),
    ("?floor=-2", ["floor=-2 is negative"], {"floor": 0.0}),
    ("?cut=150", ["cut=150 is above 100"], {"cut": 100.0}),
    ("?pcfloor=-1", ["pcfloor=-1 is negative"], {"pcfloor": 0.0}),
    (
        "?objective=maxmn",
        ["did you mean 'maxmin'", "kept 'equal_adjustment'"],
        {"objective": "equal_adjustment"},
    ),
    ("?tiers=perhaps", ["tiers=perhaps is not true or false"], {"tiers": False}),
    ("?foo=1", ["foo is not a control"], {}),
    ("?budgte=260", ["did you mean 'budget'"], {"budget": 250.0}),
    ("?tier.가=[10,11]", ["tier.가 names no grade of 'need_goal_stable'"], {}),
]


@pytest.mark.parametrize(("query", "words", "expect"), _BAD_LINKS)
def test_a_bad_link_opens_the_nearest_valid_view_and_says_what_it_changed(
    query: str, words: list[str], expect: dict[str, object]
) -> None:
    reading = _read(query)
    assert len(reading.notices) == 1
    for word in words:
        assert word in reading.notices[0], (word, reading.notices[0])
    for key, value in expect.items():
        assert reading.values[key] == value
    assert reading.base_name in _bases() and reading.map_column in _MAPS
    # the view it opens is a scenario the library accepts
    scenario_from_values(reading.base, reading.values)


def test_a_good_link_is_honoured_without_a_notice() -> None:
    reading = _read("?base=equal_10&budget=260.0&w_pop=0.5&map=per_capita_krw&objective=maxmin")
    assert reading.notices == ()
    assert reading.base_name == "equal_10" and reading.map_column == "per_capita_krw"
    assert reading.values["budget"] == 260.0 and reading.values["w_pop"] == 0.5
    assert reading.values["objective"] == "maxmin"


def test_a_link_with_several_bad_values_lists_each_one() -> None:
    reading = _read("?base=nosuch&map=x&w_pop=-1&budget=abc&zzz=1")
    assert len(reading.notices) == 5


def test_the_cleaned_query_of_a_bad_link_reads_back_without_notices() -> None:
    reading = _read("?base=equal_10&w_pop=-1&budget=270&map=nosuch")
    again = _read("?" + urlencode(reading.query(_UP)))
    assert again.notices == ()
    assert again.values == reading.values and again.base_name == "equal_10"


def test_an_uploaded_scenario_in_the_link_is_opened() -> None:
    up = Scenario(name="mine", total_budget_eok=300)
    reading = _read("?" + urlencode({"base": _UP, "scenario": encode_scenario(up)}))
    assert reading.notices == () and reading.base == up and reading.values["budget"] == 300.0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["base", "map", "budget", "w_pop", "floor", "delta", "tiers", "x"]),
            st.text(max_size=30),
        ),
        max_size=6,
    )
)
def test_no_link_raises_and_every_value_it_opens_is_in_range(pairs) -> None:
    reading = _read("?" + urlencode(pairs))
    v = reading.values
    assert 0 <= v["budget"] <= 1e7 and 0 <= v["w_pop"] <= 1 and 0 <= v["delta"] <= 1
    assert 0 <= v["floor"] <= 1e7 and isinstance(v["tiers"], bool)


def test_the_notices_are_korean_by_default_and_still_name_each_culprit() -> None:
    reading = read_link(
        "?base=nosuch&w_pop=-1", _bases(), default_base="need_goal_stable", map_columns=_MAPS
    )
    assert reading.notices == (
        "base=nosuch은(는) 이곳의 시나리오가 아닙니다. 대신 'need_goal_stable'을(를) 엽니다",
        "w_pop=-1은(는) 음수입니다(허용 범위 0~1). 0(으)로 바꿉니다",
    )


def test_change_limits_and_per_capita_floor_travel_in_the_link_to_the_scenario():
    base = _bases()["need_goal_stable"]
    values = values_from_query("?cut=5&raise=10&pcfloor=30000", base)
    scenario = scenario_from_values(base, values)
    assert (scenario.max_cut_pct, scenario.max_raise_pct) == (5.0, 10.0)
    assert scenario.floor_per_capita_krw == 30_000.0
    # and back: the scenario shows as the same control values, 0 where a limit is not set
    again = values_from_query("?cut=5", base)
    assert (again["cut"], again["raise"], again["pcfloor"]) == (5.0, 0.0, 0.0)
    assert scenario_from_values(base, again).max_raise_pct is None


def test_the_link_chooses_the_page_language_korean_unless_lang_en() -> None:
    bases = {"b": Scenario(name="b", total_budget_eok=250)}
    ask = {"default_base": "b", "map_columns": ["amount_eok"]}
    assert read_link("?base=b", bases, **ask).lang == "ko"
    english = read_link("?base=b&lang=en&w_pop=-1", bases, **ask)
    assert english.lang == "en" and english.query("(uploaded file)")["lang"] == "en"
    # the notice of the same link is in the language the link asks for
    assert english.notices == ("w_pop=-1 is negative (accepted 0 to 1); set to 0",)
    assert "lang" not in read_link("?base=b&lang=ko", bases, **ask).query("(uploaded file)")


def test_a_link_with_an_unknown_language_stays_korean_and_says_so() -> None:
    bases = {"b": Scenario(name="b", total_budget_eok=250)}
    reading = read_link("?base=b&lang=fr", bases, default_base="b", map_columns=["amount_eok"])
    assert reading.lang == "ko"
    assert reading.notices == (
        "lang=fr은(는) 이 페이지의 언어가 아닙니다(lang=ko 또는 lang=en); 무시함",
    )

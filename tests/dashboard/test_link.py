"""Reading a shared dashboard link: any query made valid, with a notice per change (issue #10)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import Scenario, load_scenario
from cgresearch.dashboard.link import LinkReading, read_link
from cgresearch.dashboard.state import (
    encode_scenario,
    scenario_from_values,
    values_from_query,
)
from cgresearch.paths import scenarios_dir

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

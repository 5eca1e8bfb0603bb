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
            st.sampled_from(
                ["base", "map", "budget", "w_pop", "floor", "delta", "tiers", "x", "unit", "change"]
            ),
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
    assert 0 <= v["change"] <= 1e7
    # the rounding unit is off or an offered unit that splits the budget into whole units
    assert v["unit"] == 0 or (v["unit"] in (0.01, 0.1, 1.0) and v["unit"] <= v["budget"])
    if v["unit"]:
        units = v["budget"] / v["unit"]
        assert abs(units - round(units)) <= 1e-6 * max(1.0, units)


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


# --- the rounding unit and the absolute change limit (issue #11 items 3 and 4) ----------------
# need_goal_stable: total 250억원, no rounding; the page offers 0.01, 0.1 and 1억원. Expected
# units worked by hand: the largest offered unit not above the one asked that splits the total.
_UNIT_LINKS = [
    ("?unit=0.05", 0.01, ["unit=0.05", "0.01, 0.1, 1", "set to 0.01"]),
    ("?unit=5", 1.0, ["unit=5", "set to 1"]),
    ("?unit=0.001", 0.01, ["unit=0.001", "set to 0.01"]),
    ("?unit=-1", 0.0, ["unit=-1 is negative", "set to 0"]),
    ("?unit=abc", 0.0, ["unit=abc cannot be read"]),
    ("?budget=250.5&unit=1", 0.1, ["250.5 억원 is not a whole number of 1 억원", "set to 0.1"]),
    ("?budget=250.55&unit=1", 0.01, ["250.55 억원", "set to 0.01"]),
    ("?budget=250.555&unit=0.1", 0.0, ["250.555 억원", "rounding switched off"]),
    ("?budget=0.5&unit=1", 0.1, ["0.5 억원 is not a whole number of 1 억원", "set to 0.1"]),
]


@pytest.mark.parametrize(("query", "unit", "words"), _UNIT_LINKS)
def test_a_rounding_unit_the_page_cannot_honour_is_lowered_with_a_notice(
    query: str, unit: float, words: list[str]
) -> None:
    reading = _read(query)
    assert reading.values["unit"] == unit
    assert len(reading.notices) == 1
    for word in words:
        assert word in reading.notices[0], (word, reading.notices[0])
    # what it opens is a scenario the library accepts, and its link reads back unchanged
    scenario_from_values(reading.base, reading.values)
    again = _read("?" + urlencode(reading.query(_UP)))
    assert again.notices == () and again.values == reading.values


@pytest.mark.parametrize(
    ("query", "change", "words"),
    [
        ("?change=1.5", 1.5, []),
        ("?change=-3", 0.0, ["change=-3 is negative", "set to 0"]),
        ("?change=2e8", 1e7, ["change=2e8 is above 10,000,000", "set to 10,000,000"]),
        ("?change=x", 0.0, ["change=x cannot be read"]),
    ],
)
def test_the_absolute_change_limit_in_a_link_is_kept_in_range(
    query: str, change: float, words: list[str]
) -> None:
    reading = _read(query)
    assert reading.values["change"] == change
    assert len(reading.notices) == len(words[:1])
    for word in words:
        assert word in reading.notices[0]


@pytest.mark.parametrize(
    ("unit", "smallest", "expected"),
    [
        (1.0, 0.36, 0.1),  # 1 > 0.36: the largest offered unit ≤ 0.36 is 0.1
        (1.0, 0.05, 0.01),
        (0.1, 0.005, 0.0),  # no offered unit is small enough: rounding off
        (1.0, 8.0, 1.0),  # honoured as it is
        (0.1, 0.1, 0.1),  # a unit equal to the smallest envelope is allowed
    ],
)
def test_a_unit_larger_than_the_smallest_envelope_is_lowered_once_it_is_known(
    unit: float, smallest: float, expected: float
) -> None:
    reading = _read(f"?unit={unit}")
    assert reading.notices == ()
    fitted = reading.with_smallest_envelope(smallest)
    assert fitted.values["unit"] == expected
    if expected == unit:
        assert fitted is reading
    else:
        (notice,) = fitted.notices
        assert f"unit={unit:g} is larger than the smallest envelope ({smallest:g} 억원)" in notice


def test_the_unit_notice_is_korean_on_the_korean_page() -> None:
    reading = read_link(
        "?unit=0.05", _bases(), default_base="need_goal_stable", map_columns=_MAPS
    ).with_smallest_envelope(0.001)
    assert reading.notices == (
        "unit=0.05은(는) 이 페이지의 단위가 아닙니다(0.01, 0.1, 1억원 중 하나). "
        "0.01(으)로 바꿉니다",
        "unit=0.01은(는) 가장 작은 배분액(0.001억원)보다 큽니다. 단위 맞춤을 끕니다",
    )


def test_a_base_scenario_with_its_own_unit_offers_it_too() -> None:
    own = Scenario(name="own", total_budget_eok=250, rounding_unit_eok=0.5)
    bases = {"own": own}
    ask = {"default_base": "own", "map_columns": _MAPS, "lang": "en"}
    assert read_link("?base=own", bases, **ask).values["unit"] == 0.5
    reading = read_link("?base=own&unit=0.7", bases, **ask)
    assert reading.values["unit"] == 0.5 and "0.01, 0.1, 0.5, 1" in reading.notices[0]


@pytest.mark.parametrize(
    ("query", "off"),
    [
        ("?base=equal_10&change=1", ["change"]),
        ("?base=equal_10&cut=5&raise=10", ["cut", "raise"]),
        ("?previous=0", ["delta"]),  # need_goal_stable's own δ = 0.2 loses its last year
    ],
)
def test_change_limits_without_last_years_amount_are_switched_off_with_a_notice(
    query: str, off: list[str]
) -> None:
    reading = _read(query)
    assert len(reading.notices) == len(off)
    for key, notice in zip(off, reading.notices, strict=True):
        assert reading.values[key] == 0.0
        assert notice.startswith(f"{key}=") and "no last year's amount" in notice
    scenario_from_values(reading.base, reading.values)  # a scenario the library accepts

"""Korean report formatting: 억원 amounts, the 5점 척도, p-values, dates, names for codes."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cgresearch.errors import ParameterError
from cgresearch.formatting import (
    format_date,
    format_eok,
    format_p,
    format_percent,
    mkrw_to_eok,
    raw_identifiers,
    scale_name,
    term_name,
)


def test_amounts_are_in_eok_with_thousands_separators_and_two_decimals():
    # 2016-PR-24: ₩7,661,500 million = 76,615 억원 (1 억원 = 100 million KRW)
    assert mkrw_to_eok(7_661_500) == 76_615
    assert format_eok(76_615) == "76,615.00억원"
    assert format_eok(76_615, "en") == "76,615.00 (100 million KRW)"
    assert format_eok(1234.5, decimals=0) == "1,234억원"  # round half to even, as Python does


def test_the_one_to_five_scale_is_named_as_korean_reports_name_it():
    assert scale_name(1, 5) == "5점 척도"
    assert scale_name(1, 7) == "7점 척도"
    assert scale_name(1, 5, "en") == "5-point scale"


@pytest.mark.parametrize(
    ("p", "text"), [(0.0, "< 0.001"), (0.000999, "< 0.001"), (0.001, "0.001"), (0.0456, "0.046")]
)
def test_p_values_below_one_in_a_thousand_read_less_than_0_001(p, text):
    assert format_p(p) == text


def test_a_p_value_outside_zero_to_one_is_refused():
    with pytest.raises(ParameterError, match="between 0 and 1"):
        format_p(1.5)


@given(st.fractions(min_value=0, max_value=1))
def test_percentages_are_the_share_times_one_hundred(share: Fraction):
    text = format_percent(float(share), decimals=3)
    assert text.endswith("%")
    assert abs(float(text[:-1].replace(",", "")) - float(share * 100)) <= 0.0005 + 1e-9


@given(st.integers(min_value=0, max_value=10**12))
def test_eok_text_reads_back_as_the_amount(amount_mkrw: int):
    text = format_eok(mkrw_to_eok(amount_mkrw))
    assert text.endswith("억원")
    assert Fraction(text[:-2].replace(",", "")) == Fraction(amount_mkrw, 100)


def test_dates_are_written_the_korean_way():
    assert format_date(datetime.date(2026, 11, 30)) == "2026년 11월 30일"
    assert format_date(datetime.date(2026, 11, 30), "en") == "November 30, 2026"


def test_codes_are_named_from_the_vocabulary_never_shown_as_codes():
    assert term_name("T3") == "협치 제도 기반 강화"
    assert term_name("S5", "en") == "A wider and deeper fiscal democracy"
    assert term_name("public") == "공무원"
    with pytest.raises(ParameterError, match="did you mean 'T3'"):
        term_name("T33")


def test_raw_identifiers_are_found_in_text():
    assert raw_identifiers("total_budget_eok and floor_eok by T1") == [
        "total_budget_eok",
        "floor_eok",
        "T1",
    ]
    assert raw_identifiers("협치 인식 (5점 척도), p < 0.001, 2016-PR-24") == []

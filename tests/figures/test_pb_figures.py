"""Seoul PB figures: rules by their names in each edition, never a code or an English word."""

from __future__ import annotations

import re

import pytest

from cgresearch.figures.pb import rule_label


@pytest.mark.parametrize("rule", ["mes+greedy", "mes+add1", "mes+add1-greedy"])
def test_mes_completions_are_named_in_korean_with_only_method_acronyms_in_latin(rule):
    korean = rule_label(rule, "ko")
    assert korean.startswith("균등분배법(MES) + ")
    # Latin letters only for the method's acronym and the completion's Pabulib name in brackets
    latin = set(re.findall(r"[A-Za-z][A-Za-z0-9-]*", re.sub(r"\([^)]*\)", "", korean)))
    assert latin == set(), korean


def test_mes_completions_keep_their_english_names_in_the_english_edition():
    assert rule_label("mes+greedy", "en") == "MES + greedy completion"
    assert rule_label("mes+add1", "en") == "MES + add-one budget increase completion"

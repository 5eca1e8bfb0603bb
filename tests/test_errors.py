"""Plain-language errors: the shared "did you mean" helper."""

from __future__ import annotations

from cgresearch.errors import closest_match


def test_closest_match_finds_a_near_spelling_and_returns_none_when_nothing_is_near() -> None:
    # difflib ratio of "maxmn" vs "maxmin" is 2*5/11 = 0.909, far above the 0.5 cutoff.
    assert closest_match("maxmn", ["formula", "goal", "maxmin"]) == "maxmin"
    assert closest_match("qqq", ["formula", "goal"]) is None


def test_closest_match_compares_non_text_choices_as_text() -> None:
    assert closest_match(1111, [11110, 11140]) == "11110"


def test_a_higher_cutoff_refuses_a_weaker_match() -> None:
    # ratio("gol", "goal") = 2*3/7 = 0.857
    assert closest_match("gol", ["goal"], cutoff=0.85) == "goal"
    assert closest_match("gol", ["goal"], cutoff=0.9) is None

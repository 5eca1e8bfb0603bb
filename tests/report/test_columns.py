"""Table headers: names with units in the edition's language, for every chapter's columns."""

from __future__ import annotations

import pytest

from cgresearch.errors import ParameterError
from cgresearch.formatting import raw_identifiers
from cgresearch.report.columns import headers

#: Columns that chapters 07 and 08 save (as the notebooks compute them).
CHAPTER_07_08 = [
    "adm_code", "gu", "rank", "grade", "nominal", "median", "q05", "q95", "factor", "S1",
    "S1_conf", "ST", "ST_conf", "task_id", "task", "owner", "goal", "strategy", "indicator",
    "unit", "year", "baseline", "target", "value", "progress", "elapsed", "schedule_gap",
    "status", "n_tasks", "on_track", "at_risk", "off_track", "no_data", "mean_progress",
    "score", "p_grade", "score_change", "rank_change", "weakest", "amount_eok", "low_eok",
    "high_eok", "series", "source_ids", "year_basis", "note", "row", "type", "proposals",
    "screened", "put_to_vote", "proposed_eok", "put_to_vote_eok", "proposal_id", "contest",
    "theme", "title", "cost_eok", "e_votes", "onsite_votes", "votes", "vote_score", "voter_id",
    "channel", "home_gu", "envelope_eok", "rule", "n_funded", "spent_eok", "unspent_eok",
    "unspent_share", "share_with_nothing", "gini_satisfaction", "avg_satisfaction_eok",
    "per_capita_krw", "gu_level_eok", "gu_pays_eok", "city_pays_eok", "vs_seoul_eok",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_07_and_08_column_has_a_named_header_with_no_raw_identifier(lang):
    shown = headers(CHAPTER_07_08, lang)
    assert list(shown) == CHAPTER_07_08
    assert not {h: raw_identifiers(h) for h in shown.values() if raw_identifiers(h)}
    assert len(set(shown.values())) >= len(shown) - 2  # gu/adm_code aside, names differ


def test_amount_columns_say_eok_and_shares_say_percent_in_both_editions():
    ko, en = headers(CHAPTER_07_08, "ko"), headers(CHAPTER_07_08, "en")
    for col in CHAPTER_07_08:
        if col.endswith("_eok"):
            assert ko[col].endswith("(억원)") and en[col].endswith("(100 million KRW)"), col
    for col in ("unspent_share", "share_with_nothing", "p_grade", "progress", "elapsed"):
        assert ko[col].endswith("(%)") and en[col].endswith("(%)"), col


def test_a_chapters_own_columns_come_from_extra_and_unknown_ones_are_refused():
    assert headers(["PLAN", "rank"], "ko", extra={"PLAN": "계획(점)"}) == {
        "PLAN": "계획(점)",
        "rank": "순위(1 = 최상위)",
    }
    with pytest.raises(ParameterError, match="'PLAN' has no display header"):
        headers(["PLAN"], "ko")

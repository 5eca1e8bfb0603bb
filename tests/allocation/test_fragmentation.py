"""Near-duplicate detection from Korean titles: hand-made tables, pairwise scores by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.allocation import select_projects
from cgresearch.allocation.fragmentation import (
    detect_duplicates,
    pair_scores,
    title_tokens,
    with_groups,
)
from cgresearch.errors import ParameterError

pytest.importorskip("kiwipiepy")


def _table():
    return pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d", "e"],
            "gu_code": [11110, 11110, 11110, 11110, 11140],
            "gu_name": ["종로구"] * 4 + ["중구"],
            "department": ["복지정책과", "환경과", "환경과", "자치행정과", "환경과"],
            "title_ko": [
                "종로구 협치 교육 운영",
                "종로구 협치 교육 운영 (연계)",
                "종로구 마을 텃밭 조성",
                "종로구 마을 텃밭 조성 시범",
                "중구 협치 교육 운영",
            ],
        }
    )


def test_kiwipiepy_model_loads_offline_and_splits_korean_titles():
    assert title_tokens(["마을 텃밭 조성"])[0] == frozenset({"마을", "텃밭", "조성"})


def test_duplicates_are_found_within_a_gu_across_departments_only():
    found = detect_duplicates(_table(), threshold=0.6)
    groups = found.groups.dropna()
    # a/b: {협치, 교육, 운영} vs {+연계}: 3/4; c/d: {마을, 텃밭, 조성} vs {+시범}: 3/4;
    # e is in another gu; b/c share a department and nothing else
    assert groups["a"] == groups["b"] and groups["c"] == groups["d"]
    assert groups["a"] != groups["c"] and "e" not in groups.index
    assert sorted(found.pairs["similarity"]) == [0.75, 0.75]


def test_a_higher_threshold_finds_no_new_pairs():
    lo = detect_duplicates(_table(), threshold=0.5)
    hi = detect_duplicates(_table(), threshold=0.8)
    assert set(map(tuple, hi.pairs[["id_a", "id_b"]].values)) <= set(
        map(tuple, lo.pairs[["id_a", "id_b"]].values)
    )
    assert hi.pairs.empty  # 0.75 < 0.8


def test_pair_scores_count_pairs_by_hand():
    truth = pd.Series({"a": "D1", "b": "D1", "c": "D1", "d": None, "e": "D2", "f": "D2"})
    found = pd.Series({"a": "F1", "b": "F1", "c": None, "d": "F2", "e": "F2", "f": None})
    # true pairs ab ac bc ef (4); found ab de (2); hits ab
    assert pair_scores(truth, found) == {
        "precision": 0.5,
        "recall": 0.25,
        "f1": pytest.approx(2 * 0.5 * 0.25 / 0.75),
        "true_pairs": 4,
        "found_pairs": 2,
    }


def test_found_groups_feed_the_selection_mips_one_per_group_rule():
    t = _table().rename(columns={"project_id": "proposal_id"})
    t["cost_mkrw"] = [10.0, 10.0, 10.0, 10.0, 10.0]
    t["score"] = [5.0, 4.0, 3.0, 2.0, 1.0]
    found = detect_duplicates(t, threshold=0.6, id_column="proposal_id")
    res = select_projects(with_groups(t, found), {11110: 100.0, 11140: 100.0})
    # without the groups all five fit; with them only a (of a/b) and c (of c/d), and e
    assert sorted(res.selected["proposal_id"]) == ["a", "c", "e"]


def test_bad_threshold_is_refused():
    with pytest.raises(ParameterError, match="threshold"):
        detect_duplicates(_table(), threshold=0)

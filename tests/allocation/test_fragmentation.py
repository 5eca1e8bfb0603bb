"""Near-duplicate projects from Korean titles: hand-made title sets, pair counts, properties."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgresearch.allocation.fragmentation import (
    content_morphemes,
    detect_duplicates,
    similarity_matrix,
    with_duplicate_groups,
)
from cgresearch.allocation.fragmentation_scores import pair_scores, threshold_sweep
from cgresearch.allocation.selection import select_projects
from cgresearch.data.synth import generate_inventory
from cgresearch.errors import InputError, ParameterError

_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _projects(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    """(project_id, title, gu_code, department) rows as a project table."""
    return pd.DataFrame(rows, columns=["project_id", "title_ko", "gu_code", "department"])


def _members(result_groups: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["project_id"]) for _, g in result_groups.groupby("group_id")}


# --- the tokeniser behaviour the detection relies on -----------------------------------------
def test_spacing_does_not_change_the_content_morphemes() -> None:
    a, b = content_morphemes(["마을공동체 활성화 지원사업", "마을 공동체 활성화 지원 사업"])
    assert a == b == ("마을", "공동체", "활성", "지원", "사업")


def test_particles_endings_suffixes_and_punctuation_are_dropped() -> None:
    # 의/을 (particles), 화 (suffix), 하/기 (derivational suffix, nominal ending), brackets
    (toks,) = content_morphemes(["주민의 참여를 활성화하기 (연계)"])
    assert toks == ("주민", "참여", "활성", "연계")


def test_stems_numbers_and_foreign_words_are_kept() -> None:
    (toks,) = content_morphemes(["아름다운 마을 만들기 AI 2단계"])
    assert "아름답" in toks and "만들" in toks  # adjective and verb stems
    assert {"AI", "2", "단계", "마을"} <= set(toks)


def test_a_compound_noun_may_split_differently_in_a_longer_title() -> None:
    # Kiwi's segmentation depends on the context: the one thing that keeps a planted variant
    # of the synthetic inventory from matching its original now and then.
    a, b = content_morphemes(["골목 돌봄 공모사업", "골목 돌봄 공모사업 2단계"])
    assert a == ("골목", "돌봄", "공모", "사업")
    assert b == ("골목", "돌봄", "공모사업", "2", "단계")


@settings(max_examples=20, deadline=None)
@given(
    others=st.lists(st.sampled_from(["청년 창업 공모", "AI 돌봄 로봇", "주민 총회"]), max_size=3)
)
def test_a_title_tokenises_the_same_whatever_was_tokenised_before(others: list[str]) -> None:
    # one Kiwi per process is shared: no call may leave state that changes a later result
    alone = content_morphemes(["마을공동체 활성화 지원사업"])
    content_morphemes(others)
    assert content_morphemes([*others, "마을공동체 활성화 지원사업"])[-1] == alone[0]


def test_missing_titles_count_as_empty() -> None:
    assert content_morphemes([None, ""]) == [(), ()]  # type: ignore[list-item]


# --- hand-made title sets ----------------------------------------------------------------------
def test_a_person_sees_two_groups_in_this_gu_and_the_detector_finds_exactly_them() -> None:
    df = _projects(
        [
            ("A1", "마을공동체 활성화 지원사업", 11110, "자치행정과"),
            ("A2", "마을 공동체 활성화 지원", 11110, "마을공동체과"),
            ("A3", "청년 일자리 박람회", 11110, "일자리경제과"),
            ("A4", "어르신 돌봄 네트워크 구축", 11110, "복지정책과"),
            ("A5", "돌봄 네트워크 구축 어르신", 11110, "여성가족과"),  # same words, reordered
            ("A6", "협치 교육 운영", 11110, "협치지원과"),
            ("A7", "협치 교육 운영", 11110, "협치지원과"),  # same department: not fragmentation
            ("B1", "마을공동체 활성화 지원사업", 11140, "자치행정과"),  # another gu
        ]
    )
    res = detect_duplicates(df)
    assert _members(res.groups) == {frozenset({"A1", "A2"}), frozenset({"A4", "A5"})}
    assert res.duplicate_group.tolist() == ["F001", "F001", None, "F002", "F002", None, None, None]
    pairs = res.pairs.set_index(["id_a", "id_b"])
    # {마을, 공동체, 활성, 지원} of {마을, 공동체, 활성, 지원, 사업}: 4/5
    assert pairs.loc[("A1", "A2"), "similarity"] == pytest.approx(0.8)
    assert pairs.loc[("A1", "A2"), "shared_tokens"] == "공동체 마을 지원 활성"
    assert pairs.loc[("A4", "A5"), "similarity"] == pytest.approx(1.0)
    assert len(pairs) == 2


def test_the_same_title_in_two_gu_is_no_group_by_default_but_is_across_the_city() -> None:
    df = _projects(
        [
            ("P1", "골목 돌봄 지원사업", 11110, "복지정책과"),
            ("P2", "골목 돌봄 지원사업", 11140, "여성가족과"),
        ]
    )
    assert detect_duplicates(df).n_groups == 0
    assert _members(detect_duplicates(df, same_gu=False).groups) == {frozenset({"P1", "P2"})}


def test_same_department_pairs_join_only_when_asked() -> None:
    df = _projects(
        [
            ("P1", "협치 교육 운영", 11110, "협치지원과"),
            ("P2", "협치 교육 운영", 11110, "협치지원과"),
        ]
    )
    assert detect_duplicates(df).n_groups == 0
    assert detect_duplicates(df, cross_department=False).n_groups == 1


def test_the_gu_name_in_a_title_is_not_evidence_of_duplication() -> None:
    df = _projects(
        [
            ("P1", "종로구 골목 돌봄 지원사업", 11110, "복지정책과"),
            ("P2", "종로구 청년 창업 공모사업", 11110, "청년정책과"),
        ]
    ).assign(gu_name="종로구")
    # without the gu name the titles share only 사업:
    # {골목, 돌봄, 지원, 사업} vs {청년, 창업, 공모, 사업}
    sim = detect_duplicates(df, threshold=0.1).pairs["similarity"].tolist()
    assert sim == [pytest.approx(1 / 7)]


def test_transitive_links_form_one_group_numbered_by_its_smallest_id() -> None:
    # a-b share 4 of 5 words, b-c 4 of 5, a-c only 3 of 6: one group through b
    df = _projects(
        [
            ("z9", "골목 돌봄 네트워크 구축 지원", 11110, "복지정책과"),
            ("k5", "골목 돌봄 네트워크 구축", 11110, "여성가족과"),
            ("m1", "골목 돌봄 네트워크 구축 운영", 11110, "자치행정과"),
            ("a0", "청년 창업 공모", 11110, "청년정책과"),
        ]
    )
    res = detect_duplicates(df, threshold=0.75)
    assert _members(res.groups) == {frozenset({"z9", "k5", "m1"})}
    assert set(res.groups["group_id"]) == {"F001"}
    assert res.groups["project_id"].tolist() == ["k5", "m1", "z9"]
    assert (res.groups["group_size"] == 3).all()


def test_cosine_measure_is_tfidf_cosine_of_morphemes_and_bigrams() -> None:
    # Second implementation: features by hand, smooth idf ln((1+n)/(1+df)) + 1, cosine.
    titles = ["골목 돌봄 지원", "골목 돌봄 운영", "청년 창업 지원"]
    feats = [
        {"골목", "돌봄", "지원", "골목 돌봄", "돌봄 지원"},
        {"골목", "돌봄", "운영", "골목 돌봄", "돌봄 운영"},
        {"청년", "창업", "지원", "청년 창업", "창업 지원"},
    ]
    vocab = sorted(set().union(*feats))
    df_ = {f: sum(f in s for s in feats) for f in vocab}
    idf = {f: np.log(4 / (1 + df_[f])) + 1 for f in vocab}
    vec = [np.array([idf[f] if f in s else 0.0 for f in vocab]) for s in feats]
    want = np.array([[u @ v / np.linalg.norm(u) / np.linalg.norm(v) for v in vec] for u in vec])
    assert similarity_matrix(titles, "cosine") == pytest.approx(want)


# --- bad input ---------------------------------------------------------------------------------
def test_bad_options_and_tables_raise_errors_that_say_what_to_do() -> None:
    df = _projects([("P1", "골목 돌봄", 11110, "복지정책과")])
    with pytest.raises(InputError, match=r"no title column 'title'.*title_column="):
        detect_duplicates(df, title_column="title")
    with pytest.raises(InputError, match=r"no department column.*cross_department=False"):
        detect_duplicates(df.drop(columns="department"))
    with pytest.raises(InputError, match=r"'P1' is missing or repeated"):
        detect_duplicates(pd.concat([df, df]))
    with pytest.raises(ParameterError, match=r"unknown similarity measure 'jacard'.*'jaccard'"):
        detect_duplicates(df, measure="jacard")
    for bad in (0, -0.1, 1.5):
        with pytest.raises(ParameterError, match=r"threshold must be a number in \(0, 1\]"):
            detect_duplicates(df, threshold=bad)


# --- properties --------------------------------------------------------------------------------
_WORDS = ["마을", "공동체", "돌봄", "골목", "청년", "협치", "교육", "지원", "운영", "네트워크"]
_DEPTS = ["자치행정과", "복지정책과", "청년정책과"]


@st.composite
def _tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(2, 9))
    rows = []
    for i in range(n):
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4, unique=True))
        rows.append(
            (
                f"P{i:02d}",
                " ".join(words),
                draw(st.sampled_from([11110, 11140])),
                draw(st.sampled_from(_DEPTS)),
            )
        )
    return _projects(rows)


@_SETTINGS
@given(df=_tables(), seed=st.integers(0, 2**32 - 1), measure=st.sampled_from(["jaccard", "cosine"]))
def test_the_result_does_not_depend_on_the_row_order(
    df: pd.DataFrame, seed: int, measure: str
) -> None:
    shuffled = df.sample(frac=1, random_state=np.random.default_rng(seed)).reset_index(drop=True)
    a = detect_duplicates(df, threshold=0.4, measure=measure)
    b = detect_duplicates(shuffled, threshold=0.4, measure=measure)
    cols = ["id_a", "id_b", "shared_tokens"]
    pd.testing.assert_frame_equal(a.pairs[cols], b.pairs[cols])
    assert a.pairs["similarity"].to_numpy() == pytest.approx(b.pairs["similarity"].to_numpy())
    by_id = dict(zip(df["project_id"], a.duplicate_group, strict=True))
    assert dict(zip(shuffled["project_id"], b.duplicate_group, strict=True)) == by_id


@_SETTINGS
@given(df=_tables(), t=st.sampled_from([0.2, 0.34, 0.5, 0.6, 0.75]), dt=st.floats(0.01, 0.5))
def test_raising_the_threshold_never_merges_groups(df: pd.DataFrame, t: float, dt: float) -> None:
    low = detect_duplicates(df, threshold=t).duplicate_group
    high = detect_duplicates(df, threshold=min(1.0, t + dt)).duplicate_group
    # every group at the higher threshold lies inside one group at the lower one
    for g in high.dropna().unique():
        assert low[high == g].nunique(dropna=False) == 1 and low[high == g].notna().all()


@_SETTINGS
@given(
    titles=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join),
        min_size=2,
        max_size=8,
    ),
    measure=st.sampled_from(["jaccard", "cosine"]),
)
def test_similarity_is_symmetric_within_zero_and_one(titles: list[str], measure: str) -> None:
    m = similarity_matrix(titles, measure)
    assert np.array_equal(m, m.T)
    assert ((m >= 0) & (m <= 1 + 1e-12)).all()
    if measure == "jaccard":  # Jaccard by hand, exact fractions, of Kiwi's morphemes
        # (Kiwi tags a word by its context: '돌봄' alone is the verb stem 돌보, so the sets come
        # from the tokeniser, not from splitting on spaces)
        sets = [set(t) for t in content_morphemes(titles)]
        for i, j in itertools.combinations(range(len(titles)), 2):
            if not sets[i] | sets[j]:
                continue
            want = Fraction(len(sets[i] & sets[j]), len(sets[i] | sets[j]))
            assert m[i, j] == pytest.approx(float(want))


# --- measured against known groups -------------------------------------------------------------
def _pair_counts_by_hand(pred: list, truth: list) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(pred)), 2):
        p = pred[i] is not None and pred[i] == pred[j]
        t = truth[i] is not None and truth[i] == truth[j]
        tp += p and t
        fp += p and not t
        fn += t and not p
    return tp, fp, fn


_LABELS = st.lists(st.sampled_from([None, "a", "b", "c"]), min_size=0, max_size=12)


@settings(max_examples=100, deadline=None)
@given(pred=_LABELS, truth=_LABELS)
def test_pair_scores_equal_an_explicit_count_of_pairs(pred: list, truth: list) -> None:
    n = min(len(pred), len(truth))
    pred, truth = pred[:n], truth[:n]
    s = pair_scores(pred, truth)
    tp, fp, fn = _pair_counts_by_hand(pred, truth)
    assert (s.tp, s.fp, s.fn) == (tp, fp, fn)
    if tp + fp:
        assert s.precision == pytest.approx(tp / (tp + fp))
    if tp + fn:
        assert s.recall == pytest.approx(tp / (tp + fn))


def test_pair_scores_of_a_small_worked_example() -> None:
    # predicted {1,2,3} {4,5}; truth {1,2} {3,4,5}:
    # predicted pairs 12 13 23 45; true pairs 12 34 35 45; shared 12 45
    s = pair_scores(["g", "g", "g", "h", "h"], ["x", "x", "y", "y", "y"])
    assert (s.tp, s.fp, s.fn) == (2, 2, 2)
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)


@pytest.fixture(scope="module")
def inventory() -> pd.DataFrame:
    return generate_inventory(seed=3)


def test_the_sweep_on_the_synthetic_inventory_matches_a_pair_count_by_hand(
    inventory: pd.DataFrame,
) -> None:
    sweep = threshold_sweep(inventory, [0.6, 0.8], measures=["jaccard"]).set_index("threshold")
    truth = inventory["duplicate_group"].astype(object).where(inventory["duplicate_group"].notna())
    for t in (0.6, 0.8):
        found = detect_duplicates(inventory, threshold=t).duplicate_group
        pred = found.tolist()
        tp = fp = fn = 0
        for _, rows in inventory.groupby("gu_code").groups.items():  # pairs only within a gu
            idx = list(rows)
            counts = _pair_counts_by_hand([pred[i] for i in idx], [truth[i] for i in idx])
            tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
        row = sweep.loc[t]
        assert (row["tp"], row["fp"], row["fn"]) == (tp, fp, fn)
        assert row["precision"] == pytest.approx(tp / (tp + fp))
        assert row["recall"] == pytest.approx(tp / (tp + fn))


def test_identical_titles_in_two_departments_of_a_gu_are_always_linked(
    inventory: pd.DataFrame,
) -> None:
    # identical titles have identical morphemes: Jaccard 1 >= any threshold
    found = detect_duplicates(inventory, threshold=1.0).duplicate_group
    checked = 0
    for _, same in inventory.groupby(["gu_code", "title_ko"]):
        if len(same) > 1 and same["department"].nunique() == len(same):
            assert found[same.index].notna().all() and found[same.index].nunique() == 1
            checked += 1
    assert checked > 0  # the seed holds such titles, so the check above ran


# --- feeding the selection MIP -----------------------------------------------------------------
def test_selection_with_detected_groups_funds_at_most_one_project_per_group() -> None:
    props = pd.DataFrame(
        {
            "proposal_id": ["a", "b", "c", "d", "e"],
            "title_ko": [
                "마을공동체 활성화 지원사업",
                "마을 공동체 활성화 지원",
                "어르신 돌봄 네트워크 구축",
                "돌봄 네트워크 구축 어르신",
                "청년 일자리 박람회",
            ],
            "gu_code": [11110] * 5,
            "department": [
                "자치행정과",
                "마을공동체과",
                "복지정책과",
                "여성가족과",
                "일자리경제과",
            ],
            "cost_mkrw": [30.0, 20.0, 25.0, 40.0, 10.0],
            "score": [9.0, 7.0, 6.0, 8.0, 5.0],
        }
    )
    found = detect_duplicates(props, id_column="proposal_id")
    env = {11110: 1000.0}  # room for everything: only the groups limit the selection
    without = select_projects(props, env)
    assert set(without.selected["proposal_id"]) == {"a", "b", "c", "d", "e"}
    res = select_projects(with_duplicate_groups(props, found), env)
    chosen = res.selected
    assert chosen.groupby("duplicate_group").size().max() == 1
    # best by hand: a (9) of {a, b}, d (8) of {c, d}, and e (5)
    assert set(chosen["proposal_id"]) == {"a", "d", "e"} and res.objective == 22.0


def test_groups_from_another_table_are_refused() -> None:
    df = _projects([("P1", "골목 돌봄", 11110, "복지정책과"), ("P2", "골목 돌봄", 11110, "환경과")])
    found = detect_duplicates(df)
    with pytest.raises(ParameterError, match="another table"):
        with_duplicate_groups(df.iloc[::-1].reset_index(drop=True).iloc[:1], found)

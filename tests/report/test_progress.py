"""Progress lines of a report: worked by hand on a fake clock, and a property of the estimate."""

from __future__ import annotations

import io
import itertools

from hypothesis import given
from hypothesis import strategies as st

from cgresearch.report.progress import ReportProgress, clock_text


def test_lines_show_elapsed_time_and_an_estimate_worked_by_hand():
    # Runs a (30 s), b (20 s), c (10 s) on 2 jobs. What is left is the larger of (work left) / 2
    # and the longest single run left:
    #   t=0   start a, b: left 30+20+10 = 60 → 60/2 = 30, longest 30          → 0:30
    #   t=12  b ends:     a has 30-12 = 18 left, c 10 → 28/2 = 14, longest 18 → 0:18
    #   t=12  start c:    the same                                            → 0:18
    #   t=25  c ends:     a has 30-25 = 5 left                                → 0:05
    #   t=40  a ends:     nothing                                             → 0:00
    readings = iter([0.0, 0.0, 0.0, 12.0, 12.0, 25.0, 40.0])
    out = io.StringIO()
    p = ReportProgress(
        {"a": 30.0, "b": 20.0, "c": 10.0},
        jobs=2,
        stream=out,
        clock=lambda: next(readings),
        lang="en",
    )
    p.started("a")
    p.started("b")
    p.finished("b", True, 12.04)
    p.started("c")
    p.finished("c", False, 13.0)
    p.finished("a", "interrupted", 40.0)
    assert out.getvalue().splitlines() == [
        "[report 0:00] started  a (1 of 3 started; about 0:30 left)",
        "[report 0:00] started  b (2 of 3 started; about 0:30 left)",
        "[report 0:12] finished b ok in 12.0 s (1 of 3 done; about 0:18 left)",
        "[report 0:12] started  c (3 of 3 started; about 0:18 left)",
        "[report 0:25] finished c FAILED in 13.0 s (2 of 3 done; about 0:05 left)",
        "[report 0:40] finished a interrupted in 40.0 s (3 of 3 done; about 0:00 left)",
    ]


def test_lines_are_korean_by_default_with_the_same_times():
    # the same first three events as above, in the Korean edition
    readings = iter([0.0, 0.0, 0.0, 12.0])
    out = io.StringIO()
    p = ReportProgress(
        {"a": 30.0, "b": 20.0, "c": 10.0}, jobs=2, stream=out, clock=lambda: next(readings)
    )
    p.started("a")
    p.started("b")
    p.finished("b", False, 12.04)
    assert out.getvalue().splitlines() == [
        "[보고서 0:00] 시작 a (1/3 시작, 약 0:30 남음)",
        "[보고서 0:00] 시작 b (2/3 시작, 약 0:30 남음)",
        "[보고서 0:12] 종료 b 실패, 12.0초 (1/3 완료, 약 0:18 남음)",
    ]


def test_quiet_progress_prints_nothing():
    out = io.StringIO()
    p = ReportProgress({"a": 1.0}, quiet=True, stream=out, clock=lambda: 0.0)
    p.started("a")
    p.finished("a", True, 1.0)
    p.note("stopping")
    assert out.getvalue() == ""


def test_clock_text_reads_minutes_and_seconds_then_hours():
    assert [clock_text(s) for s in (0, 59.4, 60, 3599, 3600, 7384)] == [
        "0:00",
        "0:59",
        "1:00",
        "59:59",
        "1:00:00",
        "2:03:04",
    ]


@given(
    st.lists(st.floats(0, 1e4), min_size=1, max_size=8),
    st.integers(1, 4),
    st.lists(st.floats(0, 2e4), min_size=2, max_size=6),
)
def test_the_estimate_never_grows_while_time_passes_and_nothing_finishes(expected, jobs, times):
    runs = {f"r{i}": s for i, s in enumerate(expected)}
    p = ReportProgress(runs, jobs=jobs, stream=io.StringIO(), clock=lambda: 0.0)
    p.started("r0")  # one running since 0, the others waiting
    estimates = [p.seconds_left(t) for t in sorted(times)]
    assert all(later <= earlier for earlier, later in itertools.pairwise(estimates))
    assert all(e >= 0 for e in estimates)
    assert estimates[0] <= sum(expected)

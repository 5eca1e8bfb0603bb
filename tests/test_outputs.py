"""Output folders written whole: concurrent real processes, failures, leftovers, bad targets."""

from __future__ import annotations

import fcntl
import multiprocessing as mp
import os
from pathlib import Path

import pandas as pd
import pytest

from cgresearch.errors import ParameterError
from cgresearch.outputs import (
    MARKER_NAME,
    check_output_folder,
    lock_stage,
    remove_stale,
    staged_folder,
    swap_folder,
)

_BUDGETS = (200, 210, 220, 230, 240, 250)


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != MARKER_NAME)


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


def _allocate_into(target: str, budget: int, barrier: mp.synchronize.Barrier) -> None:
    """One `allocate` run: solve a scenario named 'same', wait for the others, write."""
    from cgresearch.allocation import Scenario, solve_envelopes
    from cgresearch.data.districts import load_districts
    from cgresearch.figures.allocation import write_allocation

    scenario = Scenario(name="same", total_budget_eok=budget, objective="formula")
    result = solve_envelopes(load_districts(), scenario)
    barrier.wait(timeout=300)  # all six write at once
    write_allocation(result, target, figures=False)


def test_six_concurrent_runs_into_one_folder_leave_exactly_one_runs_complete_output(
    tmp_path: Path,
) -> None:
    target = tmp_path / "same"
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(_BUDGETS))
    procs = [ctx.Process(target=_allocate_into, args=(str(target), b, barrier)) for b in _BUDGETS]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    assert _visible(target) == [
        "allocation.csv",
        "allocation.xlsx",
        "scenario.toml",
        "summary.txt",
    ]
    # Every file is from one and the same run: the totals agree with one of the six budgets.
    xlsx = pd.read_excel(target / "allocation.xlsx", sheet_name="allocation")
    csv = pd.read_csv(target / "allocation.csv")
    total = round(float(csv["amount_eok"].sum()), 6)
    assert total in {float(b) for b in _BUDGETS}
    assert round(float(xlsx["amount_eok"].sum()), 6) == total
    assert f"total_budget_eok = {total}" in (target / "scenario.toml").read_text()
    assert _siblings(target) == []  # no staging or old folders left beside it


def test_a_writer_that_fails_leaves_the_previous_output_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_folder(target, command="demo") as stage:
        (stage / "a.csv").write_text("first\n")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with staged_folder(target, command="demo") as stage:
            (stage / "a.csv").write_text("second, half-writ")
            (stage / "b.csv").write_text("second\n")
            raise RuntimeError("disk on fire")
    assert _visible(target) == ["a.csv"]
    assert (target / "a.csv").read_text() == "first\n"
    assert _siblings(target) == []


def test_a_rerun_replaces_the_folder_so_no_earlier_file_survives(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_folder(target, command="demo") as stage:
        for name in ("summary.txt", "map_amount.png", "bars.png"):
            (stage / name).write_text("feasible run\n")
    with staged_folder(target, command="demo") as stage:
        (stage / "summary.txt").write_text("infeasible\n")
    assert _visible(target) == ["summary.txt"]


def test_staging_left_by_a_dead_run_is_removed_but_a_live_ones_is_kept(tmp_path: Path) -> None:
    dead = tmp_path / ".cgresearch-staging-out-dead"
    live = tmp_path / ".cgresearch-staging-out-live"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "half.csv").write_text("x")
        (folder / ".lock").write_text("")
    fd = os.open(live / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a run still writing holds its lock
    try:
        with staged_folder(tmp_path / "out", command="demo") as stage:
            (stage / "a.csv").write_text("1\n")
        assert not dead.exists()
        assert (live / "half.csv").exists()
    finally:
        os.close(fd)


def test_a_target_that_is_a_file_is_refused_naming_it(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("mine")
    with pytest.raises(ParameterError, match=r"--out .*report\.txt: is a file"):
        check_output_folder(f)
    with pytest.raises(ParameterError, match=r"report\.txt is a file, so no folder"):
        check_output_folder(f / "below")
    assert f.read_text() == "mine"


def test_a_folder_of_someone_elses_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("years of work")
    with pytest.raises(ParameterError, match=r"thesis\.docx"):
        with staged_folder(tmp_path, command="demo") as stage:
            (stage / "a.csv").write_text("1")
    assert (tmp_path / "thesis.docx").read_text() == "years of work"


def test_an_older_output_without_the_marker_but_only_known_names_is_replaced(
    tmp_path: Path,
) -> None:
    target = tmp_path / "old"
    target.mkdir()
    (target / "allocation.csv").write_text("old")
    with staged_folder(target, command="demo", known=["allocation.csv"]) as stage:
        (stage / "allocation.csv").write_text("new")
    assert (target / "allocation.csv").read_text() == "new"


def test_the_current_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="current folder"):
        check_output_folder(".")


def test_an_unwritable_place_is_refused_naming_it() -> None:
    # /sys refuses new entries even to root, unlike a chmod-ed folder.
    with pytest.raises(ParameterError, match=r"--out /sys/cgresearch-test: cannot"):
        with staged_folder("/sys/cgresearch-test", command="demo") as stage:
            (stage / "a.csv").write_text("1")
    assert not os.path.exists("/sys/cgresearch-test")


def test_a_long_korean_folder_name_gets_staged_and_swapped_in(tmp_path: Path) -> None:
    # 80 Hangul syllables = 240 bytes, near the 255-byte limit of a file name
    target = tmp_path / ("가" * 80)
    for text in ("first\n", "second\n"):
        with staged_folder(target, command="demo") as stage:
            (stage / "a.csv").write_text(text)
    assert (target / "a.csv").read_text() == "second\n"
    assert _siblings(target) == []


def test_remove_stale_takes_only_dead_folders_of_its_prefix_and_leftover_old_folders(
    tmp_path: Path,
) -> None:
    for name in (".staging-dead", ".staging-live", ".cgresearch-old-run-x", ".other-dead", "run"):
        (tmp_path / name).mkdir()
    fd = lock_stage(tmp_path / ".staging-live")  # a report still running
    try:
        with pytest.raises(BlockingIOError):  # a second holder is refused at once
            lock_stage(tmp_path / ".staging-live")
        remove_stale(tmp_path, ".staging-")
        assert sorted(p.name for p in tmp_path.iterdir()) == [".other-dead", ".staging-live", "run"]
    finally:
        os.close(fd)
    remove_stale(tmp_path, ".staging-")  # its lock freed: the folder is a dead run's now
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other-dead", "run"]


def test_swap_folder_replaces_the_target_whole_and_leaves_no_old_folder_behind(
    tmp_path: Path,
) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "old.csv").write_text("old\n")
    (tmp_path / ".staging-1" / "new").mkdir(parents=True)
    (tmp_path / ".staging-1" / "new" / "a.csv").write_text("new\n")
    swap_folder(tmp_path / ".staging-1" / "new", tmp_path / "run")
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["a.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".staging-1", "run"]
    assert list((tmp_path / ".staging-1").iterdir()) == []

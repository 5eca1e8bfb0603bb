"""Executed notebooks without run-to-run noise: ids, timings and the staging path."""

from __future__ import annotations

import nbformat

from cgresearch.report.reproducible import reproducible_notebook


def _executed(stage: str, stamp: str, seconds: float) -> nbformat.NotebookNode:
    """An executed notebook as papermill leaves it: random ids, times, the staging path."""
    injected = nbformat.v4.new_code_cell(f'output_dir = "{stage}"\n')
    injected.metadata["tags"] = ["injected-parameters"]
    work = nbformat.v4.new_code_cell("print(OUT)")
    work.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{stage}/figures\n")]
    for cell in (injected, work):
        cell.metadata["papermill"] = {
            "start_time": stamp,
            "end_time": stamp,
            "duration": seconds,
            "status": "completed",
            "exception": False,
        }
        cell.metadata["execution"] = {"shell.execute_reply": stamp}
    nb = nbformat.v4.new_notebook(cells=[injected, work])
    nb.metadata["papermill"] = {
        "start_time": stamp,
        "end_time": stamp,
        "duration": seconds,
        "output_path": f"{stage}/run.ipynb",
        "parameters": {"output_dir": stage},
        "exception": None,
    }
    return nb


def test_two_runs_differing_only_in_ids_times_and_staging_path_give_the_same_bytes():
    final = "/srv/outputs/tiny_a"
    one = _executed("/srv/outputs/.staging-11-abc/tiny_a", "2026-01-01T00:00:00", 1.5)
    two = _executed("/srv/outputs/.staging-22-xyz/tiny_a", "2026-06-30T12:34:56", 9.25)
    assert one.cells[0].id != two.cells[0].id  # nbformat drew random ids
    a = nbformat.writes(reproducible_notebook(one, {"/srv/outputs/.staging-11-abc/tiny_a": final}))
    b = nbformat.writes(reproducible_notebook(two, {"/srv/outputs/.staging-22-xyz/tiny_a": final}))
    assert a == b
    assert ".staging-" not in a
    assert "2026-" not in a


def test_ids_follow_the_cell_positions_and_only_timings_are_removed():
    stage = "/o/.staging-1-q/r"
    clean = reproducible_notebook(_executed(stage, "2026-01-01T00:00:00", 2.0), {stage: "/o/r"})
    assert [c.id for c in clean.cells] == ["cell-0", "cell-1"]
    assert clean.cells[0].source == 'output_dir = "/o/r"\n'
    assert clean.cells[1].outputs[0].text == "/o/r/figures\n"
    assert dict(clean.cells[1].metadata["papermill"]) == {"status": "completed", "exception": False}
    assert "execution" not in clean.cells[1].metadata
    assert dict(clean.metadata["papermill"]) == {
        "output_path": "/o/r/run.ipynb",
        "parameters": {"output_dir": "/o/r"},
        "exception": None,
    }
    nbformat.validate(clean)


def test_the_input_notebook_is_left_as_it_was():
    nb = _executed("/s/.staging-1-q/r", "2026-01-01T00:00:00", 2.0)
    before = nbformat.writes(nb)
    reproducible_notebook(nb, {"/s/.staging-1-q/r": "/s/r"})
    assert nbformat.writes(nb) == before

"""Sweeps on a real local Dask cluster: results equal direct solves, resume, infeasible scenarios.

One two-worker cluster is shared by the module (start-up is the slow part). The reference for
every number is a direct :func:`cgresearch.allocation.solve_envelopes` call (the PuLP path) on the
same scenario and the same perturbed district table, outside Dask and outside the kept model.
"""

from __future__ import annotations

import io
import json
import logging

import numpy as np
import pandas as pd
import pytest

from cgresearch.allocation import Scenario, diagnose, solve_envelopes
from cgresearch.cli import main
from cgresearch.data import load_districts
from cgresearch.errors import ParameterError
from cgresearch.sweeps import (
    read_results,
    read_sweep_manifest,
    results_dir,
    run_sweep,
    sweep_from_dict,
)
from cgresearch.sweeps.run import _Progress

pytestmark = pytest.mark.slow

BASE = {
    "name": "base",
    "total_budget_eok": 250,
    "objective": "goal",
    "weights": {"base": 0.2, "pop": 0.4, "elderly": 0.2, "fiscal_need": 0.2},
    "floor_eok": 8,
    "cap_eok": 13,
    "previous_eok": 10,
    "stability_delta": 0.2,
}
MC = {
    "draws": 2,
    "seed": 4,
    "perturb": {
        "pop_total_2017q1": {"relative_sd": 0.03},
        "fiscal_independence_pct_kosis_year_unverified": {"sd": 2.0, "min": 0, "max": 100},
    },
}


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,  # no dashboard; its HTTP server on a free port
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.ERROR,
    )
    dask_client = distributed.Client(cluster)
    yield dask_client
    dask_client.close()
    cluster.close()


@pytest.fixture(scope="module")
def districts():
    return load_districts()


def small_spec(name="small", **sweep):
    # 4 budgets x 3 floors = 12 points x 2 draws = 24 scenarios; floor 11 x 25 = 275 > 240 and
    # 260 (infeasible), and budget 300 is outside the ±20% band around 25 x 10 = 250 (infeasible)
    return sweep_from_dict(
        {
            "sweep": {"name": name, "base": BASE, "seed": 1, **sweep},
            "axis": [
                {"key": "total_budget_eok", "values": [240, 250, 260, 310]},
                {"key": "floor_eok", "values": [6, 8, 11]},
            ],
            "monte_carlo": MC,
        }
    )


def test_sweep_results_equal_direct_solves_on_the_perturbed_districts(client, districts, tmp_path):
    spec = small_spec()
    run = run_sweep(spec, out_dir=tmp_path, client=client, districts=districts, batch_size=5)
    assert run.complete and run.computed == run.n_batches == 5 and run.n_scenarios == 24
    results = read_results(tmp_path)
    assert len(results) == 24 * len(districts)
    assert results["scenario_id"].unique().tolist() == list(range(24))
    base = Scenario.from_dict(BASE)
    for sid, rows in results.groupby("scenario_id"):
        draw, point = divmod(sid, spec.n_points)
        overrides = spec.overrides(point)
        assert rows["param.total_budget_eok"].iloc[0] == overrides["total_budget_eok"]
        assert rows["param.floor_eok"].iloc[0] == overrides["floor_eok"]
        direct = solve_envelopes(
            spec.monte_carlo.perturb_districts(districts, draw), base.with_overrides(overrides)
        )
        assert (rows["status"] == direct.status).all(), (sid, direct.status)
        if direct.status == "optimal":
            np.testing.assert_allclose(
                rows["amount_eok"].to_numpy(), direct.table["amount_eok"].to_numpy(), atol=1e-6
            )
            assert rows["metric.gini"].iloc[0] == pytest.approx(direct.metrics["gini"], abs=1e-9)
            assert rows["adm_code"].tolist() == direct.table["adm_code"].tolist()
        else:
            # the sweep records the quick diagnosis (at most one LP per infeasible point)
            quick = diagnose(
                spec.monte_carlo.perturb_districts(districts, draw),
                base.with_overrides(overrides),
                quick=True,
            )
            assert rows["message"].iloc[0] == quick.message
            assert set(quick.conflicts) == set(direct.diagnosis.conflicts)
            assert rows["amount_eok"].isna().all()


def test_infeasible_scenarios_are_recorded_with_their_diagnosis(client, districts, tmp_path):
    run_sweep(small_spec(), out_dir=tmp_path, client=client, districts=districts, batch_size=7)
    scen = read_results(tmp_path).drop_duplicates("scenario_id")
    bad = scen[scen["status"] != "optimal"]
    # floor 11: 25 x 11 = 275 > budgets 240, 250, 260; budget 310 > 25 x 10 x 1.2 = 300
    expected = (scen["param.floor_eok"] == 11) & (scen["param.total_budget_eok"] < 275)
    expected |= scen["param.total_budget_eok"] == 310
    assert set(bad["scenario_id"]) == set(scen.loc[expected, "scenario_id"])
    assert (bad["status"] == "infeasible").all()
    assert bad["conflicts"].str.contains("budget").all()
    floors = bad[bad["param.total_budget_eok"] < 275]
    assert floors["conflicts"].str.contains("floors").all()
    assert (bad["message"].str.len() > 0).all()


def test_a_combination_the_scenario_rejects_is_recorded_as_invalid(client, districts, tmp_path):
    spec = sweep_from_dict(
        {
            "sweep": {"name": "invalid", "base": BASE},
            "axis": [
                {"key": "floor_eok", "values": [8, 14]},
                {"key": "cap_eok", "values": [13, 16]},
            ],
        }
    )
    run_sweep(spec, out_dir=tmp_path, client=client, districts=districts)
    scen = read_results(tmp_path).drop_duplicates("scenario_id").set_index("point")
    # points in product order: (8, 13), (8, 16), (14, 13), (14, 16); floor 14 > cap 13 only at 2
    assert scen.loc[2, "status"] == "invalid"
    assert "cap_eok" in scen.loc[2, "message"]
    assert scen.loc[1, "status"] == "optimal"


def test_tier_ranges_sweep_as_low_high_pairs(client, districts, tmp_path):
    spec = sweep_from_dict(
        {
            "sweep": {"name": "tiers", "base": "tiers_9_11.toml"},
            "axis": [{"key": "tiers.가", "values": [[10.5, 11.0], [9.0, 9.2]]}],
        }
    )
    run_sweep(spec, out_dir=tmp_path, client=client, districts=districts)
    rows = read_results(tmp_path)
    assert rows["param.tiers.가"].drop_duplicates().tolist() == ["[10.5, 11.0]", "[9.0, 9.2]"]
    # 성동구 holds grade 가 in tiers_9_11.toml: its envelope stays inside each swept range
    seongdong = rows[rows["name_ko"] == "성동구"].set_index("point")["amount_eok"]
    assert 10.5 - 1e-7 <= seongdong[0] <= 11.0 + 1e-7
    assert 9.0 - 1e-7 <= seongdong[1] <= 9.2 + 1e-7


def test_resume_after_interruption_gives_the_same_parquet_content(client, districts, tmp_path):
    spec = small_spec()
    whole, parted = tmp_path / "whole", tmp_path / "parted"
    run_sweep(spec, out_dir=whole, client=client, districts=districts, batch_size=4)
    first = run_sweep(
        spec, out_dir=parted, client=client, districts=districts, batch_size=4, max_batches=2
    )
    assert (first.computed, first.remaining) == (2, 4) and not first.complete
    folder = results_dir(parted)
    kept = {p.name: p.stat().st_mtime_ns for p in folder.glob("batch-*.parquet")}
    assert len(kept) == 2
    # a crash mid-write leaves a temporary file; a damaged batch file must be recomputed
    (folder / "batch-000003.parquet.1234.tmp").write_bytes(b"partial")
    (folder / "batch-000004.parquet").write_bytes(b"PAR1 not really parquet")
    second = run_sweep(spec, out_dir=parted, client=client, districts=districts)
    assert second.batch_size == 4  # taken from the earlier run's sweep.json
    assert (second.skipped, second.computed, second.remaining) == (2, 4, 0)
    assert {
        p.name: p.stat().st_mtime_ns for p in folder.glob("batch-*.parquet") if p.name in kept
    } == kept
    assert not list(folder.glob("*.tmp"))
    pd.testing.assert_frame_equal(read_results(parted), read_results(whole))
    third = run_sweep(spec, out_dir=parted, client=client, districts=districts)
    assert (third.computed, third.skipped) == (0, 6)


def test_another_sweep_in_the_same_folder_is_refused(client, districts, tmp_path):
    run_sweep(small_spec(), out_dir=tmp_path, client=client, districts=districts, max_batches=1)
    other = sweep_from_dict(
        {"sweep": {"name": "x", "base": BASE}, "axis": [{"key": "floor_eok", "values": [7]}]}
    )
    with pytest.raises(ParameterError, match="different sweep"):
        run_sweep(other, out_dir=tmp_path, client=client, districts=districts)
    with pytest.raises(ParameterError, match="batch size"):
        run_sweep(small_spec(), out_dir=tmp_path, client=client, districts=districts, batch_size=3)


def test_manifest_records_the_sweep(client, districts, tmp_path):
    spec = small_spec()
    run_sweep(spec, out_dir=tmp_path, client=client, districts=districts, batch_size=12)
    manifest = read_sweep_manifest(tmp_path)
    assert manifest["n_scenarios"] == 24 and manifest["n_batches"] == 2
    assert manifest["parameter_keys"] == ["total_budget_eok", "floor_eok"]
    assert manifest["spec"]["base"]["floor_eok"] == 8
    assert json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8")) == manifest


def test_cli_sweep_on_a_running_scheduler_prints_the_status_counts(client, tmp_path, capsys):
    spec = tmp_path / "grid.toml"
    spec.write_text(
        """
[sweep]
name = "cli_grid"
base = "need_goal_stable.toml"

[[axis]]
key = "total_budget_eok"
values = [250, 400]
""",
        encoding="utf-8",
    )
    address = client.scheduler.address
    argv = ["sweep", str(spec), "--scheduler", address, "--out", str(tmp_path / "o")]
    code = main(["--lang", "en", *argv])
    out = capsys.readouterr().out
    assert code == 0
    # 400억원 is beyond every gu's cap 13 x 25 = 325: infeasible
    assert "2 scenarios" in out and "optimal 1" in out and "infeasible 1" in out


def test_progress_bar_counts_batches_on_a_terminal():
    stream = io.StringIO()
    bar = _Progress(3, stream, enabled=True, skipped=2)
    for done in (1, 2, 3):
        bar.update(done)
    bar.close()
    text = stream.getvalue()
    assert "3/3 batches" in text and "(2 resumed)" in text
    quiet = io.StringIO()
    _Progress(3, quiet, enabled=False, skipped=0).update(3)
    assert quiet.getvalue() == ""


# --- Ctrl-C on a real `cgresearch sweep` process: events only (a pipe line, pidfds) -----------
_CAP_S = 300  # caps that turn a hang into a failure; never what decides the outcome

# The sweep runs as `cgresearch sweep` in its own process, with two changes made before the command
# starts: every batch but the first blocks in its task (so the sweep cannot finish before the
# Ctrl-C, however fast or slow the machine), and each batch file, once on disk, is announced with a
# line on a pipe (so the test waits for that event, not for the clock).
_GATED_SWEEP = """
import os, sys, threading
import cgresearch.sweeps.run as run

def _gated(job, districts, batch, scenarios):
    if batch.batch_id > 0:
        threading.Event().wait()  # held until the worker is closed: only batch 0 can finish
    import cgresearch.sweeps.run as worker_run  # the worker's own, unchanged module
    return worker_run.solve_batch(job, districts, batch, scenarios)

_write = run.write_atomic

def _announced(path, data):
    _write(path, data)
    if path.suffix == ".parquet":
        os.write(int(os.environ["SWEEP_EVENTS_FD"]), b"on disk\\n")

run.solve_batch = _gated
run.write_atomic = _announced
from cgresearch.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _group_ends(pgid: int) -> bool:
    """Wait on pidfds for each process of group ``pgid`` to end; False if one outlives a cap."""
    import os
    import select
    from pathlib import Path

    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) != pgid:  # fields after the name: state, ppid, pgrp
            continue
        try:
            fd = os.pidfd_open(int(stat.parent.name))
        except ProcessLookupError:
            continue
        try:
            if not select.select([fd], [], [], _CAP_S)[0]:
                return False
        finally:
            os.close(fd)
    return True


def test_ctrl_c_ends_a_sweep_cleanly_and_a_rerun_resumes(tmp_path, ctrl_c_as_in_a_terminal) -> None:
    import os
    import signal
    import subprocess
    import sys

    out = tmp_path / "sweep"
    args = [
        "sweep", "whatifs.toml", "--workers", "2", "--batch-size", "5", "--lang", "en",
    ]  # fmt: skip
    events_r, events_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", _GATED_SWEEP, *args, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        pass_fds=(events_w,),
        env={**os.environ, "SWEEP_EVENTS_FD": str(events_w)},
    )
    os.close(events_w)
    try:
        with os.fdopen(events_r, "rb") as events:
            assert events.readline() == b"on disk\n", "the sweep ended before its first batch"
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
            _, err = proc.communicate(timeout=_CAP_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted; rerun to resume" in err
    assert "Traceback" not in err and "distributed" not in err
    assert _group_ends(proc.pid), "a worker process outlived the sweep"
    # batch 0 alone could finish (the others were held): exactly one of 72 batches is on disk
    assert len(list(out.glob("results/*.parquet"))) == 1
    assert not list(out.glob("results/*.tmp"))
    again = subprocess.run(
        [sys.executable, "-m", "cgresearch.cli", *args, "--out", str(out), "--max-batches", "1"],
        capture_output=True,
        text=True,
        timeout=_CAP_S,
    )
    assert again.returncode == 0, again.stderr
    assert "1 already on disk" in again.stdout


def test_a_second_sweep_into_a_folder_in_use_is_refused_naming_it(tmp_path) -> None:
    import fcntl
    import os

    out = tmp_path / "busy"
    out.mkdir()
    fd = os.open(out / ".lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the first sweep holds it while it runs
    try:
        spec = sweep_from_dict(
            {"sweep": {"name": "busy", "base": BASE}, "axis": [{"key": "floor_eok", "values": [8]}]}
        )
        with pytest.raises(ParameterError, match=r"busy: another sweep is writing into this"):
            run_sweep(spec, out_dir=out, workers=1)
    finally:
        os.close(fd)
    assert not (out / "results").exists()


@pytest.mark.parametrize("size", [0, -1])
def test_a_batch_size_below_one_is_refused_not_replaced(tmp_path, size) -> None:
    spec = sweep_from_dict(
        {"sweep": {"name": "b", "base": BASE}, "axis": [{"key": "floor_eok", "values": [8]}]}
    )
    with pytest.raises(ParameterError, match=rf"--batch-size must be at least 1.*got {size}"):
        run_sweep(spec, out_dir=tmp_path / "o", batch_size=size, workers=1)
    assert not (tmp_path / "o").exists()


def test_a_sweep_solves_on_the_base_scenarios_districts_file(client, tmp_path):
    # the planner's populations: 300,000 − 5,000·i; a pure population formula, so each amount is
    # B · pop_i / Σ pop, computed here from the file's numbers
    codes = load_districts()["adm_code"].tolist()
    pop = np.array([300_000 - 5_000 * i for i in range(25)], dtype=float)
    data = tmp_path / "in"
    data.mkdir()
    rows = ["adm_code,pop (persons)"] + [f"{c},{int(p)}" for c, p in zip(codes, pop, strict=True)]
    (data / "districts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (data / "own.toml").write_text(
        'name = "own"\ntotal_budget_eok = 250\nobjective = "formula"\nweights = {pop = 1.0}\n'
        'districts_file = "districts.csv"\n',
        encoding="utf-8",
    )
    sweep = data / "sweep.toml"
    sweep.write_text(
        '[sweep]\nname = "own"\nbase = "own.toml"\n\n'
        '[[axis]]\nkey = "total_budget_eok"\nvalues = [200, 300]\n',
        encoding="utf-8",
    )
    run_sweep(sweep, out_dir=tmp_path / "out", client=client)  # no districts= given
    results = read_results(tmp_path / "out")
    for budget, rows in results.groupby("param.total_budget_eok"):
        np.testing.assert_allclose(rows["amount_eok"], budget * pop / pop.sum(), rtol=1e-9)

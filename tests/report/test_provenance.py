"""Provenance: git state, hashes and the manifest's one separate timing field."""

from __future__ import annotations

import hashlib
import json
import subprocess

from cgresearch import paths
from cgresearch.report.provenance import build_manifest, git_state, output_digests, write_json


def test_git_state_names_the_checked_out_commit():
    head = subprocess.run(
        ["git", "-C", str(paths.project_root()), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    state = git_state()
    assert state["commit"] == head
    assert isinstance(state["dirty"], bool)


def test_git_state_outside_a_repository_is_unknown(tmp_path):
    assert git_state(tmp_path) == {"commit": None, "dirty": None}


def test_output_digests_cover_figures_tables_and_key_figures_only(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.png").write_bytes(b"png")
    (tmp_path / "figures" / ".a.png.tmp").write_bytes(b"partial")
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.csv").write_bytes(b"a\n1\n")
    (tmp_path / "key_figures.json").write_bytes(b"{}\n")
    (tmp_path / "run.ipynb").write_bytes(b"{}")
    assert output_digests(tmp_path) == {
        "figures/a.png": hashlib.sha256(b"png").hexdigest(),
        "key_figures.json": hashlib.sha256(b"{}\n").hexdigest(),
        "tables/t.csv": hashlib.sha256(b"a\n1\n").hexdigest(),
    }


def test_manifest_moves_every_timing_into_one_field_and_lists_seeds_and_inputs(tmp_path):
    runs = [
        {
            "run_id": "b",
            "parameters": {"seed": 7, "n": 3},
            "outputs": {},
            "timing": {"seconds": 1.5},
        },
        {"run_id": "a", "parameters": {"n": 1}, "outputs": {}, "timing": {"seconds": 2.0}},
    ]
    m = build_manifest(runs, timing={"generated_utc": "2026-01-01T00:00:00+00:00"})
    assert m["timing"] == {
        "generated_utc": "2026-01-01T00:00:00+00:00",
        "runs": {"a": {"seconds": 2.0}, "b": {"seconds": 1.5}},
    }
    assert "timing" not in json.dumps({k: v for k, v in m.items() if k != "timing"})
    assert m["synthetic_seeds"] == {"b": {"seed": 7}}
    assert list(m["runs"]) == ["a", "b"]
    lock = paths.project_root() / "uv.lock"
    assert m["environment"]["uv_lock_sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    raw = m["inputs"]["raw_data"]
    districts = paths.raw_data_dir() / "seoul" / "districts.csv"
    assert raw["raw/seoul/districts.csv"] == hashlib.sha256(districts.read_bytes()).hexdigest()
    path = write_json(m, tmp_path / "manifest.json")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(m))

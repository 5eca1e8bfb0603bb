"""`cgresearch synth` writes labelled synthetic files: CSV identical per seed, .sav labelled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from cgresearch.cli import main
from cgresearch.data.synth import (
    SYNTHETIC_FILES,
    generate_inventory,
    generate_proposals,
    generate_survey,
    to_csv_bytes,
)
from cgresearch.data.synth.evaluation import generate_evaluation_panel
from cgresearch.data.synth.monitoring import generate_register


def test_synth_command_writes_every_file_named_and_labelled_synthetic(
    tmp_path: Path, capsys
) -> None:
    assert main(["synth", "--seed", "3", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    # Besides the data, only the hidden marker that says which command wrote the folder.
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != ".cgresearch-output.json")
    assert (tmp_path / ".cgresearch-output.json").is_file()
    assert names == sorted(SYNTHETIC_FILES.values())
    assert all("synthetic" in n for n in names) and len(printed) == len(names)
    # The files equal an independent generation with the same seed, byte for byte.
    for key, gen in (
        ("inventory", generate_inventory),
        ("survey", generate_survey),
        ("proposals", generate_proposals),
        ("evaluation_panel", generate_evaluation_panel),
        ("register", generate_register),
    ):
        written = (tmp_path / SYNTHETIC_FILES[key]).read_bytes()
        assert written == to_csv_bytes(gen(seed=3)), key
        assert (pd.read_csv(tmp_path / SYNTHETIC_FILES[key])["data_label"] == "synthetic").all()
    readme = (tmp_path / SYNTHETIC_FILES["readme"]).read_text(encoding="utf-8")
    assert readme.startswith("# SYNTHETIC data") and "Seed: 3" in readme

    # The .sav keeps question labels, value labels and 8/9 as user-missing codes.
    df, meta = pyreadstat.read_sav(tmp_path / SYNTHETIC_FILES["survey_sav"], user_missing=True)
    assert len(df) == 1800
    assert meta.variable_value_labels["compact_aware"][3.0] == "들어본 적 없다"
    assert meta.variable_value_labels["trust_1"][8.0] == "모름"
    assert meta.column_names_to_labels["cg_5"] == "협치 사업은 서울시가 일방적으로 정한다."
    assert {r["lo"] for r in meta.missing_ranges["trust_1"]} == {8.0, 9.0}
    assert "SYNTHETIC" in meta.file_label

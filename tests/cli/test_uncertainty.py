"""`cgresearch uncertainty`: rank intervals, grade odds and Sobol of a COINr data set; bad input
is one line, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgresearch.cli import main

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "iCode": ["a", "b", "c", "d", "P", "Q", "I"],
        "iName": ["A", "B", "C", "D", "P", "Q", "Index"],
        "Direction": [1, -1, 1, 1, None, None, None],
        "Weight": [1, 1, 1, 1, 1, 1, 1],
        "Parent": ["P", "P", "Q", "Q", "I", "I", None],
        "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
    }
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.lognormal(2, 0.5, (6, 4)), columns=list("abcd"))
    data.insert(0, "uName", [f"구{i}" for i in range(6)])
    data.insert(0, "uCode", [f"g{i}" for i in range(6)])
    d, m = tmp_path / "data.csv", tmp_path / "meta.csv"
    data.to_csv(d, index=False)
    META.to_csv(m, index=False)
    return d, m


def test_json_gives_every_unit_rank_interval_grade_odds_and_sobol(files, tmp_path, capsys):
    d, m = files
    out = tmp_path / "mc.json"
    args = [str(d), str(m), "--n-base", "16", "--workers", "0", "--format", "json"]
    assert main(["uncertainty", *args, "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["n_draws"] == 16 * (4 + 2)  # SALib: N x (4 factors + 2)
    assert set(doc["units"]) == {f"g{i}" for i in range(6)}
    for unit in doc["units"].values():
        assert unit["q05"] <= unit["median"] <= unit["q95"]
        assert unit["가"] + unit["나"] + unit["다"] == pytest.approx(1.0)
    # 6 units in thirds: 2 per grade under the nominal choices
    assert sorted(u["grade"] for u in doc["units"].values()) == ["가"] * 2 + ["나"] * 2 + ["다"] * 2
    assert set(doc["sobol"]) == {"normalisation", "aggregation", "imputation", "weights"}
    assert capsys.readouterr().out.strip() == str(out)


def test_bad_input_is_one_line_exit_2_and_nothing_written(files, tmp_path, capsys):
    d, m = files
    out = tmp_path / "never.json"
    code = main(["uncertainty", str(d), str(m), "--n-base", "100", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "power of 2" in err and len(err.splitlines()) == 1
    assert not out.exists()
    assert main(["uncertainty", str(d)]) == 2
    assert "either META" in capsys.readouterr().err

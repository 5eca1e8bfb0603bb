"""Scenario files that name the planner's own data: districts_file, previous_amounts_file.

Every expected amount is recomputed in the test from the numbers written to the files
(``formula`` objective with population weights: B · pop_i / Σ pop), never read from the model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgresearch import cli, paths
from cgresearch.allocation import load_scenario, solve_envelopes
from cgresearch.allocation.scenario_files import scenario_districts, with_input_files
from cgresearch.data import load_districts
from cgresearch.errors import InputError, ParameterError

BASE = load_districts()
NAMES = list(BASE["name_ko"])
POP = np.array([200_000 + 10_000 * i for i in range(25)], dtype=float)  # the planner's figures


def _files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ind = folder / "districts.csv"
    rows = ["자치구,인구(명)"] + [f"{n},{int(p)}" for n, p in zip(NAMES, POP, strict=True)]
    ind.write_bytes(("\n".join(rows) + "\n").encode("cp949"))
    prev = folder / "previous.csv"
    rows = ["adm_code,전년도(백만원)"] + [
        f"{c},{900 + 10 * i}" for i, c in enumerate(BASE["adm_code"])
    ]
    prev.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ind, prev


def _scenario(path: Path, extra: str = "") -> Path:
    path.write_text(
        'name = "own"\ntotal_budget_eok = 250\nobjective = "formula"\n'
        "weights = {pop = 1.0}\n" + extra,
        encoding="utf-8",
    )
    return path


def test_file_keys_are_read_relative_to_the_scenario_and_used(tmp_path: Path) -> None:
    _files(tmp_path / "data")
    path = _scenario(
        tmp_path / "s.toml",
        'districts_file = "data/districts.csv"\nprevious_amounts_file = "data/previous.csv"\n',
    )
    scenario = load_scenario(path)
    assert scenario.districts_file == str((tmp_path / "data" / "districts.csv").resolve())
    # 900 백만원 = 9억원, +0.1억원 per gu in adm_code order
    assert scenario.previous_eok == {
        str(c): pytest.approx(9 + 0.1 * i) for i, c in enumerate(BASE["adm_code"])
    }
    result = solve_envelopes(scenario_districts(scenario), scenario)
    np.testing.assert_allclose(result.table["amount_eok"], 250 * POP / POP.sum(), rtol=1e-12)


def test_a_missing_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = _scenario(tmp_path / "s.toml", 'districts_file = "nowhere.csv"\n')
    with pytest.raises(ParameterError, match=r"districts_file = 'nowhere\.csv': no such file"):
        load_scenario(path)
    path = _scenario(tmp_path / "p.toml", 'previous_amounts_file = "nowhere.xlsx"\n')
    with pytest.raises(ParameterError, match=r"previous_amounts_file = 'nowhere\.xlsx'"):
        load_scenario(path)


def test_previous_eok_and_previous_amounts_file_together_are_refused(tmp_path: Path) -> None:
    _files(tmp_path)
    path = _scenario(
        tmp_path / "s.toml", 'previous_eok = 10\nprevious_amounts_file = "previous.csv"\n'
    )
    with pytest.raises(ParameterError, match="both previous_eok and previous_amounts_file"):
        load_scenario(path)


def test_a_scenario_with_files_written_back_as_toml_reads_back_unchanged(tmp_path: Path) -> None:
    _files(tmp_path)
    extra = 'districts_file = "districts.csv"\nprevious_amounts_file = "previous.csv"\n'
    scenario = load_scenario(_scenario(tmp_path / "s.toml", extra))
    copy = tmp_path / "elsewhere" / "scenario.toml"  # as allocate writes it into its folder
    copy.parent.mkdir()
    copy.write_text(scenario.to_toml(), encoding="utf-8")
    assert load_scenario(copy) == scenario


def test_a_broken_districts_file_is_refused_when_the_scenario_is_read(tmp_path: Path) -> None:
    bad = tmp_path / "districts.csv"
    bad.write_text("자치구,인구(천명)\n종노구,150\n", encoding="utf-8")
    path = _scenario(tmp_path / "s.toml", 'districts_file = "districts.csv"\n')
    with pytest.raises(InputError, match="did you mean '종로구'"):
        load_scenario(path)


def test_command_line_files_replace_the_scenarios_own(tmp_path: Path, monkeypatch) -> None:
    ind, _ = _files(tmp_path / "cli")
    scenario = load_scenario(_scenario(tmp_path / "s.toml", "previous_eok = 10\n"))
    monkeypatch.chdir(tmp_path)
    changed = with_input_files(scenario, "cli/districts.csv", "cli/previous.csv")
    assert changed.districts_file == str(ind.resolve())
    assert changed.previous_eok["11110"] == pytest.approx(9.0)
    assert scenario_districts(changed)["pop_total_2017q1"].tolist() == POP.astype(int).tolist()


def test_allocate_with_own_files_writes_the_hand_computed_amounts(tmp_path: Path, capsys) -> None:
    ind, prev = _files(tmp_path / "d")
    path = _scenario(tmp_path / "s.toml")
    out = tmp_path / "out"
    argv = ["allocate", str(path), "--districts-file", str(ind), "--previous-file", str(prev)]
    assert cli.main([*argv, "--out", str(out), "--no-figures", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "district indicators from districts.csv" in printed
    assert "last year's amounts from previous.csv" in printed
    table = pd.read_csv(out / "allocation.csv")
    np.testing.assert_allclose(table["amount_eok"], 250 * POP / POP.sum(), rtol=1e-9)


def test_compare_takes_the_districts_file_too(tmp_path: Path, capsys) -> None:
    ind, _ = _files(tmp_path / "d")
    a = _scenario(tmp_path / "a.toml")
    b = tmp_path / "b.toml"
    b.write_text(
        'name = "eq"\ntotal_budget_eok = 250\nobjective = "formula"\nweights = {base = 1.0}\n',
        encoding="utf-8",
    )
    assert cli.main(["compare", str(a), str(b), "--districts-file", str(ind), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    # 종로구 (the smallest of the planner's populations) gets 250 · 200,000 / Σ pop under A
    first = 250 * POP[0] / POP.sum()
    assert f"{first:.2f}" in text


def test_allocate_refuses_a_bad_districts_file_in_one_line_and_writes_nothing(
    tmp_path: Path, capsys
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("자치구,면적(마일)\n" + "".join(f"{n},1\n" for n in NAMES), encoding="utf-8")
    out = tmp_path / "out"
    path = _scenario(tmp_path / "s.toml")
    code = cli.main(["allocate", str(path), "--districts-file", str(bad), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "면적(마일)" in err and "Traceback" not in err
    assert not out.exists()


def test_the_example_files_give_the_equal_adjustment_closed_form_recomputed_here() -> None:
    data = paths.project_root() / "params" / "examples" / "data"
    # the files read by hand with pandas, in adm_code order of the reference table
    own = pd.read_csv(data / "districts_user.csv", encoding="cp949").set_index("자치구")
    own = own.loc[NAMES]
    pop = own["인구(명)"].to_numpy(float)
    old = own["65세 이상 인구(명)"].to_numpy(float)
    need = pop * (1 - own["재정자립도(%)"].to_numpy(float) / 100)
    prev = pd.read_excel(data / "previous_amounts_user.xlsx").set_index("adm_code")
    prev = prev.loc[list(BASE["adm_code"]), "전년도 배분액(백만원)"].to_numpy(float) / 100
    # need_goal_stable: weights base .2, pop .4, elderly .2, fiscal_need .2 of 250억원;
    # floors 8, caps 13, ±20 % of last year's amount
    total = 250.0
    target = total * (
        0.2 / 25 + 0.4 * pop / pop.sum() + 0.2 * old / old.sum() + 0.2 * need / need.sum()
    )
    lower, upper = np.maximum(8.0, 0.8 * prev), np.minimum(13.0, 1.2 * prev)
    lo, hi = -total, total  # Σ clip(t + λ, lower, upper) = total, λ by bisection
    for _ in range(200):
        lam = (lo + hi) / 2
        lo, hi = (lam, hi) if np.clip(target + lam, lower, upper).sum() < total else (lo, lam)
    expected = np.clip(target + hi, lower, upper)

    scenario = with_input_files(
        load_scenario(paths.scenarios_dir() / "need_goal_stable.toml"),
        data / "districts_user.csv",
        data / "previous_amounts_user.xlsx",
    )
    result = solve_envelopes(scenario_districts(scenario), scenario)
    assert result.status == "optimal"
    np.testing.assert_allclose(result.table["amount_eok"], expected, atol=1e-7)
    # the planner's figures matter: the package's 2017 table gives other amounts
    package = solve_envelopes(BASE, scenario)
    assert np.abs(package.table["amount_eok"].to_numpy() - expected).max() > 0.05

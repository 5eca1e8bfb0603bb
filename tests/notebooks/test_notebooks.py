"""Every report notebook runs with small "smoke" parameters (tests/notebooks/params/*.yaml).

One report runs all of them once (module fixture, kernels in parallel); each test then checks
numbers its notebook recorded in ``key_figures.json`` or wrote as tables against values derived
outside the notebook: published totals of the source reports, or a recomputation from the package.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.report.runner import ReportResult, run_report

SMOKE_PARAMS = Path(__file__).parent / "params"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> ReportResult:
    out = tmp_path_factory.mktemp("notebooks") / "outputs"
    return run_report(
        params_dir=SMOKE_PARAMS, notebooks_dir=paths.notebooks_dir(), out_dir=out, quiet=True
    )


def _run(report: ReportResult, run_id: str) -> Path:
    result = {r.run_id: r for r in report.runs}[run_id]
    assert result.ok, result.message
    return report.out_dir / run_id


def _keys(run_dir: Path) -> dict:
    return json.loads((run_dir / "key_figures.json").read_text(encoding="utf-8"))


def test_every_notebook_has_a_smoke_parameter_set():
    smoke = {p.stem.split("-")[0] for p in SMOKE_PARAMS.glob("*.yaml")}
    assert smoke == {p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]_*.py")}


def test_01_inventory_reports_the_published_totals(report):
    run = _run(report, "01_project_inventory")
    keys = _keys(run)
    # Seoul Institute 2016-PR-24: 1,126 projects, ₩7,661,500 million; 920 SMG-grant projects
    # (81.7 %) worth ₩6,060,700 million.
    assert keys["n_projects"] == 1126
    assert keys["total_budget_mkrw"] == 7_661_500
    assert keys["n_smg_grant"] == 920
    assert keys["smg_grant_budget_mkrw"] == 6_060_700
    assert round(keys["smg_grant_share_projects"], 3) == 0.817  # 920 / 1126 = 0.81705
    assert keys["smg_grant_share_budget"] == pytest.approx(6_060_700 / 7_661_500, abs=5e-5)
    by_gu = pd.read_csv(run / "tables" / "budget_by_gu.csv")
    assert len(by_gu) == 25
    assert by_gu["total"].sum() == 7_661_500
    groups = pd.read_csv(run / "tables" / "duplicate_groups.csv")
    assert len(groups) == keys["n_duplicate_groups"]
    assert groups["n_projects"].sum() == keys["n_projects_in_duplicate_groups"]
    assert (groups["n_projects"] >= 2).all()
    for name in ("funding_sources", "budget_by_gu", "projects_by_gu_and_task"):
        assert (run / "figures" / f"{name}.png").is_file()
        assert (run / "figures" / f"{name}.svg").is_file()

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


def _smoke_survey(run_id: str) -> pd.DataFrame:
    import yaml

    from cgresearch.data.loaders import validate_survey
    from cgresearch.data.synth import SurveyParams, generate_survey

    p = yaml.safe_load((SMOKE_PARAMS / f"{run_id}.yaml").read_text(encoding="utf-8"))["parameters"]
    raw = generate_survey(seed=p["seed"], params=SurveyParams(n_per_gu=p["n_per_gu"]))
    return validate_survey(raw)


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    v = values[ok].to_numpy(dtype=float)
    w = weights[ok].to_numpy(dtype=float)
    return float((v * w).sum() / w.sum())


def test_02_perception_gap_construct_means_equal_the_weighted_means_of_the_scores(report):
    from cgresearch.data.synth import codebook_frame
    from cgresearch.survey import construct_scores
    from cgresearch.survey.scales import scales_from_codebook

    keys = _keys(_run(report, "02_perception_gap"))
    survey = _smoke_survey("02_perception_gap")
    assert keys["n_respondents"] == 25 * (4 + 3 + 5)
    scales = scales_from_codebook(codebook_frame(), ["trust", "cg_perception"])
    scores = construct_scores(survey, list(scales.values()))
    for construct in ("trust", "cg_perception"):
        for group, part in survey.groupby("group"):
            # Under stratified sampling the design-based mean is sum(w*y)/sum(w) over answerers.
            expected = _weighted_mean(scores.loc[part.index, construct], part["weight"])
            assert keys["construct_means"][construct][group] == pytest.approx(expected, abs=1e-6)
    for alpha in keys["alpha"].values():
        assert 0 < alpha < 1


def test_03_policy_demand_importance_and_performance_are_weighted_item_means(report):
    keys = _keys(_run(report, "03_policy_demand-resident"))
    survey = _smoke_survey("03_policy_demand-resident")
    residents = survey[survey["group"] == "resident"]
    assert keys["group"] == "resident"
    assert keys["n_respondents"] == len(residents) == 25 * 6
    for task in ("T1", "T2", "T3", "T4", "T5"):
        # respondents who rated both importance and performance of the task (complete pairs)
        both = residents[residents[f"imp_{task}"].notna() & residents[f"perf_{task}"].notna()]
        imp = _weighted_mean(both[f"imp_{task}"], both["weight"])
        perf = _weighted_mean(both[f"perf_{task}"], both["weight"])
        assert keys["importance"][task] == pytest.approx(imp, abs=1e-6)
        assert keys["performance"][task] == pytest.approx(perf, abs=1e-6)
    assert sorted(keys["borich_rank"].values()) == [1, 2, 3, 4, 5]
    assert set(keys["first_priority"]) <= set(keys["importance"])


def test_04_envelopes_meet_the_total_floor_cap_and_stability_limits_set_in_the_params(report):
    run = _run(report, "04_district_envelopes")
    keys = _keys(run)
    amounts = pd.Series(keys["amounts_eok"])
    assert keys["status"] == "optimal"
    assert len(amounts) == 25
    # smoke parameters: total 240억원, floor 7; the scenario: cap 13, previous 10, δ = 0.3
    # (so every gu within 10 ± 3 = [7, 13]).
    assert amounts.sum() == pytest.approx(240.0, abs=1e-4)
    assert (amounts >= 7 - 1e-6).all()
    assert (amounts <= 13 + 1e-6).all()
    assert ((amounts - 10).abs() <= 0.3 * 10 + 1e-6).all()
    table = pd.read_csv(run / "tables" / "allocation.csv")
    assert table["amount_eok"].sum() == pytest.approx(240.0, abs=1e-4)
    # the Gini of per-capita amounts in the table, computed here as mean |xi - xj| / (2 mean)
    pc = table["per_capita_krw"].to_numpy(dtype=float)
    gini = abs(pc[:, None] - pc[None, :]).mean() / (2 * pc.mean())
    assert keys["gini"] == pytest.approx(gini, abs=1e-6)


def test_05_selection_respects_envelopes_and_pb_max_welfare_is_the_best_affordable_set(report):
    from itertools import combinations

    from cgresearch.allocation import read_pb

    run = _run(report, "05_project_selection")
    keys = _keys(run)
    spend = pd.read_csv(run / "tables" / "spend_by_gu.csv")
    funded = pd.read_csv(run / "tables" / "funded_proposals.csv")
    # need_goal_stable splits 250억원 = 25,000 million KRW; half of it is open to proposals
    assert spend["envelope"].sum() == pytest.approx(12_500, abs=1e-6)
    assert (spend["spent"] <= spend["envelope"] + 1e-6).all()
    assert keys["n_proposals"] == 200
    assert keys["n_funded"] == len(funded)
    assert keys["objective"] == pytest.approx((funded["score"] * funded["funded_share"]).sum())
    assert keys["spent_mkrw"] == pytest.approx(funded["funded_cost"].sum(), abs=1e-6)
    # Max-welfare on Mirów: the affordable subset of its 10 projects with most points, found here
    # by enumerating all 1,024 subsets.
    election = read_pb(paths.raw_data_dir() / "pabulib" / "Poland_Czestochowa_2020_Mirow.pb")
    cost = election.projects["cost"].tolist()
    points = election.projects["score"].tolist()
    best = max(
        sum(points[i] for i in subset)
        for k in range(len(cost) + 1)
        for subset in combinations(range(len(cost)), k)
        if sum(cost[i] for i in subset) <= election.budget
    )
    assert keys["pb"]["max-welfare"]["welfare"] == best
    for rule in ("greedy", "mes", "max-welfare"):
        assert keys["pb"][rule]["total_cost"] <= election.budget
        assert keys["pb"][rule]["welfare"] <= best


def test_06_sweep_counts_and_least_regret_pick_equal_direct_solves_of_every_smoke_scenario(report):
    from itertools import product

    import numpy as np
    import yaml

    from cgresearch.allocation import load_scenario, solve_envelopes
    from cgresearch.data import load_districts
    from cgresearch.sweeps import load_sweep

    run = _run(report, "06_scenario_whatifs")
    keys = _keys(run)
    p = yaml.safe_load((SMOKE_PARAMS / "06_scenario_whatifs.yaml").read_text(encoding="utf-8"))
    draws = p["parameters"]["draws"]
    # whatifs_smoke.toml: need_goal_stable with cap 25; floor {4, 8} x max_per_capita_ratio
    # {10, 3.5} x objective {equal_adjustment, proportional} = 8 points (last axis fastest).
    axes = {
        "floor_eok": [4, 8],
        "max_per_capita_ratio": [10, 3.5],
        "objective": ["equal_adjustment", "proportional"],
    }
    points = [dict(zip(axes, values, strict=True)) for values in product(*axes.values())]
    assert keys["n_points"] == len(points) == 8
    assert keys["n_draws"] == draws == 3
    assert keys["n_scenarios"] == keys["n_optimal"] + keys["n_not_optimal"] == 8 * draws
    # Every scenario solved here with solve_envelopes on the same perturbed districts.
    base = load_scenario(paths.scenarios_dir() / "need_goal_stable.toml")
    base = base.with_overrides({"cap_eok": 25})
    mc = load_sweep(p["parameters"]["sweep_file"], {"monte_carlo.seed": keys["mc_seed"]})
    districts = load_districts()
    # criteria per point and draw (nan when not optimal): formula fit (%), Gini of per-capita
    # amounts, share of last year's money moved (%), gu at a bound
    crit = np.full((4, len(points), draws), np.nan)
    amounts = {}
    for d in range(draws):
        perturbed = mc.monte_carlo.perturb_districts(districts, d)
        for i, overrides in enumerate(points):
            res = solve_envelopes(perturbed, base.with_overrides(overrides))
            if res.ok:
                t = res.table
                x, target, last = t["amount_eok"], t["target_eok"], t["previous_eok"]
                pc = np.sort(t["per_capita_krw"].to_numpy())
                n = len(pc)
                # Gini = Σ (2k − n − 1) y_(k) / (n Σ y), y sorted ascending (k = 1..n)
                gini = float(((2 * np.arange(1, n + 1) - n - 1) * pc).sum() / (n * pc.sum()))
                crit[:, i, d] = [
                    100 * (1 - 0.5 * (x - target).abs().sum() / x.sum()),
                    gini,
                    100 * (x - last).abs().sum() / last.sum(),
                    int((t["binding"].fillna("") != "").sum()),
                ]
                amounts[i, d] = x.to_numpy()
    assert keys["n_optimal"] == int(np.isfinite(crit[0]).sum()) == 8 * draws
    # Least worst-case weighted regret; each criterion's regret divided by its spread in the draw.
    weights = np.array([0.4, 0.2, 0.2, 0.2])  # the notebook's defaults (fit, Gini, moved, bounds)
    better_high = np.array([1.0, -1.0, -1.0, -1.0])
    score = crit * better_high[:, None, None]
    best, worst = score.max(axis=1, keepdims=True), score.min(axis=1, keepdims=True)
    spread = np.where(np.isclose(best, worst, rtol=1e-9, atol=1e-12), np.inf, best - worst)
    regret = (weights[:, None, None] * (best - score) / spread).sum(axis=0).max(axis=1)
    assert keys["robust_weights"] == pytest.approx(
        {"formula_fit_pct": 0.4, "metric.gini": 0.2, "stability_change_pct": 0.2, "n_at_bound": 0.2}
    )
    assert keys["robust_max_regret"] == pytest.approx(regret.min(), abs=1e-5)
    pick = keys["robust_point"]
    assert regret[pick] == pytest.approx(regret.min(), abs=1e-9)
    assert keys["robust_overrides"] == points[pick]
    # The pick is not simply the closest fit to the formula (the least-constrained point).
    fit_only = (crit[0].max(axis=0) - crit[0]).max(axis=1)
    assert regret[pick] <= regret[int(np.argmin(fit_only))]
    # The recorded Monte Carlo range of the pick: min and max of each district over the draws.
    ranges = pd.read_csv(run / "tables" / "robust_pick_ranges.csv").sort_values("adm_code")
    direct = np.array([amounts[pick, d] for d in range(draws)])
    order = np.argsort(districts["adm_code"].to_numpy())
    np.testing.assert_allclose(ranges["min"], direct.min(axis=0)[order], atol=1e-6)
    np.testing.assert_allclose(ranges["max"], direct.max(axis=0)[order], atol=1e-6)

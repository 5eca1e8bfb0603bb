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
    # the Korean edition's tables: headers with units, amounts in 억원 (= million KRW / 100)
    by_gu = pd.read_csv(run / "tables" / "budget_by_gu.csv")
    assert len(by_gu) == 25
    assert by_gu["합계(억원)"].sum() == pytest.approx(76_615, abs=1e-6)
    groups = pd.read_csv(run / "tables" / "duplicate_groups.csv")
    assert len(groups) == keys["n_duplicate_groups"]
    assert groups["사업 수(건)"].sum() == keys["n_projects_in_duplicate_groups"]
    assert (groups["사업 수(건)"] >= 2).all()
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
    table = pd.read_csv(run / "tables" / "allocation.csv")  # Korean edition: headers with units
    assert table["배분액(억원)"].sum() == pytest.approx(240.0, abs=1e-4)
    # the Gini of per-capita amounts in the table, computed here as mean |xi - xj| / (2 mean)
    pc = table["1인당 배분액(원)"].to_numpy(dtype=float)
    gini = abs(pc[:, None] - pc[None, :]).mean() / (2 * pc.mean())
    assert keys["gini"] == pytest.approx(gini, abs=1e-6)


def test_05_selection_respects_envelopes_and_pb_max_welfare_is_the_best_affordable_set(report):
    from itertools import combinations

    from cgresearch.allocation import read_pb

    run = _run(report, "05_project_selection")
    keys = _keys(run)
    spend = pd.read_csv(run / "tables" / "spend_by_gu.csv")
    funded = pd.read_csv(run / "tables" / "funded_proposals.csv")
    # need_goal_stable splits 250억원; half of it is open to proposals: 125억원 (tables in 억원)
    envelope, spent = spend["제안 사업 배정액(억원)"], spend["선정 사업 집행액(억원)"]
    assert envelope.sum() == pytest.approx(125, abs=1e-8)
    assert (spent <= envelope + 1e-8).all()
    assert keys["n_proposals"] == 200
    assert keys["n_funded"] == len(funded)
    share = funded["사업비 중 지원 비율(%)"] / 100
    assert keys["objective"] == pytest.approx((funded["점수(점)"] * share).sum())
    # 1억원 = 100 million KRW
    assert keys["spent_mkrw"] == pytest.approx(funded["지원액(억원)"].sum() * 100, abs=1e-6)
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
    ranges = pd.read_csv(run / "tables" / "robust_pick_ranges.csv").sort_values("행정구역 코드")
    direct = np.array([amounts[pick, d] for d in range(draws)])
    order = np.argsort(districts["adm_code"].to_numpy())
    np.testing.assert_allclose(ranges["최소 배분액(억원)"], direct.min(axis=0)[order], atol=1e-6)
    np.testing.assert_allclose(ranges["최대 배분액(억원)"], direct.max(axis=0)[order], atol=1e-6)
    # the Korean edition's page never prints a staging folder or a raw scenario name
    shown = _outputs(run / "06_scenario_whatifs.ipynb")
    assert ".staging" not in shown and "need_goal_stable" not in shown


def _independent_cg_index(year: int, seed: int) -> pd.Series:
    """The notebook's nominal index recomputed from the method definitions: mean imputation,
    direction, min-max to [1, 100], weighted arithmetic means up the TOML hierarchy."""
    import tomllib

    from cgresearch.data.synth.evaluation import generate_evaluation_panel

    nodes = tomllib.loads(
        (paths.data_dir() / "evaluation" / "framework.toml").read_text(encoding="utf-8")
    )["node"]
    panel = generate_evaluation_panel(seed=seed)
    x = panel[panel["year"] == year].set_index("adm_code")
    children: dict[str, list[dict]] = {}
    for n in nodes:
        children.setdefault(n.get("parent", ""), []).append(n)

    def score(code: str) -> pd.Series:
        kids = children.get(code)
        if not kids:  # an indicator
            node = next(n for n in nodes if n["code"] == code)
            v = x[code].astype(float)
            v = v.fillna(v.mean()) * node["direction"]
            return 1 + 99 * (v - v.min()) / (v.max() - v.min())
        total = sum(k["weight"] for k in kids)
        return sum(score(k["code"]) * k["weight"] for k in kids) / total

    return score(children[""][0]["code"])


def test_07_evaluation_index_grades_monitoring_and_envelopes_agree_with_direct_computations(
    report,
):
    import tomllib

    import numpy as np
    import yaml

    from cgresearch.data.synth.evaluation import EVALUATION_INDICATORS
    from cgresearch.data.synth.monitoring import generate_register

    run = _run(report, "07_evaluation")
    keys = _keys(run)
    p = yaml.safe_load((SMOKE_PARAMS / "07_evaluation.yaml").read_text(encoding="utf-8"))
    p = p["parameters"]
    year, seed = keys["year"], 20260413  # the notebook's default panel seed
    assert keys["n_units"] == 25 and keys["n_indicators"] == len(EVALUATION_INDICATORS) == 33
    # the index of every gu: a second implementation from the framework TOML
    # the Korean edition's tables: names with units, never column codes (adm_code, CGI, q05)
    scores = pd.read_csv(run / "tables" / "index_scores.csv").set_index("행정구역 코드")
    direct = _independent_cg_index(year, seed)
    np.testing.assert_allclose(scores["협치 지수 점수(점)"], direct.loc[scores.index], rtol=1e-9)
    assert keys["top_gu"] == int(direct.idxmax())
    # grades by tertiles (R type 7) of 25 distinct scores: the 9th and 17th smallest are the
    # thresholds, so 9 gu at or above the 17th get 가, 8 get 나, 8 get 다
    assert keys["grade_counts"] == {"가": 9, "나": 8, "다": 8}
    top9 = set(direct.sort_values(ascending=False).index[:9])
    assert set(scores.index[scores["등급"] == "가"]) == top9
    # Monte Carlo: SALib's N x (4 factors + 2) draws
    assert keys["mc_draws"] == p["mc_n_base"] * (4 + 2)
    intervals = pd.read_csv(run / "tables" / "rank_intervals.csv")
    q05, median, q95 = (f"추출 순위의 {q}(위)" for q in ("5% 분위", "중앙값", "95% 분위"))
    assert (intervals[q05] <= intervals[median]).all()
    assert (intervals[median] <= intervals[q95]).all()
    # grade probabilities in % (a header with its unit): each gu's three add up to 100
    assert np.allclose(intervals[[f"{g} 등급 확률(%)" for g in "가나다"]].sum(axis=1), 100.0)
    assert intervals["자료"].str.startswith("자료: 합성 자료(SYNTHETIC)").all()
    # monitoring: lights recomputed by the rule (progress vs time elapsed, margins 5 and 20)
    reg = generate_register(seed=seed)
    lights = {}
    for _, r in reg.iterrows():
        y = max(int(c[6:]) for c in reg.columns if c.startswith("value_") and pd.notna(r[c]))
        prog = (r[f"value_{y}"] - r["baseline"]) / (r["target"] - r["baseline"])
        gap = prog - (y - r["baseline_year"]) / (r["target_year"] - r["baseline_year"])
        light = (
            "on_track" if gap >= -0.05 or prog >= 1 else "at_risk" if gap >= -0.2 else ("off_track")
        )
        lights[light] = lights.get(light, 0) + 1
    assert keys["lights"] == lights and keys["n_tasks"] == len(reg)
    # envelopes: the scenario's total, each gu inside its grade's tier, inside its own range
    sc = tomllib.loads((paths.scenarios_dir() / "tiers_9_11.toml").read_text(encoding="utf-8"))
    env = pd.read_csv(run / "tables" / "envelopes.csv").rename(
        columns={
            "행정구역 코드": "adm_code",
            "등급": "grade",
            "배분액(억원)": "amount_eok",
            "등급 추출 시 최저 배분액(억원)": "low_eok",
            "등급 추출 시 최고 배분액(억원)": "high_eok",
        }
    )
    assert env["amount_eok"].sum() == pytest.approx(sc["total_budget_eok"], abs=1e-6)
    lo = env["grade"].map(lambda g: sc["tiers"][g][0])
    hi = env["grade"].map(lambda g: sc["tiers"][g][1])
    assert ((env["amount_eok"] >= lo - 1e-6) & (env["amount_eok"] <= hi + 1e-6)).all()
    assert (env["low_eok"] <= env["amount_eok"] + 1e-9).all()
    assert (env["amount_eok"] <= env["high_eok"] + 1e-9).all()
    assert env["low_eok"].min() >= min(t[0] for t in sc["tiers"].values()) - 1e-6
    # one gu's path: its grade and envelope are the tables' rows
    gu = env.set_index("adm_code").loc[keys["path_gu"]]
    assert keys["path_grade"] == gu["grade"] == scores.loc[keys["path_gu"], "등급"]
    assert keys["path_amount_eok"] == pytest.approx(gu["amount_eok"])
    assert keys["feedback_pages"] == len(p["feedback_gu"])
    for name in ("index_map", "pillar_heatmap", "rank_intervals", "grade_probabilities",
                 "sobol", "monitoring", "envelopes"):  # fmt: skip
        assert (run / "figures" / f"{name}.png").is_file()


def test_08_series_equal_the_facts_file_and_rules_recount_from_the_saved_ballots(report):
    import csv
    import math

    run = _run(report, "08_participatory_budget")
    keys = _keys(run)
    tables = run / "tables"
    # Part 1: the series figures are rows of the facts file, read here with the csv module
    facts_path = paths.raw_data_dir() / "seoul" / "governance_budget_facts.csv"
    with facts_path.open(encoding="utf-8") as fh:
        facts = list(csv.DictReader(fh))
    proposals_2016 = [
        r for r in facts if r["year"] == "2016" and r["metric"] == "citizen proposals"
    ]
    assert keys["series_proposals_2016"] == float(proposals_2016[0]["value"]) == 3815
    # the Korean edition's tables: names with units, series by their names (not total_eok)
    series = pd.read_csv(tables / "pb_series.csv", keep_default_na=True).rename(
        columns={
            "계열": "series",
            "연도": "year",
            "값(단위는 다음 열)": "value",
            "출처 번호(data/raw/seoul/sources.csv)": "source_ids",
        }
    )
    published = {
        (int(r["year"]), float(r["value"]), r["source_ids"])
        for r in facts
        if r["year"] and r["value"].replace(".", "", 1).isdigit()
    }
    for r in series.dropna(subset=["value"]).itertuples():
        assert (int(r.year), float(r.value), r.source_ids) in published
    assert (series["자료"] == "자료: 실제 공공 자료(governance_budget_facts.csv)").all()
    total = series[series["series"] == "시민참여예산 총액"]
    assert keys["series_gap_years_total"] == int(total["value"].isna().sum()) > 0

    # Part 2: Seoul's rule re-run here from the saved vote table: rank by score (ties by id),
    # fund what fits in each contest's envelope
    named = {
        "제안 번호": "proposal_id",
        "경합 단위(배분 한도)": "contest",
        "혼합 투표 점수(가중 득표율, 0-1)": "score",
        "사업비(억원)": "cost_eok",
        "투표자 번호": "voter_id",
        "배분액(억원)": "envelope_eok",
    }

    def read(name: str) -> pd.DataFrame:
        frame = pd.read_csv(tables / f"{name}.csv", dtype={"제안 번호": str, "투표자 번호": str})
        assert frame["자료"].str.contains("합성 자료").all(), name
        return frame.rename(columns=named)

    votes = read("votes")
    env = read("envelopes").set_index("contest")["envelope_eok"]
    chosen = set()
    for contest, g in votes.groupby("contest"):
        left = env[contest]
        for r in g.sort_values(["score", "proposal_id"], ascending=[False, True]).itertuples():
            if r.cost_eok <= left + 1e-9:
                chosen.add(r.proposal_id)
                left -= r.cost_eok
    seoul = read("selected_seoul")
    assert set(seoul["proposal_id"]) == chosen
    ballots = read("ballots")
    cost = votes.set_index("proposal_id")["cost_eok"]
    pairs_of_names = (("seoul", "seoul"), ("mes+greedy", "mes_greedy"), ("max-welfare",) * 2)
    for rule, name in pairs_of_names:
        sel = read(f"selected_{name}")
        funded = set(sel["proposal_id"])
        spent = sel.groupby("contest")["cost_eok"].sum()
        assert all(spent[c] <= env[c] + 1e-6 for c in spent.index)
        k = keys["rules"][rule]
        assert k["n_funded"] == len(sel)
        assert k["spent_eok"] == pytest.approx(cost[list(funded)].sum())
        # voters none of whose projects is funded, and the Gini of money on a voter's projects
        on = ballots["proposal_id"].isin(funded)
        sat = ballots.assign(s=ballots["proposal_id"].map(cost).where(on, 0.0))
        per_voter = sat.groupby("voter_id")["s"].sum().to_numpy()
        assert k["share_with_nothing"] == pytest.approx((per_voter == 0).mean(), abs=1e-9)
        n, tot = len(per_voter), per_voter.sum()
        pairs = abs(per_voter[:, None] - per_voter[None, :]).sum()
        assert k["gini_satisfaction"] == pytest.approx(pairs / (2 * n * tot), abs=1e-6)
    assert keys["rules"]["max-welfare"]["n_funded"] > 0
    assert not math.isnan(keys["envelopes_eok"])
    assert (run / "figures" / "pb_series.png").is_file()
    assert (run / "figures" / "gains_mes_greedy.png").is_file()


def test_04_in_english_reports_the_same_envelopes_with_english_headers_and_no_raw_names(
    report, tmp_path_factory
):
    english = run_report(
        ["04"],
        params_dir=SMOKE_PARAMS,
        notebooks_dir=paths.notebooks_dir(),
        out_dir=tmp_path_factory.mktemp("en04") / "outputs",
        quiet=True,
        lang="en",
    )
    assert english.ok, english.describe()
    run = english.out_dir / "04_district_envelopes"
    if not run.is_dir():  # the English edition's folder
        run = english.out_dir / "en" / "04_district_envelopes"
    assert _keys(run) == _keys(_run(report, "04_district_envelopes"))
    table = pd.read_csv(run / "tables" / "allocation.csv")
    assert table["Allocation (100 million KRW)"].sum() == pytest.approx(240.0, abs=1e-4)
    assert not any("_eok" in c or c == "adm_code" for c in table.columns)
    shown = _outputs(run / "04_district_envelopes.ipynb")
    assert "Need formula with equal adjustment" in shown  # the scenario's English title
    assert "need_goal_stable" not in shown and ".staging" not in shown


def _outputs(notebook: Path) -> str:
    """What an executed notebook shows a reader: the text of every cell's outputs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return json.dumps([c.get("outputs", []) for c in cells], ensure_ascii=False)

"""Tests of cgresearch.allocation.selection against hand optima, brute force and scipy's milp."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from cgresearch.allocation.selection import select_projects
from cgresearch.errors import ModelError, ParameterError


def _random_proposals(seed: int, n: int, n_gu: int = 3, n_dong_per_gu: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gu = rng.integers(0, n_gu, n)
    dong = gu * 100 + rng.integers(0, n_dong_per_gu, n)
    dup = np.where(rng.random(n) < 0.3, rng.integers(0, max(1, n // 5), n), -1)
    return pd.DataFrame(
        {
            "proposal_id": [f"P{i:03d}" for i in range(n)],
            "gu_code": 11000 + gu,
            "gu_name": [f"구{g}" for g in gu],
            "dong_code": dong,
            "policy_task": rng.choice(["T1", "T2", "T3"], n),
            "cost_mkrw": rng.integers(5, 60, n).astype(float),
            "votes": rng.integers(0, 500, n),
            "score": np.round(rng.uniform(10, 100, n), 1),
            "duplicate_group": pd.array([None if d < 0 else f"G{d}" for d in dup], dtype="string"),
            "mandatory": rng.random(n) < 0.05,
            "partial_allowed": rng.random(n) < 0.2,
        }
    )


def _milp_reference(
    df: pd.DataFrame,
    env: dict,
    dong_env: dict | None = None,
    city_total: float | None = None,
    shares: dict | None = None,
    score: str = "score",
) -> float:
    """The same model written directly as matrices for scipy.optimize.milp (HiGHS via SciPy)."""
    n = len(df)
    c = df["cost_mkrw"].to_numpy(float)
    rows, ub, lb = [], [], []

    def add(coef: np.ndarray, lo: float, hi: float) -> None:
        rows.append(coef)
        lb.append(lo)
        ub.append(hi)

    for g, amount in env.items():
        add(np.where(df["gu_code"].to_numpy() == g, c, 0.0), -np.inf, amount)
    for d, amount in (dong_env or {}).items():
        add(np.where(df["dong_code"].to_numpy() == d, c, 0.0), -np.inf, amount)
    if city_total is not None:
        add(c, -np.inf, city_total)
    for a, (lo, hi) in (shares or {}).items():
        in_a = (df["policy_task"].to_numpy() == a).astype(float)
        add(c * (in_a - lo), 0.0, np.inf)
        add(c * (in_a - hi), -np.inf, 0.0)
    mand = df["mandatory"].to_numpy()
    for _, idx in df.groupby("duplicate_group").indices.items():
        if len(idx) > 1:
            coef = np.zeros(n)
            coef[idx] = 1.0
            add(coef, -np.inf, max(1, int(mand[idx].sum())))
    res = milp(
        -df[score].to_numpy(float),
        constraints=LinearConstraint(np.array(rows), lb, ub),
        integrality=(~df["partial_allowed"].to_numpy()).astype(int),
        bounds=Bounds(mand.astype(float), np.ones(n)),
        options={"mip_rel_gap": 1e-9},
    )
    assert res.status == 0, res.message
    return -res.fun


def test_hand_instance_partial_funding_fills_the_envelope() -> None:
    # One district, envelope 100. b (cost 80, score 12) is binary, a (cost 60, score 6) may be
    # funded in part. Funding b leaves 20 = 1/3 of a, worth 2: total 14. Funding a fully (6)
    # leaves 40 < 80 for b: total 6. So the optimum funds b and one third of a: 14.
    props = pd.DataFrame(
        {
            "proposal_id": ["a", "b"],
            "gu_code": [1, 1],
            "cost_mkrw": [60.0, 80.0],
            "score": [6.0, 12.0],
            "partial_allowed": [True, False],
        }
    )
    res = select_projects(props, {1: 100.0})
    assert res.objective == pytest.approx(14.0)
    shares = dict(zip(res.selected["proposal_id"], res.selected["funded_share"], strict=True))
    assert shares == pytest.approx({"a": 1 / 3, "b": 1.0})
    assert bool(res.spend.loc[0, "binding"])


def test_binary_selection_equals_brute_force_with_duplicates_and_mandatory() -> None:
    df = _random_proposals(11, 14).assign(partial_allowed=False)
    df.loc[3, "mandatory"] = True
    env = {11000: 90.0, 11001: 80.0, 11002: 70.0}
    c, s = df["cost_mkrw"].to_numpy(), df["score"].to_numpy()
    gu, mand = df["gu_code"].to_numpy(), df["mandatory"].to_numpy()
    groups = [idx for idx in df.groupby("duplicate_group").indices.values() if len(idx) > 1]
    best = -np.inf
    for bits in itertools.product((0, 1), repeat=len(df)):
        x = np.array(bits)
        if (x < mand).any():
            continue
        if any(c[gu == g] @ x[gu == g] > e for g, e in env.items()):
            continue
        if any(x[idx].sum() > max(1, mand[idx].sum()) for idx in groups):
            continue
        best = max(best, s @ x)
    res = select_projects(df, env)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(best)
    assert "P003" in set(res.selected["proposal_id"])
    for idx in groups:
        assert df.loc[idx, "proposal_id"].isin(res.selected["proposal_id"]).sum() <= 1


def test_dong_city_and_area_shares_match_scipy_milp() -> None:
    df = _random_proposals(5, 120, n_gu=4, n_dong_per_gu=3)
    env = {g: 0.45 * v for g, v in df.groupby("gu_code")["cost_mkrw"].sum().items()}
    dong_env = {d: 0.6 * v for d, v in df.groupby("dong_code")["cost_mkrw"].sum().items()}
    city = 0.9 * sum(env.values())
    shares = {"T1": (0.4, 0.6), "T2": (0.0, 0.25)}
    res = select_projects(
        df, env, dong_envelopes=dong_env, city_total=city, area_shares=shares, score="votes"
    )
    ref = _milp_reference(df, env, dong_env, city, {**shares}, score="votes")
    assert res.objective == pytest.approx(ref, rel=1e-6)
    a = res.area_spend.set_index("area")
    assert 0.4 - 1e-6 <= a.at["T1", "share"] <= 0.6 + 1e-6
    assert a.at["T2", "share"] <= 0.25 + 1e-6
    assert (res.dong_spend["spent"] <= res.dong_spend["envelope"] + 1e-6).all()
    assert res.selected["funded_cost"].sum() <= city + 1e-6


def test_mandatory_above_envelope_names_the_district_and_amounts() -> None:
    df = _random_proposals(2, 10, n_gu=1)
    df["mandatory"] = [True, True] + [False] * 8
    need = df["cost_mkrw"].iloc[:2].sum()
    with pytest.raises(ModelError, match=r"district 구0 \(11000\).*mandatory proposals cost") as e:
        select_projects(df, {11000: need - 5.0})
    assert f"{need:,.2f}" in str(e.value) and "short by 5.00" in str(e.value)


def test_group_with_two_mandatory_proposals_funds_nothing_else() -> None:
    df = pd.DataFrame(
        {
            "proposal_id": ["m1", "m2", "o"],
            "gu_code": [1, 1, 1],
            "cost_mkrw": [10.0, 10.0, 5.0],
            "score": [1.0, 1.0, 50.0],
            "duplicate_group": ["G", "G", "G"],
            "mandatory": [True, True, False],
        }
    )
    res = select_projects(df, {1: 100.0})
    assert sorted(res.selected["proposal_id"]) == ["m1", "m2"]


def test_bad_inputs_raise_clear_errors() -> None:
    df = _random_proposals(3, 20)
    with pytest.raises(ParameterError, match="no envelope for gu_code 11002"):
        select_projects(df, {11000: 100.0, 11001: 100.0})
    env = {11000: 100.0, 11001: 100.0, 11002: 100.0}
    with pytest.raises(ParameterError, match="unknown policy area 'T9'"):
        select_projects(df, env, area_shares={"T9": (0.1, None)})
    with pytest.raises(ParameterError, match="minimum shares sum to 120%"):
        select_projects(df, env, area_shares={"T1": (0.6, None), "T2": (0.6, None)})
    # A mandatory T3 proposal makes T3's spend positive, so a maximum T3 share of 0 cannot hold.
    forced = df.assign(mandatory=False, partial_allowed=False)
    forced.loc[forced.index[forced["policy_task"] == "T3"][0], "mandatory"] = True
    with pytest.raises(ModelError, match=r"infeasible.*area shares"):
        select_projects(forced, env, area_shares={"T3": (0.0, 0.0)})


def test_envelopes_may_be_keyed_by_district_name() -> None:
    df = _random_proposals(4, 30)
    by_code = select_projects(df, {11000: 100.0, 11001: 120.0, 11002: 80.0})
    by_name = select_projects(df, {"구0": 100.0, "구1": 120.0, "구2": 80.0})
    assert by_code.objective == pytest.approx(by_name.objective)
    assert list(by_name.spend["gu"]) == ["구0", "구1", "구2"]


def test_synthetic_proposals_with_dong_envelopes_match_scipy_milp() -> None:
    synth = pytest.importorskip("cgresearch.data.synth")
    df = synth.generate_proposals(seed=7, n=800)
    cost, must = df["cost_mkrw"], df["cost_mkrw"].where(df["mandatory"], 0.0)
    env = (0.4 * cost.groupby(df["gu_code"]).sum()).to_dict()
    # dong envelopes: 60% of the proposals' cost, never below the dong's mandatory proposals
    by_dong = pd.DataFrame({"all": cost, "must": must}).groupby(df["dong_code"]).sum()
    dong_env = np.maximum(0.6 * by_dong["all"], by_dong["must"]).to_dict()
    res = select_projects(df, env, dong_envelopes=dong_env)
    assert res.status == "optimal" and res.mip_gap <= 1e-6
    assert res.objective == pytest.approx(_milp_reference(df, env, dong_env), rel=2e-6)


def test_time_limit_returns_a_feasible_selection_with_its_gap() -> None:
    # Strongly correlated knapsacks (score = cost + 10) coupled by a city total are hard to
    # prove optimal (about a minute with HiGHS); after 0.5 s a feasible selection comes back
    # flagged "time_limit" with a positive gap, never "optimal".
    rng = np.random.default_rng(20240611)
    gu = rng.integers(0, 25, 1126)
    cost = rng.integers(10, 101, 1126).astype(float)
    df = pd.DataFrame(
        {"proposal_id": np.arange(1126), "gu_code": gu, "cost_mkrw": cost, "score": cost + 10}
    )
    env = (0.45 * df.groupby("gu_code")["cost_mkrw"].sum()).round(0).to_dict()
    res = select_projects(df, env, city_total=0.95 * sum(env.values()), time_limit=0.5)
    assert res.status == "time_limit"
    assert res.mip_gap is not None and res.mip_gap > 1e-6
    assert (res.spend["spent"] <= res.spend["envelope"] + 1e-6).all()
    assert res.time_s < 5

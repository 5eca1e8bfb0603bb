"""Tests of cgresearch.allocation.pb on the 8 real Pabulib elections in data/raw/pabulib/.

Every figure is checked against something computed outside the module: a minimal reader of the
.pb format written here (csv with ';'), the greedy rule and the Method of Equal Shares written
here from their definitions with exact fractions, scipy.optimize.milp (HiGHS through SciPy) for
the welfare optimum, and pabutools' own rules and knapsack solver.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from cgresearch.allocation.pb import PBElection, compare_pb_rules, pb_outcome, read_pb
from cgresearch.cli import main
from cgresearch.errors import InputError, ParameterError
from cgresearch.paths import raw_data_dir

pytest.importorskip("pabutools")  # the optional extra `pb`; installed for the tests

FILES = sorted((raw_data_dir() / "pabulib").glob("*.pb"))
SLOW = {"France_Toulouse_2022", "Poland_Warszawa_2022_Wawer"}  # pabutools' rules take > 1 s
PARAMS = [
    pytest.param(f, id=f.stem, marks=[pytest.mark.slow] if f.stem in SLOW else []) for f in FILES
]


@dataclass
class _Raw:
    budget: Fraction
    cost: dict[str, Fraction]
    ballots: list[dict[str, Fraction]]  # project id -> points (1 for an approval)


@cache
def _raw(path: Path) -> _Raw:
    """Read a .pb file without pabutools: sections META, PROJECTS, VOTES, ';'-separated."""
    section, header, meta, cost, ballots = None, None, {}, {}, []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            if len(row) == 1 and row[0].strip() in ("META", "PROJECTS", "VOTES"):
                section, header = row[0].strip(), None
                continue
            if header is None:
                header = [h.strip() for h in row]
                continue
            rec = dict(zip(header, row, strict=False))
            if section == "META":
                meta[rec["key"].strip()] = rec["value"].strip()
            elif section == "PROJECTS":
                cost[rec["project_id"].strip()] = Fraction(rec["cost"].strip())
            elif section == "VOTES":
                ids = [v.strip() for v in rec["vote"].split(",") if v.strip()]
                pts = (
                    [Fraction(p) for p in rec["points"].split(",")]
                    if "points" in rec and rec["points"].strip()
                    else [Fraction(1)] * len(ids)
                )
                ballots.append(dict(zip(ids, pts, strict=True)))
    return _Raw(Fraction(meta["budget"]), cost, ballots)


@cache
def _election(path: Path) -> PBElection:
    return read_pb(path)


def _score(raw: _Raw) -> dict[str, Fraction]:
    score = dict.fromkeys(raw.cost, Fraction(0))
    for b in raw.ballots:
        for p, pts in b.items():
            score[p] += pts
    return score


def _greedy(raw: _Raw) -> set[str]:
    # Decreasing votes/points, ties by project id as a string; fund each project that still fits.
    score, left, chosen = _score(raw), raw.budget, set()
    for p in sorted(raw.cost, key=lambda p: (-score[p], p)):
        if raw.cost[p] <= left:
            chosen.add(p)
            left -= raw.cost[p]
    return chosen


def _mes_cost_utilities(raw: _Raw, start: Fraction | None = None) -> set[str]:
    # Method of Equal Shares with cost utilities (u_i(p) = cost(p) for every supporter): each
    # voter starts with budget/n; a project is affordable at rho if the supporters, each paying
    # min(b_i, rho * cost), cover its cost; fund the project with the smallest rho (ties: id as
    # a string), charge its supporters, repeat until nothing is affordable. A voter supports a
    # project she listed (pabutools' `in` test).
    n = len(raw.ballots)
    money = [raw.budget / n if start is None else start] * n
    supporters: dict[str, list[int]] = {p: [] for p in raw.cost}
    for i, b in enumerate(raw.ballots):
        for p in b:
            supporters[p].append(i)
    remaining = {p for p in raw.cost if supporters[p] and raw.cost[p] > 0}
    chosen: set[str] = set()
    while remaining:
        best: tuple[Fraction, str, Fraction] | None = None
        for p in sorted(remaining):
            c = raw.cost[p]
            budgets = sorted(money[i] for i in supporters[p])
            if sum(budgets) < c:
                remaining.discard(p)
                continue
            # equal share s with sum(min(b_i, s)) = c; rho = s / c
            left, k, share = c, len(budgets), None
            for b in budgets:
                if b * k >= left:
                    share = left / k
                    break
                left -= b
                k -= 1
            rho = share / c
            if best is None or rho < best[0]:
                best = (rho, p, share)
        if best is None:
            break
        _, p, share = best
        for i in supporters[p]:
            money[i] -= min(money[i], share)
        chosen.add(p)
        remaining.discard(p)
    return chosen


def _milp_optimum(raw: _Raw) -> float:
    ids = sorted(raw.cost)
    score = _score(raw)
    c = -np.array([float(score[p]) for p in ids])
    a = np.array([[float(raw.cost[p]) for p in ids]])
    res = milp(
        c,
        constraints=LinearConstraint(a, -np.inf, float(raw.budget)),
        integrality=np.ones(len(ids)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0
    return -res.fun


def test_reader_matches_an_independent_parse_of_every_file() -> None:
    for path in FILES:
        e, raw = _election(path), _raw(path)
        assert e.n_voters == len(raw.ballots)
        assert Fraction(e.budget) == raw.budget
        t = e.projects.set_index("project_id")
        assert set(t.index) == set(raw.cost)
        score = _score(raw)
        for p in raw.cost:
            assert Fraction(t.at[p, "cost"]) == raw.cost[p]
            assert Fraction(t.at[p, "score"]) == score[p]


@pytest.mark.parametrize("path", PARAMS)
def test_greedy_equals_vote_order_greedy_and_mes_equals_equal_shares(path: Path) -> None:
    e, raw = _election(path), _raw(path)
    greedy = pb_outcome(e, "greedy")
    assert set(greedy.selected) == _greedy(raw)
    assert Fraction(greedy.total_cost) == sum(raw.cost[p] for p in greedy.selected)
    mes = pb_outcome(e, "mes")
    assert set(mes.selected) == _mes_cost_utilities(raw)


@pytest.mark.parametrize("path", PARAMS)
def test_max_welfare_mip_matches_scipy_milp_and_pabutools(path: Path) -> None:
    from pabutools.election import Additive_Cardinal_Sat, Cardinality_Sat
    from pabutools.rules import max_additive_utilitarian_welfare

    e, raw = _election(path), _raw(path)
    out = pb_outcome(e, "max-welfare")
    assert out.solve_result is not None and out.solve_result.status == "optimal"
    score = _score(raw)
    assert Fraction(out.welfare) == sum(score[p] for p in out.selected)
    assert sum(raw.cost[p] for p in out.selected) <= raw.budget
    assert float(out.welfare) == pytest.approx(_milp_optimum(raw), abs=1e-6)
    sat = Cardinality_Sat if e.vote_type == "approval" else Additive_Cardinal_Sat
    theirs = max_additive_utilitarian_welfare(e.instance, e.profile, sat_class=sat)
    assert Fraction(out.welfare) == sum(score[str(p.name)] for p in theirs)
    # no rule can beat the optimum
    assert out.welfare >= pb_outcome(e, "greedy").welfare


def test_fairness_table_counts_voters_with_a_funded_project() -> None:
    from pabutools.analysis import percent_non_empty_handed

    path = raw_data_dir() / "pabulib" / "Netherlands_Amsterdam_179.pb"
    e, raw = _election(path), _raw(path)
    table = compare_pb_rules(e).set_index("rule")
    assert list(table.index) == ["greedy", "mes", "max-welfare"]
    for rule in table.index:
        chosen = set(pb_outcome(e, rule).selected)
        n_with = sum(1 for b in raw.ballots if chosen & set(b))
        assert table.at[rule, "voters_with_funded"] == n_with
        alloc = [p for p in e.instance if p.name in chosen]
        assert table.at[rule, "share_with_funded"] == pytest.approx(
            float(percent_non_empty_handed(e.instance, e.profile, alloc))
        )
        assert table.at[rule, "spent_share"] <= 1.0


def test_cli_json_prints_exactly_selected_cost_and_welfare(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = raw_data_dir() / "pabulib" / "Poland_Czestochowa_2020_Mirow.pb"
    raw = _raw(path)
    assert main(["pb", str(path), "--rule", "greedy", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"selected", "total_cost", "welfare", "budget", "rule", "projects"}
    assert set(out["selected"]) == _greedy(raw)
    score = _score(raw)
    for row in out["projects"]:
        assert row["cost"] == raw.cost[row["project_id"]]
        assert row["score"] == score[row["project_id"]]
        votes = sum(1 for b in raw.ballots if b.get(row["project_id"], 0) > 0)
        assert row["votes"] == votes
    assert [r["project_id"] for r in out["projects"]] == out["selected"]
    assert out["total_cost"] == sum(raw.cost[p] for p in out["selected"])
    assert out["welfare"] == sum(_score(raw)[p] for p in out["selected"])
    assert main(["pb", str(path), "--rule", "max-welfare", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "welfare" in text and "total cost" in text
    assert main(["pb", str(path), "--rule", "max-welfare"]) == 0  # Korean by default
    text = capsys.readouterr().out
    assert "후생 " in text and "총사업비 " in text


def test_unknown_rule_and_missing_file_are_user_errors(tmp_path: Path) -> None:
    e = _election(FILES[0])
    with pytest.raises(ParameterError, match="greedy, mes, max-welfare"):
        pb_outcome(e, "random-dictator")
    with pytest.raises(InputError, match="no such Pabulib file"):
        read_pb(tmp_path / "missing.pb")
    assert main(["pb", str(tmp_path / "missing.pb"), "--rule", "mes"]) == 2


def _supported(raw: _Raw) -> set[str]:
    return {p for b in raw.ballots for p in b}


def _complete_greedily(raw: _Raw, chosen: set[str]) -> set[str]:
    """Fill the budget left after ``chosen`` by decreasing votes/points (ids as strings)."""
    score, out = _score(raw), set(chosen)
    left = raw.budget - sum(raw.cost[p] for p in chosen)
    for p in sorted(set(raw.cost) - out, key=lambda p: (-score[p], p)):
        if raw.cost[p] <= left:
            out.add(p)
            left -= raw.cost[p]
    return out


def _exhaustive(raw: _Raw, chosen: set[str]) -> bool:
    left = raw.budget - sum(raw.cost[p] for p in chosen)
    return all(raw.cost[p] > left for p in _supported(raw) - chosen)


@pytest.mark.parametrize("path", PARAMS)
def test_mes_with_greedy_completion_equals_equal_shares_then_vote_order(path: Path) -> None:
    e, raw = _election(path), _raw(path)
    mes = _mes_cost_utilities(raw)
    expected = mes if _exhaustive(raw, mes) else _complete_greedily(raw, mes)
    out = pb_outcome(e, "mes", completion="greedy")
    assert set(out.selected) == expected
    assert out.rule == "mes+greedy"
    assert Fraction(out.total_cost) <= raw.budget


def test_swiecie_mes_leaves_39_5_percent_unspent_and_completion_spends_more() -> None:
    path = raw_data_dir() / "pabulib" / "Poland_Swiecie_2023.pb"
    e, raw = _election(path), _raw(path)
    mes = _mes_cost_utilities(raw)
    unspent = 1 - sum(raw.cost[p] for p in mes) / raw.budget
    assert round(float(unspent), 3) == 0.395  # the figure
    out = pb_outcome(e, "mes", completion="greedy")
    completed = _complete_greedily(raw, mes)
    assert set(out.selected) == completed
    assert sum(raw.cost[p] for p in completed) > sum(raw.cost[p] for p in mes)


def test_mes_add1_equals_iterated_equal_shares_on_dieppe() -> None:
    # Iterated MES: raise every voter's starting money by 1 until the outcome is exhaustive,
    # keeping the last outcome that fits in the budget (equalshares.net's "add1").
    path = FILES[0]  # Canada_Stanford_Dataset_PB_Dieppe_2018 (small)
    assert "Dieppe" in path.stem
    e, raw = _election(path), _raw(path)
    start = raw.budget / len(raw.ballots)
    previous: set[str] = set()
    while True:
        chosen = _mes_cost_utilities(raw, start)
        if sum(raw.cost[p] for p in chosen) > raw.budget:
            expected = previous
            break
        if _exhaustive(raw, chosen):
            expected = chosen
            break
        previous, start = chosen, start + 1
    assert set(pb_outcome(e, "mes", completion="add1").selected) == expected


def test_completion_is_refused_for_rules_other_than_mes(tmp_path: Path) -> None:
    e = _election(FILES[0])
    with pytest.raises(ParameterError, match="rule 'mes' only"):
        pb_outcome(e, "greedy", completion="greedy")
    with pytest.raises(ParameterError, match="greedy, add1, add1-greedy"):
        pb_outcome(e, "mes", completion="exhaust")
    assert main(["pb", str(FILES[0]), "--rule", "greedy", "--completion", "greedy"]) == 2


def test_cli_audit_json_counts_unspent_and_voters_with_nothing_by_hand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = raw_data_dir() / "pabulib" / "Netherlands_Amsterdam_179.pb"
    raw = _raw(path)
    argv = ["pb", str(path), "--rule", "mes", "--completion", "greedy", "--audit"]
    assert main([*argv, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    chosen = set(out["selected"])
    assert chosen == _complete_greedily(raw, _mes_cost_utilities(raw))
    spent = sum(raw.cost[p] for p in chosen)
    assert out["audit"]["unspent"] == pytest.approx(float(raw.budget - spent))
    nothing = sum(1 for b in raw.ballots if not chosen & set(b)) / len(raw.ballots)
    assert out["audit"]["share_with_nothing"] == pytest.approx(nothing)
    assert out["audit"]["ejr"] is None and "not checked" in out["audit"]["jr_note"]
    assert main([*argv, "--lang", "en"]) == 0
    assert "voters with nothing funded" in capsys.readouterr().out

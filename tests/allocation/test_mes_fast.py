"""MES in arrays equals pabutools' MES (and its greedy completion) on real and random elections."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cgresearch.allocation import (
    BudgetSystem,
    contest_envelopes,
    count_votes,
    pb_outcome,
    read_pb,
    screen_proposals,
    select_round,
)
from cgresearch.allocation.mes_fast import greedy_completion, mes_approval_cost
from cgresearch.paths import raw_data_dir
from tests.allocation.test_seoul_pb import DISTRICTS, _sys_dict, rounds

pytest.importorskip("pabutools")

SLOW = {"France_Toulouse_2022", "Poland_Warszawa_2022_Wawer"}
APPROVAL = [
    pytest.param(f, id=f.stem, marks=[pytest.mark.slow] if f.stem in SLOW else [])
    for f in sorted((raw_data_dir() / "pabulib").glob("*.pb"))
    if read_pb(f).vote_type == "approval"
]


def _arrays(path: Path):
    e = read_pb(path)
    costs = {str(p.name): int(p.cost) for p in e.instance}
    sup: dict[str, list[int]] = {p: [] for p in costs}
    for i, ballot in enumerate(e.profile):
        for p in ballot:
            sup[str(p.name)].append(i)
    return e, costs, sup


@pytest.mark.parametrize("path", APPROVAL)
def test_arrays_mes_equals_pabutools_mes_on_real_approval_elections(path):
    e, costs, sup = _arrays(path)
    ours = mes_approval_cost(costs, sup, n_voters=e.n_voters, budget=int(e.budget))
    assert set(ours) == set(pb_outcome(e, "mes").selected)
    done = greedy_completion(costs, {p: len(s) for p, s in sup.items()}, ours, int(e.budget))
    assert set(done) == set(pb_outcome(e, "mes", completion="greedy").selected)


def test_a_lone_voter_affords_her_project_and_a_pair_cannot_afford_theirs():
    # 3 voters × 3: a (6) has v0, v1 with 6 in all -> affordable at ρ = 1/2 (3 each);
    # b (4) has v2 with 3 < 4 -> never
    assert mes_approval_cost({"a": 6, "b": 4}, {"a": [0, 1], "b": [2]}, n_voters=3, budget=9) == [
        "a"
    ]


# The round hypothesis found: 3 voters, city envelope 1.5억 (15,000만원, 5,000 each).
# p0 (0.5억) all three, p1 (0.5억) v0 v1, p2 (0.5억) v2, p3 (1.5억) all three.
_TIE_COSTS = {"p0": 5000, "p1": 5000, "p2": 5000, "p3": 15000}
_TIE_SUP = {"p0": [0, 1, 2], "p1": [0, 1], "p2": [2], "p3": [0, 1, 2]}


def _tie_round():
    props = pd.DataFrame(
        [(p, "city", 11110, "project", "안전", c / 10_000) for p, c in _TIE_COSTS.items()],
        columns=["proposal_id", "type", "gu_code", "kind", "theme", "cost_eok"],
    )
    bs = BudgetSystem.from_dict(
        {
            **_sys_dict(),
            "vote_limit_share": 1.0,
            "types": {
                "city": {"envelope_eok": 1.5, "caps_eok": {"project": 6}},
                "gu": {"level": "gu", "per_gu_average_eok": 0.0, "caps_eok": {"project": 4}},
            },
            "total_eok": 100,
        },
        n_gu=2,
    )
    b = pd.DataFrame(
        [(f"v{i}", p, "e_vote") for p, vs in _TIE_SUP.items() for i in vs],
        columns=["voter_id", "proposal_id", "channel"],
    )
    return props, bs, b


def test_equal_rho_in_exact_fractions_goes_to_the_name_that_sorts_first():
    # By hand: ρ(p0) = (5000/3)/5000 = 1/3 and ρ(p3) = 5000/15000 = 1/3 exactly (in floats
    # 0.33333333333333337 vs 0.3333333333333333), ρ(p1) = 2500/5000 = 1/2, ρ(p2) = 1.
    # Tie -> p0; each keeps 10000/3, so p3 (15000 > 10000) and p2 (3333⅓ < 5000) are out and
    # p1 costs v0, v1 2500 each (ρ = 1/2). MES = [p0, p1]; 5000 left, and greedy completion
    # adds p2 (1 supporter, 5000 fits): {p0, p1, p2}.
    chosen = mes_approval_cost(_TIE_COSTS, _TIE_SUP, n_voters=3, budget=15000)
    assert chosen == ["p0", "p1"]
    n_sup = {p: len(s) for p, s in _TIE_SUP.items()}
    assert greedy_completion(_TIE_COSTS, n_sup, chosen, 15000) == ["p0", "p1", "p2"]
    props, bs, b = _tie_round()
    votes = count_votes(screen_proposals(props, bs), b)
    env = contest_envelopes(bs, DISTRICTS)
    for completion, want in ((None, {"p0", "p1"}), ("greedy", {"p0", "p1", "p2"})):
        for engine in ("arrays", "pabutools"):
            out = select_round(votes, env, "mes", completion=completion, mes_engine=engine)
            assert set(out.selected["proposal_id"]) == want, (engine, completion)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(), st.sampled_from([None, "greedy"]))
@example(_tie_round(), None)
@example(_tie_round(), "greedy")
def test_both_engines_fund_the_same_projects_on_random_rounds(r, completion):
    props, bs, b = r
    env = contest_envelopes(bs, DISTRICTS)
    votes = count_votes(screen_proposals(props, bs), b)
    fast = select_round(votes, env, "mes", completion=completion)
    slow = select_round(votes, env, "mes", completion=completion, mes_engine="pabutools")
    assert set(fast.selected["proposal_id"]) == set(slow.selected["proposal_id"])


def test_unknown_engine_is_refused():
    from cgresearch.errors import ParameterError
    from tests.allocation.test_seoul_pb import _env, _votes

    with pytest.raises(ParameterError, match="mes_engine"):
        select_round(_votes(), _env(), "mes", mes_engine="gpu")
    assert isinstance(_env(), pd.Series)

"""MES in arrays equals pabutools' MES (and its greedy completion) on real and random elections."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgresearch.allocation import (
    contest_envelopes,
    count_votes,
    pb_outcome,
    read_pb,
    screen_proposals,
    select_round,
)
from cgresearch.allocation.mes_fast import greedy_completion, mes_approval_cost
from cgresearch.paths import raw_data_dir
from tests.allocation.test_seoul_pb import DISTRICTS, rounds

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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(), st.sampled_from([None, "greedy"]))
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

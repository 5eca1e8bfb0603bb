"""The synthetic Seoul PB round: seeded, labelled, in the budget system's structure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.allocation import count_votes, load_budget_system, screen_proposals
from cgresearch.data import load_districts
from cgresearch.data.synth import (
    SeoulPBParams,
    generate_seoul_pb_ballots,
    generate_seoul_pb_proposals,
)
from cgresearch.paths import scenarios_dir

BS = load_budget_system(scenarios_dir() / "budget_system" / "seoul_2025.toml")
SMALL = SeoulPBParams(n=300, n_e_voters=600, n_onsite=40)


def _round(seed=7):
    props = generate_seoul_pb_proposals(BS.to_frame(), seed=seed, params=SMALL)
    s = screen_proposals(props, BS)
    gu_types = tuple(t.code for t in BS.types if t.level == "gu")
    b = generate_seoul_pb_ballots(
        s.ballot(), BS.vote_limit_share, seed=seed, params=SMALL, gu_level_types=gu_types
    )
    return props, s, b


def test_same_seed_same_round_and_every_row_labelled_synthetic():
    p1, _, b1 = _round(7)
    p2, _, b2 = _round(7)
    pd.testing.assert_frame_equal(p1, p2)
    pd.testing.assert_frame_equal(b1, b2)
    assert set(p1["data_label"]) == {"synthetic"} and set(b1["data_label"]) == {"synthetic"}
    assert not p1.equals(_round(8)[0])


def test_proposals_follow_the_type_envelopes_and_cover_the_25_gu():
    props, _, _ = _round()
    counts = props["type"].value_counts()
    env = BS.to_frame().set_index("type")["envelope_eok"]
    # one each, then largest-remainder shares of the other 296 by envelope 350 : 100 : 125 : 25
    expected = 1 + 296 * env / env.sum()
    assert all(abs(counts[t] - expected[t]) < 1 for t in env.index)
    assert set(props["gu_code"]) == set(load_districts()["adm_code"].astype(int))


def test_ballots_pass_the_models_checks_and_voters_stay_in_their_gu():
    props, s, b = _round()
    votes = count_votes(s, b)  # raises on any ballot over the limit or off the ballot
    assert votes.n_voters > 0
    gu_votes = b.merge(props[["proposal_id", "type", "gu_code"]], on="proposal_id")
    gu_votes = gu_votes[gu_votes["type"] == "gu_participation"]
    assert (gu_votes["gu_code"] == gu_votes["home_gu"]).all()
    assert set(b["channel"]) == {"e_vote", "onsite"}


def test_costs_are_positive_and_some_proposals_fail_screening():
    props, s, _ = _round()
    assert (props["cost_eok"] > 0).all()
    assert 0 < int((~s.table["screened"]).sum()) < len(props)
    assert np.isfinite(props["appeal"]).all()

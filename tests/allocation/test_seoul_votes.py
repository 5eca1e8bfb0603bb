"""Seoul's screening stages and mixed vote count on a hand-worked round; bad ballots."""

from __future__ import annotations

import pandas as pd
import pytest

from cgresearch.allocation import BudgetSystem, count_votes, screen_proposals
from cgresearch.errors import InputError, ParameterError

SYSTEM = {
    "name": "hand",
    "total_eok": 20,
    "e_vote_weight": 0.5,
    "vote_limit_share": 0.5,
    "types": {
        "city": {
            "level": "city",
            "envelope_eok": 10,
            "caps_eok": {"project": 6, "programme": 2},
            "themes": ["안전", "환경"],
        },
        "gu": {"level": "gu", "per_gu_average_eok": 5, "caps_eok": {"project": 4}},
    },
}


def system(**kw):
    return BudgetSystem.from_dict({**SYSTEM, **kw}, n_gu=2)


def proposals():
    rows = [
        ("a", "city", 11110, "project", "안전", 6.0),
        ("b", "city", 11140, "project", "환경", 5.0),
        ("c", "city", 11110, "programme", "안전", 3.0),  # above the programme cap (2)
        ("d", "city", 11110, "project", "교통", 2.0),  # theme not eligible
        ("e", "city", 11140, "project", "환경", 4.0),
        ("f", "city", 11110, "programme", "교통", 1.5),  # theme not eligible
        ("g1", "gu", 11110, "project", "안전", 3.0),
        ("g2", "gu", 11110, "project", "안전", 3.0),
        ("g3", "gu", 11140, "project", "안전", 4.0),
    ]
    return pd.DataFrame(
        rows, columns=["proposal_id", "type", "gu_code", "kind", "theme", "cost_eok"]
    )


def ballots():
    rows = [
        ("v1", "a", "e_vote"),
        ("v1", "g1", "e_vote"),
        ("v2", "b", "e_vote"),
        ("v2", "g1", "e_vote"),
        ("v3", "b", "e_vote"),
        ("v3", "g2", "e_vote"),
        ("v4", "e", "e_vote"),
        ("v4", "g3", "e_vote"),
        ("m1", "a", "onsite"),
        ("m2", "a", "onsite"),
        ("m2", "g2", "onsite"),
    ]
    return pd.DataFrame(rows, columns=["voter_id", "proposal_id", "channel"])


def test_screening_drops_proposals_over_their_cap_or_off_theme():
    s = screen_proposals(proposals(), system())
    assert s.ballot()["proposal_id"].tolist() == ["a", "b", "e", "g1", "g2", "g3"]
    stages = s.stages.set_index("type")
    assert stages.loc["city", ["proposals", "screened", "put_to_vote"]].tolist() == [6, 3, 3]
    assert stages.loc["gu", ["proposals", "screened", "put_to_vote"]].tolist() == [3, 3, 3]
    assert stages.loc["city", "put_to_vote_eok"] == 15.0
    assert set(s.table["contest"]) == {"city", "gu:11110", "gu:11140"}


def test_review_column_is_a_screening_stage():
    p = proposals()
    p["review_passed"] = p["proposal_id"] != "a"
    assert "a" not in screen_proposals(p, system()).ballot()["proposal_id"].tolist()


def test_mixed_count_weighs_each_channel_by_its_own_voters():
    t = count_votes(screen_proposals(proposals(), system()), ballots()).table
    t = t.set_index("proposal_id")
    # city: 4 e-voters (v1..v4), 2 on-site (m1, m2)
    assert t.loc["a", "score"] == pytest.approx(0.5 * 1 / 4 + 0.5 * 2 / 2)
    assert t.loc["b", "score"] == pytest.approx(0.5 * 2 / 4)
    assert t.loc["e", "score"] == pytest.approx(0.5 * 1 / 4)
    # gu 11110: 3 e-voters (v1..v3), 1 on-site (m2)
    assert t.loc["g1", "score"] == pytest.approx(0.5 * 2 / 3)
    assert t.loc["g2", "score"] == pytest.approx(0.5 * 1 / 3 + 0.5 * 1)
    # gu 11140: only e-votes, which then carry the whole weight
    assert t.loc["g3", "score"] == pytest.approx(1.0)
    assert t.loc["a", "votes"] == 3 and t.loc["a", "onsite_votes"] == 2


def test_e_vote_weight_one_counts_only_e_votes():
    t = count_votes(screen_proposals(proposals(), system(e_vote_weight=1.0)), ballots()).table
    assert t.set_index("proposal_id").loc["a", "score"] == pytest.approx(1 / 4)


def _bad(rows):
    extra = pd.DataFrame(rows, columns=["voter_id", "proposal_id", "channel"])
    return pd.concat([ballots(), extra], ignore_index=True)


def test_vote_for_unknown_project_names_row_voter_and_project():
    s = screen_proposals(proposals(), system())
    with pytest.raises(InputError, match=r"row 11: voter 'v9' voted for unknown project 'zz'"):
        count_votes(s, _bad([("v9", "zz", "e_vote")]))


def test_vote_for_a_screened_out_project_is_refused():
    s = screen_proposals(proposals(), system())
    with pytest.raises(InputError, match=r"voter 'v9' voted for project 'c', which was screened"):
        count_votes(s, _bad([("v9", "c", "e_vote")]))


def test_ballot_over_the_per_voter_limit_names_voter_and_project():
    # city ballot: 3 projects, 50 % -> at most 1 vote; v1 already voted for a
    s = screen_proposals(proposals(), system())
    with pytest.raises(
        InputError,
        match=r"voter 'v1' is over the per-voter limit .*'city' with "
        r"project 'b': at most 1 votes",
    ):
        count_votes(s, _bad([("v1", "b", "e_vote")]))


def test_repeated_vote_and_unknown_channel_are_refused():
    s = screen_proposals(proposals(), system())
    with pytest.raises(InputError, match="voted twice for project 'a'"):
        count_votes(s, _bad([("v1", "a", "e_vote")]))
    with pytest.raises(InputError, match="column 'channel': 'mail'"):
        count_votes(s, _bad([("v9", "a", "mail")]))


def test_cap_below_every_proposal_of_a_kind_names_the_key():
    p = proposals()
    p = p[p["proposal_id"] != "f"]  # c (3억) is then the only programme, above the 2억 cap
    with pytest.raises(ParameterError, match=r"types.city.caps_eok.programme = 2 is below every"):
        screen_proposals(p, system())


def test_unknown_type_names_row_and_column():
    p = proposals()
    p.loc[4, "type"] = "cityy"
    with pytest.raises(InputError, match=r"row 4, column 'type': 'cityy'"):
        screen_proposals(p, system())

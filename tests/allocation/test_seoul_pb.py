"""Seoul's rank rule, MES with completion and max-welfare on a hand-worked round; properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgresearch.allocation import (
    BudgetSystem,
    compare_rules,
    contest_envelopes,
    count_votes,
    gains_by_gu,
    load_budget_system,
    screen_proposals,
    select_round,
)
from cgresearch.data import load_districts
from cgresearch.errors import ParameterError
from tests.allocation.test_seoul_votes import ballots, proposals, system

pytest.importorskip("pabutools")

DISTRICTS = pd.DataFrame(
    {"adm_code": [11110, 11140], "name_ko": ["종로구", "중구"], "pop_total_2017q1": [100, 200]}
)


def _votes(bs=None):
    bs = bs or system()
    return count_votes(screen_proposals(proposals(), bs), ballots())


def _env():
    return contest_envelopes(system(), DISTRICTS)


def _funded(out):
    return set(out.selected["proposal_id"])


def test_contest_envelopes_split_the_gu_type_equally_without_a_split_table():
    assert _env().to_dict() == {"city": 10.0, "gu:11110": 5.0, "gu:11140": 5.0}


def test_seoul_rule_ranks_by_mixed_score_and_skips_what_no_longer_fits():
    # city: a .625 (6) funded, b .25 (5) > 4 left, e .125 (4) fits; gu 11110: g2 .667 (3)
    # then g1 (3) > 2 left; gu 11140: g3 (4) fits in 5
    out = select_round(_votes(), _env(), "seoul")
    assert _funded(out) == {"a", "e", "g2", "g3"}
    spend = out.spend.set_index("contest")
    assert spend.loc["city", "spent_eok"] == 10.0 and spend.loc["gu:11110", "unspent_eok"] == 2.0


def test_mes_funds_nothing_affordable_then_completes_by_vote_count():
    # city: 6 voters with 10/6 each; a (6) has 3 supporters = 5 < 6, b 2 × 10/6 < 5, e 10/6 < 4:
    # MES funds nothing; gu 11110: 4 voters × 1.25, g1 and g2 (3 each) have 2.5: nothing;
    # gu 11140: v4 alone has 5 >= 4: g3.
    plain = select_round(_votes(), _env(), "mes", completion=None)
    assert _funded(plain) == {"g3"}
    # greedy completion by approvals: city a (3 votes) then e fits; gu 11110: g1 and g2 tie
    # at 2 votes, the first id (g1) wins
    out = select_round(_votes(), _env(), "mes", completion="greedy")
    assert _funded(out) == {"a", "e", "g1", "g3"}
    assert out.rule == "mes+greedy"


def test_max_welfare_maximises_the_mixed_score_in_each_contest():
    # city subsets within 10: {a, e} .75 beats {b, e} .375 and {a} .625; gu 11110: g2 .667
    out = select_round(_votes(), _env(), "max-welfare")
    assert _funded(out) == {"a", "e", "g2", "g3"}


def test_comparison_counts_voters_with_nothing_by_hand():
    table = compare_rules(_votes(), _env()).set_index("rule")
    # seoul {a, e, g2, g3}: v1 {a, g1} yes, v2 {b, g1} no, v3 {b, g2} yes, v4 yes, m1, m2 yes
    assert table.loc["seoul", "share_with_nothing"] == pytest.approx(1 / 6)
    # mes+greedy {a, e, g1, g3}: v2 (g1) yes, v3 {b, g2} no
    assert table.loc["mes+greedy", "share_with_nothing"] == pytest.approx(1 / 6)
    assert table.loc["seoul", "spent_eok"] == 6 + 4 + 3 + 4
    assert table.loc["seoul", "unspent_eok"] == 20 - 17
    # satisfactions (억): v1 6, v2 0, v3 3, v4 8, m1 6, m2 9 -> Gini by pairwise differences
    sats = [6, 0, 3, 8, 6, 9]
    pair = sum(abs(x - y) for x in sats for y in sats)
    assert table.loc["seoul", "gini_satisfaction"] == pytest.approx(pair / (2 * 6 * sum(sats)))
    assert table.loc["seoul", "avg_satisfaction_eok"] == pytest.approx(sum(sats) / 6)


def test_gains_by_gu_split_gu_level_spend_by_the_cofunding_rule():
    cofunding = {"smg_matching_share": 0.7, "gu_contribution_cap_eok": 1.0}
    bs = BudgetSystem.from_dict({**_sys_dict(), "cofunding": cofunding}, n_gu=2)
    outs = [select_round(_votes(), _env(), r) for r in ("seoul", "max-welfare")]
    g = gains_by_gu(outs, DISTRICTS, bs)
    seoul = g[g["rule"] == "seoul"].set_index("adm_code")
    # 11110: a (6, city) + g2 (3, gu); 11140: e (4) + g3 (4)
    assert seoul.loc[11110, "spent_eok"] == 9 and seoul.loc[11140, "spent_eok"] == 8
    # gu-level 3억: gu pays 30 % = 0.9; 11140: 4억 -> 1.2 capped at 1.0
    assert seoul.loc[11110, "gu_pays_eok"] == pytest.approx(0.9)
    assert seoul.loc[11140, "gu_pays_eok"] == pytest.approx(1.0)
    assert seoul.loc[11140, "city_pays_eok"] == pytest.approx(3.0)
    assert seoul.loc[11110, "per_capita_krw"] == pytest.approx(9e8 / 100)
    assert (g["vs_seoul_eok"][g["rule"] == "max-welfare"] == 0).all()


def _sys_dict():
    from tests.allocation.test_seoul_votes import SYSTEM

    return dict(SYSTEM)


def test_missing_envelope_and_unknown_rule_are_refused():
    with pytest.raises(ParameterError, match="no envelope for contest gu:11140"):
        select_round(_votes(), {"city": 10, "gu:11110": 5}, "seoul")
    with pytest.raises(ParameterError, match="seoul, mes, max-welfare"):
        select_round(_votes(), _env(), "borda")


# --- properties ---------------------------------------------------------------------------

_GUS = (11110, 11140)


@st.composite
def rounds(draw):
    n = draw(st.integers(2, 9))
    rows = []
    for i in range(n):
        typ = draw(st.sampled_from(["city", "gu"]))
        cap = 6.0 if typ == "city" else 4.0
        rows.append(
            (
                f"p{i}",
                typ,
                draw(st.sampled_from(_GUS)),
                "project",
                "안전",
                draw(st.integers(1, int(cap * 2))) / 2,
            )
        )
    props = pd.DataFrame(
        rows, columns=["proposal_id", "type", "gu_code", "kind", "theme", "cost_eok"]
    )
    bs = BudgetSystem.from_dict(
        {
            **_sys_dict(),
            "vote_limit_share": 1.0,
            "types": {
                "city": {"envelope_eok": draw(st.integers(0, 20)) / 2, "caps_eok": {"project": 6}},
                "gu": {
                    "level": "gu",
                    "per_gu_average_eok": draw(st.integers(0, 10)) / 2,
                    "caps_eok": {"project": 4},
                },
            },
            "total_eok": 100,
        },
        n_gu=2,
    )
    votes = []
    for v in range(draw(st.integers(1, 8))):
        ch = draw(st.sampled_from(["e_vote", "onsite"]))
        for pid in draw(st.sets(st.sampled_from(props["proposal_id"].tolist()), max_size=n)):
            votes.append((f"v{v}", pid, ch))
    b = pd.DataFrame(votes, columns=["voter_id", "proposal_id", "channel"])
    return props, bs, b


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_seoul_rule_never_exceeds_an_envelope_or_a_cap(r):
    props, bs, b = r
    env = contest_envelopes(bs, DISTRICTS)
    out = select_round(count_votes(screen_proposals(props, bs), b), env, "seoul")
    spent = out.selected.groupby("contest")["cost_eok"].sum()
    for contest, s in spent.items():
        assert s <= env[contest] + 1e-9
    for _, row in out.selected.iterrows():
        assert row["cost_eok"] <= bs.type(row["type"]).cap("project")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(), st.data())
def test_more_votes_never_drop_a_project_from_the_rank_rule(r, data):
    props, bs, b = r
    env = contest_envelopes(bs, DISTRICTS)
    before = select_round(count_votes(screen_proposals(props, bs), b), env, "seoul")
    if before.selected.empty:
        return
    pid = data.draw(st.sampled_from(sorted(before.selected["proposal_id"])))
    ch = data.draw(st.sampled_from(["e_vote", "onsite"]))
    extra = pd.DataFrame({"voter_id": ["new"], "proposal_id": [pid], "channel": [ch]})
    more = pd.concat([b, extra], ignore_index=True)
    after = select_round(count_votes(screen_proposals(props, bs), more), env, "seoul")
    assert pid in set(after.selected["proposal_id"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_every_rule_stays_within_envelopes_and_max_welfare_scores_highest(r):
    props, bs, b = r
    env = contest_envelopes(bs, DISTRICTS)
    votes = count_votes(screen_proposals(props, bs), b)
    outs = {x: select_round(votes, env, x) for x in ("seoul", "mes", "max-welfare")}
    for out in outs.values():
        assert (out.spend["unspent_eok"] >= -1e-9).all()
    best = outs["max-welfare"].selected["score"].sum()
    assert best >= outs["seoul"].selected["score"].sum() - 1e-6
    assert best >= outs["mes"].selected["score"].sum() - 1e-6


# --- the command line ---------------------------------------------------------------------


def test_cli_runs_the_example_file_end_to_end_and_writes_tables(tmp_path, capsys):
    import json

    from cgresearch.cli import main
    from cgresearch.paths import scenarios_dir

    example = str(scenarios_dir() / "budget_system" / "seoul_2025.toml")
    small = ["--proposals", "150", "--e-voters", "120", "--onsite", "10", "--seed", "3"]
    out = tmp_path / "round"
    assert main(["seoul-pb", example, *small, "--out", str(out), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["data_label"] == "synthetic" and set(d["rules"]) == {
        "seoul",
        "mes+greedy",
        "max-welfare",
    }
    votes = pd.read_csv(out / "votes.csv", dtype={"proposal_id": str})
    env = contest_envelopes(load_budget_system(example), load_districts())
    chosen = set()  # Seoul's rule recounted from the written vote table
    for contest, g in votes.groupby("contest"):
        left = env[contest]
        for r in g.sort_values(["score", "proposal_id"], ascending=[False, True]).itertuples():
            if r.cost_eok <= left + 1e-9:
                chosen.add(r.proposal_id)
                left -= r.cost_eok
    assert {p["proposal_id"] for p in d["rules"]["seoul"]["projects"]} == chosen
    assert all("title_ko" in p and "votes" in p for p in d["rules"]["seoul"]["projects"])
    assert {f.name for f in out.iterdir()} >= {"rule_comparison.csv", "gains_by_gu.csv"}


def test_cli_bad_budget_system_exits_2_and_writes_nothing(tmp_path, capsys):
    from cgresearch.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("total_eok = 10\ne_vote_weight = 1.5\n[types.a]\nenvelope_eok = 1\n", "utf-8")
    out = tmp_path / "round"
    assert main(["seoul-pb", str(bad), "--out", str(out)]) == 2
    assert "e_vote_weight = 1.5" in capsys.readouterr().err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.toml"]

"""Fairness audits: hand-worked EJR/PJR cases, and Gini / voters-with-nothing counted by hand."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest

from cgresearch.allocation.pb import pb_outcome, read_pb
from cgresearch.allocation.pb_audit import audit_allocation, audit_outcome
from cgresearch.paths import raw_data_dir

pytest.importorskip("pabutools")


def _tiny():
    """3 voters, budget 3: A (cost 3) approved by v1 and v2, c (cost 1) by v3 only."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project

    a, c = Project("A", 3), Project("c", 1)
    inst = Instance([a, c], budget_limit=3)
    prof = ApprovalProfile(
        [ApprovalBallot([a]), ApprovalBallot([a]), ApprovalBallot([c])], instance=inst
    )
    return inst, prof, a, c


def test_funding_only_the_big_project_violates_ejr_and_pjr_for_the_lone_voter():
    # {v3} is entitled to 3 × 1/3 = 1 ≥ cost(c) and approves c: EJR needs v3 to get 1; she gets 0.
    inst, prof, a, _c = _tiny()
    audit = audit_allocation(inst, prof, [a])
    assert audit.ejr is False and audit.pjr is False
    assert audit.share_with_nothing == pytest.approx(1 / 3)
    assert audit.unspent == 0


def test_funding_the_small_project_satisfies_ejr_no_pair_can_afford_a():
    # {v1, v2} is entitled to 2, below cost(A) = 3: no cohesive claim on A.
    inst, prof, _a, c = _tiny()
    audit = audit_allocation(inst, prof, [c])
    assert audit.ejr is True and audit.pjr is True
    assert audit.unspent == 2 and audit.unspent_share == pytest.approx(2 / 3)
    # satisfactions (cost): v1 0, v2 0, v3 1 -> Gini = Σ|xi-xj| / (2 n Σx) = 4 / (2·3·1)
    assert audit.gini_cost_satisfaction == pytest.approx(4 / 6)
    assert audit.satisfaction_quantiles[0.0] == 0 and audit.satisfaction_quantiles[1.0] == 1


def test_large_election_skips_ejr_with_a_reason():
    e = read_pb(raw_data_dir() / "pabulib" / "Netherlands_Amsterdam_179.pb")
    audit = audit_outcome(e, pb_outcome(e, "greedy").selected)
    assert audit.ejr is None and audit.pjr is None
    assert "not checked" in audit.jr_note


def test_gini_and_average_satisfaction_equal_a_pairwise_count_on_a_real_file():
    e = read_pb(raw_data_dir() / "pabulib" / "Poland_Katowice_2020_Murcki.pb")
    out = pb_outcome(e, "mes", completion="greedy")
    chosen = set(out.selected)
    cost = {str(p.name): Fraction(p.cost) for p in e.instance}
    sats = []
    for ballot in e.profile:
        names = {str(p.name) for p in ballot if (ballot[p] if hasattr(ballot, "items") else 1)}
        sats.append(sum(cost[p] for p in names & chosen))
    n, total = len(sats), sum(sats)
    pairwise = sum(abs(x - y) for x, y in combinations(sats, 2)) * 2
    audit = audit_outcome(e, out.selected)
    assert audit.gini_cost_satisfaction == pytest.approx(float(pairwise / (2 * n * total)))
    assert audit.avg_cost_satisfaction == pytest.approx(float(total / n))
    assert audit.share_with_nothing == pytest.approx(sum(1 for s in sats if s == 0) / n)

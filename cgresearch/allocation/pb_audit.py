"""Fairness audits of a participatory-budget outcome, from pabutools' analysis module.

Nothing is re-implemented here: every voter's satisfaction is pabutools' ``Cost_Sat`` (the money
spent on the projects she supports), evaluated once per distinct ballot (a multiprofile counts
each ballot with its multiplicity), and the figures are those of ``pabutools.analysis``:

* ``avg_cost_satisfaction`` — the mean, as ``avg_satisfaction``;
* ``gini_cost_satisfaction`` — pabutools' ``gini_coefficient`` of the satisfactions, as
  ``gini_coefficient_of_satisfaction`` (whose per-ballot loop is too slow for 100,000 voters);
* ``share_with_nothing`` — share of voters whose ``Cost_Sat`` is 0 (none of their projects is
  funded; on approval ballots 1 − ``percent_non_empty_handed``, which is not defined for
  cumulative ballots);
* ``satisfaction_quantiles`` — quantiles of the per-voter ``Cost_Sat`` values;
* ``ejr`` and ``pjr`` — ``is_EJR_approval`` / ``is_PJR_approval`` (approval ballots only). These
  enumerate every group of voters and every set of projects (2 ** (voters + projects) cases), so
  they run only when ``voters + projects <= max_jr_size`` (16 by default); otherwise they are
  ``None`` and ``jr_note`` says why. Real elections (hundreds of voters) are far too large.

Budget left unspent is the budget minus the cost of the funded projects.

Examples
--------
>>> from cgresearch.allocation.pb import pb_outcome, read_pb
>>> from cgresearch.paths import raw_data_dir
>>> e = read_pb(raw_data_dir() / "pabulib" / "Netherlands_Amsterdam_179.pb")
>>> a = audit_outcome(e, pb_outcome(e, "greedy").selected)
>>> a.ejr is None, 0 <= a.gini_cost_satisfaction <= 1
(True, True)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cgresearch.data.pabulib import PBElection
from cgresearch.data.pabulib import pabutools_election as _pabutools

__all__ = ["PBAudit", "audit_allocation", "audit_outcome"]

_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class PBAudit:
    """Fairness figures of one funded set (amounts in the election's currency unit).

    Attributes
    ----------
    n_funded : int
    spent, budget, unspent : float
    unspent_share : float
        ``unspent / budget``.
    n_voters : int
    avg_cost_satisfaction : float
    gini_cost_satisfaction : float
    share_with_nothing : float
    satisfaction_quantiles : dict
        Quantile (0, 0.25, 0.5, 0.75, 1) -> per-voter cost satisfaction.
    ejr, pjr : bool or None
        None when not computed (see ``jr_note``).
    jr_note : str
    """

    n_funded: int
    spent: float
    budget: float
    unspent: float
    unspent_share: float
    n_voters: int
    avg_cost_satisfaction: float
    gini_cost_satisfaction: float
    share_with_nothing: float
    satisfaction_quantiles: dict[float, float] = field(default_factory=dict)
    ejr: bool | None = None
    pjr: bool | None = None
    jr_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain JSON-ready values."""
        return {
            "n_funded": self.n_funded,
            "spent": self.spent,
            "budget": self.budget,
            "unspent": self.unspent,
            "unspent_share": self.unspent_share,
            "n_voters": self.n_voters,
            "avg_cost_satisfaction": self.avg_cost_satisfaction,
            "gini_cost_satisfaction": self.gini_cost_satisfaction,
            "share_with_nothing": self.share_with_nothing,
            "satisfaction_quantiles": {str(q): v for q, v in self.satisfaction_quantiles.items()},
            "ejr": self.ejr,
            "pjr": self.pjr,
            "jr_note": self.jr_note,
        }


def audit_allocation(
    instance: Any,
    profile: Any,
    allocation: Collection[Any],
    *,
    budget: float | None = None,
    max_jr_size: int = 16,
) -> PBAudit:
    """Audit ``allocation`` (pabutools projects) on a pabutools instance and profile.

    Parameters
    ----------
    instance, profile
        pabutools ``Instance`` and profile (approval or cumulative; multiprofiles work).
    allocation : collection of pabutools Project
    budget : float, optional
        The budget (default: the instance's ``budget_limit``).
    max_jr_size : int
        EJR/PJR run only when voters + projects is at most this.

    Returns
    -------
    PBAudit
    """
    pe = _pabutools()
    from pabutools.analysis.justifiedrepresentation import is_EJR_approval, is_PJR_approval
    from pabutools.utils import gini_coefficient

    alloc = list(allocation)
    funded = set(alloc)
    n_voters = int(profile.num_ballots())
    spent = float(sum(p.cost for p in alloc))
    b = float(instance.budget_limit if budget is None else budget)
    values: list[Any] = []
    weights: list[int] = []
    for ballot in profile:
        # Cost_Sat is additive and 0 outside the ballot: its value on the funded projects the
        # ballot names equals its value on the whole allocation, at a fraction of the cost.
        mine = [p for p in ballot if p in funded]
        values.append(pe.Cost_Sat(instance, profile, ballot).sat(mine))
        weights.append(int(profile.multiplicity(ballot)))
    total_w = sum(weights)
    if values:
        exact = [x for x, w in zip(values, weights, strict=True) for _ in range(w)]
        gini = float(gini_coefficient(exact))  # pabutools' exact arithmetic
        expanded = np.asarray([float(x) for x in exact])
        avg = float(expanded.mean())
        v = np.sort(expanded, kind="stable")
        quant = {q: float(v[min(int(q * len(v)), len(v) - 1)]) for q in _QUANTILES}
    else:
        avg, gini, quant = 0.0, 0.0, {}
    nothing = sum(w for x, w in zip(values, weights, strict=True) if x == 0)
    ejr = pjr = None
    approval = isinstance(profile, pe.AbstractApprovalProfile)
    size = n_voters + len(instance)
    if not approval:
        note = "EJR/PJR: checked for approval ballots only"
    elif size > max_jr_size:
        note = (
            f"EJR/PJR not checked: {n_voters} voters + {len(instance)} projects = {size} > "
            f"{max_jr_size}; pabutools enumerates 2^{size} groups"
        )
    else:
        plain = profile if isinstance(profile, pe.ApprovalProfile) else _expand(pe, profile)
        ejr = bool(is_EJR_approval(instance, plain, pe.Cost_Sat, alloc))
        pjr = bool(is_PJR_approval(instance, plain, pe.Cost_Sat, alloc))
        note = "EJR/PJR checked by pabutools (cost satisfaction)"
    return PBAudit(
        n_funded=len(alloc),
        spent=spent,
        budget=b,
        unspent=b - spent,
        unspent_share=(b - spent) / b if b > 0 else 0.0,
        n_voters=n_voters,
        avg_cost_satisfaction=avg,
        gini_cost_satisfaction=gini,
        share_with_nothing=nothing / total_w if total_w else 0.0,
        satisfaction_quantiles=quant,
        ejr=ejr,
        pjr=pjr,
        jr_note=note,
    )


def _expand(pe: Any, multi: Any) -> Any:
    out = pe.ApprovalProfile(instance=multi.instance)
    for ballot in multi:
        for _ in range(multi.multiplicity(ballot)):
            out.append(pe.ApprovalBallot(ballot))
    return out


def audit_outcome(
    election: PBElection, selected: Iterable[str], *, max_jr_size: int = 16
) -> PBAudit:
    """Audit the funded project ids ``selected`` of a Pabulib election (see the module)."""
    by_id = {str(p.name): p for p in election.instance}
    alloc = [by_id[str(i)] for i in selected]
    return audit_allocation(election.instance, election.profile, alloc, max_jr_size=max_jr_size)

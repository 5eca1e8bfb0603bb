"""The result of a diagnosis, its plain words, and the diagnosis no LP needs.

:class:`Diagnosis` is what :mod:`cgresearch.allocation.diagnosis` returns. The per-gu limits
(floors, caps, stability, tiers) make a box ``lo_i ≤ x_i ≤ hi_i``; :func:`box_diagnosis` says,
without any LP, when a gu's box is empty or the total lies outside ``[Σ lo, Σ hi]``, naming the
groups whose limits are the effective bounds. :func:`plain_group`, :func:`join_and` and
:func:`join_or` word constraint groups as message parts (:class:`~cgresearch.errors.Msg`).

Examples
--------
>>> import pandas as pd
>>> from cgresearch.allocation import Scenario
>>> from cgresearch.allocation.envelope_lp import prepare_data
>>> d = pd.DataFrame({"adm_code": [1, 2], "name_ko": ["가구", "나구"],
...                   "pop_total_2017q1": [1e5, 1e5]})
>>> box_diagnosis(prepare_data(d, Scenario(name="x", total_budget_eok=10, floor_eok=6))).conflicts
('budget', 'floors')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cgresearch.allocation.envelope_lp import GROUPS, EnvelopeData, box_bounds
from cgresearch.errors import N_, Msg, msg

__all__ = [
    "Diagnosis",
    "box_diagnosis",
    "join_and",
    "join_or",
    "plain_group",
]

_PLAIN = {
    "budget": N_("the total budget"),
    "floors": N_("the floors"),
    "caps": N_("the caps"),
    "stability": N_("the year-on-year stability limits"),
    "tiers": N_("the performance-tier ranges"),
    "equity": N_("the per-capita equity bound"),
}
# Sentences are Msg (a str whose .localized(lang) gives Korean or English), so that a result's
# summary, the CLI and the dashboard say them in the user's language. These joins read the same
# in every language (no catalogue entry).
_COMMA = "{a}, {b}"


def plain_group(group: str) -> Msg:
    """A constraint group in plain words (translatable)."""
    return msg(_PLAIN[group])


def join_and(parts: list[Msg]) -> Msg:
    """``a, b and c`` of message parts, translated with them."""
    out = parts[0]
    for part in parts[1:-1]:
        out = msg(_COMMA, a=out, b=part)
    return msg("{a} and {b}", a=out, b=parts[-1]) if len(parts) > 1 else out


def join_or(parts: list[Msg]) -> Msg:
    """``a or b or c`` of message parts, translated with them."""
    out = parts[0]
    for part in parts[1:]:
        out = msg("{a} or {b}", a=out, b=part)
    return out


@dataclass(frozen=True)
class Diagnosis:
    """The explanation of an infeasible (or feasible) scenario.

    Attributes
    ----------
    feasible : bool
        True when the scenario can be met (then ``conflicts`` is empty).
    message : str
        Plain words: what conflicts, by how much, and what to change.
    conflicts : tuple of str
        An irreducible set of conflicting constraint groups (``"budget"``, ``"floors"``,
        ``"caps"``, ``"stability"``, ``"tiers"``, ``"equity"``; ``"formula"`` when the formula
        objective breaks a bound).
    fixes : DataFrame
        One row per conflicting group: ``group``, ``relax_eok`` (smallest total relaxation of this
        group alone, in 억원, that restores feasibility with every other bound in force; NaN if it
        alone cannot, and for the equity bound), ``new_value`` (the new setting: total budget,
        ``max_per_capita_ratio`` or ``stability_delta``; NaN for floors, caps and tiers) and
        ``text``.
    relaxation : DataFrame
        Per row of the smallest fixes: ``group``, ``constraint``, ``adm_code``, ``name_ko``,
        ``slack`` (억원, or KRW per person for the equity bound).
    """

    feasible: bool
    message: str
    conflicts: tuple[str, ...] = ()
    fixes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    relaxation: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Return the fixes table (one row per conflicting group)."""
        return self.fixes


_LOWER = (("floors", "floor"), ("stability", "stab_lo"), ("tiers", "tier_lo"))
_UPPER = (("caps", "cap"), ("stability", "stab_hi"), ("tiers", "tier_hi"))
_FIELDS = {
    "floor": "floor",
    "stab_lo": "stab_lo",
    "tier_lo": "tier_lo",
    "cap": "cap",
    "stab_hi": "stab_hi",
    "tier_hi": "tier_hi",
}


def _sources(
    data: EnvelopeData, bound: np.ndarray, sides: tuple[tuple[str, str], ...]
) -> list[str]:
    """The groups whose limit is the gu's effective bound, per gu ("" for none; the first of
    ``sides`` when several limits are equal)."""
    found = np.full(data.n, "", dtype=object)
    for group, attr in reversed(sides):  # the first side wins: it is written last
        value = getattr(data, _FIELDS[attr])
        with np.errstate(invalid="ignore"):
            hit = ~np.isnan(value) & (
                np.abs(value - bound) <= 1e-12 * np.maximum(1.0, np.abs(value))
            )
        found[hit] = group
    return found.tolist()


def box_diagnosis(data: EnvelopeData) -> Diagnosis | None:
    """The diagnosis of the per-gu boxes and their sums, without any LP (``None`` when they fit).

    A gu whose lower limit is above its upper limit, lower limits summing above the total, or
    finite upper limits summing below it: each is named with the groups whose limits bind and
    what to change. ``None`` leaves the per-capita equity bound (which couples the gu) to the
    caller.
    """
    budget = data.scenario.total_budget_eok
    lo, hi = box_bounds(data)
    names = data.districts["name_ko"].to_numpy()
    low_src, high_src = _sources(data, lo, _LOWER), _sources(data, hi, _UPPER)
    crossed = np.flatnonzero(lo > hi + 1e-9)
    if crossed.size:
        i = int(crossed[0])
        groups = {low_src[i], high_src[i]} - {""}
        conflicts = tuple(g for g in GROUPS if g in groups)
        more = msg(" (and {n} more gu)", n=crossed.size - 1) if crossed.size > 1 else ""
        message = msg(
            "{gu}: its lower limit ({low}, {lo:.2f}억원) is above its upper limit ({high}, "
            "{hi:.2f}억원){more}: widen one of them",
            gu=names[i],
            low=low_src[i] or msg("zero"),
            lo=lo[i],
            high=high_src[i],
            hi=hi[i],
            more=more,
        )
        return Diagnosis(False, message, conflicts)
    scale = max(1.0, abs(budget))
    if lo.sum() > budget + 1e-9 * scale:
        groups = {"budget", *low_src} - {""}
        conflicts = tuple(g for g in GROUPS if g in groups)
        gap = lo.sum() - budget
        message = msg(
            "the lower limits ({limits}) sum to {sum:.2f}억원, above the total of {budget:g}억원: "
            "raise the total by {gap:.2f}억원 or lower them by {gap:.2f}억원 in total",
            limits=join_and([plain_group(g) for g in conflicts if g != "budget"]),
            sum=lo.sum(),
            budget=budget,
            gap=gap,
        )
        return Diagnosis(False, message, conflicts)
    if np.isfinite(hi).all() and hi.sum() < budget - 1e-9 * scale:
        groups = {"budget", *high_src} - {""}
        conflicts = tuple(g for g in GROUPS if g in groups)
        gap = budget - hi.sum()
        message = msg(
            "the upper limits ({limits}) sum to {sum:.2f}억원, below the total of {budget:g}억원: "
            "lower the total by {gap:.2f}억원 or raise them by {gap:.2f}억원 in total",
            limits=join_and([plain_group(g) for g in conflicts if g != "budget"]),
            sum=hi.sum(),
            budget=budget,
            gap=gap,
        )
        return Diagnosis(False, message, conflicts)
    return None

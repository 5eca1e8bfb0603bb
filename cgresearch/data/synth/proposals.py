"""Synthetic resident project proposals per gu, for participatory-budgeting models.

Each proposal sits in a real administrative dong (``dong_code`` = 10-digit MOIS ``adm_cd2`` of
``data/raw/seoul/admin_dong_seoul_20220309.csv``), belongs to one of the five policy tasks, has a
log-normal cost in million KRW (most between 5 and 150, a few large capital projects), a committee
score (0-100) and a vote count that grows with the score and the gu's population. A few proposals
are mandatory (e.g. safety fixes the gu must fund), some may be funded in part, and small groups of
near-duplicate proposals from the same gu share a ``duplicate_group``. Every row is labelled
``data_label = "synthetic"``; real Pabulib votes are read elsewhere.

Examples
--------
>>> from cgresearch.data.synth.proposals import generate_proposals
>>> pr = generate_proposals(seed=1)
>>> len(pr), int(pr["gu_code"].nunique())
(1000, 25)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgresearch.data.districts import load_admin_dong, load_districts
from cgresearch.data.synth._common import SYNTHETIC_LABEL, apportion
from cgresearch.errors import ParameterError
from cgresearch.vocabulary import POLICY_TASKS

__all__ = ["PROPOSAL_COLUMNS", "ProposalParams", "generate_proposals"]

#: Columns of the generated proposals, in order.
PROPOSAL_COLUMNS: tuple[str, ...] = (
    "proposal_id",
    "gu_code",
    "gu_name",
    "dong_code",
    "title_ko",
    "title_en",
    "policy_task",
    "cost_mkrw",
    "votes",
    "score",
    "duplicate_group",
    "mandatory",
    "partial_allowed",
    "data_label",
)

_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "T1": (("주민 소통 공간", "resident meeting place"), ("협치 학교", "CG school")),
    "T2": (("주민 제안 숙의", "deliberation on resident ideas"), ("정책 토론회", "policy debate")),
    "T3": (("동 자치계획", "dong autonomy plan"), ("주민총회", "resident assembly")),
    "T4": (("공유 주방", "shared kitchen"), ("청년 창업 공간", "youth start-up space")),
    "T5": (
        ("골목 안전 조명", "alley safety lighting"),
        ("어린이 놀이터 개선", "playground upgrade"),
        ("마을 텃밭", "community garden"),
        ("경로당 돌봄", "senior-centre care"),
    ),
}


@dataclass(frozen=True)
class ProposalParams:
    """Documented parameters of :func:`generate_proposals`.

    Attributes
    ----------
    n : int
        Number of proposals (1,000 by default: about 20-60 per gu).
    population_exponent : float
        Proposals per gu are proportional to ``population ** exponent`` (0.5 evens them out).
    task_shares : tuple of float
        Shares of the policy tasks T1..T5 (neighbourhood projects, T5, dominate).
    cost_median_mkrw, cost_sigma : float
        Log-normal cost: median (million KRW) and shape.
    cost_min_mkrw : float
        Smallest cost; costs are rounded to 0.1 million KRW (100,000 KRW).
    votes_per_10k_pop : float
        Mean votes per 10,000 inhabitants of the gu for a proposal of score 50.
    p_mandatory, p_partial : float
        Probabilities that a proposal is mandatory / may be funded in part.
    duplicate_share : float
        Target share of proposals in near-duplicate groups (sizes 2-3, same gu and task).
    """

    n: int = 1000
    population_exponent: float = 0.5
    task_shares: tuple[float, ...] = (0.1, 0.1, 0.15, 0.2, 0.45)
    cost_median_mkrw: float = 30.0
    cost_sigma: float = 0.9
    cost_min_mkrw: float = 1.0
    votes_per_10k_pop: float = 8.0
    p_mandatory: float = 0.02
    p_partial: float = 0.3
    duplicate_share: float = 0.08

    def check(self) -> None:
        """Raise :class:`ParameterError` if the parameters are inconsistent."""
        if self.n < 1:
            raise ParameterError("n (number of proposals) must be at least 1")
        if len(self.task_shares) != len(POLICY_TASKS) or min(self.task_shares) < 0:
            raise ParameterError(f"task_shares needs {len(POLICY_TASKS)} non-negative shares")
        if self.cost_median_mkrw <= 0 or self.cost_min_mkrw <= 0:
            raise ParameterError("costs must be positive")
        for name in ("p_mandatory", "p_partial", "duplicate_share"):
            if not 0 <= getattr(self, name) < 1:
                raise ParameterError(f"{name} must be in [0, 1)")


def generate_proposals(
    seed: int = 20190831, n: int | None = None, params: ProposalParams | None = None
) -> pd.DataFrame:
    """Draw synthetic resident project proposals.

    Parameters
    ----------
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same table.
    n : int, optional
        Number of proposals (overrides ``params.n``; 1,000 by default).
    params : ProposalParams, optional
        Generator parameters.

    Returns
    -------
    DataFrame
        Columns :data:`PROPOSAL_COLUMNS`: ``proposal_id`` ("PR00001"...), ``gu_code``,
        ``gu_name``, ``dong_code`` (int, adm_cd2), ``title_ko``, ``title_en``, ``policy_task``,
        ``cost_mkrw`` (float, > 0, million KRW), ``votes`` (int), ``score`` (float, 0-100),
        ``duplicate_group`` ("G0001"... or missing), ``mandatory`` and ``partial_allowed``
        (bool), ``data_label`` ("synthetic").

    Examples
    --------
    >>> pr = generate_proposals(seed=2, n=10_000)
    >>> len(pr), bool((pr["cost_mkrw"] > 0).all())
    (10000, True)
    """
    p = params or ProposalParams()
    if n is not None:
        p = ProposalParams(**{**p.__dict__, "n": int(n)})
    p.check()
    rng = np.random.default_rng(seed)
    districts = load_districts()
    dong = load_admin_dong()

    pop = districts["pop_total_2017q1"].to_numpy(float)
    per_gu = apportion(p.n, pop**p.population_exponent, minimum=1 if p.n >= len(districts) else 0)
    gu_idx = np.repeat(np.arange(len(districts)), per_gu)
    gu_code = districts["adm_code"].to_numpy(np.int64)[gu_idx]

    # Dong: uniform among the gu's dong.
    dong_codes = dong["adm_cd2_mois10"].to_numpy(np.int64)
    dong_gu = dong["gu_adm_code"].to_numpy(np.int64)
    starts = np.searchsorted(dong_gu, districts["adm_code"].to_numpy(np.int64))
    counts = districts["n_admin_dong_2022_03_09"].to_numpy(np.int64)
    pick = starts[gu_idx] + (rng.random(p.n) * counts[gu_idx]).astype(np.int64)
    dong_code = dong_codes[pick]

    tasks = np.array(list(POLICY_TASKS))
    shares = np.asarray(p.task_shares, float)
    task_i = rng.choice(len(tasks), size=p.n, p=shares / shares.sum())
    subj = np.array([rng.integers(len(_SUBJECTS[tasks[t]])) for t in task_i])
    cost = np.maximum(
        np.round(p.cost_median_mkrw * rng.lognormal(0.0, p.cost_sigma, p.n), 1), p.cost_min_mkrw
    )
    score = np.round(np.clip(rng.normal(60.0, 15.0, p.n), 0, 100), 1)
    mean_votes = p.votes_per_10k_pop * pop[gu_idx] / 10_000 * np.exp((score - 50.0) / 25.0)
    votes = rng.negative_binomial(5, 5 / (5 + mean_votes)).astype(np.int64)
    mandatory = rng.random(p.n) < p.p_mandatory
    partial = rng.random(p.n) < p.p_partial

    # Near-duplicate groups of 2-3 proposals in the same gu: same task and subject, similar cost.
    group = np.full(p.n, "", dtype=object)
    target = round(p.duplicate_share * p.n)
    order = rng.permutation(p.n)
    free = np.ones(p.n, dtype=bool)
    grouped, g = 0, 0
    gu_members = {int(gi): np.flatnonzero(gu_idx == gi) for gi in range(len(districts))}
    for start in order:
        if grouped >= target:
            break
        if not free[start]:
            continue
        size = 2 if rng.random() < 0.7 else 3
        mates = gu_members[int(gu_idx[start])]
        mates = mates[free[mates] & (mates != start)]
        if len(mates) < size - 1:
            continue
        members = np.concatenate([[start], rng.choice(mates, size=size - 1, replace=False)])
        g += 1
        group[members] = f"G{g:04d}"
        free[members] = False
        grouped += size
        task_i[members] = task_i[start]
        subj[members] = subj[start]
        cost[members] = np.maximum(
            np.round(cost[start] * rng.uniform(0.8, 1.25, size), 1), p.cost_min_mkrw
        )

    task = tasks[task_i]
    names = districts["name_ko"].to_numpy()
    names_en = districts["name_en"].to_numpy()
    dong_name = dict(zip(dong_codes, dong["dong_name_ko"], strict=True))
    title_ko = [
        f"{dong_name[dc]} {_SUBJECTS[t][s][0]}"
        for dc, t, s in zip(dong_code, task, subj, strict=True)
    ]
    title_en = [
        f"{names_en[gi]} {_SUBJECTS[t][s][1]}" for gi, t, s in zip(gu_idx, task, subj, strict=True)
    ]
    df = pd.DataFrame(
        {
            "gu_code": gu_code,
            "gu_name": names[gu_idx],
            "dong_code": dong_code,
            "title_ko": title_ko,
            "title_en": title_en,
            "policy_task": task,
            "cost_mkrw": cost,
            "votes": votes,
            "score": score,
            "duplicate_group": pd.array(
                [x if x else None for x in group], dtype=pd.StringDtype(na_value=np.nan)
            ),
            "mandatory": mandatory,
            "partial_allowed": partial,
        }
    )
    df = df.sort_values(["gu_code", "dong_code"], kind="stable").reset_index(drop=True)
    width = max(5, len(str(p.n)))
    df.insert(0, "proposal_id", [f"PR{i:0{width}d}" for i in range(1, p.n + 1)])
    df["data_label"] = SYNTHETIC_LABEL
    return df[list(PROPOSAL_COLUMNS)]

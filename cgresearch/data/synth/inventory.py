"""Synthetic CG project inventory matching the local-CG study's published totals exactly.

The Seoul Institute report "Building a CG model for the local community" (2016-PR-24) counts
1,126 CG projects of Seoul's 25 gu worth ₩7,661,500 million, of which 920 (81.7%) are SMG-grant
projects worth ₩6,060,700 million. No project list is public, so this module draws one that keeps
those four totals exactly and is otherwise plausible: projects spread over the gu roughly with
population, over the five policy tasks and seven strategies, three funding sources and the years
2014-2016; heavy-tailed (log-normal) budgets; and groups of near-duplicate projects run by different
departments of the same gu (pending issue P2, "fragmentation and duplication"), each department
wording the shared project its own way (other words for the action, spacing of compounds, a
framing, word order, a suffix), while projects that are not duplicates serve different people, so
a title-based detector has real work to do (:mod:`cgresearch.allocation.fragmentation`). Every row
is labelled ``data_label = "synthetic"``.

Examples
--------
>>> from cgresearch.data.synth.inventory import generate_inventory
>>> inv = generate_inventory(seed=1)
>>> len(inv), int(inv["budget_mkrw"].sum())
(1126, 7661500)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cgresearch.data.districts import load_districts
from cgresearch.data.synth._common import SYNTHETIC_LABEL, apportion
from cgresearch.errors import ParameterError
from cgresearch.vocabulary import POLICY_TASKS, STRATEGIES

__all__ = ["INVENTORY_COLUMNS", "InventoryParams", "generate_inventory"]

#: Columns of the generated inventory, in order.
INVENTORY_COLUMNS: tuple[str, ...] = (
    "project_id",
    "title_ko",
    "title_en",
    "gu_code",
    "gu_name",
    "policy_task",
    "strategy",
    "funding_source",
    "department",
    "year",
    "budget_mkrw",
    "duplicate_group",
    "data_label",
)

# Departments of a gu office that run CG projects (Korean name, English gloss).
_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("자치행정과", "Autonomous Administration"),
    ("마을공동체과", "Village Community"),
    ("협치지원과", "Governance Support"),
    ("복지정책과", "Welfare Policy"),
    ("일자리경제과", "Jobs and Economy"),
    ("문화체육과", "Culture and Sports"),
    ("환경과", "Environment"),
    ("교육지원과", "Education Support"),
    ("도시재생과", "Urban Regeneration"),
    ("여성가족과", "Women and Family"),
    ("청년정책과", "Youth Policy"),
    ("기획예산과", "Planning and Budget"),
)

# Project topics per policy task (Korean, English).
_TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "T1": (
        ("민관 협치 인식 제고", "CG awareness"),
        ("협치 교육", "CG education"),
        ("민관 신뢰 회복", "public-private trust building"),
        ("협치 포럼", "CG forum"),
    ),
    "T2": (
        ("민관 공동 정책 기획", "joint policy planning"),
        ("협치 시범", "CG pilot"),
        ("부서 협업 체계", "inter-departmental cooperation"),
        ("정책 숙의", "policy deliberation"),
    ),
    "T3": (
        ("민관협치회의", "CG council"),
        ("협치 조례 정비", "CG ordinance"),
        ("협치 조정관", "CG coordinator"),
        ("주민참여예산", "participatory budgeting"),
    ),
    "T4": (
        ("사회적경제 파트너십", "social-economy partnership"),
        ("공유 공간", "shared space"),
        ("민간 위탁 혁신", "outsourcing innovation"),
        ("청년 혁신 파트너십", "youth innovation partnership"),
    ),
    "T5": (
        ("마을공동체 활성화", "village community revitalisation"),
        ("동 주민자치", "dong resident autonomy"),
        ("골목 돌봄", "neighbourhood care"),
        ("마을 의제 발굴", "village agenda setting"),
    ),
}
_ACTIONS: tuple[tuple[str, str], ...] = (
    ("지원사업", "support programme"),
    ("공모사업", "open call"),
    ("네트워크 구축", "network building"),
    ("운영", "operation"),
    ("활성화 사업", "promotion"),
)
# Near-duplicate variants of a title (Korean suffix, English suffix).
_VARIANTS: tuple[tuple[str, str], ...] = (
    ("", ""),
    (" (연계)", " (linked)"),
    (" 2단계", " phase 2"),
    (" 시범", " pilot"),
)
# How another department words the same project (Korean only; the English title stays a gloss of
# the original): other wordings of the action, a different spacing of compound topics, a
# department's framing before the title, the action put first, and the variant suffix above.
_ACTION_WORDINGS: dict[str, tuple[str, ...]] = {
    "지원사업": ("지원 사업", "지원 프로그램", "지원"),
    "공모사업": ("공모 지원", "주민 공모", "공모"),
    "네트워크 구축": ("네트워크 조성", "연계망 구축", "네트워크 운영"),
    "운영": ("운영 지원", "상시 운영", "운영 사업"),
    "활성화 사업": ("활성화 지원", "활성화 프로젝트", "활성화"),
}
_FRAMINGS: tuple[str, ...] = ("찾아가는", "주민과 함께하는", "우리 동네", "함께 만드는", "제2차")
# Whom a project serves (Korean, English). Projects of one gu with the same topic and action
# serve different people unless they are a planted duplicate group, so that two projects share a
# title only when they are labelled duplicates ("협치 교육 for elders" and "... for youth" are
# near-misses, not duplicates).
_TARGETS: tuple[tuple[str, str], ...] = (
    ("어르신", "older people"),
    ("청소년", "teenagers"),
    ("아동", "children"),
    ("1인가구", "single households"),
    ("다문화가족", "multicultural families"),
    ("장애인", "people with disabilities"),
    ("소상공인", "small businesses"),
    ("여성", "women"),
    ("청년", "young adults"),
    ("마을활동가", "village activists"),
    ("주민", "residents"),
    ("신중년", "people in their fifties and sixties"),
)
_WORDING_STREAM = 14  # the wording draws come from their own stream: other columns are unchanged
# Main strategies of each policy task (the rest are drawn uniformly).
_TASK_STRATEGIES: dict[str, tuple[str, ...]] = {
    "T1": ("S1", "S4"),
    "T2": ("S2", "S3"),
    "T3": ("S2", "S5"),
    "T4": ("S1", "S6"),
    "T5": ("S6", "S7"),
}


@dataclass(frozen=True)
class InventoryParams:
    """Documented parameters of :func:`generate_inventory`.

    Attributes
    ----------
    n_projects, total_budget_mkrw : int
        Projects and their total budget (million KRW): 1,126 and 7,661,500 (2016-PR-24).
    n_smg_grant, smg_grant_budget_mkrw : int
        SMG-grant projects and their budget: 920 and 6,060,700 (2016-PR-24).
    joint_share : float
        Share of the non-SMG-grant projects that are joint SMG-borough ones (rest borough own).
    years : tuple of int
        Years the projects are spread over, uniformly.
    population_exponent : float
        Projects per gu are proportional to ``population ** exponent`` times log-normal noise of
        sd ``gu_noise_sd``.
    budget_sigma : float
        Log-normal shape of the budget weights (about 1.1 gives a top 10 % holding ~40 % of money).
    task_shares : tuple of float
        Shares of the policy tasks T1..T5.
    strategy_focus : float
        Probability that a project's strategy is one of its task's main strategies.
    duplicate_share : float
        Target share of projects that belong to a near-duplicate group.
    duplicate_sizes, duplicate_size_probs : tuple
        Group sizes (2-4) and their probabilities.
    """

    n_projects: int = 1126
    total_budget_mkrw: int = 7_661_500
    n_smg_grant: int = 920
    smg_grant_budget_mkrw: int = 6_060_700
    joint_share: float = 0.4
    years: tuple[int, ...] = (2014, 2015, 2016)
    population_exponent: float = 1.0
    gu_noise_sd: float = 0.2
    budget_sigma: float = 1.1
    task_shares: tuple[float, ...] = (0.15, 0.15, 0.2, 0.2, 0.3)
    strategy_focus: float = 0.7
    duplicate_share: float = 0.12
    duplicate_sizes: tuple[int, ...] = field(default=(2, 3, 4))
    duplicate_size_probs: tuple[float, ...] = field(default=(0.6, 0.3, 0.1))

    def check(self) -> None:
        """Raise :class:`ParameterError` if the parameters are inconsistent."""
        if not 0 < self.n_smg_grant <= self.n_projects:
            raise ParameterError("n_smg_grant must be in 1..n_projects")
        if not 0 < self.smg_grant_budget_mkrw <= self.total_budget_mkrw:
            raise ParameterError("smg_grant_budget_mkrw must be in 1..total_budget_mkrw")
        if self.smg_grant_budget_mkrw < self.n_smg_grant:
            raise ParameterError("each SMG-grant project needs at least 1 million KRW")
        n_other = self.n_projects - self.n_smg_grant
        if self.total_budget_mkrw - self.smg_grant_budget_mkrw < n_other:
            raise ParameterError("each other project needs at least 1 million KRW")
        if n_other == 0 and self.total_budget_mkrw != self.smg_grant_budget_mkrw:
            raise ParameterError("with no other projects the SMG-grant budget must be the total")
        if len(self.task_shares) != len(POLICY_TASKS) or min(self.task_shares) < 0:
            raise ParameterError(f"task_shares needs {len(POLICY_TASKS)} non-negative shares")
        if not 0 <= self.duplicate_share < 0.5:
            raise ParameterError("duplicate_share must be in [0, 0.5)")
        if len(self.duplicate_sizes) != len(self.duplicate_size_probs):
            raise ParameterError("duplicate_sizes and duplicate_size_probs differ in length")
        if not self.years:
            raise ParameterError("years must not be empty")


def _targets(
    gu_idx: np.ndarray,
    task: np.ndarray,
    topic: np.ndarray,
    action: np.ndarray,
    group: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Index into :data:`_TARGETS` per project: one per planted group, distinct within a gu's
    projects of the same topic and action (while there are targets enough)."""
    target = np.zeros(len(gu_idx), dtype=int)
    buckets: dict[tuple, dict[str, list[int]]] = {}
    for i, key in enumerate(zip(gu_idx, task, topic, action, strict=True)):
        unit = group[i] or f"#{i}"
        buckets.setdefault(key, {}).setdefault(unit, []).append(i)
    for units in buckets.values():
        order = rng.permutation(len(_TARGETS))
        for k, rows in enumerate(units.values()):
            target[rows] = order[k % len(_TARGETS)]
    return target


def _reword(
    gu: str, topic: str, action: str, suffix: str, target: int, rng: np.random.Generator
) -> str:
    """The title ``gu target topic action``; for a variant (``suffix`` given, possibly empty of
    text but not the original) another department's wording: one to three of five rewordings."""
    who = _TARGETS[target][0]
    if not suffix:
        return f"{gu} {who} {topic} {action}"
    kinds = rng.permutation(5)[: int(rng.integers(1, 4))]
    head = ""
    if 0 in kinds:
        options = _ACTION_WORDINGS[action]
        action = options[int(rng.integers(len(options)))]
    if 1 in kinds:
        topic = topic.replace(" ", "") if " " in topic else " ".join(topic.split())
        if topic == "마을공동체":
            topic = "마을 공동체"
        elif topic == "민관협치회의":
            topic = "민관 협치 회의"
    if 2 in kinds:
        head = _FRAMINGS[int(rng.integers(len(_FRAMINGS)))] + " "
    body = f"{action}({who} {topic})" if 3 in kinds else f"{who} {topic} {action}"
    return f"{gu} {head}{body}{suffix if 4 in kinds else ''}"


def generate_inventory(seed: int = 20161126, params: InventoryParams | None = None) -> pd.DataFrame:
    """Draw the synthetic CG project inventory.

    Parameters
    ----------
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same table.
    params : InventoryParams, optional
        Generator parameters (default: the report's totals).

    Returns
    -------
    DataFrame
        Columns :data:`INVENTORY_COLUMNS`: ``project_id`` ("P0001"...), ``title_ko``,
        ``title_en``, ``gu_code`` (adm_code, int), ``gu_name`` (Korean), ``policy_task`` (T1-T5),
        ``strategy`` (S1-S7), ``funding_source`` (smg_grant / borough_own / joint),
        ``department`` (Korean), ``year``, ``budget_mkrw`` (int, million KRW),
        ``duplicate_group`` (``"D001"``... or missing), ``data_label`` (``"synthetic"``).

    Examples
    --------
    >>> inv = generate_inventory(seed=7)
    >>> int((inv["funding_source"] == "smg_grant").sum())
    920
    >>> int(inv.loc[inv["funding_source"] == "smg_grant", "budget_mkrw"].sum())
    6060700
    """
    p = params or InventoryParams()
    p.check()
    rng = np.random.default_rng(seed)
    districts = load_districts()
    n = p.n_projects

    # Projects per gu: proportional to population^exponent with noise, every gu at least one.
    gu_weights = districts["pop_total_2017q1"].to_numpy(float) ** p.population_exponent
    gu_weights = gu_weights * rng.lognormal(0.0, p.gu_noise_sd, len(districts))
    per_gu = apportion(n, gu_weights, minimum=1 if n >= len(districts) else 0)
    gu_idx = np.repeat(np.arange(len(districts)), per_gu)

    tasks = np.array(list(POLICY_TASKS))
    shares = np.asarray(p.task_shares, float)
    task = tasks[rng.choice(len(tasks), size=n, p=shares / shares.sum())]
    strategies = np.array(list(STRATEGIES))
    focus = rng.random(n) < p.strategy_focus
    main = np.array([_TASK_STRATEGIES[t][rng.integers(2)] for t in task])
    strategy = np.where(focus, main, strategies[rng.integers(len(strategies), size=n)])
    topic = rng.integers(4, size=n)
    action = rng.integers(len(_ACTIONS), size=n)
    variant = np.zeros(n, dtype=int)
    department = rng.integers(len(_DEPARTMENTS), size=n)
    year = np.asarray(p.years)[rng.integers(len(p.years), size=n)]

    # Funding source: exactly n_smg_grant SMG grants; the rest joint or borough own.
    smg = np.zeros(n, dtype=bool)
    smg[rng.choice(n, size=p.n_smg_grant, replace=False)] = True
    other = np.flatnonzero(~smg)
    joint = np.zeros(n, dtype=bool)
    n_joint = round(p.joint_share * len(other))
    joint[rng.choice(other, size=n_joint, replace=False)] = True
    source = np.where(smg, "smg_grant", np.where(joint, "joint", "borough_own"))

    # Near-duplicate groups: same gu, task, topic and action; different departments and years
    # close together; each variant is the original reworded by its department (_reword).
    group = np.full(n, "", dtype=object)
    free = np.ones(n, dtype=bool)
    target = round(p.duplicate_share * n)
    n_grouped, g = 0, 0
    for start in rng.permutation(n):
        if n_grouped >= target:
            break
        if not free[start]:
            continue
        size = int(rng.choice(p.duplicate_sizes, p=p.duplicate_size_probs))
        mates = np.flatnonzero(free & (gu_idx == gu_idx[start]))
        mates = mates[mates != start]
        if len(mates) < size - 1:
            continue
        members = np.concatenate([[start], rng.choice(mates, size=size - 1, replace=False)])
        g += 1
        group[members] = f"D{g:03d}"
        free[members] = False
        n_grouped += size
        task[members] = task[start]
        strategy[members] = strategy[start]
        topic[members] = topic[start]
        action[members] = action[start]
        variant[members] = [0, *(1 + rng.permutation(len(_VARIANTS) - 1)[: size - 1])]
        department[members] = rng.choice(len(_DEPARTMENTS), size=size, replace=False)

    # Budgets: log-normal weights, apportioned to the exact totals within each funding class.
    raw = rng.lognormal(0.0, p.budget_sigma, n)
    budget = np.zeros(n, dtype=np.int64)
    budget[smg] = apportion(p.smg_grant_budget_mkrw, raw[smg], minimum=1)
    if (~smg).any():
        budget[~smg] = apportion(p.total_budget_mkrw - p.smg_grant_budget_mkrw, raw[~smg], 1)

    names = districts["name_ko"].to_numpy()
    template = [
        f"{names[gi]} {_TOPICS[t][tp][0]} {_ACTIONS[a][0]}{_VARIANTS[v][0]}"
        for gi, t, tp, a, v in zip(gu_idx, task, topic, action, variant, strict=True)
    ]
    wording = np.random.default_rng([seed, _WORDING_STREAM])
    target = _targets(gu_idx, task, topic, action, group, wording)
    rows = list(zip(gu_idx, task, topic, action, variant, target, strict=True))
    title_ko = [
        _reword(names[gi], _TOPICS[t][tp][0], _ACTIONS[a][0], _VARIANTS[v][0], tg, wording)
        for gi, t, tp, a, v, tg in rows
    ]
    names_en = districts["name_en"].to_numpy()
    title_en = [
        f"{names_en[gi]} {_TOPICS[t][tp][1]} {_ACTIONS[a][1]} ({_TARGETS[tg][1]}){_VARIANTS[v][1]}"
        for gi, t, tp, a, v, tg in rows
    ]
    df = pd.DataFrame(
        {
            "title_ko": title_ko,
            "title_en": title_en,
            "_template": template,
            "gu_code": districts["adm_code"].to_numpy()[gu_idx].astype(np.int64),
            "gu_name": names[gu_idx],
            "policy_task": task,
            "strategy": strategy,
            "funding_source": source,
            "department": [_DEPARTMENTS[d][0] for d in department],
            "year": year.astype(np.int64),
            "budget_mkrw": budget,
            "duplicate_group": pd.array(
                [x if x else None for x in group], dtype=pd.StringDtype(na_value=np.nan)
            ),
        }
    )
    # sorted by the template title, so that the rewording keeps the rows (and ids) in place
    df = df.sort_values(["gu_code", "year", "_template", "department"], kind="stable")
    df.insert(0, "project_id", [f"P{i:04d}" for i in range(1, n + 1)])
    df["data_label"] = SYNTHETIC_LABEL
    return df.reset_index(drop=True)[list(INVENTORY_COLUMNS)]

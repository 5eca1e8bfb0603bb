"""Synthetic action-task register for the monitoring system (labelled synthetic).

Tasks are modelled on the action plans of the Seoul Compact and civil-democracy master plan
reports (only their headings are public): each has an owner party, a policy task (T1-T5) and a
strategy (S1-S7) of :mod:`cgresearch.vocabulary`, an indicator with a baseline in 2021 and a target
for 2025, and a measured value for each monitored year. Each task moves at its own pace (a draw
around the planned straight line), so the traffic lights show every colour; one task reports
nothing in the last year.

Examples
--------
>>> from cgresearch.data.synth.monitoring import generate_register
>>> reg = generate_register(seed=1)
>>> len(reg), reg["data_label"].unique().tolist()
(18, ['synthetic'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgresearch.data.synth._common import SYNTHETIC_LABEL
from cgresearch.errors import ParameterError

__all__ = ["REGISTER_TASKS", "generate_register"]

#: (task_id, owner, goal, strategy, task_ko, task_en, indicator, unit, baseline, target)
REGISTER_TASKS: tuple[tuple[str, str, str, str, str, str, str, str, float, float], ...] = (
    (
        "A01",
        "smg",
        "T1",
        "S2",
        "공무원 협치 교육 확대",
        "CG training for officials",
        "교육 이수 공무원 수",
        "명",
        120,
        600,
    ),
    (
        "A02",
        "joint",
        "T1",
        "S4",
        "협치 인식 공론장 운영",
        "Public forums on CG",
        "공론장 개최 수",
        "회",
        4,
        20,
    ),
    (
        "A03",
        "cso",
        "T1",
        "S1",
        "시민사회 신뢰 회복",
        "Rebuilding civil-society trust",
        "시민사회 신뢰도",
        "%",
        38,
        55,
    ),
    (
        "A04",
        "smg",
        "T2",
        "S2",
        "부서별 협치 사업 전환",
        "Turning department projects into CG",
        "협치형 전환 사업 수",
        "건",
        10,
        60,
    ),
    (
        "A05",
        "smg",
        "T2",
        "S3",
        "온라인 정책 제안 회신 단축",
        "Faster answers to online proposals",
        "평균 회신 기간",
        "일",
        30,
        14,
    ),
    (
        "A06",
        "gu",
        "T2",
        "S6",
        "자치구 협치계획 수립",
        "Gu CG plans adopted",
        "계획 수립 자치구 수",
        "개",
        12,
        25,
    ),
    (
        "A07",
        "smg",
        "T3",
        "S2",
        "협치 조례 정비",
        "Revising CG ordinances",
        "정비 조례 수",
        "건",
        2,
        12,
    ),
    (
        "A08",
        "joint",
        "T3",
        "S5",
        "시민참여예산 확대",
        "Larger citizen participatory budget",
        "시민참여예산 규모",
        "억원",
        500,
        700,
    ),
    (
        "A09",
        "smg",
        "T3",
        "S5",
        "재정 정보 공개",
        "Open fiscal information",
        "공개 사업 비율",
        "%",
        55,
        90,
    ),
    (
        "A10",
        "joint",
        "T4",
        "S1",
        "민관 파트너십 사업",
        "Public-private partnership projects",
        "파트너십 사업 수",
        "건",
        15,
        45,
    ),
    (
        "A11",
        "cso",
        "T4",
        "S1",
        "중간지원조직 역량 강화",
        "Intermediary organisations' capacity",
        "역량 진단 점수",
        "점",
        52,
        75,
    ),
    (
        "A12",
        "smg",
        "T4",
        "S3",
        "디지털 민주주의 플랫폼",
        "Digital democracy platform",
        "플랫폼 월 이용자",
        "천 명",
        40,
        150,
    ),
    (
        "A13",
        "gu",
        "T5",
        "S6",
        "민관협치회의 운영 내실화",
        "Stronger borough CG committees",
        "회의 안건 정책 반영률",
        "%",
        30,
        60,
    ),
    (
        "A14",
        "gu",
        "T5",
        "S7",
        "주민자치회 전면 시행",
        "Resident autonomy councils everywhere",
        "주민자치회 시행 동 수",
        "동",
        180,
        426,
    ),
    (
        "A15",
        "joint",
        "T5",
        "S7",
        "마을 공동체 활동",
        "Village community activities",
        "활동 공동체 수",
        "개",
        900,
        1400,
    ),
    (
        "A16",
        "gu",
        "T5",
        "S6",
        "동 단위 계획 수립",
        "Dong-level plans",
        "계획 수립 동 수",
        "동",
        60,
        200,
    ),
    (
        "A17",
        "smg",
        "T2",
        "S4",
        "숙의 안건 정책 반영",
        "Deliberation outcomes in policy",
        "반영된 숙의 안건 수",
        "건",
        3,
        15,
    ),
    (
        "A18",
        "cso",
        "T3",
        "S5",
        "예산 감시 활동",
        "Citizen budget monitoring",
        "감시 보고서 수",
        "건",
        5,
        20,
    ),
)


def generate_register(
    seed: int = 20260413,
    baseline_year: int = 2021,
    target_year: int = 2025,
    years: tuple[int, ...] = (2022, 2023, 2024),
) -> pd.DataFrame:
    """Draw the synthetic register: one row per task of :data:`REGISTER_TASKS`.

    Parameters
    ----------
    seed : int
        Seed of the random generator.
    baseline_year, target_year : int
        Every task's baseline and target year.
    years : tuple of int
        Monitored years (one ``value_YYYY`` column each), within the two above.

    Returns
    -------
    DataFrame
        Columns ``task_id, task_ko, task_en, owner, goal, strategy, indicator, unit,
        baseline_year, baseline, target_year, target, value_YYYY..., data_label``.

    Examples
    --------
    >>> r = generate_register(seed=2)
    >>> [c for c in r.columns if c.startswith("value_")]
    ['value_2022', 'value_2023', 'value_2024']
    """
    if target_year <= baseline_year or any(not baseline_year < y <= target_year for y in years):
        raise ParameterError(
            "generate_register: need baseline_year < each monitored year <= target_year"
        )
    rng = np.random.default_rng(seed)
    cols = ("task_id", "owner", "goal", "strategy", "task_ko", "task_en", "indicator", "unit")
    rows = []
    span = target_year - baseline_year
    for k, task in enumerate(REGISTER_TASKS):
        row: dict[str, object] = dict(zip(cols, task[:8], strict=True))
        base, target = float(task[8]), float(task[9])
        row.update(
            baseline_year=baseline_year, baseline=base, target_year=target_year, target=target
        )
        pace = float(np.clip(rng.normal(0.95, 0.35), 0.1, 1.6))  # 1 = on the planned line
        for y in years:
            share = pace * (y - baseline_year) / span + rng.normal(0.0, 0.04)
            value = base + (target - base) * share
            decimals = 0 if abs(target - base) >= 10 else 1
            row[f"value_{y}"] = round(value, decimals)
        if k == len(REGISTER_TASKS) - 1:
            row[f"value_{years[-1]}"] = np.nan  # one task has not reported yet
        rows.append(row)
    out = pd.DataFrame(rows)
    out["data_label"] = SYNTHETIC_LABEL
    return out

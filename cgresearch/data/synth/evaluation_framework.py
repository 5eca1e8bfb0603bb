"""The CG evaluation framework behind the synthetic panel: pillars, indicators, TOML and iMeta.

:data:`EVALUATION_PILLARS` and :data:`EVALUATION_INDICATORS` define the index ``CGI`` → 6 pillars →
33 indicators (29 synthetic, 4 real) with labels, units, directions, sources and targets;
:func:`framework_frame`, :func:`evaluation_meta` (COINr ``iMeta``) and :func:`framework_toml`
(the text of ``data/evaluation/framework.toml``) write it out. The generator of the values is
:mod:`cgresearch.data.synth.evaluation`.

Examples
--------
>>> len(EVALUATION_INDICATORS), [p.code for p in EVALUATION_PILLARS][:2]
(33, ['PLAN', 'BCGC'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "EVALUATION_INDICATORS",
    "EVALUATION_PILLARS",
    "IndicatorSpec",
    "Pillar",
    "evaluation_meta",
    "framework_frame",
    "framework_toml",
]


@dataclass(frozen=True)
class Pillar:
    """A pillar of the CG evaluation index (level 2 under the index ``CGI``)."""

    code: str
    name_ko: str
    name_en: str
    weight: float


#: The pillars of the index, after the source reports (7th-term evaluation system, Compact).
EVALUATION_PILLARS: tuple[Pillar, ...] = (
    Pillar("PLAN", "지역사회혁신계획 수립 품질", "LCGIP plan quality", 1.0),
    Pillar("BCGC", "민관협치회의 운영", "Borough CG committee operation", 1.0),
    Pillar("PART", "주민 참여", "Participation", 1.0),
    Pillar("PTNR", "파트너십과 성과", "Partnership and outcomes", 1.0),
    Pillar("CMPT", "서울협치약속 이행", "Seoul Compact implementation", 1.0),
    Pillar("CTX", "지역 여건(실제 자료)", "Local capacity (real data)", 0.5),
)


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: its code, pillar, labels, unit, direction and how it is generated.

    ``lo``/``hi`` bound the synthetic values (the latent score is mapped by a normal CDF into
    ``[lo, hi]``); ``decimals`` rounds them; ``source`` is ``"synthetic"`` or the real column it is
    read from. ``target`` is the policy target in the indicator's unit, if any.
    """

    code: str
    pillar: str
    name_ko: str
    name_en: str
    unit: str
    direction: int
    lo: float = 0.0
    hi: float = 100.0
    decimals: int = 1
    source: str = "synthetic"
    target: float | None = None
    weight: float = 1.0


def _i(*args: object, **kw: object) -> IndicatorSpec:
    return IndicatorSpec(*args, **kw)  # type: ignore[arg-type]


#: The indicators, pillar by pillar (29 synthetic + 4 real).
EVALUATION_INDICATORS: tuple[IndicatorSpec, ...] = (
    # PLAN: LCGIP plan quality
    _i(
        "plan_review",
        "PLAN",
        "계획 전문가 검토 점수",
        "Expert review score of the plan",
        "점(0-100)",
        1,
        45,
        95,
        1,
        target=85.0,
    ),
    _i(
        "plan_goal_link",
        "PLAN",
        "전략목표 연계 사업 비율",
        "Projects linked to strategic goals",
        "%",
        1,
        40,
        100,
        1,
        target=90.0,
    ),
    _i(
        "plan_resident_items",
        "PLAN",
        "주민 제안 반영 사업 수",
        "Resident proposals in the plan",
        "건",
        1,
        2,
        40,
        0,
    ),
    _i(
        "plan_execution",
        "PLAN",
        "예산 집행률",
        "Budget execution rate",
        "%",
        1,
        60,
        99,
        1,
        target=95.0,
    ),
    _i(
        "plan_delayed", "PLAN", "지연 사업 비율", "Delayed projects", "%", -1, 2, 40, 1, target=10.0
    ),
    _i(
        "plan_revisions",
        "PLAN",
        "계획 중도 변경 건수",
        "Mid-year plan revisions",
        "건",
        -1,
        0,
        12,
        0,
    ),
    # BCGC: borough CG committee operation
    _i(
        "bcgc_established",
        "BCGC",
        "민관협치회의 설치",
        "Borough CG committee set up (1 = yes)",
        "0/1",
        1,
        0,
        1,
        0,
        source="governance_budget_facts S21;S22",
    ),
    _i(
        "bcgc_meetings",
        "BCGC",
        "연간 회의 개최 수",
        "Committee meetings per year",
        "회",
        1,
        2,
        14,
        0,
        target=12.0,
    ),
    _i("bcgc_attendance", "BCGC", "위원 출석률", "Member attendance", "%", 1, 50, 98, 1),
    _i(
        "bcgc_civil_share",
        "BCGC",
        "민간위원 비율",
        "Civil members of the committee",
        "%",
        1,
        30,
        75,
        1,
        target=50.0,
    ),
    _i(
        "bcgc_agenda_adopted",
        "BCGC",
        "안건 정책 반영률",
        "Agenda items adopted into policy",
        "%",
        1,
        10,
        80,
        1,
    ),
    _i("bcgc_staff", "BCGC", "협치 전담 인력", "Dedicated CG staff", "명(FTE)", 1, 0.5, 6, 1),
    # PART: participation
    _i(
        "part_pb_proposals",
        "PART",
        "주민참여예산 제안 수(인구 1만 명당)",
        "PB proposals per 10,000 residents",
        "건/1만 명",
        1,
        0.5,
        8,
        2,
    ),
    _i(
        "part_pb_voters",
        "PART",
        "주민참여예산 투표 참여율",
        "Residents voting in PB",
        "%",
        1,
        0.5,
        9,
        2,
        target=5.0,
    ),
    _i(
        "part_forum",
        "PART",
        "공론장 참여자(인구 1만 명당)",
        "Forum participants per 10,000",
        "명/1만 명",
        1,
        5,
        80,
        1,
    ),
    _i("part_youth", "PART", "청년 참여자 비율", "Participants aged 19-34", "%", 1, 8, 35, 1),
    _i("part_new", "PART", "신규 참여자 비율", "First-time participants", "%", 1, 15, 60, 1),
    _i(
        "part_online",
        "PART",
        "온라인 플랫폼 이용자(인구 1만 명당)",
        "Online platform users per 10,000",
        "명/1만 명",
        1,
        20,
        400,
        0,
    ),
    # PTNR: partnership and outcomes
    _i(
        "ptnr_npo",
        "PTNR",
        "등록 비영리민간단체(인구 10만 명당)",
        "Registered NPOs per 100,000",
        "개/10만 명",
        1,
        0,
        0,
        1,
    ),  # skewed: drawn log-normally (see _npo)
    _i(
        "ptnr_joint_projects",
        "PTNR",
        "민관 공동 사업 수",
        "Joint public-civil projects",
        "건",
        1,
        3,
        45,
        0,
    ),
    _i(
        "ptnr_private_funds",
        "PTNR",
        "민간 매칭 재원",
        "Private matching funds",
        "억원",
        1,
        0.1,
        6,
        2,
    ),
    _i(
        "ptnr_satisfaction",
        "PTNR",
        "협치 만족도(1-5점)",
        "Satisfaction with CG (1-5)",
        "점",
        1,
        2.4,
        4.3,
        2,
        target=4.0,
    ),
    _i("ptnr_trust", "PTNR", "구청 신뢰도", "Trust in the gu office", "%", 1, 25, 70, 1),
    _i(
        "ptnr_outcomes",
        "PTNR",
        "성과목표 달성률",
        "Outcome targets achieved",
        "%",
        1,
        35,
        95,
        1,
        target=80.0,
    ),
    # CMPT: Seoul Compact implementation
    _i(
        "cmpt_tasks_done",
        "CMPT",
        "협치약속 실천과제 완료율",
        "Compact action tasks completed",
        "%",
        1,
        20,
        95,
        1,
        target=80.0,
    ),
    _i(
        "cmpt_reports",
        "CMPT",
        "이행 점검 보고 횟수",
        "Monitoring reports published",
        "회",
        1,
        0,
        4,
        0,
    ),
    _i(
        "cmpt_training",
        "CMPT",
        "공무원 협치 교육 시간(1인당)",
        "CG training hours per official",
        "시간",
        1,
        1,
        16,
        1,
    ),
    _i(
        "cmpt_disclosure",
        "CMPT",
        "협치 정보 공개율",
        "CG information disclosed",
        "%",
        1,
        40,
        100,
        1,
    ),
    _i(
        "cmpt_feedback_days",
        "CMPT",
        "시민 제안 회신 기간",
        "Days to answer a citizen proposal",
        "일",
        -1,
        5,
        45,
        0,
        target=14.0,
    ),
    _i(
        "cmpt_cso_consulted",
        "CMPT",
        "시민사회 협의 안건 비율",
        "Agenda items consulted with CSOs",
        "%",
        1,
        10,
        70,
        1,
    ),
    # CTX: real data (districts.csv)
    _i(
        "ctx_fiscal_indep",
        "CTX",
        "재정자립도",
        "Fiscal independence",
        "%",
        1,
        source="districts.csv fiscal_independence_pct_kosis_year_unverified (S08)",
    ),
    _i(
        "ctx_share_65plus",
        "CTX",
        "65세 이상 인구 비율",
        "Residents aged 65+",
        "%",
        -1,
        source="districts.csv share_65plus_2017q1_pct (S04)",
    ),
    _i(
        "ctx_density",
        "CTX",
        "인구 밀도",
        "Population density",
        "명/km²",
        1,
        source="districts.csv pop_total_2017q1 / area_km2_2014 (S04, S05)",
    ),
)


def framework_frame() -> pd.DataFrame:
    """The evaluation framework as a table (index ``CGI`` → pillars → indicators).

    Columns ``code, name_ko, name_en, level, parent, direction, weight, unit, source, target,
    type`` (level 1 = indicator, 2 = pillar, 3 = index, COINr's convention).

    Examples
    --------
    >>> f = framework_frame()
    >>> int((f["level"] == 1).sum()), int((f["level"] == 2).sum())
    (33, 6)
    """
    rows: list[dict[str, object]] = [
        dict(
            code="CGI",
            name_ko="협치 종합지수",
            name_en="CG composite index",
            level=3,
            parent="",
            direction=1,
            weight=1.0,
            unit="",
            source="",
            target=np.nan,
            type="Aggregate",
        )
    ]
    for p in EVALUATION_PILLARS:
        rows.append(
            dict(
                code=p.code,
                name_ko=p.name_ko,
                name_en=p.name_en,
                level=2,
                parent="CGI",
                direction=1,
                weight=p.weight,
                unit="",
                source="",
                target=np.nan,
                type="Aggregate",
            )
        )
    for s in EVALUATION_INDICATORS:
        rows.append(
            dict(
                code=s.code,
                name_ko=s.name_ko,
                name_en=s.name_en,
                level=1,
                parent=s.pillar,
                direction=s.direction,
                weight=s.weight,
                unit=s.unit,
                source=s.source,
                target=np.nan if s.target is None else s.target,
                type="Indicator",
            )
        )
    return pd.DataFrame(rows)


def evaluation_meta() -> pd.DataFrame:
    """The framework as a COINr ``iMeta`` table (``Level, iCode, iName, Direction, Weight,
    Parent, Type`` + ``iName_ko, Unit, Source, Target``), for researchers who use COINr.

    Examples
    --------
    >>> evaluation_meta().columns.tolist()[:3]
    ['Level', 'iCode', 'iName']
    """
    f = framework_frame()
    return pd.DataFrame(
        {
            "Level": f["level"],
            "iCode": f["code"],
            "iName": f["name_en"],
            "iName_ko": f["name_ko"],
            "Direction": f["direction"].where(f["level"] == 1),
            "Weight": f["weight"],
            "Parent": f["parent"].replace("", np.nan),
            "Type": f["type"],
            "Unit": f["unit"],
            "Source": f["source"],
            "Target": f["target"],
        }
    )


def framework_toml() -> str:
    """The framework as TOML text (``data/evaluation/framework.toml`` is written from it).

    Examples
    --------
    >>> framework_toml().splitlines()[0]
    '# CG evaluation framework of Seoul: index CGI -> 6 pillars -> 33 indicators.'
    """
    f = framework_frame()
    n_p, n_i = int((f["level"] == 2).sum()), int((f["level"] == 1).sum())
    out = [
        f"# CG evaluation framework of Seoul: index CGI -> {n_p} pillars -> {n_i} indicators.",
        "# Written by cgresearch.data.synth.evaluation.framework_toml(); edit that, not this.",
        "# source = 'synthetic': drawn by the seeded generator (no public per-gu data exists);",
        "# other sources are real columns of data/raw/seoul/ (see README there).",
        "",
    ]
    for row in f.itertuples(index=False):
        out.append("[[node]]")
        out.append(f'code = "{row.code}"')
        out.append(f'name_ko = "{row.name_ko}"')
        out.append(f'name_en = "{row.name_en}"')
        out.append(f"level = {row.level}")
        if row.parent:
            out.append(f'parent = "{row.parent}"')
        if row.level == 1:
            out.append(f"direction = {row.direction}")
        out.append(f"weight = {float(row.weight)!r}")
        if row.unit:
            out.append(f'unit = "{row.unit}"')
        if row.source:
            out.append(f'source = "{row.source}"')
        if not pd.isna(row.target):
            out.append(f"target = {float(row.target)!r}")
        out.append("")
    return "\n".join(out)

"""The vocabulary of the source reports: policy tasks, strategies, issues, respondent groups.

One place for the codes and their Korean and English labels, so that generators, loaders, models,
figures and notebooks speak alike. Sources: the English abstracts of the Seoul Institute reports in
the project's shared ``reports/`` folder ("Searching for the Way to Establish the 'Seoul-type
Governance'"; "Building a CG model for the local community"; "Master plan for developing civil
democracy"; "Strategic development schemes for community-based CG in the 7th mayoral term";
"Strategic management of the Seoul Compact").

Examples
--------
>>> from cgresearch.vocabulary import POLICY_TASKS, RESPONDENT_GROUPS
>>> POLICY_TASKS["T1"].en
'Sharing understanding of desirable CG and stimulating mutual trust'
>>> RESPONDENT_GROUPS["public"].ko
'공무원'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FUNDING_SOURCES",
    "GRADES",
    "PARTIES",
    "PENDING_ISSUES",
    "POLICY_TASKS",
    "RESPONDENT_GROUPS",
    "STRATEGIES",
    "Term",
]


@dataclass(frozen=True)
class Term:
    """A coded term with its Korean and English labels."""

    code: str
    ko: str
    en: str


def _terms(*rows: tuple[str, str, str]) -> dict[str, Term]:
    return {code: Term(code, ko, en) for code, ko, en in rows}


#: The five strategic policy tasks of "Collaborative Governance Seoul 2.0" (Seoul-type Governance).
POLICY_TASKS: dict[str, Term] = _terms(
    (
        "T1",
        "협치 인식 공유와 상호 신뢰",
        "Sharing understanding of desirable CG and stimulating mutual trust",
    ),
    ("T2", "협치로의 점진적 전환", "Seeking an incremental change towards CG"),
    ("T3", "협치 제도 기반 강화", "Strengthening institutional grounds for effective CG"),
    ("T4", "혁신적 민관 파트너십 모델", "Creating an innovative public-private partnership model"),
    ("T5", "지역·동네 기반 융합형 협치", "Establishing local, neighbourhood-based convergent CG"),
)

#: The seven strategies of the civil-democracy master plan (7th mayoral term).
STRATEGIES: dict[str, Term] = _terms(
    ("S1", "시민사회 생태계 조성", "Creating a civil-society ecosystem and enhancing vitality"),
    ("S2", "협치 기반 구조 혁신", "Foundation and structural innovation for governance-based SMG"),
    ("S3", "참여행정·디지털 민주주의", "Participatory administration and digital democracy"),
    ("S4", "서울형 숙의 시스템·공론장", "A Seoul-type deliberation system and public sphere"),
    ("S5", "재정 민주주의", "A wider and deeper fiscal democracy"),
    ("S6", "지역사회 협치 2.0", "Upgrading to Community Governance 2.0"),
    ("S7", "마을 민주주의·주민자치", "Village democracy and citizen autonomy"),
)

#: The five pending issues of local CG (local CG model report).
PENDING_ISSUES: dict[str, Term] = _terms(
    ("P1", "서울시 주도 하향식 정책 과정", "SMG-led top-down policy process"),
    ("P2", "정책·사업의 파편화와 중복", "Fragmentation and duplication of policies and projects"),
    ("P3", "공공 주도 협치의 비논리성", "'Illogicality' of public-sector-led CG projects"),
    ("P4", "참여 기회와 역량 부족", "Lack of participation opportunities and local capacity"),
    ("P5", "형식주의로 인한 실효성 부족", "Lack of efficacy due to tokenism"),
)

#: Respondent groups of the perception and policy-demand surveys.
RESPONDENT_GROUPS: dict[str, Term] = _terms(
    ("public", "공무원", "Public officials"),
    ("cso", "시민사회단체", "Civil-society organisations"),
    ("resident", "주민", "Residents"),
)

#: Funding sources of CG projects (local CG model report's inventory).
FUNDING_SOURCES: dict[str, Term] = _terms(
    ("smg_grant", "서울시 보조금", "SMG grant"),
    ("borough_own", "자치구 자체", "Borough own"),
    ("joint", "시·구 공동", "Joint SMG-borough"),
)

#: Parties that own an action task of the Seoul Compact / master-plan action registers.
PARTIES: dict[str, Term] = _terms(
    ("smg", "서울시", "Seoul Metropolitan Government"),
    ("gu", "자치구", "Borough (gu) office"),
    ("cso", "시민사회", "Civil society"),
    ("joint", "민관 공동", "Joint public-civil"),
)

#: Performance grades of the performance-differentiated support (성과평가 및 차등지원), best first;
#: the keys of an envelope scenario's ``tiers`` (see ``scenarios/tiers_9_11.toml``).
GRADES: dict[str, Term] = _terms(
    ("가", "가", "Grade A (top)"),
    ("나", "나", "Grade B (middle)"),
    ("다", "다", "Grade C (bottom)"),
)

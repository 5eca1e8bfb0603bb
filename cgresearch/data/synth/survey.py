"""Synthetic microdata of a CG policy-demand and perception survey, with its codebook.

No microdata of the Seoul Institute surveys is public (data/raw/seoul/README.md, section 3), so this
module draws respondents from a stated design and a stated response model:

Design
    Stratified simple random sampling without replacement; strata = 25 gu x 3 groups (public
    officials of the gu office, members of civil-society organisations, adult residents). With
    ``x`` = the gu's 2017 Q1 population min-max scaled to 0-1 over the 25 gu, the stratum
    population ``N_h`` is ``round(1,000 + 1,000 x)`` public officials, ``round(100 + 300 x)`` CSO
    members and ``round(0.83 x population)`` adult residents. Sample sizes ``n_h`` are fixed per
    group (20 / 12 / 40 per gu, 1,800 in all). Hence ``weight = N_h / n_h`` and ``fpc = N_h``: the
    weights of a stratum sum to ``N_h``.
Responses
    Each construct (trust, CG perception, importance, performance) has one latent normal factor per
    respondent; an item is ``mean + group shift + gu effect + loading x factor + noise``, rounded
    and clipped to 1-5. Public officials sit higher on trust, CG perception and performance than
    CSO members and residents (the public-private gap). ``cg_3`` and ``cg_5`` are reverse-worded
    (stored as answered). Importance exceeds performance for most tasks, by different margins.
Non-response
    In every Likert item: code 8 (don't know), code 9 (refused) and blank (item non-response), with
    residents answering "don't know" more often.

Every row carries ``data_label = "synthetic"``. The returned table holds the raw codes (8, 9) as a
data file would; :func:`cgresearch.data.loaders.validate_survey` turns them into missing values.

Examples
--------
>>> from cgresearch.data.synth.survey import generate_survey
>>> s = generate_survey(seed=3)
>>> len(s), s["gu_code"].nunique(), sorted(s["group"].unique())
(1800, 25, ['cso', 'public', 'resident'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cgresearch.data.districts import load_districts
from cgresearch.data.synth._common import SYNTHETIC_LABEL
from cgresearch.errors import ParameterError
from cgresearch.vocabulary import POLICY_TASKS, RESPONDENT_GROUPS

__all__ = [
    "SURVEY_CODEBOOK",
    "SURVEY_COLUMNS",
    "CodebookItem",
    "SurveyParams",
    "codebook_frame",
    "generate_survey",
    "stratum_sizes",
]

_TASKS = tuple(POLICY_TASKS)
_GROUPS = tuple(RESPONDENT_GROUPS)

#: Columns of the generated survey, in order.
SURVEY_COLUMNS: tuple[str, ...] = (
    "resp_id",
    "gu_code",
    "gu_name",
    "group",
    "stratum",
    "weight",
    "fpc",
    "sex",
    "age_group",
    "tenure_years",
    *(f"trust_{i}" for i in range(1, 5)),
    *(f"cg_{i}" for i in range(1, 7)),
    *(f"imp_{t}" for t in _TASKS),
    *(f"perf_{t}" for t in _TASKS),
    "compact_aware",
    "data_label",
)


# --- codebook ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CodebookItem:
    """One survey variable: question, value labels, missing codes, reverse flag and construct."""

    name: str
    construct: str
    question_ko: str
    question_en: str
    labels_ko: dict[int, str] = field(default_factory=dict)
    labels_en: dict[int, str] = field(default_factory=dict)
    missing_codes: tuple[int, ...] = ()
    reverse: bool = False


_MISSING_KO = {8: "모름", 9: "무응답(거절)"}
_MISSING_EN = {8: "Don't know", 9: "Refused"}
_AGREE_KO = {1: "전혀 그렇지 않다", 2: "그렇지 않다", 3: "보통이다", 4: "그렇다", 5: "매우 그렇다"}
_AGREE_EN = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}
_IMP_KO = {
    1: "전혀 중요하지 않다",
    2: "중요하지 않다",
    3: "보통이다",
    4: "중요하다",
    5: "매우 중요하다",
}
_IMP_EN = {
    1: "Not at all important",
    2: "Not important",
    3: "Moderately important",
    4: "Important",
    5: "Very important",
}
_PERF_KO = {1: "매우 미흡", 2: "미흡", 3: "보통", 4: "우수", 5: "매우 우수"}
_PERF_EN = {1: "Very poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "Very good"}

_TRUST_Q = (
    ("구청과 시민사회는 서로 신뢰한다.", "The gu office and civil society trust each other."),
    (
        "구청은 시민사회의 의견을 성실히 반영한다.",
        "The gu office takes the views of civil society seriously.",
    ),
    ("시민사회는 구청의 정책 결정을 신뢰한다.", "Civil society trusts the gu office's decisions."),
    (
        "민관 사이에 정보가 투명하게 공유된다.",
        "Information is shared openly between the public and private sectors.",
    ),
)
_CG_Q = (
    ("우리 구의 협치는 정책의 질을 높인다.", "CG in our gu improves the quality of policy."),
    ("민관협치회의는 실질적인 권한을 가진다.", "The CG council has real decision power."),
    ("협치는 형식적인 절차에 그친다.", "CG is a mere formality (tokenism)."),
    (
        "주민과 단체가 정책 과정에 참여할 기회가 충분하다.",
        "Residents and organisations have enough chances to take part in policy making.",
    ),
    ("협치 사업은 서울시가 일방적으로 정한다.", "CG projects are decided top-down by the SMG."),
    ("협치 경험은 지역의 역량을 키운다.", "Taking part in CG builds local capacity."),
)
_REVERSED = frozenset({"cg_3", "cg_5"})


def _build_codebook() -> dict[str, CodebookItem]:
    book: dict[str, CodebookItem] = {
        "resp_id": CodebookItem("resp_id", "id", "응답자 번호", "Respondent id"),
        "gu_code": CodebookItem("gu_code", "design", "자치구 코드(행정표준)", "Gu code (MOIS)"),
        "gu_name": CodebookItem("gu_name", "design", "자치구", "Autonomous district (gu)"),
        "group": CodebookItem("group", "design", "응답자 집단", "Respondent group"),
        "stratum": CodebookItem("stratum", "design", "층(자치구 x 집단)", "Stratum (gu x group)"),
        "weight": CodebookItem("weight", "design", "설계 가중치 N_h/n_h", "Design weight N_h/n_h"),
        "fpc": CodebookItem("fpc", "design", "층 모집단 크기 N_h", "Stratum population size N_h"),
        "sex": CodebookItem(
            "sex", "demographic", "성별", "Sex", {1: "남성", 2: "여성"}, {1: "Male", 2: "Female"}
        ),
        "age_group": CodebookItem(
            "age_group",
            "demographic",
            "연령대",
            "Age group",
            {1: "18-29세", 2: "30-39세", 3: "40-49세", 4: "50-59세", 5: "60세 이상"},
            {1: "18-29", 2: "30-39", 3: "40-49", 4: "50-59", 5: "60+"},
        ),
        "tenure_years": CodebookItem(
            "tenure_years",
            "demographic",
            "근무·활동·거주 기간(년)",
            "Years in office / in the organisation / living in the gu",
        ),
    }
    for i, (ko, en) in enumerate(_TRUST_Q, start=1):
        name = f"trust_{i}"
        book[name] = CodebookItem(
            name,
            "trust",
            ko,
            en,
            {**_AGREE_KO, **_MISSING_KO},
            {**_AGREE_EN, **_MISSING_EN},
            (8, 9),
        )
    for i, (ko, en) in enumerate(_CG_Q, start=1):
        name = f"cg_{i}"
        book[name] = CodebookItem(
            name,
            "cg_perception",
            ko,
            en,
            {**_AGREE_KO, **_MISSING_KO},
            {**_AGREE_EN, **_MISSING_EN},
            (8, 9),
            name in _REVERSED,
        )
    for t, term in POLICY_TASKS.items():
        book[f"imp_{t}"] = CodebookItem(
            f"imp_{t}",
            "importance",
            f"[중요도] {term.ko}",
            f"[Importance] {term.en}",
            {**_IMP_KO, **_MISSING_KO},
            {**_IMP_EN, **_MISSING_EN},
            (8, 9),
        )
    for t, term in POLICY_TASKS.items():
        book[f"perf_{t}"] = CodebookItem(
            f"perf_{t}",
            "performance",
            f"[현재 수준] {term.ko}",
            f"[Current performance] {term.en}",
            {**_PERF_KO, **_MISSING_KO},
            {**_PERF_EN, **_MISSING_EN},
            (8, 9),
        )
    book["compact_aware"] = CodebookItem(
        "compact_aware",
        "compact",
        "서울협치협약(Seoul Compact)을 알고 계십니까?",
        "Do you know the Seoul Compact?",
        {1: "잘 알고 있다", 2: "들어본 적 있다", 3: "들어본 적 없다"},
        {1: "Know it well", 2: "Heard of it", 3: "Never heard of it"},
    )
    book["data_label"] = CodebookItem(
        "data_label", "provenance", "자료 구분(합성 자료)", "Data label (synthetic data)"
    )
    return book


#: Item -> :class:`CodebookItem` for every column of the survey (used for .sav value labels).
SURVEY_CODEBOOK: dict[str, CodebookItem] = _build_codebook()


def codebook_frame() -> pd.DataFrame:
    """Return the codebook as a table (one row per variable; value labels as ``1=...; 2=...``).

    Examples
    --------
    >>> codebook_frame().set_index("name").loc["cg_3", "reverse"]
    np.True_
    """
    rows = []
    for it in SURVEY_CODEBOOK.values():
        rows.append(
            {
                "name": it.name,
                "construct": it.construct,
                "question_ko": it.question_ko,
                "question_en": it.question_en,
                "labels_ko": "; ".join(f"{k}={v}" for k, v in it.labels_ko.items()),
                "labels_en": "; ".join(f"{k}={v}" for k, v in it.labels_en.items()),
                "missing_codes": ",".join(str(c) for c in it.missing_codes),
                "reverse": it.reverse,
            }
        )
    return pd.DataFrame(rows)


# --- parameters -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyParams:
    """Documented parameters of :func:`generate_survey` (design and response model).

    Attributes
    ----------
    n_per_gu : dict
        Sample size ``n_h`` per gu for each group (public 20, cso 12, resident 40).
    public_range, cso_range : tuple of int
        ``N_h`` of public officials / CSO members for the smallest and the largest gu (by 2017
        population); linear in population between them.
    resident_adult_share : float
        Adult residents ``N_h = round(share x population 2017 Q1)``.
    base_mean : dict
        Mean item score of residents per construct (trust, cg_perception) on the 1-5 scale.
    group_shift : dict
        Added to trust, CG perception and performance means per group (public officials higher:
        the public-private gap).
    importance_means, performance_means : tuple of float
        Means of importance and performance for tasks T1..T5 (residents' level).
    gu_sd : float
        Sd of the gu random effect added to every construct.
    factor_sd, noise_sd : float
        Sd of the latent construct factor and of the item noise (their ratio sets Cronbach's alpha).
    p_dont_know, p_refused, p_blank : float
        Per item probabilities of code 8, code 9 and a blank; residents' "don't know" is
        ``resident_dont_know_factor`` times higher.
    compact_probs : dict
        Probabilities of Seoul Compact awareness 1 / 2 / 3 per group.
    """

    n_per_gu: dict[str, int] = field(
        default_factory=lambda: {"public": 20, "cso": 12, "resident": 40}
    )
    public_range: tuple[int, int] = (1000, 2000)
    cso_range: tuple[int, int] = (100, 400)
    resident_adult_share: float = 0.83
    base_mean: dict[str, float] = field(
        default_factory=lambda: {"trust": 2.9, "cg_perception": 3.0}
    )
    group_shift: dict[str, float] = field(
        default_factory=lambda: {"public": 0.65, "cso": 0.0, "resident": -0.05}
    )
    importance_means: tuple[float, ...] = (4.2, 3.7, 4.0, 3.3, 4.1)
    performance_means: tuple[float, ...] = (2.7, 3.0, 2.8, 3.4, 2.9)
    gu_sd: float = 0.15
    factor_sd: float = 0.75
    noise_sd: float = 0.6
    p_dont_know: float = 0.025
    resident_dont_know_factor: float = 2.0
    p_refused: float = 0.01
    p_blank: float = 0.015
    compact_probs: dict[str, tuple[float, float, float]] = field(
        default_factory=lambda: {
            "public": (0.40, 0.45, 0.15),
            "cso": (0.35, 0.45, 0.20),
            "resident": (0.05, 0.30, 0.65),
        }
    )

    def check(self) -> None:
        """Raise :class:`ParameterError` if the parameters are inconsistent."""
        if set(self.n_per_gu) != set(_GROUPS) or min(self.n_per_gu.values()) < 2:
            raise ParameterError(f"n_per_gu needs each of {_GROUPS} with at least 2 respondents")
        if (
            self.public_range[0] < self.n_per_gu["public"]
            or self.cso_range[0] < self.n_per_gu["cso"]
        ):
            raise ParameterError("a stratum population N_h cannot be below its sample size n_h")
        if len(self.importance_means) != len(_TASKS) or len(self.performance_means) != len(_TASKS):
            raise ParameterError(f"importance/performance means need {len(_TASKS)} values")
        if self.p_dont_know * self.resident_dont_know_factor + self.p_refused + self.p_blank >= 1:
            raise ParameterError("non-response probabilities must sum below 1")


def stratum_sizes(params: SurveyParams | None = None) -> pd.DataFrame:
    """Return the design: one row per stratum with ``gu_code, gu_name, group, N_h, n_h``.

    Examples
    --------
    >>> st = stratum_sizes()
    >>> len(st), int(st["n_h"].sum())
    (75, 1800)
    """
    p = params or SurveyParams()
    d = load_districts()
    pop = d["pop_total_2017q1"].to_numpy(float)
    scale = (pop - pop.min()) / (pop.max() - pop.min())
    sizes = {
        "public": np.rint(p.public_range[0] + (p.public_range[1] - p.public_range[0]) * scale),
        "cso": np.rint(p.cso_range[0] + (p.cso_range[1] - p.cso_range[0]) * scale),
        "resident": np.rint(p.resident_adult_share * pop),
    }
    frames = [
        pd.DataFrame(
            {
                "gu_code": d["adm_code"].to_numpy(),
                "gu_name": d["name_ko"].to_numpy(),
                "group": g,
                "N_h": sizes[g].astype(np.int64),
                "n_h": np.int64(p.n_per_gu[g]),
            }
        )
        for g in _GROUPS
    ]
    out = pd.concat(frames, ignore_index=True)
    out["stratum"] = out["gu_code"].astype(str) + "_" + out["group"]
    order = out["group"].map({g: i for i, g in enumerate(_GROUPS)})
    return (
        out.assign(_o=order)
        .sort_values(["gu_code", "_o"])
        .drop(columns="_o")
        .reset_index(drop=True)[["stratum", "gu_code", "gu_name", "group", "N_h", "n_h"]]
    )


# --- generator --------------------------------------------------------------------------------
def _items(rng: np.random.Generator, centre: np.ndarray, k: int, p: SurveyParams) -> np.ndarray:
    """Return ``(n, k)`` integer 1-5 answers around ``centre`` with one latent factor."""
    n = len(centre)
    factor = rng.normal(0.0, p.factor_sd, n)
    cont = centre[:, None] + factor[:, None] + rng.normal(0.0, p.noise_sd, (n, k))
    return np.clip(np.rint(cont), 1, 5).astype(np.int64)


def generate_survey(seed: int = 20170301, params: SurveyParams | None = None) -> pd.DataFrame:
    """Draw the synthetic survey microdata (raw codes, as a survey file would hold them).

    Parameters
    ----------
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same table.
    params : SurveyParams, optional
        Design and response-model parameters.

    Returns
    -------
    DataFrame
        Columns :data:`SURVEY_COLUMNS`. Integer items are nullable ``Int64`` (blank = item
        non-response); Likert items hold 1-5, 8 (don't know) or 9 (refused). ``weight`` is
        ``N_h / n_h`` and ``fpc`` is ``N_h`` (see :func:`stratum_sizes`).

    Examples
    --------
    >>> s = generate_survey(seed=1)
    >>> s.groupby("stratum")["weight"].sum().round(6).equals(
    ...     s.groupby("stratum")["fpc"].first().astype(float))
    True
    """
    p = params or SurveyParams()
    p.check()
    rng = np.random.default_rng(seed)
    design = stratum_sizes(p)
    rows = design.loc[design.index.repeat(design["n_h"])].reset_index(drop=True)
    n = len(rows)
    group = rows["group"].to_numpy()
    is_pub = group == "public"
    shift = rows["group"].map(p.group_shift).to_numpy(float)

    gu_codes = design["gu_code"].unique()
    gu_effect = dict(zip(gu_codes, rng.normal(0.0, p.gu_sd, len(gu_codes)), strict=True))
    gu_eff = rows["gu_code"].map(gu_effect).to_numpy(float)

    out = pd.DataFrame(
        {
            "resp_id": [f"R{i:05d}" for i in range(1, n + 1)],
            "gu_code": rows["gu_code"].to_numpy(np.int64),
            "gu_name": rows["gu_name"].to_numpy(),
            "group": group,
            "stratum": rows["stratum"].to_numpy(),
            "weight": rows["N_h"].to_numpy(float) / rows["n_h"].to_numpy(float),
            "fpc": rows["N_h"].to_numpy(np.int64),
        }
    )
    p_male = np.where(is_pub, 0.55, np.where(group == "cso", 0.42, 0.48))
    out["sex"] = np.where(rng.random(n) < p_male, 1, 2)
    age_p = {
        "public": (0.12, 0.30, 0.32, 0.24, 0.02),
        "cso": (0.10, 0.20, 0.28, 0.25, 0.17),
        "resident": (0.17, 0.17, 0.19, 0.20, 0.27),
    }
    out["age_group"] = np.array([rng.choice(5, p=age_p[g]) + 1 for g in group])
    max_tenure = np.select(
        [out["age_group"] == a for a in range(1, 6)], [8, 15, 25, 35, 45], default=45
    )
    tenure = np.minimum(rng.gamma(2.0, 4.0 + 2.0 * out["age_group"].to_numpy()), max_tenure)
    out["tenure_years"] = np.maximum(np.rint(tenure), 1).astype(np.int64)

    trust = _items(rng, p.base_mean["trust"] + shift + gu_eff, 4, p)
    cg = _items(rng, p.base_mean["cg_perception"] + shift + gu_eff, 6, p)
    for j in (2, 4):  # cg_3 and cg_5 are reverse-worded: stored as answered
        cg[:, j] = 6 - cg[:, j]
    imp_centre = np.asarray(p.importance_means)[None, :] + 0.1 * is_pub[:, None]
    perf_centre = np.asarray(p.performance_means)[None, :] + shift[:, None] * 0.9 + gu_eff[:, None]
    imp = _items_by_task(rng, imp_centre, p)
    perf = _items_by_task(rng, perf_centre, p)
    for i in range(4):
        out[f"trust_{i + 1}"] = trust[:, i]
    for i in range(6):
        out[f"cg_{i + 1}"] = cg[:, i]
    for k, t in enumerate(_TASKS):
        out[f"imp_{t}"] = imp[:, k]
    for k, t in enumerate(_TASKS):
        out[f"perf_{t}"] = perf[:, k]
    aware = np.empty(n, dtype=np.int64)
    for g in _GROUPS:
        m = group == g
        aware[m] = rng.choice(3, size=int(m.sum()), p=p.compact_probs[g]) + 1
    out["compact_aware"] = aware

    # Non-response: 8 / 9 codes and blanks in the Likert items; a few blanks elsewhere.
    likert = [c for c in SURVEY_COLUMNS if SURVEY_CODEBOOK[c].missing_codes]
    p_dk = np.where(group == "resident", p.p_dont_know * p.resident_dont_know_factor, p.p_dont_know)
    for col in out.columns:
        if col in likert:
            u = rng.random(n)
            vals = out[col].to_numpy(np.int64).copy()
            vals[u < p_dk] = 8
            vals[(u >= p_dk) & (u < p_dk + p.p_refused)] = 9
            blank = (u >= p_dk + p.p_refused) & (u < p_dk + p.p_refused + p.p_blank)
            out[col] = pd.array(np.where(blank, pd.NA, vals), dtype="Int64")
        elif col in ("age_group", "tenure_years", "compact_aware"):
            blank = rng.random(n) < p.p_blank / 2
            out[col] = pd.array(np.where(blank, pd.NA, out[col].to_numpy(np.int64)), dtype="Int64")
    out["sex"] = out["sex"].astype("Int64")
    out["data_label"] = SYNTHETIC_LABEL
    return out[list(SURVEY_COLUMNS)]


def _items_by_task(rng: np.random.Generator, centre: np.ndarray, p: SurveyParams) -> np.ndarray:
    """Return ``(n, tasks)`` answers with one latent factor across the tasks."""
    n, k = centre.shape
    factor = rng.normal(0.0, p.factor_sd * 0.8, n)
    cont = centre + factor[:, None] + rng.normal(0.0, p.noise_sd, (n, k))
    return np.clip(np.rint(cont), 1, 5).astype(np.int64)

"""A synthetic year of Seoul's citizen participatory budget: proposals and ballots (synthetic).

Seoul publishes totals (proposals, envelopes, voters; the facts file in ``data/raw/seoul/``) but
no per-voter ballots, so a round is drawn here, seeded, in the structure of a budget-system
table (:meth:`cgresearch.allocation.BudgetSystem.to_frame`, e.g. from
``scenarios/budget_system/seoul_2025.toml``):

* :func:`generate_seoul_pb_proposals` — proposals per type in proportion to the type's envelope,
  across the 25 gu (``data.districts``; gu-level proposals by population ** 0.5, city-level ones
  located in a gu the same way), each with a kind (``project`` / ``programme``), a theme (a few
  off-list), a cost (log-normal around 40 % of its cap; some above it), a review result and a
  latent ``appeal``. Screening is the model's job
  (:func:`cgresearch.allocation.screen_proposals`), not the generator's.
* :func:`generate_seoul_pb_ballots` — for the proposals put to the vote: e-voters (home gu by
  population) vote in every city-level contest and in their gu's contest; on-site committee
  members the same with a taste that follows the review score. Each voter picks a few projects
  (never more than the per-voter limit), favouring appealing projects and, for city-level ones,
  projects in her own gu (``home_bias``).

Every table carries ``data_label = "synthetic"``.

Examples
--------
>>> import pandas as pd
>>> types = pd.DataFrame({"type": ["city", "gu"], "level": ["city", "gu"],
...     "envelope_eok": [350.0, 125.0], "cap_project_eok": [10.0, 2.0],
...     "cap_programme_eok": [3.0, 0.5], "themes": ["안전, 환경", ""]})
>>> p = generate_seoul_pb_proposals(types, seed=1, n=200)
>>> len(p), sorted(p["type"].unique()), p["data_label"].unique().tolist()
(200, ['city', 'gu'], ['synthetic'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgresearch.data.districts import load_admin_dong, load_districts
from cgresearch.data.synth._common import SYNTHETIC_LABEL, apportion
from cgresearch.errors import InputError, ParameterError

__all__ = [
    "SEOUL_PB_PROPOSAL_COLUMNS",
    "SeoulPBParams",
    "generate_seoul_pb_ballots",
    "generate_seoul_pb_proposals",
]

#: Columns of :func:`generate_seoul_pb_proposals`.
SEOUL_PB_PROPOSAL_COLUMNS: tuple[str, ...] = (
    "proposal_id",
    "type",
    "gu_code",
    "gu_name",
    "dong_code",
    "kind",
    "theme",
    "cost_eok",
    "title_ko",
    "review_passed",
    "appeal",
    "data_label",
)

_SUBJECTS = (
    "골목 안전 조명",
    "어린이 놀이터 개선",
    "마을 텃밭",
    "경로당 돌봄",
    "공유 주방",
    "청년 창업 공간",
    "보행로 정비",
    "도서관 작은 쉼터",
    "하천 산책길",
    "주민 소통 공간",
)
_PROGRAMMES = ("주민 축제", "협치 학교", "정책 토론회", "마을 교육", "문화 공연")
_DEFAULT_THEMES = ("안전", "환경", "교통", "복지", "문화", "도시재생")


@dataclass(frozen=True)
class SeoulPBParams:
    """Documented parameters of the synthetic round.

    Attributes
    ----------
    n : int
        Proposals (3,815 in 2016, S14; 1,200 by default to keep the report quick).
    programme_share : float
        Share of programmes / events among proposals.
    cost_share_of_cap, cost_sigma : float
        Log-normal cost: median = this share of the kind's cap, and shape.
    off_theme_share, review_fail_share : float
        Shares of proposals with an off-list theme / failing the review.
    n_e_voters, n_onsite : int
        E-voters (about 50,000–100,000 in 2016, S14) and on-site committee voters (250 members
        in 2012, S27).
    mean_votes : float
        Mean number of projects a voter picks in a contest (1 + Poisson(mean − 1), capped by the
        per-voter limit).
    home_bias : float
        How much more likely a voter picks a city-level project located in her own gu.
    """

    n: int = 1200
    programme_share: float = 0.3
    cost_share_of_cap: float = 0.35
    cost_sigma: float = 0.6
    off_theme_share: float = 0.06
    review_fail_share: float = 0.1
    n_e_voters: int = 20_000
    n_onsite: int = 250
    mean_votes: float = 3.0
    home_bias: float = 3.0

    def check(self) -> None:
        """Raise :class:`ParameterError` on inconsistent parameters."""
        if self.n < 1 or self.n_e_voters < 0 or self.n_onsite < 0:
            raise ParameterError("n must be >= 1 and voter counts >= 0")
        for name in ("programme_share", "off_theme_share", "review_fail_share"):
            if not 0 <= getattr(self, name) < 1:
                raise ParameterError(f"{name} must be in [0, 1)")
        if self.cost_share_of_cap <= 0 or self.cost_sigma < 0 or self.mean_votes < 1:
            raise ParameterError("cost_share_of_cap > 0, cost_sigma >= 0, mean_votes >= 1")
        if self.home_bias <= 0:
            raise ParameterError("home_bias must be > 0 (1 = no bias)")


def _check_types(types: pd.DataFrame) -> None:
    need = ("type", "level", "envelope_eok", "cap_project_eok", "cap_programme_eok", "themes")
    for col in need:
        if col not in types.columns:
            raise InputError(
                f"budget-system table: no column {col!r}; pass BudgetSystem.to_frame()"
            )


def generate_seoul_pb_proposals(
    types: pd.DataFrame,
    seed: int = 20160819,
    n: int | None = None,
    params: SeoulPBParams | None = None,
) -> pd.DataFrame:
    """Draw one year's proposals in the structure of a budget system (synthetic).

    Parameters
    ----------
    types : pandas.DataFrame
        :meth:`cgresearch.allocation.BudgetSystem.to_frame` (type, level, envelope_eok,
        cap_project_eok, cap_programme_eok, themes).
    seed : int
    n : int, optional
        Number of proposals (overrides ``params.n``).
    params : SeoulPBParams, optional

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SEOUL_PB_PROPOSAL_COLUMNS`; ``cost_eok`` in 억원 (to 0.01억 = 100만원).
    """
    p = params or SeoulPBParams()
    if n is not None:
        p = SeoulPBParams(**{**p.__dict__, "n": int(n)})
    p.check()
    _check_types(types)
    rng = np.random.default_rng(seed)
    districts = load_districts()
    dong = load_admin_dong()
    t = types.reset_index(drop=True)
    per_type = apportion(p.n, t["envelope_eok"].to_numpy(float), minimum=1 if p.n >= len(t) else 0)
    type_i = np.repeat(np.arange(len(t)), per_type)

    pop = districts["pop_total_2017q1"].to_numpy(float)
    gu_i = rng.choice(len(districts), size=p.n, p=pop**0.5 / (pop**0.5).sum())
    gu_code = districts["adm_code"].to_numpy(np.int64)[gu_i]
    dong_codes = dong["adm_cd2_mois10"].to_numpy(np.int64)
    starts = np.searchsorted(
        dong["gu_adm_code"].to_numpy(np.int64), districts["adm_code"].to_numpy(np.int64)
    )
    counts = districts["n_admin_dong_2022_03_09"].to_numpy(np.int64)
    pick = starts[gu_i] + (rng.random(p.n) * counts[gu_i]).astype(np.int64)
    dong_code = dong_codes[pick]
    dong_name = dict(zip(dong_codes, dong["dong_name_ko"], strict=True))

    programme = rng.random(p.n) < p.programme_share
    kind = np.where(programme, "programme", "project")
    cap_col = np.where(programme, "cap_programme_eok", "cap_project_eok")
    cap = np.array([float(t.at[ti, c]) for ti, c in zip(type_i, cap_col, strict=True)])
    finite = np.isfinite(cap)
    base = np.where(finite, cap, 5.0)
    cost = base * p.cost_share_of_cap * rng.lognormal(0.0, p.cost_sigma, p.n)
    cost = np.maximum(np.round(cost, 2), 0.01)

    themes = []
    for ti in type_i:
        listed = [x.strip() for x in str(t.at[ti, "themes"]).split(",") if x.strip()]
        pool = listed or list(_DEFAULT_THEMES)
        if listed and rng.random() < p.off_theme_share:
            themes.append("기타")
        else:
            themes.append(pool[rng.integers(len(pool))])
    review = rng.random(p.n) >= p.review_fail_share
    appeal = np.round(rng.lognormal(0.0, 0.8, p.n), 4)
    subj = rng.integers(len(_SUBJECTS), size=p.n)
    prog = rng.integers(len(_PROGRAMMES), size=p.n)
    title = [
        f"{dong_name[dc]} {_PROGRAMMES[g] if pr else _SUBJECTS[s]}"
        for dc, pr, s, g in zip(dong_code, programme, subj, prog, strict=True)
    ]
    df = pd.DataFrame(
        {
            "type": t["type"].to_numpy()[type_i],
            "gu_code": gu_code,
            "gu_name": districts["name_ko"].to_numpy()[gu_i],
            "dong_code": dong_code,
            "kind": kind,
            "theme": themes,
            "cost_eok": cost,
            "title_ko": title,
            "review_passed": review,
            "appeal": appeal,
        }
    )
    width = max(4, len(str(p.n)))
    df.insert(0, "proposal_id", [f"SP{i:0{width}d}" for i in range(1, p.n + 1)])
    df["data_label"] = SYNTHETIC_LABEL
    return df[list(SEOUL_PB_PROPOSAL_COLUMNS)]


def generate_seoul_pb_ballots(
    ballot: pd.DataFrame,
    vote_limit_share: float,
    seed: int = 20160820,
    params: SeoulPBParams | None = None,
    *,
    gu_level_types: tuple[str, ...] = (),
    chunk: int = 4096,
) -> pd.DataFrame:
    """Draw the ballots of the proposals put to the vote (synthetic).

    Parameters
    ----------
    ballot : pandas.DataFrame
        The proposals on the ballot with ``proposal_id``, ``type``, ``gu_code``, ``contest``
        and ``appeal`` (:meth:`cgresearch.allocation.Screening.ballot`).
    vote_limit_share : float
        The per-voter limit (share of the contest's projects), as the budget system says.
    seed : int
    params : SeoulPBParams, optional
    gu_level_types : tuple of str
        Types whose contests are per gu (a voter votes only in her own gu's).
    chunk : int
        Voters drawn at once (bounds memory; the draw depends on it, so keep the default to
        reproduce a table).

    Returns
    -------
    pandas.DataFrame
        ``voter_id``, ``proposal_id``, ``channel`` (``e_vote`` / ``onsite``), ``home_gu``,
        ``data_label``.
    """
    p = params or SeoulPBParams()
    p.check()
    rng = np.random.default_rng(seed)
    districts = load_districts()
    pop = districts["pop_total_2017q1"].to_numpy(float)
    codes = districts["adm_code"].to_numpy(np.int64)
    frames = []
    for channel, n_voters, prefix in (
        ("e_vote", p.n_e_voters, "E"),
        ("onsite", p.n_onsite, "M"),
    ):
        if n_voters == 0:
            continue
        home = codes[rng.choice(len(codes), size=n_voters, p=pop / pop.sum())]
        ids = np.array([f"{prefix}{i:06d}" for i in range(1, n_voters + 1)])
        for _contest, sub in ballot.groupby("contest", sort=True):
            n_on = len(sub)
            limit = max(1, int(np.floor(vote_limit_share * n_on + 1e-9)))
            typ = str(sub["type"].iloc[0])
            if typ in gu_level_types:
                who = np.flatnonzero(home == int(sub["gu_code"].iloc[0]))
            else:
                who = np.arange(n_voters)
            if who.size == 0:
                continue
            appeal = sub["appeal"].to_numpy(float)
            if channel == "onsite":
                appeal = appeal**0.5  # the committee's taste is flatter than the crowd's
            logw = np.log(appeal)
            pid = sub["proposal_id"].to_numpy()
            gu = sub["gu_code"].to_numpy(np.int64)
            k_all = np.minimum(1 + rng.poisson(p.mean_votes - 1, size=who.size), min(limit, n_on))
            for s in range(0, who.size, chunk):
                idx = who[s : s + chunk]
                k = k_all[s : s + chunk]
                keys = logw[None, :] + rng.gumbel(size=(idx.size, n_on))
                if typ not in gu_level_types:
                    keys += np.log(p.home_bias) * (gu[None, :] == home[idx, None])
                top = np.argsort(-keys, axis=1, kind="stable")[:, : int(k.max())]
                mask = np.arange(top.shape[1])[None, :] < k[:, None]
                rows, cols = np.nonzero(mask)
                frames.append(
                    pd.DataFrame(
                        {
                            "voter_id": ids[idx][rows],
                            "proposal_id": pid[top[rows, cols]],
                            "channel": channel,
                            "home_gu": home[idx][rows],
                        }
                    )
                )
    if not frames:
        return pd.DataFrame(columns=["voter_id", "proposal_id", "channel", "home_gu", "data_label"])
    out = pd.concat(frames, ignore_index=True)
    out["data_label"] = SYNTHETIC_LABEL
    return out

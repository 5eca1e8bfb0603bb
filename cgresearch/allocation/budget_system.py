"""Seoul's participatory-budget system as data: PB types, envelopes, cost caps, co-funding.

A budget-system file (TOML) states how a year's citizen participatory budget (시민참여예산) is
structured: the total (억원), the types Seoul uses — city participation (시정참여형), city
collaborative governance (시정협치형), gu participation (지역참여형), dong pilots (동 지역회의) —
each with a city-wide envelope or a per-gu average that the envelope model
(:func:`cgresearch.allocation.solve_envelopes`) splits across the 25 gu, project cost caps by kind
(``project`` = general project, ``programme`` = programme/event), eligible themes, the vote rules
(e-vote weight, per-voter vote limit) and the SMG / gu co-funding rule (the city's matching share
and a cap on a gu's own contribution). Every number may carry the source id(s) of
``data/raw/seoul/sources.csv`` it comes from in a ``sources`` table keyed like the number.

All amounts are 억원 (100 million KRW). :func:`load_budget_system` reads a file (``tomllib``), as
:func:`cgresearch.allocation.load_scenario` does; :meth:`BudgetSystem.from_dict` validates.

Examples
--------
>>> bs = BudgetSystem.from_dict({
...     "name": "demo", "total_eok": 20,
...     "types": {"city": {"label_ko": "시정참여형", "level": "city", "envelope_eok": 12,
...                        "caps_eok": {"project": 3, "programme": 1}},
...               "gu": {"label_ko": "지역참여형", "level": "gu", "per_gu_average_eok": 2,
...                      "caps_eok": {"project": 1}}}}, n_gu=4)
>>> bs.type("city").envelope_eok, bs.type("gu").cap("project")
(12.0, 1.0)
>>> bs.in_total_eok(n_gu=4)
20.0
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch.errors import ParameterError, closest_match

__all__ = [
    "COST_KINDS",
    "LEVELS",
    "BudgetSystem",
    "CoFunding",
    "PBType",
    "gu_type_envelopes",
    "load_budget_system",
]

#: Where a type's envelope applies: one city-wide pot, one pot per gu, or dong pilots.
LEVELS: tuple[str, ...] = ("city", "gu", "dong")
#: Kinds of proposal with their own cost cap: general project, programme or event.
COST_KINDS: tuple[str, ...] = ("project", "programme")

_TYPE_KEYS = (
    "label_ko",
    "label_en",
    "level",
    "envelope_eok",
    "per_gu_average_eok",
    "in_total",
    "caps_eok",
    "min_cost_eok",
    "themes",
    "split",
    "sources",
    "note",
)
_TOP_KEYS = (
    "name",
    "description",
    "year",
    "total_eok",
    "e_vote_weight",
    "vote_limit_share",
    "types",
    "cofunding",
    "sources",
    "note",
)
_COFUNDING_KEYS = ("smg_matching_share", "gu_contribution_cap_eok", "sources", "note")
_TOL = 1e-9


def _unknown(keys: Sequence[str], known: Sequence[str], where: str) -> None:
    for k in keys:
        if k not in known:
            hint = closest_match(k, known, cutoff=0.5)
            raise ParameterError(
                f"{where}: unknown key {k!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + f"; known keys: {', '.join(known)}"
            )


def _num(key: str, value: Any, *, lo: float = 0.0, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{key} = {value!r} is not a number: give a number")
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        rng = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
        raise ParameterError(f"{key} = {value!r} is out of range: give a number {rng}")
    return v


def _sources(key: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(f"{key} must be a table: number key -> source ids such as 'S15'")
    return {str(k): str(v) for k, v in value.items()}


@dataclass(frozen=True)
class PBType:
    """One participatory-budget type (all amounts in 억원).

    Attributes
    ----------
    code : str
        The key in the file (``city_participation`` ...).
    label_ko, label_en : str
        Names (시정참여형 ...).
    level : {"city", "gu", "dong"}
        ``city``: one envelope for the whole city; ``gu``: a per-gu average, split across the gu;
        ``dong``: a city-wide envelope for dong pilots.
    envelope_eok : float
        The type's envelope (for ``gu``: per-gu average × number of gu).
    per_gu_average_eok : float or None
        Average per gu (``gu`` level only).
    in_total : bool
        Whether the envelope counts toward the system's ``total_eok`` (the 2016 dong pilot was
        "separate from the 500억").
    caps_eok : dict
        Cost kind (``project``, ``programme``) -> largest cost of one proposal.
    min_cost_eok : float
        Smallest cost of one proposal (0 if none).
    themes : tuple of str
        Eligible themes (empty: every theme).
    split : dict
        Envelope scenario keys (see :class:`cgresearch.allocation.Scenario`) used to split a
        ``gu`` type's envelope across the gu; empty means an equal split.
    sources : dict
        Key -> source ids.
    """

    code: str
    label_ko: str
    label_en: str
    level: str
    envelope_eok: float
    per_gu_average_eok: float | None
    in_total: bool
    caps_eok: dict[str, float]
    min_cost_eok: float = 0.0
    themes: tuple[str, ...] = ()
    split: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def cap(self, kind: str) -> float:
        """Return the cost cap of ``kind`` (inf when the type sets none).

        >>> PBType("t", "유형", "type", "city", 10.0, None, True, {"project": 3.0}).cap("project")
        3.0
        """
        if kind not in COST_KINDS:
            raise ParameterError(f"cost kind {kind!r} unknown: use one of {', '.join(COST_KINDS)}")
        return self.caps_eok.get(kind, math.inf)


@dataclass(frozen=True)
class CoFunding:
    """The SMG / gu co-funding rule of gu-level projects.

    A funded gu-level project of cost ``c`` is paid ``smg_matching_share × c`` by the city and
    the rest by the gu, the gu's total contribution capped at ``gu_contribution_cap_eok``.
    """

    smg_matching_share: float = 1.0
    gu_contribution_cap_eok: float | None = None
    sources: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def split(self, cost_eok: float) -> tuple[float, float]:
        """Return ``(city, gu)`` shares of a gu's funded cost before the cap.

        >>> CoFunding(0.7, 1.0).split(2.0)
        (1.4, 0.6)
        """
        city = self.smg_matching_share * cost_eok
        return round(city, 12), round(cost_eok - city, 12)


@dataclass(frozen=True)
class BudgetSystem:
    """A year's participatory-budget system (validated; amounts in 억원).

    Attributes
    ----------
    name : str
    year : int or None
    total_eok : float
        Total of the types that count toward it (``in_total``).
    e_vote_weight : float
        Weight of the e-votes in the mixed count (the rest goes to the on-site votes), in [0, 1].
    vote_limit_share : float
        Each voter may support at most this share of the projects put to the vote (0.3 in 2014).
    types : tuple of PBType
    cofunding : CoFunding
    sources : dict
        Top-level key -> source ids.
    source : str or None
        The file read, if any.
    """

    name: str
    total_eok: float
    types: tuple[PBType, ...]
    year: int | None = None
    e_vote_weight: float = 0.5
    vote_limit_share: float = 1.0
    cofunding: CoFunding = field(default_factory=CoFunding)
    sources: dict[str, str] = field(default_factory=dict)
    description: str = ""
    source: str | None = None

    def type(self, code: str) -> PBType:
        """Return the type named ``code`` (ParameterError with the closest code otherwise)."""
        for t in self.types:
            if t.code == code:
                return t
        codes = [t.code for t in self.types]
        hint = closest_match(code, codes)
        raise ParameterError(
            f"budget system {self.name!r}: no type {code!r}"
            + (f" (did you mean {hint!r}?)" if hint else "")
            + f"; types: {', '.join(codes)}"
        )

    def in_total_eok(self, n_gu: int = 25) -> float:
        """Sum of the envelopes that count toward the total, with ``n_gu`` gu for gu types."""
        out = 0.0
        for t in self.types:
            if t.in_total:
                out += (t.per_gu_average_eok or 0.0) * n_gu if t.level == "gu" else t.envelope_eok
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per type: code, labels, level, envelope, caps, themes, sources."""
        return pd.DataFrame(
            [
                {
                    "type": t.code,
                    "label_ko": t.label_ko,
                    "label_en": t.label_en,
                    "level": t.level,
                    "envelope_eok": t.envelope_eok,
                    "per_gu_average_eok": t.per_gu_average_eok,
                    "in_total": t.in_total,
                    "cap_project_eok": t.caps_eok.get("project", math.inf),
                    "cap_programme_eok": t.caps_eok.get("programme", math.inf),
                    "themes": ", ".join(t.themes),
                    "sources": "; ".join(f"{k}: {v}" for k, v in t.sources.items()),
                }
                for t in self.types
            ]
        )

    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], *, n_gu: int = 25, source: str | None = None
    ) -> BudgetSystem:
        """Validate the dictionary (TOML) form; every error names its key.

        Raises
        ------
        ParameterError
            Unknown keys or levels, amounts out of range, an e-vote weight or vote limit outside
            [0, 1], type envelopes above ``total_eok``, a cap below the type's minimum cost.
        """
        if not isinstance(d, Mapping):
            raise ParameterError("a budget system must be a table of keys")
        _unknown(list(d), _TOP_KEYS, "budget system")
        name = str(d.get("name", "budget_system"))
        if "total_eok" not in d:
            raise ParameterError(f"budget system {name!r}: total_eok is required (억원)")
        total = _num("total_eok", d["total_eok"])
        w = _num("e_vote_weight", d.get("e_vote_weight", 0.5), hi=1.0)
        limit = _num("vote_limit_share", d.get("vote_limit_share", 1.0), hi=1.0)
        if limit == 0:
            raise ParameterError("vote_limit_share = 0 lets nobody vote: give a share in (0, 1]")
        raw_types = d.get("types")
        if not isinstance(raw_types, Mapping) or not raw_types:
            raise ParameterError(f"budget system {name!r}: give at least one [types.<code>] table")
        types = tuple(_pb_type(code, spec, n_gu) for code, spec in raw_types.items())
        cof = d.get("cofunding", {}) or {}
        if not isinstance(cof, Mapping):
            raise ParameterError("cofunding must be a table")
        _unknown(list(cof), _COFUNDING_KEYS, "cofunding")
        cap = cof.get("gu_contribution_cap_eok")
        cofunding = CoFunding(
            smg_matching_share=_num(
                "cofunding.smg_matching_share", cof.get("smg_matching_share", 1.0), hi=1.0
            ),
            gu_contribution_cap_eok=None
            if cap is None
            else _num("cofunding.gu_contribution_cap_eok", cap),
            sources=_sources("cofunding.sources", cof.get("sources")),
            note=str(cof.get("note", "")),
        )
        year = d.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise ParameterError(f"year = {year!r}: give a whole year such as 2025")
        bs = cls(
            name=name,
            total_eok=total,
            types=types,
            year=year,
            e_vote_weight=w,
            vote_limit_share=limit,
            cofunding=cofunding,
            sources=_sources("sources", d.get("sources")),
            description=str(d.get("description", "")),
            source=source,
        )
        inside = bs.in_total_eok(n_gu)
        if inside > total * (1 + _TOL) + _TOL:
            parts = ", ".join(
                f"{t.code} {t.envelope_eok:g}" for t in types if t.in_total and t.envelope_eok
            )
            raise ParameterError(
                f"types: envelopes sum to {inside:g}억 ({parts}), above total_eok = {total:g}; "
                "lower a type's envelope_eok / per_gu_average_eok, raise total_eok, or set "
                "in_total = false on a type funded separately"
            )
        return bs


def _pb_type(code: str, spec: Any, n_gu: int) -> PBType:
    where = f"types.{code}"
    if not isinstance(spec, Mapping):
        raise ParameterError(f"{where} must be a table")
    _unknown(list(spec), _TYPE_KEYS, where)
    level = spec.get("level", "city")
    if level not in LEVELS:
        raise ParameterError(f"{where}.level = {level!r}: use one of {', '.join(LEVELS)}")
    avg = None
    if level == "gu":
        if "per_gu_average_eok" not in spec and "envelope_eok" not in spec:
            raise ParameterError(f"{where}: a gu type needs per_gu_average_eok (억원 per gu)")
        if "per_gu_average_eok" in spec:
            avg = _num(f"{where}.per_gu_average_eok", spec["per_gu_average_eok"])
            env = avg * n_gu
        else:
            env = _num(f"{where}.envelope_eok", spec["envelope_eok"])
            avg = env / n_gu
    else:
        if "per_gu_average_eok" in spec:
            raise ParameterError(
                f"{where}.per_gu_average_eok: only a type with level = 'gu' has a per-gu average"
            )
        if "envelope_eok" not in spec:
            raise ParameterError(f"{where}.envelope_eok is required (억원)")
        env = _num(f"{where}.envelope_eok", spec["envelope_eok"])
    caps_raw = spec.get("caps_eok", {}) or {}
    if not isinstance(caps_raw, Mapping):
        raise ParameterError(f"{where}.caps_eok must be a table: project = ..., programme = ...")
    _unknown(list(caps_raw), COST_KINDS, f"{where}.caps_eok")
    caps = {k: _num(f"{where}.caps_eok.{k}", v) for k, v in caps_raw.items()}
    for k, v in caps.items():
        if v <= 0:
            raise ParameterError(f"{where}.caps_eok.{k} = {v:g}: a cost cap must be > 0")
    min_cost = _num(f"{where}.min_cost_eok", spec.get("min_cost_eok", 0.0))
    for k, v in caps.items():
        if v < min_cost:
            raise ParameterError(
                f"{where}.caps_eok.{k} = {v:g} is below {where}.min_cost_eok = {min_cost:g}: "
                "no proposal could qualify; raise the cap or lower the minimum"
            )
    themes = spec.get("themes", [])
    if not isinstance(themes, list) or not all(isinstance(x, str) for x in themes):
        raise ParameterError(f"{where}.themes must be a list of theme names")
    split = spec.get("split", {}) or {}
    if not isinstance(split, Mapping):
        raise ParameterError(f"{where}.split must be a table of envelope-scenario keys")
    if split and level != "gu":
        raise ParameterError(f"{where}.split: only a type with level = 'gu' is split across gu")
    in_total = spec.get("in_total", True)
    if not isinstance(in_total, bool):
        raise ParameterError(f"{where}.in_total = {in_total!r}: give true or false")
    return PBType(
        code=str(code),
        label_ko=str(spec.get("label_ko", code)),
        label_en=str(spec.get("label_en", code)),
        level=level,
        envelope_eok=env,
        per_gu_average_eok=avg,
        in_total=in_total,
        caps_eok=caps,
        min_cost_eok=min_cost,
        themes=tuple(themes),
        split=dict(split),
        sources=_sources(f"{where}.sources", spec.get("sources")),
        note=str(spec.get("note", "")),
    )


def load_budget_system(path: str | Path, *, n_gu: int = 25) -> BudgetSystem:
    """Read and validate a budget-system TOML file (errors name the file and the key).

    Examples
    --------
    >>> from cgresearch.paths import scenarios_dir
    >>> bs = load_budget_system(scenarios_dir() / "budget_system" / "seoul_2025.toml")
    >>> bs.type("city_participation").envelope_eok
    350.0
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"budget-system file {p} not found: give the path of a .toml file")
    try:
        d = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"budget-system file {p}: not valid TOML: {exc}") from exc
    d.setdefault("name", p.stem)
    try:
        return BudgetSystem.from_dict(d, n_gu=n_gu, source=str(p))
    except ParameterError as exc:
        raise ParameterError(f"{p}: {exc}") from exc


def gu_type_envelopes(system: BudgetSystem, code: str, districts: pd.DataFrame) -> pd.Series:
    """Split a gu-level type's envelope across ``districts`` with the envelope model.

    The type's ``split`` table is an envelope scenario (keys of
    :class:`cgresearch.allocation.Scenario`) solved by
    :func:`cgresearch.allocation.solve_envelopes` with ``total_budget_eok`` = the type's
    envelope; without one every gu gets the per-gu average.

    Returns
    -------
    pandas.Series
        ``adm_code`` -> envelope (억원), summing to the type's envelope.

    Examples
    --------
    >>> from cgresearch.data import load_districts
    >>> from cgresearch.paths import scenarios_dir
    >>> bs = load_budget_system(scenarios_dir() / "budget_system" / "seoul_2025.toml")
    >>> env = gu_type_envelopes(bs, "gu_participation", load_districts())
    >>> round(float(env.sum()), 6)
    125.0
    """
    t = system.type(code)
    if t.level != "gu":
        raise ParameterError(f"type {code!r} has level {t.level!r}: only gu types are split")
    codes = districts["adm_code"].astype(int).to_numpy()
    if not t.split:
        avg = t.envelope_eok / len(districts)
        return pd.Series(avg, index=pd.Index(codes, name="adm_code"), name="envelope_eok")
    from cgresearch.allocation.envelopes import solve_envelopes
    from cgresearch.allocation.scenario import Scenario

    spec = {"name": f"{system.name}_{code}", **t.split, "total_budget_eok": t.envelope_eok}
    try:
        scenario = Scenario.from_dict(spec)
    except ParameterError as exc:
        raise ParameterError(f"types.{code}.split: {exc}") from exc
    res = solve_envelopes(districts, scenario)
    if res.status != "optimal":
        raise ParameterError(f"types.{code}.split: the envelope model says: {res.message}")
    return pd.Series(
        res.table["amount_eok"].to_numpy(float),
        index=pd.Index(res.table["adm_code"].astype(int).to_numpy(), name="adm_code"),
        name="envelope_eok",
    )

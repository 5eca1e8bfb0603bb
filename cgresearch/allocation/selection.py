"""Select resident project proposals within district (and dong) envelopes: a MIP on HiGHS.

Each proposal is funded (1), not funded (0) or, where ``partial_allowed``, funded in part (a
share in [0, 1]); mandatory proposals are funded in full. The model maximises the total score (or
votes) of the funded proposals subject to

* each district's envelope (spend of its proposals <= envelope), and optionally each
  administrative dong's envelope;
* an optional city-wide total;
* optional minimum and maximum shares of the total spend per policy area;
* at most one proposal per duplicate group (the reports' "duplication" problem: several
  proposals for the same thing in one area); mandatory proposals are funded regardless, and a
  group that holds mandatory proposals funds no other one.

Costs and envelopes are in the same unit (the proposals' ``cost_mkrw`` column is in million KRW;
1억원 = 100 million KRW). Mandatory proposals that cannot fit are reported before solving, by
district and amount.

Examples
--------
>>> import pandas as pd
>>> props = pd.DataFrame(
...     {
...         "proposal_id": ["a", "b", "c", "d"],
...         "gu_code": [11110, 11110, 11140, 11140],
...         "cost_mkrw": [60.0, 50.0, 30.0, 40.0],
...         "score": [9.0, 8.0, 5.0, 6.0],
...     }
... )
>>> res = select_projects(props, {11110: 100.0, 11140: 70.0})
>>> list(res.selected["proposal_id"]), res.objective
(['a', 'c', 'd'], 20.0)
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from cgresearch.allocation.solver import SolveResult, affine, solve
from cgresearch.errors import InputError, ModelError, ParameterError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr

__all__ = ["SelectionResult", "select_projects"]

_TOL = 1e-6


@dataclass(frozen=True)
class SelectionResult:
    """The proposals chosen by :func:`select_projects` and the spend they imply.

    Attributes
    ----------
    selected : pandas.DataFrame
        The funded proposals (all input columns) plus ``funded_share`` (1 unless partly funded)
        and ``funded_cost``.
    spend : pandas.DataFrame
        One row per district: ``gu``, ``envelope``, ``spent``, ``left``, ``n_funded``,
        ``binding`` (envelope used up to the solver tolerance).
    dong_spend : pandas.DataFrame or None
        The same per dong when dong envelopes were given.
    area_spend : pandas.DataFrame
        One row per policy area: ``area``, ``spent``, ``share``, ``min_share``, ``max_share``.
    objective : float
        Total score (or votes) of the funded proposals, partial shares counted pro rata.
    status : str
        ``"optimal"`` or ``"time_limit"`` (a feasible, not proven optimal selection).
    mip_gap : float or None
        Relative gap reported by HiGHS.
    time_s : float
        Seconds to check the input, build and solve the model and read the solution.
    build_s : float
        Of which seconds to check the input and build the model.
    solve_result : SolveResult
        The solver's full report (log, values).
    """

    selected: pd.DataFrame = field(repr=False)
    spend: pd.DataFrame = field(repr=False)
    dong_spend: pd.DataFrame | None = field(repr=False)
    area_spend: pd.DataFrame = field(repr=False)
    objective: float
    status: str
    mip_gap: float | None
    time_s: float
    build_s: float
    solve_result: SolveResult = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Return the funded proposals."""
        return self.selected.copy()

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """Return a short plain-text summary in ``lang`` (Korean by default)."""
        gap = tr("n/a", lang) if self.mip_gap is None else f"{self.mip_gap:.2e}"
        return tr(
            "{n} proposals funded, total score {score:,.2f}, spend {spent:,.1f} of "
            "{envelope:,.1f} in {districts} districts; status {status}, gap {gap}, {seconds:.2f} s",
            lang,
            n=len(self.selected),
            score=self.objective,
            spent=self.selected["funded_cost"].sum(),
            envelope=self.spend["envelope"].sum(),
            districts=len(self.spend),
            status=self.status,
            gap=gap,
            seconds=self.time_s,
        )


def _as_series(x: Any, what: str) -> pd.Series:
    s = x.copy() if isinstance(x, pd.Series) else pd.Series(dict(x))
    if s.empty:
        raise ParameterError(f"{what}: no envelopes given")
    values = pd.to_numeric(s, errors="coerce")
    bad = values[~np.isfinite(values.to_numpy(float)) | (values < 0)]
    if len(bad):
        raise ParameterError(
            f"{what}: envelope of {bad.index[0]!r} is {s[bad.index[0]]!r}; "
            "give a number >= 0 (same unit as the cost column)"
        )
    return values.astype(float)


def _match_keys(
    env: pd.Series, df: pd.DataFrame, columns: tuple[str, ...], what: str
) -> tuple[str, pd.Series]:
    """Find the proposal column whose values the envelope keys name (code or name)."""
    for col in columns:
        if col not in df.columns:
            continue
        values = df[col]
        keys = env.index
        if pd.api.types.is_numeric_dtype(values.dtype):
            try:
                keys = pd.Index(pd.to_numeric(pd.Series(keys), errors="raise"))
            except (ValueError, TypeError):
                continue
        if pd.Index(values.unique()).isin(keys).all():
            return col, pd.Series(env.to_numpy(), index=keys)
    present = [c for c in columns if c in df.columns]
    if not present:
        raise InputError(f"proposals: no column {' or '.join(columns)} to match {what} against")
    col = present[0]
    missing = sorted(set(df[col].unique()) - set(env.index), key=str)
    raise ParameterError(
        f"{what}: no envelope for {col} {', '.join(map(str, missing[:5]))}"
        f"{' …' if len(missing) > 5 else ''} (proposals exist there); give an envelope for "
        "every district that has proposals (0 to fund none)"
    )


def _flag(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df), dtype=bool)
    s = df[col]
    if s.isna().any():
        raise InputError(
            f"proposals, row {int(np.flatnonzero(s.isna().to_numpy())[0])}, column {col!r}: "
            "missing; give True or False"
        )
    return s.astype(bool).to_numpy()


def _check_table(df: pd.DataFrame, id_col: str, cost: str, score: str) -> None:
    for col in (id_col, cost, score):
        if col not in df.columns:
            raise InputError(
                f"proposals: no column {col!r}; columns are {', '.join(map(str, df.columns))}"
            )
    c = pd.to_numeric(df[cost], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(c) | (c <= 0))
    if bad.size:
        raise InputError(
            f"proposals, row {int(bad[0])}, column {cost!r}: {df[cost].iloc[bad[0]]!r}; "
            "each cost must be a number > 0"
        )
    s = pd.to_numeric(df[score], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(s))
    if bad.size:
        raise InputError(
            f"proposals, row {int(bad[0])}, column {score!r}: {df[score].iloc[bad[0]]!r}; "
            "each score must be a number"
        )
    if df[id_col].duplicated().any():
        dup = df.loc[df[id_col].duplicated(), id_col].iloc[0]
        raise InputError(f"proposals, column {id_col!r}: id {dup!r} appears twice; ids are unique")


def _check_area_shares(
    area_shares: Mapping[str, tuple[float | None, float | None]], areas: pd.Series
) -> dict[str, tuple[float, float]]:
    known = set(areas.unique())
    out: dict[str, tuple[float, float]] = {}
    for a, bounds in area_shares.items():
        if a not in known:
            raise ParameterError(
                f"area_shares: unknown policy area {a!r}; areas in the proposals: "
                f"{', '.join(sorted(map(str, known)))}"
            )
        lo, hi = bounds
        lo = 0.0 if lo is None else float(lo)
        hi = 1.0 if hi is None else float(hi)
        if not (0.0 <= lo <= hi <= 1.0):
            raise ParameterError(
                f"area_shares[{a!r}] = ({lo}, {hi}): give 0 <= min share <= max share <= 1"
            )
        out[a] = (lo, hi)
    total_min = sum(lo for lo, _ in out.values())
    if total_min > 1.0 + 1e-12:
        raise ParameterError(
            f"area_shares: minimum shares sum to {total_min:.0%}, above 100%; lower them"
        )
    return out


def _mandatory_fits(
    keys: np.ndarray,
    cost: np.ndarray,
    mandatory: np.ndarray,
    env: pd.Series,
    label: str,
    names: Mapping[Any, str],
) -> None:
    if not mandatory.any():
        return
    need = pd.Series(cost[mandatory]).groupby(keys[mandatory]).sum()
    over = [(k, need[k], env[k]) for k in need.index if need[k] > env[k] * (1 + 1e-9) + _TOL]
    if over:
        parts = [
            f"{label} {names[k] + f' ({k})' if k in names else k}: mandatory proposals cost "
            f"{n:,.2f}, above its "
            f"envelope of {e:,.2f} (short by {n - e:,.2f})"
            for k, n, e in over
        ]
        raise ModelError(
            "no selection is possible: "
            + "; ".join(parts)
            + ". Raise the envelope or drop a mandatory flag."
        )


def select_projects(
    proposals: pd.DataFrame,
    envelopes: Mapping[Any, float] | pd.Series,
    *,
    dong_envelopes: Mapping[Any, float] | pd.Series | None = None,
    city_total: float | None = None,
    area_shares: Mapping[str, tuple[float | None, float | None]] | None = None,
    one_per_duplicate_group: bool = True,
    score: str = "score",
    cost: str = "cost_mkrw",
    id_column: str = "proposal_id",
    area_column: str = "policy_task",
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = 1e-6,
) -> SelectionResult:
    """Choose the proposals that maximise the total score within the envelopes.

    Parameters
    ----------
    proposals : pandas.DataFrame
        One row per proposal: ``proposal_id``, ``gu_code`` (or ``gu_name``), ``cost_mkrw``,
        the score column and optionally ``dong_code``, ``policy_task``, ``duplicate_group``
        (missing = none), ``mandatory`` and ``partial_allowed`` (bool), as produced by
        :func:`cgresearch.data.synth.generate_proposals`.
    envelopes : mapping or Series
        District -> envelope, keyed by ``gu_code`` or ``gu_name``, in the cost unit.
    dong_envelopes : mapping or Series, optional
        Administrative dong (``dong_code``) -> envelope, in the cost unit.
    city_total : float, optional
        Upper bound on the city-wide spend.
    area_shares : mapping, optional
        Policy area -> (minimum share, maximum share) of the total spend (fractions; ``None``
        for no bound).
    one_per_duplicate_group : bool
        Fund at most one proposal (or one proposal's worth of shares) per duplicate group.
    score : str
        Column maximised: ``"score"`` or ``"votes"`` (any numeric column).
    cost, id_column, area_column : str
        Column names.
    solver, time_limit, mip_gap
        Passed to :func:`cgresearch.allocation.solver.solve`; the default gap (1e-6) asks for a
        proven optimum.

    Returns
    -------
    SelectionResult

    Raises
    ------
    InputError
        Missing columns, non-positive costs, duplicate ids.
    ParameterError
        Districts without an envelope, bad shares or envelopes.
    ModelError
        No selection is possible (mandatory proposals above an envelope, conflicting shares), or
        the solver stopped without a feasible selection.
    """
    start = time.perf_counter()
    df = proposals.reset_index(drop=True)
    _check_table(df, id_column, cost, score)
    n = len(df)
    c = df[cost].to_numpy(float)
    w = df[score].to_numpy(float)
    mandatory = _flag(df, "mandatory")
    partial = _flag(df, "partial_allowed")

    env = _as_series(envelopes, "envelopes")
    gu_col, env = _match_keys(env, df, ("gu_code", "gu_name"), "envelopes")
    gu_keys = df[gu_col].to_numpy()
    names: dict[Any, str] = {}
    if "gu_name" in df.columns and gu_col != "gu_name":
        names = dict(zip(df[gu_col], df["gu_name"], strict=True))
    _mandatory_fits(gu_keys, c, mandatory, env, "district", names)

    dong_env: pd.Series | None = None
    dong_keys: np.ndarray | None = None
    if dong_envelopes is not None:
        dong_env = _as_series(dong_envelopes, "dong_envelopes")
        dcol, dong_env = _match_keys(dong_env, df, ("dong_code",), "dong_envelopes")
        dong_keys = df[dcol].to_numpy()
        _mandatory_fits(dong_keys, c, mandatory, dong_env, "dong", {})
    if city_total is not None:
        if not (city_total >= 0 and math.isfinite(city_total)):
            raise ParameterError(f"city_total must be a number >= 0, got {city_total}")
        need = c[mandatory].sum()
        if need > city_total + _TOL:
            raise ModelError(
                f"no selection is possible: mandatory proposals cost {need:,.2f} in total, above "
                f"the city total of {city_total:,.2f} (short by {need - city_total:,.2f}). "
                "Raise the total or drop a mandatory flag."
            )
    shares: dict[str, tuple[float, float]] = {}
    if area_shares:
        if area_column not in df.columns:
            raise InputError(f"proposals: no column {area_column!r} for area_shares")
        shares = _check_area_shares(area_shares, df[area_column])

    groups: dict[Any, np.ndarray] = {}
    if one_per_duplicate_group and "duplicate_group" in df.columns:
        dg = df["duplicate_group"]
        has = np.flatnonzero(dg.notna().to_numpy())
        if has.size:
            by = pd.Series(has).groupby(dg.iloc[has].to_numpy()).indices
            groups = {k: has[v] for k, v in by.items() if len(v) > 1}

    # --- model ------------------------------------------------------------------------------
    prob = pulp.LpProblem("project_selection", pulp.LpMaximize)
    width = len(str(max(n - 1, 0)))
    x = [
        prob.add_variable(
            f"x{i:0{width}d}",
            lowBound=1.0 if mandatory[i] else 0.0,
            upBound=1.0,
            # LpInteger in [lb, 1], not LpBinary: PuLP resets a binary's bounds to [0, 1]
            cat=pulp.LpContinuous if partial[i] else pulp.LpInteger,
        )
        for i in range(n)
    ]
    prob += affine(x, w)
    for k, idx in pd.Series(np.arange(n)).groupby(gu_keys).indices.items():
        prob += (affine([x[i] for i in idx], c[idx]) <= float(env[k]), f"gu_{k}")
    if dong_env is not None and dong_keys is not None:
        for k, idx in pd.Series(np.arange(n)).groupby(dong_keys).indices.items():
            prob += (affine([x[i] for i in idx], c[idx]) <= float(dong_env[k]), f"dong_{k}")
    if city_total is not None:
        prob += (affine(x, c) <= float(city_total), "city_total")
    if shares:
        areas = df[area_column].to_numpy()
        for j, (a, (lo, hi)) in enumerate(shares.items()):
            in_a = areas == a
            if lo > 0:
                # spend(a) - lo * spend(all) >= 0
                prob += (affine(x, c * (in_a - lo)) >= 0, f"area_min_{j}")
            if hi < 1:
                prob += (affine(x, c * (in_a - hi)) <= 0, f"area_max_{j}")
    for j, idx in enumerate(groups.values()):
        # Mandatory proposals are always funded; a group holding some funds nothing else.
        cap = max(1, int(mandatory[idx].sum()))
        prob += (affine([x[i] for i in idx]) <= cap, f"dup_{j}")
    build_s = time.perf_counter() - start

    res = solve(prob, solver=solver, time_limit=time_limit, mip_gap=mip_gap)
    if res.status == "infeasible":
        hint = ""
        if shares:
            hint = " Check the area shares: a minimum share may need more (or a maximum less) "
            hint += "than the proposals and envelopes allow."
        raise ModelError(
            "no selection meets every constraint (the solver proved it infeasible)." + hint
        )
    if not res.has_solution:
        raise ModelError(f"project selection: {res.message}")

    share = np.array([res.value(v) for v in x])
    share = np.where(share < _TOL, 0.0, np.where(share > 1 - _TOL, 1.0, share))
    funded = share > 0
    selected = df.loc[funded].copy()
    selected["funded_share"] = share[funded]
    selected["funded_cost"] = c[funded] * share[funded]
    spent = c * share

    def _spend(keys: np.ndarray, env_: pd.Series, label: str) -> pd.DataFrame:
        s = pd.Series(spent).groupby(keys).sum()
        cnt = pd.Series(funded.astype(int)).groupby(keys).sum()
        out = pd.DataFrame({label: env_.index, "envelope": env_.to_numpy()})
        out["spent"] = out[label].map(s).fillna(0.0).to_numpy()
        out["left"] = out["envelope"] - out["spent"]
        out["n_funded"] = out[label].map(cnt).fillna(0).astype(int).to_numpy()
        out["binding"] = out["left"] <= _TOL * np.maximum(1.0, out["envelope"])
        return out

    spend = _spend(gu_keys, env, "gu")
    if names:
        spend.insert(1, "gu_name", spend["gu"].map(names))
    dong_spend = (
        _spend(dong_keys, dong_env, "dong")
        if dong_env is not None and dong_keys is not None
        else None
    )
    if area_column in df.columns:
        by_area = pd.Series(spent).groupby(df[area_column].to_numpy()).sum()
        total = float(spent.sum())
        area_spend = pd.DataFrame({"area": by_area.index, "spent": by_area.to_numpy()})
        area_spend["share"] = area_spend["spent"] / total if total > 0 else 0.0
        area_spend["min_share"] = area_spend["area"].map(lambda a: shares.get(a, (0.0, 1.0))[0])
        area_spend["max_share"] = area_spend["area"].map(lambda a: shares.get(a, (0.0, 1.0))[1])
    else:
        area_spend = pd.DataFrame(columns=["area", "spent", "share", "min_share", "max_share"])
    return SelectionResult(
        selected=selected.reset_index(drop=True),
        spend=spend,
        dong_spend=dong_spend,
        area_spend=area_spend,
        objective=float(res.objective) if res.objective is not None else 0.0,
        status=res.status,
        mip_gap=res.mip_gap,
        time_s=time.perf_counter() - start,
        build_s=build_s,
        solve_result=res,
    )

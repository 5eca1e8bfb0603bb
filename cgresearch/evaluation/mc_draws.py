"""Monte Carlo draws of an index's methodological choices, evaluated for many draws at once.

:class:`UncertaintySpec` says which choices vary (imputation, normalisation, aggregation, pillar
weights) and how. A draw is a row ``u`` of SALib's sample in [0, 1): a discrete choice with ``m``
options is option ``floor(m u)``; pillar weights are ``w_p × (1 − s + 2 s u_p)``
(:func:`draw_choices`). The indicator-level steps depend only on the (imputation,
normalisation, aggregation) triple, so :func:`pillar_tables` computes the pillar scores of every
triple once and :func:`evaluate_draws` gives the index of a whole batch of draws as one matrix
product per triple; :func:`rank_draws` ranks them (1 = best, ties by minimum rank, as COINr)
and :func:`grades_from_ranks` grades them by rank shares (:func:`rank_shares`). The draws are
run, batched on Dask, and summarised by :mod:`cgresearch.evaluation.uncertainty`, which
re-exports the public names here. The conventions (COINr's) are listed there.

Examples
--------
>>> import numpy as np
>>> rank_draws(np.array([[3.0, 1.0], [5.0, 1.0], [3.0, 2.0]])).tolist()
[[2, 2], [1, 2], [2, 1]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from cgresearch.errors import ModelError, ParameterError, closest_match

__all__ = [
    "MC_AGGREGATIONS",
    "MC_IMPUTATIONS",
    "MC_NORMALISATIONS",
    "IndexTree",
    "UncertaintySpec",
    "draw_choices",
    "evaluate_draws",
    "grades_from_ranks",
    "index_tree",
    "pillar_tables",
    "rank_draws",
    "rank_shares",
]


MC_NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
MC_AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
MC_IMPUTATIONS: tuple[str, ...] = ("none", "mean")


@dataclass(frozen=True)
class UncertaintySpec:
    """The methodological choices to vary, and how.

    Attributes
    ----------
    normalisations, aggregations, imputations : tuple of str
        The options drawn from (the first of each is the nominal choice). A choice with one
        option is fixed and is no factor of the Sobol analysis.
    weight_spread : float
        Pillar weights are multiplied by a uniform draw in ``[1 - s, 1 + s]`` (0 = fixed);
        ``0 <= s < 1``.
    n_base : int
        SALib's base sample size ``N`` (a power of 2); the number of draws is
        ``N × (G + 2)`` for ``G`` factors.
    grade_shares : tuple of (grade, share)
        Grades by rank, best first; shares sum to 1 (counts by largest remainder).
    seed : int
        Seed of the Sobol sequence scramble and of the bootstrap of the confidence intervals.
    num_resamples : int
        Bootstrap resamples of SALib's confidence intervals.
    per_unit : bool
        Also estimate the Sobol indices of each unit's rank (one SALib analysis per unit, run
        on the workers); the summary is always on the mean absolute rank change.
    """

    normalisations: tuple[str, ...] = MC_NORMALISATIONS
    aggregations: tuple[str, ...] = MC_AGGREGATIONS
    imputations: tuple[str, ...] = MC_IMPUTATIONS
    weight_spread: float = 0.25
    n_base: int = 1024
    grade_shares: tuple[tuple[str, float], ...] = (("가", 0.3), ("나", 0.4), ("다", 0.3))
    seed: int = 20260413
    num_resamples: int = 100
    per_unit: bool = False

    def __post_init__(self) -> None:
        for name, given, allowed in (
            ("normalisations", self.normalisations, MC_NORMALISATIONS),
            ("aggregations", self.aggregations, MC_AGGREGATIONS),
            ("imputations", self.imputations, MC_IMPUTATIONS),
        ):
            if not given:
                raise ParameterError(f"UncertaintySpec.{name}: give at least one option")
            for v in given:
                if v not in allowed:
                    hint = closest_match(v, allowed)
                    raise ParameterError(
                        f"UncertaintySpec.{name}: unknown option {v!r}; use "
                        f"{', '.join(allowed)}" + (f" (did you mean {hint!r}?)" if hint else "")
                    )
        if not 0 <= self.weight_spread < 1:
            raise ParameterError(
                f"UncertaintySpec.weight_spread must be in [0, 1), got {self.weight_spread}"
            )
        if self.n_base < 2 or self.n_base & (self.n_base - 1):
            raise ParameterError(
                f"UncertaintySpec.n_base must be a power of 2 (Sobol sequence), got {self.n_base}"
            )
        shares = [s for _, s in self.grade_shares]
        if not shares or min(shares) <= 0 or not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
            raise ParameterError(
                "UncertaintySpec.grade_shares: give (grade, share) pairs, shares > 0 summing to 1"
            )

    @property
    def factors(self) -> tuple[str, ...]:
        """The choices that vary (the Sobol factors), in a fixed order."""
        out = [
            name
            for name, opts in (
                ("normalisation", self.normalisations),
                ("aggregation", self.aggregations),
                ("imputation", self.imputations),
            )
            if len(opts) > 1
        ]
        if self.weight_spread > 0:
            out.append("weights")
        return tuple(out)


# --- the index, vectorised ---------------------------------------------------------------------
@dataclass(frozen=True)
class IndexTree:
    """An index's framework and data as arrays: units, indicators (direction applied), pillars
    and their weights; made by :func:`index_tree`."""

    units: tuple[Any, ...]
    indicators: tuple[str, ...]
    pillars: tuple[str, ...]
    pillar_of: np.ndarray  # (k,) pillar position of each indicator
    ind_weight: np.ndarray  # (k,)
    pillar_weight: np.ndarray  # (P,)
    x: np.ndarray  # (n, k) with direction applied


def index_tree(data: pd.DataFrame, framework: Any) -> IndexTree:
    """Check ``data`` (units × indicators) against ``framework`` (a Framework or its table) and
    return them as an :class:`IndexTree`; a missing or unknown code raises ParameterError."""
    table = getattr(framework, "table", framework)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError("framework: give a Framework or its table (a DataFrame)")
    need = {"code", "level", "parent", "direction", "weight"}
    if not need <= set(table.columns):
        raise ParameterError(f"framework table needs columns {', '.join(sorted(need))}")
    t = table.copy()
    t["parent"] = t["parent"].fillna("").astype(str)
    t["code"] = t["code"].astype(str)
    roots = t[t["parent"] == ""]
    ind = t[t["level"].astype(int) == 1]
    pil = t[t["code"].isin(ind["parent"])]
    if len(roots) != 1 or not pil["parent"].isin(roots["code"]).all():
        raise ParameterError(
            "monte_carlo_index supports index -> pillars -> indicators (3 levels); this "
            "framework has another shape"
        )
    codes = [str(c) for c in ind["code"]]
    missing = [c for c in codes if c not in data.columns]
    extra = [c for c in data.columns if c not in codes]
    if missing or extra:
        raise ParameterError(
            "data and framework differ: "
            + (
                f"indicator(s) {missing[:5]} of the framework are not in the data"
                if missing
                else ""
            )
            + ("; " if missing and extra else "")
            + (f"column(s) {extra[:5]} of the data are not in the framework" if extra else "")
        )
    x = data[codes].to_numpy(dtype=float)
    empty = [c for c, col in zip(codes, x.T, strict=True) if np.isnan(col).all()]
    if empty:
        raise ParameterError(f"indicator(s) {empty} have no value at all: drop them or add data")
    direction = ind["direction"].to_numpy(dtype=float)
    pillars = tuple(str(c) for c in pil["code"])
    pos = {p: i for i, p in enumerate(pillars)}
    return IndexTree(
        units=tuple(data.index),
        indicators=tuple(codes),
        pillars=pillars,
        pillar_of=np.array([pos[p] for p in ind["parent"]]),
        ind_weight=ind["weight"].to_numpy(dtype=float),
        pillar_weight=pil["weight"].to_numpy(dtype=float),
        x=x * direction,
    )


def _impute(x: np.ndarray, how: str) -> np.ndarray:
    if how == "none":
        return x
    return np.where(np.isnan(x), np.nanmean(x, axis=0), x)


def _normalise(x: np.ndarray, how: str, codes: tuple[str, ...]) -> np.ndarray:
    if how == "rank":
        out = np.full_like(x, np.nan)
        for j in range(x.shape[1]):
            ok = ~np.isnan(x[:, j])
            out[ok, j] = 100.0 * rankdata(x[ok, j], method="min") / ok.sum()
        return out
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    flat = [c for c, a, b in zip(codes, lo, hi, strict=True) if a == b]
    if flat:
        raise ModelError(
            f"indicator(s) {flat} are constant: {how} normalisation is undefined; drop them"
        )
    if how == "minmax":
        return 1.0 + 99.0 * (x - lo) / (hi - lo)
    sd = np.nanstd(x, axis=0, ddof=1)
    return 100.0 + 10.0 * (x - np.nanmean(x, axis=0)) / sd


def _aggregate(
    v: np.ndarray, groups: np.ndarray, w: np.ndarray, n_groups: int, how: str
) -> np.ndarray:
    """Weighted mean of the columns of ``v`` within each group; weights renormalised over
    present values (NaN when a unit has none in a group)."""
    if how == "geometric":
        if (v[~np.isnan(v)] <= 0).any():
            raise ModelError("geometric aggregation needs values > 0")
        v = np.log(v)
    ok = ~np.isnan(v)
    member = np.zeros((len(w), n_groups))
    member[np.arange(len(w)), groups] = w
    num = np.where(ok, v, 0.0) @ member
    den = ok.astype(float) @ member
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[den == 0] = np.nan
    return np.exp(out) if how == "geometric" else out


def pillar_tables(tree: IndexTree, spec: UncertaintySpec) -> np.ndarray:
    """Pillar scores for every (imputation, normalisation, aggregation): (I, N, A, n, P)."""
    n_p = len(tree.pillars)
    out = np.empty(
        (
            len(spec.imputations),
            len(spec.normalisations),
            len(spec.aggregations),
            len(tree.units),
            n_p,
        )
    )
    for i, imp in enumerate(spec.imputations):
        xi = _impute(tree.x, imp)
        for j, nor in enumerate(spec.normalisations):
            z = _normalise(xi, nor, tree.indicators)
            for k, agg in enumerate(spec.aggregations):
                out[i, j, k] = _aggregate(z, tree.pillar_of, tree.ind_weight, n_p, agg)
    return out


def draw_choices(
    u: np.ndarray, spec: UncertaintySpec, base_w: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Map the unit cube to (imputation, normalisation, aggregation) positions and weights."""
    col = 0
    picks = []
    for opts in (spec.normalisations, spec.aggregations, spec.imputations):
        if len(opts) > 1:
            picks.append(np.minimum((u[:, col] * len(opts)).astype(int), len(opts) - 1))
            col += 1
        else:
            picks.append(np.zeros(len(u), dtype=int))
    if spec.weight_spread > 0:
        w = base_w * (1.0 - spec.weight_spread + 2.0 * spec.weight_spread * u[:, col:])
    else:
        w = np.broadcast_to(base_w, (len(u), len(base_w))).copy()
    nor, agg, imp = picks
    return imp, nor, agg, w


def evaluate_draws(
    tables: np.ndarray,
    imp: np.ndarray,
    nor: np.ndarray,
    agg: np.ndarray,
    w: np.ndarray,
    geometric: np.ndarray,
) -> np.ndarray:
    """Index scores (n, D) of D draws: one matrix product per (imp, nor, agg) triple."""
    n = tables.shape[3]
    scores = np.empty((n, len(imp)))
    combo = (imp * tables.shape[1] + nor) * tables.shape[2] + agg
    for c in np.unique(combo):
        sel = np.flatnonzero(combo == c)
        i, rest = divmod(int(c), tables.shape[1] * tables.shape[2])
        j, k = divmod(rest, tables.shape[2])
        p = tables[i, j, k]
        if geometric[k]:
            p = np.log(p)
        ok = ~np.isnan(p)
        num = np.where(ok, p, 0.0) @ w[sel].T
        den = ok.astype(float) @ w[sel].T
        s = num / den
        scores[:, sel] = np.exp(s) if geometric[k] else s
    return scores


def rank_draws(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties by minimum rank (COINr); per column."""
    return rankdata(-scores, method="min", axis=0).astype(np.int32)


def grades_from_ranks(ranks: np.ndarray, grade_shares: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Grade positions (0 = best grade) from ranks, by shares of the units.

    The counts of each grade are the shares of ``n`` by largest remainder; a unit gets the
    grade whose cumulative count first reaches its rank (tied units share the better grade).

    Examples
    --------
    >>> grades_from_ranks(np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ...                   (("가", 0.3), ("나", 0.4), ("다", 0.3))).tolist()
    [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]
    """
    from cgresearch.data.synth._common import apportion

    r = np.asarray(ranks)
    n = r.shape[0]
    counts = apportion(n, [s for _, s in grade_shares])
    bounds = np.cumsum(counts)
    return np.searchsorted(bounds, r, side="left").astype(np.int8)


def rank_shares(rule: Any, n_units: int) -> tuple[tuple[str, float], ...]:
    """The grade shares by rank that a quantile :class:`~cgresearch.evaluation.grades.GradeRule`
    gives ``n_units`` distinct scores, for :attr:`UncertaintySpec.grade_shares`.

    Quantiles of the scores depend only on the order of the scores, so the same rule grades every
    Monte Carlo draw whatever its normalisation; cut-offs and natural breaks depend on the scale
    and are refused.

    Examples
    --------
    >>> from cgresearch.evaluation.grades import GradeRule
    >>> [(g, round(s * 25)) for g, s in rank_shares(GradeRule("quantiles"), 25)]
    [('가', 9), ('나', 8), ('다', 8)]
    """
    from cgresearch.evaluation.grades import assign_grades

    if getattr(rule, "method", None) != "quantiles":
        raise ParameterError(
            f"grade rule {getattr(rule, 'method', rule)!r} depends on the score scale, which "
            "changes with the normalisation of each draw: use GradeRule('quantiles') for the "
            "Monte Carlo"
        )
    grades = assign_grades(pd.Series(np.arange(n_units, dtype=float)), rule)
    counts = grades.value_counts()
    return tuple(
        (str(g), float(counts.get(g, 0) / n_units)) for g in rule.grades if counts.get(g, 0) > 0
    )

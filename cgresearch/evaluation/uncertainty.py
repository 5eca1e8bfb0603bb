"""Uncertainty and sensitivity of a composite index to its methodological choices (JRC/COINr).

A composite index rests on choices a researcher could have made otherwise: how to impute, how to
normalise, how to aggregate, how much each pillar weighs. This module draws those choices at
random (Monte Carlo), recomputes the index for each draw, and reports

- **rank intervals** per unit: median, 5 % and 95 % of its rank over the draws (rank 1 = best,
  ties by minimum rank, as COINr);
- **grade probabilities** per unit: the share of draws in which it gets each grade, grades given
  by rank shares (e.g. top 30 % 가, next 40 % 나, last 30 % 다) so they mean the same under every
  normalisation;
- **Sobol indices** (first order ``S1`` and total ``ST``) of each choice for the mean absolute
  rank change against the nominal ranks (COINr's target output), and on request for each unit's
  rank, estimated by SALib (Saltelli sampling; ``SALib.sample.sobol`` and
  ``SALib.analyze.sobol``, not written here).

The draws *are* SALib's sample: ``n_base × (G + 2)`` points for ``G`` factors, each point a
valid draw of the choices. A discrete choice with ``m`` options is the uniform ``u`` mapped to
option ``floor(m u)``; pillar weights are ``w_p × (1 − s + 2 s u_p)`` (spread ``s``), grouped as
one factor "weights" in the Sobol analysis.

How a draw is computed (vectorised across draws): the indicator-level steps depend only on the
(imputation, normalisation, aggregation) triple, so the pillar scores of every triple are computed
once; the index of a whole batch of draws is then one matrix product per triple
(``P @ W.T`` with the draws' pillar weights, weights renormalised over missing pillars). The
batches run on the Dask engine of :mod:`cgresearch.sweeps` (a local cluster, a running scheduler
or a given client) or, with ``workers=0``, in this process.

Conventions (COINr's, named so they can be checked): direction applied before normalisation;
``minmax`` to [1, 100] (strictly positive, so the geometric mean is defined); ``zscore`` as
``100 + 10 z`` with the sample sd (``ddof = 1``); ``rank`` as ``100 × rank / n`` (ties by minimum
rank, among the ``n`` units with a value: a percentile rank, so indicators with gaps weigh alike;
the core's ``normalise(method="rank")`` keeps the bare rank, which orders units the same when no
value is missing); each draw equals ``build_index`` with ``range=(1, 100)`` and
``mean_sd=(100, 10)`` (tested); imputation ``none`` (aggregate over the indicators present,
weights renormalised) or ``mean`` (the indicator's mean over units, COINr's ``i_mean``).

Examples
--------
>>> import numpy as np, pandas as pd
>>> fw = pd.DataFrame({"code": ["I", "P1", "P2", "a", "b", "c", "d"],
...     "level": [3, 2, 2, 1, 1, 1, 1], "parent": ["", "I", "I", "P1", "P1", "P2", "P2"],
...     "direction": [1, 1, 1, 1, 1, 1, -1], "weight": [1.0] * 7})
>>> rng = np.random.default_rng(0)
>>> data = pd.DataFrame(rng.normal(50, 10, (6, 4)), columns=list("abcd"),
...     index=[f"u{i}" for i in range(6)])
>>> res = monte_carlo_index(data, fw, UncertaintySpec(n_base=64, seed=1), workers=0)
>>> res.n_draws, res.factors
(384, ('normalisation', 'aggregation', 'imputation', 'weights'))
>>> res.rank_intervals.columns.tolist()
['nominal', 'median', 'q05', 'q95']
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from cgresearch.errors import ModelError, ParameterError, closest_match
from cgresearch.evaluation.sensitivity import _analyse, _problem, _saltelli

__all__ = [
    "MC_AGGREGATIONS",
    "MC_IMPUTATIONS",
    "MC_NORMALISATIONS",
    "UncertaintyResult",
    "UncertaintySpec",
    "grades_from_ranks",
    "monte_carlo_index",
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


@dataclass(frozen=True)
class UncertaintyResult:
    """What the Monte Carlo found.

    Attributes
    ----------
    rank_intervals : DataFrame
        Index units; ``nominal`` (rank under the nominal choices), ``median``, ``q05``, ``q95``.
    grade_probabilities : DataFrame
        Index units; one column per grade (best first), rows sum to 1.
    nominal_grades : Series
        Grade of each unit under the nominal choices.
    sobol : DataFrame
        Index factors; ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` of the mean absolute rank change
        against the nominal ranks (COINr's target output of a sensitivity analysis).
    sobol_by_unit : DataFrame
        With ``spec.per_unit``: long table ``unit, factor, S1, S1_conf, ST, ST_conf`` of each
        unit's rank (units whose rank never moves are left out); else empty.
    ranks : ndarray of int
        ``(n_units, n_draws)``: the rank of each unit in each draw.
    scores : ndarray of float
        ``(n_units, n_draws)``: the index score of each unit in each draw (scale of its draw's
        normalisation).
    choices : DataFrame
        One row per draw: ``normalisation, aggregation, imputation`` and the pillar weights.
    factors : tuple of str
    n_draws : int
    spec : UncertaintySpec
    n_workers : int
        Dask workers used (0 = in this process).
    """

    rank_intervals: pd.DataFrame
    grade_probabilities: pd.DataFrame
    nominal_grades: pd.Series
    sobol: pd.DataFrame
    sobol_by_unit: pd.DataFrame
    ranks: np.ndarray
    scores: np.ndarray
    choices: pd.DataFrame
    factors: tuple[str, ...]
    n_draws: int
    spec: UncertaintySpec
    n_workers: int = 0
    units: tuple[Any, ...] = field(default=())


# --- the index, vectorised --------------------------------------------------------------------
@dataclass(frozen=True)
class _Tree:
    units: tuple[Any, ...]
    indicators: tuple[str, ...]
    pillars: tuple[str, ...]
    pillar_of: np.ndarray  # (k,) pillar position of each indicator
    ind_weight: np.ndarray  # (k,)
    pillar_weight: np.ndarray  # (P,)
    x: np.ndarray  # (n, k) with direction applied


def _tree(data: pd.DataFrame, framework: Any) -> _Tree:
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
    return _Tree(
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


def _pillar_tables(tree: _Tree, spec: UncertaintySpec) -> np.ndarray:
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


def _choices(u: np.ndarray, spec: UncertaintySpec, base_w: np.ndarray) -> tuple[np.ndarray, ...]:
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


def _evaluate(
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


def _ranks(scores: np.ndarray) -> np.ndarray:
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


def _batch(
    tables: np.ndarray, u: np.ndarray, spec: UncertaintySpec, base_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ranks of a batch of draws (runs on a worker)."""
    imp, nor, agg, w = _choices(u, spec, base_w)
    geometric = np.array([a == "geometric" for a in spec.aggregations])
    scores = _evaluate(tables, imp, nor, agg, w, geometric)
    return scores, _ranks(scores)


@contextlib.contextmanager
def _engine(
    workers: int | None, scheduler: str | None, client: Any | None
) -> Iterator[tuple[Callable[..., list[Any]], int]]:
    """Yield ``(map, n_workers)``: ``map(func, shared, items)`` runs ``func(shared, item)`` for
    each item, on Dask (``shared`` scattered once to every worker) or, with ``workers=0`` and no
    scheduler or client, in this process (``n_workers`` 0)."""
    if workers == 0 and scheduler is None and client is None:

        def local(func: Callable[..., Any], shared: Any, items: list[Any]) -> list[Any]:
            return [func(shared, item) for item in items]

        yield local, 0
        return
    from cgresearch.sweeps.cluster import connect  # the sweeps' Dask engine (lazy: optional)

    with connect(client, scheduler, workers) as dask:
        n_workers = max(1, len(dask.scheduler_info().get("workers", {})))

        def remote(func: Callable[..., Any], shared: Any, items: list[Any]) -> list[Any]:
            [future] = dask.scatter([shared], broadcast=True, hash=False)
            try:
                return dask.gather([dask.submit(func, future, it, pure=False) for it in items])
            finally:
                future.release()

        yield remote, n_workers


def _draw_task(shared: tuple[Any, ...], u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tables, spec, base_w = shared
    return _batch(tables, u, spec, base_w)


def _sobol_task(shared: tuple[Any, ...], rows: np.ndarray) -> list[dict[str, np.ndarray] | None]:
    prob, ranks, seed, num_resamples = shared
    out: list[dict[str, np.ndarray] | None] = []
    for i in rows:
        y = ranks[i].astype(float)
        if np.ptp(y) == 0:
            out.append(None)  # a rank that never moves has no variance to share out
        else:
            out.append(_analyse(prob, y, seed, num_resamples))
    return out


def monte_carlo_index(
    data: pd.DataFrame,
    framework: Any,
    spec: UncertaintySpec | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any | None = None,
) -> UncertaintyResult:
    """Monte Carlo over the index's methodological choices: rank intervals, grades, Sobol.

    Parameters
    ----------
    data : DataFrame
        Index = unit codes (the gu), columns = indicator codes of the framework (NaN = missing).
    framework : Framework or DataFrame
        :class:`cgresearch.evaluation.framework.Framework` or its table (columns ``code, level,
        parent, direction, weight``); index → pillars → indicators.
    spec : UncertaintySpec, optional
        What varies (default: every option, pillar weights ±25 %, ``n_base`` 1024).
    workers : int, optional
        Local Dask workers (default: one per core); ``0`` computes in this process.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); its workers need cgresearch.
    client : distributed.Client, optional
        A client to use as it is.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    ParameterError
        Data and framework differ, an indicator has no value, a bad spec, a framework that is
        not index → pillars → indicators.
    ModelError
        A constant indicator under minmax or z-score normalisation.
    """
    spec = spec or UncertaintySpec()
    factors = spec.factors
    if not factors:
        raise ParameterError(
            "UncertaintySpec varies nothing: give two or more options of a choice or a "
            "weight_spread > 0"
        )
    tree = _tree(data, framework)
    tables = _pillar_tables(tree, spec)
    names, groups = _factor_names(spec, tree.pillars)
    prob = _problem(names, groups)
    u = _saltelli(prob, spec.n_base, spec.seed)
    # the nominal index: the first option of every choice, the framework's pillar weights
    zero = np.zeros(1, dtype=int)
    geometric = np.array([a == "geometric" for a in spec.aggregations])
    nominal_scores = _evaluate(tables, zero, zero, zero, tree.pillar_weight[None, :], geometric)
    nominal_ranks = _ranks(nominal_scores)
    sobol_rows: list[dict[str, np.ndarray] | None] = []
    with _engine(workers, scheduler, client) as (run, n_workers):
        parts = [p for p in np.array_split(np.arange(len(u)), max(1, 2 * n_workers)) if len(p)]
        done = run(_draw_task, (tables, spec, tree.pillar_weight), [u[p] for p in parts])
        scores = np.concatenate([s for s, _ in done], axis=1)
        ranks = np.concatenate([r for _, r in done], axis=1)
        if spec.per_unit:
            chunks = np.array_split(np.arange(len(tree.units)), max(1, 2 * n_workers))
            shared = (prob, ranks, spec.seed, spec.num_resamples)
            sobol_rows = [r for part in run(_sobol_task, shared, chunks) for r in part]
    # COINr's target output: the mean absolute rank change against the nominal ranks
    marc = np.abs(ranks - nominal_ranks).mean(axis=0)
    units = pd.Index(tree.units, name=getattr(data.index, "name", None) or "unit")
    q = np.percentile(ranks, [50, 5, 95], axis=1, method="linear")
    intervals = pd.DataFrame(
        {"nominal": nominal_ranks[:, 0], "median": q[0], "q05": q[1], "q95": q[2]}, index=units
    )
    grade_names = [g for g, _ in spec.grade_shares]
    g = grades_from_ranks(ranks, spec.grade_shares)
    probs = np.stack([(g == i).mean(axis=1) for i in range(len(grade_names))], axis=1)
    grade_probs = pd.DataFrame(probs, index=units, columns=grade_names)
    nominal_grades = pd.Series(
        np.array(grade_names)[grades_from_ranks(nominal_ranks[:, 0], spec.grade_shares)],
        index=units,
        name="grade",
    )
    by_unit = _sobol_tables(sobol_rows, factors, units) if spec.per_unit else _EMPTY_BY_UNIT.copy()
    if np.ptp(marc) > 0:
        summary = pd.DataFrame(
            _analyse(prob, marc, spec.seed, spec.num_resamples),
            index=pd.Index(factors, name="factor"),
        )
    else:  # no choice moves any rank
        summary = pd.DataFrame(0.0, index=pd.Index(factors, name="factor"), columns=_SOBOL_COLS)
    imp, nor, agg, w = _choices(u, spec, tree.pillar_weight)
    choices = pd.DataFrame(
        {
            "normalisation": np.array(spec.normalisations)[nor],
            "aggregation": np.array(spec.aggregations)[agg],
            "imputation": np.array(spec.imputations)[imp],
        }
    )
    for i, p in enumerate(tree.pillars):
        choices[f"w_{p}"] = w[:, i]
    return UncertaintyResult(
        rank_intervals=intervals,
        grade_probabilities=grade_probs,
        nominal_grades=nominal_grades,
        sobol=summary,
        sobol_by_unit=by_unit,
        ranks=ranks,
        scores=scores,
        choices=choices,
        factors=factors,
        n_draws=len(u),
        spec=spec,
        n_workers=n_workers,
        units=tuple(tree.units),
    )


def _factor_names(spec: UncertaintySpec, pillars: tuple[str, ...]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    groups: list[str] = []
    for f in spec.factors:
        if f == "weights":
            names += [f"w_{p}" for p in pillars]
            groups += ["weights"] * len(pillars)
        else:
            names.append(f)
            groups.append(f)
    return names, groups


_SOBOL_COLS = ["S1", "S1_conf", "ST", "ST_conf"]
_EMPTY_BY_UNIT = pd.DataFrame(columns=["unit", "factor", *_SOBOL_COLS])


def _sobol_tables(
    rows: list[dict[str, np.ndarray] | None], factors: tuple[str, ...], units: pd.Index
) -> pd.DataFrame:
    long = [
        {"unit": unit, "factor": f, **{k: float(res[k][j]) for k in _SOBOL_COLS}}
        for unit, res in zip(units, rows, strict=True)
        if res is not None
        for j, f in enumerate(factors)
    ]
    return pd.DataFrame(long, columns=["unit", "factor", *_SOBOL_COLS])

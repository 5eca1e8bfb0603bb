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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError
from cgresearch.evaluation.mc_draws import (
    MC_AGGREGATIONS,
    MC_IMPUTATIONS,
    MC_NORMALISATIONS,
    UncertaintySpec,
    draw_choices,
    evaluate_draws,
    grades_from_ranks,
    index_tree,
    pillar_tables,
    rank_draws,
    rank_shares,
)
from cgresearch.evaluation.sensitivity import saltelli_sample, sobol_analyse, sobol_problem

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


def _batch(
    tables: np.ndarray, u: np.ndarray, spec: UncertaintySpec, base_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ranks of a batch of draws (runs on a worker)."""
    imp, nor, agg, w = draw_choices(u, spec, base_w)
    geometric = np.array([a == "geometric" for a in spec.aggregations])
    scores = evaluate_draws(tables, imp, nor, agg, w, geometric)
    return scores, rank_draws(scores)


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
            out.append(sobol_analyse(prob, y, seed, num_resamples))
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
    tree = index_tree(data, framework)
    tables = pillar_tables(tree, spec)
    names, groups = _factor_names(spec, tree.pillars)
    prob = sobol_problem(names, groups)
    u = saltelli_sample(prob, spec.n_base, spec.seed)
    # the nominal index: the first option of every choice, the framework's pillar weights
    zero = np.zeros(1, dtype=int)
    geometric = np.array([a == "geometric" for a in spec.aggregations])
    nominal_scores = evaluate_draws(
        tables, zero, zero, zero, tree.pillar_weight[None, :], geometric
    )
    nominal_ranks = rank_draws(nominal_scores)
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
            sobol_analyse(prob, marc, spec.seed, spec.num_resamples),
            index=pd.Index(factors, name="factor"),
        )
    else:  # no choice moves any rank
        summary = pd.DataFrame(0.0, index=pd.Index(factors, name="factor"), columns=_SOBOL_COLS)
    imp, nor, agg, w = draw_choices(u, spec, tree.pillar_weight)
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

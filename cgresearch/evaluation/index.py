"""Build a composite index: screen, impute, treat, normalise, weight and aggregate up every level.

:class:`IndexSpec` holds every methodological choice explicitly (a frozen, hashable value, so a
Monte Carlo can draw and compare specs); :func:`build_index` runs the steps of
:mod:`~cgresearch.evaluation.construction`, :mod:`~cgresearch.evaluation.weighting` and
:mod:`~cgresearch.evaluation.aggregation` in COINr's order and returns an :class:`IndexResult`
with the score and rank of every unit at every level.

The data table has one row per unit (index = unit code, e.g. the gu's ``adm_code`` or name) and
one column per indicator of the framework; a ``uName`` column and the framework's group columns
may be present too. Any other column, or an indicator of the framework without a column, is an
error naming it.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.framework import Framework
>>> fw = Framework(pd.DataFrame({"code": ["a", "b", "I"], "parent": ["I", "I", None],
...                              "direction": [1, -1, None]}))
>>> data = pd.DataFrame({"a": [0.0, 10.0, 5.0], "b": [0.0, 10.0, 5.0]}, index=["x", "y", "z"])
>>> res = build_index(data, fw)
>>> res.scores["I"].tolist(), res.ranks["a"].tolist()
([50.0, 50.0, 50.0], [3.0, 1.0, 2.0])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ModelError, ParameterError, closest_match
from cgresearch.evaluation.aggregation import AGGREGATIONS, aggregate, rank_scores
from cgresearch.evaluation.construction import (
    IMPUTATIONS,
    NORMALISATIONS,
    TREATMENTS,
    Treatment,
    impute,
    normalise,
    screen_units,
    treat_outliers,
)
from cgresearch.evaluation.framework import Framework
from cgresearch.evaluation.weighting import (
    WEIGHTINGS,
    bod_scores,
    pca_weights,
    within_parent_weights,
)

__all__ = ["BuildLog", "IndexResult", "IndexSpec", "build_index", "check_data"]

_NAME_COLUMNS = ("uName", "uCode")


def _check_choice(key: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        hint = closest_match(str(value), choices)
        raise ParameterError(
            f"{key} = {value!r} is unknown: use one of {', '.join(choices)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )


@dataclass(frozen=True)
class IndexSpec:
    """The methodological choices of a composite index, all explicit (frozen and hashable).

    Parameters
    ----------
    impute : {"none", "mean", "group_mean"}
        Imputation of missing values (``group_mean`` needs ``impute_group``).
    treat : {"none", "default"}
        Outlier treatment; ``default`` is COINr's (|skew| ≥ ``skew_thresh`` and kurtosis ≥
        ``kurt_thresh`` → winsorise up to ``winmax`` points, else log).
    normalise : {"minmax", "zscore", "rank", "target", "goalposts"}
    range : (low, high)
        Output range of min–max, target and goalposts (and of BoD scores).
    weights : {"meta", "equal", "pca", "bod"} or mapping
        Declared, equal, PCA or benefit-of-the-doubt weights, or code → weight replacing the
        declared ones (stored as a sorted tuple of pairs so the spec stays hashable).
    aggregate : {"arithmetic", "geometric", "copeland"}
    screen : float
        Minimum share of available indicators for a unit to be kept (0 keeps every unit).
    impute_group : str or None
        The group column for ``group_mean`` imputation.
    mean_sd : (mean, sd)
        Output mean and standard deviation of the z-score.
    winmax, skew_thresh, kurt_thresh
        COINr's outlier-treatment parameters (defaults 5, 2, 3.5).

    Examples
    --------
    >>> IndexSpec(weights={"a": 2}).weights
    (('a', 2.0),)
    >>> hash(IndexSpec()) == hash(IndexSpec())
    True
    """

    impute: str = "none"
    treat: str = "none"
    normalise: str = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    weights: str | Mapping[str, float] | tuple[tuple[str, float], ...] = "meta"
    aggregate: str = "arithmetic"
    screen: float = 0.0
    impute_group: str | None = None
    mean_sd: tuple[float, float] = (0.0, 1.0)
    winmax: int = 5
    skew_thresh: float = 2.0
    kurt_thresh: float = 3.5

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        _check_choice("impute", self.impute, IMPUTATIONS)
        _check_choice("treat", self.treat, TREATMENTS)
        _check_choice("normalise", self.normalise, NORMALISATIONS)
        _check_choice("aggregate", self.aggregate, AGGREGATIONS)
        try:
            low, high = (float(v) for v in self.range)
        except (TypeError, ValueError):
            raise ParameterError(f"range = {self.range!r}: give two numbers LOW HIGH") from None
        if not low < high:
            raise ParameterError(f"range = ({low:g}, {high:g}): give LOW < HIGH, e.g. 0 100")
        set_(self, "range", (low, high))
        m, s = (float(v) for v in self.mean_sd)
        if not s > 0:
            raise ParameterError(f"mean_sd = ({m:g}, {s:g}): the standard deviation must be > 0")
        set_(self, "mean_sd", (m, s))
        w = self.weights
        if isinstance(w, Mapping) or isinstance(w, tuple):
            pairs = dict(w.items()) if isinstance(w, Mapping) else dict(w)
            out = []
            for k, v in sorted(pairs.items()):
                if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                    raise ParameterError(f"weights.{k} = {v!r} is not a number")
                if not np.isfinite(v) or v < 0:
                    raise ParameterError(f"weights.{k} = {v!r} must be a finite number ≥ 0")
                out.append((str(k), float(v)))
            set_(self, "weights", tuple(out))
        else:
            _check_choice("weights", w, WEIGHTINGS)
        if self.weights == "bod" and self.aggregate != "arithmetic":
            raise ParameterError(
                "weights = 'bod' gives each unit its own weights and scores it by its LP "
                "optimum: use aggregate = 'arithmetic' with it"
            )
        if not 0.0 <= float(self.screen) <= 1.0:
            raise ParameterError(f"screen = {self.screen!r} must be a share between 0 and 1")
        set_(self, "screen", float(self.screen))
        if self.impute == "group_mean" and not self.impute_group:
            raise ParameterError("impute = 'group_mean' needs impute_group (a group column)")
        if int(self.winmax) < 0:
            raise ParameterError(f"winmax = {self.winmax!r} must be ≥ 0")
        set_(self, "winmax", int(self.winmax))

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain values (weights as a dictionary when a mapping was given).

        >>> IndexSpec().to_dict()["normalise"]
        'minmax'
        """
        d = {f: getattr(self, f) for f in self.__dataclass_fields__}
        if isinstance(self.weights, tuple):
            d["weights"] = dict(self.weights)
        d["range"] = list(self.range)
        d["mean_sd"] = list(self.mean_sd)
        return d


@dataclass(frozen=True)
class BuildLog:
    """What the construction did: dropped units, imputed cells, outlier treatments."""

    dropped_units: tuple[str, ...] = ()
    imputed_cells: int = 0
    treatments: tuple[Treatment, ...] = ()


@dataclass(frozen=True)
class IndexResult:
    """Scores and ranks of every unit at every level of a framework.

    Attributes
    ----------
    scores : pandas.DataFrame
        Units × every code (indicators normalised, aggregates scored), framework order.
    ranks : pandas.DataFrame
        Same shape; 1 = best, ties by minimum rank (COINr).
    weights : pandas.Series
        The weight of each code within its parent (sum 1 per parent; the index 1). Under
        ``pca`` the computed weights; under ``bod`` the declared ones (see ``unit_weights``).
    spec : IndexSpec
    framework : Framework
    treated : pandas.DataFrame
        The indicator data after screening, imputation and outlier treatment, in the
        indicators' own units (what was normalised).
    log : BuildLog
    unit_weights : dict of str to pandas.DataFrame
        Under ``bod``: parent code → units × children weights (each row sums to 1).
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    weights: pd.Series
    spec: IndexSpec
    framework: Framework
    treated: pd.DataFrame
    log: BuildLog = field(default_factory=BuildLog)
    unit_weights: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def index(self) -> pd.Series:
        """The index score of every unit (the root's column)."""
        return self.scores[self.framework.root]

    def to_frame(self, lang: str = "ko") -> pd.DataFrame:
        """Long table: unit, code, name (Korean, or English with ``lang="en"``), level, score,
        rank; one row per unit and code, units in data order, codes in framework order.

        >>> fw = Framework(pd.DataFrame({"code": ["a", "I"], "parent": ["I", None],
        ...                              "direction": [1, None], "name_en": ["A", "Index"]}))
        >>> t = build_index(pd.DataFrame({"a": [1.0, 2.0]}, index=["u", "v"]), fw).to_frame("en")
        >>> t.columns.tolist(), t["name"].tolist()
        (['unit', 'code', 'name', 'level', 'score', 'rank'], ['A', 'Index', 'A', 'Index'])
        """
        s = self.scores.stack(future_stack=True).rename("score")
        r = self.ranks.stack(future_stack=True).rename("rank")
        out = pd.concat([s, r], axis=1).reset_index()
        out.columns = ["unit", "code", "score", "rank"]
        fw = self.framework
        out.insert(2, "name", [fw.name(c, lang) for c in out["code"]])
        level = fw.table.set_index("code")["level"]
        out.insert(3, "level", out["code"].map(level).astype(int))
        return out


def check_data(data: pd.DataFrame, framework: Framework, source: str | None = None) -> pd.DataFrame:
    """Check a data table against a framework and return its indicator columns as floats.

    Raises :class:`~cgresearch.errors.InputError` for an indicator of the framework with no
    column, a column that is not in the framework, a non-numeric value (naming the unit and the
    column), an all-missing indicator or a repeated unit code.

    >>> fw = Framework(pd.DataFrame({"code": ["a", "I"], "parent": ["I", None],
    ...                              "direction": [1, None]}))
    >>> check_data(pd.DataFrame({"a": [1, 2]}), fw).dtypes.iloc[0]
    dtype('float64')
    """
    where = f"{source}: " if source else ""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"{where}the data must be a table (units × indicators)")
    if data.index.has_duplicates:
        dup = data.index[data.index.duplicated()][0]
        raise InputError(f"{where}unit {dup!r} appears twice: give each unit one row")
    cols = [str(c) for c in data.columns]
    indicators = framework.indicators
    missing = [c for c in indicators if c not in cols]
    if missing:
        hint = closest_match(missing[0], cols)
        raise InputError(
            f"{where}indicator {missing[0]!r} is in the framework (META) but the data (DATA) has "
            f"no column {missing[0]!r}"
            + (f" (did you mean {hint!r}?)" if hint else "")
            + (f"; {len(missing) - 1} more missing" if len(missing) > 1 else "")
        )
    allowed = set(indicators) | set(framework.groups) | set(_NAME_COLUMNS)
    extra = [c for c in cols if c not in allowed]
    if extra:
        hint = closest_match(extra[0], indicators)
        raise InputError(
            f"{where}column {extra[0]!r} of the data (DATA) is not an indicator of the framework "
            f"(META)"
            + (f" (did you mean {hint!r}?)" if hint else "")
            + ": add it to the framework or drop the column"
        )
    sub = data.loc[:, list(indicators)]
    if all(
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in sub.dtypes
    ):
        values = sub.to_numpy(dtype=float)
    else:
        columns = []
        for code in indicators:
            col = data[code]
            num = pd.to_numeric(col, errors="coerce")
            bad = num.isna() & col.notna()
            if bad.any():
                unit = col.index[bad.to_numpy()][0]
                raise InputError(
                    f"{where}unit {unit!r}, column {code!r}: {col[unit]!r} is not a number"
                )
            columns.append(num.to_numpy(dtype=float))
        values = np.column_stack(columns)
    empty = np.isnan(values).all(axis=0)
    if empty.any():
        code = indicators[int(np.flatnonzero(empty)[0])]
        raise InputError(
            f"{where}column {code!r}: every value is missing: give its data or drop the "
            "indicator from the framework"
        )
    if np.isinf(values).any():
        i, j = (int(v[0]) for v in np.nonzero(np.isinf(values)))
        raise InputError(
            f"{where}unit {data.index[i]!r}, column {indicators[j]!r}: the value is infinite"
        )
    out = pd.DataFrame(values, index=data.index, columns=list(indicators))
    for g in framework.groups:
        if g in data.columns:
            out[g] = data[g]
    return out


def build_index(
    data: pd.DataFrame, framework: Framework, spec: IndexSpec | None = None
) -> IndexResult:
    """Build the composite index of ``framework`` on ``data`` as ``spec`` says.

    Parameters
    ----------
    data : pandas.DataFrame
        Index = unit code; one column per indicator (plus optional ``uName`` and group columns).
    framework : Framework
    spec : IndexSpec, optional
        Defaults: no imputation or treatment, min–max to 0–100, declared weights, arithmetic.

    Returns
    -------
    IndexResult

    Raises
    ------
    InputError
        Data and framework disagree (see :func:`check_data`).
    ModelError
        A step cannot run as asked (constant indicator under min–max or z-score, value ≤ 0 under
        geometric aggregation, negative value under BoD...).

    Examples
    --------
    >>> fw = Framework(pd.DataFrame({"code": ["a", "b", "I"], "parent": ["I", "I", None],
    ...                              "direction": [1, 1, None], "weight": [3, 1, 1]}))
    >>> d = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]}, index=["u", "v"])
    >>> build_index(d, fw).index.tolist()
    [25.0, 75.0]
    """
    spec = IndexSpec() if spec is None else spec
    if not isinstance(spec, IndexSpec):
        raise ParameterError("spec must be an IndexSpec")
    checked = check_data(data, framework)
    kept, dropped = screen_units(checked, framework, spec.screen)
    gaps = int(kept[list(framework.indicators)].isna().sum().sum())
    filled = impute(kept, framework, spec.impute, spec.impute_group)
    imputed = gaps - int(filled[list(framework.indicators)].isna().sum().sum())
    treated, treatments = treat_outliers(
        filled,
        framework,
        spec.treat,
        winmax=spec.winmax,
        skew_thresh=spec.skew_thresh,
        kurt_thresh=spec.kurt_thresh,
    )
    treated = treated[list(framework.indicators)]
    normed = normalise(treated, framework, spec.normalise, range_=spec.range, mean_sd=spec.mean_sd)
    w_spec = dict(spec.weights) if isinstance(spec.weights, tuple) else spec.weights
    weights = within_parent_weights(framework, w_spec)
    scores: dict[str, pd.Series] = {c: normed[c] for c in framework.indicators}
    unit_weights: dict[str, pd.DataFrame] = {}
    low, high = spec.range
    for level in framework.levels[1:]:
        for code in framework.at_level(level):
            kids = list(framework.children(code))
            values = pd.DataFrame({k: scores[k] for k in kids}, index=normed.index)
            if spec.weights == "pca":
                weights[kids] = pca_weights(values).to_numpy()
            if spec.weights == "bod":
                ci, uw = bod_scores(values, code=code)
                scores[code] = (low + ci * (high - low)).rename(code)
                unit_weights[code] = uw
                continue
            scores[code] = aggregate(values, weights[kids], spec.aggregate, code=code)
    table = pd.DataFrame({c: scores[c] for c in framework.codes}, index=normed.index)
    if table[framework.root].isna().all():
        raise ModelError("no unit has an index score: every indicator value is missing")
    return IndexResult(
        scores=table,
        ranks=rank_scores(table),
        weights=weights,
        spec=spec,
        framework=framework,
        treated=treated,
        log=BuildLog(dropped, imputed, treatments),
        unit_weights=unit_weights,
    )

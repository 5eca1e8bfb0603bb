"""The construction steps before aggregation: screening, imputation, outlier treatment, normalising.

Each step is a pure function of a data table (index = unit code, one column per indicator) and
its options, returning a new table; none changes its input. The conventions are those of R's
COINr (Becker et al.), named where they matter:

- **Screening** (:func:`screen_units`, COINr ``Screen()`` with ``dat_thresh``): keep the units
  whose share of available indicator values is at least a threshold.
- **Imputation** (:func:`impute`): ``"none"`` leaves gaps (aggregation then renormalises the
  weights over the children a unit has, as COINr's ``Aggregate()`` does with ``na.rm``),
  ``"mean"`` fills with the indicator's mean over units (COINr ``i_mean``) and ``"group_mean"``
  with the mean of the unit's group (COINr ``i_mean_grp``). COINr's ``Impute()`` also offers
  medians and EM (Amelia); those are not offered here.
- **Outlier treatment** (:func:`treat_outliers`, COINr ``qTreat()`` defaults): an indicator is
  treated only when ``|skew| ≥ 2`` **and** ``kurtosis ≥ 3.5``, where skew and kurtosis are the
  sample statistics of e1071's ``type = 2`` (Excel's SKEW and KURT, excess kurtosis): COINr's
  ``skew()`` and ``kurt()``. Treatment winsorises, one point at a time, the highest value (to the
  next highest) when the skew is positive or the lowest when it is negative (points tied at the
  extreme move together), the skew recomputed after each step, up to ``winmax`` steps (default
  5), stopping as soon as the indicator passes (a step that would leave a constant indicator,
  e.g. a 0/1 indicator with few 0s, is not taken); if it still fails, the original values are
  log-transformed instead, COINr's ``log_CT``: ``log(x − min(x) + 0.01·(max − min))``.
- **Normalisation** (:func:`normalise`): the direction is applied first (values multiplied by
  −1 when less is better, as COINr does), then ``minmax`` to ``[low, high]`` (COINr
  ``n_minmax``), ``zscore`` to a mean and standard deviation (sample sd, ``n − 1``; COINr
  ``n_zscore``), ``rank`` (ties by minimum rank; best = n), ``target`` (distance to target,
  ``(x − min) / (target − min)`` capped at 1, COINr ``n_dist2targ``; every unit at the top when
  all meet the target) and ``goalposts``
  (``(x − low) / (high − low)`` cut to [0, 1], COINr ``n_goalposts``), the last two scaled to
  ``[low, high]``.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.construction import skew, kurtosis
>>> round(skew([1, 2, 3, 10]), 6), round(kurtosis([1, 2, 3, 10]), 6)
(1.763633, 3.228)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgresearch.errors import ModelError, ParameterError, closest_match
from cgresearch.evaluation.framework import Framework

__all__ = [
    "IMPUTATIONS",
    "NORMALISATIONS",
    "TREATMENTS",
    "Treatment",
    "impute",
    "kurtosis",
    "normalise",
    "screen_units",
    "skew",
    "treat_outliers",
]

IMPUTATIONS: tuple[str, ...] = ("none", "mean", "group_mean")
TREATMENTS: tuple[str, ...] = ("none", "default")
NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank", "target", "goalposts")


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        hint = closest_match(value, choices)
        raise ParameterError(
            f"{name} = {value!r} is unknown: use one of {', '.join(choices)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )
    return value


def skew(values: Iterable[float]) -> float:
    """Sample skewness as COINr's ``skew()``: e1071 type 2, ``G1 = g1·√(n(n−1))/(n−2)``.

    ``g1 = m3 / m2^1.5`` with the moments ``m_r = Σ (x − x̄)^r / n``; missing values dropped;
    NaN for fewer than 3 values or no spread.

    >>> skew([1, 2, 3])
    0.0
    """
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        return float("nan")
    d = x - x.mean()
    m2, m3 = (d**2).mean(), (d**3).mean()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        g1 = m3 / m2**1.5
    if not np.isfinite(g1):  # no spread (or a spread below floating-point resolution)
        return float("nan")
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(values: Iterable[float]) -> float:
    """Excess kurtosis as COINr's ``kurt()``: e1071 type 2 (Excel's KURT).

    ``G2 = ((n+1)·g2 + 6)(n−1)/((n−2)(n−3))`` with ``g2 = m4 / m2² − 3``; missing values
    dropped; NaN for fewer than 4 values or no spread.

    >>> round(kurtosis([1, 2, 3, 4]), 6)
    -1.2
    """
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    m2, m4 = (d**2).mean(), (d**4).mean()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        g2 = m4 / m2**2 - 3
    if not np.isfinite(g2):
        return float("nan")
    return float(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def _indicator_frame(data: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    return data.loc[:, list(framework.indicators)].astype(float)


def screen_units(
    data: pd.DataFrame, framework: Framework, min_availability: float = 0.0
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Keep the units with at least ``min_availability`` of their indicator values present.

    Returns the kept rows and the codes of the dropped units (COINr ``Screen(dat_thresh=…)``).

    >>> fw = Framework(pd.DataFrame({"code": ["a", "b", "I"], "parent": ["I", "I", None],
    ...                              "direction": [1, 1, None]}))
    >>> d = pd.DataFrame({"a": [1, None], "b": [2, None]}, index=["u1", "u2"])
    >>> screen_units(d, fw, 0.5)[1]
    ('u2',)
    """
    if not 0.0 <= min_availability <= 1.0:
        raise ParameterError(
            f"screen = {min_availability!r}: the minimum share of available indicators is "
            "between 0 and 1"
        )
    share = _indicator_frame(data, framework).notna().mean(axis=1)
    keep = share >= min_availability - 1e-12
    if not keep.any():
        raise ModelError(
            f"no unit has {min_availability:.0%} of its indicators: lower the screening threshold"
        )
    dropped = tuple(str(u) for u in data.index[~keep.to_numpy()])
    return data.loc[keep.to_numpy()], dropped


def impute(
    data: pd.DataFrame, framework: Framework, method: str = "none", group: str | None = None
) -> pd.DataFrame:
    """Fill missing indicator values: ``"none"``, ``"mean"`` or ``"group_mean"`` (by ``group``).

    A unit whose group has no value of an indicator keeps its gap under ``group_mean``.

    >>> fw = Framework(pd.DataFrame({"code": ["a", "I"], "parent": ["I", None],
    ...                              "direction": [1, None]}))
    >>> d = pd.DataFrame({"a": [1.0, 3.0, None]}, index=["u1", "u2", "u3"])
    >>> impute(d, fw, "mean")["a"].tolist()
    [1.0, 3.0, 2.0]
    """
    _choice("impute", method, IMPUTATIONS)
    out = data.copy()
    cols = list(framework.indicators)
    if method == "none":
        return out
    if method == "mean":
        out[cols] = out[cols].astype(float).fillna(out[cols].astype(float).mean())
        return out
    if group is None:
        choices = framework.groups or ("(none declared)",)
        raise ParameterError(
            "impute = 'group_mean' needs a group column: name one of " + ", ".join(choices)
        )
    if group not in data.columns:
        hint = closest_match(group, [str(c) for c in data.columns])
        raise ParameterError(
            f"group column {group!r} is not in the data"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )
    vals = out[cols].astype(float)
    means = vals.groupby(out[group]).transform("mean")
    out[cols] = vals.fillna(means)
    return out


@dataclass(frozen=True)
class Treatment:
    """What the outlier treatment did to one indicator.

    ``action`` is ``"none"`` (passed as it was), ``"winsorised"`` (``points`` values changed)
    or ``"log"`` (COINr's ``log_CT`` after winsorising up to ``winmax`` failed).
    """

    code: str
    skew_before: float
    kurtosis_before: float
    action: str
    points: int
    skew_after: float
    kurtosis_after: float


def _passes(x: np.ndarray, skew_thresh: float, kurt_thresh: float) -> bool:
    s, k = skew(x), kurtosis(x)
    if np.isnan(s) or np.isnan(k):
        return True
    return bool(abs(s) < skew_thresh or k < kurt_thresh)


def _treat_one(
    x: np.ndarray, winmax: int, skew_thresh: float, kurt_thresh: float
) -> tuple[np.ndarray, str, int]:
    if _passes(x, skew_thresh, kurt_thresh):
        return x, "none", 0
    w = x.copy()
    ok = ~np.isnan(w)
    points = 0
    for _ in range(winmax):
        vals = w[ok]
        if skew(vals) >= 0:
            top = vals.max()
            rest = vals[vals < top]
            if np.unique(rest).size < 2:  # the step would leave a constant indicator
                break
            hit = ok & (w == top)
            w[hit] = rest.max()
        else:
            bottom = vals.min()
            rest = vals[vals > bottom]
            if np.unique(rest).size < 2:
                break
            hit = ok & (w == bottom)
            w[hit] = rest.min()
        points += int(hit.sum())
        if _passes(w, skew_thresh, kurt_thresh):
            return w, "winsorised", points
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo)), "log", 0


def treat_outliers(
    data: pd.DataFrame,
    framework: Framework,
    method: str = "default",
    *,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
) -> tuple[pd.DataFrame, tuple[Treatment, ...]]:
    """Treat outliers indicator by indicator as COINr's default (see the module notes).

    Returns the treated table and one :class:`Treatment` per indicator.

    >>> fw = Framework(pd.DataFrame({"code": ["a", "I"], "parent": ["I", None],
    ...                              "direction": [1, None]}))
    >>> d = pd.DataFrame({"a": [*range(1, 11), 100.0]})
    >>> treated, log = treat_outliers(d, fw)
    >>> float(treated["a"].max()), log[0].action
    (10.0, 'winsorised')
    """
    _choice("treat", method, TREATMENTS)
    out = data.copy()
    records = []
    for code in framework.indicators:
        x = out[code].to_numpy(dtype=float)
        s0, k0 = skew(x), kurtosis(x)
        if method == "none":
            records.append(Treatment(code, s0, k0, "none", 0, s0, k0))
            continue
        y, action, points = _treat_one(x, int(winmax), skew_thresh, kurt_thresh)
        out[code] = y
        records.append(Treatment(code, s0, k0, action, points, skew(y), kurtosis(y)))
    return out, tuple(records)


def normalise(
    data: pd.DataFrame,
    framework: Framework,
    method: str = "minmax",
    *,
    range_: tuple[float, float] = (0.0, 100.0),
    mean_sd: tuple[float, float] = (0.0, 1.0),
) -> pd.DataFrame:
    """Normalise every indicator, the direction applied first (see the module notes).

    Parameters
    ----------
    data : pandas.DataFrame
        Units × indicators (other columns are ignored and not returned).
    framework : Framework
        Directions, targets (``target``) and goalposts (``goal_low``, ``goal_high``).
    method : {"minmax", "zscore", "rank", "target", "goalposts"}
    range_ : (low, high)
        Output range of ``minmax``, ``target`` and ``goalposts``.
    mean_sd : (mean, sd)
        Output mean and standard deviation of ``zscore``.

    Returns
    -------
    pandas.DataFrame
        Units × indicators, higher always better.

    Raises
    ------
    ModelError
        A constant indicator under ``minmax`` or ``zscore``; goalposts that are equal.
    ParameterError
        A missing target or goalpost, a range with low ≥ high.

    Examples
    --------
    >>> fw = Framework(pd.DataFrame({"code": ["a", "b", "I"], "parent": ["I", "I", None],
    ...                              "direction": [1, -1, None]}))
    >>> d = pd.DataFrame({"a": [0.0, 5, 10], "b": [0.0, 5, 10]})
    >>> normalise(d, fw)["b"].tolist()
    [100.0, 50.0, 0.0]
    """
    _choice("normalise", method, NORMALISATIONS)
    low, high = (float(v) for v in range_)
    if not low < high:
        raise ParameterError(f"range = ({low:g}, {high:g}): give LOW < HIGH, e.g. 0 100")
    out = {}
    for code in framework.indicators:
        row = framework.row(code)
        d = float(row["direction"])
        x = d * data[code].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        if not ok.any():
            raise ModelError(f"indicator {code!r} has no values: drop it or give its data")
        if method == "minmax":
            lo, hi = np.nanmin(x), np.nanmax(x)
            if hi == lo:
                raise ModelError(
                    f"indicator {code!r} is constant ({d * lo:g} for every unit): min–max "
                    "cannot scale it; drop it from the framework or use --normalise rank"
                )
            y = low + (x - lo) / (hi - lo) * (high - low)
        elif method == "zscore":
            sd = np.nanstd(x, ddof=1) if ok.sum() > 1 else 0.0
            if not sd > 0:
                raise ModelError(
                    f"indicator {code!r} is constant: its standard deviation is 0, so a z-score "
                    "is undefined; drop it from the framework or use --normalise rank"
                )
            y = mean_sd[0] + (x - np.nanmean(x)) / sd * mean_sd[1]
        elif method == "rank":
            y = pd.Series(x).rank(method="min", ascending=True).to_numpy(dtype=float)
        elif method == "target":
            t = row["target"]
            if np.isnan(t):
                raise ParameterError(
                    f"indicator {code!r} has no target: add target = … to the framework or "
                    "choose another normalisation"
                )
            t, lo = d * t, np.nanmin(x)
            if t <= lo:  # every unit meets the target: all at the top of the range
                y = np.full_like(x, high)
            else:
                y = low + np.minimum(1.0, (x - lo) / (t - lo)) * (high - low)
        else:
            g_lo, g_hi = row["goal_low"], row["goal_high"]
            if np.isnan(g_lo) or np.isnan(g_hi):
                raise ParameterError(
                    f"indicator {code!r} has no goalposts: add goal_low and goal_high to the "
                    "framework or choose another normalisation"
                )
            if g_lo == g_hi:
                raise ModelError(f"indicator {code!r}: goal_low = goal_high = {g_lo:g}")
            # in direction-applied units: worst → 0, best → 1 (for d = −1, −high is worst)
            worst, best = (g_lo, g_hi) if d > 0 else (-g_hi, -g_lo)
            y = low + np.clip((x - worst) / (best - worst), 0.0, 1.0) * (high - low)
        y = np.where(ok, y, np.nan)
        out[code] = y
    return pd.DataFrame(out, index=data.index)

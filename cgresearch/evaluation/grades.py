"""Grades from index scores, the envelope scenario's tiers from grades, and the way up a grade.

A :class:`GradeRule` turns scores into the vocabulary's grades (:data:`cgresearch.vocabulary.
GRADES`: 가, 나, 다, best first) by fixed cut-offs, quantiles of the scores, or natural breaks
(Jenks, through ``jenkspy``). Every rule reduces to ascending thresholds ``t₁ < … < t_{k−1}``: a
score at or above ``t_i`` is at least ``i`` grades above the bottom.

:func:`grades_to_scenario` writes grades into an envelope :class:`~cgresearch.allocation.Scenario`
(its ``grades``, whose ``tiers`` give each grade's 억원 range), and :func:`tiers_from_index` does
scores → grades → scenario in one call, so "the evaluation decides the tier" runs end to end
through :func:`cgresearch.allocation.solve_envelopes`.

:func:`grade_improvements` answers "what would move this gu up a grade": the smallest indicator
changes (weighted L1, in the indicators' own units) that lift its score to the next threshold,
as one LP on HiGHS. Under arithmetic aggregation the score is linear in each normalised
indicator, and with the normalisation's reference points held fixed (min and max, mean and sd,
target or goalposts, as in the current result) linear in the raw values too, so the LP is exact.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.grades import GradeRule, assign_grades
>>> s = pd.Series([10.0, 50.0, 90.0], index=["a", "b", "c"])
>>> assign_grades(s, GradeRule("cutoffs", cutoffs=(40, 80))).tolist()
['다', '나', '가']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cgresearch.errors import ModelError, ParameterError, closest_match
from cgresearch.evaluation._lp import solve_lp
from cgresearch.evaluation.index import IndexResult
from cgresearch.i18n import Lang, tr
from cgresearch.vocabulary import GRADES

if TYPE_CHECKING:
    from cgresearch.allocation.scenario import Scenario

__all__ = [
    "GRADE_METHODS",
    "GradeRule",
    "ImprovementResult",
    "assign_grades",
    "grade_improvements",
    "grade_thresholds",
    "grades_to_scenario",
    "tiers_from_index",
]

GRADE_METHODS: tuple[str, ...] = ("cutoffs", "quantiles", "breaks")
_LINEAR = ("minmax", "zscore", "target", "goalposts")


@dataclass(frozen=True)
class GradeRule:
    """How scores become grades.

    Parameters
    ----------
    method : {"cutoffs", "quantiles", "breaks"}
        Fixed cut-offs; quantiles of the scores (R's default type 7); natural breaks (Jenks).
    cutoffs : tuple of float
        For ``cutoffs``: ``len(grades) − 1`` strictly ascending score thresholds.
    probs : tuple of float
        For ``quantiles``: ``len(grades) − 1`` strictly ascending probabilities in (0, 1)
        (default equal shares, e.g. 1/3 and 2/3 for three grades).
    grades : tuple of str
        The grades, best first (default 가, 나, 다).

    Examples
    --------
    >>> GradeRule("cutoffs", cutoffs=(80, 40))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cgresearch.errors.ParameterError: grade cut-offs (80, 40) are out of order: ...
    """

    method: str = "quantiles"
    cutoffs: tuple[float, ...] = ()
    probs: tuple[float, ...] = ()
    grades: tuple[str, ...] = tuple(GRADES)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.method not in GRADE_METHODS:
            hint = closest_match(self.method, GRADE_METHODS)
            raise ParameterError(
                f"grade rule {self.method!r} is unknown: use one of {', '.join(GRADE_METHODS)}"
                + (f" (did you mean {hint!r}?)" if hint else "")
            )
        grades = tuple(str(g) for g in self.grades)
        if len(grades) < 2 or len(set(grades)) != len(grades):
            raise ParameterError(f"grades {grades!r}: give at least two distinct grades")
        set_(self, "grades", grades)
        k = len(grades) - 1
        cut = tuple(float(c) for c in self.cutoffs)
        if self.method == "cutoffs":
            if len(cut) != k or any(b <= a for a, b in pairwise(cut)):
                shown = tuple(int(c) if c == int(c) else c for c in cut)
                raise ParameterError(
                    f"grade cut-offs {shown} are out of order: give them ascending, one fewer "
                    f"than the grades ({', '.join(grades)}), e.g. "
                    f"{tuple(sorted(shown)) if len(cut) == k else '(40, 80)'}"
                )
        set_(self, "cutoffs", cut)
        probs = tuple(float(p) for p in self.probs) or tuple(i / (k + 1) for i in range(1, k + 1))
        if self.method == "quantiles" and (
            len(probs) != k
            or any(not 0 < p < 1 for p in probs)
            or any(b <= a for a, b in pairwise(probs))
        ):
            raise ParameterError(
                f"grade quantiles {probs}: give {k} ascending probabilities between 0 and 1"
            )
        set_(self, "probs", probs)


def grade_thresholds(scores: pd.Series, rule: GradeRule) -> tuple[float, ...]:
    """The ascending score thresholds of ``rule`` on ``scores`` (a score ≥ ``t_i`` moves up).

    For natural breaks, a threshold is the smallest score above a Jenks class's upper bound.

    >>> grade_thresholds(pd.Series([1.0, 2, 3, 10, 11, 12, 30, 31, 33]), GradeRule("breaks"))
    (10.0, 30.0)
    """
    if rule.method == "cutoffs":
        return rule.cutoffs
    x = pd.Series(scores, dtype=float).dropna().to_numpy()
    k = len(rule.grades) - 1
    if x.size == 0:
        raise ModelError("no scores to grade")
    if rule.method == "quantiles":
        return tuple(float(v) for v in np.quantile(x, rule.probs))
    import jenkspy

    if np.unique(x).size < k + 1:
        raise ModelError(
            f"natural breaks need at least {k + 1} distinct scores for {k + 1} grades; "
            f"there are {np.unique(x).size}: use cut-offs or quantiles"
        )
    breaks = jenkspy.jenks_breaks(sorted(float(v) for v in x), n_classes=k + 1)
    return tuple(float(x[x > b].min()) if (x > b).any() else float("inf") for b in breaks[1:-1])


def assign_grades(scores: pd.Series, rule: GradeRule) -> pd.Series:
    """The grade of every score (best grade first in ``rule.grades``); missing scores stay NaN.

    Parameters
    ----------
    scores : pandas.Series
        One score per unit (e.g. ``result.index`` or a pillar's column).
    rule : GradeRule

    Returns
    -------
    pandas.Series
        Same index, values from ``rule.grades``.

    Examples
    --------
    >>> assign_grades(pd.Series([1.0, 2, 3, 4, 5, 6]), GradeRule("quantiles")).tolist()
    ['다', '다', '나', '나', '가', '가']
    """
    t = np.asarray(grade_thresholds(scores, rule))
    s = pd.Series(scores, dtype=float)
    up = (s.to_numpy()[:, None] >= t[None, :]).sum(axis=1)
    bottom_first = rule.grades[::-1]
    out = pd.Series([bottom_first[i] for i in up], index=s.index, dtype=object, name="grade")
    out[s.isna().to_numpy()] = np.nan
    return out


def grades_to_scenario(grades: pd.Series | Mapping[object, str], scenario: Scenario) -> Scenario:
    """A copy of ``scenario`` whose ``grades`` are ``grades`` (unit → grade).

    Units are district keys the envelope model resolves (Korean or English name, ``adm_code``);
    every grade must be a tier of the scenario.

    >>> from cgresearch.allocation import Scenario
    >>> s = Scenario.from_dict({"name": "t", "total_budget_eok": 250,
    ...     "tiers": {"가": [10, 11], "나": [9, 10]}, "grades": {"default": "나"}})
    >>> grades_to_scenario({"성동구": "가", 11110: "나"}, s).grades
    {'성동구': '가', '11110': '나'}
    """
    items = grades.items() if isinstance(grades, Mapping) else pd.Series(grades).dropna().items()
    table = {str(k): str(v) for k, v in items}
    if not scenario.tiers:
        raise ParameterError(
            f"scenario '{scenario.name}' has no tiers: add tiers (grade = [min, max] 억원), "
            "e.g. scenarios/tiers_9_11.toml"
        )
    for unit, grade in table.items():
        if grade not in scenario.tiers:
            raise ParameterError(
                f"grade {grade!r} of {unit!r} is not a tier of scenario '{scenario.name}' "
                f"({', '.join(scenario.tiers)}): use a grade rule with these grades"
            )
    return dataclasses.replace(scenario, grades=table)


def tiers_from_index(
    result: IndexResult, rule: GradeRule, scenario: Scenario, code: str | None = None
) -> Scenario:
    """Scores of ``code`` (default the index) → grades → ``scenario`` with those grades.

    >>> from cgresearch.allocation import Scenario
    >>> from cgresearch.evaluation import Framework, build_index
    >>> fw = Framework(pd.DataFrame({"code": ["x", "I"], "parent": ["I", None],
    ...                              "direction": [1, None]}))
    >>> result = build_index(pd.DataFrame({"x": [1.0, 5.0, 9.0]},
    ...                                   index=["종로구", "중구", "용산구"]), fw)
    >>> s = Scenario.from_dict({"name": "t", "total_budget_eok": 30,
    ...     "tiers": {"가": [10, 11], "나": [9.5, 10.5], "다": [9, 10]},
    ...     "grades": {"default": "나"}})
    >>> tiers_from_index(result, GradeRule("cutoffs", cutoffs=(30, 70)), s).grades
    {'종로구': '다', '중구': '나', '용산구': '가'}
    """
    scores = result.scores[code or result.framework.root]
    return grades_to_scenario(assign_grades(scores, rule), scenario)


@dataclass(frozen=True)
class ImprovementResult:
    """The smallest indicator changes that lift one unit to a better grade.

    Attributes
    ----------
    unit, code : str
        The unit and the code whose score is graded (the index by default).
    grade, target_grade : str
        The current grade and the grade aimed at (equal when already at the top).
    score, threshold : float
        The current score and the score the target grade needs.
    feasible : bool
        False when even the best observed value of every indicator does not reach it.
    changes : pandas.DataFrame
        One row per changed indicator: ``value``, ``new_value``, ``change`` (indicator units,
        signed: negative for a less-is-better indicator), ``score_gain``.
    total_change : float
        The weighted L1 norm of the changes (the LP's objective).
    """

    unit: str
    code: str
    grade: str
    target_grade: str
    score: float
    threshold: float
    feasible: bool
    changes: pd.DataFrame
    total_change: float

    def describe(self, lang: Lang = "ko") -> str:
        """One plain sentence per change, for the feedback page."""
        if self.grade == self.target_grade:
            return tr(
                "{unit} already has the top grade {grade}.", lang, unit=self.unit, grade=self.grade
            )
        if not self.feasible:
            return tr(
                "{unit} cannot reach grade {grade} even at the best observed values.",
                lang,
                unit=self.unit,
                grade=self.target_grade,
            )
        lines = [
            tr(
                "{unit} reaches grade {grade} (score {threshold:.1f}, now {score:.1f}) with:",
                lang,
                unit=self.unit,
                grade=self.target_grade,
                threshold=self.threshold,
                score=self.score,
            )
        ]
        for code, r in self.changes.iterrows():
            lines.append(
                tr(
                    "{code}: {value:.4g} → {new:.4g} ({change:+.4g})",
                    lang,
                    code=code,
                    value=r["value"],
                    new=r["new_value"],
                    change=r["change"],
                )
            )
        return "\n".join(lines)


def _coefficients(result: IndexResult, unit: object, code: str) -> dict[str, float]:
    """d score(code) / d normalised indicator, under arithmetic aggregation, for ``unit``."""
    fw = result.framework
    row = result.scores.loc[unit]
    coef: dict[str, float] = {}

    def walk(c: str, factor: float) -> None:
        kids = [k for k in fw.children(c) if not np.isnan(row[k])]
        if not kids:
            coef[c] = coef.get(c, 0.0) + factor
            return
        w = result.weights[kids]
        for k in kids:
            walk(k, factor * float(w[k]) / float(w.sum()))

    walk(code, 1.0)
    return coef


def _scale(result: IndexResult, code: str) -> tuple[float, float]:
    """(slope of normalised per direction-applied unit, best direction-applied value)."""
    spec, fw = result.spec, result.framework
    low, high = spec.range
    d = float(fw.row(code)["direction"])
    x = d * result.treated[code].to_numpy(dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    if spec.normalise == "minmax":
        return (high - low) / (hi - lo), hi
    if spec.normalise == "zscore":
        return spec.mean_sd[1] / np.nanstd(x, ddof=1), hi
    if spec.normalise == "target":
        t = d * fw.row(code)["target"]
        return ((high - low) / (t - lo) if t > lo else 0.0), t
    g_lo, g_hi = fw.row(code)["goal_low"], fw.row(code)["goal_high"]
    worst, best = (g_lo, g_hi) if d > 0 else (-g_hi, -g_lo)
    return (high - low) / (best - worst), best


def _below_goalpost(result: IndexResult, code: str, value: float) -> bool:
    """True when a goalposts-normalised value sits below its lower goalpost (its first gains
    would not count, so the score is not linear there)."""
    if result.spec.normalise != "goalposts":
        return False
    row = result.framework.row(code)
    worst = row["goal_low"] if row["direction"] > 0 else -row["goal_high"]
    return bool(value < worst)


def grade_improvements(
    result: IndexResult,
    unit: object,
    rule: GradeRule,
    *,
    code: str | None = None,
    target_grade: str | None = None,
    costs: Mapping[str, float] | str = "raw",
) -> ImprovementResult:
    """The smallest indicator changes that move ``unit`` up to the next (or ``target_grade``).

    Solves ``min Σ cⱼ Δⱼ`` over ``Δⱼ ≥ 0`` (the gain of indicator *j* in its better direction,
    in its own units) subject to ``score + Σ aⱼ sⱼ Δⱼ ≥ threshold`` and ``value + Δⱼ ≤ best`` (the
    best observed value, or the target/upper goalpost), where ``aⱼ`` is indicator *j*'s share
    in the score (product of renormalised weights down the hierarchy) and ``sⱼ`` the slope of
    its normalisation with reference points held fixed. ``costs``: ``"raw"`` (every unit of
    every indicator costs 1), ``"sd"`` (cost 1 per standard deviation) or code → cost.

    Only for arithmetic aggregation with declared, equal or PCA weights (PCA weights held at
    their current values) and a linear
    normalisation (minmax, zscore, target, goalposts); indicators changed by outlier treatment,
    indicators the unit has no value for and (under goalposts) indicators below their lower
    goalpost, whose first gains would not count, are left as they are.

    Parameters
    ----------
    result : IndexResult
    unit : object
        A unit of ``result.scores.index``.
    rule : GradeRule
        Thresholds are computed on the current scores and held fixed.
    code : str, optional
        The graded code (default the index).
    target_grade : str, optional
        Default: the next grade up.
    costs : {"raw", "sd"} or mapping

    Returns
    -------
    ImprovementResult

    Examples
    --------
    >>> from cgresearch.evaluation import Framework, build_index
    >>> fw = Framework(pd.DataFrame({"code": ["x", "y", "I"], "parent": ["I", "I", None],
    ...                              "direction": [1, 1, None]}))
    >>> data = pd.DataFrame({"x": [0.0, 5, 10], "y": [0.0, 10, 20]}, index=["a", "b", "c"])
    >>> imp = grade_improvements(build_index(data, fw), "a", GradeRule("cutoffs", cutoffs=(40, 80)))
    >>> imp.target_grade, imp.changes["change"].round(6).to_dict()  # x: 5 points a unit, y: 2.5
    ('나', {'x': 8.0})
    """
    spec, fw = result.spec, result.framework
    if spec.aggregate != "arithmetic" or spec.weights == "bod":
        raise ParameterError(
            "grade improvements are exact only under arithmetic aggregation with one weight per "
            f"child (this index uses aggregate = {spec.aggregate!r}, weights = "
            f"{spec.weights!r}): rebuild with aggregate = 'arithmetic'"
        )
    if spec.normalise not in _LINEAR:
        raise ParameterError(
            f"normalise = {spec.normalise!r} is not linear in the values: grade improvements "
            f"need one of {', '.join(_LINEAR)}"
        )
    if isinstance(costs, Mapping):
        bad = {j: c for j, c in costs.items() if not float(c) > 0}
        if bad:
            raise ParameterError(f"costs {bad}: every cost must be > 0")
    elif costs not in ("raw", "sd"):
        raise ParameterError(f"costs = {costs!r}: use 'raw', 'sd' or a table code → cost")
    code = code or fw.root
    if unit not in result.scores.index:
        hint = closest_match(str(unit), [str(u) for u in result.scores.index])
        raise ParameterError(
            f"unit {unit!r} is not in the index" + (f" (did you mean {hint!r}?)" if hint else "")
        )
    scores = result.scores[code]
    if np.isnan(scores[unit]):
        raise ModelError(f"unit {unit!r} has no score for {code!r}: it has no grade to improve")
    thresholds = grade_thresholds(scores, rule)
    grades = assign_grades(scores, rule)
    grade = str(grades[unit])
    score = float(scores[unit])
    order = list(rule.grades)  # best first
    pos = order.index(grade)
    if target_grade is None:
        target = order[max(pos - 1, 0)]
    elif target_grade not in order:
        raise ParameterError(f"target grade {target_grade!r} is not one of {', '.join(order)}")
    else:
        target = target_grade
    cols = ["value", "new_value", "change", "score_gain"]
    if order.index(target) >= pos:
        return ImprovementResult(
            str(unit), code, grade, grade, score, score, True, pd.DataFrame(columns=cols), 0.0
        )
    # thresholds ascend from the bottom grade: reaching order[i] needs thresholds[k - 1 - i]
    k = len(order) - 1
    threshold = float(thresholds[k - 1 - order.index(target)])
    treated_codes = {t.code for t in result.log.treatments if t.action != "none"}
    coef = _coefficients(result, unit, code)
    codes, gain, ub, cost, dirs, vals = [], [], [], [], [], []
    for j, a in coef.items():
        value = float(result.treated.loc[unit, j])
        if j in treated_codes or np.isnan(value) or a <= 0:
            continue
        slope, best = _scale(result, j)
        d = float(fw.row(j)["direction"])
        room = best - d * value
        if room <= 0 or slope <= 0 or _below_goalpost(result, j, d * value):
            continue
        if isinstance(costs, Mapping):
            c = float(costs.get(j, 1.0))
        elif costs == "sd":
            c = 1.0 / float(np.nanstd(result.treated[j].to_numpy(dtype=float), ddof=1))
        else:
            c = 1.0
        codes.append(j)
        gain.append(a * slope)
        ub.append(room)
        cost.append(c)
        dirs.append(d)
        vals.append(value)
    need = threshold - score
    # a margin above HiGHS' feasibility tolerance (1e-7), so the rebuilt score clears the line
    margin = 1e-6
    feasible = bool(codes) and float(np.dot(gain, ub)) >= need + margin
    if not feasible:
        return ImprovementResult(
            str(unit),
            code,
            grade,
            target,
            score,
            threshold,
            False,
            pd.DataFrame(columns=cols),
            float("nan"),
        )
    delta, obj = solve_lp(
        np.asarray(cost),
        np.asarray([gain]),
        np.array([need + margin]),
        np.array([np.inf]),
        np.zeros(len(codes)),
        np.asarray(ub),
        what=f"grade improvement LP of {unit!r}",
    )
    rows = {}
    for j, dlt, d, v, g in zip(codes, delta, dirs, vals, gain, strict=True):
        if dlt > 1e-12:
            rows[j] = {
                "value": v,
                "new_value": v + d * dlt,
                "change": d * dlt,
                "score_gain": g * dlt,
            }
    changes = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    return ImprovementResult(str(unit), code, grade, target, score, threshold, True, changes, obj)

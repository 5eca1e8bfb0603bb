"""How well near-duplicate detection finds known groups: pairwise precision, recall, F1, sweeps.

A pair of projects counts as predicted when both are in one detected group and as true when both
are in one known group; :func:`pair_scores` compares the two pair sets and :func:`threshold_sweep`
runs :func:`cgresearch.allocation.fragmentation.detect_duplicates` over a range of thresholds and
measures on a labelled inventory (such as the synthetic one, whose ``duplicate_group`` column
records the groups it planted), tokenising the titles once.

Examples
--------
>>> pair_scores(["g", "g", None], ["x", "x", "x"]).recall  # 1 of the 3 true pairs found
0.3333333333333333
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cgresearch.allocation.fragmentation import (
    MEASURES,
    check_measure,
    check_threshold,
    group_labels,
    prepare_titles,
    required_column,
    similar_pairs,
)
from cgresearch.errors import ParameterError

__all__ = ["PairScore", "pair_scores", "threshold_sweep"]


@dataclass(frozen=True)
class PairScore:
    """Pairwise agreement of a grouping with known groups.

    A pair of projects counts as predicted when both are in the same detected group and as true
    when both are in the same known group. ``precision = tp / (tp + fp)``, ``recall = tp / (tp +
    fn)``, ``f1`` their harmonic mean (NaN when undefined).
    """

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


def _pair_count(counts: Iterable[int]) -> int:
    return int(sum(c * (c - 1) // 2 for c in counts))


def pair_scores(
    predicted: pd.Series | Sequence[Any], truth: pd.Series | Sequence[Any]
) -> PairScore:
    """Return pairwise precision, recall and F1 of ``predicted`` groups against ``truth``.

    Parameters
    ----------
    predicted, truth : Series or sequence
        Group label per project, aligned by position; missing (None/NaN) = in no group.

    Examples
    --------
    >>> s = pair_scores(["g", "g", "g", None], ["x", "x", None, None])
    >>> (s.tp, s.fp, s.fn), round(s.precision, 3), s.recall
    ((1, 2, 0), 0.333, 1.0)
    """
    p = pd.Series(list(predicted), dtype=object)
    t = pd.Series(list(truth), dtype=object)
    if len(p) != len(t):
        raise ParameterError(f"predicted has {len(p)} labels but truth has {len(t)}")
    pn, tn = p.notna(), t.notna()
    n_pred = _pair_count(p[pn].value_counts())
    n_true = _pair_count(t[tn].value_counts())
    both = pn & tn
    tp = _pair_count(pd.DataFrame({"p": p[both], "t": t[both]}).value_counts())
    fp, fn = n_pred - tp, n_true - tp
    precision = tp / n_pred if n_pred else math.nan
    recall = tp / n_true if n_true else math.nan
    f1 = (
        2 * precision * recall / (precision + recall)
        if n_pred and n_true and (precision + recall) > 0
        else (0.0 if n_pred and n_true else math.nan)
    )
    return PairScore(tp, fp, fn, precision, recall, f1)


def threshold_sweep(
    projects: pd.DataFrame,
    thresholds: Sequence[float] = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0),
    *,
    truth_column: str = "duplicate_group",
    measures: Sequence[str] = MEASURES,
    same_gu: bool = True,
    cross_department: bool = True,
    title_column: str = "title_ko",
    id_column: str = "project_id",
    gu_column: str = "gu_code",
    department_column: str = "department",
) -> pd.DataFrame:
    """Score the detected groups against known ones over a range of thresholds and measures.

    The titles are tokenised once; each (measure, threshold) gives the same groups as
    :func:`detect_duplicates` with those options.

    Parameters
    ----------
    projects : pandas.DataFrame
        A labelled inventory: ``truth_column`` holds the known group of each project (missing =
        none), e.g. the synthetic inventory's ``duplicate_group``.
    thresholds : sequence of float
        Thresholds in (0, 1].
    measures : sequence of str
        Measures to sweep (:data:`MEASURES`).
    Other parameters
        As in :func:`detect_duplicates`.

    Returns
    -------
    pandas.DataFrame
        One row per (measure, threshold): ``measure``, ``threshold``, ``n_groups``, ``tp``,
        ``fp``, ``fn``, ``precision``, ``recall``, ``f1``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {
    ...         "project_id": ["a", "b", "c"],
    ...         "title_ko": ["골목 돌봄 지원사업", "골목 돌봄 지원", "청년 창업 공모사업"],
    ...         "gu_code": [11110] * 3,
    ...         "department": ["복지정책과", "여성가족과", "청년정책과"],
    ...         "duplicate_group": ["D1", "D1", None],
    ...     }
    ... )
    >>> threshold_sweep(df, [0.5, 0.9], measures=["jaccard"])[["threshold", "f1"]].values.tolist()
    [[0.5, 1.0], [0.9, nan]]
    """
    for m in measures:
        check_measure(m)
    for t in thresholds:
        check_threshold(t)
    truth = required_column(projects, truth_column, "known-group", "pass truth_column=")
    prep = prepare_titles(
        projects,
        same_gu=same_gu,
        cross_department=cross_department,
        title_column=title_column,
        id_column=id_column,
        gu_column=gu_column,
        department_column=department_column,
    )
    rows = []
    low = min(thresholds) if thresholds else 1.0
    for m in measures:
        i, j, s = similar_pairs(prep, m, low)
        for t in thresholds:
            keep = s >= t - 1e-12
            labels = group_labels(len(prep.df), prep.ids, i[keep], j[keep])
            sc = pair_scores(labels, truth.tolist())
            n_groups = len({lab for lab in labels if lab is not None})
            rows.append({"measure": m, "threshold": float(t), "n_groups": n_groups, **sc.__dict__})
    return pd.DataFrame(
        rows,
        columns=["measure", "threshold", "n_groups", "tp", "fp", "fn", "precision", "recall", "f1"],
    )

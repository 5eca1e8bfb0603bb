"""Evaluation: composite indices of collaborative governance, grades, and the bridge to budgets.

Pure, like :mod:`cgresearch.survey` and :mod:`cgresearch.allocation`: tables and frameworks in,
typed results out. A :class:`Framework` (index → pillars → indicators) and an :class:`IndexSpec`
(the methodological choices) give an :class:`IndexResult` through :func:`build_index`, following
the OECD/JRC Handbook and R's COINr; :mod:`~cgresearch.evaluation.grades` turns scores into the
vocabulary's grades (가/나/다), the tiers of an envelope scenario, and the smallest improvements
that would move a unit up a grade. :mod:`~cgresearch.evaluation.uncertainty` draws the
methodological choices at random (Monte Carlo on the sweeps' Dask engine: rank intervals, grade
probabilities, SALib Sobol indices); :mod:`~cgresearch.evaluation.monitoring` turns an action-task
register into traffic lights.
"""

from __future__ import annotations

from cgresearch.evaluation.aggregation import AGGREGATIONS, aggregate, rank_scores
from cgresearch.evaluation.budget_range import EnvelopeRanges, envelope_ranges, grade_vectors
from cgresearch.evaluation.coinr import (
    load_coinr,
    read_coinr_meta,
    read_framework,
    read_indicator_data,
    read_weights,
)
from cgresearch.evaluation.construction import (
    IMPUTATIONS,
    NORMALISATIONS,
    TREATMENTS,
    Treatment,
    impute,
    kurtosis,
    normalise,
    screen_units,
    skew,
    treat_outliers,
)
from cgresearch.evaluation.feedback import Feedback, gu_feedback
from cgresearch.evaluation.framework import (
    COLUMNS,
    Framework,
    framework_from_coinr,
    load_framework,
)
from cgresearch.evaluation.grades import (
    GRADE_METHODS,
    GradeRule,
    ImprovementResult,
    assign_grades,
    grade_improvements,
    grade_thresholds,
    grades_to_scenario,
    tiers_from_index,
)
from cgresearch.evaluation.index import BuildLog, IndexResult, IndexSpec, build_index, check_data
from cgresearch.evaluation.monitoring import (
    LIGHTS,
    MonitoringTable,
    light_label,
    monitoring_table,
    traffic_light,
)
from cgresearch.evaluation.sensitivity import sobol_indices
from cgresearch.evaluation.uncertainty import (
    MC_AGGREGATIONS,
    MC_IMPUTATIONS,
    MC_NORMALISATIONS,
    UncertaintyResult,
    UncertaintySpec,
    grades_from_ranks,
    monte_carlo_index,
    rank_shares,
)
from cgresearch.evaluation.weighting import (
    WEIGHTINGS,
    bod_scores,
    pca_weights,
    within_parent_weights,
)

__all__ = [
    "AGGREGATIONS",
    "COLUMNS",
    "GRADE_METHODS",
    "IMPUTATIONS",
    "LIGHTS",
    "MC_AGGREGATIONS",
    "MC_IMPUTATIONS",
    "MC_NORMALISATIONS",
    "NORMALISATIONS",
    "TREATMENTS",
    "WEIGHTINGS",
    "BuildLog",
    "EnvelopeRanges",
    "Feedback",
    "Framework",
    "GradeRule",
    "ImprovementResult",
    "IndexResult",
    "IndexSpec",
    "MonitoringTable",
    "Treatment",
    "UncertaintyResult",
    "UncertaintySpec",
    "aggregate",
    "assign_grades",
    "bod_scores",
    "build_index",
    "check_data",
    "envelope_ranges",
    "framework_from_coinr",
    "grade_improvements",
    "grade_thresholds",
    "grade_vectors",
    "grades_from_ranks",
    "grades_to_scenario",
    "gu_feedback",
    "impute",
    "kurtosis",
    "light_label",
    "load_coinr",
    "load_framework",
    "monitoring_table",
    "monte_carlo_index",
    "normalise",
    "pca_weights",
    "rank_scores",
    "rank_shares",
    "read_coinr_meta",
    "read_framework",
    "read_indicator_data",
    "read_weights",
    "screen_units",
    "skew",
    "sobol_indices",
    "tiers_from_index",
    "traffic_light",
    "treat_outliers",
    "within_parent_weights",
]

"""CG evaluation: composite index, grades, uncertainty and sensitivity, monitoring (pure models).

Examples
--------
>>> from cgresearch.evaluation import traffic_light
>>> traffic_light([0.5], [0.5]).tolist()
['on_track']
"""

from cgresearch.evaluation.monitoring import (
    LIGHTS,
    MonitoringTable,
    light_label,
    monitoring_table,
    traffic_light,
)
from cgresearch.evaluation.uncertainty import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    UncertaintyResult,
    UncertaintySpec,
    grades_from_ranks,
    monte_carlo_index,
    sobol_indices,
)

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "LIGHTS",
    "NORMALISATIONS",
    "MonitoringTable",
    "UncertaintyResult",
    "UncertaintySpec",
    "grades_from_ranks",
    "light_label",
    "monitoring_table",
    "monte_carlo_index",
    "sobol_indices",
    "traffic_light",
]

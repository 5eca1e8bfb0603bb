"""Survey analysis: designs, design-based estimators, calibration and models equal to R's survey.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey import SurveyDesign, svymean
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2], "y": [1.0, 2.0, 3.0, 4.0]})
>>> float(svymean(SurveyDesign(df, ids="psu"), "y").estimate[0])
2.5
"""

from cgresearch.survey.calibration import (
    CalibrationInfo,
    calibrate,
    post_stratify,
    postStratify,
    rake,
)
from cgresearch.survey.design import LonelyPSU, SurveyDesign
from cgresearch.survey.domains import ByEstimate, svyby
from cgresearch.survey.estimators import Estimate, svymean, svyratio, svytotal, svyvar
from cgresearch.survey.gaps import (
    GapTable,
    RaoScottResult,
    cliffs_delta,
    cohens_d,
    gap_table,
    rao_scott,
)
from cgresearch.survey.models import (
    GLMResult,
    OrdinalResult,
    WaldTest,
    olr,
    reg_term_test,
    regTermTest,
    svyglm,
    svyolr,
)
from cgresearch.survey.priorities import (
    BorichResult,
    IPAResult,
    LocusForFocusResult,
    PairedGapResult,
    PriorityResult,
    borich,
    importance_performance,
    locus_for_focus,
    paired_gap_tests,
    pairs_from_prefixes,
    policy_priorities,
)
from cgresearch.survey.proportions import ProportionCI, svyciprop
from cgresearch.survey.quantiles import QuantileEstimate, svyquantile
from cgresearch.survey.scales import (
    AlphaResult,
    LikertItem,
    LikertScale,
    ResponseDistribution,
    construct_scores,
    cronbach_alpha,
    recode,
    response_distribution,
    scales_from_codebook,
)

__all__ = [
    "AlphaResult",
    "BorichResult",
    "ByEstimate",
    "CalibrationInfo",
    "Estimate",
    "GLMResult",
    "GapTable",
    "IPAResult",
    "LikertItem",
    "LikertScale",
    "LocusForFocusResult",
    "LonelyPSU",
    "OrdinalResult",
    "PairedGapResult",
    "PriorityResult",
    "ProportionCI",
    "QuantileEstimate",
    "RaoScottResult",
    "ResponseDistribution",
    "SurveyDesign",
    "WaldTest",
    "borich",
    "calibrate",
    "cliffs_delta",
    "cohens_d",
    "construct_scores",
    "cronbach_alpha",
    "gap_table",
    "importance_performance",
    "locus_for_focus",
    "olr",
    "paired_gap_tests",
    "pairs_from_prefixes",
    "policy_priorities",
    "postStratify",
    "post_stratify",
    "rake",
    "rao_scott",
    "recode",
    "regTermTest",
    "reg_term_test",
    "response_distribution",
    "scales_from_codebook",
    "svyby",
    "svyciprop",
    "svyglm",
    "svymean",
    "svyolr",
    "svyquantile",
    "svyratio",
    "svytotal",
    "svyvar",
]

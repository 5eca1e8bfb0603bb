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
from cgresearch.survey.estimators import (
    ByEstimate,
    Estimate,
    ProportionCI,
    QuantileEstimate,
    svyby,
    svyciprop,
    svymean,
    svyquantile,
    svyratio,
    svytotal,
    svyvar,
)

__all__ = [
    "ByEstimate",
    "CalibrationInfo",
    "Estimate",
    "LonelyPSU",
    "ProportionCI",
    "QuantileEstimate",
    "SurveyDesign",
    "calibrate",
    "postStratify",
    "post_stratify",
    "rake",
    "svyby",
    "svyciprop",
    "svymean",
    "svyquantile",
    "svyratio",
    "svytotal",
    "svyvar",
]

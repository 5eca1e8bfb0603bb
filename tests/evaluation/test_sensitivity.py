"""Sobol indices through the SALib wrapper, against analytically known indices."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from cgresearch.errors import ParameterError
from cgresearch.evaluation.sensitivity import sobol_indices


def test_sobol_of_the_ishigami_function_matches_its_analytic_indices() -> None:
    a, b = 7.0, 0.1
    pi = math.pi

    def ishigami(x: np.ndarray) -> np.ndarray:
        return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

    # Analytic (Ishigami & Homma 1990): V1, V2, V13 and the total variance
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s = sobol_indices(ishigami, {"x1": (-pi, pi), "x2": (-pi, pi), "x3": (-pi, pi)}, 2**13, 1)
    np.testing.assert_allclose(s["S1"], [v1 / v, v2 / v, 0.0], atol=0.03)
    np.testing.assert_allclose(s["ST"], [(v1 + v13) / v, v2 / v, v13 / v], atol=0.03)


def test_sobol_of_a_linear_model_gives_squared_coefficient_shares_also_grouped() -> None:
    coef = np.array([1.0, 2.0, 3.0])  # x ~ U(0, 1): V_i = c_i^2 / 12, shares c_i^2 / 14
    s = sobol_indices(lambda x: x @ coef, {"u": (0, 1), "v": (0, 1), "w": (0, 1)}, 2**12, 2)
    exact = [float(Fraction(int(c * c), 14)) for c in coef]
    np.testing.assert_allclose(s["S1"], exact, atol=0.02)
    np.testing.assert_allclose(s["ST"], exact, atol=0.02)
    g = sobol_indices(
        lambda x: x @ coef,
        {"u": (0, 1), "v": (0, 1), "w": (0, 1)},
        2**12,
        2,
        {"v": "vw", "w": "vw"},
    )
    assert g.index.tolist() == ["u", "vw"]
    np.testing.assert_allclose(g["S1"], [1 / 14, 13 / 14], atol=0.02)


def test_bad_bounds_and_wrong_output_length_are_refused() -> None:
    with pytest.raises(ParameterError, match="low < high"):
        sobol_indices(lambda x: x[:, 0], {"a": (1, 1)}, 8)
    with pytest.raises(ParameterError, match="must return"):
        sobol_indices(lambda x: x[:3, 0], {"a": (0, 1), "b": (0, 1)}, 8)

"""Variance-based sensitivity (Sobol indices) through SALib: sample, evaluate, analyse.

:func:`sobol_indices` is the plain wrapper (a function of uniform inputs → first-order ``S1`` and
total ``ST`` indices with bootstrap intervals); :mod:`cgresearch.evaluation.uncertainty` uses the
same three steps (:func:`sobol_problem`, :func:`saltelli_sample`, :func:`sobol_analyse`) with
the model evaluated in batches on Dask between sampling and analysis. The estimators are
SALib's (``SALib.sample.sobol``, ``SALib.analyze.sobol``, Saltelli 2002 / Jansen 1999 as
implemented there), not written here; second-order indices are not computed
(``calc_second_order=False``), so a sample has ``N × (G + 2)`` points for ``G`` factors.

Examples
--------
>>> s = sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], {"a": (0, 1), "b": (0, 1)}, 512)
>>> s["ST"].round(1).tolist()
[0.2, 0.8]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import ParameterError

__all__ = ["saltelli_sample", "sobol_analyse", "sobol_indices", "sobol_problem"]


def sobol_problem(names: list[str], groups: list[str] | None = None) -> dict[str, Any]:
    """SALib's problem for factors ``names`` on [0, 1] (grouped when ``groups`` repeat a name).

    Parameters
    ----------
    names : list of str
        The inputs, each uniform on [0, 1].
    groups : list of str, optional
        One group per input; inputs sharing a group are one factor. A single group for all
        inputs is marked ``one_factor`` (SALib cannot analyse it; :func:`sobol_analyse` answers
        S1 = ST = 1).

    Examples
    --------
    >>> sobol_problem(["a", "b"])["num_vars"]
    2
    """
    prob: dict[str, Any] = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
    }
    if groups is not None and len(set(groups)) < len(groups):
        if len(set(groups)) == 1:
            # SALib samples one group as ungrouped but then cannot analyse it; one factor holds
            # all the variance by definition (S1 = ST = 1), see sobol_analyse
            prob["one_factor"] = True
        else:
            prob["groups"] = groups
    return prob


def saltelli_sample(problem: dict[str, Any], n_base: int, seed: int) -> np.ndarray:
    """SALib's Sobol sample of ``problem`` without second order: ``n_base × (G + 2)`` rows.

    Examples
    --------
    >>> saltelli_sample(sobol_problem(["a", "b"]), 8, seed=0).shape
    (32, 2)
    """
    from SALib.sample import sobol as sobol_sample

    return sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)


def sobol_analyse(
    problem: dict[str, Any], y: np.ndarray, seed: int, num_resamples: int = 100
) -> dict[str, np.ndarray]:
    """First-order and total indices (``S1, S1_conf, ST, ST_conf``) of outputs ``y`` by SALib.

    ``y`` holds the model's outputs at the rows of :func:`saltelli_sample`'s sample, in order.

    Examples
    --------
    >>> prob = sobol_problem(["a", "b"])
    >>> u = saltelli_sample(prob, 512, seed=0)
    >>> sobol_analyse(prob, u[:, 0] + 2 * u[:, 1], seed=0)["ST"].round(1).tolist()
    [0.2, 0.8]
    """
    from SALib.analyze import sobol as sobol_analyse

    if problem.get("one_factor"):
        one, zero = np.ones(1), np.zeros(1)
        return {"S1": one, "S1_conf": zero, "ST": one, "ST_conf": zero}
    res = sobol_analyse.analyze(
        problem,
        np.asarray(y, dtype=float),
        calc_second_order=False,
        num_resamples=num_resamples,
        seed=seed,
    )
    return {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    bounds: Mapping[str, tuple[float, float]],
    n_base: int = 1024,
    seed: int = 0,
    groups: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``func`` by SALib (Saltelli sample, no 2nd order).

    Parameters
    ----------
    func : callable
        Takes an ``(n, d)`` array of inputs (columns in the order of ``bounds``) and returns
        ``n`` outputs.
    bounds : mapping of name to (low, high)
        Uniform input ranges.
    n_base : int
        SALib's ``N`` (power of 2); ``func`` is evaluated ``N × (d + 2)`` times (``G`` groups
        instead of ``d`` when grouped).
    seed : int
        Seed of the scramble and of the bootstrap.
    groups : mapping of name to group, optional
        Inputs sharing a group are one factor.

    Returns
    -------
    DataFrame
        Index factor (input or group), columns ``S1, S1_conf, ST, ST_conf``.

    Examples
    --------
    >>> s = sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], {"a": (0, 1), "b": (0, 1)}, 512)
    >>> s["S1"].round(1).tolist()  # variances 1:4 -> 0.2, 0.8
    [0.2, 0.8]
    """
    names = list(bounds)
    if not names:
        raise ParameterError("sobol_indices: give at least one input in bounds")
    lo = np.array([bounds[n][0] for n in names], dtype=float)
    hi = np.array([bounds[n][1] for n in names], dtype=float)
    if (hi <= lo).any():
        raise ParameterError("sobol_indices: every bound needs low < high")
    grp = [groups.get(n, n) for n in names] if groups else None
    prob = sobol_problem(names, grp)
    u = saltelli_sample(prob, n_base, seed)
    y = np.asarray(func(lo + (hi - lo) * u), dtype=float)
    if y.shape != (len(u),):
        raise ParameterError(f"sobol_indices: func must return {len(u)} values, got {y.shape}")
    res = sobol_analyse(prob, y, seed)
    grouped = grp and ("groups" in prob or prob.get("one_factor"))
    index = list(dict.fromkeys(grp)) if grouped else names
    return pd.DataFrame(res, index=pd.Index(index, name="factor"))

"""A sweep's size and time before it starts: counting from the raw TOML, the limits, --yes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.errors import ParameterError
from cgresearch.paths import scenarios_dir
from cgresearch.sweeps import (
    MAX_SCENARIOS,
    MAX_SECONDS,
    SweepEstimate,
    count_scenarios,
    estimate_sweep_file,
    load_sweep,
)
from cgresearch.sweeps.spec import read_sweep_config

_BASE = {"name": "b", "total_budget_eok": 250, "objective": "formula"}


def test_the_grid_example_counts_its_documented_165_scenarios() -> None:
    # scenarios/sweeps/budget_floor_grid.toml: budgets 200..300 step 10 (11) x 5 floors x 3 δ.
    _, config = read_sweep_config("budget_floor_grid.toml")
    assert count_scenarios(config) == 11 * 5 * 3


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (scenarios_dir() / "sweeps").glob("*.toml"))
)
def test_the_raw_count_of_every_example_equals_the_built_specs(name: str) -> None:
    _, config = read_sweep_config(name)
    assert count_scenarios(config) == load_sweep(name).n_scenarios


@settings(max_examples=25, deadline=None)
@given(
    n_values=st.integers(1, 6),
    steps=st.integers(0, 8),
    draws=st.one_of(st.none(), st.integers(1, 4)),
    zip_axes=st.booleans(),
)
def test_the_raw_count_is_the_product_or_zip_length_times_the_draws(
    n_values, steps, draws, zip_axes
):
    axes = [
        {"key": "total_budget_eok", "values": [200 + 5 * i for i in range(n_values)]},
        {"key": "weights.base", "start": 0, "stop": steps, "step": 1}
        if not zip_axes
        else {"key": "weights.base", "values": [0.5 + i for i in range(n_values)]},
    ]
    config = {
        "sweep": {"name": "g", "base": {**_BASE, "weights": {"base": 0.5, "pop": 0.5}}},
        "base_overrides": {"weights_sum": 1.0},
        "axis": axes,
    }
    if zip_axes:
        config["sweep"]["combine"] = "zip"
    if draws is not None:
        config["monte_carlo"] = {
            "draws": draws,
            "perturb": {"pop_total_2017q1": {"relative_sd": 0.01}},
        }
    # independent count: product (or zip length) of the axis lengths, times the draws
    points = n_values if zip_axes else n_values * (steps + 1)
    assert count_scenarios(config) == points * (draws or 1)


def test_a_malformed_file_is_not_counted_but_left_to_validation() -> None:
    assert count_scenarios({"axis": [{"key": "a", "start": 0}]}) is None


def test_the_time_is_scenarios_times_seconds_over_workers() -> None:
    est = SweepEstimate("s", 7_200, 0.5, 4)
    assert est.seconds == 900.0
    assert not est.too_large


@pytest.mark.parametrize(
    ("n", "seconds_each", "workers", "too_large"),
    [
        (MAX_SCENARIOS, 0.0, 1, False),
        (MAX_SCENARIOS + 1, 0.0, 1, True),
        (3_600, 1.0, 1, False),  # exactly the hour
        (3_601, 1.0, 1, True),
        (7_202, 1.0, 2, True),
    ],
)
def test_the_limits_are_200000_scenarios_or_an_hour(n, seconds_each, workers, too_large) -> None:
    est = SweepEstimate("s", n, seconds_each, workers)
    assert est.too_large is too_large
    assert MAX_SECONDS == 3600.0
    if too_large:
        with pytest.raises(ParameterError, match=r"rerun with --yes"):
            est.check(yes=False)
    est.check(yes=True)  # --yes always starts


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    path.write_text(
        '[sweep]\nname = "huge"\nbase = "equal_10.toml"\n'
        '[[axis]]\nkey = "total_budget_eok"\nstart = 0\nstop = 9999999\nstep = 1\n',
        encoding="utf-8",
    )
    return path


def test_a_ten_million_scenario_file_is_counted_without_building_it(tmp_path: Path) -> None:
    est = estimate_sweep_file(_huge(tmp_path), workers=2)
    assert est.n_scenarios == 10_000_000 and not est.measured and est.too_large
    assert "10,000,000 scenarios, at least" in est.describe("en")
    assert "시나리오 10,000,000개, 작업자 2개로 최소" in est.describe()  # Korean by default


def test_a_small_sweep_is_timed_with_the_given_seconds() -> None:
    est = estimate_sweep_file("whatifs_smoke.toml", workers=3, seconds_per_scenario=0.3)
    assert est.n_scenarios == 24 and est.seconds == pytest.approx(24 * 0.3 / 3)

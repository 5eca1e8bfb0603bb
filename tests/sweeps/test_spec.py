"""Sweep specifications: axes, combination order, Latin-hypercube property, Monte Carlo, errors.

Expected values are derived by hand or from the definitions (numpy.linspace, itertools.product,
the Latin-hypercube stratification, the number of compositions C(m + k − 1, k − 1)).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.data import load_districts
from cgresearch.errors import ParameterError
from cgresearch.sweeps import MonteCarlo, Perturbation, load_sweep, sweep_from_dict

BASE = {
    "name": "base",
    "total_budget_eok": 250,
    "weights": {"base": 0.2, "pop": 0.4, "elderly": 0.2, "fiscal_need": 0.2},
    "floor_eok": 8,
    "cap_eok": 13,
    "previous_eok": 10,
    "stability_delta": 0.2,
}


def spec_of(*axes, **extra):
    config = {"sweep": {"name": "t", "base": BASE, "seed": 11}, "axis": list(axes)}
    config.update(extra)
    return sweep_from_dict(config)


def test_grid_start_stop_num_equals_numpy_linspace():
    spec = spec_of({"key": "total_budget_eok", "start": 200, "stop": 300, "num": 7})
    values = spec.points_frame()["total_budget_eok"].to_numpy()
    np.testing.assert_allclose(values, np.linspace(200, 300, 7), rtol=0, atol=1e-9)


def test_grid_step_includes_stop_and_keeps_integers():
    spec = spec_of({"key": "total_budget_eok", "start": 200, "stop": 300, "step": 25})
    assert spec.points_frame()["total_budget_eok"].tolist() == [200, 225, 250, 275, 300]


def test_product_order_is_itertools_product_with_last_axis_fastest():
    a = {"key": "total_budget_eok", "values": [240, 250, 260]}
    b = {"key": "floor_eok", "values": [7, 8]}
    c = {"key": "stability_delta", "values": [0.2, 0.3]}
    spec = spec_of(a, b, c)
    expected = list(itertools.product([240, 250, 260], [7, 8], [0.2, 0.3]))
    frame = spec.points_frame()
    got = list(frame[["total_budget_eok", "floor_eok", "stability_delta"]].itertuples(index=False))
    assert [tuple(g) for g in got] == expected
    assert spec.n_points == 12
    assert spec.overrides(5) == dict(
        zip(["total_budget_eok", "floor_eok", "stability_delta"], expected[5], strict=True)
    )


def test_zip_advances_axes_together_and_needs_equal_lengths():
    a = {"key": "total_budget_eok", "values": [240, 250, 260]}
    b = {"key": "floor_eok", "values": [7, 8, 9]}
    config = {"sweep": {"name": "t", "base": BASE, "combine": "zip"}, "axis": [a, b]}
    spec = sweep_from_dict(config)
    assert spec.n_points == 3
    assert spec.overrides(2) == {"total_budget_eok": 260, "floor_eok": 9}
    config["axis"] = [a, {"key": "floor_eok", "values": [7, 8]}]
    with pytest.raises(ParameterError, match="equal length"):
        sweep_from_dict(config)


def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_range():
    n = 20
    axis = {
        "kind": "lhs",
        "n": n,
        "ranges": {"total_budget_eok": [200, 300], "stability_delta": [0.2, 0.5]},
    }
    frame = spec_of(axis).points_frame()
    for key, (low, high) in axis["ranges"].items():
        strata = np.floor((frame[key].to_numpy() - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n)), key


def test_random_axis_is_reproducible_from_its_seed_and_stays_in_range():
    axis = {"kind": "random", "n": 50, "seed": 5, "ranges": {"total_budget_eok": [200, 300]}}
    first = spec_of(axis).points_frame()["total_budget_eok"]
    again = spec_of(axis).points_frame()["total_budget_eok"]
    other = spec_of({**axis, "seed": 6}).points_frame()["total_budget_eok"]
    assert first.equals(again)
    assert not first.equals(other)
    assert first.between(200, 300).all()


def test_integer_keys_of_a_sampled_axis_are_rounded():
    axis = {
        "kind": "random",
        "n": 10,
        "ranges": {"floor_eok": [5, 9]},
        "integer": ["floor_eok"],
    }
    values = spec_of(axis).points_frame()["floor_eok"]
    assert all(isinstance(v, int) for v in values.tolist())


def test_simplex_grid_has_every_composition_and_sums_to_one():
    keys = ["weights.base", "weights.pop", "weights.elderly", "weights.fiscal_need"]
    spec = spec_of({"kind": "simplex", "keys": keys, "step": 0.25})
    frame = spec.points_frame()
    # compositions of m = 4 quarters into k = 4 parts: C(4 + 4 - 1, 4 - 1) = C(7, 3) = 35
    assert len(frame) == math.comb(7, 3) == 35
    np.testing.assert_allclose(frame[keys].sum(axis=1), 1.0, atol=1e-12)
    assert len(frame[keys].drop_duplicates()) == 35


def test_simplex_random_draws_sum_to_the_total():
    keys = ["weights.base", "weights.pop", "weights.elderly", "weights.fiscal_need"]
    spec = spec_of({"kind": "simplex", "keys": keys, "n": 30})
    frame = spec.points_frame()
    np.testing.assert_allclose(frame[keys].sum(axis=1), 1.0, atol=1e-9)
    assert (frame[keys] >= 0).all().all()


def test_batches_cover_every_scenario_once_in_draw_major_order():
    spec = spec_of(
        {"key": "total_budget_eok", "values": [240, 250, 260, 270, 280]},
        monte_carlo={"draws": 3, "perturb": {"pop_total_2017q1": {"relative_sd": 0.01}}},
    )
    batches = spec.batches(4)
    # 15 scenarios in batches of 4: 0-3, 4-7, 8-11, 12-14
    assert [(b.start, b.stop) for b in batches] == [(0, 4), (4, 8), (8, 12), (12, 15)]
    frame = spec.scenarios_frame(4, 8)
    # scenario id = draw · 5 + point: 4 = (0, 4), 5 = (1, 0), 6 = (1, 1), 7 = (1, 2)
    assert frame["draw"].tolist() == [0, 1, 1, 1]
    assert frame["point"].tolist() == [4, 0, 1, 2]
    assert frame["total_budget_eok"].tolist() == [280, 240, 250, 260]
    whole = pd.concat([spec.scenarios_frame(b.start, b.stop) for b in batches])
    assert whole["scenario_id"].tolist() == list(range(15))


def test_unknown_option_is_named():
    with pytest.raises(ParameterError, match="'valuez'"):
        spec_of({"key": "total_budget_eok", "valuez": [1, 2]})


def test_unknown_scenario_key_is_named():
    with pytest.raises(ParameterError, match="total_budjet_eok"):
        spec_of({"key": "total_budjet_eok", "values": [240, 250]})


def test_key_on_two_axes_is_refused():
    with pytest.raises(ParameterError, match="'floor_eok' is set by"):
        spec_of({"key": "floor_eok", "values": [7, 8]}, {"key": "floor_eok", "values": [9]})


def test_partly_invalid_axis_is_accepted_for_the_run_to_record():
    # floor 14 is above the base cap 13 but fine with cap 16: a legitimate question
    spec = spec_of({"key": "floor_eok", "values": [8, 14]}, {"key": "cap_eok", "values": [13, 16]})
    assert spec.n_points == 4


def test_every_point_invalid_is_refused_with_the_scenario_message():
    with pytest.raises(ParameterError, match="stability_delta"):
        spec_of({"key": "stability_delta", "values": [-0.1, -0.2]})


def test_monte_carlo_needs_perturbation_tables():
    with pytest.raises(ParameterError, match=r"monte_carlo\.perturb"):
        spec_of({"key": "floor_eok", "values": [8]}, monte_carlo={"draws": 3})
    with pytest.raises(ParameterError, match="exactly one of sd and relative_sd"):
        spec_of(
            {"key": "floor_eok", "values": [8]},
            monte_carlo={"draws": 3, "perturb": {"pop_total_2017q1": {}}},
        )


def test_perturbation_of_an_unknown_column_is_named():
    mc = MonteCarlo(draws=2, seed=1, perturb=(Perturbation("pop_total", relative_sd=0.1),))
    with pytest.raises(ParameterError, match=r"monte_carlo\.perturb\.pop_total"):
        mc.check_columns(load_districts())


def test_monte_carlo_draw_is_reproducible_and_has_the_stated_spread():
    districts = load_districts()
    mc = MonteCarlo(
        draws=400,
        seed=3,
        perturb=(
            Perturbation("pop_total_2017q1", relative_sd=0.05),
            Perturbation("fiscal_independence_pct_kosis_year_unverified", sd=2.0, low=0, high=40),
        ),
    )
    a = mc.perturb_districts(districts, 7)
    assert a.equals(mc.perturb_districts(districts, 7))
    assert not a.equals(mc.perturb_districts(districts, 8))
    draws = [mc.perturb_districts(districts, d) for d in range(mc.draws)]
    rel = np.concatenate(
        [
            d["pop_total_2017q1"].to_numpy() / districts["pop_total_2017q1"].to_numpy() - 1
            for d in draws
        ]
    )
    # 10,000 relative errors ~ N(0, 0.05): mean within 4 standard errors, sd within 5%
    assert abs(rel.mean()) < 4 * 0.05 / math.sqrt(rel.size)
    assert rel.std() == pytest.approx(0.05, rel=0.05)
    fiscal = np.concatenate(
        [d["fiscal_independence_pct_kosis_year_unverified"].to_numpy() for d in draws]
    )
    assert fiscal.min() >= 0 and fiscal.max() <= 40
    # untouched columns stay as they are
    pd.testing.assert_series_equal(draws[0]["area_km2_2014"], districts["area_km2_2014"])


def test_perturbed_population_counts_carry_into_the_65plus_share():
    districts = load_districts()
    mc = MonteCarlo(draws=1, seed=9, perturb=(Perturbation("pop_65plus_2017q1", relative_sd=0.1),))
    d = mc.perturb_districts(districts, 0)
    share = np.round(100 * d["pop_65plus_2017q1"] / d["pop_total_2017q1"], 2)
    np.testing.assert_allclose(d["share_65plus_2017q1_pct"], share)
    assert not np.allclose(d["share_65plus_2017q1_pct"], districts["share_65plus_2017q1_pct"])


def test_fingerprint_changes_with_the_axes_not_with_the_description():
    a = {"sweep": {"name": "t", "base": BASE}, "axis": [{"key": "floor_eok", "values": [7, 8]}]}
    b = {"sweep": {"name": "t", "base": BASE, "description": "other words"}, "axis": a["axis"]}
    c = {"sweep": {"name": "t", "base": BASE}, "axis": [{"key": "floor_eok", "values": [7, 9]}]}
    assert sweep_from_dict(a).fingerprint() == sweep_from_dict(b).fingerprint()
    assert sweep_from_dict(a).fingerprint() != sweep_from_dict(c).fingerprint()


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (paths.scenarios_dir() / "sweeps").glob("*.toml"))
)
def test_example_sweeps_load_with_their_base_scenario_from_scenarios(name):
    spec = load_sweep(paths.scenarios_dir() / "sweeps" / name)
    assert spec.n_scenarios == spec.n_points * spec.n_draws >= 1
    assert spec.base.name == "need_goal_stable"


def test_missing_sweep_file_and_bad_toml_are_reported(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        load_sweep(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[sweep\nname = 1", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_sweep(bad)


def test_load_sweep_overrides_sweep_keys_and_finds_files_in_scenarios_sweeps():
    spec = load_sweep("whatifs_smoke.toml", {"monte_carlo.draws": 5, "monte_carlo.seed": 9})
    assert spec.n_draws == 5 and spec.monte_carlo.seed == 9
    assert spec.source == str(paths.scenarios_dir() / "sweeps" / "whatifs_smoke.toml")
    with pytest.raises(ParameterError, match="cannot override 'axis"):
        load_sweep("whatifs_smoke.toml", {"axis.key": "floor_eok"})
    with pytest.raises(ParameterError, match="'drawz'"):
        load_sweep("whatifs_smoke.toml", {"monte_carlo.drawz": 5})


def test_the_objective_is_a_sweep_axis_and_each_point_solves_with_its_objective():
    spec = sweep_from_dict(
        {
            "sweep": {"name": "objectives", "base": "need_goal_stable.toml"},
            "axis": [{"key": "objective", "values": ["equal_adjustment", "proportional"]}],
        }
    )
    assert [spec.overrides(i) for i in range(spec.n_points)] == [
        {"objective": "equal_adjustment"},
        {"objective": "proportional"},
    ]
    assert spec.base.with_overrides(spec.overrides(1)).objective == "proportional"


def test_a_misspelt_objective_on_an_axis_is_refused_at_load_with_key_and_suggestion():
    with pytest.raises(ParameterError) as info:
        sweep_from_dict(
            {
                "sweep": {"name": "typo", "base": "need_goal_stable.toml"},
                "axis": [{"key": "objective", "values": ["equal_adjustment", "proportionall"]}],
            }
        )
    message = str(info.value)
    assert "[[axis]] 1" in message and "objective" in message and "'proportionall'" in message
    assert "did you mean 'proportional'" in message


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("max_cut_pct", [5, 10]),
        ("max_raise_pct", [10, 20]),
        ("max_change_eok", [1, 2]),
        ("floor_per_capita_krw", [20_000, 30_000]),
    ],
)
def test_change_limits_and_per_capita_floor_are_sweep_axes(key, values):
    spec = spec_of({"key": key, "values": values})
    assert [spec.overrides(i) for i in range(2)] == [{key: v} for v in values]
    scenario = spec.base.with_overrides(spec.overrides(1))
    assert getattr(scenario, key) == values[1]


@pytest.mark.parametrize(
    ("key", "values", "bad"),
    [
        ("max_cut_pct", [5, 150], "max_cut_pct = 150"),
        ("max_raise_pct", [10, -1], "max_raise_pct = -1"),
        ("max_change_eok", [-0.5, 1], "max_change_eok = -0.5"),
        ("floor_per_capita_krw", [20_000, -3], "floor_per_capita_krw = -3"),
    ],
)
def test_an_axis_value_outside_its_key_range_is_refused_at_load_with_the_key(key, values, bad):
    # one bad value among good ones is a typo, not a question without an answer
    with pytest.raises(ParameterError, match=r"\[\[axis\]\] 1: ") as info:
        spec_of({"key": key, "values": values})
    assert bad in str(info.value)


def test_a_sampled_change_limit_range_outside_its_bounds_is_refused():
    with pytest.raises(ParameterError, match="max_cut_pct"):
        spec_of({"kind": "random", "n": 5, "ranges": {"max_cut_pct": [101, 120]}})

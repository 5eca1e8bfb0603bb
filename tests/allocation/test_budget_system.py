"""Budget-system files: the example reproduces the facts file; bad input names its key."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import BudgetSystem, gu_type_envelopes, load_budget_system
from cgresearch.data import load_districts
from cgresearch.errors import ParameterError
from cgresearch.paths import raw_data_dir, scenarios_dir

EXAMPLE = scenarios_dir() / "budget_system" / "seoul_2025.toml"


def _system(**kw):
    d = {
        "name": "t",
        "total_eok": 20,
        "types": {
            "city": {"level": "city", "envelope_eok": 12, "caps_eok": {"project": 3}},
            "gu": {"level": "gu", "per_gu_average_eok": 2, "caps_eok": {"project": 1}},
        },
    }
    d.update(kw)
    return BudgetSystem.from_dict(d, n_gu=4)


def _facts():
    path = raw_data_dir() / "seoul" / "governance_budget_facts.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _fact(program_en: str, metric: str) -> float:
    rows = [r for r in _facts() if r["program_en"] == program_en and r["metric"] == metric]
    assert rows, (program_en, metric)
    return float(rows[0]["value"])


def test_example_file_reproduces_the_envelopes_stated_in_the_facts():
    bs = load_budget_system(EXAMPLE)
    assert bs.type("city_participation").envelope_eok == _fact(
        "City participation type", "envelope"
    )
    assert bs.type("city_collaborative").envelope_eok == _fact(
        "City collaborative-governance type", "envelope"
    )
    assert bs.type("gu_participation").per_gu_average_eok == _fact(
        "Local participation type", "average envelope per gu"
    )
    assert bs.type("dong_pilot").envelope_eok == _fact("Dong-level pilot", "envelope")
    # 350 + 100 + 25 gu × 5 = 575, the dong pilot (separate) not counted
    assert bs.in_total_eok(25) == 575 == bs.total_eok
    assert bs.e_vote_weight == 0.5 and bs.vote_limit_share == 0.3


def test_example_file_caps_match_the_operating_plan():
    bs = load_budget_system(EXAMPLE)
    city = bs.type("city_participation")
    assert (city.cap("project"), city.cap("programme")) == (10, 3)  # S13: ≤10억 / ≤3억
    gu = bs.type("gu_participation")
    assert (gu.cap("project"), gu.cap("programme")) == (2, 0.5)  # S15: <2억 / <5천만


def test_every_example_number_names_a_source_id_that_exists():
    ids = {
        r["source_id"] for r in csv.DictReader((raw_data_dir() / "seoul" / "sources.csv").open())
    }
    bs = load_budget_system(EXAMPLE)
    for t in bs.types:
        assert "envelope_eok" in t.sources or "per_gu_average_eok" in t.sources
        cited = {w.strip(" ;,()") for v in t.sources.values() for w in v.split()}
        assert {w for w in cited if w.startswith("S") and w[1:].isdigit()} <= ids


def test_gu_split_equals_forty_percent_equal_sixty_percent_by_population():
    d = load_districts()
    env = gu_type_envelopes(load_budget_system(EXAMPLE), "gu_participation", d)
    pop = d["pop_total_2017q1"].to_numpy(float)
    expected = 0.4 * 125 / 25 + 0.6 * 125 * pop / pop.sum()
    np.testing.assert_allclose(env.to_numpy(), expected, rtol=1e-9)
    assert math.isclose(env.sum(), 125.0)


def test_gu_type_without_split_gives_every_gu_the_average():
    d = load_districts()
    env = gu_type_envelopes(_system(), "gu", d.head(4))
    assert env.tolist() == [2.0] * 4


def test_type_envelopes_above_the_total_name_the_key():
    with pytest.raises(ParameterError, match=r"types: envelopes sum to 20억.*above total_eok = 19"):
        _system(total_eok=19)


@pytest.mark.parametrize("w", [-0.1, 1.5])
def test_e_vote_weight_outside_zero_one_names_the_key(w):
    with pytest.raises(ParameterError, match=r"e_vote_weight = .* out of range"):
        _system(e_vote_weight=w)


def test_cap_below_minimum_cost_names_the_key():
    types = {"city": {"envelope_eok": 5, "min_cost_eok": 1, "caps_eok": {"project": 0.5}}}
    with pytest.raises(ParameterError, match=r"types.city.caps_eok.project = 0.5 is below"):
        BudgetSystem.from_dict({"total_eok": 5, "types": types})


def test_unknown_key_suggests_the_closest():
    types = {"city": {"envelope_eok": 5, "capps_eok": {}}}
    with pytest.raises(ParameterError, match=r"unknown key 'capps_eok'.*did you mean 'caps_eok'"):
        BudgetSystem.from_dict({"total_eok": 5, "types": types})


def test_file_error_names_the_file(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("total_eok = 10\ne_vote_weight = 2\n[types.a]\nenvelope_eok = 1\n", "utf-8")
    with pytest.raises(ParameterError, match=r"bad.toml: e_vote_weight = 2"):
        load_budget_system(f)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5),
    st.floats(0, 500, allow_nan=False),
)
def test_a_system_loads_exactly_when_its_envelopes_fit_the_total(envs, total):
    types = {f"t{i}": {"envelope_eok": e} for i, e in enumerate(envs)}
    if sum(envs) <= total * (1 + 1e-9) + 1e-9:
        assert BudgetSystem.from_dict({"total_eok": total, "types": types}).total_eok == total
    else:
        with pytest.raises(ParameterError, match="above total_eok"):
            BudgetSystem.from_dict({"total_eok": total, "types": types})

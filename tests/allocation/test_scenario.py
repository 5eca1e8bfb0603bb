"""Scenario files: validation messages, dotted overrides, TOML round trips, example scenarios."""

from __future__ import annotations

import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgresearch.allocation import Scenario, load_scenario, solve_envelopes
from cgresearch.allocation.scenario import MAX_AMOUNT_EOK, resolve_per_district
from cgresearch.data.districts import load_districts
from cgresearch.errors import ParameterError
from cgresearch.figures.allocation import _outdir
from cgresearch.paths import outputs_dir, scenarios_dir


def _base(**kw):
    d = {"name": "s", "total_budget_eok": 250}
    d.update(kw)
    return Scenario.from_dict(d)


def test_unknown_key_is_refused_with_the_closest_key_suggested():
    with pytest.raises(ParameterError, match=r"unknown key 'floor'.*did you mean 'floor_eok'"):
        _base(floor=9)


def test_negative_budget_names_the_key():
    with pytest.raises(ParameterError, match=r"total_budget_eok = -5 is negative"):
        _base(total_budget_eok=-5)


def test_floor_above_cap_is_refused():
    with pytest.raises(ParameterError, match=r"floor_eok = 12 is above cap_eok = 11"):
        _base(floor_eok=12, cap_eok=11)


def test_per_district_floor_above_cap_is_refused_at_solve_time_naming_the_gu():
    s = _base(floor_eok={"종로구": 12}, cap_eok=11)
    with pytest.raises(ParameterError, match=r"the floor of 종로구 \(12억원\) is above its cap"):
        solve_envelopes(load_districts(), s)


def test_weights_that_do_not_sum_as_declared_are_refused():
    with pytest.raises(ParameterError, match=r"weights sum to 0.9, not the declared weights_sum"):
        _base(weights={"base": 0.5, "pop": 0.4})
    assert _base(weights={"base": 50, "pop": 50}, weights_sum=100).weights["pop"] == 50


def test_unknown_indicator_and_objective_suggest_the_closest():
    with pytest.raises(ParameterError, match=r"did you mean 'elderly'"):
        _base(weights={"elderley": 1})
    with pytest.raises(ParameterError, match=r"did you mean 'maxmin'"):
        _base(objective="max-min")


def test_unknown_district_is_refused_with_the_closest_name():
    s = _base(floor_eok={"종노구": 9})
    with pytest.raises(ParameterError, match=r"unknown district '종노구'.*종로구"):
        solve_envelopes(load_districts(), s)


def test_district_tables_accept_korean_english_and_codes_with_a_default():
    d = load_districts()
    values = resolve_per_district(
        {"종로구": 1, "Jung-gu": 2, "11170": 3, "default": 9}, d, key="floor_eok", scenario="s"
    )
    assert values[:4] == [1, 2, 3, 9] and len(values) == 25


def test_dotted_overrides_update_nested_tables_and_revalidate():
    s = _base(weights={"base": 0.5, "pop": 0.5}, floor_eok=8)
    t = s.with_overrides({"weights.base": 0.3, "weights.pop": 0.7, "floor_eok.종로구": 9})
    assert t.weights == {"base": 0.3, "pop": 0.7}
    assert t.floor_eok == {"default": 8.0, "종로구": 9.0}
    assert s.floor_eok == 8.0  # the original is unchanged (frozen)
    with pytest.raises(ParameterError, match=r"weights sum to 1.2"):
        s.with_overrides({"weights.pop": 0.7})
    with pytest.raises(ParameterError, match=r"unknown key 'total_budget'.*total_budget_eok"):
        s.with_overrides({"total_budget": 1})


def test_toml_round_trip_gives_an_equal_scenario(tmp_path):
    s = _base(
        objective="combined",
        floor_eok={"default": 8, "종로구": 9},
        previous_eok=10,
        stability_delta=0.2,
        tiers={"가": [10.5, 11.0], "나": [9.0, 10.5]},
        grades={"성동구": "가", "default": "나"},
        combination={"goal": 0.7, "maxmin": 0.3},
    )
    path = tmp_path / "s.toml"
    path.write_text(s.to_toml(), encoding="utf-8")
    back = load_scenario(path)
    assert back == s
    assert back.source == str(path)


def test_bad_toml_file_names_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("total_budget_eok = = 3", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad\.toml: not valid TOML"):
        load_scenario(path)


@pytest.mark.parametrize("path", sorted(scenarios_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_every_example_scenario_loads_and_solves_or_is_diagnosed(path):
    s = load_scenario(path)
    res = solve_envelopes(load_districts(), s)
    if "infeasible" in path.stem:
        assert res.status == "infeasible" and res.diagnosis.conflicts
    else:
        assert res.status == "optimal", res.message
        assert res.table["amount_eok"].sum() == pytest.approx(s.total_budget_eok)


# --- the command line ---------------------------------------------------------------------
def test_cli_allocate_writes_the_tables_and_exits_zero(tmp_path, capsys):
    from cgresearch.cli import main

    rc = main(
        [
            "allocate",
            str(scenarios_dir() / "need_goal_stable.toml"),
            "--out",
            str(tmp_path),
            "--no-figures",
            "--lang",
            "en",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "need_goal_stable" in out and "status: optimal" in out
    assert (tmp_path / "allocation.csv").exists() and (tmp_path / "allocation.xlsx").exists()


def test_cli_allocate_of_an_infeasible_scenario_explains_and_exits_one(tmp_path, capsys):
    from cgresearch.cli import main

    path = scenarios_dir() / "cut_2022_infeasible.toml"
    rc = main(["--lang", "en", "allocate", str(path), "--out", str(tmp_path), "--no-figures"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "floors sum to 225억원, above the total of 50억원" in out
    assert "a common floor of 2.00억원" in out
    # Korean by default: the same numbers (25 floors of 9억원 = 225억원; (50 - 225 + 225) / 25 = 2)
    rc = main(["allocate", str(path), "--out", str(tmp_path), "--no-figures"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "하한의 합이 225억원으로 총액 50억원보다 큽니다" in out
    assert "(예: 공통 하한 2.00억원)" in out
    assert "summary" not in out and "floors sum" not in out


def test_cli_allocate_of_a_bad_file_is_one_plain_error(tmp_path, capsys):
    from cgresearch.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "b"\ntotal_budget_eok = -1\n', encoding="utf-8")
    assert main(["--lang", "en", "allocate", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "total_budget_eok = -1 is negative" in capsys.readouterr().err


def test_cli_compare_lists_gainers_first(capsys):
    from cgresearch.cli import main

    a = scenarios_dir() / "equal_10.toml"
    b = scenarios_dir() / "need_goal_stable.toml"
    assert main(["--lang", "en", "compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "from 'equal_10' to 'need_goal_stable':"
    assert out[2].split()[-1] == "gains" and out[-2].split()[-1] == "loses"
    assert " gu gain " in out[-1]


def test_scenarios_hash_by_content_and_pickle_for_dask_workers():
    import pickle

    a = _base(floor_eok={"종로구": 9, "default": 8}, weights={"base": 0.5, "pop": 0.5})
    b = Scenario.from_dict(a.to_dict(), source="elsewhere.toml")
    assert a == b and hash(a) == hash(b)
    assert hash(a) != hash(a.with_overrides({"total_budget_eok": 251}))
    assert pickle.loads(pickle.dumps(a)) == a
    res = solve_envelopes(load_districts(), a)
    back = pickle.loads(pickle.dumps(res))
    assert back.table["amount_eok"].tolist() == res.table["amount_eok"].tolist()


# --- hardening (issue #10): names, encodings, ranges ----------------------------------------
@pytest.mark.parametrize("name", ["..", ".", "", "   ", "a/b", "..\\x", "/abs", "C:x", "a\nb"])
def test_a_name_that_could_leave_the_output_folder_is_refused_naming_the_key(name):
    with pytest.raises(ParameterError, match=r"scenario key 'name'"):
        _base(name=name)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=90))
def test_any_accepted_name_stays_inside_the_allocation_folder(name):
    try:
        scenario = _base(name=name)
    except ParameterError:
        return
    root = (outputs_dir() / "allocation").resolve()
    folder = _outdir(scenario.name, None)
    assert folder.resolve().parent == root
    assert folder.name == name


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("total_budget_eok = 1e300", "total_budget_eok"),
        ("total_budget_eok = nan", "total_budget_eok"),
        ("total_budget_eok = inf", "total_budget_eok"),
        ("total_budget_eok = 10_000_001", "total_budget_eok"),
        ("total_budget_eok = 250\nfloor_eok = 1e300", "floor_eok"),
        ('total_budget_eok = 250\ncap_eok = { "종로구" = 1e20 }', "cap_eok.종로구"),
    ],
)
def test_a_number_out_of_range_names_the_key_and_the_accepted_range(tmp_path, text, key):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\n{text}\n', encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_scenario(path)
    assert f"{key} = " in str(err.value)
    assert f"from 0 to {MAX_AMOUNT_EOK:,.0f} 억원" in str(err.value)


def test_a_400_digit_number_is_named_by_its_length_not_quoted(tmp_path):
    with pytest.raises(ParameterError, match=r"total_budget_eok = a 400-digit number is out"):
        _base(total_budget_eok=int("9" * 400))


def test_the_largest_accepted_budget_still_solves_to_its_total():
    # 10,000,000 억원 split by the formula: the allocations sum to the total (to 1e-6 relative).
    result = solve_envelopes(load_districts(), _base(total_budget_eok=MAX_AMOUNT_EOK))
    assert result.ok
    assert result.table["amount_eok"].sum() == pytest.approx(MAX_AMOUNT_EOK, rel=1e-6)


def test_a_scenario_title_gives_its_label_in_each_language_else_the_description_then_the_name():
    titled = Scenario(
        name="raw_name", total_budget_eok=10, title={"ko": "균등 배분", "en": "Equal split"}
    )
    assert (titled.label("ko"), titled.label("en")) == ("균등 배분", "Equal split")
    only_ko = Scenario(name="raw_name", total_budget_eok=10, title={"ko": "균등 배분"})
    assert only_ko.label("en") == "균등 배분"  # the other language before the raw name
    described = Scenario(name="raw_name", total_budget_eok=10, description="Ten per gu.")
    assert described.label("ko") == "Ten per gu."
    assert Scenario(name="raw_name", total_budget_eok=10).label("en") == "raw_name"


def test_a_title_survives_the_toml_round_trip_and_dotted_overrides():
    s = Scenario(name="t", total_budget_eok=10, title={"ko": "가", "en": "A"})
    assert Scenario.from_dict(tomllib.loads(s.to_toml())) == s
    assert s.with_overrides({"title.en": "B"}).label("en") == "B"
    # a scenario without a title writes no title key (older files read back the same)
    assert "title" not in Scenario(name="t", total_budget_eok=10).to_toml()


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ({"fr": "Égal"}, "title.fr is not a language"),
        ({"ko": "  "}, "title.ko must be non-empty text"),
        (["a"], "title must be a table by language"),
    ],
)
def test_a_bad_title_is_refused_naming_the_key(title, words):
    with pytest.raises(ParameterError, match=words):
        Scenario(name="t", total_budget_eok=10, title=title)


def test_every_example_scenario_has_a_korean_and_an_english_title():
    for path in sorted(scenarios_dir().glob("*.toml")):
        s = load_scenario(path)
        assert set(s.title) == {"ko", "en"}, path.name
        assert re.search("[\uac00-\ud7a3]", s.title["ko"]), path.name
        assert not re.search("[\uac00-\ud7a3]", s.title["en"]), path.name  # 억원 is Korean

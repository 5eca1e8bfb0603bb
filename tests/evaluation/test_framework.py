"""Framework: TOML and COINr iMeta give the same hierarchy; every bad framework is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.errors import InputError, ParameterError
from cgresearch.evaluation import Framework, framework_from_coinr, load_framework

TOML = """
[[node]]
code = "IDX"
name_ko = "지수"
name_en = "Index"

[[node]]
code = "P1"
parent = "IDX"
weight = 2

[[node]]
code = "P2"
parent = "IDX"

[[node]]
code = "a"
parent = "P1"
direction = 1
unit = "%"
target = 90

[[node]]
code = "b"
parent = "P1"
direction = -1
weight = 3

[[node]]
code = "c"
parent = "P2"
direction = 1
"""


def _meta(**changes: list) -> pd.DataFrame:
    meta = {
        "Level": [1, 1, 1, 2, 2, 3],
        "iCode": ["a", "b", "c", "P1", "P2", "IDX"],
        "iName": ["A", "B", "C", "Pillar 1", "Pillar 2", "Index"],
        "Direction": [1, -1, 1, None, None, None],
        "Weight": [1, 3, 1, 2, 1, 1],
        "Parent": ["P1", "P1", "P2", "IDX", "IDX", None],
        "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
    }
    meta.update(changes)
    return pd.DataFrame(meta)


def test_toml_and_coinr_meta_give_the_same_hierarchy(tmp_path: Path) -> None:
    path = tmp_path / "fw.toml"
    path.write_text(TOML, encoding="utf-8")
    from_toml = load_framework(path)
    from_meta = framework_from_coinr(_meta())
    for fw in (from_toml, from_meta):
        assert fw.root == "IDX"
        assert fw.indicators == ("a", "b", "c")
        assert fw.levels == (1, 2, 3)
        assert fw.children("IDX") == ("P1", "P2")
        assert fw.children("P1") == ("a", "b")
        assert fw.leaves_of("IDX") == ("a", "b", "c")
        assert fw.directions.to_dict() == {"a": 1.0, "b": -1.0, "c": 1.0}
        assert fw.weights[["P1", "b"]].tolist() == [2.0, 3.0]
    assert from_toml.row("a")["target"] == 90.0
    assert np.isnan(from_toml.row("b")["target"])
    assert from_toml.name("IDX", "ko") == "지수"


def test_the_example_framework_of_the_repository_loads() -> None:
    fw = load_framework(paths.data_dir() / "evaluation" / "framework.toml")
    assert fw.root == "CGI"
    assert len(fw.children("CGI")) >= 5
    assert all(fw.row(c)["direction"] in (1.0, -1.0) for c in fw.indicators)


def test_coinr_group_rows_become_grouping_columns() -> None:
    meta = pd.concat(
        [
            _meta(),
            pd.DataFrame(
                {"Level": [None], "iCode": ["region"], "iName": ["Region"], "Type": ["Group"]}
            ),
        ],
        ignore_index=True,
    )
    fw = framework_from_coinr(meta)
    assert fw.groups == ("region",)
    assert "region" not in fw.codes


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"Parent": ["P1", "P1", "P9", "IDX", "IDX", None]}, ["'c'", "parent", "'P9'"]),
        ({"Direction": [1, 2, 1, None, None, None]}, ["'b'", "direction", "+1 or −1"]),
        ({"Direction": [1, None, 1, None, None, None]}, ["'b'", "direction", "empty"]),
        ({"Weight": [1, -3, 1, 2, 1, 1]}, ["'b'", "weight", "negative"]),
        ({"Weight": [0, 0, 1, 2, 1, 1]}, ["'P1'", "all zero"]),
        ({"Parent": ["P1", "P1", "P2", "IDX", "IDX", "P1"]}, ["cycle", "IDX"]),
        ({"iCode": ["a", "a", "c", "P1", "P2", "IDX"]}, ["'a'", "repeats"]),
        ({"Parent": ["P1", "P1", "P2", "IDX", None, None]}, ["2 codes without a parent"]),
    ],
)
def test_a_bad_framework_is_refused_naming_the_row_and_key(changes: dict, words: list[str]) -> None:
    with pytest.raises(ParameterError) as err:
        framework_from_coinr(_meta(**changes), source="meta.csv")
    message = str(err.value)
    assert "meta.csv" in message or "cycle" in message
    for word in words:
        assert word in message


def test_a_two_code_cycle_is_found_even_with_a_root_elsewhere() -> None:
    table = pd.DataFrame(
        {
            "code": ["a", "P", "Q", "I"],
            "parent": ["P", "Q", "P", None],
            "direction": [1, None, None, None],
        }
    )
    with pytest.raises(ParameterError, match="cycle"):
        Framework(table)


def test_a_toml_error_names_the_node_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "fw.toml"
    path.write_text(TOML.replace('parent = "P2"', 'parent = "P3"'), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"fw.toml, node 6 \(code 'c'\), parent: 'P3'"):
        load_framework(path)


def test_an_unknown_toml_key_names_the_node_and_suggests_the_key(tmp_path: Path) -> None:
    path = tmp_path / "fw.toml"
    path.write_text(TOML.replace("direction = -1", "directon = -1"), encoding="utf-8")
    with pytest.raises(InputError, match=r"node 5 .*'directon'.*'direction'"):
        load_framework(path)


def test_a_coinr_meta_without_its_columns_is_refused_naming_them() -> None:
    with pytest.raises(InputError, match="Direction"):
        framework_from_coinr(_meta().drop(columns=["Direction"]), source="meta.csv")


def test_an_unknown_code_suggests_the_closest() -> None:
    fw = framework_from_coinr(_meta())
    with pytest.raises(ParameterError, match="did you mean 'P1'"):
        fw.children("P11")

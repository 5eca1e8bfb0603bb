"""A value converted to a declared type: only the safe conversions."""

from __future__ import annotations

import pytest

from cgresearch.errors import ParameterError
from cgresearch.report.params import coerce


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        (3, "float", 3.0),  # int widened to float
        (4.0, "int", 4),  # whole float narrowed to int
        ("12", "int", 12),  # numeric text
        ("2.5", "float", 2.5),
        ([1, 2], "tuple[int, ...]", (1, 2)),
        ([1, "x"], "tuple[int, str]", (1, "x")),
        ({"a": 1}, "dict[str, float]", {"a": 1.0}),
        (None, "Optional[int]", None),
        (5, "Optional[int]", 5),
        ("median", 'Literal["mean", "median"]', "median"),
        (["1", 2], "list[int]", [1, 2]),
        (True, "bool", True),
    ],
)
def test_coerce_converts_only_safely(value, annotation, expected):
    got = coerce(value, annotation, where="p")
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("value", "annotation"),
    [
        (2.5, "int"),  # would lose the fraction
        (True, "int"),  # bool is not a number here
        (1, "bool"),
        ("yes", "bool"),
        (3, "str"),  # unquoted YAML number where text is meant
        ("x", "float"),
        ("mode", 'Literal["mean", "median"]'),
        ([1, 2, 3], "tuple[int, int]"),
        ({"a": "x"}, "dict[str, float]"),
        (None, "int"),
    ],
)
def test_coerce_refuses_values_of_the_wrong_type(value, annotation):
    with pytest.raises(ParameterError, match=r"^p\S*( key .*)?: expected"):
        coerce(value, annotation, where="p")

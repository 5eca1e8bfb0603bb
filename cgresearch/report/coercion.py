"""A parameter value checked and converted to a notebook's declared type (its annotation).

Types understood: ``int``, ``float``, ``str``, ``bool``, ``list``, ``dict``, ``tuple``,
``list[T]``, ``tuple[T, ...]``, ``tuple[T1, T2]``, ``dict[K, V]``, ``Optional[T]`` and
``Literal[...]``. Conversions are the safe ones only: ``int`` to ``float``, a whole ``float`` to
``int``, a list to a tuple, a numeric string to a number; anything else raises a
:class:`~cgresearch.errors.ParameterError` naming the parameter, the value and the type. Used by
:mod:`cgresearch.report.params` (which re-exports :func:`coerce`).

Examples
--------
>>> coerce(3, "float", where="seed")
3.0
>>> coerce(["a", "b"], "list[str]", where="groups")
['a', 'b']
>>> coerce("2", "int", where="n")
2
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from cgresearch.errors import ParameterError, closest_match

__all__ = ["coerce"]


_INT_RE = re.compile(r"^[+-]?\d+$")
_SIMPLE = {"int", "float", "str", "bool", "list", "dict", "tuple", "Any", "object"}


def _type_tree(annotation: str, where: str) -> ast.expr:
    try:
        return ast.parse(annotation, mode="eval").body
    except SyntaxError as exc:
        raise ParameterError(f"{where}: cannot read the type annotation {annotation!r}") from exc


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional, t.List ...
        return node.attr
    return ""


def coerce(value: Any, annotation: str, *, where: str) -> Any:
    """Check ``value`` against a type annotation and convert it where that is safe.

    Parameters
    ----------
    value
        The value (from YAML or a notebook default).
    annotation
        The annotation as written in the notebook, e.g. ``"list[str]"``, ``"Optional[float]"``.
    where
        Names the file and parameter in error messages.

    Raises
    ------
    ParameterError
        When the value does not fit, naming ``where``, the expected type and the value.

    Examples
    --------
    >>> coerce("12", "int", where="x")
    12
    >>> coerce(None, "Optional[int]", where="x") is None
    True
    """
    return _coerce(value, _type_tree(annotation, where), annotation, where)


def _fail(value: Any, expected: str, where: str, hint: str = "") -> ParameterError:
    msg = f"{where}: expected {expected}, got {value!r} ({type(value).__name__})"
    return ParameterError(msg + (f"; {hint}" if hint else ""))


def _coerce(value: Any, node: ast.expr, text: str, where: str) -> Any:
    if isinstance(node, ast.Constant) and node.value is None:
        if value is None:
            return None
        raise _fail(value, "None", where)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # quoted annotation
        return _coerce(value, _type_tree(node.value, where), node.value, where)
    if isinstance(node, ast.Subscript):
        head = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        return _coerce_generic(value, head, args, text, where)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for option in (node.left, node.right):
            try:
                return _coerce(value, option, ast.unparse(option), where)
            except ParameterError:
                continue
        raise _fail(value, text, where)
    name = _name(node)
    if name not in _SIMPLE:
        raise ParameterError(f"{where}: unsupported type annotation {text!r}")
    if name in ("Any", "object"):
        return value
    if name == "bool":
        if isinstance(value, bool):
            return value
        raise _fail(value, "bool", where, "write true or false")
    if name == "int":
        if isinstance(value, bool):
            raise _fail(value, "int", where)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return int(value)
        raise _fail(value, "int (a whole number)", where)
    if name == "float":
        if isinstance(value, bool):
            raise _fail(value, "float", where)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise _fail(value, "float (a number)", where)
    if name == "str":
        if isinstance(value, str):
            return value
        raise _fail(value, "str", where, "quote the value in the YAML file")
    if name == "list":
        if isinstance(value, list | tuple):
            return list(value)
        raise _fail(value, "a list", where, "write it as [a, b, ...]")
    if name == "tuple":
        if isinstance(value, list | tuple):
            return tuple(value)
        raise _fail(value, "a list", where, "write it as [a, b, ...]")
    if isinstance(value, Mapping):  # dict
        return dict(value)
    raise _fail(value, "a mapping", where, "write it as {key: value, ...}")


def _coerce_generic(value: Any, head: str, args: list[ast.expr], text: str, where: str) -> Any:
    if head == "Optional":
        if value is None:
            return None
        return _coerce(value, args[0], ast.unparse(args[0]), where)
    if head == "Union":
        for option in args:
            try:
                return _coerce(value, option, ast.unparse(option), where)
            except ParameterError:
                continue
        raise _fail(value, text, where)
    if head == "Literal":
        allowed = [ast.literal_eval(a) for a in args]
        if value in allowed and not (isinstance(value, bool) and True not in allowed):
            return value
        close = closest_match(value, allowed, cutoff=0.6)
        hint = f"did you mean {close!r}?" if close else ""
        raise _fail(value, f"one of {allowed}", where, hint)
    if head in ("list", "List", "Sequence"):
        if not isinstance(value, list | tuple):
            raise _fail(value, text, where, "write it as [a, b, ...]")
        item = args[0]
        return [_coerce(v, item, ast.unparse(item), f"{where}[{i}]") for i, v in enumerate(value)]
    if head in ("tuple", "Tuple"):
        if not isinstance(value, list | tuple):
            raise _fail(value, text, where, "write it as [a, b, ...]")
        if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
            types = [args[0]] * len(value)
        else:
            types = args
            if len(value) != len(types):
                raise _fail(value, f"{text} ({len(types)} items)", where)
        return tuple(
            _coerce(v, t, ast.unparse(t), f"{where}[{i}]")
            for i, (v, t) in enumerate(zip(value, types, strict=True))
        )
    if head in ("dict", "Dict", "Mapping"):
        if not isinstance(value, Mapping):
            raise _fail(value, text, where, "write it as {key: value, ...}")
        kt, vt = args
        return {
            _coerce(k, kt, ast.unparse(kt), f"{where} key {k!r}"): _coerce(
                v, vt, ast.unparse(vt), f"{where}[{k!r}]"
            )
            for k, v in value.items()
        }
    raise ParameterError(f"{where}: unsupported type annotation {text!r}")

"""The framework of a composite index: index → pillars → indicators, as a validated frozen value.

A framework is one table with a row per code (the index, each pillar, each indicator) and the
columns ``code, name_ko, name_en, level, parent, direction, weight, unit, source, target, type``
(plus optional ``goal_low, goal_high`` goalposts). Level 1 is an indicator, the top level is the
index (COINr's convention). ``direction`` is +1 when more is better and −1 when less is better.
``weight`` is the weight of a code within its parent (renormalised over the parent's children, so
only ratios matter). ``type`` is ``"Indicator"`` or ``"Aggregate"`` (COINr's ``Type``; a
COINr ``"Group"`` column is kept apart as a grouping variable, see :attr:`Framework.groups`).

Two sources: a TOML file (:func:`load_framework`, one ``[[node]]`` table per code) and a COINr
``iMeta`` table (:func:`framework_from_coinr`). Both are checked by the same validation: unknown
parents, cycles, negative or all-zero weights, directions other than ±1, duplicate codes and a
missing or double root each raise a :class:`~cgresearch.errors.ParameterError` naming the row and
key.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.evaluation.framework import framework_from_coinr
>>> meta = pd.DataFrame({
...     "Level": [1, 1, 2], "iCode": ["a", "b", "IDX"], "iName": ["A", "B", "Index"],
...     "Direction": [1, -1, None], "Weight": [1, 1, 1], "Parent": ["IDX", "IDX", None],
...     "Type": ["Indicator", "Indicator", "Aggregate"]})
>>> fw = framework_from_coinr(meta)
>>> fw.root, fw.indicators, fw.children("IDX")
('IDX', ('a', 'b'), ('a', 'b'))
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ParameterError, closest_match

__all__ = ["COLUMNS", "Framework", "framework_from_coinr", "load_framework"]

#: The columns of :attr:`Framework.table`, in order.
COLUMNS: tuple[str, ...] = (
    "code",
    "name_ko",
    "name_en",
    "level",
    "parent",
    "direction",
    "weight",
    "unit",
    "source",
    "target",
    "goal_low",
    "goal_high",
    "type",
)
_TYPES = ("Indicator", "Aggregate")
_TOML_KEYS = set(COLUMNS) - {"type"}


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _where(source: str | None, row: int, code: object) -> str:
    prefix = f"{source}, " if source else ""
    word = "node" if source and source.endswith(".toml") else "row"
    return f"{prefix}{word} {row} (code {code!r})"


def _number(where: str, key: str, value: object, *, missing: float = math.nan) -> float:
    if _is_missing(value):
        return missing
    if isinstance(value, bool):
        raise ParameterError(f"{where}, {key}: {value!r} is not a number")
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{where}, {key}: {value!r} is not a number") from None
    if math.isinf(out):
        raise ParameterError(f"{where}, {key}: {value!r} must be finite")
    return out


@dataclass(frozen=True)
class Framework:
    """A validated index hierarchy: one row per code, indicators at level 1, the index on top.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per code with the columns of :data:`COLUMNS` (``target``, ``goal_low``,
        ``goal_high`` NaN when absent; ``direction`` NaN for aggregates). Validated on creation.
    groups : tuple of str
        Codes of grouping columns (COINr ``Type = "Group"``), used by group-mean imputation.
    source : str or None
        The file it came from (named in error messages); not part of its identity.
    row_numbers : tuple of int, optional
        The file row (or TOML node) of each table row, for error messages (default 1, 2, ...).

    Examples
    --------
    >>> fw = Framework(pd.DataFrame({"code": ["x", "I"], "parent": ["I", None],
    ...                              "level": [1, 2], "direction": [1, None]}))
    >>> fw.levels
    (1, 2)
    """

    table: pd.DataFrame
    groups: tuple[str, ...] = ()
    source: str | None = field(default=None, compare=False)
    row_numbers: tuple[int, ...] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _validated(self.table, self.source, self.row_numbers))
        object.__setattr__(self, "groups", tuple(str(g) for g in self.groups))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Framework):
            return NotImplemented
        return self.groups == other.groups and self.table.equals(other.table)

    def __hash__(self) -> int:
        return hash((self.groups, tuple(map(tuple, self.table.astype(str).to_numpy()))))

    # -- views ------------------------------------------------------------------------------
    @cached_property
    def _rows(self) -> dict[str, dict[str, Any]]:
        return {r["code"]: r for r in self.table.to_dict("records")}

    @cached_property
    def _struct(self) -> dict[str, Any]:
        # the hierarchy read once (the framework is frozen), so views cost no pandas filtering
        codes = tuple(self.table["code"])
        levels = {c: int(v) for c, v in zip(codes, self.table["level"], strict=True)}
        parents = {
            c: None if _is_missing(self._rows[c]["parent"]) else str(self._rows[c]["parent"])
            for c in codes
        }
        children: dict[str, list[str]] = {c: [] for c in codes}
        for c in codes:
            if parents[c] is not None:
                children[parents[c]].append(c)
        by_level: dict[int, list[str]] = {}
        for c in codes:
            by_level.setdefault(levels[c], []).append(c)
        return {
            "codes": codes,
            "children": {c: tuple(k) for c, k in children.items()},
            "parents": parents,
            "by_level": {lv: tuple(cs) for lv, cs in by_level.items()},
            "root": next(c for c in codes if parents[c] is None),
        }

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code, indicators first, then each level upwards (table order within a level)."""
        return self._struct["codes"]

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicator codes (level 1), in table order."""
        return self._struct["by_level"][1]

    @property
    def aggregates(self) -> tuple[str, ...]:
        """The aggregate codes (level ≥ 2), from the lowest level up."""
        return tuple(c for c in self.codes if c not in set(self.indicators))

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels present, from 1 (indicators) to the index."""
        return tuple(sorted(self._struct["by_level"]))

    @property
    def root(self) -> str:
        """The code of the index (the one code without a parent)."""
        return self._struct["root"]

    def children(self, code: str) -> tuple[str, ...]:
        """The codes whose parent is ``code``, in table order (empty for an indicator)."""
        self._check(code)
        return self._struct["children"][code]

    def parent(self, code: str) -> str | None:
        """The parent of ``code`` (None for the index)."""
        self._check(code)
        return self._struct["parents"][code]

    def at_level(self, level: int) -> tuple[str, ...]:
        """The codes at ``level`` (1 = indicators)."""
        return self._struct["by_level"].get(level, ())

    def row(self, code: str) -> dict[str, Any]:
        """The table row of ``code`` as a dictionary."""
        self._check(code)
        return dict(self._rows[code])

    def name(self, code: str, lang: str = "ko") -> str:
        """The Korean (``lang="ko"``) or English name of ``code``, the code when it has none."""
        r = self.row(code)
        text = r["name_ko"] if lang == "ko" else r["name_en"]
        return code if _is_missing(text) else str(text)

    @property
    def weights(self) -> pd.Series:
        """The declared weight of every code (index = code)."""
        return self.table.set_index("code")["weight"].astype(float)

    @property
    def directions(self) -> pd.Series:
        """The direction (+1 or −1) of every indicator (index = indicator code)."""
        t = self.table[self.table["level"] == 1]
        return t.set_index("code")["direction"].astype(float)

    def leaves_of(self, code: str) -> tuple[str, ...]:
        """The indicators under ``code`` (itself when it is an indicator)."""
        kids = self.children(code)
        if not kids:
            return (code,)
        return tuple(leaf for k in kids for leaf in self.leaves_of(k))

    def _check(self, code: str) -> None:
        if code not in self._rows:
            hint = closest_match(code, self._rows)
            raise ParameterError(
                f"code {code!r} is not in the framework"
                + (f" (did you mean {hint!r}?)" if hint else "")
            )

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some weights replaced (codes checked; validated again).

        >>> fw = Framework(pd.DataFrame({"code": ["x", "y", "I"], "parent": ["I", "I", None],
        ...                              "level": [1, 1, 2], "direction": [1, 1, None]}))
        >>> float(fw.with_weights({"x": 3}).weights["x"])
        3.0
        """
        table = self.table.copy()
        for code, w in weights.items():
            self._check(str(code))
            table.loc[table["code"] == str(code), "weight"] = _number(
                f"weights, code {code!r}", "weight", w
            )
        return Framework(table, self.groups, self.source, self.row_numbers)


def _validated(
    table: pd.DataFrame, source: str | None, row_numbers: tuple[int, ...] | None = None
) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError("a framework table must be a pandas DataFrame (one row per code)")
    if "code" not in table.columns:
        raise ParameterError(
            f"{source + ': ' if source else ''}the framework table needs a 'code' column"
        )
    t = table.reset_index(drop=True).copy()
    for col in COLUMNS:
        if col not in t.columns:
            t[col] = np.nan
    t = t[list(COLUMNS)]
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    numbers = list(row_numbers) if row_numbers else list(range(1, len(t) + 1))
    if len(numbers) != len(t):
        numbers = list(range(1, len(t) + 1))
    for i, r in zip(numbers, t.to_dict("records"), strict=True):
        where = _where(source, i, r["code"])
        if _is_missing(r["code"]):
            raise ParameterError(f"{where}: the code is empty: give every row a code")
        code = str(r["code"]).strip()
        if code in seen:
            raise ParameterError(
                f"{where}: code {code!r} repeats row {seen[code]}: codes are unique"
            )
        seen[code] = i
        parent = None if _is_missing(r["parent"]) else str(r["parent"]).strip()
        weight = _number(where, "weight", r["weight"], missing=1.0)
        if weight < 0:
            raise ParameterError(f"{where}, weight: {weight:g} is negative: weights are ≥ 0")
        rows.append(
            {
                **r,
                "code": code,
                "parent": parent,
                "weight": weight,
                "level": _number(where, "level", r["level"]),
                "direction": _number(where, "direction", r["direction"]),
                "target": _number(where, "target", r["target"]),
                "goal_low": _number(where, "goal_low", r["goal_low"]),
                "goal_high": _number(where, "goal_high", r["goal_high"]),
            }
        )
    if not rows:
        raise ParameterError(f"{source + ': ' if source else ''}the framework has no rows")
    by_code = {r["code"]: r for r in rows}
    row_of = {r["code"]: i for i, r in zip(numbers, rows, strict=True)}
    children: dict[str, list[str]] = {c: [] for c in by_code}
    for r in rows:
        p = r["parent"]
        if p is None:
            continue
        if p not in by_code:
            hint = closest_match(p, by_code)
            raise ParameterError(
                f"{_where(source, row_of[r['code']], r['code'])}, parent: {p!r} is not a code of "
                "the framework" + (f" (did you mean {hint!r}?)" if hint else "")
            )
        children[p].append(r["code"])
    roots = [c for c, r in by_code.items() if r["parent"] is None]
    # cycles: follow parents from every code; a walk longer than the table has looped
    for code in by_code:
        path = [code]
        p = by_code[code]["parent"]
        while p is not None:
            if p in path:
                loop = " → ".join([*path[path.index(p) :], p])
                raise ParameterError(
                    f"{_where(source, row_of[p], p)}, parent: the hierarchy has a cycle "
                    f"({loop}): every chain of parents must end at the index"
                )
            path.append(p)
            p = by_code[p]["parent"]
    if len(roots) != 1:
        what = "no code without a parent" if not roots else f"{len(roots)} codes without a parent"
        raise ParameterError(
            f"{source + ': ' if source else ''}the framework has {what} "
            f"({', '.join(roots)}): give exactly one index (the top code, parent empty)"
        )
    # levels: leaves are indicators (level 1); an aggregate sits above its highest child
    depth: dict[str, int] = {}

    def _level(c: str) -> int:
        if c not in depth:
            depth[c] = 1 if not children[c] else 1 + max(_level(k) for k in children[c])
        return depth[c]

    for r in rows:
        where = _where(source, row_of[r["code"]], r["code"])
        derived = _level(r["code"])
        declared = r["level"]
        if math.isnan(declared):
            r["level"] = derived
        elif declared != int(declared) or declared < 1:
            raise ParameterError(f"{where}, level: {declared:g} must be a whole number ≥ 1")
        elif (derived == 1) != (declared == 1):
            raise ParameterError(
                f"{where}, level: {int(declared)} but the code has "
                + ("no children (an indicator is level 1)" if derived == 1 else "children")
            )
        r["level"] = int(r["level"])
        r["type"] = "Indicator" if r["level"] == 1 else "Aggregate"
        if r["level"] == 1:
            if r["direction"] not in (1.0, -1.0):
                shown = "empty" if math.isnan(r["direction"]) else f"{r['direction']:g}"
                raise ParameterError(
                    f"{where}, direction: {shown} is not +1 or −1: use 1 when more is better, "
                    "−1 when less is better"
                )
        else:
            r["direction"] = math.nan
        for k in ("name_ko", "name_en", "unit", "source"):
            r[k] = None if _is_missing(r[k]) else str(r[k])
    for r in rows:
        p = r["parent"]
        if p is not None and by_code[p]["level"] <= r["level"]:
            raise ParameterError(
                f"{_where(source, row_of[r['code']], r['code'])}, level: {r['level']} is not below "
                f"its parent {p!r} (level {by_code[p]['level']})"
            )
    for parent, kids in children.items():
        if kids and sum(by_code[k]["weight"] for k in kids) <= 0:
            raise ParameterError(
                f"{_where(source, row_of[parent], parent)}, weight: the weights of its children "
                f"({', '.join(kids)}) are all zero: give at least one a positive weight"
            )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out = out.sort_values("level", kind="stable").reset_index(drop=True)
    out["level"] = out["level"].astype(int)
    return out


def framework_from_coinr(
    meta: pd.DataFrame, source: str | None = None, first_row: int | None = None
) -> Framework:
    """Build a framework from a COINr ``iMeta`` table.

    Parameters
    ----------
    meta : pandas.DataFrame
        Columns ``Level, iCode, iName, Direction, Weight, Parent, Type`` (COINr's names; optional
        ``Unit, Source, Target, iName_ko``). ``Type`` is ``Indicator`` or ``Aggregate``; rows of
        ``Type = "Group"`` name grouping columns of the data (kept in :attr:`Framework.groups`);
        ``Denominator`` and ``Other`` rows are ignored, as in COINr.
    source : str, optional
        File name for error messages.
    first_row : int, optional
        The file row of the table's first record (default ``meta.attrs["first_row"]`` or 2,
        below a header), so that errors name file rows.

    Returns
    -------
    Framework

    Examples
    --------
    >>> meta = pd.DataFrame({"Level": [1, 2], "iCode": ["x", "I"], "iName": ["X", "Index"],
    ...                      "Direction": [1, None], "Weight": [1, 1], "Parent": ["I", None],
    ...                      "Type": ["Indicator", "Aggregate"]})
    >>> framework_from_coinr(meta).indicators
    ('x',)
    """
    needed = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")
    missing = [c for c in needed if c not in meta.columns]
    if missing:
        raise InputError(
            f"{source or 'iMeta'}: missing column(s) {', '.join(missing)}: a COINr iMeta table "
            f"has {', '.join(needed)}"
        )
    start = int(first_row if first_row is not None else meta.attrs.get("first_row", 2))
    types = meta["Type"].astype(str)
    bad = ~types.isin(("Indicator", "Aggregate", "Group", "Denominator", "Other"))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source or 'iMeta'}, row {i + start}, column 'Type': {meta['Type'].iloc[i]!r} is not "
            "Indicator, Aggregate, Group, Denominator or Other"
        )
    groups = tuple(meta.loc[types == "Group", "iCode"].astype(str))
    keep = types.isin(_TYPES).to_numpy()
    rows = tuple(int(i) + start for i in np.flatnonzero(keep))
    m = meta[keep]
    table = pd.DataFrame(
        {
            "code": m["iCode"].to_numpy(),
            "name_ko": m["iName_ko"].to_numpy() if "iName_ko" in m else m["iName"].to_numpy(),
            "name_en": m["iName"].to_numpy(),
            "level": m["Level"].to_numpy(),
            "parent": m["Parent"].to_numpy(),
            "direction": m["Direction"].to_numpy(),
            "weight": m["Weight"].to_numpy(),
            "unit": m["Unit"].to_numpy() if "Unit" in m else None,
            "source": m["Source"].to_numpy() if "Source" in m else None,
            "target": m["Target"].to_numpy() if "Target" in m else np.nan,
        }
    )
    return Framework(table, groups, source, rows)


def load_framework(path: str | Path) -> Framework:
    """Read a framework from a TOML file: one ``[[node]]`` table per code.

    Each node has ``code`` and, as it applies, ``parent`` (empty for the index), ``name_ko``,
    ``name_en``, ``level`` (derived from the hierarchy when absent), ``direction`` (indicators),
    ``weight`` (default 1), ``unit``, ``source``, ``target``, ``goal_low``, ``goal_high``. An
    optional top-level ``groups = [...]`` names grouping columns of the data.

    Examples
    --------
    >>> from cgresearch import paths
    >>> fw = load_framework(paths.data_dir() / "evaluation" / "framework.toml")  # doctest: +SKIP
    >>> fw.root  # doctest: +SKIP
    'CGI'
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not valid TOML: {exc}") from None
    nodes = doc.get("node")
    if not isinstance(nodes, list) or not nodes:
        raise InputError(f"{p}: no [[node]] tables: give one [[node]] per code of the framework")
    for i, n in enumerate(nodes, start=1):
        unknown = sorted(set(n) - _TOML_KEYS)
        if unknown:
            hint = closest_match(unknown[0], sorted(_TOML_KEYS))
            raise InputError(
                f"{p}, node {i} (code {n.get('code')!r}): unknown key {unknown[0]!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + f"; keys are {', '.join(sorted(_TOML_KEYS))}"
            )
    groups = doc.get("groups", [])
    return Framework(pd.DataFrame(nodes), tuple(groups), str(p))

"""Likert scales: item metadata, recoding and construct scores.

A :class:`LikertScale` declares the items of one construct (with Korean and English labels), the
valid response codes, the codes that mean "don't know" / "refused" (they become missing), and which
items are reverse-worded. :func:`recode` turns raw answers into analysable numbers (missing codes to
``NaN``, reverse-worded items to ``(min + max) - x``) and reports any code outside the declared
scale with its row and column. :func:`construct_scores` averages the recoded items of each construct
under a minimum-valid-items rule. Reliability and response distributions of these scales are in
:mod:`cgresearch.survey.scales`, which re-exports this module's names.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.likert import LikertItem, LikertScale, recode, construct_scores
>>> trust = LikertScale(
...     "trust",
...     items=(LikertItem("trust_1", "신뢰 1", "Trust 1"),
...            LikertItem("trust_2", "신뢰 2", "Trust 2", reverse=True)),
... )
>>> df = pd.DataFrame({"trust_1": [5, 8, 2], "trust_2": [1, 4, 9]})
>>> recode(df, trust)["trust_2"].tolist()
[5.0, 2.0, nan]
>>> construct_scores(df, [trust])["trust"].tolist()
[5.0, 2.0, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey._checks import require_columns

__all__ = [
    "LikertItem",
    "LikertScale",
    "construct_scores",
    "recode",
    "scales_from_codebook",
]


#: Five-point agreement labels used when a scale declares no code labels of its own.
_DEFAULT_LABELS_KO = ("전혀 그렇지 않다", "그렇지 않다", "보통이다", "그렇다", "매우 그렇다")
_DEFAULT_LABELS_EN = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")


@dataclass(frozen=True)
class LikertItem:
    """One Likert item: its column name, Korean and English wording, and direction.

    Parameters
    ----------
    name : str
        Column name in the survey table (e.g. ``"cg_3"``).
    label_ko, label_en : str
        Item wording (short labels for tables and figures).
    reverse : bool
        ``True`` for a reverse-worded item, recoded as ``(min + max) - x``.
    """

    name: str
    label_ko: str = ""
    label_en: str = ""
    reverse: bool = False

    def label(self, lang: str = "en") -> str:
        """Return the label in ``lang`` (``"ko"``, ``"en"``, ``"ko+en"``); the name if empty."""
        if lang == "ko":
            return self.label_ko or self.name
        if lang == "en":
            return self.label_en or self.name
        if lang == "ko+en":
            parts = [p for p in (self.label_ko, self.label_en) if p]
            return " / ".join(parts) if parts else self.name
        raise ParameterError(f"lang must be 'ko', 'en' or 'ko+en', not {lang!r}.")


@dataclass(frozen=True)
class LikertScale:
    """A construct measured by several Likert items on one response scale.

    Parameters
    ----------
    name : str
        Construct name; the column name of its score in :func:`construct_scores`.
    items : tuple of LikertItem
        The items (at least one; names unique).
    codes : tuple of int
        Valid substantive codes in ascending order, e.g. ``(1, 2, 3, 4, 5)``.
    missing_codes : tuple of int
        Codes recorded for "don't know" / "refused"; they become ``NaN`` (default ``(8, 9)``).
    code_labels_ko, code_labels_en : tuple of str
        Labels of ``codes`` (default: five-point agreement labels when ``codes`` has five values).
    label_ko, label_en : str
        Construct labels.
    min_valid : int or None
        Minimum number of valid (non-missing) items for a construct score; ``None`` means the
        "half rule": at least ``ceil(k / 2)`` of the ``k`` items.
    """

    name: str
    items: tuple[LikertItem, ...]
    codes: tuple[int, ...] = (1, 2, 3, 4, 5)
    missing_codes: tuple[int, ...] = (8, 9)
    code_labels_ko: tuple[str, ...] = field(default=())
    code_labels_en: tuple[str, ...] = field(default=())
    label_ko: str = ""
    label_en: str = ""
    min_valid: int | None = None

    def __post_init__(self) -> None:
        if not self.items:
            raise ParameterError(f"Scale {self.name!r} has no items: give at least one LikertItem.")
        names = [it.name for it in self.items]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ParameterError(f"Scale {self.name!r} lists items more than once: {dupes}.")
        if len(self.codes) < 2 or list(self.codes) != sorted(set(self.codes)):
            raise ParameterError(
                f"Scale {self.name!r}: codes must be at least two distinct ascending integers, "
                f"got {self.codes}."
            )
        overlap = set(self.codes) & set(self.missing_codes)
        if overlap:
            raise ParameterError(
                f"Scale {self.name!r}: codes {sorted(overlap)} are both valid and missing codes."
            )
        for lab, attr in (
            (self.code_labels_ko, "code_labels_ko"),
            (self.code_labels_en, "code_labels_en"),
        ):
            if lab and len(lab) != len(self.codes):
                raise ParameterError(
                    f"Scale {self.name!r}: {attr} has {len(lab)} labels for "
                    f"{len(self.codes)} codes."
                )
        if self.min_valid is not None and not 1 <= self.min_valid <= len(self.items):
            raise ParameterError(
                f"Scale {self.name!r}: min_valid must be between 1 and {len(self.items)}, "
                f"got {self.min_valid}."
            )

    @property
    def item_names(self) -> list[str]:
        """Column names of the items, in declared order."""
        return [it.name for it in self.items]

    @property
    def reverse_items(self) -> list[str]:
        """Column names of the reverse-worded items."""
        return [it.name for it in self.items if it.reverse]

    @property
    def low(self) -> int:
        """Lowest valid code."""
        return self.codes[0]

    @property
    def high(self) -> int:
        """Highest valid code."""
        return self.codes[-1]

    @property
    def midpoint(self) -> float:
        """Scale midpoint ``(min + max) / 2``."""
        return (self.low + self.high) / 2

    @property
    def required_valid(self) -> int:
        """Minimum number of valid items for a score (``min_valid`` or the half rule)."""
        return self.min_valid if self.min_valid is not None else math.ceil(len(self.items) / 2)

    def code_labels(self, lang: str = "en") -> tuple[str, ...]:
        """Labels of the valid codes in ``lang`` (``"ko"`` or ``"en"``); the codes if undeclared."""
        declared = self.code_labels_ko if lang == "ko" else self.code_labels_en
        if declared:
            return declared
        if len(self.codes) == 5:
            return _DEFAULT_LABELS_KO if lang == "ko" else _DEFAULT_LABELS_EN
        return tuple(str(c) for c in self.codes)

    def item(self, name: str) -> LikertItem:
        """Return the item called ``name``."""
        for it in self.items:
            if it.name == name:
                return it
        raise ParameterError(f"Scale {self.name!r} has no item {name!r}; items: {self.item_names}.")


def _parse_labels(text: object) -> dict[int, str]:
    """``"1=Strongly disagree; 2=Disagree"`` -> ``{1: "Strongly disagree", 2: "Disagree"}``."""
    out: dict[int, str] = {}
    if not isinstance(text, str) or not text.strip():
        return out
    for part in text.split(";"):
        code, sep, label = part.partition("=")
        if sep and code.strip().lstrip("-").isdigit():
            out[int(code)] = label.strip()
    return out


def scales_from_codebook(
    codebook: pd.DataFrame, constructs: Sequence[str] | None = None
) -> dict[str, LikertScale]:
    """Build one :class:`LikertScale` per construct from a codebook table.

    The codebook has one row per variable with columns ``name``, ``construct``, ``question_ko``,
    ``question_en``, ``labels_ko`` / ``labels_en`` (value labels as ``"1=...; 2=...; 8=..."``),
    ``missing_codes`` (``"8,9"``) and ``reverse`` (bool) — the layout of
    :func:`cgresearch.data.synth.survey.codebook_frame`. The valid codes of a scale are the labelled
    codes that are not missing codes; only variables with at least two valid codes are used. A
    construct whose items do not share one set of codes is skipped when ``constructs`` is not
    given (demographics, say) and raises :class:`InputError` when it is asked for.

    Parameters
    ----------
    codebook : DataFrame
    constructs : sequence of str, optional
        Constructs to build (default: every construct with Likert items), in this order.

    Examples
    --------
    >>> import pandas as pd
    >>> cb = pd.DataFrame({"name": ["a", "b"], "construct": ["c", "c"],
    ...                    "question_ko": ["가", "나"], "question_en": ["A", "B"],
    ...                    "labels_ko": ["1=낮음; 2=중간; 3=높음; 8=모름"] * 2,
    ...                    "labels_en": ["1=low; 2=mid; 3=high; 8=DK"] * 2,
    ...                    "missing_codes": ["8", "8"], "reverse": [False, True]})
    >>> s = scales_from_codebook(cb)["c"]
    >>> s.codes, s.missing_codes, s.reverse_items
    ((1, 2, 3), (8,), ['b'])
    """
    need = ["name", "construct", "question_ko", "question_en", "labels_ko", "labels_en"]
    need += ["missing_codes", "reverse"]
    require_columns(codebook, need, "codebook")
    out: dict[str, LikertScale] = {}
    wanted = list(constructs) if constructs is not None else list(pd.unique(codebook["construct"]))
    for construct in wanted:
        rows = codebook[codebook["construct"] == construct]
        if rows.empty:
            raise ParameterError(
                f"construct {construct!r} is not in the codebook; "
                f"constructs: {list(pd.unique(codebook['construct']))}."
            )
        items, spec = [], None
        for _, r in rows.iterrows():
            ko, en = _parse_labels(r["labels_ko"]), _parse_labels(r["labels_en"])
            raw_miss = r["missing_codes"]  # '8,9', 8 (a number), or blank (NaN as pandas reads)
            miss_text = "" if raw_miss is None or pd.isna(raw_miss) else str(raw_miss)
            miss = tuple(int(float(c)) for c in miss_text.split(",") if c.strip())
            codes = tuple(sorted(c for c in ko if c not in miss))
            if len(codes) < 2:
                continue
            this = (codes, miss, tuple(ko[c] for c in codes), tuple(en.get(c, "") for c in codes))
            if spec is not None and this[:2] != spec[:2]:
                if constructs is None:  # not one Likert scale (e.g. demographics): skip it
                    spec, items = None, []
                    break
                raise InputError(
                    f"codebook, variable {r['name']!r}: codes {codes} / missing {miss} differ from "
                    f"the other items of construct {construct!r}; one scale needs one set of codes."
                )
            spec = spec or this
            items.append(
                LikertItem(
                    str(r["name"]), str(r["question_ko"]), str(r["question_en"]), bool(r["reverse"])
                )
            )
        if spec is None:
            if constructs is not None:
                raise ParameterError(
                    f"construct {construct!r} has no Likert items in the codebook."
                )
            continue
        out[construct] = LikertScale(
            str(construct),
            tuple(items),
            codes=spec[0],
            missing_codes=spec[1],
            code_labels_ko=spec[2],
            code_labels_en=spec[3] if all(spec[3]) else (),
        )
    return out


def recode(df: pd.DataFrame, scale: LikertScale | Sequence[LikertScale]) -> pd.DataFrame:
    """Return a copy of ``df`` with the items of ``scale`` ready for analysis.

    Missing codes (``scale.missing_codes``) and empty cells become ``NaN``; reverse-worded items
    become ``(min + max) - x``; other columns are untouched. Item columns come back as float.

    Parameters
    ----------
    df : DataFrame
        Raw survey answers.
    scale : LikertScale or sequence of LikertScale
        The scale(s) whose items to recode.

    Raises
    ------
    InputError
        If an item column is missing, or a cell holds a value that is neither a valid code nor a
        missing code (the message names the row label, row position, column and value).

    Examples
    --------
    >>> import pandas as pd
    >>> s = LikertScale("s", (LikertItem("a"), LikertItem("b", reverse=True)))
    >>> recode(pd.DataFrame({"a": [1, 9], "b": [2, 5]}), s).to_dict("list")
    {'a': [1.0, nan], 'b': [4.0, 1.0]}
    """
    scales = [scale] if isinstance(scale, LikertScale) else list(scale)
    out = df.copy()
    for sc in scales:
        require_columns(df, sc.item_names, f"scale {sc.name!r}")
        valid = np.asarray(sc.codes, dtype=float)
        miss = np.asarray(sc.missing_codes, dtype=float)
        for it in sc.items:
            raw = pd.to_numeric(df[it.name], errors="coerce").to_numpy(dtype=float)
            text_bad = df[it.name].notna().to_numpy() & np.isnan(raw)
            is_missing = np.isin(raw, miss)
            ok = np.isnan(raw) | is_missing | np.isin(raw, valid)
            bad = np.flatnonzero(~ok | text_bad)
            if bad.size:
                pos = int(bad[0])
                value = df[it.name].iloc[pos]
                value = value.item() if isinstance(value, np.generic) else value
                raise InputError(
                    f"Row {df.index[pos]!r} (position {pos}), column {it.name!r}: value "
                    f"{value!r} is outside scale {sc.name!r} (valid codes "
                    f"{list(sc.codes)}, missing codes {list(sc.missing_codes)}); "
                    f"{bad.size} cell(s) in this column are out of scale. Correct the data or "
                    "declare the code in the scale."
                )
            values = np.where(is_missing, np.nan, raw)
            if it.reverse:
                values = (sc.low + sc.high) - values
            out[it.name] = values
    return out


def construct_scores(
    df: pd.DataFrame,
    scales: Sequence[LikertScale],
    *,
    min_valid: int | None = None,
) -> pd.DataFrame:
    """Score each construct as the mean of its recoded items (raw data in, one column per scale).

    ``df`` holds RAW answers: this function applies :func:`recode` itself (do not pass recoded
    data, or reverse-worded items would be flipped twice). A respondent's score is the mean of
    their valid items if at least ``min_valid`` items are valid (default: the scale's own
    ``min_valid``, else the half rule ``ceil(k / 2)``), otherwise ``NaN``.

    Parameters
    ----------
    df : DataFrame
        Raw survey answers.
    scales : sequence of LikertScale
        Constructs to score.
    min_valid : int, optional
        Overrides every scale's minimum number of valid items.

    Returns
    -------
    DataFrame
        Same index as ``df``, one float column per scale (named ``scale.name``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = LikertScale("s", (LikertItem("a"), LikertItem("b"), LikertItem("c")))
    >>> df = pd.DataFrame({"a": [1, 8], "b": [2, 9], "c": [4, 4]})
    >>> construct_scores(df, [s])["s"].tolist()  # row 2 has 1 valid item of 3 (needs 2)
    [2.3333333333333335, nan]
    """
    out = pd.DataFrame(index=df.index)
    for sc in scales:
        need = min_valid if min_valid is not None else sc.required_valid
        if not 1 <= need <= len(sc.items):
            raise ParameterError(
                f"min_valid must be between 1 and {len(sc.items)} for scale {sc.name!r}, "
                f"got {need}."
            )
        items = recode(df[sc.item_names], sc)
        n_valid = items.notna().sum(axis=1)
        out[sc.name] = items.mean(axis=1, skipna=True).where(n_valid >= need)
    return out

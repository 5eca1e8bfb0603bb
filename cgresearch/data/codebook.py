"""The survey codebook: a loader with a schema, and the map from a researcher's file to ours.

A codebook is a table with one row per survey variable (the layout ``cgresearch synth`` writes,
:func:`cgresearch.data.synth.survey.codebook_frame`): ``name``, ``construct``, ``question_ko``,
``question_en``, ``labels_ko`` / ``labels_en`` (value labels ``"1=...; 2=...; 8=..."``),
``missing_codes`` (``"8,9"``, blank for none) and ``reverse``; an optional ``maps_to`` column
names the package's column for a researcher's own (``Q1`` -> ``trust_1``, ``area`` ->
``gu_name``). :func:`load_codebook` reads every cell as text (a blank missing-code cell stays
blank instead of becoming NaN), validates the table lazily with pandera and returns a typed
:class:`Codebook`.

:meth:`Codebook.apply` then turns a survey table read as is into the package's vocabulary:
columns renamed, the codebook's missing codes recoded to 8 (don't know, the first listed) and
9 (refused, the second), group and gu codes replaced by their labels (so that ``1=공무원`` or
``11=종로구`` resolve) and refuses a codebook that does not match the file: a variable that is
not a column (or a column the codebook does not list), a code outside the variable's labelled
codes, a group with no respondents.

Examples
--------
>>> import tempfile, pathlib
>>> from cgresearch.data.synth import codebook_frame
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "codebook.csv"
...     codebook_frame().to_csv(p, index=False)
...     cb = load_codebook(p)
>>> cb.variable("trust_1").codes, cb.variable("trust_1").missing_codes, cb.items[:2]
((1, 2, 3, 4, 5), (8, 9), ('trust_1', 'trust_2'))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cgresearch.data.schemas import (
    LIKERT_MISSING_CODES,
    SURVEY_LIKERT_COLUMNS,
    Problem,
    ValidationFailed,
    validate_frame,
)
from cgresearch.data.tables import read_table
from cgresearch.errors import N_, closest_match, msg

__all__ = ["CODEBOOK_SCHEMA", "Codebook", "CodebookVariable", "load_codebook", "parse_labels"]

_LABELS = r"^\s*-?\d+\s*=[^;]*(;\s*-?\d+\s*=[^;]*)*;?\s*$"

#: The codebook table (every cell text as read; blanks allowed where a variable has none).
CODEBOOK_SCHEMA = pa.DataFrameSchema(
    {
        "name": pa.Column(str, unique=True, nullable=False),
        "construct": pa.Column(str, nullable=False),
        "question_ko": pa.Column(str, nullable=True),
        "question_en": pa.Column(str, nullable=True),
        "labels_ko": pa.Column(
            str,
            pa.Check.str_matches(_LABELS, error=N_("labels must read '1=label; 2=label; ...'")),
            nullable=True,
        ),
        "labels_en": pa.Column(
            str,
            pa.Check.str_matches(_LABELS, error=N_("labels must read '1=label; 2=label; ...'")),
            nullable=True,
        ),
        "missing_codes": pa.Column(
            str,
            pa.Check.str_matches(
                r"^\s*-?\d+(\s*,\s*-?\d+)*\s*$",
                error=N_("missing_codes must be whole numbers separated by commas, e.g. '8,9'"),
            ),
            nullable=True,
        ),
        "reverse": pa.Column(
            str,
            pa.Check.isin(
                ["True", "False", "true", "false", "1", "0", "TRUE", "FALSE"],
                error=N_("reverse must be True or False"),
            ),
            nullable=True,
        ),
        "maps_to": pa.Column(str, required=False, nullable=True),
    },
    name="codebook",
)


def parse_labels(text: object) -> dict[int, str]:
    """Read value labels written as ``"1=label; 2=label; ..."`` into ``{code: label}``.

    A blank or non-text cell gives ``{}``.

    >>> parse_labels("1=공무원; 2=시민사회단체; 8=모름")
    {1: '공무원', 2: '시민사회단체', 8: '모름'}
    """
    if not isinstance(text, str) or not text.strip():
        return {}
    out = {}
    for part in text.split(";"):
        code, sep, label = part.partition("=")
        if sep:
            out[int(code)] = label.strip()
    return out


@dataclass(frozen=True)
class CodebookVariable:
    """One row of a codebook.

    Attributes
    ----------
    name : str
        The column in the survey file.
    maps_to : str
        The package's column it becomes (``name`` unless the codebook says otherwise).
    construct, question_ko, question_en : str
    labels_ko, labels_en : dict
        Value labels, code -> label.
    missing_codes : tuple of int
        Codes meaning no answer: the first becomes 8 (don't know), the second 9 (refused).
    reverse : bool
    """

    name: str
    maps_to: str
    construct: str
    question_ko: str
    question_en: str
    labels_ko: dict[int, str]
    labels_en: dict[int, str]
    missing_codes: tuple[int, ...]
    reverse: bool

    @property
    def codes(self) -> tuple[int, ...]:
        """The labelled codes that are answers (not missing codes), sorted."""
        return tuple(sorted(c for c in self.labels_ko if c not in self.missing_codes))

    @property
    def is_item(self) -> bool:
        """True for a Likert item of the package (trust_*, cg_*, imp_T*, perf_T*)."""
        return self.maps_to in SURVEY_LIKERT_COLUMNS


@dataclass(frozen=True)
class Codebook:
    """A validated codebook (see the module docs)."""

    source: str
    variables: tuple[CodebookVariable, ...]

    @property
    def items(self) -> tuple[str, ...]:
        """The package names of the Likert items the codebook lists, in codebook order."""
        return tuple(v.maps_to for v in self.variables if v.is_item)

    def variable(self, name: str) -> CodebookVariable:
        """The variable with file column or package name ``name``."""
        for v in self.variables:
            if name in (v.name, v.maps_to):
                return v
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """The codebook in the package's names (the layout :func:`scales_from_codebook` reads).

        Missing codes are given as 8 and 9, the codes the survey has after :meth:`apply`.
        """
        rows = []
        for v in self.variables:
            recode = _missing_map(v)
            rows.append(
                {
                    "name": v.maps_to,
                    "construct": v.construct,
                    "question_ko": v.question_ko,
                    "question_en": v.question_en,
                    "labels_ko": "; ".join(
                        f"{recode.get(k, k)}={t}" for k, t in v.labels_ko.items()
                    ),
                    "labels_en": "; ".join(
                        f"{recode.get(k, k)}={t}" for k, t in v.labels_en.items()
                    ),
                    "missing_codes": ",".join(str(recode.get(c, c)) for c in v.missing_codes),
                    "reverse": v.reverse,
                }
            )
        return pd.DataFrame(rows)

    def apply(self, survey: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
        """Return ``survey`` in the package's vocabulary, or refuse a mismatch.

        Parameters
        ----------
        survey : DataFrame
            The survey as read (:func:`cgresearch.data.tables.read_table`).
        source : str, optional
            File name for messages (default ``survey.attrs["source"]``).

        Raises
        ------
        ValidationFailed
            Naming every variable not in the file, file column not in the codebook, code
            outside a variable's labelled codes (row, column, value) and group without
            respondents.

        Examples
        --------
        >>> import pandas as pd
        >>> q1 = CodebookVariable("Q1", "trust_1", "trust", "", "", {1: "a", 5: "e", 97: "DK"},
        ...                       {}, (97,), False)
        >>> Codebook("cb.csv", (q1,)).apply(pd.DataFrame({"Q1": [1, 97]}))["trust_1"].tolist()
        [1, 8]
        """
        src = source or str(survey.attrs.get("source", "<DataFrame>"))
        first = int(survey.attrs.get("first_row", 2))
        problems: list[Problem] = []
        columns = [str(c) for c in survey.columns]
        names = {v.name for v in self.variables}
        for v in self.variables:
            if v.name not in columns:
                near = closest_match(v.name, columns)
                rule = (
                    msg(
                        "the codebook lists '{name}' but {file} has no such column; did you "
                        "mean '{hint}'?",
                        name=v.name,
                        file=src,
                        hint=near,
                    )
                    if near
                    else msg(
                        "the codebook lists '{name}' but {file} has no such column",
                        name=v.name,
                        file=src,
                    )
                )
                problems.append(Problem(self.source, None, v.name, None, rule))
        for c in columns:
            if c not in names:
                problems.append(
                    Problem(
                        src,
                        None,
                        c,
                        None,
                        msg(
                            "column '{column}' is not in the codebook {codebook}: add it there "
                            "or delete the column",
                            column=c,
                            codebook=self.source,
                        ),
                    )
                )
        out = survey.copy()
        for v in self.variables:
            if v.name not in columns or not v.labels_ko:
                continue
            problems += _check_codes(out[v.name], v, src, first)
            if v.maps_to in ("group", "gu_name", "gu_code"):
                keys = pd.to_numeric(out[v.name], errors="coerce")
                labelled = keys.map({float(k): t for k, t in v.labels_ko.items()})
                out[v.name] = labelled.where(labelled.notna(), out[v.name])
                if v.maps_to == "group":
                    present = set(keys.dropna().astype(int))
                    for code, label in v.labels_ko.items():
                        if code not in present and code not in v.missing_codes:
                            problems.append(
                                Problem(
                                    self.source,
                                    None,
                                    v.name,
                                    code,
                                    msg(
                                        "group {code} ({label}) has no respondents in {file}: "
                                        "remove it from the codebook or check the file",
                                        code=code,
                                        label=label,
                                        file=src,
                                    ),
                                )
                            )
            elif v.missing_codes:
                recode = _missing_map(v)
                values = pd.to_numeric(out[v.name], errors="coerce")
                out[v.name] = values.replace({float(k): float(t) for k, t in recode.items()})
        if problems:
            raise ValidationFailed(src, problems)
        out = out.rename(columns={v.name: v.maps_to for v in self.variables})
        out.attrs = {**survey.attrs, "codebook": self.source}
        return out


def _missing_map(v: CodebookVariable) -> dict[int, int]:
    """The variable's missing codes -> 8, 9 (in the codebook's order); only for items."""
    if not v.is_item:
        return {}
    targets = list(LIKERT_MISSING_CODES)
    return {c: targets[i] for i, c in enumerate(v.missing_codes[: len(targets)])}


def _check_codes(values: pd.Series, v: CodebookVariable, src: str, first: int) -> list[Problem]:
    """Problems for cells that are not blank and not one of the variable's labelled codes."""
    allowed = np.asarray(sorted(v.labels_ko), dtype=float)
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    given = values.notna().to_numpy()
    bad = given & ~np.isin(num, allowed)
    shown = ", ".join(str(c) for c in sorted(v.labels_ko))
    return [
        Problem(
            src,
            first + int(i),
            v.name,
            _plain(values.iloc[i]),
            msg("not a code of '{name}' in the codebook ({codes})", name=v.name, codes=shown),
        )
        for i in np.flatnonzero(bad)
    ]


def _plain(value: object) -> object:
    """A numpy scalar as a Python number (for messages)."""
    return value.item() if hasattr(value, "item") else value


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file (CSV UTF-8/CP949 or .xlsx; cells read as text).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Codebook

    Raises
    ------
    InputError
        The file cannot be read (see :func:`~cgresearch.data.tables.read_table`), or
        :class:`ValidationFailed` listing every cell that breaks :data:`CODEBOOK_SCHEMA`, a
        ``maps_to`` that is not a package column and Likert items without a 1-5 scale.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "cb.csv"
    ...     _ = p.write_text(chr(10).join([
    ...         "name,maps_to,construct,question_ko,question_en,labels_ko,labels_en,"
    ...         "missing_codes,reverse",
    ...         'Q1,trust_1,trust,신뢰,Trust,1=a; 5=e; 97=모름,1=a; 5=e; 97=DK,97,False']),
    ...         encoding="utf-8")
    ...     cb = load_codebook(p)
    >>> cb.items, cb.variable("Q1").codes, cb.to_frame().loc[0, "missing_codes"]
    (('trust_1',), (1, 5), '8')
    """
    table = read_table(path)
    src = str(table.attrs["source"])
    text = pd.DataFrame(
        {c: _as_text(table[c]) for c in table.columns},
        index=table.index,
    )
    if "maps_to" not in text.columns:
        text["maps_to"] = text["name"] if "name" in text.columns else pd.Series(dtype=str)
    text["maps_to"] = text["maps_to"].fillna(text.get("name"))
    first = int(table.attrs.get("first_row", 2))
    rows = list(range(first, first + len(text)))
    checked = validate_frame(text, CODEBOOK_SCHEMA, src, rows)
    problems: list[Problem] = []
    variables = []
    for i, r in checked.iterrows():
        miss = str(r["missing_codes"]) if isinstance(r["missing_codes"], str) else ""
        v = CodebookVariable(
            name=str(r["name"]),
            maps_to=str(r["maps_to"]),
            construct=str(r["construct"]),
            question_ko=str(r["question_ko"]) if isinstance(r["question_ko"], str) else "",
            question_en=str(r["question_en"]) if isinstance(r["question_en"], str) else "",
            labels_ko=parse_labels(r["labels_ko"]),
            labels_en=parse_labels(r["labels_en"]),
            missing_codes=tuple(int(c) for c in miss.split(",") if c.strip()),
            reverse=str(r["reverse"]).lower() in ("true", "1"),
        )
        row = rows[int(i)]  # type: ignore[call-overload]
        looks_item = v.maps_to.startswith(("trust_", "cg_", "imp_", "perf_"))
        if looks_item and not v.is_item:
            near = closest_match(v.maps_to, SURVEY_LIKERT_COLUMNS)
            rule = (
                msg("not an item of the package; did you mean '{hint}'?", hint=near)
                if near
                else msg("not an item of the package")
            )
            problems.append(Problem(src, row, "maps_to", v.maps_to, rule))
        if v.is_item and not set(v.codes) <= {1, 2, 3, 4, 5}:
            problems.append(
                Problem(
                    src,
                    row,
                    "labels_ko",
                    v.name,
                    msg(
                        "item answer codes {codes} must lie in 1-5 (the package's scales)",
                        codes=v.codes,
                    ),
                )
            )
        variables.append(v)
    if problems:
        raise ValidationFailed(src, problems)
    return Codebook(src, tuple(variables))


def _as_text(s: pd.Series) -> pd.Series:
    """A column as text exactly as written ('8,9' stays '8,9'; blank stays missing)."""
    text = pd.StringDtype(na_value=np.nan)
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: "True", False: "False"}).astype(text)
    if pd.api.types.is_numeric_dtype(s):
        return s.map(_number_text).astype(text)
    return s.astype(text)


def _number_text(x: object) -> object:
    if pd.isna(x):
        return np.nan
    f = float(x)  # type: ignore[arg-type]
    return str(int(f)) if f.is_integer() else str(f)

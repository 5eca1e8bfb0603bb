"""Declared schemas of every table cgresearch reads, and one error that lists every problem.

A schema is a :class:`pandera.pandas.DataFrameSchema` validated lazily, so that all failures of a
file are collected at once. :func:`validate_frame` turns pandera's failure cases (and any problems
a loader found before, such as text in a numeric column) into :class:`Problem` records that name the
file, the row as a person sees it in the file (header = row 1, first data row = row 2), the column,
the offending value and the rule; :class:`ValidationFailed` (an
:class:`~cgresearch.errors.InputError`) carries them all in one message.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.data.schemas import Problem, ValidationFailed
>>> err = ValidationFailed("survey.csv", [Problem("survey.csv", 3, "weight", -1.0, "weight > 0")])
>>> print(err)  # doctest: +NORMALIZE_WHITESPACE
survey.csv: 1 problem found; fix them in the file and load it again.
  - row 3, column 'weight', value -1.0: weight > 0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from cgresearch.catalogue import translations
from cgresearch.errors import N_, InputError, Msg, msg
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS, RESPONDENT_GROUPS, STRATEGIES

__all__ = [
    "ADMIN_DONG_SCHEMA",
    "DISTRICTS_SCHEMA",
    "INVENTORY_SCHEMA",
    "LIKERT_MISSING_CODES",
    "MAX_LISTED_PROBLEMS",
    "PROPOSALS_SCHEMA",
    "SURVEY_CODED_ITEMS",
    "SURVEY_ITEM_CODES",
    "SURVEY_LIKERT_COLUMNS",
    "SURVEY_SCHEMA",
    "Problem",
    "ValidationFailed",
    "survey_item_rule",
    "validate_frame",
]

#: How many problems the error message prints in full (all of them stay in ``.problems``).
MAX_LISTED_PROBLEMS = 500

#: Survey codes that mean "don't know" (8) and "refused" (9) in every Likert item.
LIKERT_MISSING_CODES: dict[int, str] = {8: "don't know", 9: "refused"}

#: Likert items of the survey (1-5 scales).
SURVEY_LIKERT_COLUMNS: tuple[str, ...] = (
    *(f"trust_{i}" for i in range(1, 5)),
    *(f"cg_{i}" for i in range(1, 7)),
    *(f"imp_{t}" for t in POLICY_TASKS),
    *(f"perf_{t}" for t in POLICY_TASKS),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Attributes
    ----------
    file : str
        The file's name (or a label such as ``"<DataFrame>"``).
    row : int or None
        Row as seen in the file: the header is row 1, the first data row is row 2. ``None`` when
        the problem concerns the whole table or a whole column.
    column : str or None
        The column, or ``None`` for a table-wide problem.
    value : object
        The offending value (``None`` when there is none, e.g. a missing column).
    rule : str
        The rule broken and, where useful, what to do: a literal text marked with
        :func:`~cgresearch.errors.N_` or a :class:`~cgresearch.errors.Msg`, so that it can be
        printed in the user's language.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str

    def describe(self, with_file: bool = False, lang: str = "en") -> str:
        """Return one line ``row R, column 'C', value V: rule`` in ``lang`` (English default:
        ``str(error)``; the catalogue's words when it has them)."""
        parts = [self.file] if with_file else []
        if self.row is not None:
            parts.append(msg("row {row}", row=self.row).localized(lang))
        if self.column is not None:
            parts.append(msg("column '{column}'", column=self.column).localized(lang))
        if self.value is not None:
            parts.append(msg("value {value!r}", value=self.value).localized(lang))
        where = ", ".join(parts) if parts else msg("table").localized(lang)
        return f"{where}: {_rule_text(self.rule, lang)}"


def _rule_text(rule: str, lang: str) -> str:
    """A rule in ``lang``: a Msg localises itself, a marked literal is looked up."""
    if isinstance(rule, Msg):
        return rule.localized(lang)
    return rule if lang == "en" else translations(lang).get(rule, rule)


class ValidationFailed(InputError):
    """An input file broke its schema; ``.problems`` holds every :class:`Problem` found."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._text("en"))

    def localized(self, lang: str = "ko") -> str:
        """Return the message with its heading and every problem in ``lang``."""
        return self._text(lang)

    def _text(self, lang: str) -> str:
        n = len(self.problems)
        sav = self.file.lower().endswith(".sav")
        if n == 1 and sav:
            head = msg(
                "{file}: 1 problem found (rows are SPSS case numbers); fix them in the file and "
                "load it again.",
                file=self.file,
            )
        elif n == 1:
            head = msg(
                "{file}: 1 problem found; fix them in the file and load it again.", file=self.file
            )
        elif sav:
            head = msg(
                "{file}: {n} problems found (rows are SPSS case numbers); fix them in the file "
                "and load it again.",
                file=self.file,
                n=n,
            )
        else:
            head = msg(
                "{file}: {n} problems found; fix them in the file and load it again.",
                file=self.file,
                n=n,
            )
        lines = [head.localized(lang)]
        lines += [f"  - {p.describe(lang=lang)}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if n > MAX_LISTED_PROBLEMS:
            rest = pd.Series(
                [_rule_text(p.rule, lang) for p in self.problems[MAX_LISTED_PROBLEMS:]]
            ).value_counts()
            more = msg("  ... and {n} more:", n=n - MAX_LISTED_PROBLEMS)
            lines.append(more.localized(lang))
            lines += [f"      {count} x {rule}" for rule, count in rest.items()]
        return "\n".join(lines)


def _plain(value: object) -> object:
    """Return a value fit for a message (numpy scalars to Python, NaN to None)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _row_of(index_value: object) -> int | None:
    if index_value is None or _plain(index_value) is None:
        return None
    return int(index_value)  # type: ignore[call-overload]


def _rule_of(check: object, error_texts: dict[str, str]) -> str:
    text = str(check)
    return error_texts.get(text, text)


def validate_frame(
    df: pd.DataFrame,
    schema: pa.DataFrameSchema,
    file: str,
    row_numbers: Sequence[int] | None = None,
    problems: Iterable[Problem] = (),
) -> pd.DataFrame:
    """Validate ``df`` against ``schema`` and raise one error listing every problem.

    Parameters
    ----------
    df : DataFrame
        The table as read.
    schema : DataFrameSchema
        The declared schema; checks with an ``error=`` text are reported by that text.
    file : str
        Name used in messages.
    row_numbers : sequence of int, optional
        The file row of each table row (default: header row 1, data from row 2).
    problems : iterable of Problem
        Problems already found by the caller (they are reported with the schema's).

    Returns
    -------
    DataFrame
        The validated table (pandera's output, index reset to ``0..n-1``).

    Raises
    ------
    ValidationFailed
        If any problem was found.

    Examples
    --------
    >>> import pandas as pd, pandera.pandas as pa
    >>> s = pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0, error="x >= 0"))})
    >>> try:
    ...     validate_frame(pd.DataFrame({"x": [1, -1]}), s, "t.csv")
    ... except ValidationFailed as err:
    ...     print(err.problems[0].describe())
    row 3, column 'x', value -1: x >= 0
    """
    found = list(problems)
    rows = (
        np.asarray(row_numbers, dtype=np.int64)
        if row_numbers is not None
        else np.arange(2, len(df) + 2, dtype=np.int64)
    )
    framed = df.set_axis(pd.Index(rows, dtype="int64"), axis=0)
    error_texts = {str(c): c.error for c in _all_checks(schema) if c.error}
    try:
        out = schema.validate(framed, lazy=True, inplace=True)
    except SchemaErrors as exc:
        seen = {(p.row, p.column) for p in found if p.row is not None}
        found += [
            p
            for p in _problems_from(exc.failure_cases, file, error_texts)
            if (p.row, p.column) not in seen
        ]
        out = None
    if found:
        raise ValidationFailed(file, _sorted(_with_duplicate_rows(found)))
    assert out is not None
    return out.reset_index(drop=True)


def _all_checks(schema: pa.DataFrameSchema) -> list[pa.Check]:
    checks = list(schema.checks)
    for col in schema.columns.values():
        checks += list(col.checks)
    return checks


def _problems_from(cases: pd.DataFrame, file: str, error_texts: dict[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for case in cases.to_dict("records"):
        column = _plain(case.get("column"))
        check = str(case.get("check"))
        value = _plain(case.get("failure_case"))
        if check == "column_in_dataframe":
            out.append(Problem(file, None, str(value), None, N_("required column is missing")))
            continue
        if check.startswith("dtype("):
            rule = msg(
                "column must have type {type} (found {found})", type=check[6:-1], found=value
            )
            out.append(Problem(file, None, column, None, rule))
            continue
        if check == "not_nullable":
            row = _row_of(case.get("index"))
            out.append(Problem(file, row, column, None, N_("value is missing")))
            continue
        if check == "field_uniqueness" or check.startswith("unique"):
            rule = _UNIQUE_RULE
            out.append(Problem(file, _row_of(case.get("index")), column, value, rule))
            continue
        if column is None and isinstance(value, bool):
            value = None  # a table-wide check reports its boolean outcome, not a value
        rule = _rule_of(check, error_texts)
        out.append(Problem(file, _row_of(case.get("index")), column, value, rule))
    return out


_UNIQUE_RULE = N_("value must be unique; it appears more than once")


def _with_duplicate_rows(problems: list[Problem]) -> list[Problem]:
    """Name, in each duplicate-value problem, the other rows holding the same value."""
    rows: dict[tuple[object, str], list[int]] = {}
    for p in problems:
        if p.rule == _UNIQUE_RULE and p.row is not None:
            rows.setdefault((p.column, repr(p.value)), []).append(p.row)
    out = []
    for p in problems:
        if p.rule == _UNIQUE_RULE and p.row is not None:
            others = [r for r in rows[(p.column, repr(p.value))] if r != p.row]
            where = ", ".join(str(r) for r in sorted(others))
            rule = msg("duplicate value: must be unique (also in row {rows})", rows=where)
            p = Problem(p.file, p.row, p.column, p.value, rule)
        out.append(p)
    return out


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Table-wide problems first, then by row and column; duplicates removed."""
    seen: set[tuple[object, ...]] = set()
    unique: list[Problem] = []
    for p in problems:
        key = (p.row, p.column, repr(p.value), p.rule)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return sorted(unique, key=lambda p: (p.row is not None, p.row or 0, p.column or ""))


# --- districts --------------------------------------------------------------------------------
def _check(fn: object, error: str, **kw: object) -> pa.Check:
    return pa.Check(fn, error=error, **kw)  # type: ignore[arg-type]


#: The 25 autonomous districts (gu) of Seoul: ``data/raw/seoul/districts.csv``.
DISTRICTS_SCHEMA = pa.DataFrameSchema(
    {
        "adm_code": pa.Column(
            int,
            pa.Check.in_range(
                11110, 11740, error=N_("adm_code must be a Seoul gu code 11110-11740")
            ),
            unique=True,
        ),
        "name_ko": pa.Column(
            str, pa.Check.str_matches(r"^\S+구$", error=N_("name_ko must end in 구")), unique=True
        ),
        "name_en": pa.Column(
            str,
            pa.Check.str_matches(
                r"^[A-Z][a-z]+-gu$", error=N_("name_en must look like 'Jongno-gu'")
            ),
            unique=True,
        ),
        "pop_total_2017q1": pa.Column(int, pa.Check.gt(0, error=N_("population must be positive"))),
        "pop_65plus_2017q1": pa.Column(
            int, pa.Check.gt(0, error=N_("population must be positive"))
        ),
        "share_65plus_2017q1_pct": pa.Column(
            float, pa.Check.in_range(0, 100, error=N_("a share must be 0-100 %"))
        ),
        "area_km2_2014": pa.Column(float, pa.Check.gt(0, error=N_("area must be positive"))),
        "n_admin_dong_2022_03_09": pa.Column(
            int, pa.Check.gt(0, error=N_("dong count must be > 0"))
        ),
        "fiscal_independence_pct_kosis_year_unverified": pa.Column(
            float, pa.Check.in_range(0, 100, error=N_("fiscal independence must be 0-100 %"))
        ),
    },
    checks=[
        _check(lambda d: len(d) == 25, N_("Seoul has exactly 25 gu (rows)")),
        _check(
            lambda d: d["pop_65plus_2017q1"] < d["pop_total_2017q1"],
            N_("65+ population must be below the total"),
        ),
        _check(
            lambda d: (
                (
                    d["pop_65plus_2017q1"] / d["pop_total_2017q1"] * 100
                    - d["share_65plus_2017q1_pct"]
                ).abs()
                < 0.01
            ),
            N_("share_65plus_2017q1_pct must equal 100 x 65+ / total (to 0.01)"),
        ),
    ],
    name="districts",
)

#: The 426 administrative dong (as of 2022-03-09): ``admin_dong_seoul_20220309.csv``.
ADMIN_DONG_SCHEMA = pa.DataFrameSchema(
    {
        "gu_adm_code": pa.Column(
            int, pa.Check.in_range(11110, 11740, error=N_("gu_adm_code must be 11110-11740"))
        ),
        "gu_name_ko": pa.Column(str, pa.Check.str_matches(r"^\S+구$", error=N_("must end in 구"))),
        "adm_cd_kostat7": pa.Column(
            int, pa.Check.in_range(1_100_000, 1_199_999, error=N_("7-digit KOSTAT code"))
        ),
        "adm_cd2_mois10": pa.Column(
            int,
            pa.Check.in_range(1_111_000_000, 1_174_999_999, error=N_("10-digit MOIS code")),
            unique=True,
        ),
        "dong_name_ko": pa.Column(str),
    },
    checks=[
        _check(lambda d: len(d) == 426, N_("Seoul had exactly 426 dong on 2022-03-09")),
        _check(
            lambda d: d["adm_cd2_mois10"] // 100_000 == d["gu_adm_code"],
            N_("adm_cd2_mois10 must start with its gu's adm_code"),
        ),
    ],
    name="admin_dong",
)

# --- inventory, proposals, survey -------------------------------------------------------------
# The loaders turn text into numbers and resolve districts first (reporting what cannot be read);
# these schemas then declare the rules on the typed table.


def _codes(allowed: list[str], what: str) -> pa.Check:
    error = msg("{what} must be one of {codes}", what=what, codes=", ".join(allowed))
    return pa.Check.isin(allowed, error=error)


_GU_CODE = pa.Column("Int64", nullable=True)  # unknown districts are reported by the loader

#: The CG project inventory (one row per project).
INVENTORY_SCHEMA = pa.DataFrameSchema(
    {
        "project_id": pa.Column(str, unique=True, nullable=False),
        "gu_code": _GU_CODE,
        "policy_task": pa.Column(
            str, _codes(list(POLICY_TASKS), "policy_task"), required=False, nullable=True
        ),
        "strategy": pa.Column(
            str, _codes(list(STRATEGIES), "strategy"), required=False, nullable=True
        ),
        "funding_source": pa.Column(
            str, _codes(list(FUNDING_SOURCES), "funding_source"), nullable=False
        ),
        "year": pa.Column(
            float,
            pa.Check.in_range(1990, 2100, error=N_("year must be a 4-digit year (1990-2100)")),
            required=False,
            nullable=True,
        ),
        "budget_mkrw": pa.Column(
            float,
            pa.Check.ge(0, error=N_("budget_mkrw must not be negative (million KRW)")),
            nullable=False,
        ),
    },
    name="inventory",
)

#: Resident project proposals for participatory budgeting.
PROPOSALS_SCHEMA = pa.DataFrameSchema(
    {
        "proposal_id": pa.Column(str, unique=True, nullable=False),
        "gu_code": _GU_CODE,
        "policy_task": pa.Column(
            str, _codes(list(POLICY_TASKS), "policy_task"), required=False, nullable=True
        ),
        "cost_mkrw": pa.Column(
            float,
            pa.Check.gt(
                0,
                error=N_(
                    "cost_mkrw must be positive (million KRW); costs cannot be negative or zero"
                ),
            ),
            nullable=False,
        ),
        "votes": pa.Column(
            float,
            [
                pa.Check.ge(0, error=N_("votes must be 0 or more")),
                pa.Check(
                    lambda s: s == s.round(),
                    element_wise=False,
                    error=N_("votes must be a whole number"),
                ),
            ],
            required=False,
            nullable=True,
        ),
        "score": pa.Column(float, required=False, nullable=True),
    },
    name="proposals",
)


def _in_codes(codes: Sequence[float], error: str) -> pa.Check:
    """A vectorised "value is one of ``codes``" check on a float column (NaN passes)."""
    allowed = np.asarray(sorted(codes), dtype=float)

    def ok(s: pd.Series) -> pd.Series:
        v = s.to_numpy(dtype=float, na_value=np.nan)
        return pd.Series(np.isnan(v) | np.isin(v, allowed), index=s.index)

    return pa.Check(ok, error=error)


def _likert() -> pa.Column:
    return pa.Column(
        float,
        _in_codes(SURVEY_ITEM_CODES["trust_1"], error=survey_item_rule("trust_1")),
        nullable=True,
        required=False,
    )


#: Coded demographic items of the survey and their valid codes (9 = refused is also accepted).
SURVEY_CODED_ITEMS: dict[str, tuple[int, ...]] = {
    "sex": (1, 2),
    "age_group": (1, 2, 3, 4, 5),
    "compact_aware": (1, 2, 3),
}


#: The valid codes of every coded survey column: Likert items 1-5 with 8 and 9, the coded
#: demographic items with 9 (refused). Blank is always accepted (no answer).
SURVEY_ITEM_CODES: dict[str, tuple[int, ...]] = {
    **{c: (1, 2, 3, 4, 5, *LIKERT_MISSING_CODES) for c in SURVEY_LIKERT_COLUMNS},
    **{c: (*codes, 9) for c, codes in SURVEY_CODED_ITEMS.items()},
}


def survey_item_rule(column: str) -> str:
    """The rule a cell of a coded survey column breaks when its code is not valid.

    >>> survey_item_rule("sex")
    'sex code must be 1/2 (9 = refused) or blank'
    """
    if column in SURVEY_LIKERT_COLUMNS:
        return N_("Likert code must be 1-5 (8 = don't know, 9 = refused, blank = no answer)")
    text = "/".join(str(c) for c in SURVEY_CODED_ITEMS[column])
    return msg("{name} code must be {codes} (9 = refused) or blank", name=column, codes=text)


def _coded(name: str) -> pa.Column:
    return pa.Column(
        float,
        _in_codes(SURVEY_ITEM_CODES[name], error=survey_item_rule(name)),
        nullable=True,
        required=False,
    )


#: Survey responses (one row per respondent), before 8/9 codes become missing.
SURVEY_SCHEMA = pa.DataFrameSchema(
    {
        "resp_id": pa.Column(str, unique=True, nullable=False),
        "gu_code": _GU_CODE,
        "group": pa.Column(str, _codes(list(RESPONDENT_GROUPS), "group"), nullable=True),
        "weight": pa.Column(
            float,
            pa.Check.gt(0, error=N_("weight must be positive (N_h / n_h)")),
            nullable=False,
        ),
        "fpc": pa.Column(
            float,
            pa.Check.gt(0, error=N_("fpc (stratum population size N_h) must be positive")),
            required=False,
            nullable=True,
        ),
        "tenure_years": pa.Column(
            float,
            pa.Check.in_range(0, 80, error=N_("tenure_years must be 0-80 years")),
            required=False,
            nullable=True,
        ),
        **{c: _likert() for c in SURVEY_LIKERT_COLUMNS},
        **{c: _coded(c) for c in SURVEY_CODED_ITEMS},
    },
    name="survey",
)

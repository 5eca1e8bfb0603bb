"""The action-task register of a monitoring system: read from CSV/xlsx, validated, typed.

One row per action task (Seoul Compact action plan, civil-democracy master plan): who owns it,
which policy task and strategy of :mod:`cgresearch.vocabulary` it serves, the indicator that
tracks it, its baseline and target (value and year), and one column ``value_YYYY`` per monitored
year with the indicator's measured value (blank = not reported yet)::

    task_id,task_ko,task_en,owner,goal,strategy,indicator,unit,baseline_year,baseline,
    target_year,target,value_2022,value_2023
    A01,협치 교육 확대,...,smg,T1,S2,교육 이수 공무원,명,2021,120,2025,600,250,390

Rules (each broken rule is reported with file, row, column and value, all at once):
``task_id`` present and unique; ``owner`` a party of :data:`~cgresearch.vocabulary.PARTIES`;
``goal`` a policy task T1-T5 and ``strategy`` (optional) S1-S7, by code or Korean/English label;
``baseline`` and ``target`` numbers, different from each other (a target equal to its baseline
cannot measure progress); ``target_year`` after ``baseline_year``; a ``value_YYYY`` given only for
``baseline_year <= YYYY <= target_year``.

Examples
--------
>>> from cgresearch.data.synth.monitoring import generate_register
>>> reg = validate_register(generate_register(seed=1))
>>> reg["goal"].isin(["T1", "T2", "T3", "T4", "T5"]).all()
np.True_
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cgresearch.data.cleaning import Cleaner, table_context
from cgresearch.data.schemas import validate_frame
from cgresearch.data.tables import read_table
from cgresearch.vocabulary import PARTIES, POLICY_TASKS, STRATEGIES

__all__ = [
    "REGISTER_COLUMNS",
    "REGISTER_SCHEMA",
    "load_register",
    "register_years",
    "validate_register",
]

#: Required columns of a register (plus one or more ``value_YYYY`` columns).
REGISTER_COLUMNS: tuple[str, ...] = (
    "task_id",
    "task_ko",
    "owner",
    "goal",
    "indicator",
    "baseline_year",
    "baseline",
    "target_year",
    "target",
)

_VALUE = re.compile(r"^value_(\d{4})$")

#: The typed register (one row per task).
REGISTER_SCHEMA = pa.DataFrameSchema(
    {
        "task_id": pa.Column(str, unique=True, nullable=False),
        "task_ko": pa.Column(str, nullable=False),
        "baseline_year": pa.Column(
            float, pa.Check.in_range(1990, 2100, error="baseline_year must be a 4-digit year")
        ),
        "target_year": pa.Column(
            float, pa.Check.in_range(1990, 2100, error="target_year must be a 4-digit year")
        ),
        "baseline": pa.Column(float, nullable=False),
        "target": pa.Column(float, nullable=False),
    },
    name="register",
)


def register_years(register: pd.DataFrame) -> list[int]:
    """The monitored years of a register: the ``YYYY`` of its ``value_YYYY`` columns, sorted.

    >>> register_years(pd.DataFrame(columns=["task_id", "value_2023", "value_2022"]))
    [2022, 2023]
    """
    return sorted(int(m.group(1)) for c in register.columns if (m := _VALUE.match(str(c))))


def validate_register(df: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Validate an action-task register and return it typed (rules in the module docstring).

    Parameters
    ----------
    df : DataFrame
        The register as read (text cells are fine).
    source : str, optional
        File name for messages (default ``df.attrs["source"]`` or ``"<DataFrame>"``).

    Returns
    -------
    DataFrame
        Columns of :data:`REGISTER_COLUMNS` (years as int), ``task_en``, ``strategy``, ``unit``
        when given, the ``value_YYYY`` columns as float, then any other columns as they were.

    Raises
    ------
    ValidationFailed
        Listing every problem (file, row, column, value, rule).

    Examples
    --------
    >>> bad = pd.DataFrame({"task_id": ["A"], "task_ko": ["과제"], "owner": ["smg"],
    ...     "goal": ["T9"], "indicator": ["x"], "baseline_year": [2021], "baseline": [1],
    ...     "target_year": [2025], "target": [1], "value_2022": [1]})
    >>> try:
    ...     validate_register(bad, source="reg.csv")
    ... except Exception as err:
    ...     print(str(err).splitlines()[1])
    ...     print(str(err).splitlines()[2][:78])
      - row 2, column 'goal', value 'T9': must be one of T1, T2, T3, T4, T5 (did you mean 'T5'?)
      - row 2, column 'target', value 1.0: target equals baseline: progress cannot
    """
    src, rows = table_context(df, source)
    cl = Cleaner(df, src, rows)
    cl.require(*REGISTER_COLUMNS)
    years = register_years(df)
    if not years:
        cl.add(None, "value_YYYY", None, "no value_YYYY column: add one per monitored year")
    out = pd.DataFrame(index=df.index)
    for c in ("task_id", "task_ko", "task_en", "indicator", "unit"):
        if c in df.columns:
            out[c] = cl.text(c)
    if "owner" in df.columns:
        out["owner"] = cl.coded("owner", PARTIES)
    if "goal" in df.columns:
        out["goal"] = cl.coded("goal", POLICY_TASKS)
    if "strategy" in df.columns:
        given = df["strategy"].notna() & (df["strategy"].astype(str).str.strip() != "")
        sub = Cleaner(df[given.to_numpy()], src, list(np.asarray(rows)[given.to_numpy()]))
        strat = pd.Series(np.nan, index=df.index, dtype=pd.StringDtype(na_value=np.nan))
        if given.any():
            strat[given.to_numpy()] = sub.coded("strategy", STRATEGIES).to_numpy()
            cl.problems += sub.problems
        out["strategy"] = strat
    for c in ("baseline_year", "target_year", "baseline", "target"):
        if c in df.columns:
            out[c] = cl.numeric(c)
    for y in years:
        out[f"value_{y}"] = cl.numeric(f"value_{y}")
    if all(c in out.columns for c in ("baseline", "target", "baseline_year", "target_year")):
        _check_rows(cl, out, years)
    for c in df.columns:
        if c not in out.columns:
            out[c] = df[c].to_numpy()
    checked = validate_frame(out, REGISTER_SCHEMA, src, rows, cl.problems)
    for c in ("baseline_year", "target_year"):
        checked[c] = checked[c].astype("int64")
    checked.attrs = {"source": src}
    return checked


def _check_rows(cl: Cleaner, out: pd.DataFrame, years: list[int]) -> None:
    for i, r in enumerate(out.itertuples(index=False)):
        row = r._asdict()
        b, t, by, ty = row["baseline"], row["target"], row["baseline_year"], row["target_year"]
        if not (pd.isna(b) or pd.isna(t)) and b == t:
            cl.add(
                i,
                "target",
                t,
                "target equals baseline: progress cannot be measured; set the target the task "
                "aims at",
            )
        if pd.isna(by) or pd.isna(ty):
            continue
        if ty <= by:
            cl.add(i, "target_year", int(ty), f"must be after baseline_year {int(by)}")
            continue
        for y in years:
            v = out[f"value_{y}"].iloc[i]
            if not pd.isna(v) and not by <= y <= ty:
                cl.add(
                    i,
                    f"value_{y}",
                    v,
                    f"year {y} is outside the task's years {int(by)}-{int(ty)}: leave it blank "
                    "or correct baseline_year/target_year",
                )


def load_register(path: str | Path, sheet: str | int = 0) -> pd.DataFrame:
    """Read and validate an action-task register (CSV UTF-8/CP949 or .xlsx).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cgresearch.data.synth.monitoring import generate_register
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "register.csv"
    ...     generate_register(seed=1).to_csv(p, index=False)
    ...     len(load_register(p)) > 10
    True
    """
    return validate_register(read_table(path, sheet))

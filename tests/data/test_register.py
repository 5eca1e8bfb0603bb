"""The action-task register loader: every rule reported with row, column and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cgresearch.data.register import load_register, register_years, validate_register
from cgresearch.data.schemas import ValidationFailed
from cgresearch.data.synth.monitoring import generate_register


def _row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "task_id": "A01",
        "task_ko": "협치 교육",
        "owner": "smg",
        "goal": "T1",
        "strategy": "S2",
        "indicator": "이수자",
        "baseline_year": 2021,
        "baseline": 100,
        "target_year": 2025,
        "target": 500,
        "value_2022": 200,
        "value_2023": 300,
    }
    row.update(kw)
    return row


def test_synthetic_register_round_trips_through_csv_and_xlsx(tmp_path: Path) -> None:
    reg = generate_register(seed=4)
    reg.to_csv(tmp_path / "r.csv", index=False)
    reg.to_excel(tmp_path / "r.xlsx", index=False)
    a, b = load_register(tmp_path / "r.csv"), load_register(tmp_path / "r.xlsx")
    assert len(a) == len(reg) == len(b)
    assert register_years(a) == [2022, 2023, 2024]
    assert a["baseline_year"].dtype == "int64"
    assert (a["goal"] == reg["goal"]).all()


def test_labels_are_accepted_for_owner_goal_and_strategy() -> None:
    reg = validate_register(pd.DataFrame([_row(owner="시민사회", goal="협치 제도 기반 강화")]))
    assert reg.loc[0, "owner"] == "cso" and reg.loc[0, "goal"] == "T3"


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        ({"goal": "T9"}, "goal", "must be one of T1, T2, T3, T4, T5"),
        ({"owner": "mayor"}, "owner", "must be one of smg, gu, cso, joint"),
        ({"strategy": "S8"}, "strategy", "must be one of S1"),
        ({"target": 100}, "target", "target equals baseline"),
        ({"target_year": 2021}, "target_year", "must be after baseline_year 2021"),
        ({"baseline_year": 2023}, "value_2022", "outside the task's years 2023-2025"),
        ({"baseline": "many"}, "baseline", "must be a (finite) number"),
    ],
)
def test_bad_register_rows_are_reported_with_row_column_and_rule(
    change: dict[str, object], column: str, words: str
) -> None:
    df = pd.DataFrame([_row(task_id="A00"), _row(**change)])
    with pytest.raises(ValidationFailed) as err:
        validate_register(df, source="register.csv")
    p = [p for p in err.value.problems if p.column == column]
    assert p and p[0].row == 3 and words in p[0].rule
    assert str(err.value).startswith("register.csv:")


def test_duplicate_task_ids_and_missing_columns_are_reported() -> None:
    with pytest.raises(ValidationFailed, match="unique"):
        validate_register(pd.DataFrame([_row(), _row()]))
    with pytest.raises(ValidationFailed, match=r"'goal'.*required column is missing"):
        validate_register(pd.DataFrame([_row()]).drop(columns="goal"))
    with pytest.raises(ValidationFailed, match="no value_YYYY column"):
        validate_register(pd.DataFrame([_row()]).drop(columns=["value_2022", "value_2023"]))

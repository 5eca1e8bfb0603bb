"""Key figures: merged, sorted JSON that tests and the index read."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cgresearch.report.keyfigures import key_figure_rows, read_key_figures, record_key_figures


def test_key_figures_merge_across_calls_and_convert_numpy_scalars(tmp_path):
    record_key_figures(tmp_path, n_projects=np.int64(1126), share=np.float64(0.8171))
    merged = record_key_figures(tmp_path, groups=["public", "cso"], n_projects=1127)
    assert merged == {"groups": ["public", "cso"], "n_projects": 1127, "share": 0.8171}
    assert read_key_figures(tmp_path) == merged
    text = (tmp_path / "key_figures.json").read_text(encoding="utf-8")
    assert list(json.loads(text)) == ["groups", "n_projects", "share"]  # sorted keys


def test_non_finite_or_non_numeric_key_figures_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not a finite number"):
        record_key_figures(tmp_path, gap=float("nan"))
    with pytest.raises(TypeError, match="not a number"):
        record_key_figures(tmp_path, table=object())


def test_a_folder_without_key_figures_reads_as_empty(tmp_path):
    assert read_key_figures(tmp_path) == {}


def test_the_readers_rows_name_07_and_08_figures_and_format_each_by_its_unit():
    from cgresearch.report.keyfigures import key_figure_rows

    rows = dict(
        key_figure_rows(
            {
                "year": 2023,
                "path_gu": 11200,  # 성동구's adm_code
                "envelope_coverage": 0.875,
                "rules": {
                    "max-welfare": {"spent_eok": 487.971, "share_with_nothing": 0.0125},
                    "mes+greedy": {"n_funded": 1246},
                },
            },
            "en",
        )
    )
    assert rows == {
        "Evaluation year": "2023",  # a year, not 2,023
        "Gu whose path is shown": "Seongdong-gu",  # a gu by its name, not 11,200
        "Share of draws covered by the grade vectors solved": "87.5%",
        # a nested entry is named (not "max: welfare") and formatted by its own unit
        "Selection rule · Max welfare (MIP) · Spent": "487.97 (100 million KRW)",
        "Selection rule · Max welfare (MIP) · Voters with nothing funded": "1.2%",
        "Selection rule · MES + greedy completion · Projects funded": "1,246",
    }
    korean = dict(key_figure_rows({"path_gu": 11200, "year": 2023}, "ko"))
    assert korean == {"경로를 보인 자치구": "성동구", "평가 연도": "2023"}


def test_envelope_and_sweep_key_figures_read_as_words_with_scenarios_by_title():
    figures = {
        "scenario": "need_goal_stable",
        "status": "optimal",
        "amounts_eok": {"종로구": 8.0},
        "pb": {"max-welfare": {"n_funded": 3}},
        "mc_seed": 20261123,
        "robust_overrides": {"floor_eok": 4, "objective": "proportional"},
    }
    rows = dict(key_figure_rows(figures, "ko"))
    assert rows["시나리오"].startswith("수요 공식")  # the scenario's Korean title, not its name
    assert rows["풀이 상태"] == "최적해"
    assert rows["배분액 · 종로구"] == "8.00억원"
    assert rows["주민참여예산 선정 규칙 · 후생 최대화(MIP) · 선정 사업 수"] == "3"
    assert rows["몬테카를로 추출의 시드"] == "20261123"
    assert rows["후회가 가장 작은 조합의 매개변수 · 구별 하한(억원)"] == "4"
    english = key_figure_rows(figures, "en")
    assert not any("_" in name or "_" in value for name, value in english)

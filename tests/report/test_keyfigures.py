"""Key figures: merged, sorted JSON that tests and the index read."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cgresearch.report.keyfigures import read_key_figures, record_key_figures


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

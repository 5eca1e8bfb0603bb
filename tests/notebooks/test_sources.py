"""The notebook sources follow the conventions of notebooks/README.md (no kernel starts here)."""

from __future__ import annotations

import subprocess
import sys

import jupytext
import pytest

from cgresearch import paths
from cgresearch.report.params import declared_parameters, load_parameter_sets

NOTEBOOKS = sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_source_is_what_jupyterlab_would_save(path):
    # jupytext.toml: py:percent, only the kernelspec kept; a notebook saved from JupyterLab must
    # not rewrite the committed source.
    done = subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "py:percent", "--output", "-", str(path)],
        cwd=paths.project_root(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == path.read_text(encoding="utf-8")
    nb = jupytext.read(path)
    assert nb.metadata["kernelspec"]["name"] == "cgresearch"
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_declares_typed_documented_parameters_first(path):
    declared = declared_parameters(path)  # raises on any breach of the conventions
    assert "output_dir" in declared
    assert all(p.help for p in declared.values())


def test_every_parameter_file_of_the_report_is_valid():
    sets = load_parameter_sets()
    assert {s.notebook for s in sets} == {p.stem for p in NOTEBOOKS}

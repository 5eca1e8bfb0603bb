"""The report: validated parameters, papermill runs, HTML pages and provenance.

The runner (:func:`run_report`, behind ``cgresearch report`` and ``make report``) runs every
notebook with every parameter file in ``params/``. Notebooks use the light helpers
:func:`notebook_output_dir`, :func:`save_table` and :func:`record_key_figures`. Attributes are
imported on first use, so a notebook importing this package does not load papermill.

Examples
--------
>>> from cgresearch.report import declared_parameters
>>> from cgresearch import paths
>>> sorted(declared_parameters(paths.notebooks_dir() / "01_project_inventory.py"))[:1]
['output_dir']
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "EnvelopeInput",
    "InputData",
    "NotebookParameter",
    "ParameterSet",
    "Provenance",
    "ReportResult",
    "RunResult",
    "build_manifest",
    "check_inputs",
    "coerce",
    "declared_parameters",
    "envelope_input",
    "headers",
    "inventory_input",
    "key_figure_rows",
    "load_parameter_sets",
    "notebook_html",
    "notebook_output_dir",
    "proposals_input",
    "read_key_figures",
    "record_key_figures",
    "run_report",
    "save_table",
    "show_markdown",
    "survey_input",
    "write_index",
]

_WHERE = {
    "NotebookParameter": "params",
    "ParameterSet": "params",
    "coerce": "params",
    "declared_parameters": "params",
    "load_parameter_sets": "params",
    "ReportResult": "runner",
    "RunResult": "runner",
    "run_report": "runner",
    "build_manifest": "provenance",
    "notebook_html": "html",
    "write_index": "html",
    "notebook_output_dir": "notebook",
    "show_markdown": "notebook",
    "headers": "columns",
    "key_figure_rows": "keyfigures",
    "read_key_figures": "keyfigures",
    "record_key_figures": "keyfigures",
    "save_table": "tables",
    "EnvelopeInput": "inputs",
    "InputData": "inputs",
    "envelope_input": "inputs",
    "Provenance": "inputs",
    "check_inputs": "inputs",
    "inventory_input": "inputs",
    "proposals_input": "inputs",
    "survey_input": "inputs",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"cgresearch.report.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'cgresearch.report' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

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
    "allocation_tables",
    "build_manifest",
    "check_inputs",
    "coerce",
    "comparison_table",
    "declared_parameters",
    "envelope_input",
    "headers",
    "inventory_input",
    "key_figure_rows",
    "load_parameter_sets",
    "metrics_table",
    "notebook_html",
    "notebook_output_dir",
    "pb_rules_table",
    "proposals_input",
    "proposals_table",
    "read_key_figures",
    "record_key_figures",
    "run_report",
    "save_table",
    "show_markdown",
    "shown",
    "spend_table",
    "status_words",
    "survey_input",
    "sweep_table",
    "task_spend_table",
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
    "allocation_tables": "result_tables",
    "comparison_table": "result_tables",
    "metrics_table": "result_tables",
    "pb_rules_table": "result_tables",
    "proposals_table": "result_tables",
    "shown": "result_tables",
    "spend_table": "result_tables",
    "status_words": "result_tables",
    "sweep_table": "result_tables",
    "task_spend_table": "result_tables",
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

"""What a report notebook asks of the report machinery: where to write, and its narrative.

A chapter's narrative is written as ``show_markdown(tr("English text", lang))`` in a code cell, so
the message catalogue is the single source of both editions' words and the notebook stays thin
(the HTML page hides code, so the reader sees the text only).

The runner passes ``output_dir`` (a staging folder it later swaps into ``outputs/<run id>/``).
Opened by hand in JupyterLab, the parameter is ``""`` and the notebook writes to
``outputs/lab/<notebook>/`` instead, never over the report's own outputs.

Examples
--------
>>> notebook_output_dir("", "01_project_inventory").parts[-2:]
('lab', '01_project_inventory')
"""

from __future__ import annotations

from pathlib import Path

from cgresearch import paths

__all__ = ["notebook_output_dir", "show_markdown"]


def notebook_output_dir(output_dir: str, notebook: str) -> Path:
    """Return the notebook's output folder (created): ``output_dir``, or ``outputs/lab/<notebook>``.

    Parameters
    ----------
    output_dir
        The notebook's ``output_dir`` parameter.
    notebook
        The notebook's stem, used when ``output_dir`` is empty.
    """
    folder = Path(output_dir) if output_dir else paths.outputs_dir() / "lab" / notebook
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def show_markdown(text: str) -> None:
    """Display ``text`` (Markdown, already in the edition's language) as a notebook output.

    >>> show_markdown("## 재원별 사업")  # doctest: +SKIP
    """
    from IPython.display import Markdown, display

    display(Markdown(text))

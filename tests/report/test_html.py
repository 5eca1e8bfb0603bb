"""HTML pages: inputs hidden, readable offline; the index links every output."""

from __future__ import annotations

import re

import nbformat

from cgresearch.report.html import notebook_html, write_index


def test_notebook_page_hides_code_and_fetches_nothing_from_the_network():
    cell = nbformat.v4.new_code_cell("secret_code_line = 42")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="visible output")]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 제목 Title"), cell])
    page = notebook_html(nb, title="t")
    assert "visible output" in page
    assert "제목 Title" in page
    assert "secret_code_line" not in page
    assert not re.search(r"<script[^>]*src=\"https?://", page)


def test_index_links_pages_notebooks_figures_and_tables_of_every_run(tmp_path):
    runs = [
        {
            "run_id": "01_x",
            "title": "One",
            "notebook_file": "notebooks/01_x.py",
            "params_file": "params/01_x.yaml",
            "parameters": {"seed": 1},
            "key_figures": {"n_projects": 1126},
            "outputs": {
                "figures/f.png": "0",
                "figures/f.svg": "0",
                "tables/t.csv": "0",
                "tables/t.xlsx": "0",
            },
        }
    ]
    index = write_index(runs, tmp_path, git={"commit": "abc", "dirty": True}).read_text()
    for href in [
        "01_x/01_x.html",
        "01_x/01_x.ipynb",
        "01_x/figures/f.svg",
        "01_x/figures/f.png",
        "01_x/tables/t.csv",
        "01_x/tables/t.xlsx",
        "manifest.json",
    ]:
        assert f'href="{href}"' in index
    assert "1,126" in index
    assert "uncommitted changes" in index

"""The HTML report: each executed notebook with its code hidden, and an index page.

Notebooks are converted with nbconvert's ``lab`` template, inputs and prompts excluded, images
embedded, and the script tags that would fetch require.js, MathJax or Mermaid from a CDN removed,
so a page reads the same offline. The index links every run's page, executed notebook, figures
(PNG thumbnails linking to the SVG) and tables (CSV, Excel), and lists its parameters and key
figures. It holds no timestamp, so two runs of one commit give the same index.

Examples
--------
>>> import nbformat
>>> html = notebook_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
>>> "cdnjs" in html
False
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cgresearch.report._files import atomic_write_text
from cgresearch.report.inputs import data_line

__all__ = ["notebook_html", "write_index"]

_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.S)
_REMOTE_MODULE = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?https?://cdn(?:(?!</script>).)*</script>\s*", re.S
)


def notebook_html(nb: Any, title: str | None = None) -> str:
    """Return a self-contained HTML page of an executed notebook, inputs hidden.

    Parameters
    ----------
    nb
        An ``nbformat`` notebook node (executed).
    title
        The page title; default the notebook's own metadata or "report".
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {"metadata": {"name": title or "report"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _REMOTE_SCRIPT.sub("", body)
    return _REMOTE_MODULE.sub("", body)


def _e(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


_CSS = """
body{font-family:"NanumGothic","Noto Sans KR",system-ui,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .6em;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.figs{display:flex;flex-wrap:wrap;gap:1em}.figs figure{margin:0;width:320px}
.figs img{width:320px;border:1px solid #eee}.figs figcaption{font-size:.85em}
.failed{color:#b00}code{background:#f4f4f4;padding:0 .2em}
"""


def _run_section(run: Mapping[str, Any]) -> list[str]:
    rid = run["run_id"]
    out = [f'<h2 id="{_e(rid)}">{_e(run.get("title", rid))}</h2>']
    out.append(
        f"<p>Notebook <code>{_e(run.get('notebook_file', ''))}</code>, parameters "
        f"<code>{_e(run.get('params_file', ''))}</code>: "
        f'<a href="{_e(rid)}/{_e(rid)}.html">report page</a> · '
        f'<a href="{_e(rid)}/{_e(rid)}.ipynb">executed notebook</a></p>'
    )
    params = run.get("parameters", {})
    # synthetic (seed N), or the real files read and their sha256
    data = data_line(params, "en", notebook_file=run.get("notebook_file"))
    if data:
        out.append(f"<p><b>{_e(data)}</b></p>")
    if params:
        rows = "".join(
            f"<tr><th>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in params.items()
        )
        out.append(f"<details><summary>Parameters</summary><table>{rows}</table></details>")
    keys = run.get("key_figures", {})
    if keys:
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in keys.items())
        out.append(f"<h3>Key figures</h3><table>{rows}</table>")
    files = sorted(run.get("outputs", {}))
    pngs = [f for f in files if f.startswith("figures/") and f.endswith(".png")]
    if pngs:
        out.append('<h3>Figures</h3><div class="figs">')
        for png in pngs:
            svg = png[:-4] + ".svg"
            link = svg if svg in files else png
            out.append(
                f'<figure><a href="{_e(rid)}/{_e(link)}"><img src="{_e(rid)}/{_e(png)}" '
                f'alt="{_e(Path(png).stem)}"></a><figcaption>{_e(Path(png).stem)} '
                f'(<a href="{_e(rid)}/{_e(png)}">PNG</a>'
                + (f', <a href="{_e(rid)}/{_e(svg)}">SVG</a>' if svg in files else "")
                + ")</figcaption></figure>"
            )
        out.append("</div>")
    tables: dict[str, list[str]] = {}
    for f in files:
        if f.startswith("tables/"):
            tables.setdefault(f.rsplit(".", 1)[0], []).append(f)
    if tables:
        out.append("<h3>Tables</h3><ul>")
        for stem, fs in tables.items():
            links = ", ".join(
                f'<a href="{_e(rid)}/{_e(f)}">{_e(f.rsplit(".", 1)[1].upper())}</a>' for f in fs
            )
            out.append(f"<li>{_e(Path(stem).name)}: {links}</li>")
        out.append("</ul>")
    return out


def write_index(
    runs: Sequence[Mapping[str, Any]],
    out_dir: Path,
    *,
    git: Mapping[str, Any] | None = None,
    failed: Sequence[Mapping[str, str]] = (),
) -> Path:
    """Write ``out_dir/index.html`` linking every run's page, notebook, figures and tables.

    Parameters
    ----------
    runs
        The runs' records (``run.json``), with ``key_figures`` added.
    out_dir
        The report folder (``outputs/``).
    git
        ``{"commit", "dirty"}`` shown in the header.
    failed
        Runs that failed in this report: ``{"run_id", "message", "notebook"}``.
    """
    commit = (git or {}).get("commit") or "unknown"
    dirty = " (with uncommitted changes)" if (git or {}).get("dirty") else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>cgresearch report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>cgresearch report: collaborative governance in Seoul</h1>",
        f"<p>Commit <code>{_e(commit)}</code>{_e(dirty)}. Provenance: "
        '<a href="manifest.json">manifest.json</a>. Each figure states whether its data are real '
        "or synthetic.</p>",
    ]
    if failed:
        parts.append('<h2 class="failed">Failed runs</h2><ul>')
        for f in failed:
            parts.append(
                f'<li class="failed"><b>{_e(f["run_id"])}</b>: {_e(f["message"])} '
                f'(<a href="{_e(f.get("notebook", ""))}">executed notebook</a>)</li>'
            )
        parts.append("</ul>")
    parts.append("<h2>Contents</h2><ol>")
    parts += [
        f'<li><a href="#{_e(r["run_id"])}">{_e(r.get("title", r["run_id"]))}</a></li>' for r in runs
    ]
    parts.append("</ol>")
    for run in runs:
        parts += _run_section(run)
    parts.append("</body></html>")
    target = out_dir / "index.html"
    atomic_write_text(target, "\n".join(parts) + "\n")
    return target

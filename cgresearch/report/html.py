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

from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr
from cgresearch.report._files import atomic_write_text
from cgresearch.report.inputs import data_line
from cgresearch.report.keyfigures import key_figure_rows

__all__ = ["notebook_html", "write_index"]

_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.S)
_HTML_TAG = re.compile(r"<html\b[^>]*>")
_REMOTE_MODULE = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?https?://cdn(?:(?!</script>).)*</script>\s*", re.S
)


def notebook_html(nb: Any, title: str | None = None, lang: str = DEFAULT_LANG) -> str:
    """Return a self-contained HTML page of an executed notebook, inputs hidden.

    Parameters
    ----------
    nb
        An ``nbformat`` notebook node (executed).
    title
        The page title; default the notebook's own metadata or "report".
    lang
        The page's language attribute (``<html lang="ko">``), so browsers and screen readers
        read it as the edition's language.
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
    body = _HTML_TAG.sub(f'<html lang="{check_lang(lang)}">', body, count=1)
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
td.num{text-align:right;font-variant-numeric:tabular-nums}.edition{text-align:right}
"""


def _words(lang: Lang) -> dict[str, str]:
    """The index page's fixed words in the edition's language, HTML-escaped."""
    words = {
        "page": tr("report page", lang),
        "nb": tr("executed notebook", lang),
        "params": tr("Parameters", lang),
        "keys": tr("Key figures", lang),
        "figure": tr("Figure", lang),
        "value": tr("Value", lang),
        "figures": tr("Figures", lang),
        "tables": tr("Tables", lang),
        "report": tr("cgresearch report", lang),
        "h1": tr("cgresearch report: collaborative governance in Seoul", lang),
        "prov": tr("Provenance:", lang),
        "failed": tr("Failed runs", lang),
        "contents": tr("Contents", lang),
    }
    return {k: _e(v) for k, v in words.items()}


def _output_names(lang: Lang) -> dict[str, str]:
    """Names of the figure and table files of chapters 01–03, as the index shows them."""
    return {
        "funding_sources": tr("Projects and budget by funding source", lang),
        "projects_by_funding_source": tr("Projects and budget by funding source", lang),
        "budget_by_gu": tr("Budget by district and funding source", lang),
        "projects_by_gu_and_task": tr("CG projects by district and policy task", lang),
        "duplicate_groups": tr("Groups of duplicated projects", lang),
        "likert_trust": tr("Responses by group: trust", lang),
        "likert_cg_perception": tr("Responses by group: perception of CG", lang),
        "gap_dumbbell": tr("Group means with confidence intervals", lang),
        "group_means": tr("Weighted means by group", lang),
        "gaps": tr("Gaps between groups: tests and effect sizes", lang),
        "overall_tests": tr("Overall tests across groups", lang),
        "rao_scott_tests": tr("Rao–Scott tests of the answer distributions", lang),
        "reliability": tr("Reliability of the scales (Cronbach's alpha)", lang),
        "priorities": tr("Policy priorities: IPA, Borich and Locus for Focus", lang),
        "ipa": tr("Importance–performance analysis (IPA)", lang),
        "borich": tr("Borich needs scores", lang),
        "locus_for_focus": tr("Locus for Focus", lang),
    }


def _output_name(stem: str, lang: Lang) -> str:
    """A figure's or table's name for readers (a file not named yet shows its stem as words)."""
    return _output_names(lang).get(stem, stem.replace("_", " "))


def _run_title(run: Mapping[str, Any], lang: Lang) -> str:
    """The run's title in the edition's language (parameter-file titles are catalogue entries)."""
    return tr(str(run.get("title", run["run_id"])), lang)


def _run_section(run: Mapping[str, Any], lang: Lang) -> list[str]:
    rid = run["run_id"]
    w = _words(lang)
    out = [f'<h2 id="{_e(rid)}">{_e(_run_title(run, lang))}</h2>']
    out.append(
        "<p>"
        + _e(
            tr(
                "Notebook {notebook}, parameters {params}",
                lang,
                notebook=run.get("notebook_file", ""),
                params=run.get("params_file", ""),
            )
        )
        + f': <a href="{_e(rid)}/{_e(rid)}.html">{w["page"]}</a> · '
        f'<a href="{_e(rid)}/{_e(rid)}.ipynb">{w["nb"]}</a></p>'
    )
    params = run.get("parameters", {})
    # synthetic (seed N), or the real files read and their sha256
    data = data_line(params, lang, notebook_file=run.get("notebook_file"))
    if data:
        out.append(f"<p><b>{_e(data)}</b></p>")
    if params:
        rows = "".join(
            f"<tr><th>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in params.items()
        )
        out.append(f"<details><summary>{w['params']}</summary><table>{rows}</table></details>")
    keys = run.get("key_figures", {})
    if keys:
        rows = "".join(
            f'<tr><th>{_e(label)}</th><td class="num">{_e(value)}</td></tr>'
            for label, value in key_figure_rows(keys, lang)
        )
        out.append(
            f'<h3>{w["keys"]}</h3><table class="keys">'
            f"<tr><th>{w['figure']}</th><th>{w['value']}</th></tr>"
            f"{rows}</table>"
        )
    files = sorted(run.get("outputs", {}))
    pngs = [f for f in files if f.startswith("figures/") and f.endswith(".png")]
    if pngs:
        out.append(f'<h3>{w["figures"]}</h3><div class="figs">')
        for png in pngs:
            svg = png[:-4] + ".svg"
            link = svg if svg in files else png
            out.append(
                f'<figure><a href="{_e(rid)}/{_e(link)}"><img src="{_e(rid)}/{_e(png)}" '
                f'alt="{_e(_output_name(Path(png).stem, lang))}"></a>'
                f"<figcaption>{_e(_output_name(Path(png).stem, lang))} "
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
        out.append(f"<h3>{w['tables']}</h3><ul>")
        for stem, fs in tables.items():
            links = ", ".join(
                f'<a href="{_e(rid)}/{_e(f)}">{_e(f.rsplit(".", 1)[1].upper())}</a>' for f in fs
            )
            out.append(f"<li>{_e(_output_name(Path(stem).name, lang))}: {links}</li>")
        out.append("</ul>")
    return out


def write_index(
    runs: Sequence[Mapping[str, Any]],
    out_dir: Path,
    *,
    git: Mapping[str, Any] | None = None,
    failed: Sequence[Mapping[str, str]] = (),
    lang: str = DEFAULT_LANG,
    other: tuple[str, str] | None = None,
) -> Path:
    """Write ``out_dir/index.html`` linking every run's page, notebook, figures and tables.

    Parameters
    ----------
    runs
        The runs' records (``run.json``), with ``key_figures`` added.
    out_dir
        The edition's folder (``outputs/`` or ``outputs/en/``).
    git
        ``{"commit", "dirty"}`` shown in the header.
    failed
        Runs that failed in this report: ``{"run_id", "message", "notebook"}``.
    lang
        The edition's language: every heading and the page's language attribute.
    other
        ``(language, link)`` of the other edition's index, linked at the top.
    """
    lang = check_lang(lang)
    w = _words(lang)
    commit = (git or {}).get("commit") or "unknown"
    dirty = tr(" (with uncommitted changes)", lang) if (git or {}).get("dirty") else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{w['report']}</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    if other is not None:
        other_lang, href = other
        name = tr("English edition", lang) if other_lang == "en" else tr("Korean edition", lang)
        link = f'<a href="{_e(href)}" hreflang="{_e(other_lang)}">{_e(name)}</a>'
        parts.append(f'<p class="edition">{link}</p>')
    parts += [
        f"<h1>{w['h1']}</h1>",
        "<p>"
        + _e(tr("Commit {commit}{dirty}.", lang, commit=commit, dirty=dirty))
        + f' {w["prov"]} <a href="manifest.json">manifest.json</a>. '
        + _e(tr("Each figure states whether its data are real or synthetic.", lang))
        + "</p>",
    ]
    if failed:
        parts.append(f'<h2 class="failed">{w["failed"]}</h2><ul>')
        for f in failed:
            parts.append(
                f'<li class="failed"><b>{_e(f["run_id"])}</b>: {_e(f["message"])} '
                f'(<a href="{_e(f.get("notebook", ""))}">{w["nb"]}</a>)'
                "</li>"
            )
        parts.append("</ul>")
    parts.append(f"<h2>{w['contents']}</h2><ol>")
    parts += [f'<li><a href="#{_e(r["run_id"])}">{_e(_run_title(r, lang))}</a></li>' for r in runs]
    parts.append("</ol>")
    for run in runs:
        parts += _run_section(run, lang)
    parts.append("</body></html>")
    target = out_dir / "index.html"
    atomic_write_text(target, "\n".join(parts) + "\n")
    return target

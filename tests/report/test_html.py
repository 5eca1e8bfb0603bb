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
    assert "커밋하지 않은 변경" in index  # the Korean edition by default


def _run_with_keys(keys: dict) -> list[dict]:
    return [{"run_id": "02_x", "title": "Two", "key_figures": keys, "outputs": {}}]


def test_key_figures_are_a_readable_table_with_names_units_and_small_p_values(tmp_path):
    keys = {
        "total_budget_mkrw": 7_661_500,  # = 76,615 억원 (1 억원 = 100 million KRW)
        "smg_grant_share_projects": 0.8171,
        "construct_gap_p_values": {"trust:public-cso": 4.6e-16, "trust:public-resident": 0.0123},
        "importance": {"T1": 4.14364},
        "first_priority": ["T1", "T3"],
    }
    page = write_index(_run_with_keys(keys), tmp_path, lang="ko").read_text(encoding="utf-8")
    cells = dict(re.findall(r"<tr><th>([^<]*)</th><td class=\"num\">([^<]*)</td></tr>", page))
    assert cells["협치 사업 예산 합계"] == "76,615.00억원"
    assert cells["서울시 보조금 사업 비율(사업 수)"] == "81.7%"
    assert cells["집단 간 격차의 유의확률(p) · 신뢰: 공무원 – 시민사회단체"] == "&lt; 0.001"
    assert cells["집단 간 격차의 유의확률(p) · 신뢰: 공무원 – 주민"] == "0.012"
    assert cells["중요도(평균 점수) · 협치 인식 공유와 상호 신뢰"] == "4.144"
    assert cells["1순위 과제"] == "협치 인식 공유와 상호 신뢰, 협치 제도 기반 강화"
    assert "{" not in page.split("<h3>")[1]  # no JSON
    for raw in ("T1", "total_budget_mkrw", "trust:public"):
        assert raw not in page


def test_each_edition_index_is_in_its_language_and_links_the_other(tmp_path):
    ko = write_index(_run_with_keys({}), tmp_path, lang="ko", other=("en", "en/index.html"))
    (tmp_path / "en").mkdir()
    en = write_index(_run_with_keys({}), tmp_path / "en", lang="en", other=("ko", "../index.html"))
    ko_text, en_text = ko.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    assert '<html lang="ko">' in ko_text and "차례" in ko_text
    assert '<html lang="en">' in en_text and "Contents" in en_text
    assert 'href="en/index.html" hreflang="en"' in ko_text
    assert 'href="../index.html" hreflang="ko"' in en_text
    assert ko != en


def test_figures_and_tables_are_listed_by_name_not_by_file_stem(tmp_path):
    run = {
        "run_id": "03_x",
        "outputs": {"figures/locus_for_focus.png": "0", "tables/priorities.csv": "0"},
    }
    page = write_index([run], tmp_path, lang="ko").read_text(encoding="utf-8")
    assert "<figcaption>Locus for Focus 모델 (" in page
    assert "<li>정책 우선순위: IPA, Borich, Locus for Focus: " in page
    assert ">locus_for_focus<" not in page and "<li>priorities" not in page


def test_a_notebook_page_carries_its_editions_language():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 제목")])
    assert '<html lang="en">' in notebook_html(nb, lang="en")
    assert '<html lang="ko">' in notebook_html(nb)

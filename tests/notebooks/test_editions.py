"""Chapters 01–03 in both editions: Korean at the report's root, English in ``en/``.

One report per language runs the smoke parameters of chapters 01–03 (kernels in parallel). The
numbers may not depend on the language; every table says in its headers what unit it holds and
in every row that its data are synthetic; each index is in its language and links the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cgresearch.formatting import raw_identifiers
from tests.notebooks.editions import edition, key_figures, run_both_editions

CHAPTERS = ("01_project_inventory", "02_perception_gap", "03_policy_demand-resident")
HANGUL = re.compile("[\uac00-\ud7a3]")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return run_both_editions(["01", "02", "03"], tmp_path_factory.mktemp("editions") / "outputs")


def test_both_editions_report_the_same_numbers(root):
    for chapter in CHAPTERS:
        assert key_figures(root / chapter) == key_figures(root / "en" / chapter), chapter


def test_each_index_is_in_its_language_and_links_the_other_edition(root):
    ko = (root / "index.html").read_text(encoding="utf-8")
    en = (root / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in ko and 'href="en/index.html"' in ko
    assert '<html lang="en">' in en and 'href="../index.html"' in en
    assert "차례" in ko and "Contents" in en
    # the English edition never wrote over the Korean one
    assert {p.name for p in root.iterdir() if p.is_dir()} >= {*CHAPTERS, "en"}
    for chapter in CHAPTERS:
        page = (root / "en" / chapter / f"{chapter}.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in page


def test_the_key_figures_are_shown_as_a_table_with_names_not_codes_or_json(root):
    ko = (root / "index.html").read_text(encoding="utf-8")
    keys = ko.split('<table class="keys">')
    assert len(keys) == 1 + len(CHAPTERS)
    for block in keys[1:]:
        table = block.split("</table>")[0]
        assert "{" not in table and "[" not in table
        assert not raw_identifiers(re.sub("<[^>]+>", " ", table)), table
    # 2016-PR-24: ₩7,661,500 million = 76,615 억원
    assert '<th>협치 사업 예산 합계</th><td class="num">76,615.00억원</td>' in ko


def _tables(run: Path) -> list[Path]:
    found = sorted((run / "tables").glob("*.csv"))
    assert found, run
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_table_flags_its_synthetic_data_in_every_row_and_in_the_workbook(root, lang):
    data, synthetic = ("자료", "합성 자료") if lang == "ko" else ("Data", "SYNTHETIC")
    for chapter in CHAPTERS:
        for csv in _tables(edition(root, lang) / chapter):
            table = pd.read_csv(csv)
            assert table[data].str.contains(synthetic).all(), csv
            book = openpyxl.load_workbook(csv.with_suffix(".xlsx"))
            notes = {r[0].value: r[1].value for r in book.worksheets[1].iter_rows()}
            assert synthetic in notes[data], csv
            assert all(c.font.bold for c in next(book.worksheets[0].iter_rows(max_row=1)))


# A header naming an amount, a score, a share or a count carries its unit.
_UNITS = {
    "ko": [
        (r"비율", "(%)"),
        (r"예산|금액|합계", "(억원)"),
        (r"평균|격차|중요도\(|수행도\(|표준오차|표준편차|신뢰구간", "(점)"),
    ],
    "en": [
        (r"Share", "(%)"),
        (r"Budget|Total", "(100 million KRW)"),
        (r"[Mm]ean|Gap|Importance|Performance|Standard (error|deviation)|CI ", "(points)"),
    ],
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_table_header_is_a_name_in_the_editions_language_with_its_unit(root, lang):
    for chapter in CHAPTERS:
        for csv in _tables(edition(root, lang) / chapter):
            header = pd.read_csv(csv, nrows=0).columns.tolist()
            for name in header:
                assert not raw_identifiers(name), (csv.name, name)
                assert bool(HANGUL.search(name)) == (lang == "ko"), (csv.name, name)
                for pattern, unit in _UNITS[lang]:
                    if re.search(pattern, name) and "Borich" not in name:
                        assert unit in name, (csv.name, name, unit)
                        break  # the first rule that applies: a share of budget is in %
    # amounts in 억원: the funding-source table's budget is the million-KRW total / 100
    by_source = pd.read_csv(
        edition(root, lang) / CHAPTERS[0] / "tables" / "projects_by_funding_source.csv"
    )
    budget = next(c for c in by_source.columns if "억원" in c or "100 million KRW" in c)
    assert by_source[budget].sum() == pytest.approx(76_615, abs=1e-6)

"""Chapters 07 (evaluation) and 08 (participatory budget) in both editions.

One report per language runs the smoke parameters of chapters 07 and 08 (``lang: en`` for the
English edition, set by the runner as ``cgresearch report --lang en`` does). The numbers may not
depend on the language; every table header is a name in the edition's language with its unit
(never ``adm_code``, ``q05`` or ``CGI``); every row says whether its data are real or synthetic;
each chapter's page is in its language.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cgresearch.formatting import raw_identifiers
from tests.notebooks.editions import edition, key_figures, run_both_editions

CHAPTERS = ("07_evaluation", "08_participatory_budget")
HANGUL = re.compile("[\uac00-\ud7a3]")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return run_both_editions(["07", "08"], tmp_path_factory.mktemp("editions_0708") / "outputs")


def test_both_editions_of_07_and_08_report_the_same_numbers(root):
    for chapter in CHAPTERS:
        assert key_figures(root / chapter) == key_figures(root / "en" / chapter), chapter


def test_the_english_edition_of_08_is_written_in_english_and_the_korean_one_in_korean(root):
    en = (root / "en" / CHAPTERS[1] / f"{CHAPTERS[1]}.html").read_text(encoding="utf-8")
    ko = (root / CHAPTERS[1] / f"{CHAPTERS[1]}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in en and '<html lang="ko">' in ko
    assert "Seoul&#39;s citizen participatory budget" in en or "Seoul's citizen participatory" in en
    assert "서울시 시민참여예산" in ko and "서울시 시민참여예산" not in en
    # the closing note's line per rule names the rule, not its code
    assert "Max welfare (MIP)" in en and "max-welfare:" not in en


def _tables(run: Path) -> list[Path]:
    found = sorted((run / "tables").glob("*.csv"))
    assert found, run
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_07_and_08_table_flags_real_or_synthetic_data_in_every_row(root, lang):
    data = "자료" if lang == "ko" else "Data"
    synthetic, real = (
        ("합성 자료", "실제 공공 자료") if lang == "ko" else ("SYNTHETIC", "real public")
    )
    for chapter in CHAPTERS:
        for csv in _tables(edition(root, lang) / chapter):
            table = pd.read_csv(csv)
            # the published series is real; every other table of 07 and 08 is synthetic
            flag = real if csv.stem == "pb_series" else synthetic
            assert table[data].str.contains(flag).all(), csv
            xlsx = csv.with_suffix(".xlsx")
            if xlsx.exists():  # the ballots are CSV only (too many rows for a workbook)
                sheet = openpyxl.load_workbook(xlsx).worksheets[1]
                notes = {r[0].value: r[1].value for r in sheet.iter_rows()}
                assert flag in notes[data], xlsx


# A header naming an amount, a share or a probability carries its unit.
_UNITS = {
    "ko": [
        (r"확률|비율|달성률|경과율|미집행\(|투표자\(", "(%)"),
        (r"배분액|사업비|집행액|부담액|금액|미집행액|만족도\(", "원)"),  # 억원, or 원 per person
        (r"점수", "(점)"),
    ],
    "en": [
        (r"Probability|Progress to|Share of time|Budget left|Voters with", "(%)"),
        (r"^(Envelope|Cost|Spent|Paid|Amount|Left unspent|Lowest|Highest|Mean voter)", "KRW)"),
        (r"score \(|Score change", "(points)"),
    ],
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_07_and_08_table_header_is_a_name_in_the_editions_language_with_its_unit(root, lang):
    for chapter in CHAPTERS:
        for csv in _tables(edition(root, lang) / chapter):
            header = pd.read_csv(csv, nrows=0).columns.tolist()
            for name in header:
                assert not raw_identifiers(name), (csv.name, name)
                assert bool(HANGUL.search(name)) == (lang == "ko"), (csv.name, name)
                for pattern, unit in _UNITS[lang]:
                    if re.search(pattern, name) and not re.search(r"0-1|%p", name):
                        assert unit in name, (csv.name, name, unit)
                        break


def test_shares_are_saved_as_percentages_and_amounts_in_eok(root):
    ko = root / CHAPTERS[1] / "tables"
    en = root / "en" / CHAPTERS[1] / "tables"
    keys = key_figures(root / CHAPTERS[1])
    rules = pd.read_csv(en / "rule_comparison.csv").set_index("Selection rule")
    seoul = keys["rules"]["seoul"]
    # the key figures hold the share as a fraction; the table holds it in %
    assert rules.loc["Seoul's rule (rank by votes)", "Voters with nothing funded (%)"] == (
        pytest.approx(100 * seoul["share_with_nothing"])
    )
    assert rules.loc["Seoul's rule (rank by votes)", "Spent (100 million KRW)"] == pytest.approx(
        seoul["spent_eok"]
    )
    # the envelopes of the round add up to the recorded total, in 억원, in both editions
    assert pd.read_csv(ko / "envelopes.csv")["배분액(억원)"].sum() == pytest.approx(
        keys["envelopes_eok"], abs=1e-6
    )
    contests = pd.read_csv(en / "envelopes.csv")["Contest (envelope)"]
    assert contests.str.contains("City participation").any()
    assert not contests.str.contains("city_participation|gu_participation").any()

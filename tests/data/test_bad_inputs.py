"""The corpus of bad inputs (issue #10): each fault kind is refused with the culprit named.

Files are in ``tests/data/fixtures/bad/`` (written by ``make_bad.py``, which says where each
fault is). Each test asserts the error type and the named file, row/line, column and value; the
CLI entry points (``cgresearch pb``, ``cgresearch data verify``) also exit 2 with one message,
no traceback and nothing written. Excel and SPSS variants are built in the test (binary files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cgresearch import paths
from cgresearch.data import (
    SURVEY_REQUIRED_ITEMS,
    load_codebook,
    load_inventory,
    load_proposals,
    load_survey,
    read_pb,
    read_table,
    tables,
)
from cgresearch.data.manifest import write_manifest
from cgresearch.data.pabulib import check_pabulib
from cgresearch.data.schemas import ValidationFailed
from cgresearch.data.synth import (
    SurveyParams,
    codebook_frame,
    generate_survey,
    write_synthetic,
)
from cgresearch.errors import InputError
from cgresearch.survey.scales import scales_from_codebook

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"

#: The items the corpus survey asked (a survey in the package's names that asked five of its
#: twenty items: load_survey is told so with items=, else it requires all twenty).
ASKED = ("trust_1", "trust_2", "cg_1", "imp_T1", "perf_T1")


def _where(err: ValidationFailed) -> set[tuple[object, object, object]]:
    return {(p.row, p.column, p.value) for p in err.problems}


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``cgresearch`` in an empty working folder (so that any file written would show)."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    # the messages checked here are the English ones (Korean is the default)
    env = {**os.environ, "PYTHONPATH": str(paths.project_root()), "CGRESEARCH_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "cgresearch.cli", *args],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _refused_cleanly(proc: subprocess.CompletedProcess[str], tmp_path: Path) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list((tmp_path / "work").iterdir()) == []  # nothing written
    return proc.stderr


# --- survey: the control ------------------------------------------------------------------
def test_the_good_survey_of_the_corpus_loads() -> None:
    s = load_survey(BAD / "survey_good.csv", items=ASKED)
    assert s["resp_id"].tolist() == ["R001", "R002", "R003", "R004", "R005"]
    assert s["gu_code"].tolist() == [11110, 11110, 11680, 11680, 11350]


# --- survey: shape of the file ------------------------------------------------------------
def test_an_empty_file_is_refused_as_empty() -> None:
    with pytest.raises(InputError, match=r"survey_empty\.csv: the file is empty"):
        load_survey(BAD / "survey_empty.csv")


def test_a_header_only_file_is_refused_as_zero_respondents() -> None:
    with pytest.raises(InputError, match=r"survey_header_only\.csv: .*no data rows \(0 records\)"):
        load_survey(BAD / "survey_header_only.csv")


def test_a_file_cut_mid_row_names_the_row_and_says_it_is_cut() -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / "survey_cut_mid_row.csv")
    msg = str(info.value)
    assert msg.startswith("survey_cut_mid_row.csv: row 6 has 4 of 11 fields")
    assert "cut in the middle of a row" in msg


def test_a_ragged_row_mid_file_names_the_row_and_its_field_count() -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / "survey_ragged_row.csv")
    assert str(info.value).startswith(
        "survey_ragged_row.csv: row 4 has 7 fields but the header has 11"
    )


def test_duplicate_column_names_are_named_with_their_positions() -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / "survey_duplicate_column.csv")
    assert "duplicate column name 'weight' (columns 4, 12)" in str(info.value)


@pytest.mark.parametrize(
    ("name", "shown", "sep"),
    [("survey_semicolon.csv", "';'", ";"), ("survey_tab.csv", "tab", "\t")],
)
def test_a_wrong_delimiter_is_named_instead_of_a_missing_column(
    name: str, shown: str, sep: str
) -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / name)
    msg = str(info.value)
    assert f"the file looks {shown}-separated" in msg and "missing" not in msg
    # ... and the hint works: the same file loads with the delimiter given.
    assert len(load_survey(BAD / name, sep=sep, items=ASKED)) == 5


def test_a_title_row_above_the_header_is_named() -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / "survey_title_row.csv")
    msg = str(info.value)
    assert msg.startswith("survey_title_row.csv, row 1: '2024 서울시 협치 인식조사 결과'")
    assert "looks like a title" in msg


def test_a_second_header_row_is_named() -> None:
    with pytest.raises(InputError) as info:
        load_survey(BAD / "survey_second_header.csv")
    msg = str(info.value)
    assert msg.startswith("survey_second_header.csv, row 2: a second header row (응답자")


def test_a_removed_item_column_is_named_as_missing() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(BAD / "survey_missing_item.csv", items=ASKED)
    assert _where(info.value) == {(None, "perf_T1", None)}
    assert "imp_T1 needs its pair perf_T1" in str(info.value)


def test_a_misspelled_gu_gets_a_did_you_mean() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(BAD / "survey_misspelled_gu.csv", items=ASKED)
    assert _where(info.value) == {(3, "gu_name", "종노구")}
    assert "did you mean '종로구'?" in str(info.value)


def test_a_misspelled_gu_name_is_checked_when_gu_code_is_blank(tmp_path: Path) -> None:
    # Both columns present, gu_code left blank in row 3: the name is used and checked.
    f = tmp_path / "both.csv"
    f.write_text(
        "resp_id,gu_code,gu_name,group,weight,trust_1\n"
        "R1,11110,종로구,cso,1.5,3\n"
        "R2,,종노구,cso,1.5,4\n"
        "R3,,마포구,cso,1.5,4\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        load_survey(f, items=["trust_1"])
    assert _where(info.value) == {(3, "gu_name", "종노구")}
    assert "did you mean '종로구'?" in str(info.value)
    f.write_text(f.read_text(encoding="utf-8").replace("종노구", "종로구"), encoding="utf-8")
    assert load_survey(f, items=["trust_1"])["gu_code"].tolist() == [11110, 11110, 11440]


# --- inventory and proposals: the same faults -----------------------------------------------
def test_inventory_with_a_ragged_row_is_refused_naming_the_row() -> None:
    with pytest.raises(InputError, match=r"inventory_ragged_row\.csv: row 3 has 3 fields"):
        load_inventory(BAD / "inventory_ragged_row.csv")


def test_inventory_and_proposals_with_a_misspelled_gu_get_a_did_you_mean(tmp_path: Path) -> None:
    inv = tmp_path / "inv.csv"
    inv.write_text(
        "project_id,gu_name,funding_source,budget_mkrw\nP1,강남구,joint,10\nP2,송파고,joint,5\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        load_inventory(inv)
    assert _where(info.value) == {(3, "gu_name", "송파고")}
    assert "did you mean '송파구'?" in str(info.value)
    prop = tmp_path / "prop.csv"
    prop.write_text("proposal_id,gu_name,cost_mkrw\nA1,Mapo-gu,10\nA2,Mapo-go,5\n", "utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_proposals(prop)
    assert _where(info.value) == {(3, "gu_name", "Mapo-go")}
    assert "did you mean 'Mapo-gu'?" in str(info.value)


def test_proposals_with_semicolons_name_the_delimiter_and_load_with_sep() -> None:
    with pytest.raises(InputError, match=r"looks ';'-separated"):
        load_proposals(BAD / "proposals_semicolon.csv")
    assert load_proposals(BAD / "proposals_semicolon.csv", sep=";")["cost_mkrw"].sum() == 200


# --- Excel and SPSS inputs --------------------------------------------------------------------
def _good_frame() -> pd.DataFrame:
    return pd.read_csv(BAD / "survey_good.csv")


def test_excel_with_a_title_row_header_only_or_duplicate_names_is_refused(
    tmp_path: Path,
) -> None:
    good = _good_frame()
    title = tmp_path / "title.xlsx"
    with pd.ExcelWriter(title) as xw:
        pd.DataFrame([["2024 협치 조사"]]).to_excel(xw, index=False, header=False)
        good.to_excel(xw, index=False, startrow=2)
    with pytest.raises(
        InputError, match=r"title\.xlsx, row 1: '2024 협치 조사' looks like a title"
    ):
        load_survey(title)
    empty = tmp_path / "header_only.xlsx"
    good.head(0).to_excel(empty, index=False)
    with pytest.raises(InputError, match=r"header_only\.xlsx: .*no data rows"):
        load_survey(empty)
    dup = tmp_path / "dup.xlsx"
    pd.DataFrame([[*good.iloc[0].tolist(), 1.0]], columns=[*good.columns, "x"]).rename(
        columns={"x": "weight"}
    ).to_excel(dup, index=False)
    with pytest.raises(InputError, match=r"duplicate column name 'weight' \(columns 4, 12\)"):
        load_survey(dup)
    labels = pd.DataFrame([["응답자", "자치구", "집단", "가중치", "모집단", *["문항"] * 6]])
    labels.columns = good.columns
    pd.concat([labels, good.astype(object)]).to_excel(tmp_path / "labels.xlsx", index=False)
    with pytest.raises(InputError, match=r"labels\.xlsx, row 2: a second header row \(응답자"):
        load_survey(tmp_path / "labels.xlsx")
    good.to_excel(tmp_path / "good.xlsx", index=False)
    assert len(load_survey(tmp_path / "good.xlsx", items=ASKED)) == 5


def test_spss_file_without_cases_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "none.sav"
    pyreadstat.write_sav(_good_frame().head(0), str(f))
    with pytest.raises(InputError, match=r"none\.sav: .*no data rows \(0 records\)"):
        load_survey(f)


# --- Pabulib files ----------------------------------------------------------------------------
def test_the_good_pabulib_file_of_the_corpus_reads() -> None:
    e = read_pb(BAD / "pb_good.pb")
    assert (e.n_projects, e.n_voters, e.budget) == (3, 4, 100)
    assert e.projects["votes"].tolist() == [2, 2, 2]


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("pb_empty.pb", "pb_empty.pb: the file is empty"),
        ("pb_no_votes.pb", "pb_no_votes.pb: not a complete Pabulib file: no VOTES section"),
        (
            "pb_cut_mid_votes.pb",
            "section VOTES: META says num_votes 4 but the section has 2 ballots, the last at "
            "line 17 (the file looks cut mid-VOTES",
        ),
        ("pb_cut_mid_row.pb", "section VOTES, line 18: 1 field where the header (line 15) has 2"),
        ("pb_negative_cost.pb", "section PROJECTS, line 12: project '2' has cost -50"),
        ("pb_zero_cost.pb", "section PROJECTS, line 13: project '3' has cost 0"),
        ("pb_misspelled_section.pb", "line 9: 'PROJETCS' is not a section name; did you mean"),
        ("pb_unknown_project.pb", "section VOTES, line 19: voter 'v4' votes for '9', not in"),
    ],
)
def test_each_bad_pabulib_file_is_refused_naming_section_and_line(name: str, named: str) -> None:
    with pytest.raises(InputError) as info:
        read_pb(BAD / name)
    assert named in str(info.value)
    assert str(info.value).startswith(name)


@pytest.mark.parametrize("name", ["pb_cut_mid_votes.pb", "pb_negative_cost.pb", "pb_empty.pb"])
def test_pb_command_exits_2_without_traceback_or_output(name: str, tmp_path: Path) -> None:
    err = _refused_cleanly(_cli(tmp_path, "--lang", "en", "pb", str(BAD / name)), tmp_path)
    assert err.startswith(f"cgresearch pb: error: {name}")


def test_pb_command_still_gives_an_outcome_for_the_good_file(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "pb", str(BAD / "pb_good.pb"), "--format", "json")
    assert proc.returncode == 0, proc.stderr


# --- codebooks ------------------------------------------------------------------------------
def test_the_codebook_synth_writes_loads_back_as_it_is(tmp_path: Path) -> None:
    written = write_synthetic(tmp_path, seed=3)
    book = next(p for p in written if "codebook" in p.name)
    cb = load_codebook(book)
    want = codebook_frame()
    assert [v.name for v in cb.variables] == want["name"].tolist()
    # Blank missing codes (resp_id, weight...) stay blank instead of failing int('nan').
    assert cb.variable("weight").missing_codes == ()
    assert cb.variable("cg_3").reverse and not cb.variable("cg_1").reverse
    assert cb.variable("trust_1").labels_ko[5] == "매우 그렇다"
    survey = next(p for p in written if p.suffix == ".csv" and "survey" in p.name and p != book)
    s = load_survey(survey, codebook=cb)
    assert len(s) == len(generate_survey(seed=3))
    from cgresearch.survey import scales_from_codebook

    scales = scales_from_codebook(cb.to_frame())
    assert scales["trust"].codes == (1, 2, 3, 4, 5)
    assert scales["cg_perception"].reverse_items == ["cg_3", "cg_5"]


def test_a_codebook_maps_group_codes_to_the_package_groups() -> None:
    s = load_survey(BAD / "survey_group_codes.csv", codebook=BAD / "codebook_group_codes.csv")
    assert s["group"].tolist() == ["public", "cso", "resident", "public", "cso"]


def test_a_codebook_maps_a_researchers_names_and_missing_codes(tmp_path: Path) -> None:
    # The researcher's column Q1 is trust_1, with 97 = don't know and 99 = refused.
    survey = tmp_path / "s.csv"
    survey.write_text(
        "id,area,grp,w,Q1\nA,종로구,cso,2.0,97\nB,마포구,cso,2.0,4\nC,마포구,cso,2.0,99\n",
        encoding="utf-8",
    )
    book = tmp_path / "cb.csv"
    book.write_text(
        "name,maps_to,construct,question_ko,question_en,labels_ko,labels_en,missing_codes,"
        "reverse\n"
        "id,resp_id,id,,,,,,False\narea,gu_name,design,,,,,,False\n"
        "grp,group,design,,,,,,False\nw,weight,design,,,,,,False\n"
        'Q1,trust_1,trust,신뢰,Trust,1=a; 2=b; 3=c; 4=d; 5=e; 97=모름; 99=거절,,"97,99",False\n',
        encoding="utf-8",
    )
    s = load_survey(survey, codebook=book, keep_missing_codes=True)
    assert s["trust_1"].tolist() == [8.0, 4.0, 9.0]
    assert s["resp_id"].tolist() == ["A", "B", "C"]


def test_a_codebook_variable_that_is_no_column_of_the_survey_is_named() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(BAD / "survey_good.csv", codebook=BAD / "codebook_unknown_column.csv")
    assert _where(info.value) == {(None, "trust_3", None), (None, "trust_2", None)}
    assert "the codebook lists 'trust_3' but survey_good.csv has no such column" in str(info.value)


def test_a_code_outside_the_codebooks_labels_is_named_by_row() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(BAD / "survey_good.csv", codebook=BAD / "codebook_code_outside_scale.csv")
    assert _where(info.value) == {(4, "compact_aware", 3)}


def test_a_codebook_group_without_respondents_is_named() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_survey(BAD / "survey_group_codes.csv", codebook=BAD / "codebook_empty_group.csv")
    assert _where(info.value) == {(None, "group", 4)}
    assert "group 4 (기타) has no respondents" in str(info.value)


def test_a_codebook_with_malformed_cells_is_refused_by_its_schema(tmp_path: Path) -> None:
    f = tmp_path / "cb.csv"
    text = (BAD / "codebook_good.csv").read_text(encoding="utf-8")
    f.write_text(text.replace('"8,9",False', '"8;9",maybe', 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_codebook(f)
    assert {(p.row, p.column) for p in info.value.problems} == {
        (7, "missing_codes"),
        (7, "reverse"),
    }


# --- data verify ----------------------------------------------------------------------------
@pytest.fixture
def raw_copy(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_data_dir() / "pabulib", raw / "pabulib")
    manifest = tmp_path / "MANIFEST"
    write_manifest(manifest, raw)
    return raw, manifest


def test_data_verify_names_each_changed_missing_and_extra_file_with_what_to_do(
    raw_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, manifest = raw_copy
    (raw / "pabulib" / "France_Toulouse_2022.pb").unlink()
    with (raw / "pabulib" / "Poland_Swiecie_2023.pb").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    (raw / "pabulib" / "notes.txt").write_text("x", encoding="utf-8")
    proc = _cli(tmp_path, "data", "verify", "--manifest", str(manifest), "--raw-dir", str(raw))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    out = proc.stdout
    assert (
        "changed (sha256 differs): raw/pabulib/Poland_Swiecie_2023.pb: restore it from its "
        "source (data/raw/pabulib/README.md)"
    ) in out
    assert "missing (listed, not on disk): raw/pabulib/France_Toulouse_2022.pb: restore" in out
    assert "unlisted (on disk, not in the manifest): raw/pabulib/notes.txt: delete it" in out
    assert list((tmp_path / "work").iterdir()) == []


def test_data_verify_without_a_manifest_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "data", "verify", "--manifest", str(tmp_path / "NOPE"))
    err = _refused_cleanly(proc, tmp_path)
    assert "NOPE does not exist: restore it with `git checkout data/MANIFEST`" in err


def test_read_table_names_a_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_table(BAD / "nope.csv")


# --- properties: a cut anywhere is refused -------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_pabulib_file_cut_anywhere_inside_votes_is_refused(data: st.DataObject) -> None:
    good = (BAD / "pb_good.pb").read_text(encoding="utf-8")
    start = good.index("VOTES\n") + len("VOTES\n")
    cut = data.draw(st.integers(min_value=start, max_value=len(good) - 2), label="cut")
    with pytest.raises(InputError, match=r"cut\.pb: "):
        check_pabulib("cut.pb", good[:cut])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_survey_cut_before_the_last_cell_of_a_row_is_refused(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    good = (BAD / "survey_good.csv").read_bytes()
    lines = good.split(b"\n")[1:-1]
    row = data.draw(st.integers(min_value=0, max_value=len(lines) - 1), label="row")
    start = good.index(lines[row])
    last_sep = start + lines[row].rindex(b",")
    cut = data.draw(st.integers(min_value=start + 1, max_value=last_sep + 1), label="cut")
    f = tmp_path_factory.mktemp("cut") / "cut.csv"
    f.write_bytes(good[:cut])
    with pytest.raises(InputError) as info:
        load_survey(f)
    msg = str(info.value)
    assert msg.startswith(f"cut.csv: row {row + 2} ") or msg.startswith(
        f"cut.csv: the file ends in the middle of a character in row {row + 2}:"
    )
    assert "cut" in msg.removeprefix("cut.csv")


def test_a_title_row_padded_with_separators_is_named_too(tmp_path: Path) -> None:
    # Excel saves a title cell above a table as '2024 조사,,,,' (as wide as the table).
    good = (BAD / "survey_good.csv").read_text(encoding="utf-8")
    f = tmp_path / "padded.csv"
    f.write_text("2024 조사" + "," * 10 + "\n" + good, encoding="utf-8")
    with pytest.raises(InputError, match=r"padded\.csv, row 1: '2024 조사,+' looks like a title"):
        load_survey(f)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_row_with_fields_missing_or_extra_anywhere_is_named(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lines = (BAD / "survey_good.csv").read_text(encoding="utf-8").splitlines()
    row = data.draw(st.integers(min_value=1, max_value=len(lines) - 1), label="row")
    fields = lines[row].split(",")
    keep = data.draw(st.integers(min_value=1, max_value=len(fields) + 3), label="fields")
    assume(keep != len(fields))
    lines[row] = ",".join((fields + ["9"] * 3)[:keep])
    f = tmp_path_factory.mktemp("ragged") / "ragged.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_survey(f)
    assert str(info.value).startswith(
        f"ragged.csv: row {row + 1} has {keep} fields but the header has {len(fields)}"
    )


def test_numeric_looking_respondent_ids_keep_their_leading_zeros(tmp_path: Path) -> None:
    f = tmp_path / "ids.csv"
    f.write_text(
        "resp_id,gu_name,group,weight,trust_1\n00123,종로구,cso,1.5,3\n00124,마포구,cso,1.5,\n",
        encoding="utf-8",
    )
    assert load_survey(f, items=["trust_1"])["resp_id"].tolist() == ["00123", "00124"]


# --- survey: required item columns ----------------------------------------------------------
def _complete_survey(tmp_path: Path, drop: Iterable[str] = ()) -> Path:
    """A survey file with every column of the package's questionnaire, less ``drop``."""
    small = SurveyParams(n_per_gu={"public": 2, "cso": 2, "resident": 2})
    f = tmp_path / "survey.csv"
    generate_survey(seed=3, params=small).drop(columns=list(drop)).to_csv(f, index=False)
    return f


def test_the_required_items_are_the_likert_items_of_the_default_scales() -> None:
    scales = scales_from_codebook(codebook_frame())
    likert = ("trust", "cg_perception", "importance", "performance")
    expected = [name for s in likert for name in scales[s].item_names]
    assert list(SURVEY_REQUIRED_ITEMS) == expected
    assert len(expected) == 4 + 6 + 5 + 5


@settings(max_examples=25, deadline=None)
@given(drop=st.sets(st.sampled_from(SURVEY_REQUIRED_ITEMS), min_size=1, max_size=4))
def test_a_survey_without_a_codebook_lacking_any_item_column_names_each_missing_one(
    drop: set[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    f = _complete_survey(tmp_path_factory.mktemp("items"), drop)
    with pytest.raises(ValidationFailed) as info:
        load_survey(f)
    assert {p.column for p in info.value.problems} == drop
    assert all(p.row is None and p.file == "survey.csv" for p in info.value.problems)
    msg = str(info.value)
    assert msg.startswith("survey.csv: ")
    assert all(f"column '{c}': required item column is missing" in msg for c in drop)


def test_a_complete_survey_loads_and_items_names_a_smaller_questionnaire(tmp_path: Path) -> None:
    assert len(load_survey(_complete_survey(tmp_path))) == 25 * 6
    f = _complete_survey(tmp_path, drop=["trust_3", "trust_4"])
    asked = [c for c in SURVEY_REQUIRED_ITEMS if c not in ("trust_3", "trust_4")]
    s = load_survey(f, items=asked)
    assert "trust_3" not in s.columns and len(s) == 25 * 6


def test_with_a_codebook_the_codebook_decides_which_items_are_required(tmp_path: Path) -> None:
    f = _complete_survey(tmp_path, drop=["cg_5", "cg_6"])
    book = codebook_frame()
    fewer = tmp_path / "codebook.csv"
    book[~book["name"].isin(["cg_5", "cg_6"])].to_csv(fewer, index=False)
    s = load_survey(f, codebook=fewer)
    assert "cg_5" not in s.columns and "cg_4" in s.columns
    every = tmp_path / "codebook_every.csv"
    book.to_csv(every, index=False)  # lists cg_5 and cg_6, which the file lacks
    with pytest.raises(ValidationFailed) as info:
        load_survey(f, codebook=every)
    assert {(p.file, p.column) for p in info.value.problems} == {
        ("codebook_every.csv", "cg_5"),
        ("codebook_every.csv", "cg_6"),
    }
    assert "survey.csv has no such column" in str(info.value)


def test_report_refuses_a_survey_file_lacking_an_item_exit_2_nothing_written(
    tmp_path: Path,
) -> None:
    survey = _complete_survey(tmp_path, drop=["imp_T3", "perf_T3"])
    params = tmp_path / "params"
    params.mkdir()
    (params / "02_perception_gap.yaml").write_text(
        f"notebook: 02_perception_gap\nparameters:\n  survey_file: {survey}\n", encoding="utf-8"
    )
    out = tmp_path / "work" / "out"
    proc = _cli(tmp_path, "report", "02", "--params-dir", str(params), "--out", str(out))
    err = _refused_cleanly(proc, tmp_path)
    assert "survey.csv: 2 problems found" in err
    assert "column 'imp_T3': required item column is missing" in err
    assert "column 'perf_T3': required item column is missing" in err
    assert len(err.strip().splitlines()) == 3  # the file line and one line per column


# --- survey: a file cut at its end ----------------------------------------------------------
def test_a_complete_survey_cut_mid_row_without_a_final_line_break_is_refused(
    tmp_path: Path,
) -> None:
    data = _complete_survey(tmp_path).read_bytes()
    last = data.rstrip(b"\n").rindex(b"\n") + 1  # the start of the last row (row 151)
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: last + 40])  # 40 bytes into the last row, no line break after
    with pytest.raises(InputError) as info:
        load_survey(cut)
    msg = str(info.value)
    assert msg.startswith("cut.csv: row 151 has ") and "the file ends there" in msg
    assert "cut in the middle of a row" in msg


def test_a_survey_cut_exactly_at_a_line_break_loads_its_whole_rows_the_documented_limit(
    tmp_path: Path,
) -> None:
    # The limit documented in read_table/load_survey: whole rows lost at the end leave a file
    # that is complete in form. The loader reads the rows that are there, no more.
    data = _complete_survey(tmp_path).read_bytes()
    lines = data.split(b"\n")
    cut = tmp_path / "cut.csv"
    cut.write_bytes(b"\n".join(lines[:101]) + b"\n")  # header + 100 whole rows
    assert len(load_survey(cut)) == 100
    assert "cut exactly at a line break" in (load_survey.__doc__ or "")
    assert "cut exactly at a line break" in (tables.__doc__ or "")

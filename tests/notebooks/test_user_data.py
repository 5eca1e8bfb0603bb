"""The report on a researcher's own files (``params/examples/``) gives numbers computed by hand.

Chapters 01, 02 and 03 run through the report runner on the committed user-layout examples (a
CP949 CSV and a labelled SPSS .sav with their codebook; a CP949 inventory). The test recomputes
the key figures straight from the files with pandas: column names and codes mapped by hand
(``Q1_*`` trust, ``Q2_*`` CG perception, ``Q3_*``/``Q4_*`` importance/performance of T1-T5,
``RESP_TYPE`` 1/2/3, 97/99 missing), scores and weighted means as weights x values summed by
hand, never through the package's estimators or loaders.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from cgresearch import paths
from cgresearch.report.runner import ReportResult, run_report

EXAMPLES = paths.project_root() / "params" / "examples"
DATA = EXAMPLES / "data"
GROUPS = {1: "public", 2: "cso", 3: "resident"}  # the codebook's RESP_TYPE labels, by hand
MISSING = (97, 99)  # don't know, refused in the example's layout

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> ReportResult:
    out = tmp_path_factory.mktemp("user-data") / "outputs"
    return run_report(params_dir=EXAMPLES, out_dir=out, quiet=True, jobs=2)


def _keys(report: ReportResult, run_id: str) -> dict:
    result = {r.run_id: r for r in report.runs}[run_id]
    assert result.ok, result.message
    return json.loads((report.out_dir / run_id / "key_figures.json").read_text(encoding="utf-8"))


def _reversed_columns() -> set[str]:
    book = pd.read_csv(DATA / "codebook_user.csv", dtype=str, keep_default_na=False)
    return set(book.loc[book["reverse"] == "True", "name"])


def _answers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    values = frame[columns].apply(pd.to_numeric, errors="coerce").astype(float)
    return values.mask(values.isin(MISSING))


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def test_02_on_the_cp949_csv_gives_the_hand_computed_construct_means(report):
    keys = _keys(report, "02_perception_gap-user")
    raw = pd.read_csv(DATA / "survey_user.csv", encoding="cp949")
    assert keys["n_respondents"] == len(raw) == 175
    reverse = _reversed_columns()
    group = raw["RESP_TYPE"].map(GROUPS)
    weight = raw["WT"].astype(float)
    for construct, prefix in (("trust", "Q1_"), ("cg_perception", "Q2_")):
        cols = [c for c in raw.columns if c.startswith(prefix)]
        items = _answers(raw, cols)
        for c in cols:
            if c in reverse:
                items[c] = 6 - items[c]  # 1-5 scale reversed: (1 + 5) - x
        need = math.ceil(len(cols) / 2)  # the half rule for a respondent's score
        score = items.mean(axis=1).where(items.notna().sum(axis=1) >= need)
        for g in GROUPS.values():
            here = group == g
            expected = _weighted_mean(score[here], weight[here])
            assert keys["construct_means"][construct][g] == pytest.approx(expected, abs=1e-6)
    # officials trust more than residents in the generator's model: the gap has a sign
    assert keys["construct_means"]["trust"]["public"] > keys["construct_means"]["trust"]["resident"]


def test_03_on_the_labelled_sav_gives_the_hand_computed_importance(report):
    keys = _keys(report, "03_policy_demand-user")
    raw = pd.read_spss(DATA / "survey_user.sav", convert_categoricals=False)
    assert keys["n_respondents"] == len(raw) == 175
    weight = raw["WT"].astype(float)
    for i, task in enumerate(["T1", "T2", "T3", "T4", "T5"], start=1):
        pair = _answers(raw, [f"Q3_{i}", f"Q4_{i}"])
        both = pair.notna().all(axis=1)  # pairwise complete: answered importance and performance
        w = weight[both]
        importance = float((pair.loc[both, f"Q3_{i}"] * w).sum() / w.sum())
        performance = float((pair.loc[both, f"Q4_{i}"] * w).sum() / w.sum())
        assert keys["importance"][task] == pytest.approx(importance, abs=1e-6)
        assert keys["performance"][task] == pytest.approx(performance, abs=1e-6)


def test_01_on_the_cp949_inventory_gives_the_hand_summed_totals(report):
    keys = _keys(report, "01_project_inventory-user")
    raw = pd.read_csv(DATA / "inventory_user.csv", encoding="cp949")
    smg = raw[raw["funding_source"] == "서울시 보조금"]  # the Korean label of an SMG grant
    assert keys["n_projects"] == len(raw) == 141
    assert keys["total_budget_mkrw"] == int(raw["budget_mkrw"].sum())
    assert keys["n_smg_grant"] == len(smg)
    assert keys["smg_grant_budget_mkrw"] == int(smg["budget_mkrw"].sum())
    flagged = raw.dropna(subset=["duplicate_group"])
    assert keys["n_duplicate_groups"] == flagged["duplicate_group"].nunique()
    assert keys["n_projects_in_duplicate_groups"] == len(flagged)


def test_outputs_name_the_user_files_and_their_sha256_not_synthetic(report):
    digest = hashlib.sha256((DATA / "survey_user.csv").read_bytes()).hexdigest()
    book_digest = hashlib.sha256((DATA / "codebook_user.csv").read_bytes()).hexdigest()
    manifest = json.loads((report.out_dir / "manifest.json").read_text(encoding="utf-8"))
    real = manifest["real_inputs"]["02_perception_gap-user"]
    assert real["survey_file"]["sha256"] == digest
    assert real["codebook_file"]["sha256"] == book_digest
    assert "02_perception_gap-user" not in manifest["synthetic_seeds"]
    table = pd.read_csv(report.out_dir / "02_perception_gap-user" / "tables" / "group_means.csv")
    label = table["자료"]  # the Korean edition's data column ("Data")
    assert label.str.contains(f"survey_user.csv(sha256 {digest[:12]})", regex=False).all()
    assert not label.str.contains("synthetic|합성", case=False).any()
    index = (report.out_dir / "index.html").read_text(encoding="utf-8")
    sav_digest = hashlib.sha256((DATA / "survey_user.sav").read_bytes()).hexdigest()
    assert f"survey_user.sav(sha256 {sav_digest[:12]})" in index
    assert digest[:12] in index
    page = report.out_dir / "02_perception_gap-user" / "02_perception_gap-user.ipynb"
    assert f"survey_user.csv, sha256 {digest[:12]}" in page.read_text(encoding="utf-8")


# --- bad input: the report stops before writing, naming file, row, column or key --------------
def _write_params(folder: Path, survey: Path, codebook: Path | None) -> None:
    lines = [
        "notebook: 02_perception_gap",
        "parameters:",
        f"  survey_file: {survey}",
    ]
    if codebook is not None:
        lines.append(f"  codebook_file: {codebook}")
    (folder / "02_perception_gap-user.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _report_cli(tmp_path: Path, capsys) -> tuple[int, str, Path]:
    from cgresearch.cli import main

    out = tmp_path / "outputs"
    out.mkdir(exist_ok=True)
    previous = out / "index.html"
    previous.write_text("previous report", encoding="utf-8")
    argv = ["--lang", "en", "report", "--params-dir", str(tmp_path / "params"), "--out", str(out)]
    code = main(argv)
    err = capsys.readouterr().err
    assert previous.read_text(encoding="utf-8") == "previous report"  # outputs left intact
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]  # nothing half-written
    return code, err, out


def _user_files(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    (tmp_path / "params").mkdir()
    survey = pd.read_csv(DATA / "survey_user.csv", encoding="cp949", dtype=str)
    book = pd.read_csv(DATA / "codebook_user.csv", dtype=str, keep_default_na=False)
    return survey, book


def _save(tmp_path: Path, survey: pd.DataFrame, book: pd.DataFrame) -> tuple[Path, Path]:
    s, b = tmp_path / "survey.csv", tmp_path / "codebook.csv"
    s.write_bytes(survey.to_csv(index=False).encode("cp949"))
    b.write_text(book.to_csv(index=False), encoding="utf-8")
    _write_params(tmp_path / "params", s, b)
    return s, b


def test_a_missing_survey_file_names_the_params_file_and_parameter(tmp_path, capsys):
    (tmp_path / "params").mkdir()
    _write_params(tmp_path / "params", tmp_path / "nowhere.csv", None)
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "02_perception_gap-user.yaml" in err and "'survey_file'" in err
    assert "nowhere.csv" in err and "does not exist" in err


def test_a_codebook_column_missing_from_the_file_is_named(tmp_path, capsys):
    survey, book = _user_files(tmp_path)
    _save(tmp_path, survey.drop(columns=["Q1_3"]), book)
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "Q1_3" in err and "survey.csv has no such column" in err


def test_a_code_outside_the_scale_is_named_by_row_and_column(tmp_path, capsys):
    survey, book = _user_files(tmp_path)
    survey.loc[4, "Q2_2"] = "6"  # data row 5 = file line 6 (line 1 is the header)
    _save(tmp_path, survey, book)
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "survey.csv" in err and "Q2_2" in err and "6" in err
    assert "row 6" in err


def test_a_group_with_no_respondents_is_named(tmp_path, capsys):
    survey, book = _user_files(tmp_path)
    _save(tmp_path, survey[survey["RESP_TYPE"] != "2"], book)
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "RESP_TYPE" in err and "group 2" in err and "no respondents" in err


def test_a_misspelled_gu_name_is_named_by_row(tmp_path, capsys):
    survey, book = _user_files(tmp_path)
    gu_codes = dict(
        part.split("=") for part in book.set_index("name").loc["AREA", "labels_ko"].split("; ")
    )
    survey["AREA"] = survey["AREA"].map(gu_codes)  # names instead of codes, as many files have
    survey.loc[9, "AREA"] = "종로구청"  # misspelled
    book.loc[book["name"] == "AREA", ["labels_ko", "labels_en"]] = ""
    _save(tmp_path, survey, book)
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "survey.csv" in err and "종로구청" in err and "row 11" in err


def test_an_inventory_without_a_funding_source_column_is_named(tmp_path, capsys):
    from cgresearch.data.synth import generate_inventory

    (tmp_path / "params").mkdir()
    inventory = tmp_path / "inventory.csv"
    generate_inventory().head(20).drop(columns=["funding_source"]).to_csv(inventory, index=False)
    (tmp_path / "params" / "01_project_inventory.yaml").write_text(
        f"notebook: 01_project_inventory\nparameters:\n  inventory_file: {inventory}\n",
        encoding="utf-8",
    )
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "inventory.csv" in err and "funding_source" in err


def test_04_on_the_planners_district_files_gives_the_closed_form_envelopes(report):
    import numpy as np

    from cgresearch.data import load_districts

    keys = _keys(report, "04_district_envelopes-user")
    ref = load_districts()  # the 25 gu in adm_code order (names and codes only)
    own = pd.read_csv(DATA / "districts_user.csv", encoding="cp949").set_index("자치구")
    own = own.loc[list(ref["name_ko"])]
    pop, old = own["인구(명)"].to_numpy(float), own["65세 이상 인구(명)"].to_numpy(float)
    need = pop * (1 - own["재정자립도(%)"].to_numpy(float) / 100)
    prev = pd.read_excel(DATA / "previous_amounts_user.xlsx").set_index("adm_code")
    prev = prev.loc[list(ref["adm_code"]), "전년도 배분액(백만원)"].to_numpy(float) / 100  # 억원
    # need_goal_stable: 250억원 by .2 equal, .4 pop, .2 65+, .2 fiscal need; floors 8, caps 13,
    # ±20 % of last year: x = clip(t + λ, lower, upper), λ by bisection
    t = 250 * (0.2 / 25 + 0.4 * pop / pop.sum() + 0.2 * old / old.sum() + 0.2 * need / need.sum())
    lower, upper = np.maximum(8.0, 0.8 * prev), np.minimum(13.0, 1.2 * prev)
    lo, hi = -250.0, 250.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.clip(t + mid, lower, upper).sum() < 250 else (lo, mid)
    expected = dict(zip(ref["name_ko"], np.clip(t + hi, lower, upper), strict=True))
    assert keys["amounts_eok"] == pytest.approx(expected, abs=1e-5)
    manifest = json.loads((report.out_dir / "manifest.json").read_text(encoding="utf-8"))
    real = manifest["real_inputs"]["04_district_envelopes-user"]
    digest = hashlib.sha256((DATA / "districts_user.csv").read_bytes()).hexdigest()
    assert real["districts_file"]["sha256"] == digest
    page = report.out_dir / "04_district_envelopes-user" / "04_district_envelopes-user.ipynb"
    assert f"districts_user.csv(sha256 {digest[:12]})" in page.read_text(encoding="utf-8")


def test_a_districts_file_with_an_unknown_gu_stops_the_report_before_it_writes(tmp_path, capsys):
    (tmp_path / "params").mkdir()
    own = pd.read_csv(DATA / "districts_user.csv", encoding="cp949")
    own.loc[0, "자치구"] = "종노구"
    bad = tmp_path / "districts.csv"
    bad.write_bytes(own.to_csv(index=False).encode("cp949"))
    (tmp_path / "params" / "04_district_envelopes.yaml").write_text(
        f"notebook: 04_district_envelopes\nparameters:\n  districts_file: {bad}\n",
        encoding="utf-8",
    )
    code, err, _ = _report_cli(tmp_path, capsys)
    assert code == 2
    assert "districts.csv" in err and "row 2" in err and "did you mean '종로구'" in err

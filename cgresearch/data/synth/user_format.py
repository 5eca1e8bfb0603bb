"""A synthetic survey in a *researcher's* layout: other column names, other codes, a codebook.

Real survey files never use the package's names: questions are ``Q1_1``, groups and districts are
numeric codes with value labels, "don't know" is 97 and "refused" 99. This module turns the seeded
synthetic survey (:func:`~cgresearch.data.synth.survey.generate_survey`) into such a file, with the
codebook that maps it back (:func:`cgresearch.data.load_codebook`), so that the report can be shown
running on a user's file (``params/examples/``). The data stay SYNTHETIC; only the layout is a
user's. Written by ``cgresearch synth --user-format``.

Examples
--------
>>> survey, book = user_format_survey(seed=1, n_per_gu={"public": 2, "cso": 2, "resident": 2})
>>> survey.columns[:4].tolist()
['ID', 'AREA', 'RESP_TYPE', 'STRATA']
>>> sorted(set(survey["RESP_TYPE"]))
[1, 2, 3]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cgresearch.data.districts import load_districts
from cgresearch.data.synth.survey import SurveyParams, codebook_frame, generate_survey
from cgresearch.outputs import check_output_folder, staged_folder
from cgresearch.vocabulary import POLICY_TASKS, RESPONDENT_GROUPS

__all__ = [
    "USER_DATA_LABEL",
    "USER_MISSING_CODES",
    "user_format_inventory",
    "user_format_survey",
    "write_user_format",
]

#: The note column's text in every row: the data are synthetic, whatever the layout.
USER_DATA_LABEL = "합성 자료(SYNTHETIC)"

#: The user's missing codes: 97 = don't know (the package's 8), 99 = refused (the package's 9).
USER_MISSING_CODES: dict[int, int] = {8: 97, 9: 99}

_GROUP_CODES = {"public": 1, "cso": 2, "resident": 3}
_DESIGN = {
    "resp_id": "ID",
    "gu_name": "AREA",
    "group": "RESP_TYPE",
    "stratum": "STRATA",
    "weight": "WT",
    "fpc": "POP_N",
    "sex": "SQ1",
    "age_group": "SQ2",
    "tenure_years": "SQ3",
}


def _user_names() -> dict[str, str]:
    names = dict(_DESIGN)
    for i in range(1, 5):
        names[f"trust_{i}"] = f"Q1_{i}"
    for i in range(1, 7):
        names[f"cg_{i}"] = f"Q2_{i}"
    for i, t in enumerate(POLICY_TASKS, start=1):
        names[f"imp_{t}"] = f"Q3_{i}"
        names[f"perf_{t}"] = f"Q4_{i}"
    names["compact_aware"] = "Q5"
    names["data_label"] = "NOTE"
    return names


def _recode_labels(labels: str) -> str:
    parts = []
    for part in str(labels).split(";"):
        if "=" not in part:
            continue
        code, text = part.split("=", 1)
        c = int(code)
        parts.append(f"{USER_MISSING_CODES.get(c, c)}={text.strip()}")
    return "; ".join(parts)


def user_format_survey(
    seed: int = 20170301, n_per_gu: dict[str, int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a synthetic survey in a user's layout and the codebook that maps it.

    Parameters
    ----------
    seed
        Seed of :func:`~cgresearch.data.synth.survey.generate_survey`.
    n_per_gu
        Respondents per gu and group (default 2 officials, 2 CSO members, 3 residents: 175 rows).

    Returns
    -------
    survey, codebook
        ``survey``: columns ``ID``, ``AREA`` (gu code 1-25 in the order of the 25 gu),
        ``RESP_TYPE`` (1 공무원, 2 시민사회, 3 주민), ``Q1_*`` trust, ``Q2_*`` CG perception,
        ``Q3_*``/``Q4_*`` importance/performance of the five policy tasks, codes 97/99 for
        don't know/refused, no ``gu_code`` column, ``NOTE`` = :data:`USER_DATA_LABEL`.
        ``codebook``: the :func:`codebook_frame` layout in the user's names and codes, with
        ``maps_to`` naming the package's columns.

    Examples
    --------
    >>> s, cb = user_format_survey(seed=2, n_per_gu={"public": 2, "cso": 2, "resident": 2})
    >>> cb.set_index("name").loc["Q1_1", "missing_codes"]
    '97,99'
    """
    counts = n_per_gu or {"public": 2, "cso": 2, "resident": 3}
    raw = generate_survey(seed=seed, params=SurveyParams(n_per_gu=counts))
    names = _user_names()
    gu = load_districts()[["adm_code", "name_ko"]].sort_values("adm_code").reset_index(drop=True)
    gu_codes = {name: i for i, name in enumerate(gu["name_ko"], start=1)}
    out = raw.drop(columns=["gu_code"]).copy()
    out["gu_name"] = out["gu_name"].map(gu_codes).astype("int64")
    out["group"] = out["group"].map(_GROUP_CODES).astype("int64")
    for col in out.columns:
        if col.startswith(("trust_", "cg_", "imp_", "perf_")):
            out[col] = out[col].replace(USER_MISSING_CODES)
    out["data_label"] = USER_DATA_LABEL  # Korean text, so that the CP949 encoding matters
    out = out.rename(columns=names)[[names[c] for c in raw.columns if c != "gu_code"]]

    book = codebook_frame()
    book = book[book["name"] != "gu_code"].copy()
    book["maps_to"] = book["name"]
    book["name"] = book["name"].map(names)
    book["labels_ko"] = book["labels_ko"].map(_recode_labels)
    book["labels_en"] = book["labels_en"].map(_recode_labels)
    book["missing_codes"] = [
        ",".join(str(USER_MISSING_CODES[int(c)]) for c in m.split(",")) if m else ""
        for m in book["missing_codes"]
    ]
    is_group = book["maps_to"] == "group"
    book.loc[is_group, "labels_ko"] = "; ".join(
        f"{c}={RESPONDENT_GROUPS[g].ko}" for g, c in _GROUP_CODES.items()
    )
    book.loc[is_group, "labels_en"] = "; ".join(
        f"{c}={RESPONDENT_GROUPS[g].en}" for g, c in _GROUP_CODES.items()
    )
    is_gu = book["maps_to"] == "gu_name"
    book.loc[is_gu, "labels_ko"] = "; ".join(f"{c}={n}" for n, c in gu_codes.items())
    book.loc[is_gu, "labels_en"] = book.loc[is_gu, "labels_ko"]
    return out.reset_index(drop=True), book.reset_index(drop=True)


def user_format_inventory(seed: int = 20161126, every: int = 8) -> pd.DataFrame:
    """Return part of the synthetic inventory as a user's file: Korean labels, no gu codes.

    Every ``every``-th project of :func:`~cgresearch.data.synth.inventory.generate_inventory`
    (141 of 1,126 by default), funding sources as their Korean labels (``서울시 보조금``), the
    district by its Korean name only, the researcher's ``duplicate_group`` flags kept, the
    ``NOTE`` column saying the data are synthetic.

    Examples
    --------
    >>> inv = user_format_inventory(every=100)
    >>> len(inv), "gu_code" in inv.columns, sorted(set(inv["funding_source"]))[0]
    (12, False, '서울시 보조금')
    """
    from cgresearch.data.synth.inventory import generate_inventory
    from cgresearch.vocabulary import FUNDING_SOURCES

    inv = generate_inventory(seed=seed).iloc[::every].reset_index(drop=True)
    inv = inv.drop(columns=["gu_code", "data_label"])
    alone = inv["duplicate_group"].map(inv["duplicate_group"].value_counts()) < 2
    inv["duplicate_group"] = inv["duplicate_group"].mask(alone)  # a group needs two projects
    inv["funding_source"] = inv["funding_source"].map({c: t.ko for c, t in FUNDING_SOURCES.items()})
    inv["NOTE"] = USER_DATA_LABEL
    return inv


#: The files :func:`write_user_format` writes, in its order.
USER_FORMAT_FILES = (
    "survey_user.csv",
    "survey_user.sav",
    "codebook_user.csv",
    "inventory_user.csv",
)


def write_user_format(
    out_dir: str | Path, seed: int = 20170301, n_per_gu: dict[str, int] | None = None
) -> list[Path]:
    """Write the user-layout survey as a CP949 CSV and a labelled SPSS ``.sav``, and its codebook.

    Files: ``survey_user.csv`` (CP949, as Korean Excel saves it), ``survey_user.sav`` (value
    labels for every coded variable, 97/99 user-missing), ``codebook_user.csv`` (UTF-8) and
    ``inventory_user.csv`` (CP949, :func:`user_format_inventory`). The CSV
    files are byte-identical for the same seed; the .sav carries its creation time. The folder
    is written whole or not at all (staged, then swapped in; see :mod:`cgresearch.outputs`), so
    it must be new, empty or an earlier output of this function.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_user_format(tempfile.mkdtemp(), n_per_gu={"public": 2,
    ...     "cso": 2, "resident": 2})]
    ['survey_user.csv', 'survey_user.sav', 'codebook_user.csv', 'inventory_user.csv']
    """
    folder = Path(out_dir)
    check_output_folder(folder, option="output folder", known=USER_FORMAT_FILES)
    survey, book = user_format_survey(seed, n_per_gu)
    inventory = user_format_inventory().to_csv(index=False, lineterminator="\n")
    with staged_folder(
        folder, command="synth --user-format", option="output folder", known=USER_FORMAT_FILES
    ) as stage:
        _write_user_files(stage, survey, book, inventory)
    return [folder / name for name in USER_FORMAT_FILES]


def _write_user_files(
    folder: Path, survey: pd.DataFrame, book: pd.DataFrame, inventory: str
) -> None:
    """Write the four user-layout files into ``folder`` (the staging folder)."""
    import pyreadstat

    from cgresearch.data.codebook import parse_labels

    csv_path = folder / "survey_user.csv"
    csv_path.write_bytes(survey.to_csv(index=False, lineterminator="\n").encode("cp949"))
    sav_path = folder / "survey_user.sav"
    labelled = book.set_index("name")
    value_labels = {
        name: {float(k): v for k, v in parse_labels(row["labels_ko"]).items()}
        for name, row in labelled.iterrows()
        if row["labels_ko"]
    }
    missing = {
        name: [float(c) for c in row["missing_codes"].split(",")]
        for name, row in labelled.iterrows()
        if row["missing_codes"]
    }
    sav = survey.copy()
    for col in sav.columns:
        if pd.api.types.is_numeric_dtype(sav[col]):
            sav[col] = sav[col].astype("float64")
    pyreadstat.write_sav(
        sav,
        str(sav_path),
        column_labels=[str(labelled.loc[c, "question_ko"]) for c in sav.columns],
        variable_value_labels=value_labels,
        missing_ranges=missing,
        file_label="SYNTHETIC data (cgresearch) in a user's layout",
    )
    book_path = folder / "codebook_user.csv"
    book_path.write_bytes(book.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    inventory_path = folder / "inventory_user.csv"
    inventory_path.write_bytes(inventory.encode("cp949"))

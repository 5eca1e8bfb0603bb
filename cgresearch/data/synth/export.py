"""Write the synthetic data sets to files: UTF-8 CSV, SPSS .sav with value labels, a README.

Examples
--------
>>> from cgresearch.data.synth.export import write_synthetic
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     files = write_synthetic(pathlib.Path(d))
...     sorted(f.name for f in files)[:2]
['README_synthetic.md', 'action_register_synthetic.csv']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from cgresearch import paths
from cgresearch.data.synth._common import to_csv_bytes
from cgresearch.data.synth.evaluation import (
    EvaluationParams,
    evaluation_meta,
    generate_evaluation_panel,
)
from cgresearch.data.synth.inventory import InventoryParams, generate_inventory
from cgresearch.data.synth.monitoring import generate_register
from cgresearch.data.synth.proposals import ProposalParams, generate_proposals
from cgresearch.data.synth.survey import (
    SURVEY_CODEBOOK,
    SurveyParams,
    codebook_frame,
    generate_survey,
)
from cgresearch.errors import ParameterError
from cgresearch.outputs import check_output_folder, staged_folder

__all__ = ["SYNTHETIC_FILES", "write_survey_sav", "write_synthetic"]

#: File names written by :func:`write_synthetic` (each says "synthetic").
SYNTHETIC_FILES: dict[str, str] = {
    "inventory": "cg_inventory_synthetic.csv",
    "survey": "survey_synthetic.csv",
    "survey_sav": "survey_synthetic.sav",
    "codebook": "survey_codebook_synthetic.csv",
    "proposals": "proposals_synthetic.csv",
    "evaluation_panel": "evaluation_panel_synthetic.csv",
    "evaluation_data": "evaluation_coinr_data_synthetic.csv",
    "evaluation_meta": "evaluation_coinr_meta_for_synthetic.csv",
    "register": "action_register_synthetic.csv",
    "readme": "README_synthetic.md",
}


def write_survey_sav(survey: pd.DataFrame, path: Path, language: str = "ko") -> Path:
    """Write survey responses as SPSS ``.sav`` with question labels, value labels, missing codes.

    Labels come from :data:`~cgresearch.data.synth.survey.SURVEY_CODEBOOK` (``language`` "ko" or
    "en"); codes 8 and 9 of the Likert items are declared user-missing. Note: SPSS files carry a
    creation time, so two .sav files of the same data differ in those header bytes.

    Examples
    --------
    >>> import tempfile, pathlib, pyreadstat
    >>> from cgresearch.data.synth.survey import generate_survey
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_survey_sav(generate_survey(seed=1), pathlib.Path(d) / "s.sav")
    ...     _, meta = pyreadstat.read_sav(p, metadataonly=True)
    >>> meta.variable_value_labels["sex"]
    {1.0: '남성', 2.0: '여성'}
    """
    out = pd.DataFrame(index=survey.index)
    for col in survey.columns:
        s = survey[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[col] = s.astype("float64")
        else:
            out[col] = s.astype(object).where(s.notna(), "")
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[float]] = {}
    for col in survey.columns:
        item = SURVEY_CODEBOOK.get(col)
        if item is None:
            continue
        labels[col] = item.question_ko if language == "ko" else item.question_en
        vl = item.labels_ko if language == "ko" else item.labels_en
        if vl and pd.api.types.is_numeric_dtype(out[col]):
            value_labels[col] = {float(k): v for k, v in vl.items()}
        if item.missing_codes:
            missing[col] = [float(c) for c in item.missing_codes]
    pyreadstat.write_sav(
        out,
        str(path),
        column_labels=[labels.get(c, c) for c in out.columns],
        variable_value_labels=value_labels,
        missing_ranges=missing,
        file_label="SYNTHETIC data (cgresearch): CG perception and policy-demand survey",
    )
    return path


def _readme(seed: int | None, params: dict[str, object]) -> str:
    lines = [
        "# SYNTHETIC data: not real survey responses, projects or proposals",
        "",
        "Written by `cgresearch synth` from the seeded generators in `cgresearch.data.synth`.",
        f"Seed: {seed if seed is not None else 'each generator default'}. The same seed gives "
        "byte-identical CSV files (the .sav header carries a creation time).",
        "Every row has `data_label = synthetic`. Only the inventory totals (1,126 projects, "
        "7,661,500 million KRW; 920 SMG-grant projects, 6,060,700 million KRW) and the district "
        "data (codes, names, 2017 Q1 population, 426 dong) are real.",
        "In the evaluation panel, the `ctx_*` columns (fiscal independence, share 65+, density) "
        "and `bcgc_established` are real (data/raw/seoul/); every other indicator is synthetic. "
        "`evaluation_coinr_*` hold its last year in COINr's iData/iMeta layout (the framework "
        "is data/evaluation/framework.toml).",
        "",
        "## Files",
    ]
    lines += [f"- `{name}`" for key, name in SYNTHETIC_FILES.items() if key != "readme"]
    lines += ["", "## Generator parameters"]
    lines += [f"- {k}: `{v!r}`" for k, v in params.items()]
    return "\n".join(lines) + "\n"


def _coinr_data(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel's last year as COINr ``iData``: ``uCode, uName`` + one column per indicator."""
    last = panel[panel["year"] == panel["year"].max()]
    drop = ("year", "adm_code", "name_ko", "name_en", "data_label")
    codes = [c for c in panel.columns if c not in drop]
    out = last[codes].copy()
    out.insert(0, "uName", last["name_ko"].to_numpy())
    out.insert(0, "uCode", last["adm_code"].to_numpy())
    return out.reset_index(drop=True)


def write_synthetic(out_dir: Path | None = None, seed: int | None = None) -> list[Path]:
    """Generate the synthetic data sets and write them under ``out_dir``.

    Parameters
    ----------
    out_dir : Path, optional
        Target folder (default ``outputs/data/``); created if missing. It is written whole or
        not at all (staged, then swapped in under a lock; see :mod:`cgresearch.outputs`), so
        it must be new, empty or an earlier synthetic output.
    seed : int, optional
        One seed (≥ 0) for all three generators (default: each generator's own default seed).

    Raises
    ------
    ParameterError
        A negative seed, or an output folder that cannot be written (named).

    Returns
    -------
    list of Path
        The files written: inventory, survey (CSV and .sav), survey codebook, proposals,
        evaluation panel (and its last year as COINr data + meta), action register, README.
    """
    out = Path(out_dir) if out_dir is not None else paths.outputs_dir() / "data"
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ParameterError(
            f"seed = {seed!r} must be a whole number ≥ 0 (e.g. 20260101): numpy's generators "
            "take no negative seeds"
        )
    kw = {} if seed is None else {"seed": seed}
    check_output_folder(out, option="output folder", known=SYNTHETIC_FILES.values())
    survey = generate_survey(**kw)
    panel = generate_evaluation_panel(**kw)
    tables = {
        "inventory": generate_inventory(**kw),
        "survey": survey,
        "codebook": codebook_frame(),
        "proposals": generate_proposals(**kw),
        "evaluation_panel": panel,
        "evaluation_data": _coinr_data(panel),
        "evaluation_meta": evaluation_meta(),
        "register": generate_register(**kw),
    }
    names = []
    with staged_folder(
        out, command="synth", option="output folder", known=SYNTHETIC_FILES.values()
    ) as stage:
        for key, df in tables.items():
            (stage / SYNTHETIC_FILES[key]).write_bytes(to_csv_bytes(df))
            names.append(SYNTHETIC_FILES[key])
        write_survey_sav(survey, stage / SYNTHETIC_FILES["survey_sav"])
        names.append(SYNTHETIC_FILES["survey_sav"])
        params = {
            "InventoryParams": InventoryParams(),
            "SurveyParams": SurveyParams(),
            "ProposalParams": ProposalParams(),
            "EvaluationParams": EvaluationParams(),
        }
        (stage / SYNTHETIC_FILES["readme"]).write_text(_readme(seed, params), encoding="utf-8")
        names.append(SYNTHETIC_FILES["readme"])
    written = [out / name for name in names]
    return written

"""A chapter's input data and where it came from: the seeded synthetic data or the user's file.

Every report chapter takes its inputs as parameters (``survey_file`` + ``codebook_file``,
``inventory_file``, ``proposals_file``; ``districts_file`` and ``previous_amounts_file`` for the
envelope chapters); an empty value means the seeded synthetic data (for the envelope chapters:
the package's real district table and the scenario's own ``previous_eok``). The
helpers here load either and return the table *with* its :class:`Provenance`, so that captions,
table files, the HTML and ``manifest.json`` say "synthetic (seed N)" or name the real file and its
sha256 without the notebook spelling it out. A relative path is read from the project root.

:func:`check_inputs` loads every real input of a report's parameter sets before any kernel starts:
a codebook that does not match its file, a misspelled gu or a missing column stops the report
with the file, row and column named, and nothing is written.

Examples
--------
>>> data = survey_input("", "", seed=1, n_per_gu={"public": 2, "cso": 2, "resident": 2})
>>> data.provenance.synthetic, data.provenance.describe("en")
(True, 'synthetic (seed 1)')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cgresearch import paths
from cgresearch.errors import ParameterError, msg
from cgresearch.i18n import DEFAULT_LANG, Lang, tr

#: "where: what is wrong" reads the same in every language (the part after it is translated).
_WHERE = "{where}: {error}"

__all__ = [
    "FILE_PARAMETERS",
    "EnvelopeInput",
    "InputData",
    "Provenance",
    "check_inputs",
    "data_line",
    "envelope_input",
    "input_file_digests",
    "inventory_input",
    "proposals_input",
    "resolve_input_file",
    "survey_input",
]

#: Report parameters that name an input file (empty = the seeded synthetic data).
FILE_PARAMETERS: tuple[str, ...] = (
    "survey_file",
    "codebook_file",
    "inventory_file",
    "proposals_file",
    "districts_file",
    "previous_amounts_file",
)


@dataclass(frozen=True)
class Provenance:
    """Where a chapter's data came from.

    Attributes
    ----------
    synthetic
        True for the seeded generator's data.
    seed
        The generator's seed (synthetic data only).
    files
        ``{file name: sha256}`` of the real files read (the data file, then its codebook).
    """

    synthetic: bool
    seed: int | None = None
    files: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str | None:
        """The real files named for a caption (``None`` for synthetic data)."""
        if self.synthetic:
            return None
        return ", ".join(f"{name}, sha256 {digest[:12]}" for name, digest in self.files.items())

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """One line: "synthetic (seed N)" or the real file's name and the start of its sha256.

        Examples
        --------
        >>> Provenance(False, files={"s.csv": "ab" * 32}).describe("en")
        'file s.csv (sha256 abababababab)'
        """
        if self.synthetic:
            return tr("synthetic (seed {seed})", lang, seed=self.seed)
        return "; ".join(
            tr("file {name} (sha256 {digest})", lang, name=name, digest=digest[:12])
            for name, digest in self.files.items()
        )


@dataclass(frozen=True)
class InputData:
    """A chapter's input table and its :class:`Provenance`.

    Attributes
    ----------
    frame
        The validated table in the package's vocabulary.
    provenance
        Where it came from.
    codebook
        The codebook in the package's names (:meth:`cgresearch.data.Codebook.to_frame` layout;
        for surveys only): the synthetic generator's, or the user's mapped one.
    """

    frame: pd.DataFrame
    provenance: Provenance
    codebook: pd.DataFrame | None = None


def resolve_input_file(value: str | os.PathLike[str], *, where: str = "") -> Path | None:
    """Return the file a parameter names (relative paths from the project root), or ``None``.

    Raises
    ------
    ParameterError
        When the parameter names a file that does not exist.

    Examples
    --------
    >>> resolve_input_file("") is None
    True
    """
    text = str(value).strip()
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = paths.project_root() / path
    if not path.is_file():
        missing = msg(
            "input file {text!r} does not exist (looked for {path}); give a path relative to the "
            "project root or an absolute one, or leave it empty for the synthetic data",
            text=text,
            path=path,
        )
        if where:
            raise ParameterError.of(_WHERE, where=where, error=missing)
        raise ParameterError(missing)
    return path


def _digest(path: Path) -> str:
    from cgresearch.report.provenance import sha256_file

    return sha256_file(path)


def survey_input(
    survey_file: str = "",
    codebook_file: str = "",
    *,
    seed: int = 20170301,
    n_per_gu: Mapping[str, int] | None = None,
) -> InputData:
    """Return the survey (the user's file mapped by its codebook, or the synthetic one).

    Parameters
    ----------
    survey_file
        A CSV (UTF-8 or CP949), .xlsx or .sav file; empty for the synthetic survey.
    codebook_file
        The codebook mapping the file's names and codes (:func:`cgresearch.data.load_codebook`);
        empty when the file already uses the package's names.
    seed, n_per_gu
        The synthetic generator's seed and sample sizes (used when ``survey_file`` is empty).

    Raises
    ------
    ParameterError
        A file that does not exist, or a codebook without a survey file.
    InputError
        The file or codebook broke its schema (file, row, column and value named).

    Examples
    --------
    >>> d = survey_input(seed=1, n_per_gu={"public": 2, "cso": 2, "resident": 2})
    >>> len(d.frame), "trust_1" in set(d.codebook["name"])
    (150, True)
    """
    from cgresearch.data import load_codebook, load_survey, validate_survey
    from cgresearch.data.synth import SurveyParams, codebook_frame, generate_survey

    data = resolve_input_file(survey_file, where="survey_file")
    book_path = resolve_input_file(codebook_file, where="codebook_file")
    if data is None:
        if book_path is not None:
            raise ParameterError.of(
                "codebook_file is set but survey_file is empty: give the survey file the "
                "codebook describes, or leave both empty for the synthetic survey"
            )
        params = SurveyParams(n_per_gu=dict(n_per_gu)) if n_per_gu else SurveyParams()
        raw = generate_survey(seed=seed, params=params)
        frame = validate_survey(raw, source="synthetic survey")
        return InputData(frame, Provenance(True, seed=seed), codebook_frame())
    files = {data.name: _digest(data)}
    if book_path is None:
        return InputData(load_survey(data), Provenance(False, files=files), codebook_frame())
    book = load_codebook(book_path)
    files[book_path.name] = _digest(book_path)
    frame = load_survey(data, codebook=book)
    return InputData(frame, Provenance(False, files=files), book.to_frame())


def inventory_input(inventory_file: str = "", *, seed: int = 20161126) -> InputData:
    """Return the project inventory (the user's file or the synthetic one) and its provenance.

    A user's file without the optional ``duplicate_group`` column (groups of near-duplicate
    projects the researcher flagged) gets an empty one: chapter 01 then lists no groups.

    Examples
    --------
    >>> inventory_input(seed=3).provenance.describe("en")
    'synthetic (seed 3)'
    """
    from cgresearch.data import load_inventory
    from cgresearch.data.synth import generate_inventory

    path = resolve_input_file(inventory_file, where="inventory_file")
    if path is None:
        return InputData(generate_inventory(seed=seed), Provenance(True, seed=seed))
    frame = load_inventory(path)
    if "duplicate_group" not in frame.columns:  # optional: the researcher's near-duplicate flags
        frame = frame.assign(duplicate_group=pd.Series(pd.NA, index=frame.index, dtype=object))
    return InputData(frame, Provenance(False, files={path.name: _digest(path)}))


def proposals_input(
    proposals_file: str = "", *, seed: int = 20190831, n: int | None = None
) -> InputData:
    """Return resident proposals (the user's file or the synthetic ones) and their provenance.

    Examples
    --------
    >>> len(proposals_input(seed=3, n=10).frame)
    10
    """
    from cgresearch.data import load_proposals
    from cgresearch.data.synth import generate_proposals

    path = resolve_input_file(proposals_file, where="proposals_file")
    if path is None:
        return InputData(generate_proposals(seed=seed, n=n), Provenance(True, seed=seed))
    return InputData(load_proposals(path), Provenance(False, files={path.name: _digest(path)}))


@dataclass(frozen=True)
class EnvelopeInput:
    """The envelope chapters' data: the scenario with the planner's files applied, the district
    table it is solved on, and where both came from.

    Attributes
    ----------
    scenario
        The scenario, with ``districts_file`` / ``previous_amounts_file`` (absolute paths) and
        ``previous_eok`` from the file when one was given.
    frame
        The district table (the planner's indicators, else the package's real table).
    provenance
        The real files read: the planner's, else ``data/raw/seoul/districts.csv``.
    """

    scenario: Any
    frame: pd.DataFrame
    provenance: Provenance


def envelope_input(
    scenario: Any, districts_file: str = "", previous_amounts_file: str = ""
) -> EnvelopeInput:
    """Apply a chapter's ``districts_file`` and ``previous_amounts_file`` to a scenario.

    Paths are read from the project root; empty keeps the scenario's own (its ``districts_file``
    or the package's real district table; its ``previous_eok``).

    Raises
    ------
    ParameterError
        A file that does not exist.
    InputError
        A file that breaks its rules (missing, duplicated or unknown gu, text in a number
        column, a unit it cannot read; file, row, column and value named).

    Examples
    --------
    >>> from cgresearch.allocation import Scenario
    >>> e = envelope_input(Scenario(name="s", total_budget_eok=250))
    >>> len(e.frame), e.provenance.describe("en")[:33]
    (25, 'file data/raw/seoul/districts.csv')
    """
    from cgresearch.allocation.scenario_files import scenario_districts, with_input_files

    ind = resolve_input_file(districts_file, where="districts_file")
    prev = resolve_input_file(previous_amounts_file, where="previous_amounts_file")
    chosen = with_input_files(scenario, ind, prev)
    files: dict[str, str] = {}
    for path in (chosen.districts_file, prev):
        if path:
            files[Path(path).name] = _digest(Path(path))
    if not chosen.districts_file:
        raw = paths.raw_data_dir() / "seoul" / "districts.csv"
        files = {"data/raw/seoul/districts.csv": _digest(raw), **files}
    return EnvelopeInput(chosen, scenario_districts(chosen), Provenance(False, files=files))


def input_file_digests(parameters: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Return ``{parameter: {"file": path as given, "sha256": ...}}`` of a run's real inputs.

    Examples
    --------
    >>> input_file_digests({"survey_file": "", "seed": 1})
    {}
    """
    out: dict[str, dict[str, str]] = {}
    for name in FILE_PARAMETERS:
        value = parameters.get(name)
        if not value:
            continue
        path = resolve_input_file(value, where=name)
        if path is not None:
            out[name] = {"file": str(value), "sha256": _digest(path)}
    return out


def data_line(
    parameters: Mapping[str, Any],
    lang: Lang = DEFAULT_LANG,
    *,
    notebook_file: str | os.PathLike[str] | None = None,
) -> str | None:
    """Say where a run's data came from, from its parameters (for the HTML report).

    The real files a run read (name and the start of the sha256); else "synthetic (seed N)" when
    the notebook declares a seed "of the synthetic" generator (its help comment); else ``None``
    (a chapter on the real reference data only, or no notebook to read).

    Examples
    --------
    >>> from cgresearch import paths
    >>> nb = paths.notebooks_dir() / "02_perception_gap.py"
    >>> data_line({"survey_file": "", "seed": 7}, "en", notebook_file=nb)
    'Data: synthetic (seed 7)'
    >>> data_line({"scenario": "x"}, "en") is None
    True
    """
    digests = input_file_digests(parameters)
    if digests:
        files = {Path(d["file"]).name: d["sha256"] for d in digests.values()}
        text = Provenance(False, files=files).describe(lang)
        return tr("Data: {provenance}", lang, provenance=text)
    seed = _synthetic_seed(parameters, notebook_file)
    if seed is None:
        return None
    text = Provenance(True, seed=seed).describe(lang)
    return tr("Data: {provenance}", lang, provenance=text)


def _synthetic_seed(
    parameters: Mapping[str, Any], notebook_file: str | os.PathLike[str] | None
) -> Any:
    if notebook_file is None:
        return None
    path = Path(notebook_file)
    if not path.is_absolute():
        path = paths.project_root() / path
    if not path.is_file():
        return None
    from cgresearch.errors import CGResearchError
    from cgresearch.report.params import declared_parameters

    try:
        declared = declared_parameters(path)
    except CGResearchError:
        return None  # a notebook the runner could not read has no data line
    for name, param in declared.items():
        if "seed" in name and "synthetic" in param.help and name in parameters:
            return parameters[name]
    return None


def check_inputs(parameter_sets: Iterable[Any]) -> None:
    """Load every real input file of the parameter sets; raise on the first that is wrong.

    Called by the report runner before any kernel starts, so that a wrong file stops the report
    with one clear message and leaves the previous outputs as they were.

    Raises
    ------
    ParameterError
        A file that does not exist (the parameter file and parameter named).
    InputError
        A file that breaks its schema or its codebook (file, row, column, value named).
    """
    for pset in parameter_sets:
        values = pset.parameters
        where = f"{pset.params_file}"
        for name in FILE_PARAMETERS:
            if values.get(name):
                here = msg("{file}: parameter {name!r}", file=where, name=name)
                resolve_input_file(values[name], where=here)
        if values.get("survey_file") or values.get("codebook_file"):
            survey_input(values.get("survey_file", ""), values.get("codebook_file", ""))
        if values.get("inventory_file"):
            inventory_input(values["inventory_file"])
        if values.get("proposals_file"):
            proposals_input(values["proposals_file"])
        _check_envelope_files(values)


def _check_envelope_files(values: Mapping[str, Any]) -> None:
    """Read a run's districts_file / previous_amounts_file (their rules, before any kernel)."""
    from cgresearch.data import load_district_indicators, load_previous_amounts

    if values.get("districts_file"):
        path = resolve_input_file(values["districts_file"], where="districts_file")
        assert path is not None
        load_district_indicators(path)
    if values.get("previous_amounts_file"):
        path = resolve_input_file(values["previous_amounts_file"], where="previous_amounts_file")
        assert path is not None
        load_previous_amounts(path)

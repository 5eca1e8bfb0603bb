"""Notebook parameters: read what a notebook declares, validate parameter files against it.

Papermill only warns about an unknown parameter name and injects values as they come; this module
checks every parameter set *before* a kernel starts. A notebook declares its parameters in one cell
tagged ``parameters`` (the first code cell), one per line, as ``name: type = literal  # help``;
papermill's own reader (:class:`papermill.translators.PythonTranslator`) reads the names, the
annotations and the help comments. A parameter file is YAML::

    notebook: 03_policy_demand        # the notebook, by file stem (notebooks/<stem>.py)
    title: Policy demand, officials   # optional: the run's title in the report index
    parameters:                       # optional: values replacing the notebook's defaults
      group: public
    expected_seconds: 10              # optional: scheduling hint until the run has been timed

Types understood: ``int``, ``float``, ``str``, ``bool``, ``list``, ``dict``, ``tuple``,
``list[T]``, ``tuple[T, ...]``, ``tuple[T1, T2]``, ``dict[K, V]``, ``Optional[T]`` and
``Literal[...]`` (the cell may start with ``from typing import Optional``: annotations of
module-level names are evaluated when the cell runs). Papermill cannot read ``Literal``
annotations, so a fixed set of values is listed in the help comment instead, ``one of: a, b``,
and checked here too. Conversions are the safe ones only (:mod:`cgresearch.report.coercion`,
whose :func:`coerce` is re-exported here).

Examples
--------
>>> from cgresearch.report.params import coerce
>>> coerce(3, "float", where="seed")
3.0
>>> coerce(["a", "b"], "list[str]", where="groups")
['a', 'b']
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cgresearch import paths
from cgresearch.errors import ParameterError, closest_match, msg
from cgresearch.report.coercion import coerce

__all__ = [
    "EDITION_PARAMETER",
    "RESERVED_PARAMETERS",
    "NotebookParameter",
    "ParameterSet",
    "check_choices",
    "choices",
    "coerce",
    "declared_parameters",
    "load_parameter_set",
    "load_parameter_sets",
    "read_notebook",
]

#: Parameters the runner sets itself; every report notebook declares them, no file may set them.
RESERVED_PARAMETERS: tuple[str, ...] = ("output_dir",)
#: The edition's language: the runner sets it (``cgresearch report --lang en``) in every notebook
#: that declares it (``lang: str = "ko"  # ...; one of: ko, en``); no file may set it.
EDITION_PARAMETER = "lang"

_FILE_KEYS = ("notebook", "title", "parameters", "expected_seconds")
_MISSING = object()


@dataclass(frozen=True)
class NotebookParameter:
    """One parameter declared in a notebook's ``parameters`` cell.

    Attributes
    ----------
    name, type, help
        The name, the annotation as written (``"list[str]"``) and the trailing comment.
    default
        The default value (the literal in the cell).
    """

    name: str
    type: str
    default: Any
    help: str


@dataclass(frozen=True)
class ParameterSet:
    """A validated parameter set: one run of one notebook.

    Attributes
    ----------
    run_id
        The parameter file's stem; names the run's output folder.
    notebook
        The notebook's stem (``notebooks/<notebook>.py``).
    notebook_path, params_file
        The notebook source and the parameter file.
    title
        The run's title for the report index.
    parameters
        Every declared parameter except the reserved ones, converted to its declared type:
        the notebook's default unless the file sets it.
    overrides
        The names the file set.
    expected_seconds
        The file's hint of how long the run takes, for scheduling before any run was timed.
    """

    run_id: str
    notebook: str
    notebook_path: Path
    params_file: Path
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    expected_seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the set as plain JSON-ready data (paths relative to the project root)."""
        return {
            "run_id": self.run_id,
            "notebook": self.notebook,
            "notebook_file": _rel(self.notebook_path),
            "params_file": _rel(self.params_file),
            "title": self.title,
            "parameters": self.parameters,
            "overrides": list(self.overrides),
        }


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.project_root()).as_posix()
    except ValueError:
        return path.name


# --- reading a notebook -------------------------------------------------------------------------
def read_notebook(path: str | Path) -> Any:
    """Read a notebook (jupytext ``.py`` source or ``.ipynb``) as an ``nbformat`` node."""
    import jupytext

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"notebook {path} does not exist")
    return jupytext.read(path)


def _parameters_cell(nb: Any, where: str) -> Any:
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ParameterError(
            f"{where}: expected exactly one cell tagged 'parameters', found {len(tagged)}; "
            'mark it with `# %% tags=["parameters"]`'
        )
    if code[0] is not tagged[0]:
        raise ParameterError(
            f"{where}: the cell tagged 'parameters' must be the first code cell; "
            "move imports and derived values below it"
        )
    return tagged[0]


def declared_parameters(notebook: str | Path | Any) -> dict[str, NotebookParameter]:
    """Return the parameters a notebook declares, by name, in declaration order.

    Parameters
    ----------
    notebook
        A notebook path (``.py`` jupytext source or ``.ipynb``) or an ``nbformat`` node.

    Raises
    ------
    ParameterError
        When the cell is missing, not first, declares a name without a type annotation or a help
        comment, holds a statement papermill cannot read, has a non-literal default, or a default
        that does not match its type.

    Examples
    --------
    >>> from cgresearch import paths
    >>> p = declared_parameters(paths.notebooks_dir() / "01_project_inventory.py")
    >>> p["output_dir"].type
    'str'
    """
    from papermill.translators import PythonTranslator

    if isinstance(notebook, str | Path):
        where = str(notebook)
        nb = read_notebook(notebook)
    else:
        where = "notebook"
        nb = notebook
    cell = _parameters_cell(nb, where)
    found = {p.name: p for p in PythonTranslator.inspect(cell)}
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: parameters cell line {exc.lineno}: {exc.msg}") from exc
    declared: dict[str, NotebookParameter] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "typing":
            continue  # `from typing import Literal, Optional` for the annotations
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            name = target.id if isinstance(target, ast.Name) else ast.unparse(target)
            raise ParameterError(
                f"{where}: parameter {name!r} (line {stmt.lineno}) has no type annotation; "
                f"write `{name}: <type> = <value>  # <help>`"
            )
        else:
            raise ParameterError(
                f"{where}: parameters cell line {stmt.lineno}: only `name: type = value  # help` "
                "declarations (and `from typing import ...`) belong here; compute derived values "
                "in a later cell"
            )
        if name not in found:
            raise ParameterError(
                f"{where}: papermill cannot read the declaration of {name!r} "
                f"(line {stmt.lineno}); use a type it parses, e.g. Optional[float] rather than "
                "float | None, and keep `name: type = value  # help` on one logical line"
            )
        info = found[name]
        if not info.help:
            raise ParameterError(
                f"{where}: parameter {name!r} has no help comment; end its line with `# <help>`"
            )
        if stmt.value is None:
            raise ParameterError(f"{where}: parameter {name!r} has no default value")
        try:
            default = ast.literal_eval(stmt.value)
        except ValueError as exc:
            raise ParameterError(
                f"{where}: parameter {name!r} has a computed default "
                f"({ast.unparse(stmt.value)}); defaults must be literals, compute derived values "
                "in a later cell"
            ) from exc
        default = coerce(default, info.inferred_type_name, where=f"{where}: default of {name!r}")
        declared[name] = NotebookParameter(name, info.inferred_type_name, default, info.help)
        check_choices(declared[name], default, where=f"{where}: default of {name!r}")
    missing = [r for r in RESERVED_PARAMETERS if r not in declared]
    if missing:
        raise ParameterError(
            f"{where}: a report notebook declares {', '.join(missing)}: the runner sets it "
            '(e.g. `output_dir: str = ""  # folder for figures, tables and key figures`)'
        )
    return declared


_CHOICES_RE = re.compile(r"one of:\s*([^;()]+)")


def choices(param: NotebookParameter) -> tuple[str, ...] | None:
    """Return the allowed values a help comment lists as ``one of: a, b, c`` (else ``None``).

    Papermill cannot read ``Literal[...]`` annotations, so a parameter with a fixed set of values
    is declared ``mode: str = "mean"  # dividing lines; one of: mean, median``.

    Examples
    --------
    >>> choices(NotebookParameter("cut", "str", "mean", "IPA dividing lines; one of: mean, median"))
    ('mean', 'median')
    """
    match = _CHOICES_RE.search(param.help)
    if not match:
        return None
    return tuple(c.strip() for c in match.group(1).split(",") if c.strip())


def check_choices(param: NotebookParameter, value: Any, *, where: str) -> None:
    """Raise :class:`ParameterError` when ``value`` is not among the parameter's listed choices."""
    allowed = choices(param)
    if allowed is None:
        return
    values = value if isinstance(value, list | tuple) else [value]
    for v in values:
        if str(v) not in allowed:
            raise ParameterError(
                f"{where}: {v!r} is not one of {', '.join(allowed)}" + _suggest(str(v), allowed)
            )


# --- parameter files ----------------------------------------------------------------------------
def _suggest(name: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` or ``""``: a message part, translated with its message."""
    close = closest_match(name, choices)
    return msg("; did you mean {close!r}?", close=close) if close else ""


def load_parameter_set(
    params_file: str | Path,
    notebooks_dir: str | Path | None = None,
    _declared_cache: dict[Path, dict[str, NotebookParameter]] | None = None,
    *,
    lang: str | None = None,
) -> ParameterSet:
    """Read and validate one parameter file against its notebook's declared parameters.

    Parameters
    ----------
    params_file
        A YAML file with ``notebook`` and optional ``title`` and ``parameters``.
    notebooks_dir
        Where notebooks live; default :func:`cgresearch.paths.notebooks_dir`.
    lang
        The edition (``"ko"`` or ``"en"``), set as the ``lang`` parameter of a notebook that
        declares one and checked against its declared choices; ``None`` keeps the default.

    Raises
    ------
    ParameterError
        Naming the file and the parameter: unknown name (with the closest declared one), wrong
        type, reserved name, unknown notebook, malformed YAML, a language the notebook does not
        offer.

    Examples
    --------
    >>> from cgresearch import paths
    >>> s = load_parameter_set(paths.params_dir() / "01_project_inventory.yaml")
    >>> s.notebook
    '01_project_inventory'
    """
    params_file = Path(params_file)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    try:
        doc = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError.of(
            "{file}: not valid YAML: {reason}", file=params_file, reason=exc
        ) from exc
    except OSError as exc:
        raise ParameterError(f"{params_file}: cannot read: {exc}") from exc
    if not isinstance(doc, dict):
        raise ParameterError.of(
            "{file}: expected a mapping with 'notebook' and 'parameters'", file=params_file
        )
    for key in doc:
        if key not in _FILE_KEYS:
            raise ParameterError.of(
                "{file}: unknown key {key!r} (allowed: {known}){hint}",
                file=params_file,
                key=key,
                known=", ".join(_FILE_KEYS),
                hint=_suggest(str(key), _FILE_KEYS),
            )
    notebook = doc.get("notebook")
    if not isinstance(notebook, str) or not notebook:
        raise ParameterError(f"{params_file}: 'notebook' must name a notebook, e.g. 01_example")
    nb_path = nb_dir / f"{notebook}.py"
    if not nb_path.is_file():
        known = sorted(p.stem for p in nb_dir.glob("*.py"))
        raise ParameterError.of(
            "{file}: notebook {notebook!r} not found in {folder}{hint}",
            file=params_file,
            notebook=notebook,
            folder=nb_dir,
            hint=_suggest(notebook, known),
        )
    key = nb_path.resolve()
    if _declared_cache is not None and key in _declared_cache:
        declared = _declared_cache[key]
    else:
        declared = declared_parameters(nb_path)
        if _declared_cache is not None:
            _declared_cache[key] = declared
    given = doc.get("parameters") or {}
    if not isinstance(given, dict):
        raise ParameterError(f"{params_file}: 'parameters' must be a mapping of name: value")
    values = {n: p.default for n, p in declared.items() if n not in RESERVED_PARAMETERS}
    for name, value in given.items():
        if name in RESERVED_PARAMETERS:
            raise ParameterError.of(
                "{file}: parameter {name!r} is set by the report runner; remove it",
                file=params_file,
                name=name,
            )
        if name == EDITION_PARAMETER and name in declared:
            raise ParameterError.of(
                "{file}: parameter {name!r} is the edition's language, set by the report runner; "
                "remove it and run `cgresearch report --lang en` for the English edition",
                file=params_file,
                name=name,
            )
        if name not in declared:
            choices = [n for n in declared if n not in RESERVED_PARAMETERS]
            raise ParameterError.of(
                "{file}: unknown parameter {name!r} for notebook {notebook}{hint} (declared: "
                "{known})",
                file=params_file,
                name=name,
                notebook=notebook,
                hint=_suggest(str(name), choices),
                known=", ".join(choices),
            )
        here = msg("{file}: parameter {name!r}", file=params_file, name=name)
        values[name] = coerce(value, declared[name].type, where=here)
        check_choices(declared[name], values[name], where=here)
        _check_input_file(name, values[name], here)
    if lang is not None and EDITION_PARAMETER in declared:
        here = f"{params_file}: report language (--lang) for notebook {notebook}"
        values[EDITION_PARAMETER] = coerce(lang, declared[EDITION_PARAMETER].type, where=here)
        check_choices(declared[EDITION_PARAMETER], values[EDITION_PARAMETER], where=here)
    title = doc.get("title", notebook)
    expected = doc.get("expected_seconds")
    if expected is not None and (
        isinstance(expected, bool) or not isinstance(expected, int | float) or expected <= 0
    ):
        raise ParameterError(f"{params_file}: 'expected_seconds' must be a positive number")
    if not isinstance(title, str):
        raise ParameterError(f"{params_file}: 'title' must be text")
    return ParameterSet(
        run_id=params_file.stem,
        notebook=notebook,
        notebook_path=nb_path,
        params_file=params_file,
        title=title,
        parameters=values,
        overrides=tuple(given),
        expected_seconds=None if expected is None else float(expected),
    )


def _check_input_file(name: str, value: Any, where: str) -> None:
    """A data-file parameter (``survey_file`` ...) that is set must name an existing file."""
    from cgresearch.report.inputs import FILE_PARAMETERS, resolve_input_file

    if name in FILE_PARAMETERS and isinstance(value, str) and value:
        resolve_input_file(value, where=where)


def load_parameter_sets(
    select: Sequence[str] = (),
    params_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    *,
    lang: str | None = None,
) -> list[ParameterSet]:
    """Read and validate every ``*.yaml`` parameter file, or those selected.

    Parameters
    ----------
    select
        Notebook stems, run ids (file stems) or their two-digit prefixes (``"03"``); empty = all.
    params_dir, notebooks_dir
        Default :func:`cgresearch.paths.params_dir` and :func:`cgresearch.paths.notebooks_dir`.
    lang
        The edition's language for notebooks that declare ``lang`` (see
        :func:`load_parameter_set`).

    Raises
    ------
    ParameterError
        For the first invalid file, or a selection that matches nothing.

    Examples
    --------
    >>> sets = load_parameter_sets(["01"])
    >>> [s.run_id for s in sets]
    ['01_project_inventory']
    """
    p_dir = Path(params_dir) if params_dir is not None else paths.params_dir()
    files = sorted([*p_dir.glob("*.yaml"), *p_dir.glob("*.yml")])
    if not files:
        raise ParameterError.of("no parameter files (*.yaml) in {folder}", folder=p_dir)
    ids = [f.stem for f in files]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ParameterError(f"{p_dir}: two parameter files share the run id {dupes[0]!r}")
    if select:
        peeked = {f: _peek_notebook(f) for f in files}
        chosen: list[Path] = []
        for want in select:
            hits = [
                f for f, nb in peeked.items() if want in (f.stem, nb) or nb.split("_", 1)[0] == want
            ]
            if not hits:
                names = sorted(set(peeked.values()) | set(ids))
                raise ParameterError.of(
                    "no notebook or parameter set {want!r} in {folder}{hint}",
                    want=want,
                    folder=p_dir,
                    hint=_suggest(want, names),
                )
            chosen += [h for h in hits if h not in chosen]
        files = chosen
    cache: dict[Path, dict[str, NotebookParameter]] = {}
    return [load_parameter_set(f, notebooks_dir, cache, lang=lang) for f in files]


def _peek_notebook(params_file: Path) -> str:
    """Return the ``notebook`` a parameter file names ("" when unreadable; validated later)."""
    try:
        doc = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    value = doc.get("notebook") if isinstance(doc, dict) else None
    return value if isinstance(value, str) else ""

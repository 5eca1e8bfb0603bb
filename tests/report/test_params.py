"""Parameter validation against a notebook's declared parameters (no kernel starts here)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cgresearch.errors import ParameterError
from cgresearch.report.params import declared_parameters, load_parameter_sets

FIXTURES = Path(__file__).parent / "fixtures"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _nb(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("x = 1")])


def test_declared_parameters_read_names_types_defaults_and_help_from_the_fixture():
    declared = declared_parameters(FIXTURES / "tiny.py")
    assert list(declared) == [
        "n",
        "scale",
        "label",
        "groups",
        "fail",
        "pause",
        "notify",
        "output_dir",
    ]
    assert declared["groups"].type == "list[str]"
    assert declared["groups"].default == ["a", "b"]
    assert declared["scale"].default == 1.5
    assert declared["n"].help == "number of rows of the table"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ('n = 3  # rows\noutput_dir: str = ""  # out', "no type annotation"),
        ('n: int = 3\noutput_dir: str = ""  # out', "no help comment"),
        ('n: int = 2 * 3  # rows\noutput_dir: str = ""  # out', "computed default"),
        ('n: int = "three"  # rows\noutput_dir: str = ""  # out', "expected int"),
        ('r: float | None = None  # cap\noutput_dir: str = ""  # out', "papermill cannot read"),
        ("n: int = 3  # rows", "output_dir"),
        ('import os\noutput_dir: str = ""  # out', "only `name: type = value"),
        ('m: str = "c"  # mode; one of: a, b\noutput_dir: str = ""  # o', "'c' is not one of a, b"),
    ],
)
def test_badly_declared_parameters_are_refused_with_the_reason(source, fragment):
    with pytest.raises(ParameterError) as info:
        declared_parameters(_nb(source))
    assert fragment in str(info.value)


def test_parameters_cell_must_be_the_first_code_cell():
    nb = _nb('output_dir: str = ""  # out')
    nb.cells.insert(0, nbformat.v4.new_code_cell("import os"))
    with pytest.raises(ParameterError, match="first code cell"):
        declared_parameters(nb)


def test_unknown_parameter_is_refused_naming_file_and_closest_declared_name(tmp_path):
    f = _write(tmp_path, "tiny_x.yaml", "notebook: tiny\nparameters:\n  scal: 2\n")
    with pytest.raises(ParameterError) as info:
        load_parameter_sets(params_dir=tmp_path, notebooks_dir=FIXTURES)
    msg = str(info.value)
    assert str(f) in msg
    assert "unknown parameter 'scal'" in msg
    assert "did you mean 'scale'?" in msg


def test_wrong_type_is_refused_naming_file_and_parameter(tmp_path):
    f = _write(tmp_path, "tiny_x.yaml", "notebook: tiny\nparameters:\n  n: 2.5\n")
    with pytest.raises(ParameterError) as info:
        load_parameter_sets(params_dir=tmp_path, notebooks_dir=FIXTURES)
    assert f"{f}: parameter 'n': expected int" in str(info.value)


def test_valid_file_is_converted_and_merged_with_the_defaults(tmp_path):
    _write(tmp_path, "tiny_x.yaml", "notebook: tiny\ntitle: T\nparameters:\n  n: '7'\n  scale: 2\n")
    (s,) = load_parameter_sets(params_dir=tmp_path, notebooks_dir=FIXTURES)
    assert s.run_id == "tiny_x"
    assert s.title == "T"
    assert s.parameters == {
        "n": 7,
        "scale": 2.0,
        "label": "demo",
        "groups": ["a", "b"],
        "fail": False,
        "pause": 0.0,
        "notify": "",
    }
    assert s.overrides == ("n", "scale")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("notebook: tiny\nparameters:\n  output_dir: /tmp\n", "set by the report runner"),
        ("notebook: tinny\n", "did you mean 'tiny'?"),
        ("notebok: tiny\n", "unknown key 'notebok'"),
        ("notebook: tiny\nparameters: [1]\n", "must be a mapping"),
        ("notebook: [tiny\n", "not valid YAML"),
        ("notebook: tiny\nexpected_seconds: soon\n", "'expected_seconds' must be a positive"),
    ],
)
def test_malformed_parameter_files_are_refused(tmp_path, text, fragment):
    _write(tmp_path, "bad.yaml", text)
    with pytest.raises(ParameterError) as info:
        load_parameter_sets(params_dir=tmp_path, notebooks_dir=FIXTURES)
    assert fragment in str(info.value)


def test_selection_by_notebook_or_run_id_validates_only_the_selected_files(tmp_path):
    _write(tmp_path, "tiny_a.yaml", "notebook: tiny\n")
    _write(tmp_path, "tiny_b.yaml", "notebook: tiny\nparameters:\n  n: 1\n")
    _write(tmp_path, "zz_broken.yaml", "notebook: missing_notebook\n")
    assert [s.run_id for s in load_parameter_sets(["tiny"], tmp_path, FIXTURES)] == [
        "tiny_a",
        "tiny_b",
    ]
    assert [s.run_id for s in load_parameter_sets(["tiny_b"], tmp_path, FIXTURES)] == ["tiny_b"]
    with pytest.raises(ParameterError, match="did you mean 'tiny_a'"):
        load_parameter_sets(["tiny_aa"], tmp_path, FIXTURES)
    with pytest.raises(ParameterError, match="missing_notebook"):
        load_parameter_sets([], tmp_path, FIXTURES)


def test_choices_listed_in_the_help_comment_are_enforced_for_parameter_files(tmp_path):
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "pick.py").write_text(
        '# %% tags=["parameters"]\n'
        'cut: str = "mean"  # IPA dividing lines; one of: mean, median\n'
        'output_dir: str = ""  # out\n',
        encoding="utf-8",
    )
    f = _write(tmp_path / "p", "pick.yaml", "notebook: pick\nparameters:\n  cut: meen\n")
    with pytest.raises(ParameterError) as info:
        load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir)
    assert f"{f}: parameter 'cut': 'meen' is not one of mean, median; did you mean 'mean'?" in str(
        info.value
    )
    _write(tmp_path / "p", "pick.yaml", "notebook: pick\nparameters:\n  cut: median\n")
    (s,) = load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir)
    assert s.parameters == {"cut": "median"}


def _edition_notebooks(tmp_path: Path) -> Path:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "chapter.py").write_text(
        '# %% tags=["parameters"]\n'
        'lang: str = "ko"  # edition language (set by the runner); one of: ko, en\n'
        'output_dir: str = ""  # out\n',
        encoding="utf-8",
    )
    (nb_dir / "plain.py").write_text(
        '# %% tags=["parameters"]\noutput_dir: str = ""  # out\n', encoding="utf-8"
    )
    _write(tmp_path / "p", "chapter.yaml", "notebook: chapter\n")
    _write(tmp_path / "p", "plain.yaml", "notebook: plain\n")
    return nb_dir


def test_the_edition_language_reaches_the_notebooks_that_declare_it(tmp_path):
    nb_dir = _edition_notebooks(tmp_path)
    sets = load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir, lang="en")
    assert {s.run_id: s.parameters for s in sets} == {"chapter": {"lang": "en"}, "plain": {}}
    default = load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir)
    assert default[0].parameters == {"lang": "ko"}  # Korean first


def test_a_language_the_notebook_does_not_offer_is_refused_naming_the_choices(tmp_path):
    nb_dir = _edition_notebooks(tmp_path)
    with pytest.raises(
        ParameterError, match=r"report language \(--lang\).*'fr' is not one of ko, en"
    ):
        load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir, lang="fr")


def test_a_parameter_file_may_not_set_the_edition_language(tmp_path):
    nb_dir = _edition_notebooks(tmp_path)
    _write(tmp_path / "p", "chapter.yaml", "notebook: chapter\nparameters:\n  lang: en\n")
    with pytest.raises(ParameterError, match=r"'lang' is the edition's language.*--lang en"):
        load_parameter_sets(params_dir=tmp_path / "p", notebooks_dir=nb_dir)


def test_the_report_chapters_01_to_03_declare_the_edition_language():
    from cgresearch import paths

    for stem in ("01_project_inventory", "02_perception_gap", "03_policy_demand"):
        declared = declared_parameters(paths.notebooks_dir() / f"{stem}.py")
        assert declared["lang"].default == "ko", stem
        assert "one of: ko, en" in declared["lang"].help, stem

"""environment.yml stays in step with pyproject.toml, and the lock with both."""

from __future__ import annotations

import tomllib

import yaml

from cgresearch import paths


def _pyproject() -> dict:
    return tomllib.loads((paths.project_root() / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_installs_the_package_with_the_dev_extra_from_pyproject() -> None:
    env = yaml.safe_load((paths.project_root() / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    pip_entries = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip_entries == ["-e .[dev]"], "environment.yml must only install the package itself"
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    required = _pyproject()["project"]["requires-python"]  # ">=3.11"
    assert python.split("=")[-1] == required.removeprefix(">="), (python, required)
    conda_pkgs = {d.split("=")[0] for d in deps if isinstance(d, str)}
    assert conda_pkgs == {"python", "pip"}, "dependencies belong in pyproject.toml, not here"
    assert "dev" in _pyproject()["project"]["optional-dependencies"]


def test_the_lock_pins_every_direct_dependency_of_pyproject() -> None:
    lock = tomllib.loads((paths.project_root() / "uv.lock").read_text(encoding="utf-8"))
    locked = {pkg["name"] for pkg in lock["package"]}
    project = _pyproject()["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += [d for d in extra if not d.startswith("cgresearch")]
    for spec in wanted:
        name = spec.split(">")[0].split("=")[0].split("[")[0].split("<")[0].strip().lower()
        assert name in locked, f"{name} is in pyproject.toml but not in uv.lock: run `uv lock`"

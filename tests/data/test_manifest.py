"""The raw-data manifest: every raw file matches its sha256, and a change is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cgresearch import paths
from cgresearch.data.manifest import compute_manifest, sha256_file, verify_manifest, write_manifest


def test_committed_raw_files_match_the_manifest() -> None:
    check = verify_manifest()
    assert check.ok, check.describe()


def test_pabulib_hashes_match_the_ones_published_in_the_shared_readme() -> None:
    # data/raw/pabulib/README.md (copied unchanged) prints the first 16 hex digits of each sha256.
    readme = (paths.raw_data_dir() / "pabulib" / "README.md").read_text(encoding="utf-8")
    published = {
        line.split("|")[1].strip(): line.split("|")[-2].strip().rstrip("…")
        for line in readme.splitlines()
        if line.startswith("| ") and ".pb" in line
    }
    assert len(published) == 8
    for name, prefix in published.items():
        assert sha256_file(paths.raw_data_dir() / "pabulib" / name).startswith(prefix), name


def test_sha256_of_a_known_byte_string(tmp_path: Path) -> None:
    f = tmp_path / "abc.txt"
    f.write_bytes(b"abc")  # FIPS 180-2 test vector
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.fixture
def raw_copy(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_data_dir() / "seoul", raw / "seoul")
    manifest = tmp_path / "MANIFEST"
    write_manifest(manifest, raw)
    return raw, manifest


def test_a_modified_raw_file_is_reported_as_changed(raw_copy: tuple[Path, Path]) -> None:
    raw, manifest = raw_copy
    with (raw / "seoul" / "districts.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    check = verify_manifest(manifest, raw)
    assert check.changed == ["raw/seoul/districts.csv"]
    assert "changed (sha256 differs): raw/seoul/districts.csv" in check.describe("en")
    assert "바뀜(sha256이 다름): raw/seoul/districts.csv" in check.describe()  # Korean default


def test_missing_and_unlisted_files_are_reported(raw_copy: tuple[Path, Path]) -> None:
    raw, manifest = raw_copy
    (raw / "seoul" / "sources.csv").unlink()
    (raw / "seoul" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    check = verify_manifest(manifest, raw)
    assert check.missing == ["raw/seoul/sources.csv"]
    assert check.unlisted == ["raw/seoul/extra.csv"]
    assert not check.ok


def test_the_manifest_lists_paths_relative_to_data(raw_copy: tuple[Path, Path]) -> None:
    raw, _ = raw_copy
    assert "raw/seoul/geo/seoul_gu_juso2015_geo_simple.json" in compute_manifest(raw)

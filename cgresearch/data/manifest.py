"""The manifest of raw data: the sha256 of every file under ``data/raw/``.

Raw data is never modified. ``data/MANIFEST`` records one line per file, ``<sha256>  <path>``
(the format of ``sha256sum``, paths relative to ``data/``), so that ``sha256sum -c`` also checks it.

Examples
--------
>>> from cgresearch.data.manifest import verify_manifest
>>> verify_manifest().ok
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cgresearch import paths
from cgresearch.errors import InputError
from cgresearch.i18n import DEFAULT_LANG, Lang, tr

__all__ = ["ManifestCheck", "compute_manifest", "sha256_file", "verify_manifest", "write_manifest"]


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def compute_manifest(raw_dir: Path | None = None) -> dict[str, str]:
    """Return ``{path relative to data/: sha256}`` for every file under ``raw_dir``, sorted."""
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.raw_data_dir()
    base = raw_dir.parent
    files = sorted(p for p in raw_dir.rglob("*") if p.is_file())
    return {p.relative_to(base).as_posix(): sha256_file(p) for p in files}


def _read_manifest(manifest: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    for lineno, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            raise InputError(
                f"{manifest}, line {lineno}: expected '<sha256>  <path>', got {line!r}. "
                "Restore data/MANIFEST with `git checkout data/MANIFEST`, or regenerate it with "
                "`cgresearch data manifest --write` after checking the raw files."
            )
        entries[rel] = digest
    return entries


@dataclass(frozen=True)
class ManifestCheck:
    """The result of checking raw files against the manifest."""

    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every listed file is present and unchanged and none is unlisted."""
        return not (self.changed or self.missing or self.unlisted)

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """Say in plain words (``lang``: Korean by default, or ``"en"``) what differs and, for
        each file, what to do."""
        if self.ok:
            return tr("data/MANIFEST: every raw file matches its sha256.", lang)
        lines = [tr("data/MANIFEST does not match data/raw/:", lang)]
        lines += [
            tr(
                "  changed (sha256 differs): {path}: restore it from its source ({readme}) or "
                "`git checkout data/{path}`",
                lang,
                path=p,
                readme=_readme_of(p),
            )
            for p in self.changed
        ]
        lines += [
            tr(
                "  missing (listed, not on disk): {path}: restore it from its source ({readme}) "
                "or `git checkout data/{path}`",
                lang,
                path=p,
                readme=_readme_of(p),
            )
            for p in self.missing
        ]
        lines += [
            tr(
                "  unlisted (on disk, not in the manifest): {path}: delete it, or if it is a new "
                "raw file on purpose, document its source and run `cgresearch data manifest "
                "--write`",
                lang,
                path=p,
            )
            for p in self.unlisted
        ]
        lines.append(tr("Raw data is never modified.", lang))
        return "\n".join(lines)


def _readme_of(rel: str) -> str:
    """The README that documents the source of a raw file (``raw/<folder>/README.md``)."""
    parts = rel.split("/")
    return "/".join(["data", *parts[:2], "README.md"]) if len(parts) > 2 else "data/raw/"


def verify_manifest(manifest: Path | None = None, raw_dir: Path | None = None) -> ManifestCheck:
    """Compare the raw files on disk with the manifest.

    Parameters
    ----------
    manifest
        The manifest file; default ``data/MANIFEST``.
    raw_dir
        The raw-data folder; default ``data/raw/``.

    Raises
    ------
    InputError
        When the manifest or the raw-data folder is missing, or a manifest line is malformed.
    """
    manifest = Path(manifest) if manifest is not None else paths.manifest_file()
    if not manifest.is_file():
        raise InputError(
            f"{manifest} does not exist: restore it with `git checkout data/MANIFEST`, or create "
            "it with `cgresearch data manifest --write` after checking the raw files."
        )
    raw = Path(raw_dir) if raw_dir is not None else paths.raw_data_dir()
    if not raw.is_dir():
        raise InputError(
            f"{raw} is not a folder: the raw data belong in data/raw/ (clone the repository "
            "again or restore the folder with `git checkout data/raw`)."
        )
    listed = _read_manifest(manifest)
    actual = compute_manifest(raw_dir)
    return ManifestCheck(
        changed=sorted(p for p in listed.keys() & actual.keys() if listed[p] != actual[p]),
        missing=sorted(listed.keys() - actual.keys()),
        unlisted=sorted(actual.keys() - listed.keys()),
    )


def write_manifest(manifest: Path | None = None, raw_dir: Path | None = None) -> Path:
    """Write the manifest for the raw files on disk and return its path."""
    manifest = Path(manifest) if manifest is not None else paths.manifest_file()
    body = "".join(f"{digest}  {rel}\n" for rel, digest in compute_manifest(raw_dir).items())
    manifest.write_text(body, encoding="utf-8")
    return manifest

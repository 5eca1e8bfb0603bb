"""Shared by the edition tests: run chapters in both languages into one folder, read an edition."""

from __future__ import annotations

import json
from pathlib import Path

from cgresearch import paths
from cgresearch.report.runner import run_report

SMOKE_PARAMS = Path(__file__).parent / "params"


def run_both_editions(chapters: list[str], out: Path) -> Path:
    """Run ``chapters`` with the smoke parameters in Korean (``out``) and English (``out/en``)."""
    for lang in ("ko", "en"):
        result = run_report(
            chapters,
            params_dir=SMOKE_PARAMS,
            notebooks_dir=paths.notebooks_dir(),
            out_dir=out,
            quiet=True,
            lang=lang,
        )
        assert result.ok, result.describe()
    return out


def edition(root: Path, lang: str) -> Path:
    """The folder of an edition: Korean at the root, English in ``en/``."""
    return root if lang == "ko" else root / "en"


def key_figures(run: Path) -> dict:
    """A run's key_figures.json."""
    return json.loads((run / "key_figures.json").read_text(encoding="utf-8"))

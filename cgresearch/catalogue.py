"""The message catalogues on disk: where they are and what they hold (message id → text).

The lowest room of the i18n machinery: :mod:`cgresearch.errors` (localised error messages) and
:mod:`cgresearch.i18n` (``tr``) both read the catalogue through :func:`translations`, so that no
import runs back. The English text is the message id; English needs no catalogue.

Examples
--------
>>> translations("ko")["Budget (100 million KRW)"]
'예산(억원)'
>>> translations("en")
{}
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["catalogue_path", "translations"]

_LOCALE_DIR = Path(__file__).parent / "locale"


def catalogue_path(lang: str = "ko") -> Path:
    """Return the path of the ``.po`` catalogue of ``lang`` (English needs none)."""
    return _LOCALE_DIR / lang / "LC_MESSAGES" / "cgresearch.po"


@cache
def translations(lang: str) -> dict[str, str]:
    """Return ``{English message id: translation}`` of ``lang`` (empty for English or a
    language without a catalogue), read with Babel from the ``.po`` file (no compile step)."""
    path = catalogue_path(lang)
    if lang == "en" or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}

"""Korean first, English on request: the message catalogue of every user-facing string.

Every sentence, title, label, legend, caption and column header that a reader sees is written in
the code as its English text wrapped in :func:`tr`, with ``{name}`` placeholders for values::

    tr("{n} gu at the floor", lang, n=3)

The English text is the message id (the English edition prints it as it is); the Korean edition
looks it up in the gettext catalogue ``cgresearch/locale/ko/LC_MESSAGES/cgresearch.po``, read with
Babel (no compile step). Korean is the default language of the package and of the report.

Error messages are templates too (:meth:`cgresearch.errors.CGResearchError.of`,
:func:`cgresearch.errors.msg`, :func:`cgresearch.errors.N_` for a rule text): their English text
is the message id, and ``exc.localized(lang)`` looks them up in the same catalogue.

Keeping the catalogue whole::

    pybabel extract -k tr -k of -k msg -k N_ -o cgresearch/locale/cgresearch.pot \
        cgresearch notebooks
    pybabel update -i cgresearch/locale/cgresearch.pot -d cgresearch/locale -D cgresearch -l ko

``tests/test_i18n.py`` fails on any ``tr`` message without a Korean translation. Only literal
strings can be extracted: never pass an f-string or a variable to ``tr``.

Examples
--------
>>> from cgresearch.i18n import tr
>>> tr("Budget (100 million KRW)", "en")
'Budget (100 million KRW)'
>>> tr("Budget (100 million KRW)", "ko")
'예산(억원)'
>>> tr("{n} gu at the floor", "ko", n=3)
'하한에 걸린 구 3곳'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from cgresearch.catalogue import catalogue_path as _catalogue_path
from cgresearch.catalogue import translations as _translations
from cgresearch.errors import ParameterError, closest_match

__all__ = ["DEFAULT_LANG", "LANGUAGES", "Lang", "catalogue_path", "check_lang", "tr"]

Lang = Literal["ko", "en"]
LANGUAGES: tuple[Lang, ...] = ("ko", "en")
DEFAULT_LANG: Lang = "ko"


def catalogue_path(lang: Lang = "ko") -> Path:
    """Return the path of the ``.po`` catalogue of ``lang`` (English needs none)."""
    return _catalogue_path(lang)


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is a language of the report, else raise a ParameterError.

    >>> check_lang("en")
    'en'
    """
    if lang in LANGUAGES:
        return lang  # type: ignore[return-value]
    hint = closest_match(lang, LANGUAGES)
    if hint:
        raise ParameterError.of(
            "language {lang!r} is not available: use 'ko' (Korean, the default) or 'en' "
            "(English); did you mean {hint!r}?",
            lang=lang,
            hint=hint,
        )
    raise ParameterError.of(
        "language {lang!r} is not available: use 'ko' (Korean, the default) or 'en' (English)",
        lang=lang,
    )


def tr(message: str, lang: Lang = DEFAULT_LANG, /, **values: object) -> str:
    """Return ``message`` (English text, the message id) in ``lang``, formatted with ``values``.

    A message without a Korean translation comes back in English (the catalogue test catches it
    before a release); an unknown language raises a :class:`~cgresearch.errors.ParameterError`.

    Parameters
    ----------
    message
        The English text, a literal string with ``{name}`` placeholders.
    lang
        ``"ko"`` (default) or ``"en"``.
    **values
        Values for the placeholders, formatted with :meth:`str.format`.
    """
    text = _translations(check_lang(lang)).get(message, message)
    return text.format(**values) if values else text

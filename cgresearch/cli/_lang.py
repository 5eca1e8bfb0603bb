"""The language of the command line: ``--lang ko|en`` on ``cgresearch`` and on every command.

Korean is the default; the ``CGRESEARCH_LANG`` environment variable changes the default; a
command's own ``--lang`` (``cgresearch allocate X --lang en``) means the same as the global one
(``cgresearch --lang en allocate X``) and wins when both are given.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_lang_option(p, global_option=True)
>>> p.parse_args(["--lang", "en"]).lang
'en'
"""

from __future__ import annotations

import argparse
import os

from cgresearch.i18n import DEFAULT_LANG, LANGUAGES, Lang, check_lang

ENV_VAR = "CGRESEARCH_LANG"


def default_lang() -> Lang:
    """Return the language of ``CGRESEARCH_LANG`` (checked), else Korean.

    Raises
    ------
    ParameterError
        When ``CGRESEARCH_LANG`` names a language other than ``ko`` or ``en``.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    return check_lang(value) if value else DEFAULT_LANG


def resolve_lang(given: str | None) -> Lang:
    """Return the language asked for by ``--lang`` (``given``), else by ``CGRESEARCH_LANG``,
    else Korean.

    Raises
    ------
    ParameterError
        When either names a language other than ``ko`` or ``en`` (e.g. ``--lang fr``).

    Examples
    --------
    >>> resolve_lang("en")
    'en'
    """
    return default_lang() if given is None else check_lang(given)


def add_lang_option(p: argparse.ArgumentParser, *, global_option: bool = False) -> None:
    """Declare ``--lang`` on ``p``: on a sub-command it is set only when given, so that the
    global ``cgresearch --lang`` is not overwritten by a sub-command's default."""
    p.add_argument(
        "--lang",
        metavar="{" + ",".join(LANGUAGES) + "}",  # checked by resolve_lang: one plain error
        default=None if global_option else argparse.SUPPRESS,
        help=f"language of what is printed: ko (Korean, the default, or ${ENV_VAR}) or en",
    )

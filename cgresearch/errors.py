"""Errors a user can act on, in the user's language.

Every module raises a subclass of :class:`CGResearchError` for bad input or an impossible request;
the command line and the report runner print its message (never a traceback) and exit non-zero.
A message says what is wrong, where (file, row, column, constraint) and what to do.

An error raised with a message template and its fields (:meth:`CGResearchError.of`) can be
printed in any language of the catalogue: ``str(exc)`` is the English text (logs, tests),
``exc.localized("ko")`` the Korean one when the catalogue has the template, else the English
text. The template is the message id, as for :func:`cgresearch.i18n.tr`, so it must be a literal
string (never an f-string): the catalogue test extracts ``of(...)``, ``msg(...)`` and
``N_(...)`` calls. A field may itself be a :class:`Msg` (or a list of them, joined with "; "),
or another error: it is localised with the message. An error raised with a plain string (most
raise sites, for now) prints as it is in every language.

Examples
--------
>>> from cgresearch.errors import InputError
>>> err = InputError.of("{file}: no such file; check the path", file="survey.csv")
>>> str(err)
'survey.csv: no such file; check the path'
>>> err.localized("ko")
'survey.csv: 파일이 없습니다. 경로를 확인하세요'
>>> str(InputError("districts.csv, row 3, column 'name_ko': unknown district '종노구'"))
"districts.csv, row 3, column 'name_ko': unknown district '종노구'"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Self

from cgresearch.catalogue import translations

__all__ = [
    "N_",
    "CGResearchError",
    "CGResearchWarning",
    "InputError",
    "ModelError",
    "Msg",
    "ParameterError",
    "closest_match",
    "localized",
    "msg",
]


class Msg(str):
    """A message template and its fields: a ``str`` whose value is the English text, with
    :meth:`localized` for any language of the catalogue.

    Being a string, a :class:`Msg` goes wherever a message text went before (a
    :class:`~cgresearch.data.schemas.Problem`'s rule, comparisons, ``startswith``).

    Examples
    --------
    >>> m = msg("{file}: no such file; check the path", file="survey.csv")
    >>> m
    'survey.csv: no such file; check the path'
    >>> m.localized("ko")
    'survey.csv: 파일이 없습니다. 경로를 확인하세요'
    >>> m.startswith("survey.csv")
    True
    """

    template: str
    fields: Mapping[str, object]

    def __new__(cls, template: str, fields: Mapping[str, object] | None = None) -> Self:
        fields = dict(fields or {})
        values = {k: localized(v, "en") for k, v in fields.items()}
        obj = super().__new__(cls, template.format(**values) if values else template)
        obj.template = template
        obj.fields = fields
        return obj

    def localized(self, lang: str = "ko") -> str:
        """Return the message in ``lang`` (English when the catalogue lacks the template)."""
        text = self.template if lang == "en" else translations(lang).get(self.template)
        if text is None:
            text = self.template
        values = {k: localized(v, lang) for k, v in self.fields.items()}
        return text.format(**values) if values else text


def msg(template: str, /, **fields: object) -> Msg:
    """Return a :class:`Msg`: a part of an error message, translated with the message."""
    return Msg(template, fields)


def N_(text: str) -> str:
    """Mark a literal text (e.g. a schema rule) for the catalogue; return it unchanged.

    >>> N_("weight must be positive (N_h / n_h)")
    'weight must be positive (N_h / n_h)'
    """
    return text


def localized(value: object, lang: str = "ko") -> object:
    """Return ``value`` in ``lang`` when it is a message (:class:`Msg`, an error raised with
    :meth:`CGResearchError.of`, or a list of messages, joined with "; "); other values as
    they are."""
    if isinstance(value, Msg | CGResearchError):
        return value.localized(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return "; ".join(v.localized(lang) for v in value)
    return value


class CGResearchError(Exception):
    """Base class of every error that cgresearch reports to a user in plain words.

    Raise it with a plain English text (``InputError("...")``) or, to let the user read it in
    their language, with a template and fields (``InputError.of("{file}: ...", file=...)``,
    or ``InputError(msg(...))`` with a message built elsewhere).
    """

    #: The template and fields when raised with :meth:`of`, else None.
    message: Msg | None = None

    @classmethod
    def of(cls, template: str, /, **fields: object) -> Self:
        """Return an error of this class whose text is ``template`` formatted with ``fields``.

        ``template`` is a literal English text with ``{name}`` placeholders (``{value!r}``
        allowed); its translation comes from the catalogue.

        Examples
        --------
        >>> ParameterError.of("unknown key {key!r}", key="totl").localized("en")
        "unknown key 'totl'"
        """
        message = Msg(template, fields)
        exc = cls(str.__str__(message))
        exc.message = message
        return exc

    def localized(self, lang: str = "ko") -> str:
        """Return the message in ``lang``: the catalogue's translation of the template when it
        has one, else the English text (always the English text for a plain-string error)."""
        message = self.message
        if message is None and len(self.args) == 1 and isinstance(self.args[0], Msg):
            message = self.args[0]  # raised as InputError(msg(...))
        if message is None or lang == "en":
            return str(self)
        return message.localized(lang)


class CGResearchWarning(UserWarning):
    """A notice to the user about input that was accepted with a caveat (e.g. read as CP949)."""


class InputError(CGResearchError, ValueError):
    """A file or table does not meet its declared schema (names file, row, column, value, rule)."""


class ParameterError(CGResearchError, ValueError):
    """A parameter, scenario or option is unknown, of the wrong type or out of range."""


class ModelError(CGResearchError, RuntimeError):
    """A statistical or optimisation model cannot be built or solved as asked."""


def closest_match(word: object, choices: Iterable[object], cutoff: float = 0.5) -> str | None:
    """Return the choice closest to ``word`` (as text), or None: the "did you mean" of a message.

    >>> closest_match("maxmn", ["formula", "goal", "maxmin"])
    'maxmin'
    >>> closest_match("xyz", ["formula", "goal"]) is None
    True
    """
    found = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=cutoff)
    return found[0] if found else None

"""Errors a user can act on.

Every module raises a subclass of :class:`CGResearchError` for bad input or an impossible request;
the command line and the report runner print its message (never a traceback) and exit non-zero.
A message says what is wrong, where (file, row, column, constraint) and what to do.

Examples
--------
>>> from cgresearch.errors import InputError
>>> str(InputError("districts.csv, row 3, column 'name_ko': unknown district '종노구'"))
"districts.csv, row 3, column 'name_ko': unknown district '종노구'"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CGResearchError",
    "CGResearchWarning",
    "InputError",
    "ModelError",
    "ParameterError",
    "closest_match",
]


class CGResearchError(Exception):
    """Base class of every error that cgresearch reports to a user in plain words."""


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

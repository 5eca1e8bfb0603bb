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

__all__ = ["CGResearchError", "InputError", "ModelError", "ParameterError"]


class CGResearchError(Exception):
    """Base class of every error that cgresearch reports to a user in plain words."""


class InputError(CGResearchError, ValueError):
    """A file or table does not meet its declared schema (names file, row, column, value, rule)."""


class ParameterError(CGResearchError, ValueError):
    """A parameter, scenario or option is unknown, of the wrong type or out of range."""


class ModelError(CGResearchError, RuntimeError):
    """A statistical or optimisation model cannot be built or solved as asked."""

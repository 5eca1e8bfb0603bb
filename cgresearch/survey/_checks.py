"""Input checks shared by the survey room's modules (room-internal: not re-exported)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cgresearch.errors import InputError


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`~cgresearch.errors.InputError` naming each of ``columns`` not in ``df``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], "demo")
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{what}: column(s) {missing} not in the table; available: {list(df.columns)}."
        )

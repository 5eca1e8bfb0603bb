"""The dashboard's table downloads: the table shown, headers in the page's language with units.

Examples
--------
>>> import pandas as pd
>>> text = table_csv(None, "en").getvalue()
>>> text.startswith("\\ufeff") and "amount" in text.lower()
True
"""

from __future__ import annotations

import io

import pandas as pd

from cgresearch.dashboard.labels import TABLE_COLUMNS, table_titles
from cgresearch.i18n import Lang

__all__ = ["table_csv", "table_xlsx"]


def _shown(frame: pd.DataFrame | None, lang: Lang) -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(TABLE_COLUMNS)) if frame is None else frame
    return frame.rename(columns=table_titles(lang))


def table_csv(frame: pd.DataFrame | None, lang: Lang = "ko") -> io.StringIO:
    """The table as CSV text with a BOM (Excel opens Korean headers as UTF-8); empty: headers."""
    out = io.StringIO()
    out.write("\ufeff")
    _shown(frame, lang).to_csv(out, index=False)
    out.seek(0)
    return out


def table_xlsx(frame: pd.DataFrame | None, lang: Lang = "ko") -> io.BytesIO:
    """The table as an Excel workbook (sheet ``allocation``); empty: headers only."""
    out = io.BytesIO()
    _shown(frame, lang).to_excel(out, index=False, sheet_name="allocation")
    out.seek(0)
    return out

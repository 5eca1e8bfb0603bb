"""A scenario file's text: UTF-8 first, then CP949 (Korean Windows Notepad) with a notice.

Also names the key of a number too long for Python to read (more than 4,300 digits), which
``tomllib`` reports without a key. :func:`cgresearch.allocation.load_scenario` uses both.

Examples
--------
>>> import tempfile, pathlib, warnings
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "s.toml"
...     _ = p.write_bytes('name = "종로"'.encode("cp949"))
...     with warnings.catch_warnings(record=True) as caught:
...         warnings.simplefilter("always")
...         text = read_scenario_text(p)
>>> text, "CP949" in str(caught[0].message)
('name = "종로"', True)
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from cgresearch.errors import CGResearchWarning, ParameterError, msg

__all__ = ["read_scenario_text", "unreadable_number"]


def read_scenario_text(p: Path) -> str:
    """The file's text: UTF-8 (BOM or not) first, then CP949 with a notice, else refused."""
    data = p.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise ParameterError.of(
            "scenario file {file}, line {line}: byte {byte:#04x} is neither UTF-8 nor CP949 "
            "text: save the file as UTF-8 (in Notepad: Save as, Encoding UTF-8)",
            file=p,
            line=line,
            byte=data[utf8_error.start],
        ) from None
    notice = msg(  # a Msg: the CLI prints the notice in the user's language
        "scenario file {file} is not UTF-8; read it as CP949 (Korean Windows). Save it as UTF-8 "
        "to be sure every program reads it alike.",
        file=p,
    )
    warnings.warn(CGResearchWarning(notice), stacklevel=3)
    return text


def unreadable_number(text: str, exc: ValueError, limit: float) -> str:
    """Name the key of a number too long to read (Python refuses integers past 4,300 digits)."""
    for number, line in enumerate(text.splitlines(), start=1):
        found = re.match(r"\s*([^=\s]+)\s*=\s*[-+]?\d{300,}", line)
        if found:
            return (
                f"line {number}: {found.group(1)} is a number of "
                f"{len(re.sub(r'[^0-9]', '', line.split('=', 1)[1]))} digits: give a finite "
                f"number between 0 and {limit:,.0f} 억원"
            )
    return f"a value cannot be read ({exc}): check the numbers in the file"

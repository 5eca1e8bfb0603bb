"""Where a command's text goes: stdout, or a file written atomically (``--out FILE``)."""

from __future__ import annotations

from pathlib import Path


def emit(text: str, out: str | Path | None) -> None:
    """Print ``text``, or write it to ``out`` atomically (never half-written) and print the path.

    >>> emit("a,b\\n", None)
    a,b
    """
    if out:
        from cgresearch.report._files import atomic_write_text

        atomic_write_text(Path(out), text)
        print(out)
    else:
        print(text, end="")

"""Run every benchmark module of this folder (its ``main()``), in name order.

Usage: ``.venv/bin/python -m benchmarks`` or ``python -m benchmarks NAME ...`` for some of them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    found = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    chosen = names or found
    unknown = [n for n in chosen if n not in found]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(found)}")
        return 2
    for name in chosen:
        print(f"== benchmarks.{name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

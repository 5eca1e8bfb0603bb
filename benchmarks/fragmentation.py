"""Duplicate-detection speed: tokenising Korean titles and grouping near-duplicates.

(a) The synthetic 1,126-project inventory (seed 20161126), and
(b) a 20,000-project synthetic inventory (same generator, totals scaled), both with the defaults
    (Jaccard >= 0.75 within each gu, across departments).

Figures: the one-off Kiwi model load; tokenising (``content_morphemes``) against Kiwi's own
``tokenize`` of the same unique titles (the reference: what any Kiwi user pays); the whole
``detect_duplicates`` call; and, for (a), a plain-Python reference that compares every pair of
projects within each gu by the Jaccard index of the same morpheme sets (also checked to link the
same pairs). Goals: (a) <= 2 s, (b) <= 30 s for ``detect_duplicates`` after the model is loaded,
on 2 cores. Each timing is the minimum of ``REPEATS`` runs.

Run: ``.venv/bin/python -m benchmarks.fragmentation``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import pandas as pd

from cgresearch.allocation.fragmentation import (
    DEFAULT_THRESHOLD,
    content_morphemes,
    detect_duplicates,
    kiwi_analyzer,
)
from cgresearch.data.synth import InventoryParams, generate_inventory

REPEATS = 3
GOALS = {1126: 2.0, 20000: 30.0}


def _best(f: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def inventory(n: int) -> pd.DataFrame:
    """The synthetic inventory with ``n`` projects (report totals scaled by n / 1,126)."""
    if n == 1126:
        return generate_inventory()
    base = InventoryParams()
    k = n / base.n_projects
    return generate_inventory(
        params=InventoryParams(
            n_projects=n,
            n_smg_grant=round(base.n_smg_grant * k),
            total_budget_mkrw=round(base.total_budget_mkrw * k),
            smg_grant_budget_mkrw=round(base.smg_grant_budget_mkrw * k),
        )
    )


def python_pairs(df: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> set[tuple[str, str]]:
    """Reference: every pair within a gu, across departments, by a plain-Python Jaccard."""
    tokens = content_morphemes(df["title_ko"].tolist())
    gu_names = df["gu_name"].tolist()
    sets = [set(t) - {g, g.removesuffix("구")} for t, g in zip(tokens, gu_names, strict=True)]
    ids, dept = df["project_id"].tolist(), df["department"].tolist()
    out = set()
    for _, rows in df.groupby("gu_code").indices.items():
        for i, j in itertools.combinations(rows, 2):
            if dept[i] == dept[j]:
                continue
            a, b = sets[i], sets[j]
            if a | b and len(a & b) / len(a | b) >= threshold - 1e-12:
                out.add((min(ids[i], ids[j]), max(ids[i], ids[j])))
    return out


def main() -> None:
    t = time.perf_counter()
    kiwi = kiwi_analyzer()
    print(f"Kiwi model load (once per process): {time.perf_counter() - t:.2f} s")
    for n in (1126, 20000):
        df = inventory(n)
        unique = list(dict.fromkeys(df["title_ko"]))
        ref_tok, _ = _best(lambda u=unique, k=kiwi: list(k.tokenize(u)))
        our_tok, _ = _best(lambda d=df: content_morphemes(d["title_ko"].tolist()))
        ours, res = _best(lambda d=df: detect_duplicates(d))
        print(
            f"{n:,} projects ({len(unique):,} unique titles): Kiwi tokenize {ref_tok:.2f} s, "
            f"content_morphemes {our_tok:.2f} s ({our_tok / ref_tok:.2f}x); "
            f"detect_duplicates {ours:.2f} s ({res.n_groups:,} groups, "
            f"{len(res.pairs):,} linked pairs; grouping {max(ours - our_tok, 0):.2f} s)"
        )
        goal = GOALS[n]
        verdict = "met" if ours <= goal else "missed"
        print(f"  goal detect_duplicates <= {goal:g} s: {verdict}")
        if n == 1126:
            ref, pairs = _best(lambda d=df: python_pairs(d), repeats=1)
            same = pairs == set(zip(res.pairs["id_a"], res.pairs["id_b"], strict=True))
            print(
                f"  plain-Python pairwise Jaccard (reference) {ref:.2f} s; ours "
                f"{ours / ref:.2f}x of it; same pairs: {same}"
            )


if __name__ == "__main__":
    main()

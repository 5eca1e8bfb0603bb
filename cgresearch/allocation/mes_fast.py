"""The Method of Equal Shares for approval ballots with cost satisfaction, in arrays.

pabutools' ``method_of_equal_shares`` visits every (voter, project) pair in Python before it
starts, which takes minutes at Seoul's size (100,000 e-voters). This is the same rule, on the
same definitions, written for that case only: approval ballots, cost satisfaction (a supporter's
utility for a project is its cost), each voter starting with ``budget / n``. A project is
affordable at ``ρ`` when its supporters, each paying ``min(budget_i, ρ · cost)``, cover its cost;
each round funds the project with the smallest ``ρ`` (ties: the name that sorts first, as
pabutools' lexicographic tie-breaking; pabutools compares exact fractions, so values of ``ρ``
equal up to a relative 1e-12 count as tied), charges its supporters and repeats until nothing is
affordable. Projects are re-evaluated lazily (``ρ`` never falls as budgets shrink). The greedy
completion then follows pabutools' ``greedy_utilitarian_welfare`` with cost satisfaction run
after MES: projects by decreasing number of supporters (ties by name), each funded if it fits
in what is left, when the MES outcome is not exhaustive.

Budgets are floats; ``tests/allocation/test_mes_fast.py`` checks equality with pabutools on
every approval election in ``data/raw/pabulib/`` and on synthetic Seoul rounds.

Examples
--------
>>> mes_approval_cost({"a": 6, "b": 4}, {"a": [0, 1], "b": [2]}, n_voters=3, budget=9)
['a']
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["greedy_completion", "mes_approval_cost"]

_REL = 1e-12


def _rho(cost: float, b: np.ndarray) -> float | None:
    """Smallest ρ with Σ min(b_i, ρ·cost) = cost, or None if the supporters cannot pay."""
    if b.sum() < cost * (1 - _REL):
        return None
    bs = np.sort(b)
    k = len(bs)
    # paying min(b_i, q): q = (cost - sum of the i smallest budgets) / (k - i) at the first i
    # where the next budget covers q
    prefix = np.concatenate(([0.0], np.cumsum(bs)[:-1]))
    q = (cost - prefix) / (k - np.arange(k))
    ok = np.flatnonzero(bs >= q * (1 - _REL))
    if ok.size == 0:
        return None
    return float(q[ok[0]]) / cost


def mes_approval_cost(
    costs: Mapping[str, float],
    supporters: Mapping[str, Sequence[int]],
    *,
    n_voters: int,
    budget: float,
) -> list[str]:
    """MES (cost satisfaction, approval ballots): the funded project names, in funding order.

    Parameters
    ----------
    costs : mapping
        Project name -> cost (> 0).
    supporters : mapping
        Project name -> indices (0 .. n_voters-1) of the voters who approve it.
    n_voters : int
        Number of voters (each starts with ``budget / n_voters``).
    budget : float
    """
    if n_voters == 0:
        return []
    money = np.full(n_voters, budget / n_voters, dtype=float)
    sup = {p: np.asarray(s, dtype=np.int64) for p, s in supporters.items() if len(s)}
    heap: list[tuple[float, str]] = []
    for p, s in sup.items():
        r = _rho(float(costs[p]), money[s])
        if r is not None:
            heap.append((r, p))
    heapq.heapify(heap)
    chosen: list[str] = []
    while heap:
        _, p = heapq.heappop(heap)
        r = _rho(float(costs[p]), money[sup[p]])
        if r is None:
            continue  # budgets only shrink: never affordable again
        if heap and r > heap[0][0] and not _close(r, heap[0][0]):
            heapq.heappush(heap, (r, p))  # stale key: another project may be cheaper
            continue
        # p is the cheapest within float tolerance; pabutools compares exact fractions, so every
        # project whose ρ equals p's up to rounding is tied with it: fund the name that sorts first
        tied = [(r, p)]
        while heap and (heap[0][0] <= r or _close(heap[0][0], r)):
            _, p2 = heapq.heappop(heap)
            r2 = _rho(float(costs[p2]), money[sup[p2]])
            if r2 is not None:
                tied.append((r2, p2))
        low = min(t for t, _ in tied)
        p = min(q for t, q in tied if _close(t, low))
        r = next(t for t, q in tied if q == p)
        for t, q in tied:
            if q != p:
                heapq.heappush(heap, (t, q))
        s = sup[p]
        q = r * float(costs[p])
        money[s] = np.maximum(money[s] - np.minimum(money[s], q), 0.0)
        chosen.append(p)
    return chosen


def _close(a: float, b: float) -> bool:
    """``a`` and ``b`` are the same ρ up to float rounding (pabutools computes it exactly)."""
    return abs(a - b) <= _REL * max(abs(a), abs(b))


def greedy_completion(
    costs: Mapping[str, float],
    n_supporters: Mapping[str, int],
    chosen: Sequence[str],
    budget: float,
) -> list[str]:
    """Complete ``chosen`` as pabutools' greedy rule with cost satisfaction does.

    Returns ``chosen`` when no other project fits in what is left (exhaustive), else ``chosen``
    plus the projects by decreasing supporters (ties by name) that still fit.
    """
    left = budget - sum(float(costs[p]) for p in chosen)
    rest = sorted(set(costs) - set(chosen))
    if all(float(costs[p]) > left for p in rest):
        return list(chosen)
    out = list(chosen)
    for p in sorted(rest, key=lambda p: (-n_supporters.get(p, 0), p)):
        if float(costs[p]) <= left:
            out.append(p)
            left -= float(costs[p])
    return out

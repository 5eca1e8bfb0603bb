"""Project fragmentation: near-duplicate projects of different departments in one gu.

The local-CG report's second pending issue: one gu runs the same thing several times through
different departments. Titles are tokenised with kiwipiepy (a Korean morphological analyser; its
model ships in the ``kiwipiepy-model`` wheel and loads offline), keeping content morphemes
(nouns, roots, verb and adjective stems, numbers and foreign words) and dropping the morphemes of
the gu's own name, which every title of the gu shares. Two projects of the same gu and
different departments are a candidate pair when the Jaccard similarity of their token sets is at
least ``threshold``; the groups are the connected components of the candidate pairs.

:func:`pair_scores` measures pairwise precision and recall against known groups (the synthetic
inventory's ``duplicate_group``). Measured there (seed 20161126, 102 true pairs): threshold 0.6
finds every true pair at precision 0.12; 0.7 (the default, best F1 0.33) precision 0.21, recall
0.79; at 0.9 and above only identical titles remain, which the generator draws by chance from
its small vocabulary without labelling them duplicates (233 such pairs), so titles alone cannot
separate them. :func:`with_groups` writes the found groups into the
``duplicate_group`` column that :func:`cgresearch.allocation.select_projects` reads (at most one
project per group).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"project_id": ["a", "b", "c"], "gu_code": 11110,
...     "gu_name": "종로구", "department": ["복지정책과", "환경과", "환경과"],
...     "title_ko": ["종로구 협치 교육 운영", "종로구 협치 교육 운영 (연계)", "종로구 마을 텃밭"]})
>>> found = detect_duplicates(df, threshold=0.6)
>>> found.groups.dropna().to_dict()
{'a': 'F0001', 'b': 'F0001'}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import CGResearchError, InputError, ParameterError

__all__ = ["DuplicateDetection", "detect_duplicates", "pair_scores", "title_tokens", "with_groups"]

_KEEP = ("NNG", "NNP", "NR", "XR", "SL", "SN", "VV", "VA", "SH")


@cache
def _kiwi() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is in the lock
        raise CGResearchError("fragmentation needs kiwipiepy: pip install kiwipiepy") from exc
    return Kiwi()


def title_tokens(titles: Iterable[str]) -> list[frozenset[str]]:
    """Content morphemes of each title (kiwipiepy), as sets.

    >>> sorted(title_tokens(["골목 안전 조명 설치"])[0])
    ['골목', '설치', '안전', '조명']
    """
    kiwi = _kiwi()
    out = []
    for t in titles:
        toks = kiwi.tokenize(str(t))
        out.append(frozenset(x.form for x in toks if x.tag in _KEEP))
    return out


@dataclass(frozen=True)
class DuplicateDetection:
    """Near-duplicate groups found from titles.

    Attributes
    ----------
    pairs : pandas.DataFrame
        Candidate pairs: ``id_a``, ``id_b``, ``gu``, ``similarity``.
    groups : pandas.Series
        Project id -> found group (``"F0001"`` ...) or missing.
    threshold : float
    """

    pairs: pd.DataFrame = field(repr=False)
    groups: pd.Series = field(repr=False)
    threshold: float

    @property
    def n_groups(self) -> int:
        """Number of groups found."""
        return int(self.groups.dropna().nunique())


def detect_duplicates(
    projects: pd.DataFrame,
    *,
    threshold: float = 0.7,
    id_column: str = "project_id",
    title: str = "title_ko",
    gu: str = "gu_code",
    gu_name: str | None = "gu_name",
    department: str | None = "department",
) -> DuplicateDetection:
    """Find near-duplicate projects of different departments within each gu.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per project with the id, title, gu and (optionally) department columns.
    threshold : float
        Least Jaccard similarity of two titles' token sets, in (0, 1].
    id_column, title, gu, gu_name, department : str
        Column names; ``department=None`` compares every pair of a gu, and ``gu_name=None``
        keeps the gu's name in the tokens.

    Returns
    -------
    DuplicateDetection
    """
    if not 0 < threshold <= 1:
        raise ParameterError(f"threshold = {threshold!r}: give a similarity in (0, 1]")
    cols = [id_column, title, gu] + [c for c in (gu_name, department) if c is not None]
    for c in cols:
        if c not in projects.columns:
            raise InputError(
                f"projects: no column {c!r}; columns are {', '.join(map(str, projects.columns))}"
            )
    df = projects.reset_index(drop=True)
    toks = title_tokens(df[title])
    if gu_name is not None:
        uniq = list(df[gu_name].unique())
        names = dict(zip(uniq, title_tokens(uniq), strict=True))
        toks = [t - names[n] for t, n in zip(toks, df[gu_name], strict=True)]
    ids = df[id_column].astype(str).to_numpy()
    dept = df[department].to_numpy() if department is not None else None
    rows = []
    for g, idx in df.groupby(gu, sort=True).indices.items():
        for i, j in combinations(idx, 2):
            if dept is not None and dept[i] == dept[j]:
                continue
            a, b = toks[i], toks[j]
            union = len(a | b)
            sim = len(a & b) / union if union else 0.0
            if sim >= threshold:
                rows.append((ids[i], ids[j], g, sim))
    pairs = pd.DataFrame(rows, columns=["id_a", "id_b", "gu", "similarity"])
    # connected components of the candidate pairs (union-find)
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(pairs["id_a"], pairs["id_b"], strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    in_pair = set(pairs["id_a"]) | set(pairs["id_b"])
    order = {i: k for k, i in enumerate(ids)}
    roots = sorted({find(i) for i in in_pair}, key=order.__getitem__)
    label = {r: f"F{k + 1:04d}" for k, r in enumerate(roots)}
    groups = pd.Series(
        [label[find(i)] if i in in_pair else None for i in ids],
        index=pd.Index(ids, name=id_column),
        name="duplicate_group",
        dtype=object,
    )
    return DuplicateDetection(pairs=pairs, groups=groups, threshold=float(threshold))


def _pairs_of(groups: pd.Series) -> set[tuple[str, str]]:
    g = groups.dropna()
    out: set[tuple[str, str]] = set()
    for _, members in g.groupby(g.to_numpy()):
        for a, b in combinations(sorted(map(str, members.index)), 2):
            out.add((a, b))
    return out


def pair_scores(truth: pd.Series, found: pd.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``found`` groups against ``truth`` groups.

    Both are Series project id -> group label (missing = no group). A pair is a hit when both
    put the two projects in one group.

    >>> t = pd.Series({"a": "D1", "b": "D1", "c": None})
    >>> f = pd.Series({"a": "F1", "b": "F1", "c": "F1"})
    >>> pair_scores(t, f)
    {'precision': 0.3333333333333333, 'recall': 1.0, 'f1': 0.5, 'true_pairs': 1, 'found_pairs': 3}
    """
    tp, fp = _pairs_of(truth), _pairs_of(found)
    hit = len(tp & fp)
    precision = hit / len(fp) if fp else 1.0
    recall = hit / len(tp) if tp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": len(tp),
        "found_pairs": len(fp),
    }


def with_groups(
    proposals: pd.DataFrame, found: DuplicateDetection, id_column: str = "proposal_id"
) -> pd.DataFrame:
    """Return ``proposals`` with ``duplicate_group`` set to the found groups.

    :func:`cgresearch.allocation.select_projects` then funds at most one project per group.
    """
    out = proposals.copy()
    ids = out[id_column].astype(str)
    out["duplicate_group"] = pd.array(
        ids.map(found.groups).to_numpy(), dtype=pd.StringDtype(na_value=np.nan)
    )
    return out

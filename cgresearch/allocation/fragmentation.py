"""Fragmented and duplicated projects: near-duplicate CG projects found from their Korean titles.

The local-CG study's second pending issue is "fragmentation and duplication": the same project run
by several departments of one gu. This module finds candidate duplicates from the project titles:

1. each title is split into content morphemes by the Kiwi tokenizer (:mod:`kiwipiepy`): common
   and proper nouns, numerals and numbers, foreign words and hanja, roots, and verb/adjective
   stems; particles, endings, affixes and punctuation are dropped, and so is the project's own gu
   name (it says where, not what);
2. projects are compared within the same gu (``same_gu``) and across different departments only
   (``cross_department``), by the Jaccard index of their morpheme sets (``"jaccard"``, the
   default) or the TF-IDF cosine of their morphemes and morpheme bigrams (``"cosine"``);
3. pairs at or above ``threshold`` are linked, and the connected components of the links are the
   duplicate groups, numbered ``"F001"``, ``"F002"``... in the order of their smallest project id
   (so the numbering does not depend on the row order).

:mod:`cgresearch.allocation.fragmentation_scores` measures the groups against known ones
(pairwise precision, recall, F1, and a threshold sweep). The detected groups feed the selection
MIP's one-per-group constraint through :func:`with_duplicate_groups`.

Examples
--------
>>> import pandas as pd
>>> projects = pd.DataFrame(
...     {
...         "project_id": ["a", "b", "c"],
...         "title_ko": [
...             "마을공동체 활성화 지원사업",
...             "마을 공동체 활성화 지원",
...             "청년 일자리 박람회",
...         ],
...         "gu_code": [11110, 11110, 11110],
...         "department": ["자치행정과", "마을공동체과", "일자리경제과"],
...     }
... )
>>> res = detect_duplicates(projects)
>>> res.duplicate_group.tolist()
['F001', 'F001', None]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from cgresearch.errors import InputError, ParameterError, closest_match
from cgresearch.i18n import Lang, tr

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

__all__ = [
    "CONTENT_TAGS",
    "DEFAULT_THRESHOLD",
    "MEASURES",
    "DuplicateResult",
    "check_measure",
    "check_threshold",
    "content_morphemes",
    "detect_duplicates",
    "group_labels",
    "kiwi_analyzer",
    "prepare_titles",
    "required_column",
    "similar_pairs",
    "similarity_matrix",
    "with_duplicate_groups",
]

#: Similarity measures: Jaccard of morpheme sets, TF-IDF cosine of morphemes and bigrams.
MEASURES: tuple[str, ...] = ("jaccard", "cosine")

#: Default link threshold: Jaccard >= 0.75 had the best pairwise F1 on the synthetic inventory
#: (seeds 20161126, 1, 2: F1 0.63, 0.57, 0.67; precision 0.69-0.81, recall 0.47-0.58), above
#: every TF-IDF cosine threshold (best F1 0.49-0.54); see
#: :func:`cgresearch.allocation.fragmentation_scores.threshold_sweep`.
DEFAULT_THRESHOLD = 0.75

#: Kiwi (Sejong) tags kept as content morphemes; verb/adjective tags match by prefix
#: (Kiwi marks irregular stems as ``VV-I``, ``VA-I``...).
CONTENT_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "SN", "SL", "SH", "XR", "VV", "VA")

_CHUNK = 2048  # rows of the similarity product computed at once (bounds memory)


@cache
def kiwi_analyzer() -> Kiwi:
    """One Kiwi instance per process (its model loads in seconds; it holds no user words)."""
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is a core dependency
        raise ParameterError(
            "duplicate detection needs the Korean tokenizer kiwipiepy: pip install kiwipiepy"
        ) from exc
    return Kiwi()


def _is_content(tag: str) -> bool:
    return tag.split("-", 1)[0] in CONTENT_TAGS


def content_morphemes(titles: Iterable[str]) -> list[tuple[str, ...]]:
    """Return the content morphemes of each title, in order, as Kiwi tokenises it.

    Parameters
    ----------
    titles : iterable of str
        Korean project titles (missing values count as empty titles).

    Returns
    -------
    list of tuple of str
        One tuple per title: the forms of its nouns, numerals, numbers, foreign words, hanja,
        roots and verb/adjective stems (tags :data:`CONTENT_TAGS`).

    Examples
    --------
    >>> content_morphemes(["마을 공동체 활성화 지원"])
    [('마을', '공동체', '활성', '지원')]
    """
    texts = ["" if not isinstance(t, str) else t for t in titles]
    unique = list(dict.fromkeys(texts))
    kiwi = kiwi_analyzer()
    out: dict[str, tuple[str, ...]] = {}
    for text, tokens in zip(unique, kiwi.tokenize(unique), strict=True):
        out[text] = tuple(t.form for t in tokens if _is_content(t.tag))
    return [out[t] for t in texts]


def _features(tokens: Sequence[tuple[str, ...]], measure: str) -> sparse.csr_matrix:
    """Rows = titles; columns = morphemes (and bigrams for cosine); L2-normalised for cosine."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, toks in enumerate(tokens):
        feats = set(toks)
        if measure == "cosine":
            feats |= {f"{a} {b}" for a, b in pairwise(toks)}
        for f in sorted(feats):
            rows.append(i)
            cols.append(vocab.setdefault(f, len(vocab)))
    x = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(tokens), max(len(vocab), 1))
    )
    if measure == "cosine":
        df = np.asarray((x > 0).sum(axis=0)).ravel()
        idf = np.log((1 + len(tokens)) / (1 + df)) + 1.0  # smooth idf, as in scikit-learn
        x = x @ sparse.diags(idf)
        norm = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        x = sparse.diags(np.divide(1.0, norm, out=np.zeros_like(norm), where=norm > 0)) @ x
    return sparse.csr_matrix(x)


def _pairs_above(
    x: sparse.csr_matrix, measure: str, threshold: float, allowed: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows whose similarity is >= threshold (and, if given, allowed[i, j])."""
    n = x.shape[0]
    sizes = np.asarray(x.getnnz(axis=1)).ravel()
    xt = x.T.tocsc()
    out_i, out_j, out_s = [], [], []
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        prod = (x[lo:hi] @ xt).tocoo()
        i, j, v = prod.row + lo, prod.col, prod.data
        keep = i < j
        i, j, v = i[keep], j[keep], v[keep]
        if measure == "jaccard":
            v = v / (sizes[i] + sizes[j] - v)
        keep = v >= threshold - 1e-12
        if allowed is not None:
            keep &= allowed[i] != allowed[j]
        out_i.append(i[keep])
        out_j.append(j[keep])
        out_s.append(np.minimum(v[keep], 1.0))
    if not out_i:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def check_measure(measure: str) -> None:
    if measure not in MEASURES:
        hint = closest_match(measure, MEASURES)
        raise ParameterError(
            f"unknown similarity measure {measure!r}: use one of {', '.join(MEASURES)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )


def check_threshold(threshold: float) -> None:
    if not (isinstance(threshold, int | float) and 0 < threshold <= 1):
        raise ParameterError(f"threshold must be a number in (0, 1], got {threshold!r}")


def similarity_matrix(titles: Sequence[str], measure: str = "jaccard") -> np.ndarray:
    """Return the dense matrix of title similarities (1 on the diagonal of non-empty titles).

    Parameters
    ----------
    titles : sequence of str
        Korean titles.
    measure : {"jaccard", "cosine"}
        Jaccard index of the content-morpheme sets, or TF-IDF cosine of morphemes and bigrams
        (the IDF is computed over ``titles``).

    Examples
    --------
    >>> m = similarity_matrix(["마을공동체 활성화 지원사업", "마을 공동체 활성화 지원"])
    >>> round(float(m[0, 1]), 3)  # {마을, 공동체, 활성, 지원} of {마을, 공동체, 활성, 지원, 사업}
    0.8
    """
    check_measure(measure)
    x = _features(content_morphemes(titles), measure)
    prod = (x @ x.T).toarray()
    if measure == "jaccard":
        sizes = np.asarray(x.getnnz(axis=1)).ravel().astype(float)
        union = sizes[:, None] + sizes[None, :] - prod
        return np.divide(prod, union, out=np.zeros_like(prod), where=union > 0)
    return np.minimum(prod, 1.0)


@dataclass(frozen=True)
class DuplicateResult:
    """Near-duplicate projects found by :func:`detect_duplicates`.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per linked pair: ``id_a``, ``id_b`` (``id_a < id_b``), ``similarity``,
        ``shared_tokens`` (the morphemes both titles hold, space-separated), ``title_a``,
        ``title_b`` and, when given, ``gu_a``/``gu_b``, ``department_a``/``department_b``;
        sorted by ``id_a``, ``id_b``.
    groups : pandas.DataFrame
        One row per project in a group: ``group_id``, ``group_size`` and the input columns;
        sorted by group id and project id.
    duplicate_group : pandas.Series
        Indexed like the input: the group id of each project, or ``None`` (ready for the
        selection MIP's ``duplicate_group`` column; see :func:`with_duplicate_groups`).
    threshold, measure, same_gu, cross_department
        The options used.
    """

    pairs: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    duplicate_group: pd.Series = field(repr=False)
    threshold: float
    measure: str
    same_gu: bool
    cross_department: bool

    @property
    def n_groups(self) -> int:
        """Number of groups found."""
        return int(self.groups["group_id"].nunique()) if len(self.groups) else 0

    def to_frame(self) -> pd.DataFrame:
        """Return the grouped projects."""
        return self.groups.copy()

    def describe(self, lang: Lang = "ko") -> str:
        """Return a one-line plain-text summary in ``lang``."""
        return tr(
            "{groups} groups of near-duplicate projects ({projects} projects, {pairs} linked "
            "pairs; {measure} similarity >= {threshold})",
            lang,
            groups=self.n_groups,
            projects=len(self.groups),
            pairs=len(self.pairs),
            measure=self.measure,
            threshold=f"{self.threshold:g}",
        )

    def table(self, lang: Lang = "ko") -> pd.DataFrame:
        """Return the groups for readers: group, gu, department, title, budget in 억원.

        Columns (headers in ``lang``): group id, group size, gu, department, title, budget in
        100 million KRW (from ``budget_mkrw``, million KRW), and project id; the columns the
        input lacks are left out. One row per grouped project, by group and project id.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame(
        ...     {
        ...         "project_id": ["a", "b"],
        ...         "title_ko": ["협치 교육 지원사업", "협치 교육 지원"],
        ...         "gu_code": [11110, 11110],
        ...         "department": ["자치행정과", "교육지원과"],
        ...         "budget_mkrw": [150, 80],
        ...     }
        ... )
        >>> detect_duplicates(df).table("en")["Budget (100 million KRW)"].tolist()
        [1.5, 0.8]
        """
        g = self.groups
        cols: dict[str, pd.Series] = {
            tr("Group", lang): g["group_id"],
            tr("Projects in group", lang): g["group_size"],
        }
        gu = "gu_name" if "gu_name" in g.columns else "gu_code" if "gu_code" in g.columns else None
        if gu is not None:
            cols[tr("Gu", lang)] = g[gu]
        if "department" in g.columns:
            cols[tr("Department", lang)] = g["department"]
        title = "title_ko" if "title_ko" in g.columns else None
        if title is not None:
            cols[tr("Title", lang)] = g[title]
        if "budget_mkrw" in g.columns:
            cols[tr("Budget (100 million KRW)", lang)] = pd.to_numeric(g["budget_mkrw"]) / 100
        if "project_id" in g.columns:
            cols[tr("Project id", lang)] = g["project_id"]
        return pd.DataFrame(cols).reset_index(drop=True)


def required_column(df: pd.DataFrame, name: str, what: str, hint: str) -> pd.Series:
    if name not in df.columns:
        near = closest_match(name, [str(c) for c in df.columns])
        raise InputError(
            f"projects: no {what} column {name!r}"
            + (f" (did you mean {near!r}?)" if near else "")
            + f"; {hint}"
        )
    return df[name]


def _strip_gu_names(
    tokens: list[tuple[str, ...]], gu_names: Sequence[Any] | None
) -> list[tuple[str, ...]]:
    if gu_names is None:
        return tokens
    out = []
    for toks, name in zip(tokens, gu_names, strict=True):
        drop = set()
        if isinstance(name, str) and name:
            drop = {name, name.removesuffix("구")}
        out.append(tuple(t for t in toks if t not in drop))
    return out


@dataclass(frozen=True)
class _Prepared:
    """Tokenised and blocked projects, shared by detection and the threshold sweep."""

    df: pd.DataFrame
    ids: np.ndarray
    tokens: list[tuple[str, ...]]
    blocks: list[np.ndarray]
    dept: np.ndarray | None


def prepare_titles(
    projects: pd.DataFrame,
    *,
    same_gu: bool,
    cross_department: bool,
    title_column: str,
    id_column: str,
    gu_column: str,
    department_column: str,
) -> _Prepared:
    if not isinstance(projects, pd.DataFrame):
        raise InputError(f"projects must be a pandas DataFrame, got {type(projects).__name__}")
    df = projects.reset_index(drop=True)
    titles = required_column(
        df, title_column, "title", "pass title_column= to name the title column"
    )
    ids = required_column(df, id_column, "project id", "pass id_column= to name the id column")
    if ids.isna().any() or ids.duplicated().any():
        bad = ids[ids.isna() | ids.duplicated()].iloc[0]
        raise InputError(f"projects: project id {bad!r} is missing or repeated; ids must be unique")
    gu_names = df["gu_name"].tolist() if "gu_name" in df.columns else None
    tokens = _strip_gu_names(content_morphemes(titles.tolist()), gu_names)
    if same_gu:
        gu = required_column(df, gu_column, "district", "pass gu_column= or same_gu=False")
        keys = gu.astype("string").fillna("<missing>").to_numpy()
        blocks = [
            np.asarray(v) for v in pd.Series(np.arange(len(df))).groupby(keys).indices.values()
        ]
    else:
        blocks = [np.arange(len(df))]
    dept = None
    if cross_department:
        d = required_column(
            df, department_column, "department", "pass department_column= or cross_department=False"
        )
        dept = d.astype("string").fillna("<missing>").to_numpy()
    return _Prepared(df, ids.astype(str).to_numpy(), tokens, blocks, dept)


def similar_pairs(
    prep: _Prepared, measure: str, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Global row indices (i, j) and similarities of the allowed pairs at or above threshold."""
    out_i, out_j, out_s = [], [], []
    for rows in prep.blocks:
        if len(rows) < 2:
            continue
        x = _features([prep.tokens[r] for r in rows], measure)
        allowed = prep.dept[rows] if prep.dept is not None else None
        i, j, s = _pairs_above(x, measure, threshold, allowed)
        out_i.append(rows[i])
        out_j.append(rows[j])
        out_s.append(s)
    if not out_i:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    i, j, s = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
    # orient each pair by project id, so that the result does not depend on the row order
    swap = prep.ids[i] > prep.ids[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    return i, j, s


def group_labels(n: int, ids: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Group id per row ("F001"... by smallest member id) or None for singletons."""
    graph = sparse.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp, minlength=comp.max() + 1 if n else 0)
    labels = np.full(n, None, dtype=object)
    grouped = np.flatnonzero(sizes[comp] > 1)
    if grouped.size == 0:
        return labels
    first = pd.Series(ids[grouped]).groupby(comp[grouped]).min().sort_values()
    width = max(3, len(str(len(first))))
    name = {c: f"F{k:0{width}d}" for k, c in enumerate(first.index, start=1)}
    for r in grouped:
        labels[r] = name[comp[r]]
    return labels


def detect_duplicates(
    projects: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    measure: str = "jaccard",
    same_gu: bool = True,
    cross_department: bool = True,
    title_column: str = "title_ko",
    id_column: str = "project_id",
    gu_column: str = "gu_code",
    department_column: str = "department",
) -> DuplicateResult:
    """Find groups of near-duplicate projects from their Korean titles.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per project with an id, a Korean title and (for the default options) the gu and
        the department, e.g. :func:`cgresearch.data.synth.generate_inventory` or
        :func:`cgresearch.data.loaders.load_inventory`. A ``gu_name`` column, when present, is
        used to drop the gu's own name from its titles.
    threshold : float
        Link two projects when their similarity is at least this, in (0, 1].
    measure : {"jaccard", "cosine"}
        Jaccard index of content-morpheme sets, or TF-IDF cosine of morphemes and bigrams (IDF
        over each gu's projects when ``same_gu``).
    same_gu : bool
        Compare only projects of the same gu (default); False compares across the city.
    cross_department : bool
        Compare only projects of different departments (default).
    title_column, id_column, gu_column, department_column : str
        Column names.

    Returns
    -------
    DuplicateResult

    Raises
    ------
    InputError
        A needed column is missing, or project ids are missing or repeated.
    ParameterError
        Unknown measure or a threshold outside (0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {
    ...         "project_id": ["a", "b"],
    ...         "title_ko": ["협치 교육 지원사업", "협치 교육 지원사업"],
    ...         "gu_code": [11110, 11140],
    ...         "department": ["자치행정과", "자치행정과"],
    ...     }
    ... )
    >>> detect_duplicates(df).n_groups  # same title, but in two gu
    0
    >>> detect_duplicates(df, same_gu=False, cross_department=False).n_groups
    1
    """
    check_measure(measure)
    check_threshold(threshold)
    prep = prepare_titles(
        projects,
        same_gu=same_gu,
        cross_department=cross_department,
        title_column=title_column,
        id_column=id_column,
        gu_column=gu_column,
        department_column=department_column,
    )
    i, j, s = similar_pairs(prep, measure, threshold)
    df, ids = prep.df, prep.ids
    labels = group_labels(len(df), ids, i, j)

    pairs = pd.DataFrame(
        {
            "id_a": ids[i],
            "id_b": ids[j],
            "similarity": s.astype(float),
            "shared_tokens": [
                " ".join(sorted(set(prep.tokens[a]) & set(prep.tokens[b])))
                for a, b in zip(i, j, strict=True)
            ],
            "title_a": df[title_column].to_numpy()[i],
            "title_b": df[title_column].to_numpy()[j],
        }
    )
    if gu_column in df.columns:
        pairs["gu_a"] = df[gu_column].to_numpy()[i]
        pairs["gu_b"] = df[gu_column].to_numpy()[j]
    if department_column in df.columns:
        pairs["department_a"] = df[department_column].to_numpy()[i]
        pairs["department_b"] = df[department_column].to_numpy()[j]
    pairs = pairs.sort_values(["id_a", "id_b"], kind="stable").reset_index(drop=True)

    has = np.array([lab is not None for lab in labels], dtype=bool)
    groups = df.loc[has].copy()
    groups.insert(0, "group_id", labels[has])
    groups.insert(1, "group_size", groups.groupby("group_id")["group_id"].transform("size"))
    groups["_id"] = ids[has]
    groups = groups.sort_values(["group_id", "_id"], kind="stable").drop(columns="_id")
    groups = groups.reset_index(drop=True)
    dup = pd.Series(labels, index=projects.index, name="duplicate_group", dtype=object)
    return DuplicateResult(
        pairs=pairs,
        groups=groups,
        duplicate_group=dup,
        threshold=float(threshold),
        measure=measure,
        same_gu=same_gu,
        cross_department=cross_department,
    )


def with_duplicate_groups(
    proposals: pd.DataFrame, found: DuplicateResult, column: str = "duplicate_group"
) -> pd.DataFrame:
    """Return a copy of ``proposals`` whose ``column`` holds the detected groups.

    Pass the result to :func:`cgresearch.allocation.selection.select_projects` (with its default
    ``one_per_duplicate_group=True``) to fund at most one project per detected group. Any
    existing ``column`` is replaced.

    Parameters
    ----------
    proposals : pandas.DataFrame
        The table :func:`detect_duplicates` ran on (same index).
    found : DuplicateResult
        Its result.
    column : str
        Column to write (the selection MIP reads ``"duplicate_group"``).

    Examples
    --------
    >>> import pandas as pd
    >>> props = pd.DataFrame(
    ...     {
    ...         "proposal_id": ["a", "b"],
    ...         "title_ko": ["골목 돌봄 지원사업", "골목 돌봄 지원"],
    ...         "gu_code": [11110, 11110],
    ...         "department": ["복지정책과", "여성가족과"],
    ...     }
    ... )
    >>> found = detect_duplicates(props, id_column="proposal_id")
    >>> with_duplicate_groups(props, found)["duplicate_group"].tolist()
    ['F001', 'F001']
    """
    if not found.duplicate_group.index.equals(proposals.index):
        raise ParameterError(
            "the detected groups belong to another table (its index differs): run "
            "detect_duplicates on these proposals"
        )
    out = proposals.copy()
    out[column] = found.duplicate_group
    return out

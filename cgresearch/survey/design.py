"""Complex survey designs and their Taylor-linearisation variance, as R's ``svydesign``.

A :class:`SurveyDesign` holds a respondent table together with its sampling structure: cluster ids
for one or more stages, strata, sampling weights and finite-population corrections (fpc). Every
estimator in :mod:`cgresearch.survey` asks the design for the variance of a total of influence
values (:meth:`SurveyDesign.variance`), which reproduces R's ``svyrecvar``: stratified
between-cluster variance at the first stage, later stages added when fpc is given for every
stage, and calibration adjustments (post-stratification, raking, GREG) applied to the influence
values first.

Domains (``design.subset(mask)``) keep the full design and set the weights outside the domain to
zero, which gives exactly R's ``subset.survey.design`` standard errors.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"h": [1, 1, 2, 2, 2], "w": [2.0, 2.0, 3.0, 3.0, 3.0],
...                    "y": [1.0, 3.0, 2.0, 4.0, 6.0]})
>>> d = SurveyDesign(df, strata="h", weights="w")
>>> d.degf
3
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from cgresearch.errors import InputError, ParameterError

__all__ = ["LonelyPSU", "SurveyDesign"]

LonelyPSU = Literal["fail", "adjust", "average", "remove", "certainty"]
_LONELY = ("fail", "adjust", "average", "remove", "certainty")
_CENSUS_TOL = 1e-7  # R: a stratum whose finite-population factor is below this adds no variance


class _Adjustment(Protocol):
    """A calibration step that replaces influence values by calibration residuals (R postStrata)."""

    def residualize(self, x: np.ndarray, overwrite: bool = False) -> np.ndarray:
        """Return the influence values ``x`` (p x n: one row per statistic) after this step
        (``overwrite``: ``x`` may be reused for the result)."""
        ...  # pragma: no cover - protocol


@dataclass(frozen=True, eq=False)
class _Stage:
    """One sampling stage: cluster and stratum codes and the per-stratum variance factors."""

    cluster: np.ndarray  # int codes per row, 0..n_clusters-1
    stratum_of_cluster: np.ndarray  # stratum code of each cluster
    n_psu: np.ndarray  # sampled clusters per stratum (full design)
    popsize: np.ndarray | None  # population clusters per stratum, None when no fpc
    parent_of_stratum: np.ndarray  # parent cluster (previous stage) of each stratum; 0 at stage 1


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _codes(frame: pd.DataFrame) -> np.ndarray:
    """Integer codes of the distinct rows of ``frame`` (sorted order)."""
    return frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy()


def _show(values: Sequence[object], limit: int = 5) -> str:
    vals = [v.item() if isinstance(v, np.generic) else v for v in values]
    text = ", ".join(repr(v) for v in vals[:limit])
    return text + (f", ... ({len(vals)} in all)" if len(vals) > limit else "")


class SurveyDesign:
    """A complex sample design, equal to R's ``svydesign`` for Taylor-linearisation variance.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    ids : str, list of str or None
        Cluster id column(s), one per sampling stage (first = PSU). ``None`` means every row is its
        own PSU (R's ``id=~1``).
    strata : str or None
        Stratum column of the first stage.
    weights : str or None
        Sampling-weight column (inverse inclusion probability). When omitted the weights are
        computed from ``fpc`` (population / sample size per stage), or are 1 without fpc.
    fpc : str, list of str or None
        Finite-population correction per stage: population sizes (any value > 1) or sampling
        fractions (all values <= 1), constant within each stratum, as R's ``fpc=``. Without fpc the
        first stage is treated as sampled with replacement (the ultimate-cluster variance).
    nest : bool
        Cluster ids are only unique within strata (R's ``nest=TRUE``).
    lonely_psu : {"fail", "adjust", "average", "remove", "certainty"}
        What to do with a stratum holding a single PSU (R's ``options(survey.lonely.psu=)``).

    Raises
    ------
    cgresearch.errors.InputError
        Missing or non-positive weights, missing ids/strata/fpc, a single-PSU stratum under
        ``lonely_psu="fail"``, fpc smaller than the number of sampled units, clusters not nested
        in strata while ``nest=False``, fpc varying within a stratum, or a single PSU in all.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "w": [10.0] * 6, "y": [1, 2, 3, 4, 5, 6]})
    >>> d = SurveyDesign(df, ids="psu", weights="w")
    >>> d.degf, round(float(d.weights.sum()), 1)
    (2, 60.0)
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        ids: str | Sequence[str] | None = None,
        strata: str | None = None,
        weights: str | None = None,
        fpc: str | Sequence[str] | None = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise ParameterError("SurveyDesign needs a pandas DataFrame as data")
        if lonely_psu not in _LONELY:
            raise ParameterError(f"lonely_psu must be one of {_LONELY}, not {lonely_psu!r}")
        self.data = data
        self.ids = _as_list(ids)
        self.strata = strata
        self.fpc = _as_list(fpc)
        self.weights_column = weights
        self.nest = nest
        self.lonely_psu: LonelyPSU = lonely_psu
        self._build()

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        df = self.data
        n = len(df)
        if n == 0:
            raise InputError("the survey data has no rows")
        names = [*self.ids, *([self.strata] if self.strata else []), *self.fpc]
        if self.weights_column:
            names.append(self.weights_column)
        missing = [c for c in names if c not in df.columns]
        if missing:
            raise InputError(
                f"design column(s) {missing} not in the data; available: {list(df.columns)[:20]}"
            )
        for col in names:
            bad = np.flatnonzero(df[col].isna().to_numpy())
            if bad.size:
                raise InputError(
                    f"column {col!r} has {bad.size} missing value(s) at row(s) "
                    f"{_show(bad.tolist())}; a design column must be complete"
                )
        n_stages = max(len(self.ids), 1)
        if self.fpc and len(self.fpc) != n_stages:
            raise ParameterError(
                f"give one fpc column per sampling stage: {n_stages} stage(s) in ids, "
                f"{len(self.fpc)} fpc column(s)"
            )
        # stage-wise cluster codes (stage i cluster = interaction of ids[0..i], R's svydesign)
        strat_vals = (
            df[self.strata].reset_index(drop=True)
            if self.strata
            else pd.Series(np.zeros(n, dtype=int))
        )
        id_frames = []
        for i in range(n_stages):
            if self.ids:
                cols = {f"s{j}": df[self.ids[j]].reset_index(drop=True) for j in range(i + 1)}
            else:
                cols = {"s0": pd.Series(np.arange(n))}
            if self.nest and self.strata:
                cols = {"strat": strat_vals, **cols}
            id_frames.append(pd.DataFrame(cols))
        clusters = [_codes(f) for f in id_frames]
        strata1 = _codes(pd.DataFrame({"h": strat_vals}))
        if len(np.unique(clusters[0])) == 1 and not (self.nest and self.strata):
            raise InputError(
                f"the design has a single primary sampling unit (column {self.ids[0]!r}); "
                "variance cannot be estimated"
                if self.ids
                else "the design has a single row; variance cannot be estimated"
            )
        if self.strata and not self.nest:
            per_cluster = pd.Series(strata1).groupby(clusters[0]).nunique()
            crossing = per_cluster.index[per_cluster.to_numpy() > 1]
            if len(crossing):
                first_ids = df[self.ids[0]].to_numpy()
                vals = [first_ids[np.flatnonzero(clusters[0] == c)[0]] for c in crossing]
                raise InputError(
                    f"clusters in column {self.ids[0]!r} are not nested in strata "
                    f"{self.strata!r}: id(s) {_show(vals)} occur in more than one stratum; "
                    "pass nest=True if ids are only unique within strata"
                )
        # stratum codes per stage: stage 1 = strata; stage i>1 = cluster of stage i-1
        stratum_rows = [strata1] + [clusters[i - 1] for i in range(1, n_stages)]
        # fpc values per row and stage
        fpc_raw = (
            np.column_stack([df[c].to_numpy(dtype=float) for c in self.fpc]) if self.fpc else None
        )
        if fpc_raw is not None:
            is_popsize = bool(np.any(fpc_raw > 1))
            if is_popsize != bool(np.all(fpc_raw >= 1)):
                raise InputError(
                    f"fpc columns {self.fpc} mix population sizes (> 1) and sampling fractions "
                    "(< 1); give all as population sizes or all as fractions in (0, 1]"
                )
            if not is_popsize and np.any(fpc_raw <= 0):
                bad = np.unique(fpc_raw[fpc_raw <= 0])
                raise InputError(
                    f"fpc columns {self.fpc}: sampling fraction(s) {_show(bad.tolist())} "
                    "must be in (0, 1]"
                )
        stages: list[_Stage] = []
        sampsize_rows = np.empty((n, n_stages))
        popsize_rows = np.empty((n, n_stages)) if fpc_raw is not None else None
        for i in range(n_stages):
            c = clusters[i]
            h_rows = stratum_rows[i]
            n_cl = int(c.max()) + 1
            n_h = int(h_rows.max()) + 1
            stratum_of_cluster = np.zeros(n_cl, dtype=np.int64)
            stratum_of_cluster[c] = h_rows
            n_psu = np.bincount(stratum_of_cluster, minlength=n_h).astype(float)
            sampsize_rows[:, i] = n_psu[h_rows]
            popsize = None
            if fpc_raw is not None:
                col = fpc_raw[:, i]
                per = pd.Series(col).groupby(h_rows).nunique()
                if (per > 1).any():
                    h_bad = int(per.index[(per > 1).to_numpy()][0])
                    vals = np.unique(col[h_rows == h_bad])
                    raise InputError(
                        f"fpc column {self.fpc[i]!r} varies within a stratum at stage {i + 1} "
                        f"(values {_show(vals.tolist())}); it must be constant per stratum"
                    )
                first = np.zeros(n_h)
                first[h_rows] = col
                popsize = first if is_popsize else n_psu / first
                too_small = np.flatnonzero(popsize < n_psu - 1e-9 * n_psu)
                if too_small.size:
                    h_bad = too_small[0]
                    row = int(np.flatnonzero(h_rows == h_bad)[0])
                    raise InputError(
                        f"fpc column {self.fpc[i]!r} at row {row}: population size "
                        f"{popsize[h_bad]:g} is smaller than the {int(n_psu[h_bad])} sampled "
                        f"unit(s) of its stratum at stage {i + 1}; fpc must be >= sample size"
                    )
                assert popsize_rows is not None
                popsize_rows[:, i] = popsize[h_rows]
            parent = np.zeros(n_h, dtype=np.int64)
            if i > 0:
                parent[h_rows] = clusters[i - 1]
            stages.append(_Stage(c, stratum_of_cluster, n_psu, popsize, parent))
        self._stages = stages
        self._n_stages_var = n_stages if fpc_raw is not None else 1
        self._check_lonely()
        # weights
        if self.weights_column:
            w = df[self.weights_column].to_numpy(dtype=float)
            bad = np.flatnonzero(~(w > 0) | ~np.isfinite(w))
            if bad.size:
                raise InputError(
                    f"column {self.weights_column!r} has non-positive or infinite weight(s) "
                    f"{_show(w[bad].tolist())} at row(s) {_show(bad.tolist())}; sampling "
                    "weights must be > 0"
                )
        elif popsize_rows is not None:
            w = np.prod(popsize_rows / sampsize_rows, axis=1)
        else:
            w = np.ones(n)
        self._weights = w
        self._domain = np.ones(n, dtype=bool)
        self._adjustments: tuple[_Adjustment, ...] = ()
        self.calibration_info: object | None = None

    def _check_lonely(self) -> None:
        if self.lonely_psu != "fail":
            return
        for i, st in enumerate(self._stages[: self._n_stages_var]):
            lonely = np.flatnonzero(st.n_psu == 1)
            if st.popsize is not None:
                f = (st.popsize - st.n_psu) / st.popsize
                lonely = lonely[f[lonely] >= _CENSUS_TOL]
            if lonely.size:
                rows = [
                    int(np.flatnonzero(st.stratum_of_cluster[st.cluster] == h)[0]) for h in lonely
                ]
                col = self.strata if i == 0 else (self.ids[i - 1] if self.ids else None)
                if i == 0 and col:
                    vals = self.data[col].to_numpy()[rows]
                    where = f"stratum value(s) {_show(vals.tolist())} of column {col!r}"
                elif i == 0:
                    where = "the design"
                else:
                    vals = self.data[col].to_numpy()[rows]
                    where = f"cluster(s) {_show(vals.tolist())} of column {col!r}"
                raise InputError(
                    f"{where} have a single sampled unit at stage {i + 1}; choose "
                    "lonely_psu='adjust', 'average', 'remove' or 'certainty' (as R's "
                    "survey.lonely.psu)"
                )

    # ------------------------------------------------------------------ copies
    def _copy(self) -> SurveyDesign:
        new = object.__new__(SurveyDesign)
        new.__dict__.update(self.__dict__)
        return new

    def subset(self, mask: np.ndarray | pd.Series | Sequence[bool]) -> SurveyDesign:
        """Return the domain ``mask`` of this design (R's ``subset``): full design, other weights 0.

        Parameters
        ----------
        mask : array-like of bool
            One value per row; missing values count as False.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"psu": [1, 2, 3, 4], "y": [1.0, 2.0, 3.0, 4.0]})
        >>> SurveyDesign(df, ids="psu").subset(df["y"] > 2).degf
        1
        """
        if isinstance(mask, np.ndarray) and mask.dtype == bool:
            m = mask
        else:
            m = pd.Series(np.asarray(mask, dtype=object)).fillna(False).to_numpy(dtype=bool)
        if m.shape != (self.n,):
            raise ParameterError(f"domain mask has {m.size} values; the design has {self.n} rows")
        new = self._copy()
        new._domain = self._domain & m
        return new

    def with_columns(self, columns: pd.DataFrame | dict[str, object]) -> SurveyDesign:
        """Return the same design with extra or replaced data columns (one value per row).

        Examples
        --------
        >>> import pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0]}))
        >>> d.with_columns({"z": [3, 4]}).data["z"].tolist()
        [3, 4]
        """
        frame = pd.DataFrame(columns)
        if len(frame) != self.n:
            raise ParameterError(f"{len(frame)} values per column for a design of {self.n} rows")
        new = self._copy()
        new.data = self.data.assign(**{str(c): frame[c].to_numpy() for c in frame.columns})
        return new

    def with_weights(
        self,
        weights: np.ndarray,
        adjustment: _Adjustment | None = None,
        info: object | None = None,
    ) -> SurveyDesign:
        """Return a copy with new full-sample weights and, optionally, one more calibration step.

        Used by :mod:`cgresearch.survey.calibration`; ``adjustment.residualize`` is applied to the
        influence values before the variance is computed, as R's ``postStrata``; ``info`` (e.g.
        raking convergence) is kept as ``calibration_info``.
        """
        w = np.asarray(weights, dtype=float)
        if w.shape != (self.n,):
            raise ParameterError(f"{w.size} weights given for a design of {self.n} rows")
        new = self._copy()
        new._weights = w
        new.calibration_info = info
        if adjustment is not None:
            new._adjustments = (*self._adjustments, adjustment)
        return new

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of rows (respondents) in the full design."""
        return len(self.data)

    @property
    def n_stages(self) -> int:
        """Number of sampling stages given in ``ids``."""
        return len(self._stages)

    @property
    def domain(self) -> np.ndarray:
        """Boolean mask of the rows in the current domain (all True for a full design)."""
        return self._domain.copy()

    @property
    def is_calibrated(self) -> bool:
        """True after post-stratification, raking or calibration."""
        return bool(self._adjustments)

    @property
    def weights(self) -> pd.Series:
        """Sampling weights (0 outside the domain), indexed as ``data``."""
        return pd.Series(self.w, index=self.data.index, name="weight")

    @property
    def w(self) -> np.ndarray:
        """Sampling weights as a NumPy array (0 outside the domain)."""
        return np.where(self._domain, self._weights, 0.0)

    @property
    def full_weights(self) -> np.ndarray:
        """Sampling weights of every row, ignoring the domain."""
        return self._weights.copy()

    @property
    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata among rows in the domain (R's ``degf``)."""
        st = self._stages[0]
        n_cl = st.stratum_of_cluster.size
        active = np.bincount(st.cluster, weights=self.w != 0, minlength=n_cl) > 0
        strata = np.bincount(st.stratum_of_cluster[active], minlength=st.n_psu.size) > 0
        return int(active.sum() - strata.sum())

    @property
    def n_rows_r(self) -> int:
        """Rows R's ``nrow(design)`` sees: domain size, or all rows once calibrated."""
        return self.n if self.is_calibrated else int(self._domain.sum())

    def column(self, name: str) -> pd.Series:
        """Return column ``name`` of the data, or raise InputError naming the known columns."""
        if name not in self.data.columns:
            raise InputError(
                f"column {name!r} not in the survey data; available: {list(self.data.columns)}"
            )
        return self.data[name]

    def __repr__(self) -> str:
        parts = [f"n={self.n}", f"stages={self.n_stages}"]
        if self.strata:
            parts.append(f"strata={self.strata!r}")
        if self.fpc:
            parts.append(f"fpc={self.fpc}")
        if not self._domain.all():
            parts.append(f"domain={int(self._domain.sum())} rows")
        if self._adjustments:
            parts.append(f"calibrated x{len(self._adjustments)}")
        return f"SurveyDesign({', '.join(parts)}, degf={self.degf})"

    # ------------------------------------------------------------------ variance core
    def variance(self, influence: np.ndarray, overwrite: bool = False) -> np.ndarray:
        """Variance matrix of the weighted totals whose per-row contributions are ``influence``.

        ``influence`` (n x p, already multiplied by the weights and zero outside the domain) is
        first replaced by its calibration residuals, then the multistage stratified cluster
        variance of R's ``svyrecvar`` is returned (p x p). With ``overwrite`` the calibration
        steps may work in ``influence`` itself (the caller's scratch array; saves a copy of n x p
        values on large samples).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"i": [0, 1, 2, 3]}))
        >>> float(d.variance(np.array([1.0, 2.0, 3.0, 6.0]))[0, 0])  # 4/3 * (4 + 1 + 0 + 9)
        18.666666666666664
        """
        x = np.asarray(influence, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        xt = np.ascontiguousarray(x.T)  # p x n; free when x is the transpose of a p x n array
        owned = overwrite or not np.may_share_memory(xt, x)  # a copy of ours may be overwritten
        for adj in self._adjustments:
            xt = adj.residualize(xt, overwrite=owned)
            owned = True

        def totals(st: _Stage) -> np.ndarray:
            n_cl = st.stratum_of_cluster.size
            z = np.empty((n_cl, xt.shape[0]))
            for j in range(xt.shape[0]):
                z[:, j] = np.bincount(st.cluster, weights=xt[j], minlength=n_cl)
            return z

        return self._stage_variance(totals, xt.shape[0])

    def variance_centred(
        self, x: np.ndarray, row_weight: np.ndarray, centre: np.ndarray
    ) -> np.ndarray:
        """Variance for influence values ``(x[j] - centre[j]) * row_weight`` (x is p x n).

        Without calibration the cluster totals are formed from ``x * row_weight`` and
        ``row_weight`` directly, never materialising the p x n influence matrix (the fast path
        of means and totals on large samples).
        """
        if self._adjustments:
            infl = x - centre[:, None]
            infl *= row_weight
            return self.variance(infl.T, overwrite=True)

        def totals(st: _Stage) -> np.ndarray:
            n_cl = st.stratum_of_cluster.size
            tw = np.bincount(st.cluster, weights=row_weight, minlength=n_cl)
            z = np.empty((n_cl, x.shape[0]))
            for j in range(x.shape[0]):
                z[:, j] = np.bincount(st.cluster, weights=x[j] * row_weight, minlength=n_cl)
                z[:, j] -= centre[j] * tw
            return z

        return self._stage_variance(totals, x.shape[0])

    def _stage_variance(self, totals: Callable[[_Stage], np.ndarray], p: int) -> np.ndarray:
        """R's multistage/onestage/onestrat on cluster totals given stage by stage."""
        v = np.zeros((p, p))
        multiplier: np.ndarray | None = None  # per cluster of the previous stage
        for i in range(self._n_stages_var):
            st = self._stages[i]
            n_psu = st.n_psu
            h = st.stratum_of_cluster
            z = totals(st)  # cluster totals, clusters x p
            if st.popsize is not None:
                f = np.where(np.isinf(st.popsize), 1.0, (st.popsize - n_psu) / st.popsize)
            else:
                f = np.ones_like(n_psu)
            lonely = n_psu == 1
            scale = np.where(lonely, f, f * n_psu / np.maximum(n_psu - 1, 1))
            scale = np.where(f < _CENSUS_TOL, 0.0, scale)
            sums = np.empty((n_psu.size, p))
            for j in range(p):
                sums[:, j] = np.bincount(h, weights=z[:, j], minlength=n_psu.size)
            means = sums / n_psu[:, None]
            centre = ~(lonely & (self.lonely_psu == "adjust"))
            d = z - np.where(centre[h][:, None], means[h], 0.0)
            weight = scale[h]
            lonely_var = lonely & (f >= _CENSUS_TOL)
            if self.lonely_psu == "average" and lonely_var.any():
                # strata with one PSU are dropped; the rest scaled by strata / usable strata,
                # per parent cluster (R's onestage)
                parent = st.parent_of_stratum
                n_par = int(parent.max()) + 1
                nstrat = np.bincount(parent, minlength=n_par).astype(float)
                nok = np.bincount(parent, weights=(~lonely_var).astype(float), minlength=n_par)
                factor = np.where(nok > 0, nstrat / np.maximum(nok, 1), 1.0)
                weight = np.where(lonely_var[h], 0.0, weight * factor[parent[h]])
                if (nok == 0).any():
                    # every stratum of some cluster is lonely: R's 0 * n/0 makes the variance NaN
                    return np.full((p, p), np.nan)
            if multiplier is not None:
                weight = weight * multiplier[st.parent_of_stratum[h]]
            v += d.T @ (d * weight[:, None])
            # stage i+1 contributions are scaled by this stage's sampling fraction n/N
            if st.popsize is not None:
                frac = (n_psu / st.popsize)[h]
                multiplier = (
                    frac if multiplier is None else frac * multiplier[st.parent_of_stratum[h]]
                )
        return v

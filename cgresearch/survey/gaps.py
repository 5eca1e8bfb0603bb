"""Perception gaps between respondent groups: one call gives the gap table a report needs.

:func:`gap_table` takes a :class:`~cgresearch.survey.design.SurveyDesign`, the items (column names
or :class:`~cgresearch.survey.scales.LikertScale` objects, whose construct scores are added) and the
grouping column (public officials, civil-society organisations, residents), and returns for every
item and construct:

- the **weighted mean of each group** with its design-based standard error and t confidence interval
  (the domain estimates of R's ``svyby(~y, ~group, design, svymean, na.rm = TRUE)``; intervals use
  the design's degrees of freedom, as ``confint(..., df = degf(design))``);
- every **pairwise gap** (mean of group a minus mean of group b) with its standard error from the
  full covariance matrix of the domain means (domains keep the full design, so means of groups that
  share clusters covary), a design-based t test with the residual degrees of freedom of R's
  ``svyglm(y ~ group, design)`` (PSUs minus strata among the rows with a valid answer, plus 1,
  minus the number of groups); for the pairs that involve the first group these are exactly the
  coefficient tests of that ``svyglm``, for the others its ``svycontrast``;
- the **Wald F test** that all group means are equal (R's
  ``regTermTest(svyglm(y ~ group), ~group)``);
- for items, the **Rao–Scott second-order adjusted Pearson test** of the item-by-group crosstab
  (R's ``svychisq(~item + group, design)`` default ``statistic = "F"``), see :func:`rao_scott`;
- **effect sizes**: Cohen's d with the pooled weighted standard deviation
  (``sqrt(((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2))``, ``s^2`` the weighted variance
  as R's ``svyvar``, ``n`` the respondents) and the weighted Cliff's delta
  ``sum_i sum_j w_i w_j sign(y_i - y_j) / (W_a W_b)``;
- **multiple-comparison adjustment** of the p-values, Holm and Benjamini–Hochberg
  (``statsmodels.stats.multitest``: ``fdrcorrection``; Holm's step-down computed here with the
  same numbers as ``multipletests(method="holm")``), over the whole table
  (``adjust_by="table"``, the default) or within each variable (``adjust_by="variable"``).

A respondent with a missing answer (don't know / refused recoded to missing) or a missing group is
left out of that variable's domain, as R's ``na.rm = TRUE``; the design stays whole.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.survey.design import SurveyDesign
>>> df = pd.DataFrame({"g": ["public", "public", "cso", "cso", "resident", "resident"] * 2,
...                    "y": [4, 5, 2, 3, 3, 3, 5, 4, 2, 2, 4, 3], "w": [1.0] * 12})
>>> t = gap_table(SurveyDesign(df, weights="w"), ["y"], "g")
>>> t.to_frame()[["group_a", "group_b", "gap"]].values.tolist()
[['public', 'cso', 2.25], ['public', 'resident', 1.25], ['cso', 'resident', -1.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import fdrcorrection

from cgresearch.errors import InputError, ParameterError
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.effect_sizes import cliffs_delta, cohens_d, weighted_var
from cgresearch.survey.rao_scott import RaoScottResult, integer_codes, rao_scott, rao_scott_coded
from cgresearch.survey.scales import LikertScale, construct_scores, recode
from cgresearch.vocabulary import RESPONDENT_GROUPS

__all__ = [
    "GapTable",
    "RaoScottResult",
    "cliffs_delta",
    "cohens_d",
    "gap_table",
    "rao_scott",
]


# --- gap table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapTable:
    """Group means, pairwise gaps, tests and effect sizes for every item and construct.

    Attributes
    ----------
    means : DataFrame
        ``variable``, ``label``, ``kind`` ("item"/"construct"), ``group``, ``n`` (respondents),
        ``mean``, ``se``, ``ci_lower``, ``ci_upper``, ``df``, ``sd`` (weighted, as ``svyvar``).
    gaps : DataFrame
        ``variable``, ``label``, ``kind``, ``group_a``, ``group_b``, ``mean_a``, ``mean_b``,
        ``gap`` (a - b), ``se``, ``ci_lower``, ``ci_upper``, ``t``, ``df``, ``p_value``,
        ``p_holm``, ``p_bh``, ``cohen_d``, ``cliff_delta``.
    overall : DataFrame
        Wald test that all group means are equal: ``variable``, ``label``, ``kind``, ``F``,
        ``ndf``, ``ddf``, ``p_value``, ``p_holm``, ``p_bh``.
    chisq : DataFrame
        Rao–Scott tests of the item-by-group crosstabs: ``variable``, ``label``, ``pearson_x2``,
        ``F``, ``ndf``, ``ddf``, ``p_value``, ``generalised`` (see :class:`RaoScottResult`),
        ``p_holm``, ``p_bh`` (empty when not asked for).
    groups : tuple of str
        Groups in display order.
    reference : str
        The group whose gaps come first (as group a).
    level : float
        Confidence level of the intervals.
    adjust_by : str
        ``"table"`` or ``"variable"``: the family of the Holm / BH adjustment.
    """

    means: pd.DataFrame
    gaps: pd.DataFrame
    overall: pd.DataFrame
    chisq: pd.DataFrame
    groups: tuple[str, ...]
    reference: str
    level: float
    adjust_by: str

    def to_frame(self) -> pd.DataFrame:
        """The pairwise gap table (one row per variable and pair of groups)."""
        return self.gaps.copy()

    def summary_frame(self, adjusted: str = "p_holm") -> pd.DataFrame:
        """One row per variable: group means, each pair's gap and p-value, the overall tests.

        Columns: ``variable``, ``label``, ``kind``, ``mean_<group>`` per group, ``gap_<a>_<b>``
        and ``p_<a>_<b>`` per pair (the ``adjusted`` p-value column: ``"p_holm"``, ``"p_bh"`` or
        ``"p_value"``), ``wald_F``, ``wald_p`` and, for items, ``rao_scott_F``, ``rao_scott_p``
        (adjusted the same way).
        """
        if adjusted not in ("p_holm", "p_bh", "p_value"):
            raise ParameterError(
                f"adjusted must be 'p_holm', 'p_bh' or 'p_value', not {adjusted!r}."
            )
        keys = ["variable", "label", "kind"]
        out = self.overall[keys].copy()
        for g in self.groups:
            sel = self.means[self.means["group"] == g].set_index("variable")["mean"]
            out[f"mean_{g}"] = out["variable"].map(sel)
        for (a, b), rows in self.gaps.groupby(["group_a", "group_b"], sort=False):
            r = rows.set_index("variable")
            out[f"gap_{a}_{b}"] = out["variable"].map(r["gap"])
            out[f"p_{a}_{b}"] = out["variable"].map(r[adjusted])
        ov = self.overall.set_index("variable")
        out["wald_F"] = out["variable"].map(ov["F"])
        out["wald_p"] = out["variable"].map(ov[adjusted])
        if not self.chisq.empty:
            ch = self.chisq.set_index("variable")
            out["rao_scott_F"] = out["variable"].map(ch["F"])
            out["rao_scott_p"] = out["variable"].map(ch[adjusted])
        return out

    def wide(self) -> pd.DataFrame:
        """Group means side by side (rows: variables; columns: groups)."""
        return self.means.pivot_table(
            index=["variable", "label"], columns="group", values="mean", sort=False
        ).reindex(columns=list(self.groups))


def _group_order(present: list[str], groups: Sequence[str] | None) -> list[str]:
    if groups is not None:
        order = [str(g) for g in groups]
        unknown = sorted(set(order) - set(present))
        if unknown:
            raise ParameterError(f"groups {unknown} do not occur; groups present: {present}.")
        return order
    vocab = [g for g in RESPONDENT_GROUPS if g in present]
    return vocab + sorted(g for g in present if g not in vocab)


def _pair_list(
    order: list[str], reference: str, pairs: Sequence[tuple[str, str]] | None
) -> list[tuple[str, str]]:
    if pairs is not None:
        out = [(str(a), str(b)) for a, b in pairs]
        bad = sorted({g for p in out for g in p} - set(order))
        if bad or any(a == b for a, b in out):
            raise ParameterError(f"pairs must join two different groups of {order}; got {pairs}.")
        return out
    first = [(reference, g) for g in order if g != reference]
    rest = [(a, b) for a, b in combinations(order, 2) if reference not in (a, b)]
    return first + rest


def _variables(
    design: SurveyDesign,
    items: Sequence[str | LikertScale] | str | LikertScale,
    constructs: bool,
    labels: Mapping[str, str] | None,
    lang: str,
) -> list[tuple[str, str, str, np.ndarray]]:
    """(name, label, kind, values) of every item and construct, recoded, aligned to the design."""
    spec = [items] if isinstance(items, str | LikertScale) else list(items)
    out: list[tuple[str, str, str, np.ndarray]] = []
    labels = labels or {}
    for entry in spec:
        if isinstance(entry, LikertScale):
            rec = recode(design.data[[c for c in entry.item_names if c in design.data]], entry)
            for it in entry.items:
                mark = {"ko": " (역코딩)", "en": " (reversed)"}.get(lang, " (역코딩/reversed)")
                label = labels.get(it.name, it.label(lang) + (mark if it.reverse else ""))
                out.append((it.name, label, "item", rec[it.name].to_numpy(dtype=float)))
            if constructs:
                score = construct_scores(design.data, [entry])[entry.name]
                lab = {"ko": entry.label_ko, "en": entry.label_en}.get(lang, "") or entry.name
                out.append((entry.name, labels.get(entry.name, lab), "construct", score.to_numpy()))
        else:
            s = design.column(entry)
            v = pd.to_numeric(s, errors="coerce")
            bad = np.flatnonzero(s.notna().to_numpy() & v.isna().to_numpy())
            if bad.size:
                raise InputError(
                    f"Row {s.index[bad[0]]!r}, column {entry!r}: {s.iloc[bad[0]]!r} is not a "
                    "number; recode the item (cgresearch.survey.scales.recode) first."
                )
            out.append((entry, labels.get(entry, entry), "item", v.to_numpy(dtype=float)))
    names = [o[0] for o in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ParameterError(f"variables {dupes} are listed more than once.")
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (statsmodels' ``multipletests(method="holm")`` numbers;
    not called because it forces a full garbage collection on every call)."""
    order = np.argsort(p, kind="stable")
    adj = np.empty_like(p)
    adj[order] = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1)))
    return adj


def _adjust(p: pd.Series, keys: pd.Series | None) -> tuple[np.ndarray, np.ndarray]:
    holm = np.full(len(p), np.nan)
    bh = np.full(len(p), np.nan)
    groups = (
        [np.arange(len(p))]
        if keys is None
        else [np.flatnonzero((keys == k).to_numpy()) for k in pd.unique(keys)]
    )
    pv = p.to_numpy(dtype=float)
    for idx in groups:
        ok = idx[~np.isnan(pv[idx])]
        if ok.size:
            holm[ok] = _holm(pv[ok])
            bh[ok] = fdrcorrection(pv[ok], method="indep")[1]
    return holm, bh


def gap_table(
    design: SurveyDesign,
    items: Sequence[str | LikertScale] | str | LikertScale,
    group: str,
    *,
    reference: str | None = None,
    groups: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    constructs: bool = True,
    chisq: bool = True,
    level: float = 0.95,
    adjust_by: str = "table",
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
) -> GapTable:
    """Group means, pairwise gaps with design-based tests, effect sizes and adjusted p-values.

    Parameters
    ----------
    design : SurveyDesign
        The survey design (or a domain of it).
    items : str, LikertScale or a sequence of them
        Column names (numeric, already recoded) and/or scales: a scale contributes its items
        (recoded: missing codes to NaN, reverse-worded items flipped) and, with
        ``constructs=True``, its construct score
        (:func:`~cgresearch.survey.scales.construct_scores`).
    group : str
        Grouping column (e.g. ``"group"`` with public / cso / resident).
    reference : str, optional
        Group compared first (as group a of its pairs); default the first group.
    groups : sequence of str, optional
        Groups to compare, in display order (default: all present, vocabulary order first).
    pairs : sequence of (str, str), optional
        Pairs to test (default: every pair, the reference's first).
    constructs : bool
        Add the construct score of each scale.
    chisq : bool
        Rao–Scott test of each item's crosstab with the group (not for constructs).
    level : float
        Confidence level.
    adjust_by : {"table", "variable"}
        Family for Holm / Benjamini–Hochberg: all tests of a kind in the table, or the pairs of one
        variable (the overall and chi-square tests are always adjusted across variables).
    labels : mapping, optional
        Variable name -> display label (overrides scale labels; a reverse-worded item's scale
        label gets " (reversed)" / " (역코딩)", since its gaps are on the recoded direction).
    lang : {"en", "ko", "ko+en"}
        Language of scale labels.

    Returns
    -------
    GapTable

    Raises
    ------
    InputError
        Missing columns, non-numeric items, or fewer than two groups with answers.
    """
    if adjust_by not in ("table", "variable"):
        raise ParameterError(f"adjust_by must be 'table' or 'variable', not {adjust_by!r}.")
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, got {level}.")
    gcol = design.column(group)
    w = design.w
    gcode_all, present_levels = integer_codes(gcol.map(str, na_action="ignore"), w != 0)
    present = [str(g) for g in present_levels]
    order = _group_order(present, groups)
    if len(order) < 2:
        raise InputError(f"Column {group!r} has fewer than two groups with respondents: {order}.")
    ref = str(reference) if reference is not None else order[0]
    if ref not in order:
        raise ParameterError(f"reference {reference!r} is not one of the groups {order}.")
    pair_list = _pair_list(order, ref, pairs)
    # gcode: position of the row's group in `order`; -1 when missing, zero-weight or not compared
    to_order = np.array([order.index(g) if g in order else -1 for g in present] + [-1])
    gcode = to_order[gcode_all]
    in_groups = gcode >= 0
    alpha = 1 - level

    mean_rows, gap_rows, overall_rows, chisq_rows = [], [], [], []
    for name, label, kind, y in _variables(design, items, constructs, labels, lang):
        valid = in_groups & ~np.isnan(y)
        yz = np.where(valid, y, 0.0)
        counts = np.bincount(gcode[valid], minlength=len(order))
        gs = [g for k, g in enumerate(order) if counts[k] > 0]
        cols, mu, sd, nn, vals = [], {}, {}, {}, {}
        for g in gs:
            m = valid & (gcode == order.index(g))
            wg = np.where(m, w, 0.0)
            ng = wg.sum()
            mu[g] = float((wg * yz).sum() / ng)
            cols.append(wg * (yz - mu[g]) / ng)
            nn[g] = int(m.sum())
            vals[g] = (y[m], w[m])
            sd[g] = float(np.sqrt(weighted_var(y[m], w[m]))) if m.sum() > 1 else np.nan
        v = design.variance(np.column_stack(cols)) if cols else np.zeros((0, 0))
        idx = {g: i for i, g in enumerate(gs)}
        t_means = stats.t.ppf(1 - alpha / 2, design.degf) if design.degf > 0 else np.nan
        for g in order:
            if g in idx:
                se = float(np.sqrt(v[idx[g], idx[g]]))
                lo, hi = mu[g] - t_means * se, mu[g] + t_means * se
                row = (nn[g], mu[g], se, lo, hi, sd[g])
            else:
                row = (0, np.nan, np.nan, np.nan, np.nan, np.nan)
            mean_rows.append(
                {
                    "variable": name,
                    "label": label,
                    "kind": kind,
                    "group": g,
                    "n": row[0],
                    "mean": row[1],
                    "se": row[2],
                    "ci_lower": row[3],
                    "ci_upper": row[4],
                    "df": float(design.degf),
                    "sd": row[5],
                }
            )
        df_test = float(design.subset(valid).degf + 1 - len(gs)) if len(gs) >= 2 else np.nan
        t_crit = stats.t.ppf(1 - alpha / 2, df_test) if df_test > 0 else np.nan
        for a, b in pair_list:
            rec = {"variable": name, "label": label, "kind": kind, "group_a": a, "group_b": b}
            if a in idx and b in idx:
                i, j = idx[a], idx[b]
                gap = mu[a] - mu[b]
                se = float(np.sqrt(max(v[i, i] + v[j, j] - 2 * v[i, j], 0.0)))
                t = gap / se if se > 0 else np.nan
                p = float(2 * stats.t.sf(abs(t), df_test)) if df_test > 0 else np.nan
                rec |= {
                    "mean_a": mu[a],
                    "mean_b": mu[b],
                    "gap": gap,
                    "se": se,
                    "ci_lower": gap - t_crit * se,
                    "ci_upper": gap + t_crit * se,
                    "t": t,
                    "df": df_test,
                    "p_value": p,
                    "cohen_d": cohens_d(vals[a][0], vals[b][0], vals[a][1], vals[b][1]),
                    "cliff_delta": cliffs_delta(vals[a][0], vals[b][0], vals[a][1], vals[b][1]),
                }
            gap_rows.append(rec)
        ov = {"variable": name, "label": label, "kind": kind}
        if len(gs) >= 2:
            est = np.array([mu[g] for g in gs])
            cm = np.hstack([-np.ones((len(gs) - 1, 1)), np.eye(len(gs) - 1)])
            d = cm @ est
            wald = float(d @ np.linalg.solve(cm @ v @ cm.T, d))
            fstat = wald / (len(gs) - 1)
            ov |= {
                "F": fstat,
                "ndf": float(len(gs) - 1),
                "ddf": df_test,
                "p_value": float(stats.f.sf(fstat, len(gs) - 1, df_test)),
            }
        overall_rows.append(ov)
        if chisq and kind == "item":
            y_lev = np.unique(y[valid])
            chi_row: dict[str, object] = {"variable": name, "label": label}
            if y_lev.size >= 2 and len(gs) >= 2:
                yi = np.where(valid, np.searchsorted(y_lev, np.where(valid, y, y_lev[0])), -1)
                # columns: the groups with answers to this item, in display order
                col_of = np.full(len(order) + 1, -1)
                for k, g in enumerate(gs):
                    col_of[order.index(g)] = k
                gi = col_of[gcode]
                rs = rao_scott_coded(design, yi, gi, list(y_lev), list(gs), name, group)
                chi_row |= {
                    "pearson_x2": rs.pearson,
                    "F": rs.f,
                    "ndf": rs.ndf,
                    "ddf": rs.ddf,
                    "p_value": rs.p_value,
                    "generalised": rs.generalised,
                }
            chisq_rows.append(chi_row)

    gaps = pd.DataFrame(gap_rows)
    gap_cols = ["variable", "label", "kind", "group_a", "group_b", "mean_a", "mean_b", "gap"]
    gap_cols += ["se", "ci_lower", "ci_upper", "t", "df", "p_value"]
    gaps = gaps.reindex(columns=[*gap_cols, "cohen_d", "cliff_delta"])
    keys = gaps["variable"] if adjust_by == "variable" else None
    gaps["p_holm"], gaps["p_bh"] = _adjust(gaps["p_value"], keys)
    gaps = gaps[[*gap_cols, "p_holm", "p_bh", "cohen_d", "cliff_delta"]]
    overall = pd.DataFrame(overall_rows).reindex(
        columns=["variable", "label", "kind", "F", "ndf", "ddf", "p_value"]
    )
    overall["p_holm"], overall["p_bh"] = _adjust(overall["p_value"], None)
    chisq_cols = ["variable", "label", "pearson_x2", "F", "ndf", "ddf", "p_value", "generalised"]
    chi = pd.DataFrame(chisq_rows).reindex(columns=chisq_cols)
    chi["p_holm"], chi["p_bh"] = _adjust(chi["p_value"], None)
    return GapTable(
        means=pd.DataFrame(mean_rows),
        gaps=gaps,
        overall=overall,
        chisq=chi,
        groups=tuple(order),
        reference=ref,
        level=level,
        adjust_by=adjust_by,
    )

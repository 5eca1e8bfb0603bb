"""A feedback page per gu: its scores, pillar profile, change, weakest indicators, grade, way up.

:func:`gu_feedback` gathers, for one unit of an :class:`~cgresearch.evaluation.IndexResult`:
its index score and rank; each pillar's score against the median of all units; the change of
score and rank from the previous year's result (same framework and spec; note that min–max and
rank scores are relative to each year's units, so a change says "against the others"); its
weakest indicators (lowest normalised scores); its grade under a rule, with the Monte Carlo
probability of that grade; and "what would move it up" from
:func:`~cgresearch.evaluation.grades.grade_improvements` (arithmetic aggregation only; otherwise
the reason is given instead). :meth:`Feedback.to_markdown` writes the page, Korean by default.

Examples
--------
>>> # fb = gu_feedback(result, 11200, rule=GradeRule("quantiles"), previous=last_year, mc=mc)
>>> # print(fb.to_markdown("ko"))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cgresearch.errors import CGResearchError, ParameterError
from cgresearch.evaluation.grades import GradeRule, assign_grades, grade_improvements
from cgresearch.i18n import Lang, tr

__all__ = ["Feedback", "gu_feedback"]


@dataclass(frozen=True)
class Feedback:
    """Everything on one unit's feedback page.

    Attributes
    ----------
    unit : object
        The unit code (e.g. the gu's ``adm_code``).
    name : str
        Its display name.
    score, rank : float, int
        Index score and rank (1 = best) among ``n_units``.
    n_units : int
    pillars : DataFrame
        Index pillar codes; ``name``, ``score``, ``median`` (of all units), ``gap`` (score −
        median), ``previous`` and ``change`` (NaN without a previous result).
    score_change, rank_change : float
        Change of the index score and rank from the previous result (rank change > 0 = moved
        up); NaN without one.
    weakest : DataFrame
        The ``n_weakest`` indicators with the lowest normalised score: ``name``, ``pillar``,
        ``value`` (own units), ``unit``, ``score``.
    grade : str
    grade_probability : float
        Share of Monte Carlo draws with this grade (NaN without a Monte Carlo).
    improvement : str
        The sentences of :meth:`ImprovementResult.describe`, or why there are none.
    """

    unit: Any
    name: str
    score: float
    rank: int
    n_units: int
    pillars: pd.DataFrame
    score_change: float
    rank_change: float
    weakest: pd.DataFrame
    grade: str
    grade_probability: float
    improvement: str

    def to_markdown(self, lang: Lang = "ko") -> str:
        """The page as Markdown (headings, a pillar table, bullet lists)."""
        lines = [f"### {self.name}", ""]
        lines.append(
            tr(
                "Index score {score:.1f} (rank {rank} of {n}); grade {grade}",
                lang,
                score=self.score,
                rank=self.rank,
                n=self.n_units,
                grade=self.grade,
            )
            + (
                tr(" with probability {p:.0%}", lang, p=self.grade_probability)
                if np.isfinite(self.grade_probability)
                else ""
            )
            + "."
        )
        if np.isfinite(self.score_change):
            lines.append(
                tr(
                    "Change from last year: score {change:+.1f}, rank {moved:+d} places.",
                    lang,
                    change=self.score_change,
                    moved=int(self.rank_change),
                )
            )
        lines += [
            "",
            "| "
            + " | ".join(
                [
                    tr("Pillar", lang),
                    tr("Score", lang),
                    tr("Seoul median", lang),
                    tr("Gap", lang),
                    tr("Change", lang),
                ]
            )
            + " |",
            "|---|---:|---:|---:|---:|",
        ]
        for _, r in self.pillars.iterrows():
            change = f"{r['change']:+.1f}" if np.isfinite(r["change"]) else "–"
            lines.append(
                f"| {r['name']} | {r['score']:.1f} | {r['median']:.1f} | {r['gap']:+.1f} | "
                f"{change} |"
            )
        lines += ["", tr("Weakest indicators:", lang)]
        for _, r in self.weakest.iterrows():
            lines.append(
                "- "
                + tr(
                    "{name}: {value} {unit} (score {score:.0f})",
                    lang,
                    name=r["name"],
                    value=_fmt(r["value"]),
                    unit=r["unit"],
                    score=r["score"],
                )
            )
        lines += ["", tr("What would move it up a grade:", lang), self.improvement, ""]
        return "\n".join(lines)


def _fmt(value: float) -> str:
    return "–" if not np.isfinite(value) else f"{value:,.4g}"


def gu_feedback(
    result: Any,
    unit: object,
    *,
    rule: GradeRule | None = None,
    previous: Any | None = None,
    mc: Any | None = None,
    name: str | None = None,
    n_weakest: int = 3,
    lang: Lang = "ko",
) -> Feedback:
    """Gather one unit's feedback page from an index result (and optionally more).

    Parameters
    ----------
    result : IndexResult
        This year's index (:func:`cgresearch.evaluation.build_index`).
    unit : object
        A unit of ``result.scores.index``.
    rule : GradeRule, optional
        Grade rule (default quantiles, equal shares).
    previous : IndexResult, optional
        Last year's index on the same framework and spec.
    mc : UncertaintyResult, optional
        Monte Carlo of the same data (for the grade probability).
    name : str, optional
        Display name (default the unit code).
    n_weakest : int
        How many weakest indicators to list.
    lang : {"ko", "en"}
        Language of names and of the improvement sentences.

    Returns
    -------
    Feedback

    Raises
    ------
    ParameterError
        An unknown unit.
    """
    if unit not in result.scores.index:
        raise ParameterError(
            f"gu_feedback: unit {unit!r} is not in the index result; units are "
            f"{list(result.scores.index)[:5]}..."
        )
    rule = rule or GradeRule("quantiles")
    fw = result.framework
    root = fw.root
    table = fw.table.set_index("code")
    name_col = "name_ko" if lang == "ko" else "name_en"
    pillars = list(fw.children(root))
    scores = result.scores
    pil = pd.DataFrame(index=pd.Index(pillars, name="code"))
    pil["name"] = [str(table.loc[p, name_col]) for p in pillars]
    pil["score"] = scores.loc[unit, pillars].astype(float).to_numpy()
    pil["median"] = scores[pillars].median().to_numpy()
    pil["gap"] = pil["score"] - pil["median"]
    if previous is not None and unit in previous.scores.index:
        pil["previous"] = previous.scores.loc[unit, pillars].astype(float).to_numpy()
        score_change = float(scores.loc[unit, root] - previous.scores.loc[unit, root])
        rank_change = float(previous.ranks.loc[unit, root] - result.ranks.loc[unit, root])
    else:
        pil["previous"] = np.nan
        score_change = rank_change = float("nan")
    pil["change"] = pil["score"] - pil["previous"]
    indicators = list(fw.indicators)
    ind_scores = scores.loc[unit, indicators].astype(float).dropna().sort_values(kind="stable")
    weak_codes = list(ind_scores.index[:n_weakest])
    weakest = pd.DataFrame(
        {
            "name": [str(table.loc[c, name_col]) for c in weak_codes],
            "pillar": [str(table.loc[c, "parent"]) for c in weak_codes],
            "value": [float(result.treated.loc[unit, c]) for c in weak_codes],
            "unit": [_text(table.loc[c, "unit"]) for c in weak_codes],
            "score": ind_scores.loc[weak_codes].to_numpy(),
        },
        index=pd.Index(weak_codes, name="code"),
    )
    grade = str(assign_grades(scores[root], rule).loc[unit])
    if mc is not None and unit in mc.grade_probabilities.index:
        p = float(mc.grade_probabilities.loc[unit].get(grade, np.nan))
    else:
        p = float("nan")
    try:
        improvement = grade_improvements(result, unit, rule).describe(lang)
    except CGResearchError as exc:
        improvement = tr("Not computed: {reason}", lang, reason=str(exc))
    else:  # readers see names, not codes
        lines = improvement.splitlines()
        if lines and name:
            lines[0] = lines[0].replace(str(unit), name, 1)
        for i, line in enumerate(lines[1:], start=1):
            code = line.split(":", 1)[0]
            if code in table.index:
                lines[i] = "- " + line.replace(code, str(table.loc[code, name_col]), 1)
        improvement = "\n".join(lines)
    return Feedback(
        unit=unit,
        name=name or str(unit),
        score=float(scores.loc[unit, root]),
        rank=int(result.ranks.loc[unit, root]),
        n_units=int(scores[root].notna().sum()),
        pillars=pil,
        score_change=score_change,
        rank_change=rank_change,
        weakest=weakest,
        grade=grade,
        grade_probability=p,
        improvement=improvement,
    )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

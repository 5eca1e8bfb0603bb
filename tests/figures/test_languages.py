"""Every figure of the package renders in both editions: no missing glyph, no English left in the
Korean edition, no raw identifier (snake_case column names, T1–T5 codes) a reader would see.

``FIGURES`` is the registry: one line per figure function, with a small input built here. A figure
added later is covered by adding its line.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import warnings
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cgresearch.figures import allocation as alloc
from cgresearch.figures import evaluation as ev
from cgresearch.figures import inventory as inv
from cgresearch.figures import pb as pbf
from cgresearch.figures import selection as sel
from cgresearch.figures import style
from cgresearch.figures import survey as sv
from cgresearch.figures import sweeps as sw
from cgresearch.formatting import raw_identifiers
from cgresearch.i18n import Lang
from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.gaps import gap_table
from cgresearch.survey.priorities import (
    borich,
    importance_performance,
    locus_for_focus,
    pairs_from_prefixes,
)
from cgresearch.survey.scales import LikertItem, LikertScale, response_distribution
from cgresearch.vocabulary import POLICY_TASKS

PAIRS = pd.DataFrame(
    {
        "imp_T1": [5, 4, 5, 4],
        "perf_T1": [2, 3, 2, 3],
        "imp_T2": [4, 4, 3, 3],
        "perf_T2": [4, 3, 3, 4],
        "imp_T3": [3, 4, 4, 5],
        "perf_T3": [4, 4, 5, 5],
    }
)
SURVEY = pd.DataFrame(
    {
        "group": ["public", "cso", "resident"] * 4,
        "q1": [5, 2, 3, 4, 2, 4, 5, 1, 3, 4, 3, 3],
        "q2": [3, 3, 4, 2, 4, 5, 3, 4, 4, 2, 5, 4],
    }
)


def _task_labels(lang: Lang) -> dict[str, str]:
    return {c: (t.ko if lang == "ko" else t.en) for c, t in POLICY_TASKS.items()}


def _scale() -> LikertScale:
    return LikertScale(
        "trust",
        (
            LikertItem("q1", "구청을 신뢰한다", "I trust the gu office"),
            LikertItem("q2", "참여", "I take part"),
        ),
        label_ko="신뢰",
        label_en="Trust",
    )


def _likert(lang: Lang) -> Figure:
    dist = response_distribution(SURVEY, _scale(), group="group", lang=lang)
    return sv.likert_bars(
        dist, lang=lang, title="신뢰" if lang == "ko" else "Trust", synthetic=True
    )


def _dumbbell(lang: Lang) -> Figure:
    gaps = gap_table(SurveyDesign(SURVEY), _scale(), "group", lang=lang, chisq=False)
    return sv.gap_dumbbell(gaps, lang=lang, synthetic=True)


def _ipa(lang: Lang) -> Figure:
    pairs = pairs_from_prefixes(PAIRS.columns)
    return sv.ipa_chart(
        importance_performance(PAIRS, pairs, labels=_task_labels(lang)), lang=lang, synthetic=True
    )


def _borich(lang: Lang) -> Figure:
    pairs = pairs_from_prefixes(PAIRS.columns)
    res = borich(PAIRS, pairs, labels=_task_labels(lang))
    return sv.borich_chart(res, top_k=1, lang=lang, synthetic=True)


def _lff(lang: Lang) -> Figure:
    pairs = pairs_from_prefixes(PAIRS.columns)
    res = locus_for_focus(PAIRS, pairs, labels=_task_labels(lang))
    return sv.locus_for_focus_chart(res, lang=lang, synthetic=True)


_SOURCES = pd.DataFrame(
    {"n_projects": [920, 150, 56], "budget_mkrw": [6_060_700, 1_000_000, 600_800]},
    index=pd.Index(["smg_grant", "borough_own", "joint"], name="funding_source"),
)


def _funding(lang: Lang) -> Figure:
    fig = inv.funding_source_chart(_SOURCES, lang=lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _by_gu(lang: Lang) -> Figure:
    table = pd.DataFrame(
        {"smg_grant": [100.0, 300.0], "joint": [50.0, 0.0]}, index=["종로구", "중구"]
    )
    fig = inv.district_budget_chart(table, lang=lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _heatmap(lang: Lang) -> Figure:
    table = pd.DataFrame(
        [[1, 2, 0, 3, 1], [3, 4, 1, 0, 2]], index=["종로구", "중구"], columns=list(POLICY_TASKS)
    )
    fig = inv.task_heatmap(table, lang=lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _spend(lang: Lang) -> Figure:
    spend = pd.DataFrame(
        {"gu": [11110, 11140], "envelope": [500.0, 300.0], "spent": [450.0, 300.0]}
    )
    fig = sel.envelope_spend_chart(spend, {11110: "종로구", 11140: "중구"}, lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _pb_rules(lang: Lang) -> Figure:
    rules = pd.DataFrame(
        {
            "rule": ["greedy", "mes", "max-welfare"],
            "n_funded": [3, 5, 4],
            "spent_share": [0.95, 0.8, 0.99],
            "share_with_funded": [0.6, 0.75, 0.7],
        }
    )
    fig = pbf.pb_rules_chart(rules, lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _tornado_table():
    from cgresearch.sweeps.analysis import tornado

    rows = []
    for sid, (budget, floor) in enumerate([(200, 6), (200, 8), (300, 6), (300, 8)]):
        for code, ko, en, a in [
            (11110, "종로구", "Jongno-gu", 4.0),
            (11140, "중구", "Jung-gu", 0.5),
        ]:
            rows.append(
                {
                    "scenario_id": sid,
                    "point": sid,
                    "draw": 0,
                    "param.total_budget_eok": budget,
                    "param.floor_eok": floor,
                    "status": "optimal",
                    "adm_code": code,
                    "name_ko": ko,
                    "name_en": en,
                    "amount_eok": a * budget / 100 + floor,
                }
            )
    return tornado(pd.DataFrame(rows))


def _tornado_objectives(lang: Lang) -> Figure:
    """A tornado whose swept axis is the objective: its levels are words, never codes."""
    from cgresearch.sweeps.analysis import tornado

    rows = []
    for sid, objective in enumerate(["equal_adjustment", "proportional"]):
        rows.append(
            {
                "scenario_id": sid,
                "point": sid,
                "draw": 0,
                "param.objective": objective,
                "status": "optimal",
                "adm_code": 11110,
                "name_ko": "종로구",
                "name_en": "Jongno-gu",
                "amount_eok": 8.0 + sid,
            }
        )
    table = tornado(pd.DataFrame(rows))
    return sw.tornado_chart(table, district="종로구", synthetic=True, lang=lang)


def _tornado_one(lang: Lang) -> Figure:
    return sw.tornado_chart(_tornado_table(), district="종로구", synthetic=True, lang=lang)


def _tornado_all(lang: Lang) -> Figure:
    return sw.tornado_chart(_tornado_table(), synthetic=True, lang=lang)


# --- chapter 07 (evaluation) and 08 (Seoul's participatory budget) ---------------------------
def _gu(lang: Lang) -> dict[int, str]:
    from cgresearch.data import load_districts

    d = load_districts()
    return d.set_index("adm_code")["name_ko" if lang == "ko" else "name_en"].to_dict()


_PILLARS = {"PLAN": ("계획", "Planning"), "PART": ("참여", "Participation")}


def _pillar_names(lang: Lang) -> dict[str, str]:
    return {c: (ko if lang == "ko" else en) for c, (ko, en) in _PILLARS.items()}


def _index_map(lang: Lang) -> Figure:
    codes = list(_gu(lang))
    scores = pd.Series([float(i * 4) for i in range(len(codes))], index=codes)
    return ev.index_map(scores, lang=lang, synthetic=True)


def _pillar_heatmap(lang: Lang) -> Figure:
    scores = pd.DataFrame({"PLAN": [80.0, 20.0, 55.5], "PART": [10.0, 95.0, 50.0]},
                          index=[11110, 11140, 11170])  # fmt: skip
    return ev.pillar_heatmap(
        scores, names=_gu(lang), pillar_names=_pillar_names(lang), lang=lang, synthetic=True
    )


def _rank_intervals(lang: Lang) -> Figure:
    iv = pd.DataFrame({"nominal": [1, 2, 3], "median": [1.0, 2.5, 2.5], "q05": [1.0, 1.0, 2.0],
                       "q95": [2.0, 3.0, 3.0]}, index=[11110, 11140, 11170])  # fmt: skip
    return ev.rank_interval_chart(iv, names=_gu(lang), lang=lang, n_draws=384, synthetic=True)


def _grade_probs(lang: Lang) -> Figure:
    probs = pd.DataFrame({"가": [0.9, 0.1, 0.0], "나": [0.1, 0.6, 0.3], "다": [0.0, 0.3, 0.7]},
                         index=[11110, 11140, 11170])  # fmt: skip
    return ev.grade_probability_chart(probs, names=_gu(lang), lang=lang, synthetic=True)


def _sobol(lang: Lang) -> Figure:
    s = pd.DataFrame(
        {"S1": [0.2, 0.1, 0.0, 0.4], "S1_conf": [0.05] * 4, "ST": [0.3, 0.2, 0.05, 0.6],
         "ST_conf": [0.05] * 4},
        index=["normalisation", "aggregation", "imputation", "weights"],
    )  # fmt: skip
    return ev.sobol_chart(s, lang=lang, synthetic=True)


def _monitoring(lang: Lang) -> Figure:
    from cgresearch.data.synth.monitoring import generate_register
    from cgresearch.evaluation import monitoring_table

    latest = monitoring_table(generate_register(seed=7)).latest
    names = {k: (t.ko if lang == "ko" else t.en) for k, t in POLICY_TASKS.items()}
    return ev.monitoring_chart(latest, goal_names=names, lang=lang, synthetic=True)


def _feedback(lang: Lang) -> Figure:
    score = pd.Series({"PLAN": 70.0, "PART": 40.0})
    median = pd.Series({"PLAN": 50.0, "PART": 55.0})
    previous = pd.Series({"PLAN": 65.0, "PART": 45.0})
    return ev.feedback_profile_chart(
        score, median, previous, title=_gu(lang)[11200], pillar_names=_pillar_names(lang),
        lang=lang, synthetic=True,
    )  # fmt: skip


def _envelope_ranges(lang: Lang) -> Figure:
    names = _gu(lang)
    table = pd.DataFrame(
        {"name": [names[11110], names[11140], names[11170]], "amount_eok": [10.5, 9.0, 7.5],
         "low_eok": [10.5, 7.5, 7.5], "high_eok": [10.5, 10.5, 9.0], "grade": ["가", "나", "다"]}
    )  # fmt: skip
    return ev.envelope_range_chart(table, lang=lang, synthetic=True)


def _pb_series(lang: Lang) -> Figure:
    from cgresearch.data import load_pb_facts, pb_series

    fig = pbf.pb_series_chart(pb_series(load_pb_facts()), lang)
    style.caption(fig, "", synthetic=False, source="governance_budget_facts.csv", lang=lang)
    return fig


_RULES = ["seoul", "mes+greedy", "max-welfare"]


def _rule_comparison(lang: Lang) -> Figure:
    rules = pd.DataFrame(
        {"rule": _RULES, "n_funded": [245, 246, 250], "spent_eok": [492.97, 491.66, 560.1],
         "unspent_share": [0.171, 0.173, 0.05], "share_with_nothing": [0.0, 0.01, 0.02],
         "gini_satisfaction": [0.246, 0.25, 0.3]}
    )  # fmt: skip
    fig = pbf.rule_comparison_chart(rules, lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _gains_map(lang: Lang) -> Figure:
    codes = list(_gu(lang))
    gains = pd.DataFrame(
        {"rule": "mes+greedy", "adm_code": codes,
         "vs_seoul_eok": [float(i - 12) / 4 for i in range(len(codes))]}
    )  # fmt: skip
    fig = pbf.gains_map(gains, "mes+greedy", lang)
    style.caption(fig, "", synthetic=True, lang=lang)
    return fig


def _envelopes():
    from functools import cache

    @cache
    def solved():
        from cgresearch import paths
        from cgresearch.allocation import compare, load_scenario, solve_envelopes
        from cgresearch.data.districts import load_districts

        districts = load_districts()
        scenario = load_scenario(paths.scenarios_dir() / "need_goal_stable.toml")
        result = solve_envelopes(districts, scenario)
        # the formula as it is: no floors, caps or year-on-year limits (as chapter 04 draws it)
        formula = solve_envelopes(
            districts,
            dataclasses.replace(
                scenario, objective="formula", floor_eok=None, cap_eok=None, stability_delta=None
            ),
        )
        return result, compare(formula, result)

    return solved


_SOLVED = _envelopes()


def _allocation_map(lang: Lang) -> Figure:
    return alloc.allocation_map(_SOLVED()[0], lang=lang)


def _change_map(lang: Lang) -> Figure:
    return alloc.allocation_map(_SOLVED()[0], "change_eok", lang=lang)


def _allocation_bars(lang: Lang) -> Figure:
    return alloc.allocation_bars(_SOLVED()[0], lang=lang)


def _comparison_bars(lang: Lang) -> Figure:
    return alloc.comparison_bars(_SOLVED()[1], lang=lang)


def _comparison_map(lang: Lang) -> Figure:
    return alloc.comparison_map(_SOLVED()[1], lang=lang)


def _equity_frontier(lang: Lang) -> Figure:
    frontier = pd.DataFrame(
        {
            "max_per_capita_ratio": [3.0, 2.0, 1.2],
            "status": ["optimal", "optimal", "infeasible"],
            "objective_value": [1.0, 4.0, float("nan")],
            "objective_label": ["x"] * 3,
        }
    )
    frontier["objective_label"] = alloc.objective_name("equal_adjustment", lang)
    return alloc.frontier_chart(frontier, lang=lang)


def _sweep_results():
    rows = []
    for point, (floor, ratio) in enumerate([(4, 10.0), (8, 10.0), (4, 3.5), (8, 3.5)]):
        for draw in range(2):
            for code, ko, en, a in [
                (11110, "종로구", "Jongno-gu", 4.0),
                (11140, "중구", "Jung-gu", 0.5),
            ]:
                amount = a + floor + draw * 0.1
                rows.append(
                    {
                        "scenario_id": point * 2 + draw,
                        "point": point,
                        "draw": draw,
                        "param.floor_eok": floor,
                        "param.max_per_capita_ratio": ratio,
                        "status": "optimal",
                        "message": "",
                        "conflicts": "",
                        "adm_code": code,
                        "name_ko": ko,
                        "name_en": en,
                        "amount_eok": amount,
                        "target_eok": a + 6,
                        "per_capita_krw": amount * 1000,
                        "metric.gini": 0.1 + 0.01 * point,
                    }
                )
    return pd.DataFrame(rows)


def _sweep_frontier(lang: Lang) -> Figure:
    from cgresearch.sweeps.analysis import equity_efficiency_frontier

    frontier = equity_efficiency_frontier(_sweep_results())
    return sw.frontier_chart(frontier, color_by="param.floor_eok", synthetic=False, lang=lang)


def _mc_ranges(lang: Lang) -> Figure:
    from cgresearch.sweeps.analysis import monte_carlo_ranges

    return sw.mc_range_chart(
        monte_carlo_ranges(_sweep_results(), point=0), synthetic=False, lang=lang
    )


#: One line per figure function of the package: (name, draw(lang) -> Figure).
FIGURES: list[tuple[str, Callable[[Lang], Figure]]] = [
    ("survey.likert_bars", _likert),
    ("survey.gap_dumbbell", _dumbbell),
    ("survey.ipa_chart", _ipa),
    ("survey.borich_chart", _borich),
    ("survey.locus_for_focus_chart", _lff),
    ("inventory.funding_source_chart", _funding),
    ("inventory.district_budget_chart", _by_gu),
    ("inventory.task_heatmap", _heatmap),
    ("selection.envelope_spend_chart", _spend),
    ("pb.pb_rules_chart", _pb_rules),
    ("sweeps.tornado_chart(district)", _tornado_one),
    ("sweeps.tornado_chart", _tornado_all),
    ("evaluation.index_map", _index_map),
    ("evaluation.pillar_heatmap", _pillar_heatmap),
    ("evaluation.rank_interval_chart", _rank_intervals),
    ("evaluation.grade_probability_chart", _grade_probs),
    ("evaluation.sobol_chart", _sobol),
    ("evaluation.monitoring_chart", _monitoring),
    ("evaluation.feedback_profile_chart", _feedback),
    ("evaluation.envelope_range_chart", _envelope_ranges),
    ("pb.pb_series_chart", _pb_series),
    ("pb.rule_comparison_chart", _rule_comparison),
    ("pb.gains_map", _gains_map),
    ("sweeps.tornado_chart(objective levels)", _tornado_objectives),
    ("sweeps.frontier_chart", _sweep_frontier),
    ("sweeps.mc_range_chart", _mc_ranges),
    ("allocation.allocation_map", _allocation_map),
    ("allocation.allocation_map(change)", _change_map),
    ("allocation.allocation_bars", _allocation_bars),
    ("allocation.comparison_bars", _comparison_bars),
    ("allocation.comparison_map", _comparison_map),
    ("allocation.frontier_chart", _equity_frontier),
]


def figure_texts(fig: Figure) -> list[str]:
    """Every text a reader sees: titles, axis labels, tick labels, legends, annotations."""
    found = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        found.append(fig._suptitle.get_text())
    for ax in fig.axes:
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
        found += [ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [t.get_text() for t in ax.texts]
        legends = [a for a in ax.artists if isinstance(a, matplotlib.legend.Legend)]
        if ax.get_legend() is not None:
            legends.append(ax.get_legend())
        for legend in legends:
            found += [t.get_text() for t in legend.get_texts()]
            found.append(legend.get_title().get_text())
    return [t for t in found if t.strip()]


#: Words that stay in Latin letters in the Korean edition (names of methods and bodies).
_KEPT = {"Borich", "IPA", "SYNTHETIC", "CG", "SMG", "KRW"}
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,:()-]+[A-Za-z]{2,}){2,}")


_KEPT_PHRASES = ("Locus for Focus",)


def _english_runs(text: str) -> list[str]:
    """Runs of three or more Latin words (not kept names) left in a Korean text."""
    for phrase in _KEPT_PHRASES:
        text = text.replace(phrase, "")
    runs = _ENGLISH_RUN.findall(text)
    return [r for r in runs if set(re.findall(r"[A-Za-z]+", r)) - _KEPT]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


class _FontLog(logging.Handler):
    """Collects matplotlib's font-fallback messages ("findfont: Failed to find font weight …")."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _draw(draw: Callable[[Lang], Figure], lang: Lang) -> tuple[Figure, list[str]]:
    """Draw a figure; return it with every missing glyph and every font fallback."""
    style.apply_style()
    log = _FontLog()
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addHandler(log)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = draw(lang)
            fig.canvas.draw()
    finally:
        logger.removeHandler(log)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    return fig, missing + log.messages


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("name", "draw"), FIGURES, ids=[n for n, _ in FIGURES])
def test_every_figure_renders_every_character_with_the_shipped_font(name, draw, lang):
    fig, missing = _draw(draw, lang)
    assert not missing, f"{name} ({lang}): {missing}"
    assert figure_texts(fig), f"{name} ({lang}) has no text at all"


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("name", "draw"), FIGURES, ids=[n for n, _ in FIGURES])
def test_no_figure_shows_a_raw_identifier(name, draw, lang):
    fig, _ = _draw(draw, lang)
    raw = {t: raw_identifiers(t) for t in figure_texts(fig) if raw_identifiers(t)}
    assert not raw, f"{name} ({lang}) shows raw identifiers: {raw}"


@pytest.mark.parametrize(("name", "draw"), FIGURES, ids=[n for n, _ in FIGURES])
def test_the_korean_edition_of_every_figure_has_no_english_sentence_left(name, draw):
    fig, _ = _draw(draw, "ko")
    left = {t: _english_runs(t) for t in figure_texts(fig) if _english_runs(t)}
    assert not left, f"{name}: untranslated text {left}"


@pytest.mark.parametrize(("name", "draw"), FIGURES, ids=[n for n, _ in FIGURES])
def test_the_english_edition_of_every_figure_has_no_hangul_outside_place_names(name, draw):
    from cgresearch.data import load_districts

    fig, _ = _draw(draw, "en")
    # the 25 gu names stay Korean in both editions (e.g. the labels of a map: "종로구\n+1.0")
    gu = re.compile("|".join(sorted(load_districts()["name_ko"], key=len, reverse=True)))
    hangul = [t for t in figure_texts(fig) if re.search("[\uac00-\ud7a3]", gu.sub("", t))]
    assert not hangul, f"{name}: Korean text in the English edition {hangul}"


def test_the_checks_catch_english_raw_identifiers_and_missing_glyphs():
    # guards the tests above: each check fires on a figure that has the defect
    assert _english_runs("Share of valid answers (%)") == ["Share of valid answers"]
    assert _english_runs("Borich 요구도") == []
    assert raw_identifiers("cg_perception [scale score]") == ["cg_perception"]
    assert raw_identifiers("T3. 제도 기반") == ["T3"]

    def tofu(lang: Lang) -> Figure:
        fig, ax = plt.subplots()
        ax.set_title("종로구", family="DejaVu Sans")
        return fig

    _, missing = _draw(tofu, "ko")
    assert missing

    def heavy(lang: Lang) -> Figure:  # the shipped Hangul font has no weight 900
        fig, ax = plt.subplots()
        ax.set_title("종로구", fontweight="black")
        return fig

    _, fallback = _draw(heavy, "ko")
    assert any("findfont" in m for m in fallback), fallback


def test_figure_files_are_written_readable_like_tables(tmp_path):
    import os

    fig = _borich("ko")
    old = os.umask(0o022)
    try:
        written = style.save(fig, "borich", outdir=tmp_path)
    finally:
        os.umask(old)
    assert [oct(p.stat().st_mode & 0o777) for p in written] == ["0o644", "0o644"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tornado_level_names_stay_inside_the_axes_and_off_the_tick_labels(lang):
    fig, _ = _draw(_tornado_objectives, lang)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, (text.get_text(), box, frame)

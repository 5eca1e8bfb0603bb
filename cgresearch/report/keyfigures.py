"""Key figures: the few numbers a notebook reports, written where tests and the index read them.

A notebook calls :func:`record_key_figures` with named numbers (``n_projects=1126``); they are
merged into ``<output_dir>/key_figures.json`` (sorted keys, so the bytes are deterministic). The
report index shows them and ``tests/notebooks`` checks them. This stands in for scrapbook's
``glue``, which papermill 2 no longer ships.

Examples
--------
>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> _ = record_key_figures(d, n_projects=1126)
>>> read_key_figures(d)["n_projects"]
1126
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cgresearch.errors import ParameterError
from cgresearch.formatting import (
    format_eok,
    format_number,
    format_p,
    format_percent,
    mkrw_to_eok,
    term_name,
)
from cgresearch.i18n import DEFAULT_LANG, Lang, tr
from cgresearch.report._files import atomic_write_text

__all__ = ["KEY_FIGURES_FILE", "key_figure_rows", "read_key_figures", "record_key_figures"]

#: The file name, inside a run's output folder.
KEY_FIGURES_FILE = "key_figures.json"


def _plain(value: Any, name: str) -> Any:
    """Convert numpy/pandas scalars and containers to JSON-ready Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{name}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"key figure {name}: {value} is not a finite number")
        return value
    raise TypeError(f"key figure {name}: {type(value).__name__} is not a number, text or list")


def read_key_figures(output_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the key figures recorded in ``output_dir`` (empty when none)."""
    path = Path(output_dir) / KEY_FIGURES_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def record_key_figures(output_dir: str | os.PathLike[str], **figures: Any) -> dict[str, Any]:
    """Merge named numbers into ``<output_dir>/key_figures.json`` and return them all.

    Parameters
    ----------
    output_dir
        The run's output folder (the notebook's ``output_dir`` parameter).
    **figures
        Numbers, text, or lists/dicts of them (numpy scalars are converted).

    Examples
    --------
    >>> import tempfile
    >>> record_key_figures(tempfile.mkdtemp(), share_smg=0.817)
    {'share_smg': 0.817}
    """
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    merged = read_key_figures(folder)
    merged.update({k: _plain(v, k) for k, v in figures.items()})
    text = json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write_text(folder / KEY_FIGURES_FILE, text)
    return dict(sorted(merged.items()))


# --- the key figures as a reader sees them ------------------------------------------------------
def _labels(lang: Lang) -> dict[str, str]:
    """Names of the key figures the chapters record (a key not listed shows as words)."""
    return {
        "n_projects": tr("CG projects", lang),
        "total_budget_mkrw": tr("Total budget of CG projects", lang),
        "n_smg_grant": tr("SMG-grant projects", lang),
        "smg_grant_budget_mkrw": tr("Budget of SMG-grant projects", lang),
        "smg_grant_share_projects": tr("Share of projects funded by SMG grants", lang),
        "smg_grant_share_budget": tr("Share of budget from SMG grants", lang),
        "n_duplicate_groups": tr("Groups of duplicated projects", lang),
        "n_projects_in_duplicate_groups": tr("Projects in duplicated groups", lang),
        "duplicate_budget_mkrw": tr("Budget of duplicated projects", lang),
        "n_respondents": tr("Respondents", lang),
        "construct_means": tr("Weighted mean score", lang),
        "construct_gap_p_values": tr("p-value of the group gap", lang),
        "alpha": tr("Cronbach's alpha", lang),
        "group": tr("Respondents analysed", lang),
        "importance": tr("Importance (mean score)", lang),
        "performance": tr("Performance (mean score)", lang),
        "borich_rank": tr("Borich rank", lang),
        "first_priority": tr("First priority", lang),
        # chapter 07: the evaluation
        "year": tr("Evaluation year", lang),
        "n_units": tr("Districts evaluated", lang),
        "n_indicators": tr("Indicators", lang),
        "n_pillars": tr("Pillars", lang),
        "n_missing": tr("Missing indicator values", lang),
        "top_gu": tr("Highest-scoring gu", lang),
        "top_score": tr("Highest index score (points)", lang),
        "grade_counts": tr("Gu per grade", lang),
        "mc_draws": tr("Monte Carlo draws", lang),
        "mc_workers": tr("Dask workers", lang),
        "mc_factors": tr("Methodological choices varied", lang),
        "sobol_st": tr("Total Sobol index", lang),
        "n_tasks": tr("Action tasks monitored", lang),
        "lights": tr("Action tasks by status", lang),
        "envelope_total_eok": tr("Total of the envelopes", lang),
        "envelope_coverage": tr("Share of draws covered by the grade vectors solved", lang),
        "path_gu": tr("Gu whose path is shown", lang),
        "path_grade": tr("Its grade", lang),
        "path_amount_eok": tr("Its envelope", lang),
        "path_low_eok": tr("Its lowest envelope over the grade draws", lang),
        "path_high_eok": tr("Its highest envelope over the grade draws", lang),
        "feedback_pages": tr("Feedback pages", lang),
        "normalisation": tr("Normalisation", lang),
        "aggregation": tr("Aggregation", lang),
        "imputation": tr("Imputation", lang),
        "weights": tr("Pillar weights", lang),
        "on_track": tr("On track", lang),
        "at_risk": tr("At risk", lang),
        "off_track": tr("Off track", lang),
        "no_data": tr("No data", lang),
        # chapter 08: participatory budget
        "n_proposals": tr("Proposals", lang),
        "n_put_to_vote": tr("Proposals put to the vote", lang),
        "n_voters": tr("Voters", lang),
        "envelopes_eok": tr("Envelopes of the round", lang),
        "series_proposals_2016": tr("Citizen proposals in 2016 (published)", lang),
        "series_gap_years_total": tr("Years without a published PB total", lang),
        "rules": tr("Selection rule", lang),
        "seoul": tr("Seoul's rule (rank by votes)", lang),
        "mes+greedy": tr("MES + greedy completion", lang),
        "max-welfare": tr("Max welfare (MIP)", lang),
        "n_funded": tr("Projects funded", lang),
        "spent_eok": tr("Spent", lang),
        "unspent_eok": tr("Left unspent", lang),
        "share_with_nothing": tr("Voters with nothing funded", lang),
        "gini_satisfaction": tr("Gini of voter satisfaction", lang),
        # chapters 04-06: envelopes, selection, sweeps
        "scenario": tr("Scenario", lang),
        "status": tr("Solver status", lang),
        "optimal": tr("optimal", lang),
        "infeasible": tr("infeasible", lang),
        "total_budget_eok": tr("Total budget", lang),
        "amounts_eok": tr("Allocation", lang),
        "gini": tr("Gini of per-capita amounts", lang),
        "gini_formula": tr("Gini of per-capita amounts under the formula as it is", lang),
        "max_min_ratio": tr("Largest / smallest per-capita amount (ratio)", lang),
        "n_binding": tr("Gu held at a bound", lang),
        "objective": tr("Total score of the funded proposals (points)", lang),
        "spent_mkrw": tr("Spent on funded proposals", lang),
        "envelopes_mkrw": tr("Envelopes open to proposals", lang),
        "pb": tr("Participatory-budgeting rule", lang),
        "pb_election": tr("Pabulib election", lang),
        "pb_budget": tr("Budget of the Pabulib election (its currency)", lang),
        "greedy": tr("greedy (by votes)", lang),
        "mes": tr("Method of Equal Shares (MES)", lang),
        "total_cost": tr("Total cost (election's currency)", lang),
        "welfare": tr("Total approval score (points)", lang),
        "sweep": tr("Sweep", lang),
        "n_points": tr("Parameter points", lang),
        "n_draws": tr("Monte Carlo draws per point", lang),
        "mc_seed": tr("Seed of the Monte Carlo draws", lang),
        "n_scenarios": tr("Scenarios solved", lang),
        "n_optimal": tr("Scenarios with an allocation", lang),
        "n_not_optimal": tr("Scenarios without an allocation", lang),
        "n_frontier_points": tr("Points on the equity–efficiency frontier", lang),
        "robust_point": tr("Least-regret parameter point", lang),
        "robust_overrides": tr("Least-regret point's parameters", lang),
        "robust_max_regret": tr("Largest regret of the least-regret point", lang),
        "robust_weights": tr("Least-regret weights", lang),
        "formula_fit_pct": tr("Formula fit (% of the budget)", lang),
        "metric.gini": tr("Gini of per-capita amounts", lang),
        "metric.max_min_ratio": tr("Largest / smallest per-capita amount (ratio)", lang),
        "stability_change_pct": tr("Last year's money moved (%)", lang),
        "n_at_bound": tr("Gu held at a bound (count)", lang),
        "equal_adjustment": tr("formula + equal adjustment", lang),
        "proportional": tr("formula × common factor", lang),
        # names used inside the values
        "all": tr("all respondents", lang),
        "trust": tr("Trust", lang),
        "cg_perception": tr("Perception of CG", lang),
    }


def _name(key: str, lang: Lang) -> str:
    labels = _labels(lang)
    if key in labels:
        return labels[key]
    try:
        return term_name(key, lang)
    except ParameterError:
        pass
    titles = _scenario_titles(lang)
    return titles.get(key, key.replace("_", " "))


def _scenario_titles(lang: Lang) -> dict[str, str]:
    """The example scenarios (scenarios/*.toml) by name → their title in ``lang``."""
    import tomllib

    from cgresearch import paths

    out: dict[str, str] = {}
    for path in sorted(paths.scenarios_dir().glob("*.toml")):
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # a scenario file that cannot be read names nothing here
        title = doc.get("title")
        if isinstance(title, dict) and isinstance(title.get(lang), str):
            out[str(doc.get("name", path.stem))] = title[lang]
    return out


#: Keys whose values are formatted by their unit (amounts, shares, p-values).
_FORMATTED = re.compile(r"_eok$|_mkrw$|share|p_value")


def _value(key: str, value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return tr("yes", lang) if value else tr("no", lang)
    if isinstance(value, str):
        return _name(value, lang)
    if isinstance(value, list):
        return ", ".join(_value(key, v, lang) for v in value)
    if not isinstance(value, int | float):
        return str(value)
    if key.endswith("_gu") and isinstance(value, int):  # a gu by its adm_code: its name
        from cgresearch.data.districts import load_districts

        names = load_districts().set_index("adm_code")["name_ko" if lang == "ko" else "name_en"]
        if value in names.index:
            return str(names[value])
    if key == "year" or key.endswith("_year"):  # a year, not a count: 2023, never 2,023
        return str(value)
    if "seed" in key:
        return str(value)  # a seed is a label, not a quantity
    if key.endswith("_mkrw") or key.endswith("_eok"):
        eok = mkrw_to_eok(value) if key.endswith("_mkrw") else float(value)
        return format_eok(eok, lang, decimals=2)
    if "share" in key or key.endswith("_coverage"):
        return format_percent(float(value))
    if "p_value" in key:
        return format_p(float(value))
    if isinstance(value, int):
        return format_number(value)
    return format_number(value, 2 if abs(value) >= 10 else 3)


def key_figure_rows(figures: Mapping[str, Any], lang: Lang = DEFAULT_LANG) -> list[tuple[str, str]]:
    """Return the key figures as ``(name, value)`` text rows for a reader, never raw JSON.

    Names come from the catalogue and the vocabulary (no codes or column names); amounts in
    million KRW are shown in 억원 with 2 decimals, shares as percentages, p-values as
    ``"< 0.001"``; a nested figure (by construct, group or task) gives one row per entry.

    Examples
    --------
    >>> key_figure_rows({"total_budget_mkrw": 7661500}, "en")
    [('Total budget of CG projects', '76,615.00 (100 million KRW)')]
    >>> key_figure_rows({"importance": {"T2": 4.1234}}, "ko")
    [('중요도(평균 점수) · 협치로의 점진적 전환', '4.123')]
    >>> key_figure_rows({"year": 2023, "rules": {"max-welfare": {"spent_eok": 487.971}}}, "en")
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Evaluation year', '2023'),
     ('Selection rule · Max welfare (MIP) · Spent', '487.97 (100 million KRW)')]
    """
    rows: list[tuple[str, str]] = []

    def walk(key: str, label: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for sub, v in value.items():
                if key == "robust_overrides":  # a swept parameter, named as on the figures
                    from cgresearch.figures.sweeps import column_label

                    walk(key, f"{label} · {column_label(str(sub), lang)}", v)
                    continue
                if str(sub) in _labels(lang):  # a named entry ("max-welfare"): its name
                    sub_label = _name(str(sub), lang)
                else:  # a pair ("cg:public-private"): its parts' names
                    parts = [_name(p, lang) for p in str(sub).replace("-", ":").split(":")]
                    sub_label = (
                        parts[0] if len(parts) == 1 else f"{parts[0]}: " + " – ".join(parts[1:])
                    )
                # an entry that names its own unit (spent_eok, share_...) is formatted by it
                unit_key = str(sub) if _FORMATTED.search(str(sub)) else key
                walk(unit_key, f"{label} · {sub_label}", v)
        else:
            rows.append((label, _value(key, value, lang)))

    for key, value in figures.items():
        walk(key, _name(key, lang), value)
    return rows

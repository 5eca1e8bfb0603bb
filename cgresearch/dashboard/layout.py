"""The dashboard page's layout: header with the language toggle, the sidebar, the results.

Layout only: the widgets and panes are made and wired by :mod:`cgresearch.dashboard.app`;
:func:`page` places them, with the sidebar's headings and hints in the page's language.
"""

from __future__ import annotations

from typing import Any

import panel as pn

from cgresearch.allocation import INDICATORS
from cgresearch.dashboard import state, summary
from cgresearch.i18n import tr

__all__ = ["page"]


def page(dash: Any) -> pn.viewable.Viewable:
    """Return the page of one dashboard session (``app._Dashboard``): header, sidebar, results.

    The sidebar holds the base scenario and its upload, the planner's own data files
    (indicators, last year's amounts), the budget, objective and rounding, the need weights and
    the limits per gu; the results column holds the link, file and data notices, the status,
    the map with the equity and gains panels, the shadow prices, the downloads and the table.
    """
    c = dash.controls
    lang = dash.lang
    sidebar = pn.Column(
        pn.pane.Markdown("### " + tr("Scenario", lang)),
        dash.base_select,
        pn.pane.Markdown(tr("Load a scenario file (TOML, as `cgresearch allocate` reads):", lang)),
        dash.upload,
        dash.save,
        pn.pane.Markdown("### " + tr("Your own data (optional)", lang)),
        pn.pane.Markdown(
            tr(
                "District indicators file (CSV in UTF-8 or CP949, or xlsx; units in the "
                "headers, e.g. 인구(명)):",
                lang,
            )
        ),
        dash.indicators_upload,
        pn.pane.Markdown(
            tr(
                "Last year's amounts file (a gu column and one amount column with its unit, "
                "e.g. 전년도(억원)):",
                lang,
            )
        ),
        dash.previous_upload,
        dash.files_reset,
        pn.pane.Markdown("### " + tr("Budget and objective", lang)),
        c["budget"],
        c["objective"],
        c["unit"],
        pn.pane.Markdown("### " + tr("Need weights (formula target)", lang)),
        *[c[state.weight_key(i)] for i in INDICATORS],
        pn.pane.Markdown("### " + tr("Limits per gu", lang)),
        *[c[k] for k in ("floor", "cap", "pcfloor", "previous", "delta")],
        *[c[k] for k in ("cut", "raise", "change", "tiers")],
        dash.tier_box,
        width=360,
    )
    main = pn.Column(
        dash.link_notice,
        dash.file_problem,
        dash.data_notice,
        dash.status,
        pn.Row(
            pn.Column(dash.map_select, dash.map_pane, sizing_mode="stretch_width"),
            pn.Column(dash.metrics, dash.gains, width=420),
            sizing_mode="stretch_width",
        ),
        dash.shadow,
        pn.Row(dash.csv, dash.xlsx),
        dash.table,
        sizing_mode="stretch_width",
    )
    header = pn.pane.Markdown(
        "## "
        + tr("Autonomy budget of the gu: what-if dashboard", lang)
        + "\n"
        + tr(
            "Seoul's 25 autonomous districts (gu); amounts in 억원 (100 million KRW). The "
            "address bar keeps the scenario: copy it to share this view.",
            lang,
        ),
        sizing_mode="stretch_width",
    )
    search = str(getattr(dash.location, "search", "") or "")
    toggle = pn.pane.HTML(summary.language_toggle(search, lang), css_classes=["cg-lang"])
    return pn.Column(
        pn.Row(header, toggle, sizing_mode="stretch_width"),
        pn.Row(sidebar, main, sizing_mode="stretch_width"),
        sizing_mode="stretch_width",
    )

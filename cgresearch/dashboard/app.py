"""The planners' what-if dashboard: Panel widgets wired to the envelope model, state in the URL.

Wiring only: every number on the page comes from :mod:`cgresearch.allocation` (the scenario,
:class:`~cgresearch.allocation.EnvelopeModel` re-solves, :func:`~cgresearch.allocation.compare`,
the metrics, shadow prices and infeasibility diagnosis of
:class:`~cgresearch.allocation.EnvelopeResult`). The rest of the dashboard, one idea per module:

* :mod:`~cgresearch.dashboard.state` — controls ↔ scenario overrides ↔ URL query (pure);
* :mod:`~cgresearch.dashboard.link` — a shared link made valid, with a notice per change (pure);
* :mod:`~cgresearch.dashboard.labels` — every label and table header, Korean or English (pure);
* :mod:`~cgresearch.dashboard.summary` — the status, equity, gains and shadow-price panels (HTML);
* :mod:`~cgresearch.dashboard.map` — the map figure, its colour bar and readable labels;
* :mod:`~cgresearch.dashboard.controls` — the sidebar's widgets;
* :mod:`~cgresearch.dashboard.files` — the planner's uploaded indicator and amount files;
* :mod:`~cgresearch.dashboard.uploads` — the session's upload events (a mixin of the session);
* :mod:`~cgresearch.dashboard.layout` — the page's layout;
* :mod:`~cgresearch.dashboard.downloads` — the table as CSV and Excel;
* :mod:`~cgresearch.dashboard.server` — the session's location, the webfont, the base scenarios.

Page elements that tests and other tools can read: ``#cg-status`` (``data-status`` = the solver
status, ``data-total`` = the total allocated, 억원) and ``#cg-problem`` (the plain-language reason
when there is no allocation).

Examples
--------
>>> from cgresearch.dashboard import serve
>>> serve(port=5006, host="127.0.0.1", show=False)  # doctest: +SKIP
cgresearch dashboard: serving at http://127.0.0.1:5006/ (Ctrl+C to stop)
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd
import panel as pn

from cgresearch.allocation import EnvelopeModel, Scenario, compare
from cgresearch.dashboard import downloads, files, layout, state, summary
from cgresearch.dashboard.controls import make_controls, make_tier_sliders, tier_note
from cgresearch.dashboard.labels import (
    TABLE_COLUMNS,
    binding_text,
    map_columns,
    map_unit,
    rounding_unit_labels,
    table_formatters,
    table_titles,
)
from cgresearch.dashboard.link import LinkReading, offered_units, read_link, smallest_envelope
from cgresearch.dashboard.map import (
    DARK_TEXT,
    LIGHT_TEXT,
    colour_scale,
    fill_colours,
    map_figure,
    map_source,
    text_colour,
)
from cgresearch.dashboard.server import FONT_ROUTE, load_bases, open_location, webfont
from cgresearch.dashboard.uploads import UPLOADED, UploadEvents
from cgresearch.errors import CGResearchError, localized
from cgresearch.i18n import Lang, tr

__all__ = ["build_app", "serve"]

_LOG = logging.getLogger(__name__)
_DEFAULT_BASE = "need_goal_stable"
_UPLOADED = UPLOADED  # the base name of an uploaded scenario (tr: its label)
_MAP_DATA = ("amount_eok", "per_capita_krw", "change_eok")


class _Dashboard(UploadEvents):
    """One browser session: widgets, their URL sync and the views they drive."""

    def __init__(
        self,
        districts: pd.DataFrame,
        boundaries: pd.DataFrame,
        scenarios: dict[str, Scenario],
    ) -> None:
        self.districts = districts
        self.package_districts = districts  # what the page falls back to (and links open with)
        self.scenarios = scenarios
        self.indicators_file: str | None = None  # name of the uploaded indicators file in use
        self.previous_file: str | None = None  # name of the uploaded amounts file in use
        self.previous_table: dict[str, float] | None = None  # its previous_eok (억원 by code)
        self._smallest: dict[str, float | None] = {}
        self.location, raw_query = open_location(self._clean_query)
        self._suspended = True
        self.result: Any = None
        self.frame: pd.DataFrame | None = None
        self.scenario: Scenario | None = None
        self._seq = 0

        # A shared link is read (and made valid) before any widget syncs with the address bar,
        # so no value of the link can break the page; what is not honoured is said on the page.
        link = self._read_link(raw_query)
        self.lang: Lang = link.lang  # ?lang=en: English; Korean by default
        lang = self.lang
        if self.location is not None and link.notices:
            self.location.search = "?" + urlencode(link.query(_UPLOADED))
        self.link_notice = pn.pane.Alert(
            summary.notice_html(link.notices, lang),
            alert_type="warning",
            visible=bool(link.notices),
            css_classes=["cg-link-notice"],
            sizing_mode="stretch_width",
        )
        self.base_select = pn.widgets.Select(
            label=tr("Base scenario (scenarios/*.toml)", lang),
            options={**{name: name for name in scenarios}, tr("(uploaded file)", lang): _UPLOADED},
            value=link.base_name,
            css_classes=["cg-base"],
        )
        self.upload_text = pn.widgets.TextInput(
            label=tr("Uploaded scenario", lang), value=link.uploaded or "", visible=False
        )
        self._sync(self.base_select, "base")
        self._sync(self.upload_text, "scenario")
        self.problem_text = ""
        self.base = link.base

        values = link.values
        self.controls = make_controls(values, offered_units(self.base), lang)
        for key, widget in self.controls.items():
            self._sync(widget, key)
        self.tier_box = pn.Column(sizing_mode="stretch_width")
        self.tier_widgets: dict[str, pn.widgets.Widget] = {}
        self._make_tiers(values)

        self.map_select = pn.widgets.Select(
            label=tr("Colour the map by", lang), options=map_columns(lang), value=link.map_column
        )
        self._sync(self.map_select, "map")
        self.upload = pn.widgets.FileInput(accept=".toml", css_classes=["cg-scenario-file"])
        self.indicators_upload = pn.widgets.FileInput(
            accept=files.ACCEPT, css_classes=["cg-indicators-file"]
        )
        self.previous_upload = pn.widgets.FileInput(
            accept=files.ACCEPT, css_classes=["cg-previous-file"]
        )
        self.data_notice = pn.pane.Alert(
            files.data_notice(None, None, lang),
            alert_type="info",
            css_classes=["cg-data-notice"],
            sizing_mode="stretch_width",
        )
        self.files_reset = pn.widgets.Button(
            name=tr("Use the package's data again", lang),
            visible=False,
            css_classes=["cg-files-reset"],
        )
        self.file_problem = pn.pane.Alert(
            "",
            alert_type="danger",
            visible=False,
            css_classes=["cg-file-problem"],
            sizing_mode="stretch_width",
        )
        self.save = pn.widgets.FileDownload(
            callback=self._scenario_file,
            filename="scenario.toml",
            label=tr("Save scenario (TOML)", lang),
            color="primary",
        )
        self.csv = pn.widgets.FileDownload(
            callback=self._csv_file, filename="allocation.csv", label=tr("Download CSV", lang)
        )
        self.xlsx = pn.widgets.FileDownload(
            callback=self._xlsx_file, filename="allocation.xlsx", label=tr("Download Excel", lang)
        )

        self.status = pn.pane.HTML("", sizing_mode="stretch_width")
        self.metrics = pn.pane.HTML("", sizing_mode="stretch_width")
        self.gains = pn.pane.HTML("", sizing_mode="stretch_width")
        self.shadow = pn.pane.HTML("", sizing_mode="stretch_width")
        self.table = pn.widgets.Tabulator(
            pd.DataFrame(columns=list(TABLE_COLUMNS)),
            titles=table_titles(lang),
            formatters=table_formatters(),
            hidden_columns=["name_en"] if lang == "ko" else [],
            disabled=True,
            show_index=False,
            sortable=True,
            layout="fit_data_table",
            sizing_mode="stretch_width",
        )
        self.patches, self.labels = map_source(boundaries, lang)
        position = {int(c): i for i, c in enumerate(districts["adm_code"])}
        self._patch_rows = np.array([position[c] for c in self.patches.data["adm_code"]])
        self._label_rows = np.array([position[c] for c in self.labels.data["adm_code"]])
        self.fig, self.mapper = map_figure(self.patches, self.labels, lang)
        self.colour_bar = self.fig.select_one({"name": "cg-colorbar"})
        self.map_pane = pn.pane.Bokeh(self.fig, sizing_mode="stretch_width")

        self.model = EnvelopeModel(districts, self.base)
        self.baseline = self._solve_baseline()

        for widget in self.controls.values():
            widget.param.watch(self._on_control, "value")
        self.map_select.param.watch(self._on_map_column, "value")
        self.base_select.param.watch(self._on_base, "value")
        self.upload.param.watch(self._on_upload, "value")
        self.indicators_upload.param.watch(self._on_indicators_file, "value")
        self.previous_upload.param.watch(self._on_previous_file, "value")
        self.files_reset.on_click(self._on_files_reset)
        if self.location is not None:
            self.location.param.watch(self._on_address, "search")
        self._suspended = False
        self.update()

    # -- wiring helpers ----------
    def _sync(self, widget: pn.widgets.Widget, key: str) -> None:
        if self.location is not None:
            self.location.sync(widget, {"value": key})

    def _unsync(self, widget: pn.widgets.Widget) -> None:
        if self.location is not None:
            self.location.unsync(widget)

    def _read_link(self, query: str) -> LinkReading:
        reading = read_link(
            query,
            self.scenarios,
            default_base=_DEFAULT_BASE,
            map_columns=map_columns(),
            uploaded_label=_UPLOADED,
        )
        if reading.values.get("unit", 0.0) > 0:
            smallest = self._smallest_envelope(reading)
            if smallest is not None:
                reading = reading.with_smallest_envelope(smallest)
        return reading

    def _smallest_envelope(self, reading: LinkReading) -> float | None:
        """The smallest envelope of the link's scenario without rounding (memoised per scenario)."""
        try:
            base = reading.base
            key = state.scenario_from_values(base, {**reading.values, "unit": 0.0}).to_toml()
        except CGResearchError:
            return None  # an invalid scenario: the page says why when it solves it
        if key not in self._smallest:
            model = getattr(self, "model", None)
            if model is None or getattr(self, "base", None) != base:
                model = EnvelopeModel(self.districts, base)
            self._smallest[key] = smallest_envelope(model, base, reading.values)
        return self._smallest[key]

    def _unit_problem(self) -> str | None:
        """The planner's words when the scenario fails only because of its rounding unit."""
        values = self._values()
        unit = float(values.get("unit", 0.0))
        if unit <= 0:
            return None
        reading = LinkReading(self.base_select.value, self.base, None, values, "", ())
        smallest = self._smallest_envelope(reading)
        if smallest is None:
            return None  # the scenario fails without rounding too: the library's reason stands
        if unit <= smallest * (1 + 1e-9):
            return tr(
                "The amounts cannot be rounded to whole units of {unit}억원 within the limits per "
                "gu: choose a smaller unit or no rounding.",
                self.lang,
                unit=f"{unit:g}",
            )
        return tr(
            "The rounding unit of {unit}억원 is larger than the smallest envelope ({smallest}억원):"
            " choose a smaller unit or no rounding.",
            self.lang,
            unit=f"{unit:g}",
            smallest=f"{smallest:,.4g}",
        )

    def _own_query(self, search: str) -> str:
        """``search`` without the page's own mark of uploaded files (while it uses them)."""
        if not self._files_query():
            return search
        pairs = parse_qsl(search.lstrip("?"), keep_blank_values=True)
        return urlencode([(k, v) for k, v in pairs if k != "files"])

    def _clean_query(self, search: str) -> str:
        """The address bar's query made valid (what the synced widgets are given).

        While the page uses uploaded files, their mark (``files=…``) is kept, so that a link
        copied from the address bar says on the page it opens that the files are not in it.
        """
        query = self._read_link(self._own_query(search)).query(_UPLOADED)
        return urlencode({**query, **self._files_query()})

    def _on_address(self, event: Any) -> None:
        """The browser sends its address when the page opens: show the valid link there too."""
        reading = self._read_link(self._own_query(str(event.new or "")))
        if reading.notices:
            query = {**reading.query(_UPLOADED), **self._files_query()}
            self.location.search = "?" + urlencode(query)

    def _load_base(self) -> Scenario:
        name = self.base_select.value
        if name == _UPLOADED:
            try:
                return state.decode_scenario(self.upload_text.value or "")
            except CGResearchError as exc:
                self.problem_text = tr(
                    "the uploaded scenario in this link cannot be read: {why}", self.lang, why=exc
                )
                self.base_select.value = name = (
                    _DEFAULT_BASE if _DEFAULT_BASE in self.scenarios else next(iter(self.scenarios))
                )
        return self._with_files(self.scenarios[name])

    def _with_files(self, scenario: Scenario) -> Scenario:
        """The scenario with last year's amounts of the uploaded file, when there is one."""
        if self.previous_table is None:
            return scenario
        return scenario.with_overrides(
            {"previous_eok": dict(self.previous_table), "previous_amounts_file": None}
        )

    def _make_tiers(self, values: dict[str, Any]) -> None:
        for widget in self.tier_widgets.values():
            self._unsync(widget)
        self.tier_widgets = make_tier_sliders(self.base, values, self.lang)
        for key, widget in self.tier_widgets.items():
            self._sync(widget, key)
            widget.param.watch(self._on_control, "value")
        note = pn.pane.Markdown(tier_note(self.base, self.lang))
        self.controls["tiers"].disabled = not self.base.tiers
        self.tier_box.objects = [*self.tier_widgets.values(), note]

    def _values(self) -> dict[str, Any]:
        values = {key: w.value for key, w in self.controls.items()}
        values.update({key: tuple(w.value) for key, w in self.tier_widgets.items()})
        return values

    def _solve_baseline(self) -> Any:
        try:
            result = self.model.solve()
        except CGResearchError:
            return None
        return result if result.ok else None

    # -- events ----------
    def _on_control(self, *_: Any) -> None:
        if not self._suspended:
            self.update()

    def _on_map_column(self, *_: Any) -> None:
        if self.frame is not None:
            self._draw_map(self.frame)

    def _on_base(self, *_: Any) -> None:
        if self._suspended:
            return
        self.problem_text = ""
        self.link_notice.visible = False  # the planner has moved on from the shared link
        self._suspended = True
        try:
            self.base = self._load_base()
            if self.location is not None:
                query = {"base": self.base_select.value}
                if self.base_select.value == _UPLOADED:
                    query["scenario"] = self.upload_text.value
                query.update(self._files_query())
                self.location.search = "?" + urlencode(query)
            values = state.values_from_scenario(self.base)
            units = rounding_unit_labels(offered_units(self.base), self.lang)
            self.controls["unit"].options = units
            for key, widget in self.controls.items():
                widget.value = values[key]
            self._make_tiers(values)
            self.model = EnvelopeModel(self.districts, self.base)
            self.baseline = self._solve_baseline()
        finally:
            self._suspended = False
        self.update()
        if self.problem_text:
            self._show_problem("invalid", self.problem_text)

    # -- solving and drawing ----------
    def update(self) -> None:
        """Solve the scenario the controls ask for and refresh every view.

        The allocation (status line, table, map) is sent first; the equity figures, gains and
        losses and shadow prices follow on the next tick of the server's event loop, so that a
        slider change shows its new allocation as soon as possible.
        """
        self._seq += 1
        try:
            overrides = state.overrides_from_values(self.base, self._values())
            result = self.model.solve(overrides)
        except CGResearchError as exc:
            self._show_problem("invalid", self._unit_problem() or exc.localized(self.lang))
            return
        except Exception as exc:  # a plain sentence for the planner, the trace for the log
            _LOG.exception("dashboard: solving failed")
            self._show_problem(
                "error", tr("the model could not be solved ({why})", self.lang, why=exc)
            )
            return
        self.result = result
        self.scenario = result.scenario
        if not result.ok:
            message = result.diagnosis.message if result.diagnosis is not None else result.message
            self._show_problem(result.status, str(localized(message, self.lang)))
            return
        frame = self._table_frame(result)
        self.frame = frame
        with pn.io.hold():
            self.table.value = frame
            self._draw_map(frame)
            self.status.object = summary.status_html(result, self.lang)
        pn.state.execute(partial(self._details, self._seq, result), schedule=True)

    def _details(self, seq: int, result: Any) -> None:
        if seq != self._seq:  # a newer change is on its way
            return
        comparison = compare(self.baseline, result) if self.baseline is not None else None
        with pn.io.hold():
            self.metrics.object = summary.metrics_html(result, self.baseline, self.lang)
            self.gains.object = summary.gains_html(comparison, self.lang)
            self.shadow.object = summary.shadow_html(result, self.lang)
            self.save.filename = f"{result.scenario.name}.toml"
            self.csv.filename = f"allocation_{result.scenario.name}.csv"
            self.xlsx.filename = f"allocation_{result.scenario.name}.xlsx"

    def _table_frame(self, result: Any) -> pd.DataFrame:
        """The allocation table as shown, with the change against the base scenario's amounts.

        Both results come from the same model on the same districts, so their rows align; the
        column equals ``change_eok`` of :func:`~cgresearch.allocation.compare` (checked in the
        tests), which is kept off this fast path.
        """
        table = result.table
        frame = table[[c for c in TABLE_COLUMNS if c in table.columns]].copy()
        frame["vs_base_eok"] = np.nan
        if self.baseline is not None:
            frame["vs_base_eok"] = (
                table["amount_eok"].to_numpy() - self.baseline.table["amount_eok"].to_numpy()
            )
        frame["binding"] = [binding_text(b, self.lang) for b in frame["binding"].astype(str)]
        why = result.explain(self.lang).set_index("adm_code")["text"]
        frame["explanation"] = table["adm_code"].map(why).fillna("").to_numpy()
        return frame[list(TABLE_COLUMNS)]

    def _draw_map(self, frame: pd.DataFrame) -> None:
        column = self.map_select.value
        data: dict[str, Any] = {
            col: frame[col].to_numpy(dtype=float)[self._patch_rows] for col in _MAP_DATA
        }
        data["value"] = frame[column].to_numpy(dtype=float)[self._patch_rows]
        palette, low, high = colour_scale(data["value"], column)
        self.mapper.update(palette=palette, low=low, high=high)
        self.patches.data.update(data)
        fills = fill_colours(
            frame[column].to_numpy(dtype=float)[self._label_rows], palette, low, high
        )
        text = [text_colour(c) for c in fills]
        self.labels.data.update(
            text_color=text,
            halo=[LIGHT_TEXT if t == DARK_TEXT else DARK_TEXT for t in text],
        )
        self.colour_bar.title = map_unit(column, self.lang)
        self.fig.title.text = next(k for k, v in map_columns(self.lang).items() if v == column)

    def _show_problem(self, status: str, message: str) -> None:
        self.result = None
        self.frame = None
        with pn.io.hold():
            self.status.object = summary.problem_html(status, message, self.lang)
            self.table.value = pd.DataFrame(columns=list(TABLE_COLUMNS))
            n = len(self.patches.data["xs"])
            self.patches.data.update({c: [math.nan] * n for c in ("value", *_MAP_DATA)})
            self.metrics.object = ""
            self.gains.object = ""
            self.shadow.object = ""

    # -- downloads ----------
    def _scenario_file(self) -> io.StringIO:
        scenario = self.scenario or self.base
        return io.StringIO(scenario.to_toml())

    def _csv_file(self) -> io.StringIO:
        """The table shown, headers in the page's language with units; a BOM for Excel."""
        return downloads.table_csv(self.frame, self.lang)

    def _xlsx_file(self) -> io.BytesIO:
        return downloads.table_xlsx(self.frame, self.lang)

    # -- layout ----------
    def view(self) -> pn.viewable.Viewable:
        """The page (:func:`cgresearch.dashboard.layout.page`), a link's problem shown on it."""
        if self.problem_text:
            self._show_problem("invalid", self.problem_text)
        return layout.page(self)


def _scenarios() -> dict[str, Scenario]:
    """The base scenarios the page offers (``scenarios/*.toml``)."""
    return load_bases()


def build_app() -> pn.viewable.Viewable:
    """Return the dashboard for one browser session (Seoul's 25 gu, the example scenarios).

    Returns
    -------
    panel.viewable.Viewable
        The page; served by :func:`serve` (or ``pn.serve(build_app)``).
    """
    from cgresearch.data.districts import load_boundaries, load_districts

    return _Dashboard(load_districts(), load_boundaries(), _scenarios()).view()


def serve(
    port: int = 5006,
    host: str = "127.0.0.1",
    show: bool = False,
    announce: Callable[[str], None] | None = print,
) -> None:
    """Serve the dashboard until interrupted.

    Parameters
    ----------
    port : int
        TCP port (1–65535).
    host : str
        Address to listen on; ``127.0.0.1`` keeps it on this machine.
    show : bool
        Open the page in the default web browser.
    announce : callable, optional
        Called once with a line giving the address (``print`` by default).
    """
    from cgresearch.errors import ParameterError

    if not 0 < port < 65536:
        raise ParameterError(f"--port {port} is not a TCP port: give a number from 1 to 65535")
    _scenarios()  # fail before serving when there is nothing to start from
    pn.config.throttled = True  # sliders solve on release, not on every pixel of a drag
    fonts = webfont()  # Hangul on a browser without a Korean font
    origins = [f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]
    server = pn.serve(
        {"/": build_app},
        port=port,
        address=host,
        websocket_origin=sorted(set(origins)),
        show=False,
        start=False,
        title=tr("cgresearch: budget allocation dashboard"),
        verbose=False,
        static_dirs={FONT_ROUTE: str(fonts)},
    )
    url = f"http://{host}:{port}/"
    if announce is not None:
        announce(f"cgresearch dashboard: serving at {url} (Ctrl+C to stop)")
    if show:
        server.io_loop.add_callback(server.show, "/")
    server.start()
    try:
        server.io_loop.start()
    finally:
        server.stop()

"""The planners' what-if dashboard: Panel widgets wired to the envelope model, state in the URL.

Wiring only: every number on the page comes from :mod:`cgresearch.allocation` (the scenario,
:class:`~cgresearch.allocation.EnvelopeModel` re-solves, :func:`~cgresearch.allocation.compare`,
the metrics, shadow prices and infeasibility diagnosis of
:class:`~cgresearch.allocation.EnvelopeResult`); the mapping between controls, URL and scenario
overrides is :mod:`cgresearch.dashboard.state`.

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

import html
import io
import logging
import math
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pandas as pd
import panel as pn
from bokeh.core.properties import value
from bokeh.models import ColorBar, ColumnDataSource, HoverTool, LinearColorMapper
from bokeh.palettes import Cividis256, RdBu11
from bokeh.plotting import figure

from cgresearch.allocation import INDICATORS, OBJECTIVES, EnvelopeModel, Scenario, compare
from cgresearch.dashboard import state
from cgresearch.errors import CGResearchError, localized
from cgresearch.i18n import Lang, tr

__all__ = ["build_app", "serve"]

_LOG = logging.getLogger(__name__)
_DEFAULT_BASE = "need_goal_stable"
_UPLOADED = "(uploaded file)"


def _objective_labels(lang: Lang = "ko") -> dict[str, str]:
    """The objective selector's names, in ``lang``."""
    return {
        "equal_adjustment": tr("Formula + equal adjustment (default)", lang),
        "proportional": tr("Formula × common factor", lang),
        "least_squares": tr("Least squares to the formula", lang),
        "minmax_relative": tr("Smallest relative band, then least squares", lang),
        "formula": tr("Formula as it is", lang),
        "goal": tr("Goal programming (L1, not unique)", lang),
        "maxmin": tr("Max-min fairness", lang),
        "combined": tr("Goal + max-min", lang),
    }


def _weight_labels(lang: Lang = "ko") -> dict[str, str]:
    """The need-weight sliders' names, in ``lang``."""
    return {
        "base": tr("Weight: equal share for every gu", lang),
        "pop": tr("Weight: population", lang),
        "elderly": tr("Weight: population aged 65+", lang),
        "area": tr("Weight: area (km²)", lang),
        "dong": tr("Weight: number of administrative dong", lang),
        "fiscal_need": tr("Weight: fiscal need (population × (1 − fiscal independence))", lang),
    }


def _map_columns(lang: Lang = "ko") -> dict[str, str]:
    """The map layers, label -> column, in ``lang``."""
    return {
        tr("Allocation (억원)", lang): "amount_eok",
        tr("Per capita (KRW)", lang): "per_capita_krw",
        tr("Change vs last year (억원)", lang): "change_eok",
        tr("Change vs base scenario (억원)", lang): "vs_base_eok",
    }


_DIVERGING = ("change_eok", "vs_base_eok")


def _table_titles(lang: Lang = "ko") -> dict[str, str]:
    """The table's column headers (with units), in ``lang``."""
    return {
        "name_ko": "구" if lang == "ko" else "Gu (Korean)",
        "name_en": tr("District", lang),
        "amount_eok": tr("Allocation (억원)", lang),
        "per_capita_krw": tr("Per capita (KRW)", lang),
        "previous_eok": tr("Last year (억원)", lang),
        "change_eok": tr("Change vs last year (억원)", lang),
        "change_pct": tr("Change (%)", lang),
        "target_eok": tr("Formula target (억원)", lang),
        "vs_base_eok": tr("Change vs base scenario (억원)", lang),
        "binding": tr("Limits that bind", lang),
        "explanation": tr("Why this amount", lang),
    }


_TABLE_COLUMNS = tuple(_table_titles("en"))
#: the colour bar's unit for each map column
_MAP_UNITS = {
    "amount_eok": "억원",
    "per_capita_krw": "KRW",
    "change_eok": "억원",
    "vs_base_eok": "억원",
}
_DARK_TEXT = "#111111"
_LIGHT_TEXT = "#ffffff"
_SEOUL_LAT = 37.55


# --- the map ----------
def _map_source(boundaries: pd.DataFrame) -> tuple[ColumnDataSource, ColumnDataSource]:
    """One patch per exterior ring, and one label per gu at its largest ring's centroid."""
    from cgresearch.figures.maps import ring_centroid

    kx = math.cos(math.radians(_SEOUL_LAT))
    patches: dict[str, list[Any]] = {"xs": [], "ys": [], "adm_code": []}
    labels: dict[str, list[Any]] = {
        "x": [],
        "y": [],
        "adm_code": [],
        "text": [],
        "text_color": [],
        "halo": [],
    }
    for row in boundaries.itertuples(index=False):
        best = (0.0, 0.0, -1.0)
        for ring in row.rings:
            pts = np.asarray(ring, dtype=float)
            patches["xs"].append((pts[:, 0] * kx).tolist())
            patches["ys"].append(pts[:, 1].tolist())
            patches["adm_code"].append(int(row.adm_code))
            c = ring_centroid(pts)
            if c[2] > best[2]:
                best = c
        labels["x"].append(best[0] * kx)
        labels["y"].append(best[1])
        labels["adm_code"].append(int(row.adm_code))
        labels["text"].append(f"{row.name_ko}\n{str(row.name_en).removesuffix('-gu')}")
        labels["text_color"].append(_DARK_TEXT)
        labels["halo"].append(_LIGHT_TEXT)
    n = len(patches["xs"])
    for col in ("name_ko", "name_en", "value", "amount_eok", "per_capita_krw", "change_eok"):
        patches[col] = [""] * n if col.startswith("name") else [math.nan] * n
    names = dict(zip(boundaries["adm_code"].astype(int), boundaries["name_ko"], strict=True))
    names_en = dict(zip(boundaries["adm_code"].astype(int), boundaries["name_en"], strict=True))
    patches["name_ko"] = [names[c] for c in patches["adm_code"]]
    patches["name_en"] = [names_en[c] for c in patches["adm_code"]]
    return ColumnDataSource(patches), ColumnDataSource(labels)


def _map_figure(
    patches: ColumnDataSource, labels: ColumnDataSource
) -> tuple[Any, LinearColorMapper]:
    mapper = LinearColorMapper(palette=Cividis256, low=0, high=1, nan_color="#d9d9d9")
    fig = figure(
        height=560,
        sizing_mode="stretch_width",
        match_aspect=True,
        tools="pan,wheel_zoom,reset",
        toolbar_location="right",
        title="Allocation (억원)",
    )
    glyph = fig.patches(
        "xs",
        "ys",
        source=patches,
        fill_color={"field": "value", "transform": mapper},
        line_color="white",
        line_width=1,
    )
    fig.text(
        "x",
        "y",
        text="text",
        source=labels,
        text_align="center",
        text_baseline="middle",
        text_font_size="8pt",
        text_font=value("NanumGothic, 'Noto Sans CJK KR', 'Malgun Gothic', sans-serif"),
        text_color="text_color",
        background_fill_color="halo",
        background_fill_alpha=0.35,
    )
    bar = ColorBar(
        color_mapper=mapper,
        name="cg-colorbar",
        title="억원",
        title_text_font_size="9pt",
        major_label_text_font_size="8pt",
        label_standoff=6,
        width=12,
        location=(0, 0),
    )
    fig.add_layout(bar, "right")
    fig.add_tools(
        HoverTool(
            renderers=[glyph],
            tooltips=[
                ("gu", "@name_ko (@name_en)"),
                ("allocation", "@amount_eok{0,0.00} 억원"),
                ("per capita", "@per_capita_krw{0,0} KRW"),
                ("change vs last year", "@change_eok{+0,0.00} 억원"),
            ],
        )
    )
    fig.axis.visible = False
    fig.grid.visible = False
    fig.xaxis.axis_label = "longitude"
    return fig, mapper


def _open_location(clean: Callable[[str], str]) -> tuple[Any, str]:
    """The session's URL location, reading its query only through ``clean``; and the raw query.

    Panel's own location parses the raw query (and fails on a 5,000-digit number), and the
    browser sends its address back when the page opens, so a synced widget would receive the
    link's raw values (``base=nosuch``). This location hands the synced widgets the link made
    valid (``clean``: :func:`state.read_link`), whatever the address bar holds.
    """
    from panel.io.location import Location
    from panel.util import parse_query

    class _ValidLocation(Location):
        @property
        def query_params(self) -> dict[str, Any]:
            return parse_query("?" + clean(self.search))

    doc = pn.state.curdoc
    context = getattr(doc, "session_context", None)
    if doc is None or context is None:  # not served (tests, notebooks)
        location = pn.state.location
        return location, (location.search.lstrip("?") if location is not None else "")
    raw = urlsplit(str(getattr(context.request, "uri", "") or "")).query
    location = _ValidLocation.from_request(context.request)
    pn.state._locations[doc] = location  # Panel has no public setter for a session's location
    return location, raw


def _notice_html(notices: tuple[str, ...], lang: Lang = "ko") -> str:
    """The notice a link that cannot be honoured as it is shows above the results."""
    if not notices:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    head = tr("This link could not be opened exactly as shared.", lang)
    rest = tr("The nearest valid scenario is shown; changed or ignored:", lang)
    return f"<div id='cg-link-notice'><b>{head}</b> {rest}<ul>{items}</ul></div>"


# --- the session ----------
class _Dashboard:
    """One browser session: widgets, their URL sync and the views they drive."""

    def __init__(
        self,
        districts: pd.DataFrame,
        boundaries: pd.DataFrame,
        scenarios: dict[str, Scenario],
    ) -> None:
        self.districts = districts
        self.scenarios = scenarios
        self.location, raw_query = _open_location(self._clean_query)
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
            _notice_html(link.notices, lang),
            alert_type="warning",
            visible=bool(link.notices),
            css_classes=["cg-link-notice"],
            sizing_mode="stretch_width",
        )
        self.base_select = pn.widgets.Select(
            label=tr("Base scenario (scenarios/*.toml)", lang),
            options=[*scenarios, _UPLOADED],
            value=link.base_name,
            css_classes=["cg-base"],
        )
        self.upload_text = pn.widgets.TextInput(
            label="uploaded scenario", value=link.uploaded or "", visible=False
        )
        self._sync(self.base_select, "base")
        self._sync(self.upload_text, "scenario")
        self.problem_text = ""
        self.base = link.base

        values = link.values
        self.controls = self._make_controls(values)
        for key, widget in self.controls.items():
            self._sync(widget, key)
        self.tier_box = pn.Column(sizing_mode="stretch_width")
        self.tier_widgets: dict[str, pn.widgets.Widget] = {}
        self._make_tiers(values)

        self.map_select = pn.widgets.Select(
            label=tr("Colour the map by", lang), options=_map_columns(lang), value=link.map_column
        )
        self._sync(self.map_select, "map")
        self.upload = pn.widgets.FileInput(accept=".toml")
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
            pd.DataFrame(columns=list(_TABLE_COLUMNS)),
            titles=_table_titles(self.lang),
            formatters=_table_formatters(),
            disabled=True,
            show_index=False,
            sortable=True,
            layout="fit_data_table",
            sizing_mode="stretch_width",
        )
        self.patches, self.labels = _map_source(boundaries)
        position = {int(c): i for i, c in enumerate(districts["adm_code"])}
        self._patch_rows = np.array([position[c] for c in self.patches.data["adm_code"]])
        self._label_rows = np.array([position[c] for c in self.labels.data["adm_code"]])
        fig, self.mapper = _map_figure(self.patches, self.labels)
        self.fig = fig
        self.colour_bar = fig.select_one({"name": "cg-colorbar"})
        self.map_pane = pn.pane.Bokeh(fig, sizing_mode="stretch_width")

        self.model = EnvelopeModel(districts, self.base)
        self.baseline = self._solve_baseline()

        for widget in self.controls.values():
            widget.param.watch(self._on_control, "value")
        self.map_select.param.watch(self._on_map_column, "value")
        self.base_select.param.watch(self._on_base, "value")
        self.upload.param.watch(self._on_upload, "value")
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

    def _read_link(self, query: str) -> state.LinkReading:
        return state.read_link(
            query,
            self.scenarios,
            default_base=_DEFAULT_BASE,
            map_columns=_map_columns(),
            uploaded_label=_UPLOADED,
        )

    def _clean_query(self, search: str) -> str:
        """The address bar's query made valid (what the synced widgets are given)."""
        return urlencode(self._read_link(search).query(_UPLOADED))

    def _on_address(self, event: Any) -> None:
        """The browser sends its address when the page opens: show the valid link there too."""
        reading = self._read_link(str(event.new or ""))
        if reading.notices:
            self.location.search = "?" + urlencode(reading.query(_UPLOADED))

    def _load_base(self) -> Scenario:
        name = self.base_select.value
        if name == _UPLOADED:
            try:
                return state.decode_scenario(self.upload_text.value or "")
            except CGResearchError as exc:
                self.problem_text = f"the uploaded scenario in this link cannot be read: {exc}"
                self.base_select.value = name = (
                    _DEFAULT_BASE if _DEFAULT_BASE in self.scenarios else next(iter(self.scenarios))
                )
        return self.scenarios[name]

    def _make_controls(self, values: dict[str, Any]) -> dict[str, pn.widgets.Widget]:
        lang = self.lang
        budget = float(values["budget"])
        controls: dict[str, pn.widgets.Widget] = {
            "budget": pn.widgets.FloatSlider(
                label=tr("Total budget (100 million KRW)", lang),
                start=0.0,
                end=float(max(500.0, math.ceil(2 * budget / 50) * 50)),
                step=1.0,
                value=budget,
                format="0,0",
                css_classes=["cg-budget"],
            ),
            "objective": pn.widgets.Select(
                label=tr("Objective", lang),
                options={_objective_labels(lang).get(o, o): o for o in OBJECTIVES},
                value=values["objective"],
            ),
        }
        for indicator, meaning in INDICATORS.items():
            controls[state.weight_key(indicator)] = pn.widgets.FloatSlider(
                label=_weight_labels(lang).get(indicator, meaning),
                start=0.0,
                end=1.0,
                step=0.05,
                value=float(values[state.weight_key(indicator)]),
            )
        for key, label in (
            ("floor", tr("Floor per gu (억원; 0 = none)", lang)),
            ("cap", tr("Cap per gu (억원; 0 = none)", lang)),
            ("previous", tr("Last year's amount per gu (억원; 0 = none)", lang)),
        ):
            controls[key] = pn.widgets.FloatSlider(
                label=label,
                start=0.0,
                end=float(max(40.0, math.ceil(values[key] * 2 / 10) * 10)),
                step=0.5,
                value=float(values[key]),
            )
        controls["delta"] = pn.widgets.FloatSlider(
            label=tr("Stability δ: at most ±δ × last year (0 = no limit)", lang),
            start=0.0,
            end=1.0,
            step=0.05,
            value=float(values["delta"]),
        )
        for key, label, end, step in (
            ("cut", tr("Largest cut from last year (%; 0 = no limit)", lang), 100.0, 1.0),
            ("raise", tr("Largest raise from last year (%; 0 = no limit)", lang), 100.0, 1.0),
            (
                "pcfloor",
                tr("Per-capita floor (KRW per person; 0 = none)", lang),
                100_000.0,
                1_000.0,
            ),
        ):
            controls[key] = pn.widgets.FloatSlider(
                label=label,
                start=0.0,
                end=float(max(end, math.ceil(values[key] * 2 / step) * step)),
                step=step,
                value=float(values[key]),
                format="0,0",
            )
        controls["tiers"] = pn.widgets.Checkbox(
            label=tr("Performance tiers (grade ranges below)", lang), value=bool(values["tiers"])
        )
        return controls

    def _make_tiers(self, values: dict[str, Any]) -> None:
        for widget in self.tier_widgets.values():
            self._unsync(widget)
        self.tier_widgets = {}
        for grade in self.base.tiers:
            key = state.tier_key(grade)
            lo, hi = values[key]
            widget = pn.widgets.RangeSlider(
                label=tr("Grade {grade}: range per gu (억원)", self.lang, grade=grade),
                start=0.0,
                end=float(max(20.0, math.ceil(hi * 2))),
                step=0.1,
                value=(float(lo), float(hi)),
            )
            self._sync(widget, key)
            widget.param.watch(self._on_control, "value")
            self.tier_widgets[key] = widget
        grades = ", ".join(f"{gu} {g}" for gu, g in self.base.grades.items()) or "none"
        note = pn.pane.Markdown(
            f"Grades of this base scenario: {grades}."
            if self.base.tiers
            else "This base scenario has no performance grades; load one with [tiers] and "
            "[grades] (e.g. tiers_9_11) to set their ranges."
        )
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
                self.location.search = "?" + urlencode(query)
            values = state.values_from_scenario(self.base)
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

    def _on_upload(self, event: Any) -> None:
        if not event.new:
            return
        try:
            scenario = state.decode_scenario(bytes(event.new).decode("utf-8"))
        except (CGResearchError, UnicodeDecodeError) as exc:
            self._show_problem("invalid", f"the uploaded file is not a valid scenario: {exc}")
            return
        self.upload_text.value = state.encode_scenario(scenario)
        if self.base_select.value == _UPLOADED:
            self._on_base()
        else:
            self.base_select.value = _UPLOADED

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
            self._show_problem("invalid", exc.localized(self.lang))
            return
        except Exception as exc:  # a plain sentence for the planner, the trace for the log
            _LOG.exception("dashboard: solving failed")
            self._show_problem("error", f"the model could not be solved ({exc})")
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
            self._draw_status(result)
        pn.state.execute(partial(self._details, self._seq, result), schedule=True)

    def _details(self, seq: int, result: Any) -> None:
        if seq != self._seq:  # a newer change is on its way
            return
        comparison = compare(self.baseline, result) if self.baseline is not None else None
        with pn.io.hold():
            self._draw_metrics(result)
            self._draw_gains(comparison)
            self._draw_shadow(result)
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
        frame = table[[c for c in _TABLE_COLUMNS if c in table.columns]].copy()
        frame["vs_base_eok"] = np.nan
        if self.baseline is not None:
            frame["vs_base_eok"] = (
                table["amount_eok"].to_numpy() - self.baseline.table["amount_eok"].to_numpy()
            )
        frame["binding"] = frame["binding"].astype(str)
        why = result.explain("ko").set_index("adm_code")["text"]
        frame["explanation"] = table["adm_code"].map(why).fillna("").to_numpy()
        return frame[list(_TABLE_COLUMNS)]

    def _draw_map(self, frame: pd.DataFrame) -> None:
        column = self.map_select.value
        rows = self._patch_rows
        data: dict[str, Any] = {
            col: frame[col].to_numpy(dtype=float)[rows]
            for col in ("amount_eok", "per_capita_krw", "change_eok")
        }
        values = frame[column].to_numpy(dtype=float)[rows]
        data["value"] = values
        finite = values[np.isfinite(values)]
        if column in _DIVERGING:
            span = float(np.max(np.abs(finite))) if finite.size else 1.0
            span = span if span > 1e-9 else 1.0
            self.mapper.update(palette=list(reversed(RdBu11)), low=-span, high=span)
        else:
            lo = float(finite.min()) if finite.size else 0.0
            hi = float(finite.max()) if finite.size else 1.0
            self.mapper.update(palette=Cividis256, low=lo, high=hi if hi > lo else lo + 1e-9)
        self.patches.data.update(data)
        palette = list(self.mapper.palette)
        fills = _fill_colours(
            frame[column].to_numpy(dtype=float)[self._label_rows],
            palette,
            float(self.mapper.low),
            float(self.mapper.high),
        )
        text = [_text_colour(c) for c in fills]
        self.labels.data.update(
            text_color=text,
            halo=[_LIGHT_TEXT if t == _DARK_TEXT else _DARK_TEXT for t in text],
        )
        self.colour_bar.title = _MAP_UNITS[column]
        self.fig.title.text = next(k for k, v in _map_columns(self.lang).items() if v == column)

    def _draw_status(self, result: Any) -> None:
        s = result.scenario
        lang = self.lang
        total = float(result.metrics["total_eok"])
        line = tr(
            "Scenario {name} ({objective}): {total} across {n} gu.",
            lang,
            name=f"<b>{html.escape(s.name)}</b>",
            objective=html.escape(_objective_labels(lang).get(s.objective, s.objective)),
            total=f'<b><span id="cg-total">{total:,.2f}</span>억원</b>',
            n=len(result.table),
        )
        self.status.object = (
            f'<div id="cg-status" data-status="{result.status}" data-total="{total:.6f}" '
            f'style="font-size:1.05em">{line} '
            f"{html.escape(result.objective_label)} = {result.objective_value:,.4g}.</div>"
        )

    def _draw_metrics(self, result: Any) -> None:
        lang = self.lang
        rows = [
            (tr("Gini of per-capita amounts", lang), "gini", "{:.4f}"),
            (tr("Theil of per-capita amounts", lang), "theil", "{:.4f}"),
            (tr("Largest / smallest per-capita amount", lang), "max_min_ratio", "{:.3f}"),
            (tr("Gini, population-weighted", lang), "gini_pop", "{:.4f}"),
            (
                tr("Smallest need-weighted per-capita amount (KRW)", lang),
                "min_need_weighted_per_capita_krw",
                "{:,.0f}",
            ),
        ]
        base = self.baseline.metrics if self.baseline is not None else {}
        equity = tr("Equity", lang)
        this, other = tr("this scenario", lang), tr("base scenario", lang)
        body = "".join(
            f"<tr><td>{label}</td><td class='cg-metric' data-key='{key}' style='text-align:right'>"
            f"{fmt.format(result.metrics[key])}</td><td style='text-align:right'>"
            f"{fmt.format(base[key]) if key in base else '—'}</td></tr>"
            for label, key, fmt in rows
            if key in result.metrics
        )
        self.metrics.object = (
            f"<h4>{equity}</h4><table><tr><th></th>"
            f"<th>{this}</th><th>{other}</th></tr>"
            f"{body}</table>"
        )

    def _draw_gains(self, table: pd.DataFrame | None) -> None:
        lang = self.lang
        if table is None:
            text = tr("The base scenario has no allocation to compare with.", lang)
            self.gains.object = f"<p>{text}</p>"
            return
        gains = table[table["outcome"] == "gains"]
        losses = table[table["outcome"] == "loses"]

        def names(frame: pd.DataFrame) -> str:
            column = "name_ko" if lang == "ko" else "name_en"
            return ", ".join(
                f"{name} {change:+,.2f}"
                for name, change in zip(
                    frame[column].head(5), frame["change_eok"].head(5), strict=True
                )
            )

        against = tr("Against the base scenario", lang)
        self.gains.object = (
            f"<h4>{against}</h4><p>"
            + tr("{n} gu gain {amount}", lang, n=len(gains), amount=_eok(gains, lang))
            + f"{': ' + names(gains) if len(gains) else ''}{' …' if len(gains) > 5 else ''}.<br>"
            + tr("{n} gu lose {amount}", lang, n=len(losses), amount=_eok(losses, lang))
            + f"{': ' + names(losses.iloc[::-1]) if len(losses) else ''}"
            f"{' …' if len(losses) > 5 else ''}.</p>"
        )

    def _draw_shadow(self, result: Any) -> None:
        texts = [
            str(localized(t, self.lang)) for t in result.shadow_prices["text"].tolist() if str(t)
        ]
        items = "".join(f"<li>{html.escape(t)}</li>" for t in texts[:8])
        rest = tr("… and {n} more", self.lang, n=len(texts) - 8)
        more = f"<li>{html.escape(rest)}</li>" if len(texts) > 8 else ""
        heading = tr("What the limits cost (shadow prices)", self.lang)
        none = tr("No limit binds at a cost.", self.lang)
        self.shadow.object = f"<h4>{heading}</h4>" + (
            f"<ul>{items}{more}</ul>" if texts else f"<p>{none}</p>"
        )

    def _show_problem(self, status: str, message: str) -> None:
        self.result = None
        self.frame = None
        empty = pd.DataFrame(columns=list(_TABLE_COLUMNS))
        nothing = tr("No allocation for this scenario.", self.lang)
        with pn.io.hold():
            self.status.object = (
                f'<div id="cg-status" data-status="{html.escape(status)}" data-total="" '
                'style="border-left:4px solid #d55e00;padding:0.4em 0.8em;background:#fff4ec">'
                f"<b>{nothing}</b> "
                f'<span id="cg-problem">{html.escape(message)}</span></div>'
            )
            self.table.value = empty
            n = len(self.patches.data["xs"])
            self.patches.data.update(
                {c: [math.nan] * n for c in ("value", "amount_eok", "per_capita_krw", "change_eok")}
            )
            self.metrics.object = ""
            self.gains.object = ""
            self.shadow.object = ""

    # -- downloads ----------
    def _scenario_file(self) -> io.StringIO:
        scenario = self.scenario or self.base
        return io.StringIO(scenario.to_toml())

    def _csv_file(self) -> io.StringIO:
        out = io.StringIO()
        if self.frame is not None:
            self.frame.to_csv(out, index=False)
        out.seek(0)
        return out

    def _xlsx_file(self) -> io.BytesIO:
        out = io.BytesIO()
        frame = pd.DataFrame(columns=list(_TABLE_COLUMNS))
        if self.frame is not None:
            frame = self.frame
        frame.rename(columns=_table_titles(self.lang)).to_excel(
            out, index=False, sheet_name="allocation"
        )
        out.seek(0)
        return out

    # -- layout ----------
    def view(self) -> pn.viewable.Viewable:
        c = self.controls
        lang = self.lang
        weights = [c[state.weight_key(i)] for i in INDICATORS]
        sidebar = pn.Column(
            pn.pane.Markdown("### " + tr("Scenario", lang)),
            self.base_select,
            pn.pane.Markdown(
                tr("Load a scenario file (TOML, as `cgresearch allocate` reads):", lang)
            ),
            self.upload,
            self.save,
            pn.pane.Markdown("### " + tr("Budget and objective", lang)),
            c["budget"],
            c["objective"],
            pn.pane.Markdown("### " + tr("Need weights (formula target)", lang)),
            *weights,
            pn.pane.Markdown("### " + tr("Limits per gu", lang)),
            c["floor"],
            c["cap"],
            c["previous"],
            c["delta"],
            c["cut"],
            c["raise"],
            c["pcfloor"],
            c["tiers"],
            self.tier_box,
            width=360,
        )
        main = pn.Column(
            self.link_notice,
            self.status,
            pn.Row(
                pn.Column(self.map_select, self.map_pane, sizing_mode="stretch_width"),
                pn.Column(self.metrics, self.gains, width=420),
                sizing_mode="stretch_width",
            ),
            self.shadow,
            pn.Row(self.csv, self.xlsx),
            self.table,
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
        toggle = pn.pane.HTML(_language_toggle(self.location, lang), css_classes=["cg-lang"])
        if self.problem_text:
            self._show_problem("invalid", self.problem_text)
        return pn.Column(
            pn.Row(header, toggle, sizing_mode="stretch_width"),
            pn.Row(sidebar, main, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )


_FONT_ROUTE = "cg-fonts"


def _webfont() -> Any:
    """Serve the NanumGothic TTF that ``figures.style`` uses as a webfont; return its folder.

    The page's CSS declares it with ``@font-face`` (document-wide, so Panel's shadow roots see it
    too) and puts it first in the font stack, so a browser without a Korean font shows Hangul.
    """
    from cgresearch.figures.style import hangul_font_path

    regular, bold = hangul_font_path("regular"), hangul_font_path("bold")
    css = (
        f"@font-face {{ font-family: 'NanumGothic'; font-weight: 400; "
        f"src: url('/{_FONT_ROUTE}/{regular.name}') format('truetype'); }}\n"
        f"@font-face {{ font-family: 'NanumGothic'; font-weight: 700; "
        f"src: url('/{_FONT_ROUTE}/{bold.name}') format('truetype'); }}\n"
        "body, .bk-root { font-family: NanumGothic, 'Noto Sans CJK KR', 'Malgun Gothic', "
        "sans-serif; }\n"
    )
    if css not in pn.config.raw_css:
        pn.config.raw_css = [*pn.config.raw_css, css]
    return regular.parent


def _eok(rows: pd.DataFrame, lang: Lang) -> str:
    """The absolute sum of ``rows``' changes in 억원, formatted as the report prints amounts."""
    from cgresearch.formatting import format_eok

    return format_eok(abs(float(rows["change_eok"].sum())), lang)


def _language_toggle(location: Any, lang: Lang) -> str:
    """A link to this view in the other language (the address's query with ``lang`` swapped)."""
    query = dict(parse_qsl(str(getattr(location, "search", "") or "").lstrip("?")))
    if lang == "ko":
        query["lang"] = "en"
        text = "English"
    else:
        query.pop("lang", None)
        text = "한국어"
    href = html.escape("?" + urlencode(query), quote=True)
    return (
        f"<a id='cg-lang-toggle' href='{href}' lang='{'en' if lang == 'ko' else 'ko'}'>{text}</a>"
    )


def _table_formatters() -> dict[str, Any]:
    from bokeh.models.widgets.tables import NumberFormatter

    two = NumberFormatter(format="0,0.00", text_align="right")
    return {
        "amount_eok": two,
        "per_capita_krw": NumberFormatter(format="0,0", text_align="right"),
        "previous_eok": two,
        "change_eok": NumberFormatter(format="+0,0.00", text_align="right"),
        "change_pct": NumberFormatter(format="+0,0.0", text_align="right"),
        "target_eok": two,
        "vs_base_eok": NumberFormatter(format="+0,0.00", text_align="right"),
    }


# --- readable labels on any fill ----------
def _fill_colours(values: np.ndarray, palette: list[str], low: float, high: float) -> list[str]:
    """The fill a :class:`LinearColorMapper` gives each value (grey where there is none).

    Bokeh's rule: ``palette[floor((v − low) / (high − low) · N)]``, clipped to the palette, the
    top value on the last colour.
    """
    n = len(palette)
    span = high - low if high > low else 1.0
    out = []
    for v in values:
        if not np.isfinite(v):
            out.append("#d9d9d9")
            continue
        k = int(np.floor((v - low) / span * n))
        out.append(palette[min(max(k, 0), n - 1)])
    return out


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` (0 = black, 1 = white)."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _text_colour(fill: str) -> str:
    """Dark or white text, whichever has the higher WCAG contrast ratio on ``fill``."""
    lum = _luminance(fill)
    dark = (lum + 0.05) / (_luminance(_DARK_TEXT) + 0.05)
    light = (1.05) / (lum + 0.05)
    return _DARK_TEXT if dark >= light else _LIGHT_TEXT


# --- entry points ----------
def _scenarios() -> dict[str, Scenario]:
    from cgresearch.allocation import load_scenario
    from cgresearch.errors import ParameterError
    from cgresearch.paths import scenarios_dir

    files = sorted(scenarios_dir().glob("*.toml"))
    if not files:
        raise ParameterError(
            f"no scenario files in {scenarios_dir()}: the dashboard starts from one of them; "
            "add a scenario TOML there (see `cgresearch allocate --help`)"
        )
    return {path.stem: load_scenario(path) for path in files}


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
    fonts = _webfont()  # Hangul on a browser without a Korean font
    origins = [f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]
    server = pn.serve(
        {"/": build_app},
        port=port,
        address=host,
        websocket_origin=sorted(set(origins)),
        show=False,
        start=False,
        title="cgresearch: budget allocation dashboard",
        verbose=False,
        static_dirs={_FONT_ROUTE: str(fonts)},
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

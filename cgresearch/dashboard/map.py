"""The dashboard's map: Seoul's 25 gu as Bokeh patches, a colour bar, labels readable on any fill.

* :func:`map_source` — one patch per exterior ring and one label per gu;
* :func:`map_figure` — the figure with its colour bar (named ``cg-colorbar``) and hover;
* :func:`colour_scale` — the palette and range for a column (Cividis, or RdBu centred on 0 for
  changes; both colour-blind safe);
* :func:`fill_colours` / :func:`text_colour` — the fill Bokeh gives each gu, and the label colour
  (dark or white) with the higher WCAG contrast on it.

Examples
--------
>>> text_colour("#00204D"), text_colour("#FFE945")
('#ffffff', '#111111')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from bokeh.core.properties import value
from bokeh.models import ColorBar, ColumnDataSource, HoverTool, LinearColorMapper
from bokeh.palettes import Cividis256, RdBu11
from bokeh.plotting import figure

from cgresearch.dashboard.labels import DIVERGING, map_unit
from cgresearch.i18n import Lang, tr

__all__ = [
    "DARK_TEXT",
    "LIGHT_TEXT",
    "colour_scale",
    "fill_colours",
    "luminance",
    "map_figure",
    "map_source",
    "text_colour",
]

DARK_TEXT = "#111111"
LIGHT_TEXT = "#ffffff"
_NO_DATA = "#d9d9d9"
_SEOUL_LAT = 37.55
_FONT = "NanumGothic, 'Noto Sans CJK KR', 'Malgun Gothic', sans-serif"


def map_source(
    boundaries: pd.DataFrame, lang: Lang = "ko"
) -> tuple[ColumnDataSource, ColumnDataSource]:
    """One patch per exterior ring, and one label per gu at its largest ring's centroid.

    Longitudes are scaled by cos(37.55°) so that the map keeps Seoul's shape. Labels are the
    Korean name (Korean page), or the Korean name over the English one (English page).
    """
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
        english = str(row.name_en).removesuffix("-gu")
        labels["text"].append(row.name_ko if lang == "ko" else f"{row.name_ko}\n{english}")
        labels["text_color"].append(DARK_TEXT)
        labels["halo"].append(LIGHT_TEXT)
    n = len(patches["xs"])
    for col in ("name_ko", "name_en", "value", "amount_eok", "per_capita_krw", "change_eok"):
        patches[col] = [""] * n if col.startswith("name") else [math.nan] * n
    names = dict(zip(boundaries["adm_code"].astype(int), boundaries["name_ko"], strict=True))
    names_en = dict(zip(boundaries["adm_code"].astype(int), boundaries["name_en"], strict=True))
    patches["name_ko"] = [names[c] for c in patches["adm_code"]]
    patches["name_en"] = [names_en[c] for c in patches["adm_code"]]
    return ColumnDataSource(patches), ColumnDataSource(labels)


def map_figure(
    patches: ColumnDataSource, labels: ColumnDataSource, lang: Lang = "ko"
) -> tuple[Any, LinearColorMapper]:
    """The map figure (patches, labels, colour bar ``cg-colorbar``, hover) and its mapper."""
    mapper = LinearColorMapper(palette=Cividis256, low=0, high=1, nan_color=_NO_DATA)
    fig = figure(
        height=560,
        sizing_mode="stretch_width",
        match_aspect=True,
        tools="pan,wheel_zoom,reset",
        toolbar_location="right",
        title=tr("Allocation (억원)", lang),
    )
    fig.title.text_font = _FONT
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
        text_font=value(_FONT),
        text_color="text_color",
        background_fill_color="halo",
        background_fill_alpha=0.35,
    )
    bar = ColorBar(
        color_mapper=mapper,
        name="cg-colorbar",
        title=map_unit("amount_eok", lang),
        title_text_font=_FONT,
        title_text_font_size="9pt",
        major_label_text_font_size="8pt",
        label_standoff=6,
        width=12,
        location=(0, 0),
    )
    fig.add_layout(bar, "right")
    krw = map_unit("per_capita_krw", lang)
    fig.add_tools(
        HoverTool(
            renderers=[glyph],
            tooltips=[
                (tr("gu", lang), "@name_ko (@name_en)"),
                (tr("allocation", lang), "@amount_eok{0,0.00} 억원"),
                (tr("per capita", lang), "@per_capita_krw{0,0} " + krw),
                (tr("change vs last year", lang), "@change_eok{+0,0.00} 억원"),
            ],
        )
    )
    fig.axis.visible = False
    fig.grid.visible = False
    return fig, mapper


def colour_scale(values: np.ndarray, column: str) -> tuple[list[str], float, float]:
    """The palette and (low, high) range for colouring ``values`` of map ``column``.

    Changes (:data:`~cgresearch.dashboard.labels.DIVERGING`) get RdBu (red = less, blue = more),
    symmetric around 0; other columns Cividis from the smallest to the largest value (when
    every gu has the same value, a range of ±5% (at least ±0.5) around it, so the colour bar's
    ticks stay readable and the fill is mid-scale).
    """
    finite = values[np.isfinite(values)]
    if column in DIVERGING:
        span = float(np.max(np.abs(finite))) if finite.size else 1.0
        span = span if span > 1e-9 else 1.0
        return list(reversed(RdBu11)), -span, span
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    if hi - lo < 1e-6 * max(1.0, abs(lo)):  # every gu alike: the value mid-scale, ticks readable
        pad = max(0.05 * abs(lo), 0.5)
        lo, hi = lo - pad, hi + pad
    return list(Cividis256), lo, hi


def fill_colours(values: np.ndarray, palette: list[str], low: float, high: float) -> list[str]:
    """The fill a :class:`LinearColorMapper` gives each value (grey where there is none).

    Bokeh's rule: ``palette[floor((v − low) / (high − low) · N)]``, clipped to the palette, the
    top value on the last colour.
    """
    n = len(palette)
    span = high - low if high > low else 1.0
    out = []
    for v in values:
        if not np.isfinite(v):
            out.append(_NO_DATA)
            continue
        k = int(np.floor((v - low) / span * n))
        out.append(palette[min(max(k, 0), n - 1)])
    return out


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` (0 = black, 1 = white)."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_colour(fill: str) -> str:
    """Dark or white text, whichever has the higher WCAG contrast ratio on ``fill``."""
    lum = luminance(fill)
    dark = (lum + 0.05) / (luminance(DARK_TEXT) + 0.05)
    light = (1.05) / (lum + 0.05)
    return DARK_TEXT if dark >= light else LIGHT_TEXT

"""Choropleth maps of Seoul's 25 autonomous districts (gu) on their real boundaries.

The boundaries are the JUSO 2015 polygons of ``data/raw/seoul/geo`` (WGS84, read by
:func:`cgresearch.data.districts.load_boundaries`), drawn in an equirectangular projection with the
aspect corrected for Seoul's latitude (1 / cos 37.55°), so that shapes are not stretched. Each gu
is labelled with its Korean name (NanumGothic from :mod:`cgresearch.figures.style`) and value.

Examples
--------
>>> import pandas as pd
>>> from cgresearch.data.districts import load_districts
>>> d = load_districts()
>>> fig = district_map(d.assign(v=d["pop_total_2017q1"] / 1e4), "v",
...                    label="Population (10,000 people)")  # doctest: +SKIP
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from cgresearch.figures import style
from cgresearch.i18n import Lang, check_lang

__all__ = ["district_map", "ring_centroid"]

_SEOUL_LAT = 37.55


def ring_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    """Return the area centroid ``(x, y)`` and the absolute area of a closed polygon ring.

    Examples
    --------
    >>> import numpy as np
    >>> ring_centroid(np.array([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]))
    (1.0, 1.0, 4.0)
    """
    pts = np.asarray(ring, dtype=float)
    x, y = pts[:, 0], pts[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-15:
        return float(x.mean()), float(y.mean()), 0.0
    cx = ((x + x1) * cross).sum() / (6.0 * area)
    cy = ((y + y1) * cross).sum() / (6.0 * area)
    return float(cx), float(cy), float(abs(area))


def _place_name(row: object, lang: Lang) -> str:
    """A gu's name on the map: Korean, or the English name without its ``-gu`` suffix."""
    if check_lang(lang) == "ko" or not getattr(row, "name_en", None):
        return str(row.name_ko)  # type: ignore[attr-defined]
    return str(row.name_en).removesuffix("-gu")  # type: ignore[attr-defined]


def district_map(
    values: pd.DataFrame,
    column: str,
    *,
    boundaries: pd.DataFrame | None = None,
    label: str,
    title: str | None = None,
    diverging: bool = False,
    value_format: str = "{:.1f}",
    annotate: bool = True,
    ax: plt.Axes | None = None,
    lang: Lang = "ko",
) -> Figure:
    """Draw a choropleth of one column over the gu boundaries.

    Parameters
    ----------
    values : DataFrame
        One row per gu with ``adm_code`` and ``column``.
    column : str
        The value to colour by.
    boundaries : DataFrame, optional
        ``adm_code``, ``name_ko``, ``rings`` (default :func:`load_boundaries`).
    label : str
        Colour-bar label with its unit, e.g. ``"Allocation (억원)"``.
    title : str, optional
        Axes title.
    diverging : bool
        Centre a diverging colour map at 0 (red = loss, blue = gain); else sequential.
    value_format : str
        Format of the value printed under each name.
    annotate : bool
        Print each gu's name and value at its centroid.
    ax : Axes, optional
        Draw into this axes.
    lang : {"ko", "en"}
        The language of the gu names printed on the map: Korean (``종로구``), or English
        without the ``-gu`` suffix (``Jongno``) so that the labels fit inside the districts.
        ``label`` and ``title`` are printed as given (already in the edition's language).

    Returns
    -------
    Figure
    """
    style.apply_style()
    if boundaries is None:
        from cgresearch.data.districts import load_boundaries

        boundaries = load_boundaries()
    codes = pd.to_numeric(values["adm_code"]).astype(int)
    lookup = dict(zip(codes, values[column].astype(float), strict=True))
    missing = [c for c in pd.to_numeric(boundaries["adm_code"]).astype(int) if c not in lookup]
    if missing:
        raise ValueError(
            f"district_map: no '{column}' value for adm_code {missing[:3]}: give one row per gu"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 5.0))
    else:
        fig = ax.figure
    polys, colours, centres = [], [], []
    for row in boundaries.itertuples(index=False):
        value = lookup[int(row.adm_code)]
        best = None
        for ring in row.rings:
            pts = np.asarray(ring, dtype=float)[:, :2]
            polys.append(pts)
            colours.append(value)
            c = ring_centroid(pts)
            if best is None or c[2] > best[2]:
                best = c
        centres.append((_place_name(row, lang), value, best))
    data = np.array(colours, dtype=float)
    finite = data[np.isfinite(data)]
    if diverging:
        span = float(np.max(np.abs(finite))) if finite.size else 1.0
        span = span if span > 0 else 1.0
        norm: Normalize = TwoSlopeNorm(vcenter=0.0, vmin=-span, vmax=span)
        cmap = style.diverging_cmap()
    else:
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        norm = Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1.0)
        cmap = style.sequential_cmap()
    coll = PolyCollection(polys, array=data, cmap=cmap, norm=norm, edgecolor="white", lw=0.8)
    ax.add_collection(coll)
    ax.autoscale_view()
    ax.margins(0.01)
    ax.set_aspect(1.0 / math.cos(math.radians(_SEOUL_LAT)))
    ax.set_axis_off()
    if annotate:
        for name, value, (cx, cy, _) in centres:
            shade = cmap(norm(value)) if np.isfinite(value) else (1, 1, 1, 1)
            lum = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2]
            ax.text(
                cx,
                cy,
                f"{name}\n{value_format.format(value)}",
                ha="center",
                va="center",
                fontsize=6.5 if len(name) <= 8 else 5.5,  # long English names stay inside
                color="black" if lum > 0.5 else "white",
                # a thin halo of the opposite colour keeps a label readable where it runs past
                # its district onto a lighter or darker neighbour or the white background
                path_effects=[
                    patheffects.withStroke(
                        linewidth=1.2, foreground="white" if lum > 0.5 else "#222222"
                    )
                ],
            )
    bar = fig.colorbar(coll, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(label)
    if title:
        ax.set_title(title)
    return fig

"""Every picture of cgresearch: figures draw result objects; they never compute an estimate.

``style`` sets the look (Hangul font, colour-blind-safe palettes, units) and saves figures
deterministically; the other modules draw survey, allocation and map figures.
"""

from cgresearch.figures.style import (
    FONT_FAMILY,
    PALETTE,
    apply_style,
    caption,
    categorical_cmap,
    convert_krw,
    data_label,
    diverging_cmap,
    format_krw,
    hangul_font_path,
    palette,
    save,
    sequential_cmap,
    set_krw_axis,
)

__all__ = [
    "FONT_FAMILY",
    "PALETTE",
    "apply_style",
    "caption",
    "categorical_cmap",
    "convert_krw",
    "data_label",
    "diverging_cmap",
    "format_krw",
    "hangul_font_path",
    "palette",
    "save",
    "sequential_cmap",
    "set_krw_axis",
]

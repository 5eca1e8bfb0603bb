"""The one place that sets how every cgresearch figure looks and how it is saved.

- **Hangul**: the NanumGothic font shipped inside the ``koreanize-matplotlib`` wheel (a project
  dependency) is registered with matplotlib, so Korean district names render on a bare machine with
  no system fonts. The package is located without importing it (its import has side effects and
  uses ``distutils``).
- **Palette**: Okabe–Ito, safe for the common colour-vision deficiencies; ``cividis`` for sequential
  and ColorBrewer ``RdBu`` (colour-blind safe) for diverging scales.
- **Units**: :func:`set_krw_axis` labels an axis with its unit (억원, million KRW, KRW) and formats
  ticks with thousands separators.
- **Saving**: :func:`save` writes PNG and SVG with deterministic bytes (no timestamps or software
  versions in the metadata; a fixed SVG hash salt), atomically (a temporary file replaced on
  success).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from cgresearch.figures import style
>>> style.apply_style()
>>> fig, ax = plt.subplots()
>>> _ = ax.bar(["종로구", "중구"], [10.5, 9.0])
>>> style.set_krw_axis(ax, "y", unit="eok")
>>> text = style.caption(fig, "Allocation by gu.", synthetic=False)
>>> paths = style.save(fig, "example", outdir=tmp_path)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cgresearch import paths
from cgresearch.formatting import format_eok
from cgresearch.i18n import DEFAULT_LANG, Lang, tr

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

FONT_FAMILY = "NanumGothic"

#: Okabe & Ito (2008) colour-universal-design palette (black omitted; it is kept for text).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)

Unit = Literal["eok", "mkrw", "krw"]
_UNIT_LABEL: dict[str, str] = {"eok": "억원", "mkrw": "million KRW", "krw": "KRW"}
#: KRW per unit: 1 억원 = 100,000,000 KRW; 1 million KRW = 1,000,000 KRW.
_UNIT_KRW: dict[str, int] = {"eok": 100_000_000, "mkrw": 1_000_000, "krw": 1}

_SVG_HASH_SALT = "cgresearch"


def hangul_font_path(weight: Literal["regular", "bold"] = "regular") -> Path:
    """Return the path of the NanumGothic TTF shipped with the ``koreanize-matplotlib`` wheel.

    Raises
    ------
    FileNotFoundError
        If the package is not installed (run ``make env``).
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The Hangul font ships with the 'koreanize-matplotlib' package, which is not "
            "installed: run `make env` (or `pip install koreanize-matplotlib`)."
        )
    name = "NanumGothicBold.ttf" if weight == "bold" else "NanumGothic.ttf"
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall koreanize-matplotlib.")
    return path


def _register_fonts() -> None:
    known = {Path(f.fname) for f in font_manager.fontManager.ttflist}
    for weight in ("regular", "bold"):
        path = hangul_font_path(weight)  # type: ignore[arg-type]
        if path not in known:
            font_manager.fontManager.addfont(str(path))


def apply_style(context: Literal["paper", "notebook", "talk"] = "notebook") -> None:
    """Set matplotlib's style for cgresearch figures: Hangul font, palette, deterministic SVG.

    Safe to call more than once. Uses seaborn's ``whitegrid`` look when seaborn is present.
    """
    _register_fonts()
    try:
        import seaborn as sns

        sns.set_theme(context=context, style="whitegrid", palette=list(PALETTE))
    except ImportError:  # pragma: no cover - seaborn is a core dependency
        pass
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,  # NanumGothic has no U+2212 minus sign
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
            "image.cmap": "cividis",
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "svg.hashsalt": _SVG_HASH_SALT,
            "svg.fonttype": "path",  # glyphs as paths: the SVG needs no font to display Hangul
            "pdf.fonttype": 42,
        }
    )


def palette(n: int) -> list[str]:
    """Return ``n`` colour-blind-safe colours (Okabe–Ito, cycled if ``n`` exceeds 8)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def sequential_cmap() -> Colormap:
    """Return the sequential colour map (``cividis``: perceptually uniform, CVD-safe)."""
    return mpl.colormaps["cividis"]


def diverging_cmap() -> Colormap:
    """Return the diverging colour map (ColorBrewer ``RdBu``; red = loss, blue = gain)."""
    return mpl.colormaps["RdBu"]


def categorical_cmap(n: int) -> ListedColormap:
    """Return a listed colour map of ``n`` Okabe–Ito colours."""
    return ListedColormap(palette(n), name=f"okabe_ito_{n}")


def format_krw(
    value: float, unit: Unit = "eok", decimals: int = 1, lang: Lang = DEFAULT_LANG
) -> str:
    """Format an amount given in ``unit`` in the report's one unit, 억원 (100 million KRW).

    Parameters
    ----------
    value
        The amount, expressed in ``unit``.
    unit
        ``"eok"`` (억원), ``"mkrw"`` (million KRW) or ``"krw"``; converted to 억원.
    decimals
        Decimal places of the 억원 figure.
    lang
        ``"ko"`` (``억원``) or ``"en"`` (``100 million KRW``).

    Examples
    --------
    >>> format_krw(7661500, unit="mkrw", decimals=0)
    '76,615억원'
    >>> format_krw(10.5, lang="en")
    '10.5 (100 million KRW)'
    """
    return format_eok(convert_krw(value, unit, "eok"), lang, decimals=decimals)


def convert_krw(value: float, from_unit: Unit, to_unit: Unit) -> float:
    """Convert an amount between KRW units (1 억원 = 100 million KRW).

    >>> convert_krw(27.5, "eok", "mkrw")
    2750.0
    """
    return value * _UNIT_KRW[from_unit] / _UNIT_KRW[to_unit]


def _unit_text(unit: Unit, lang: Lang) -> str:
    if unit == "eok":
        return tr("100 million KRW", lang)
    if unit == "mkrw":
        return tr("million KRW", lang)
    return tr("KRW", lang)


def set_krw_axis(
    ax,
    axis: Literal["x", "y"] = "y",
    unit: Unit = "eok",
    label: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> None:
    """Label an axis with its KRW unit and format its ticks with thousands separators.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    axis
        Which axis.
    unit
        ``"eok"`` (억원 = 100 million KRW), ``"mkrw"`` (million KRW) or ``"krw"``.
    label
        The quantity, e.g. ``"Allocation"`` (already in the edition's language); the unit is
        appended in parentheses.
    lang
        The language of the unit (``억원`` in Korean, ``100 million KRW`` in English).
    """
    unit_text = _unit_text(unit, lang)
    text = f"{label} ({unit_text})" if label else tr("Amount ({unit})", lang, unit=unit_text)
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    target.set_label_text(text)


def data_label(*, synthetic: bool, source: str | None = None, lang: Lang = DEFAULT_LANG) -> str:
    """Return the line that says whether a figure's or table's data are real or synthetic.

    >>> data_label(synthetic=True, lang="en")
    'Data: SYNTHETIC (seeded generator, not real responses)'
    """
    if synthetic:
        return tr("Data: SYNTHETIC (seeded generator, not real responses)", lang)
    if source:
        return tr("Data: real public data ({source})", lang, source=source)
    return tr("Data: real public data", lang)


def caption(
    fig: Figure,
    text: str,
    *,
    synthetic: bool,
    source: str | None = None,
    lang: Lang = DEFAULT_LANG,
) -> str:
    """Put a caption under a figure that says whether its data are real or synthetic.

    The caption goes under everything already drawn (tick labels, axis labels, legends), so call
    it when the figure is otherwise complete; it never overprints the x-axis label. Returns the
    full caption text (notebooks also print it under the figure).
    """
    full = f"{text}\n{data_label(synthetic=synthetic, source=source, lang=lang)}".strip()
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches, everything drawn so far
    width, height = fig.get_size_inches()
    x = max(0.0, box.x0 / width) if box is not None else 0.01
    y = (box.y0 / height) - 0.02 if box is not None else -0.02
    fig.text(x, y, full, ha="left", va="top", fontsize="small", wrap=True)
    return full


_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(
    fig: Figure,
    name: str,
    outdir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] = ("png", "svg"),
    dpi: int = 150,
) -> list[Path]:
    """Save a figure as PNG and SVG with deterministic bytes and return the written paths.

    Parameters
    ----------
    fig
        The figure.
    name
        The file stem: letters, digits, ``_ - .`` only (no folders).
    outdir
        The folder; default ``outputs/figures/``. Created if missing.
    formats
        File formats, by extension.
    dpi
        Raster resolution for PNG.
    """
    if not _NAME_RE.match(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '_', '-' or '.' only")
    folder = Path(outdir) if outdir is not None else paths.outputs_dir() / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }
    with mpl.rc_context({"svg.hashsalt": _SVG_HASH_SALT}):
        for fmt in formats:
            target = folder / f"{name}.{fmt}"
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}", dir=folder)
            os.close(fd)
            try:
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata.get(fmt))
                os.chmod(tmp, 0o666 & ~_umask())  # as tables: readable, not mkstemp's 0600
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            written.append(target)
    return written

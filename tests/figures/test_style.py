"""Figure style: Hangul renders with the shipped font, saves are deterministic, units shown."""

from __future__ import annotations

import csv
import hashlib
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from cgresearch import paths
from cgresearch.figures import style


def _district_names() -> list[str]:
    with (paths.raw_data_dir() / "seoul" / "districts.csv").open(encoding="utf-8") as fh:
        return [row["name_ko"] for row in csv.DictReader(fh)]


def test_the_hangul_font_is_shipped_by_a_python_dependency() -> None:
    path = style.hangul_font_path()
    assert path.name == "NanumGothic.ttf"
    assert "site-packages" in path.parts or "dist-packages" in path.parts


def test_the_font_has_a_glyph_for_every_character_of_every_district_name() -> None:
    names = _district_names()
    assert len(names) == 25
    font = FT2Font(str(style.hangul_font_path()))
    missing = {ch for name in names for ch in name if font.get_char_index(ord(ch)) == 0}
    assert not missing, f"characters without a glyph: {sorted(missing)}"


def test_apply_style_registers_the_shipped_font_and_makes_nanumgothic_the_default() -> None:
    # A machine may also have Debian's fonts-nanum; the shipped file must be registered regardless,
    # so that a bare machine (no system Hangul font) renders Korean names too.
    style.apply_style()
    registered = {Path(f.fname) for f in font_manager.fontManager.ttflist}
    assert style.hangul_font_path() in registered
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found).name == "NanumGothic.ttf"


def _render_korean_labels() -> list[str]:
    fig, ax = plt.subplots()
    names = _district_names()
    ax.barh(names, range(len(names)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_figure_with_korean_district_names_renders_without_missing_glyphs() -> None:
    style.apply_style()
    assert _render_korean_labels() == []


def test_without_the_style_the_default_font_would_show_tofu_boxes() -> None:
    # The check above can fail: DejaVu Sans (matplotlib's default) has no Hangul glyphs.
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        assert _render_korean_labels(), "expected 'Glyph … missing from font' warnings"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _figure() -> plt.Figure:
    style.apply_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["종로구", "중구", "용산구"], [10.5, 9.0, 11.0], color=style.palette(3))
    style.set_krw_axis(ax, "y", unit="eok", label="Allocation")
    style.caption(fig, "Autonomy budget by gu.", synthetic=True)
    return fig


def test_saving_the_same_figure_twice_gives_identical_png_and_svg_bytes(tmp_path: Path) -> None:
    first = style.save(_figure(), "demo", outdir=tmp_path / "a")
    second = style.save(_figure(), "demo", outdir=tmp_path / "b")
    plt.close("all")
    assert [p.suffix for p in first] == [".png", ".svg"]
    assert [_sha(p) for p in first] == [_sha(p) for p in second]
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in first[0].read_bytes()
    assert not list((tmp_path / "a").glob(".*")), "no temporary files are left behind"


def test_save_refuses_a_name_with_folders(tmp_path: Path) -> None:
    fig = _figure()
    with pytest.raises(ValueError, match="letters, digits"):
        style.save(fig, "../escape", outdir=tmp_path)
    plt.close(fig)


def test_axis_label_carries_the_unit_and_ticks_use_thousands_separators() -> None:
    fig = _figure()
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Allocation (억원)"
    assert ax.yaxis.get_major_formatter()(1234567, 0) == "1,234,567"
    plt.close(fig)


def test_caption_says_whether_data_are_synthetic_or_real_in_the_editions_language() -> None:
    fig = plt.figure()
    assert "합성 자료(SYNTHETIC)" in style.caption(fig, "x", synthetic=True)
    assert "실제 공공 자료(S04)" in style.caption(fig, "y", synthetic=False, source="S04")
    english = style.caption(fig, "y", synthetic=False, source="S04", lang="en")
    assert english == "y\nData: real public data (S04)"
    plt.close(fig)


def test_the_caption_sits_below_the_x_axis_label_and_never_over_it() -> None:
    # the defect found in the Borich chart: a short figure's x label was overprinted
    fig, ax = plt.subplots(figsize=(6, 2))
    ax.barh(["a", "b"], [1, 2])
    ax.set_xlabel("x label")
    style.caption(fig, "A caption", synthetic=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    label_box = ax.xaxis.label.get_window_extent(renderer)
    caption_box = fig.texts[-1].get_window_extent(renderer)
    assert caption_box.y1 < label_box.y0  # display coordinates: y grows upwards
    plt.close(fig)


def test_krw_units_convert_at_one_eok_per_hundred_million_krw() -> None:
    # 1 억원 = 100,000,000 KRW (data/raw/seoul/README.md, "Unit warning").
    assert style.convert_krw(1, "eok", "krw") == 100_000_000
    assert style.convert_krw(7_661_500, "mkrw", "eok") == 76_615
    # one unit across the report: 7,661,500 million KRW = 76,615 억원 (÷ 100), in both editions
    assert style.format_krw(7_661_500, unit="mkrw", decimals=0) == "76,615억원"
    assert style.format_krw(7_661_500, unit="mkrw", decimals=0, lang="en") == (
        "76,615 (100 million KRW)"
    )
    assert style.format_krw(250_000_000, unit="krw", lang="ko") == "2.5억원"


def test_palette_is_okabe_ito_and_cycles() -> None:
    assert style.palette(2) == ["#0072B2", "#E69F00"]
    assert style.palette(9)[8] == style.PALETTE[0]

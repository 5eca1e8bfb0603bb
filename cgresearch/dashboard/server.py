"""What the dashboard needs from the web server: the session's location, a webfont, the bases.

* :func:`open_location` — the session's URL location, its query read only through a cleaning
  function (:func:`~cgresearch.dashboard.link.read_link` made valid), and the raw query;
* :func:`webfont` — NanumGothic served and declared with ``@font-face`` so a browser without a
  Korean font shows Hangul;
* :func:`load_bases` — the example scenarios the page starts from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import panel as pn

from cgresearch.allocation import Scenario
from cgresearch.errors import ParameterError

__all__ = ["FONT_ROUTE", "load_bases", "open_location", "webfont"]

#: The URL path under which the font files are served.
FONT_ROUTE = "cg-fonts"


def open_location(clean: Callable[[str], str]) -> tuple[Any, str]:
    """The session's URL location, reading its query only through ``clean``; and the raw query.

    Panel's own location parses the raw query (and fails on a 5,000-digit number), and the
    browser sends its address back when the page opens, so a synced widget would receive the
    link's raw values (``base=nosuch``). This location hands the synced widgets the link made
    valid (``clean``), whatever the address bar holds.
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


def webfont() -> Path:
    """Declare the NanumGothic TTF that ``figures.style`` uses as a webfont; return its folder.

    The page's CSS declares it with ``@font-face`` (document-wide, so Panel's shadow roots see it
    too) and puts it first in the font stack; serve the folder under :data:`FONT_ROUTE`.
    """
    from cgresearch.figures.style import hangul_font_path

    regular, bold = hangul_font_path("regular"), hangul_font_path("bold")
    css = (
        f"@font-face {{ font-family: 'NanumGothic'; font-weight: 400; "
        f"src: url('/{FONT_ROUTE}/{regular.name}') format('truetype'); }}\n"
        f"@font-face {{ font-family: 'NanumGothic'; font-weight: 700; "
        f"src: url('/{FONT_ROUTE}/{bold.name}') format('truetype'); }}\n"
        "body, .bk-root { font-family: NanumGothic, 'Noto Sans CJK KR', 'Malgun Gothic', "
        "sans-serif; }\n"
    )
    if css not in pn.config.raw_css:
        pn.config.raw_css = [*pn.config.raw_css, css]
    return regular.parent


def load_bases() -> dict[str, Scenario]:
    """The example scenarios (``scenarios/*.toml``), name -> scenario.

    Raises
    ------
    ParameterError
        When there is none to start from.
    """
    from cgresearch.allocation import load_scenario
    from cgresearch.paths import scenarios_dir

    files = sorted(scenarios_dir().glob("*.toml"))
    if not files:
        raise ParameterError(
            f"no scenario files in {scenarios_dir()}: the dashboard starts from one of them; "
            "add a scenario TOML there (see `cgresearch allocate --help`)"
        )
    return {path.stem: load_scenario(path) for path in files}

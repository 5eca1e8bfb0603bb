"""End-to-end: the dashboard in a real headless chromium against the allocation library.

Every expected number is computed here by :func:`cgresearch.allocation.solve_envelopes` (the PuLP
path, not the dashboard's incremental :class:`EnvelopeModel`) for the scenario the page should
show. The slider-to-new-allocation latency is measured in the page's own clock and written to
``outputs/dashboard/latency.json`` (reported, not asserted: speed is not a test outcome).
"""

from __future__ import annotations

import json
import statistics
from typing import Any

import pytest

from cgresearch.allocation import load_scenario, solve_envelopes
from cgresearch.dashboard.state import scenario_from_values, values_from_query
from cgresearch.data.districts import load_districts
from cgresearch.errors import localized
from cgresearch.paths import outputs_dir, scenarios_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_STEPS = 10  # ArrowRight presses on the budget slider (step 1억원 each)

# Resolves with the ms from the next keydown to the first animation frame that shows a new
# data-total on #cg-status (looked up through Panel's shadow roots), or -1 after 15 s.
_WATCH = """
(prev) => {
  const find = (root) => {
    const el = root.querySelector('#cg-status');
    if (el) return el;
    for (const n of root.querySelectorAll('*')) {
      if (n.shadowRoot) { const f = find(n.shadowRoot); if (f) return f; }
    }
    return null;
  };
  window.__cgLatency = new Promise((resolve) => {
    let t0 = null;
    const start = performance.now();
    window.addEventListener('keydown', () => { t0 = performance.now(); },
                            {capture: true, once: true});
    const tick = () => {
      const el = find(document);
      const v = el ? el.getAttribute('data-total') : null;
      if (t0 !== null && v && v !== prev) { resolve(performance.now() - t0); return; }
      if (performance.now() - start > 15000) { resolve(-1); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
"""


@pytest.fixture(scope="module")
def districts() -> Any:
    return load_districts()


@pytest.fixture(scope="module")
def base() -> Any:
    return load_scenario(scenarios_dir() / "need_goal_stable.toml")


def _wait_status(page: Any, status: str, total: float | None = None) -> None:
    cond = "el && el.getAttribute('data-status') === s"
    if total is not None:
        cond += " && Math.abs(parseFloat(el.getAttribute('data-total')) - t) < 1e-6"
    page.wait_for_function(
        "([s, t]) => { const find = (r) => { const e = r.querySelector('#cg-status'); if (e) "
        "return e; for (const n of r.querySelectorAll('*')) { if (n.shadowRoot) { const f = "
        "find(n.shadowRoot); if (f) return f; } } return null; }; const el = find(document); "
        f"return {cond}; }}",
        arg=[status, total],
        timeout=30_000,
    )


def _shown_amounts(page: Any) -> dict[str, float]:
    names = page.locator('.tabulator-cell[tabulator-field="name_ko"]').all_inner_texts()
    amounts = page.locator('.tabulator-cell[tabulator-field="amount_eok"]').all_inner_texts()
    return {n.strip(): float(a.replace(",", "")) for n, a in zip(names, amounts, strict=True)}


def _check_view(page: Any, expected: Any) -> None:
    """The table shows the library's amounts (to the 2 decimals displayed) and its total."""
    want = dict(zip(expected.table["name_ko"], expected.table["amount_eok"], strict=True))
    shown = _shown_amounts(page)
    assert set(shown) == set(want) and len(shown) == 25
    for name, amount in want.items():
        assert shown[name] == pytest.approx(amount, abs=0.005 + 1e-9), name
    total = float(page.get_attribute("#cg-status", "data-total"))
    assert total == pytest.approx(float(expected.table["amount_eok"].sum()), abs=1e-6)
    assert total == pytest.approx(expected.scenario.total_budget_eok, abs=1e-6)


@pytest.fixture(scope="module")
def moved(browser: Any, dashboard_url: str, districts: Any, base: Any) -> dict[str, Any]:
    """Open the app, check the base view, press ArrowRight on the budget slider, time each step."""
    page = browser.new_page()
    page.goto(dashboard_url)
    _wait_status(page, "optimal", base.total_budget_eok)
    _check_view(page, solve_envelopes(districts, base))
    handle = page.locator(".cg-budget .noUi-handle")
    latencies = []
    for step in range(1, _STEPS + 1):
        prev = page.get_attribute("#cg-status", "data-total")
        page.evaluate(_WATCH, prev)
        handle.focus()
        page.keyboard.press("ArrowRight")
        latencies.append(float(page.evaluate("window.__cgLatency")))
        _wait_status(page, "optimal", base.total_budget_eok + step)
    out = outputs_dir() / "dashboard"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "dashboard.png"), full_page=True)
    record = {
        "what": "budget slider ArrowRight -> first frame showing the new allocation (ms)",
        "steps": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "all_ms": [round(v, 1) for v in latencies],
        "goal_ms": 300,
    }
    (out / "latency.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"dashboard latency: median {record['median_ms']} ms, max {record['max_ms']} ms")
    return {"page": page, "url": page.url, "latencies": latencies}


def test_budget_slider_shows_the_library_allocation_for_the_new_budget(
    moved: dict[str, Any], districts: Any, base: Any
) -> None:
    expected = solve_envelopes(
        districts, base.with_overrides({"total_budget_eok": base.total_budget_eok + _STEPS})
    )
    assert expected.ok
    _check_view(moved["page"], expected)
    assert all(v > 0 for v in moved["latencies"]), "a slider step never showed a new allocation"


def test_url_holds_the_scenario_the_page_shows(moved: dict[str, Any], base: Any) -> None:
    query = moved["url"].partition("?")[2]
    values = values_from_query(query, base)
    assert values["budget"] == base.total_budget_eok + _STEPS
    assert scenario_from_values(base, values) == base.with_overrides(
        {"total_budget_eok": base.total_budget_eok + _STEPS}
    )


def test_shared_link_reopens_the_same_view(
    browser: Any, moved: dict[str, Any], districts: Any, base: Any
) -> None:
    page = browser.new_page()
    try:
        page.goto(moved["url"])
        budget = base.total_budget_eok + _STEPS
        _wait_status(page, "optimal", budget)
        _check_view(
            page, solve_envelopes(districts, base.with_overrides({"total_budget_eok": budget}))
        )
        handle = page.locator(".cg-budget .noUi-handle")
        assert float(handle.get_attribute("aria-valuenow")) == budget
    finally:
        page.close()


def test_infeasible_link_shows_the_plain_language_diagnosis(
    browser: Any, dashboard_url: str, districts: Any, base: Any
) -> None:
    # need_goal_stable's floors are 8억원 × 25 gu = 200억원 > 150억원.
    expected = solve_envelopes(districts, base.with_overrides({"total_budget_eok": 150}))
    assert expected.status == "infeasible" and expected.diagnosis is not None
    page = browser.new_page()
    try:
        page.goto(f"{dashboard_url}?base=need_goal_stable&budget=150.0")
        _wait_status(page, "infeasible")
        # the Korean page (the default) says the diagnosis in Korean
        assert page.inner_text("#cg-problem").strip() == localized(expected.diagnosis.message, "ko")
        text = page.inner_text("body")
        assert "Traceback" not in text and "Error" not in text
        assert page.locator('.tabulator-cell[tabulator-field="amount_eok"]').count() == 0
        out = outputs_dir() / "dashboard"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "infeasible.png"))
    finally:
        page.close()


def test_contradictory_controls_show_what_to_change(
    browser: Any, dashboard_url: str, base: Any
) -> None:
    # A floor of 20 above the cap of 13: the scenario itself is invalid (ParameterError).
    page = browser.new_page()
    try:
        page.goto(f"{dashboard_url}?floor=20.0")
        _wait_status(page, "invalid")
        message = page.inner_text("#cg-problem")
        assert "floor_eok = 20이(가) 상한 cap_eok = 13보다 큽니다" in message  # Korean by default
        assert "Traceback" not in page.inner_text("body")
    finally:
        page.close()


def _wait_name(page: Any, name: str) -> None:
    page.wait_for_function(
        "(n) => { const find = (r) => { const e = r.querySelector('#cg-status'); if (e) return e; "
        "for (const x of r.querySelectorAll('*')) { if (x.shadowRoot) { const f = "
        "find(x.shadowRoot); if (f) return f; } } return null; }; const el = find(document); "
        "return el && el.textContent.includes('시나리오 ' + n + ' ('); }",
        arg=name,
        timeout=30_000,
    )


def test_base_switch_and_uploaded_file_travel_in_the_link(
    browser: Any, dashboard_url: str, districts: Any, tmp_path: Any
) -> None:
    tiers = load_scenario(scenarios_dir() / "tiers_9_11.toml")
    mine = load_scenario(scenarios_dir() / "maxmin_equity.toml").with_overrides(
        {"name": "mine", "floor_eok": 5.5, "total_budget_eok": 240}
    )
    page = browser.new_page()
    try:
        page.goto(dashboard_url)
        _wait_status(page, "optimal")
        page.locator(".cg-base select").select_option("tiers_9_11")
        _wait_name(page, "tiers_9_11")
        _check_view(page, solve_envelopes(districts, tiers))
        assert "base=tiers_9_11" in page.url
        path = tmp_path / "mine.toml"
        path.write_text(mine.to_toml(), encoding="utf-8")
        page.locator('.cg-scenario-file input[type="file"]').set_input_files(str(path))
        _wait_name(page, "mine")
        expected = solve_envelopes(districts, mine)
        _check_view(page, expected)
        link = page.url
        assert "scenario=" in link
    finally:
        page.close()
    again = browser.new_page()
    try:
        again.goto(link)
        _wait_name(again, "mine")
        _check_view(again, expected)
    finally:
        again.close()


@pytest.mark.parametrize(
    "budget",
    [
        "9" * 5000,  # Panel itself cannot parse it
        "abc",  # Panel parses it as text; the synced slider must never receive it
    ],
)
def test_a_link_that_cannot_be_honoured_says_so_and_opens_the_nearest_valid_view(
    browser: Any, dashboard_url: str, districts: Any, base: Any, budget: str
) -> None:
    # An unknown base, an unknown map layer, a bad budget and a negative weight: the page opens
    # need_goal_stable with w_pop at 0 (the slider's lower end) and lists all four.
    expected = solve_envelopes(
        districts,
        base.with_overrides(
            {"weights": {"base": 0.2, "elderly": 0.2, "fiscal_need": 0.2}, "weights_sum": 0.6}
        ),
    )
    page = browser.new_page()
    try:
        response = page.goto(f"{dashboard_url}?base=nosuch&map=nosuch&budget={budget}&w_pop=-1")
        assert response is not None and response.status == 200
        _wait_status(page, "optimal", base.total_budget_eok)
        notice = page.inner_text("#cg-link-notice")
        assert "이 링크는 공유된 그대로 열 수 없습니다." in notice  # Korean first
        for culprit in ("base=nosuch", "map=nosuch", "budget=", "w_pop=-1은(는) 음수"):
            assert culprit in notice, culprit
        _check_view(page, expected)
        assert "Traceback" not in page.inner_text("body")
        # the address bar now holds the view shown, which reopens without a notice
        again = browser.new_page()
        try:
            again.goto(page.url)
            _wait_status(again, "optimal", base.total_budget_eok)
            _check_view(again, expected)
            assert again.locator("#cg-link-notice").count() == 0
        finally:
            again.close()
    finally:
        page.close()


def test_page_shows_a_colour_bar_in_eok_and_each_gu_explanation(
    browser: Any, dashboard_url: str, districts: Any, base: Any
) -> None:
    page = browser.new_page()
    try:
        page.goto(dashboard_url)
        _wait_status(page, "optimal", base.total_budget_eok)
        # The map's colour bar is a Bokeh model drawn on the canvas: read it from the page's
        # Bokeh document (by the name the app gives it), with its unit as title.
        title = page.evaluate(
            "() => { for (const d of Bokeh.documents) { const m = "
            "d.get_model_by_name('cg-colorbar'); if (m) return m.title; } return null; }"
        )
        assert title == "억원"
        # Every gu's explanation cell holds the library's sentence for the base scenario.
        want = solve_envelopes(districts, base).explain("ko")
        want = dict(zip(want["name_ko"], want["text"], strict=True))
        page.wait_for_selector('.tabulator-cell[tabulator-field="explanation"]')
        names = page.locator('.tabulator-cell[tabulator-field="name_ko"]').all_inner_texts()
        texts = page.locator('.tabulator-cell[tabulator-field="explanation"]').all_inner_texts()
        shown = {n.strip(): t.strip() for n, t in zip(names, texts, strict=True)}
        assert len(shown) == 25
        for name, text in want.items():
            assert shown[name] == text, name
        out = outputs_dir() / "dashboard"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "dashboard_colourbar.png"), full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize(
    ("query", "shown", "absent", "toggle"),
    [
        (
            "",
            ["예산과 목적함수", "CSV 내려받기", "배분액(억원)"],
            "Budget and objective",
            "lang=en",
        ),
        (
            "?lang=en",
            ["Budget and objective", "Download CSV", "Allocation (억원)"],
            "예산과 목적함수",
            "?base=",
        ),
    ],
)
def test_the_page_is_korean_by_default_and_english_with_lang_en(
    browser: Any,
    dashboard_url: str,
    base: Any,
    query: str,
    shown: list[str],
    absent: str,
    toggle: str,
) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{dashboard_url}{query}")
        _wait_status(page, "optimal", base.total_budget_eok)
        for text in shown:  # a heading, a button and a table header
            assert page.get_by_text(text, exact=True).count() >= 1, text
        assert page.get_by_text(absent, exact=True).count() == 0
        href = page.locator("#cg-lang-toggle").get_attribute("href") or ""
        assert toggle in href and ("lang=en" in href) == (query == "")
    finally:
        page.close()


def test_the_page_serves_nanumgothic_as_a_webfont_for_hangul(
    browser: Any, dashboard_url: str, base: Any
) -> None:
    from cgresearch.figures.style import hangul_font_path

    page = browser.new_page()
    try:
        font = page.request.get(f"{dashboard_url}cg-fonts/NanumGothic.ttf")
        # the very bytes of the TTF that the figures use (a TrueType file starts 00 01 00 00)
        assert font.status == 200 and font.body() == hangul_font_path("regular").read_bytes()
        page.goto(dashboard_url)
        _wait_status(page, "optimal", base.total_budget_eok)
        declared = page.evaluate(
            "() => [...document.fonts].filter((f) => f.family.replace(/['\"]/g, '') === "
            "'NanumGothic').length"
        )
        assert declared >= 1  # the page's @font-face, not only a system font
    finally:
        page.close()


# Every visible text node of the page, through Panel's shadow roots (hidden cells left out).
_VISIBLE_TEXT = """
() => { const out = []; const walk = (root) => {
  const tw = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let n; while ((n = tw.nextNode())) { const p = n.parentElement;
    if (p && !['STYLE', 'SCRIPT'].includes(p.tagName) && p.checkVisibility())
      out.push(n.textContent); }
  for (const el of root.querySelectorAll('*')) { if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document); return out.join('\\n'); }
"""
# Latin words a Korean page may show: file and command names, TOML keys, the toggle's
# "English", and the browser's own file-picker text (its UI language, not the page's).
_LATIN_ALLOWED = {"CSV", "TOML", "toml", "English", "cgresearch", "allocate", "scenarios"}
_LATIN_ALLOWED |= {"tiers", "grades", "Choose", "File", "No", "file", "chosen"}


def test_the_korean_page_shows_no_english_words(
    browser: Any, dashboard_url: str, base: Any
) -> None:
    import re

    names = {p.stem for p in scenarios_dir().glob("*.toml")}
    page = browser.new_page()
    try:
        # a view with every panel filled: shadow prices, gains and losses, a rounding unit
        page.goto(f"{dashboard_url}?budget=252.0&unit=0.1&map=change_eok")
        _wait_status(page, "optimal", 252.0)
        # the details (shadow prices, gains and losses) follow on the next tick: wait for them
        page.wait_for_function(
            f"() => {{ const t = ({_VISIBLE_TEXT.strip()})(); "
            "return t.includes('제약의 비용(잠재가격)') && t.includes('기준 시나리오 대비'); }",
            timeout=30_000,
        )
        text = page.evaluate(_VISIBLE_TEXT)
        words = set(re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", text))
        stray = {w for w in words if w not in _LATIN_ALLOWED and w.rstrip("_") not in names}
        stray = {w for w in stray if not any(n.startswith(w) for n in names)}
        assert not stray, f"English on the Korean page: {sorted(stray)}"
        assert "제약의 비용(잠재가격)" in text and "0.1억원 단위로 맞췄습니다" in text
        out = outputs_dir() / "dashboard"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "dashboard_korean.png"), full_page=True)
    finally:
        page.close()


def test_a_link_with_a_unit_above_the_smallest_envelope_opens_in_smaller_units(
    browser: Any, dashboard_url: str, districts: Any, base: Any
) -> None:
    # 20억원 without floors, caps or last year: the smallest envelope is below 1억원 (asserted),
    # so unit=1 cannot be honoured; the page opens in tenths and says so.
    plain = base.with_overrides(
        {
            "total_budget_eok": 20,
            "floor_eok": None,
            "cap_eok": None,
            "previous_eok": None,
            "stability_delta": None,
        }
    )
    assert 0.1 <= float(solve_envelopes(districts, plain).table["amount_eok"].min()) < 1.0
    expected = solve_envelopes(districts, plain.with_overrides({"rounding_unit_eok": 0.1}))
    page = browser.new_page()
    try:
        page.goto(f"{dashboard_url}?budget=20&floor=0&cap=0&previous=0&delta=0&unit=1")
        _wait_status(page, "optimal", 20.0)
        notice = page.inner_text("#cg-link-notice")
        assert "unit=1은(는) 가장 작은 배분액" in notice and "0.1(으)로 바꿉니다" in notice
        _check_view(page, expected)
        assert "unit=0.1" in page.url
    finally:
        page.close()


# True when the table's amount cells (through Panel's shadow roots) show the amounts ``a``
# (name_ko -> 억원) to the 2 decimals displayed.
_TABLE_SHOWS = """
(want) => {
  const all = (root, sel, out) => {
    root.querySelectorAll(sel).forEach((e) => out.push(e));
    for (const n of root.querySelectorAll('*')) { if (n.shadowRoot) all(n.shadowRoot, sel, out); }
    return out;
  };
  const names = all(document, '.tabulator-cell[tabulator-field="name_ko"]', []);
  const amounts = all(document, '.tabulator-cell[tabulator-field="amount_eok"]', []);
  if (names.length !== Object.keys(want).length || amounts.length !== names.length) return false;
  return names.every((n, i) => {
    const w = want[n.textContent.trim()];
    const v = parseFloat(amounts[i].textContent.replace(/,/g, ''));
    return w !== undefined && Math.abs(v - w) < 0.006;
  });
}
"""


def test_uploaded_indicators_reach_the_page_and_a_shared_link_says_they_are_not_in_it(
    browser: Any, dashboard_url: str, districts: Any, base: Any
) -> None:
    from cgresearch.data.district_inputs import load_district_indicators
    from cgresearch.paths import project_root

    path = project_root() / "params" / "examples" / "data" / "districts_user.csv"  # CP949
    expected = solve_envelopes(load_district_indicators(path), base)
    want = dict(zip(expected.table["name_ko"], expected.table["amount_eok"], strict=True))
    page = browser.new_page()
    try:
        page.goto(dashboard_url)
        _wait_status(page, "optimal", base.total_budget_eok)
        page.locator('.cg-indicators-file input[type="file"]').set_input_files(str(path))
        page.get_by_text("자치구 지표: 업로드한 파일 districts_user.csv").wait_for()
        page.wait_for_function(_TABLE_SHOWS, arg=want, timeout=30_000)
        _check_view(page, expected)
        page.wait_for_function("() => window.location.search.includes('files=districts')")
        link = page.url
    finally:
        page.close()
    again = browser.new_page()
    try:
        again.goto(link)
        _wait_status(again, "optimal", base.total_budget_eok)
        assert "링크에는 파일을 담을 수 없으므로" in again.inner_text("#cg-link-notice")
        again.get_by_text("자치구 지표: 패키지의 2017년 자치구 표").wait_for()
        _check_view(again, solve_envelopes(districts, base))
    finally:
        again.close()

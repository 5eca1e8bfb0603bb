"""Dashboard: server-side time from a slider change to the new allocation's views.

A budget slider change runs ``_Dashboard.update``: the scenario overrides, one
``EnvelopeModel.solve`` and the first views (status line, table, map); the equity figures, gains and
losses and shadow prices follow on the next tick (``_details``). Both are timed per step over
``N_STEPS`` budget changes of the default ``need_goal_stable`` scenario, against the bare
``EnvelopeModel.solve`` of the same overrides in the same run (the reference; steps alternate so
that a busy machine slows all alike). The browser-side figure (slider key press to the first frame
showing the new allocation in headless chromium, goal ≤ 300 ms) is measured by
``tests/dashboard/test_app_browser.py`` into ``outputs/dashboard/latency.json`` and printed here
when present.
Run: ``.venv/bin/python -m benchmarks.dashboard``.
"""

from __future__ import annotations

import json
import statistics
import time

from cgresearch.dashboard import app
from cgresearch.dashboard.state import overrides_from_values
from cgresearch.data.districts import load_boundaries, load_districts
from cgresearch.paths import outputs_dir

N_STEPS = 60


def main() -> None:
    dash = app._Dashboard(load_districts(), load_boundaries(), app._scenarios())
    details = dash._details
    pending: list = []
    dash._details = lambda *args: pending.append(args)  # time the two phases apart
    budget = dash.controls["budget"]
    first, rest, bare = [], [], []
    for step in range(N_STEPS):
        value = 240.0 + (step % 20)
        if value == budget.value:
            value += 0.5
        t0 = time.perf_counter()
        budget.value = value
        t1 = time.perf_counter()
        details(*pending.pop())
        t2 = time.perf_counter()
        overrides = overrides_from_values(dash.base, dash._values())
        t3 = time.perf_counter()
        dash.model.solve(overrides)
        t4 = time.perf_counter()
        first.append((t1 - t0) * 1e3)
        rest.append((t2 - t1) * 1e3)
        bare.append((t4 - t3) * 1e3)
    ref = statistics.median(bare)
    for label, times in (
        ("bare EnvelopeModel.solve (reference)", bare),
        ("update: allocation views (status, table, map)", first),
        ("details: equity, gains/losses, shadow prices", rest),
    ):
        med = statistics.median(times)
        print(f"{label:<50} median {med:7.2f} ms  ({med / ref:5.2f} x reference)")
    record = outputs_dir() / "dashboard" / "latency.json"
    if record.is_file():
        browser = json.loads(record.read_text(encoding="utf-8"))
        print(
            f"browser (chromium, from the last test run): slider -> new allocation median "
            f"{browser['median_ms']} ms, max {browser['max_ms']} ms (goal {browser['goal_ms']} ms: "
            + ("met" if browser["median_ms"] <= browser["goal_ms"] else "missed")
            + ")"
        )
    else:
        print("browser latency: run `pytest tests/dashboard -m browser` to measure it")


if __name__ == "__main__":
    main()

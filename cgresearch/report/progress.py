"""Progress of a report as plain lines that read the same on a terminal, in a log and in CI.

One line when a run starts and one when it ends, each with the report's elapsed time and an
estimate of what is left: the expected seconds of the runs not yet finished (their last
duration, else their parameter file's hint), less what the running ones have already spent,
shared over the parallel jobs (never less than the longest single run left). No carriage returns
or colours, so ``make report | tee log`` keeps every line; ``--quiet`` prints nothing.

Examples
--------
>>> import io
>>> clock = iter([0.0, 0.0, 4.0]).__next__
>>> out = io.StringIO()
>>> p = ReportProgress({"a": 10.0}, jobs=1, stream=out, clock=clock)
>>> p.started("a")
>>> print(out.getvalue(), end="")
[report 0:00] started  a (1 of 1 started; about 0:10 left)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TextIO

__all__ = ["ReportProgress", "clock_text"]


def clock_text(seconds: float) -> str:
    """Return ``seconds`` as ``m:ss`` (``h:mm:ss`` from an hour).

    Examples
    --------
    >>> clock_text(75.4), clock_text(3725)
    ('1:15', '1:02:05')
    """
    s = max(0, round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ReportProgress:
    """Thread-safe progress lines for the runs of one report.

    Parameters
    ----------
    expected
        Run id → expected seconds, for every run of the report.
    jobs
        How many runs execute at once.
    quiet
        Print nothing.
    stream
        Where lines go (flushed after each).
    clock
        Monotonic seconds (injectable for tests); the report's start is the first reading.
    """

    def __init__(
        self,
        expected: Mapping[str, float],
        *,
        jobs: int = 1,
        quiet: bool = False,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._expected = dict(expected)
        self._jobs = max(1, jobs)
        self._quiet = quiet
        self._stream = stream
        self._clock = clock
        self._lock = threading.Lock()
        self._t0 = clock()
        self._running: dict[str, float] = {}
        self._finished: set[str] = set()
        self._n_started = 0

    def seconds_left(self, now: float) -> float:
        """Estimate the seconds until every run has finished, at clock reading ``now``."""
        left = [
            max(0.0, secs - (now - self._running[rid])) if rid in self._running else secs
            for rid, secs in self._expected.items()
            if rid not in self._finished
        ]
        if not left:
            return 0.0
        return max(sum(left) / self._jobs, max(left))

    def _line(self, now: float, text: str) -> None:
        if self._quiet:
            return
        self._stream.write(f"[report {clock_text(now - self._t0)}] {text}\n")
        self._stream.flush()

    def started(self, run_id: str) -> None:
        """Say that ``run_id`` started."""
        with self._lock:
            now = self._clock()
            self._running[run_id] = now
            self._n_started += 1
            self._line(
                now,
                f"started  {run_id} ({self._n_started} of {len(self._expected)} started; "
                f"about {clock_text(self.seconds_left(now))} left)",
            )

    def finished(self, run_id: str, ok: bool | str, seconds: float) -> None:
        """Say that ``run_id`` ended after ``seconds``: ``ok`` True, False (FAILED) or a word."""
        with self._lock:
            now = self._clock()
            self._running.pop(run_id, None)
            self._finished.add(run_id)
            status = ok if isinstance(ok, str) else ("ok" if ok else "FAILED")
            self._line(
                now,
                f"finished {run_id} {status} in {seconds:.1f} s ({len(self._finished)} of "
                f"{len(self._expected)} done; about {clock_text(self.seconds_left(now))} left)",
            )

    def note(self, text: str) -> None:
        """Print one free line (e.g. that the report is stopping)."""
        with self._lock:
            self._line(self._clock(), text)

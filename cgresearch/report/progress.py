"""Progress of a report as plain lines that read the same on a terminal, in a log and in CI.

One line when a run starts and one when it ends, each with the report's elapsed time and an
estimate of what is left: the expected seconds of the runs not yet finished (their last
duration, else their parameter file's hint), less what the running ones have already spent,
shared over the parallel jobs (never less than the longest single run left). No carriage returns
or colours, so ``make report | tee log`` keeps every line; ``--quiet`` prints nothing. The lines
are in the edition's language (Korean by default, ``lang="en"`` for the English edition).

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> p = ReportProgress({"a": 10.0}, jobs=1, stream=out, clock=lambda: 0.0, lang="en")
>>> p.started("a")
>>> print(out.getvalue(), end="")
[report 0:00] started  a (1 of 1 started; about 0:10 left)
>>> out = io.StringIO()
>>> p = ReportProgress({"a": 10.0}, jobs=1, stream=out, clock=lambda: 0.0)
>>> p.started("a")
>>> print(out.getvalue(), end="")
[보고서 0:00] 시작 a (1/1 시작, 약 0:10 남음)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from cgresearch.i18n import DEFAULT_LANG, Lang, check_lang, tr

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
    lang
        The language of the lines: the report's edition, ``"ko"`` (default) or ``"en"``.
    """

    def __init__(
        self,
        expected: Mapping[str, float],
        *,
        jobs: int = 1,
        quiet: bool = False,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
        lang: Lang = DEFAULT_LANG,
    ) -> None:
        self._lang = check_lang(lang)
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
        stamp = tr("[report {elapsed}]", self._lang, elapsed=clock_text(now - self._t0))
        self._stream.write(f"{stamp} {text}\n")
        self._stream.flush()

    def started(self, run_id: str) -> None:
        """Say that ``run_id`` started."""
        with self._lock:
            now = self._clock()
            self._running[run_id] = now
            self._n_started += 1
            self._line(
                now,
                tr(
                    "started  {run} ({n} of {total} started; about {left} left)",
                    self._lang,
                    run=run_id,
                    n=self._n_started,
                    total=len(self._expected),
                    left=clock_text(self.seconds_left(now)),
                ),
            )

    def finished(self, run_id: str, ok: bool | str, seconds: float) -> None:
        """Say that ``run_id`` ended after ``seconds``: ``ok`` True, False (FAILED) or a word."""
        with self._lock:
            now = self._clock()
            self._running.pop(run_id, None)
            self._finished.add(run_id)
            self._line(
                now,
                tr(
                    "finished {run} {status} in {seconds:.1f} s ({n} of {total} done; about "
                    "{left} left)",
                    self._lang,
                    run=run_id,
                    status=self._status(ok),
                    seconds=seconds,
                    n=len(self._finished),
                    total=len(self._expected),
                    left=clock_text(self.seconds_left(now)),
                ),
            )

    def _status(self, ok: bool | str) -> str:
        if ok == "interrupted":
            return tr("interrupted", self._lang)
        if isinstance(ok, str):
            return ok
        return tr("ok", self._lang) if ok else tr("FAILED", self._lang)

    @property
    def lang(self) -> Lang:
        """The language of the lines (for a caller's :meth:`note`)."""
        return self._lang

    def note(self, text: str) -> None:
        """Print one free line (e.g. that the report is stopping), already in :attr:`lang`."""
        with self._lock:
            self._line(self._clock(), text)

"""The Dask cluster the sweeps (and the evaluation's Monte Carlo) run on.

:func:`connect` yields a client: one given, one on a running scheduler, or a new local cluster
whose workers ignore Ctrl-C (only the calling process sees it and closes the cluster).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

from cgresearch.errors import ParameterError

__all__ = ["connect"]


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with SIGINT ignored (an ignored signal stays ignored in a child).

    Ctrl-C reaches every process of the terminal's foreground group; without this each worker
    dies with its own traceback. Only this process then sees the KeyboardInterrupt, and closing
    the cluster ends the workers quietly.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def connect(client: Any | None, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """Yield a Dask client: the given one, one on ``scheduler``, or a new local cluster.

    Parameters
    ----------
    client : distributed.Client, optional
        A running client: yielded as it is (not closed afterwards).
    scheduler : str, optional
        The address of a running Dask scheduler (``tcp://host:8786``).
    workers : int, optional
        Worker processes of a new local cluster (one thread each; default: one per CPU). Its
        workers ignore Ctrl-C, so only the caller sees it; the cluster is closed on exit.

    Raises
    ------
    ParameterError
        When ``scheduler`` cannot be reached.

    Examples
    --------
    >>> with connect(None, None, 2) as client:  # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            remote = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"cannot reach Dask scheduler {scheduler!r}: {exc}") from exc
        with remote:
            yield remote
        return
    with _workers_ignore_ctrl_c():
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,  # no dashboard; its HTTP server on a free port
            scheduler_kwargs={"dashboard_address": ":0"},
            # CRITICAL: a worker whose scheduler closed under it (Ctrl-C) logs an ERROR with a
            # traceback; task errors still reach this process as exceptions.
            silence_logs=logging.CRITICAL,
        )
    with cluster, Client(cluster) as local:
        yield local

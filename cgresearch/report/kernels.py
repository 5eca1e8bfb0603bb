"""Kernels owned by one report: they end when the report ends, however it ends.

A Jupyter kernel runs in a session of its own (so the report's Ctrl-C does not reach it
directly). The report keeps it on a short leash in two ways:

- each kernel starts through :mod:`cgresearch.report._kernel_guard`, which asks Linux to SIGKILL
  it when the report's process dies (SIGKILL of the report, a crash of the interpreter);
- a :class:`KernelOwner` knows every kernel the report started; :meth:`KernelOwner.stop` (called
  on Ctrl-C, SIGTERM or an exception) forbids any further install of a run and SIGKILLs every
  live kernel with its process group at once.

Examples
--------
>>> owner = KernelOwner()
>>> owner.manager_class().__name__
'OwnedKernelManager'
>>> owner.stop()  # no kernel started yet: nothing to kill
0
>>> owner.stopped
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cgresearch.errors import ParameterError

__all__ = [
    "KernelOwner",
    "guarded_command",
    "kernel_config",
    "kernels_import_this_package",
    "resolve_kernel",
]

_GUARD = Path(__file__).with_name("_kernel_guard.py")
_PREFERRED_KERNEL = "cgresearch"


def guarded_command(cmd: list[str], parent_pid: int | None = None) -> list[str]:
    """Return ``cmd`` prefixed so that its process dies with ``parent_pid`` (default this one).

    Examples
    --------
    >>> guarded_command(["python", "-m", "ipykernel_launcher"], 42)[3:]
    ['42', 'python', '-m', 'ipykernel_launcher']
    """
    pid = os.getpid() if parent_pid is None else parent_pid
    return [sys.executable, "-S", str(_GUARD), str(pid), *cmd]


class KernelOwner:
    """The kernels of one report, and the switch that stops them and every later install.

    Attributes
    ----------
    stopped
        True once :meth:`stop` ran: no run may be installed any more.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: list[Any] = []
        self._stopped = False

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` ran."""
        return self._stopped

    def manager_class(self) -> type:
        """Return a kernel manager class whose kernels this owner adopts (for nbclient)."""
        from jupyter_client.manager import AsyncKernelManager

        owner = self

        class OwnedKernelManager(AsyncKernelManager):
            """An ``AsyncKernelManager`` whose kernel dies with the report and its owner."""

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                if owner.stopped:
                    raise RuntimeError("the report is stopping: no new kernel")
                await super()._async_launch_kernel(guarded_command(list(kernel_cmd)), **kw)
                process = getattr(self.provisioner, "process", None)
                if process is not None:
                    owner._adopt(process)

        return OwnedKernelManager

    def _adopt(self, process: Any) -> None:
        with self._lock:
            self._processes.append(process)
            stopped = self._stopped
        if stopped:  # started while the report was stopping
            _kill_group(process)

    def live_pids(self) -> list[int]:
        """Return the process ids of the kernels still running."""
        with self._lock:
            return [p.pid for p in self._processes if p.poll() is None]

    @contextlib.contextmanager
    def installing(self) -> Iterator[bool]:
        """Hold off :meth:`stop` while a run is installed; yield False when already stopped.

        Examples
        --------
        >>> owner = KernelOwner()
        >>> with owner.installing() as allowed:
        ...     allowed
        True
        """
        with self._lock:
            yield not self._stopped

    def stop(self) -> int:
        """Forbid further installs and SIGKILL every live kernel (and its process group).

        Returns the number of kernels killed. Safe to call more than once.
        """
        with self._lock:
            self._stopped = True
            processes = list(self._processes)
        return sum(_kill_group(p) for p in processes)


def _kill_group(process: Any) -> bool:
    """SIGKILL a kernel we started and the process group it leads; True when it was alive.

    The kernel is our child, so while ``poll()`` says it runs its id (and group id) cannot have
    been reused.
    """
    if process.poll() is not None:
        return False
    try:
        if hasattr(os, "killpg") and os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        return False
    return True


def kernels_import_this_package() -> None:
    """Put this ``cgresearch`` first on the kernels' ``PYTHONPATH``.

    Kernels are child processes that inherit the environment; this makes them import the very
    package that validated the parameters, even when the environment's install points elsewhere.
    """
    import cgresearch

    here = str(Path(cgresearch.__file__).resolve().parent.parent)
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if not current or current[0] != here:
        os.environ["PYTHONPATH"] = os.pathsep.join([here, *(p for p in current if p != here)])


def kernel_config(ipc_dir: str) -> Any:
    """Kernel manager settings: local IPC sockets where the platform has them.

    Over IPC the kernel's sockets are files only this user can reach, and ipykernel does not warn
    (once per kernel, on the report's terminal) that TCP traffic is unencrypted.
    """
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(ipc_dir, "k")}})


def resolve_kernel(kernel_name: str | None = None) -> str:
    """Return the kernel for the notebooks: ``kernel_name``, else ``cgresearch``, else ``python3``.

    ``make env`` registers the ``cgresearch`` kernel in ``.venv``; ``python3`` is the kernel of the
    interpreter running the report (ipykernel's native kernel).

    Raises
    ------
    ParameterError
        When the named kernel is not installed.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    specs = ksm.find_kernel_specs()
    name = kernel_name or (_PREFERRED_KERNEL if _PREFERRED_KERNEL in specs else "python3")
    try:
        ksm.get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise ParameterError(
            f"no Jupyter kernel named {name!r} (installed: {', '.join(sorted(specs)) or 'none'}); "
            "`make env` registers the 'cgresearch' kernel"
        ) from exc
    return name

"""Start a kernel that dies with the report: ``python _kernel_guard.py PARENT_PID CMD...``.

Run by path (no package import, so it costs one bare interpreter start): it asks Linux to SIGKILL
this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``, kept across ``exec``), gives up if
the parent is already gone, then replaces itself by the kernel command. The kernel keeps this
process id, so the kernel manager's signals and ipykernel's own parent check are unaffected.
Elsewhere than Linux it only ``exec``s the command.

Examples
--------
>>> import subprocess, sys, os
>>> cmd = [sys.executable, __file__, str(os.getpid()), sys.executable, "-c", "print(1)"]
>>> subprocess.run(cmd, capture_output=True, text=True).stdout  # doctest: +SKIP
'1\\n'
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the report died before the guard was in place
        os._exit(1)


def main(argv: list[str]) -> None:
    """Set the parent-death signal, then ``exec`` ``argv[1:]`` (``argv[0]`` is the parent pid)."""
    parent_pid, cmd = int(argv[0]), argv[1:]
    _die_with_parent(parent_pid)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Output folders written whole or not at all: stage in a sibling folder, then swap in under a lock.

Every command that writes an output folder (``allocate``, ``compare --out``, ``synth``) writes it
through :func:`staged_folder`: the files go into a hidden staging folder next to the target, and
only when the writer has finished does the staging folder replace the target, by directory renames
under an exclusive lock on the parent folder. So one run's folder is always exactly one run's
complete output: concurrent runs into one folder leave the last finisher's files (never a mix or a
half-written Excel file), and a run that fails or is interrupted leaves the previous folder as it
was. A staging folder left by a killed process (its lock is free) is removed by the next run.

The target is checked first (:func:`check_output_folder`): a path that is a file, lies below a
file, cannot be written, is the current folder, or is a folder holding files that cgresearch did
not write is refused with a :class:`~cgresearch.errors.ParameterError` naming the path, before any
work is done. The report runner (``report/staging.py``) uses the same pieces for its run folders:
:func:`lock_stage` (a staging folder's lock), :func:`remove_stale` (staging folders of dead runs)
and :func:`swap_folder` (the swap under the parent's lock).

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     target = pathlib.Path(d) / "run"
...     with staged_folder(target, command="demo") as stage:
...         _ = (stage / "table.csv").write_text("a,b\\n1,2\\n")
...     sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
['table.csv']
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

from cgresearch.errors import ParameterError

__all__ = [
    "MARKER_NAME",
    "check_output_folder",
    "discard_stage",
    "in_use",
    "lock_stage",
    "remove_stale",
    "staged_folder",
    "swap_folder",
]

#: The file that marks a folder as written by cgresearch (command name and files, as JSON).
MARKER_NAME = ".cgresearch-output.json"
_STAGE_PREFIX = ".cgresearch-staging-"
_TRASH_PREFIX = ".cgresearch-old-"
_LOCK_NAME = ".lock"


def _is_ours(folder: Path, known: Collection[str]) -> bool:
    """True when ``folder`` is empty, carries the marker, or holds only ``known`` file names."""
    names = {p.name for p in folder.iterdir()}
    if not names or MARKER_NAME in names:
        return True
    return bool(known) and names <= set(known)


def check_output_folder(
    target: str | Path, *, option: str = "--out", known: Collection[str] = ()
) -> Path:
    """Check that ``target`` can be (re)written as an output folder; return its absolute path.

    Parameters
    ----------
    target : str or Path
        The folder to write (created if missing, replaced whole if it holds an earlier output).
    option : str
        How the user gave the path (named in messages), e.g. ``"--out"``.
    known : collection of str
        File names the command writes: a folder without the cgresearch marker but holding only
        these names (an output of an older version) may be replaced too.

    Raises
    ------
    ParameterError
        The path is a file, lies below a file, cannot be written, is (or contains) the current
        folder, or is a folder with files that cgresearch did not write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     try:
    ...         check_output_folder(f.name)
    ...     except ParameterError as exc:
    ...         print("is a file" in str(exc))
    True
    """
    shown = str(target)
    path = Path(os.path.abspath(os.path.expanduser(str(target))))
    if os.path.lexists(path) and not path.is_dir():
        raise ParameterError.of(
            "{option} {path}: is a file, not a folder: give the path of a folder (it is "
            "created if missing)",
            option=option,
            path=shown,
        )
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise ParameterError.of(
            "{option} {path}: {file} is a file, so no folder can be made below it: give a "
            "folder path that does not pass through a file",
            option=option,
            path=shown,
            file=probe,
        )
    writable = probe.parent if probe == path else probe
    if not os.access(writable, os.W_OK | os.X_OK):
        raise ParameterError.of(
            "{option} {path}: cannot write in {folder} (permission denied): give a folder "
            "you can write to",
            option=option,
            path=shown,
            folder=writable,
        )
    cwd = Path.cwd().resolve()
    if path.is_dir() and (cwd == path.resolve() or path.resolve() in cwd.parents):
        raise ParameterError.of(
            "{option} {path}: is the current folder (or holds it), which would be replaced "
            "whole: give a new sub-folder, e.g. out/",
            option=option,
            path=shown,
        )
    if path.is_dir() and not _is_ours(path, known):
        strangers = sorted(p.name for p in path.iterdir() if p.name not in set(known))
        raise ParameterError.of(
            "{option} {path}: the folder holds files cgresearch did not write (e.g. "
            "'{example}'), which a new run would replace: give a new or empty folder",
            option=option,
            path=shown,
            example=strangers[0],
        )
    return path


@contextlib.contextmanager
def _dir_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` itself (no lock file left behind)."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def in_use(stage: Path) -> bool:
    """Return whether a live process holds the flock on ``stage/.lock`` (a staging folder in use).

    The lock dies with its process (even on SIGKILL): a folder whose lock is free was left
    behind. Also used by the report runner's staging folders.
    """
    import fcntl

    try:
        fd = os.open(stage / _LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def lock_stage(stage: Path) -> int:
    """Take the exclusive flock on ``stage/.lock`` that marks a staging folder in use.

    Hold the returned descriptor while the folder is written; closing it (or the process dying,
    even by SIGKILL) frees the lock, and :func:`remove_stale` then removes the folder.

    Raises
    ------
    BlockingIOError
        Another process holds the lock.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> stage = pathlib.Path(tempfile.mkdtemp())
    >>> fd = lock_stage(stage)
    >>> in_use(stage)
    True
    >>> os.close(fd)
    >>> in_use(stage)
    False
    """
    import fcntl

    fd = os.open(stage / _LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def remove_stale(parent: Path, prefix: str = _STAGE_PREFIX) -> None:
    """Remove the staging folders ``parent/<prefix>*`` of dead runs (their lock is free), and
    old folders a swap did not finish deleting.

    A staging folder whose lock a live process holds (:func:`in_use`) is left alone.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> (parent / ".staging-dead").mkdir()
    >>> remove_stale(parent, ".staging-")
    >>> list(parent.iterdir())
    []
    """
    for folder in parent.glob(f"{prefix}*"):
        if folder.is_dir() and not in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
    for folder in parent.glob(f"{_TRASH_PREFIX}*"):
        shutil.rmtree(folder, ignore_errors=True)


def discard_stage(stage: Path) -> None:
    """Delete a staging folder: renamed first, so that a writer still winding down cannot create
    a file in it while it is deleted; a leftover keeps the name's prefix, so :func:`remove_stale`
    removes it later.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> (parent / ".staging-1" / "run").mkdir(parents=True)
    >>> discard_stage(parent / ".staging-1")
    >>> list(parent.iterdir())
    []
    """
    trash = stage.with_name(f"{stage.name}-discarded")
    try:
        os.replace(stage, trash)
    except OSError:
        trash = stage
    shutil.rmtree(trash, ignore_errors=True)


def swap_folder(new: Path, target: Path) -> None:
    """Replace folder ``target`` by folder ``new`` whole, under the exclusive lock on its parent.

    Two renames on one file system (``new`` on the same one as ``target``): a reader sees the old
    folder or the new one, never a mix; concurrent swaps into one parent happen one after
    another. The old folder is deleted after the swap. If the second rename fails, the old
    folder is put back.

    Raises
    ------
    ParameterError
        Another process wrote into ``target`` between the two renames.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> (parent / "run").mkdir(); (parent / "new").mkdir()
    >>> _ = (parent / "new" / "a.txt").write_text("1")
    >>> swap_folder(parent / "new", parent / "run")
    >>> sorted(p.name for p in parent.iterdir()), (parent / "run" / "a.txt").read_text()
    (['run'], '1')
    """
    parent = target.parent
    with _dir_lock(parent):
        old = _swap_in(new, target, parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _make_parent(parent: Path, option: str, shown: str) -> None:
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError.of(
            "{option} {path}: cannot create {folder} ({reason}): give a folder you can write to",
            option=option,
            path=shown,
            folder=parent,
            reason=exc.strerror,
        ) from exc


@contextlib.contextmanager
def staged_folder(
    target: str | Path,
    *,
    command: str,
    option: str = "--out",
    known: Collection[str] = (),
) -> Iterator[Path]:
    """Yield a staging folder; when the block ends without error, it replaces ``target`` whole.

    Parameters
    ----------
    target : str or Path
        The output folder (checked by :func:`check_output_folder`, created if missing).
    command : str
        The command writing it (recorded in the folder's marker file, ``.cgresearch-output.json``).
    option, known
        See :func:`check_output_folder`.

    Yields
    ------
    Path
        An empty folder on the same file system as ``target``: write every file there.

    Notes
    -----
    The swap (two renames) and the creation and clean-up of staging folders happen under an
    exclusive lock on the parent folder, so concurrent runs swap one after another and never
    remove each other's staging folders. If the block raises, the staging folder is removed and
    ``target`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with staged_folder(pathlib.Path(d) / "out", command="demo") as stage:
    ...         _ = (stage / "a.txt").write_text("1")
    ...     (pathlib.Path(d) / "out" / "a.txt").read_text()
    '1'
    """
    shown = str(target)
    path = check_output_folder(target, option=option, known=known)
    parent = path.parent
    _make_parent(parent, option, shown)
    with _dir_lock(parent):
        remove_stale(parent)
        try:
            stage = Path(tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{_stem(path.name)}-", dir=parent))
        except OSError as exc:
            raise ParameterError.of(
                "{option} {path}: cannot write in {folder} ({reason}): give a folder you can "
                "write to",
                option=option,
                path=shown,
                folder=parent,
                reason=exc.strerror,
            ) from exc
        lock = lock_stage(stage)
    try:
        yield stage
        files = sorted(
            str(p.relative_to(stage))
            for p in stage.rglob("*")
            if p.is_file() and p.name != _LOCK_NAME
        )
        marker = {"command": command, "files": files}
        (stage / MARKER_NAME).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n")
        os.chmod(stage, 0o777 & ~_umask())
        with _dir_lock(parent):
            # Checked again under the lock: another process may have put files there meanwhile.
            check_output_folder(target, option=option, known=known)
            os.unlink(stage / _LOCK_NAME)
            old = _swap_in(stage, path, parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(lock)
        if stage.exists():
            discard_stage(stage)


def _stem(name: str) -> str:
    """The start of a folder name for a sibling's prefix (file names are limited to 255 bytes)."""
    return name.encode("utf-8")[:60].decode("utf-8", errors="ignore")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_in(new: Path, target: Path, parent: Path) -> Path | None:
    """Put folder ``new`` in place of ``target``; return the old folder to delete, if any."""
    if not target.exists():
        os.replace(new, target)
        return None
    old = Path(tempfile.mkdtemp(prefix=f"{_TRASH_PREFIX}{_stem(target.name)}-", dir=parent))
    os.rmdir(old)
    os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError as exc:  # put the previous output back rather than leave nothing
        os.replace(old, target)
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise ParameterError.of(
                "{target}: another program wrote into the folder during the run: run again",
                target=target,
            ) from exc
        raise
    return old

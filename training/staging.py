"""Locks and staged directories on the file system: one writer per output, no leftovers.

- :func:`exclusive` holds an advisory lock (``flock``) on a lock file beside an output: a second
  process that wants the same output fails at once with a message naming the holder's pid (or,
  with ``wait=True``, waits its turn).
- :func:`staging_dir` creates a hidden directory beside an output, named with the creating
  process's pid and locked for as long as that process works in it (the lock file sits beside
  the directory, so nothing extra ends up inside the output).
- :func:`sweep_stale` removes staged directories whose process is gone: the lock is free (the
  kernel drops it when a process dies, ``kill -9`` included), or, for a directory left by an older
  newsclf without a lock file, the pid in its name is not running; a directory with neither lock
  nor pid is removed only when untouched for :data:`LEGACY_AGE` seconds.

Locks are ``fcntl.flock`` locks: reliable on local file systems; on network file systems that do
not support them, two machines are not kept apart (one machine still is).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from newsclf.errors import NewsclfError

__all__ = ["LEGACY_AGE", "BusyError", "exclusive", "pid_running", "staging_dir", "sweep_stale"]

LEGACY_AGE = 3600.0
"""Seconds after which a staged directory with neither lock file nor pid is taken as abandoned."""


class BusyError(NewsclfError):
    """Another process holds the lock of an output."""


def pid_running(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (it may be another user's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _try_lock(path: Path, wait: bool) -> int | None:
    """An fd holding an exclusive flock on ``path`` (created if missing), or None when another
    process holds it (``wait=False``)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        # the holder before us may have unlinked the file after we opened it: lock the live one
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


@contextlib.contextmanager
def exclusive(lock_file: Path, what: str, wait: bool = False) -> Iterator[None]:
    """Hold the lock ``lock_file`` (created, and removed on exit) for the ``with`` block.

    Parameters
    ----------
    lock_file : Path
        The lock file, usually ``<parent>/.<output name>.lock``.
    what : str
        The output it guards, for the message ("run directory models/x").
    wait : bool
        Wait for the holder to finish instead of failing.

    Raises
    ------
    BusyError
        At once (``wait=False``) when another process holds the lock.
    """
    lock_file = Path(lock_file)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = _try_lock(lock_file, wait)
    if fd is None:
        raise BusyError(
            f"{what} is in use by another newsclf process{_holder(lock_file)}; wait for it to "
            "finish or choose another output"
        )
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_file)
        os.close(fd)


@contextlib.contextmanager
def staging_dir(parent: Path, name: str, kind: str) -> Iterator[Path]:
    """A new hidden directory ``<parent>/.<name>.<pid>-<random>.<kind>``, locked while the block
    runs; the caller renames it into place (or it is removed when the block raises). The lock
    file ``<dir>.lock`` is removed on exit."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".{name}.{os.getpid()}-{secrets.token_hex(4)}.{kind}"
    lock = path.with_name(path.name + ".lock")
    fd = _try_lock(lock, wait=False)
    if fd is None:  # a fresh random name: cannot be held by anyone
        raise BusyError(f"{lock}: unexpectedly locked by another process")
    try:
        path.mkdir()
        try:
            yield path
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)


_PID = re.compile(r"\.(\d+)-[0-9a-f]+\.[a-z]+$|\.[a-z]+-(\d+)-\d+$")


def _abandoned(path: Path, now: float) -> bool:
    lock = path.with_name(path.name + ".lock")
    if lock.exists():
        fd = _try_lock(lock, wait=False)
        if fd is None:
            return False  # its process is alive and working
        os.unlink(lock)
        os.close(fd)
        return True
    m = _PID.search(path.name)
    if m:
        return not pid_running(int(m.group(1) or m.group(2)))
    try:
        return now - path.lstat().st_mtime > LEGACY_AGE
    except FileNotFoundError:
        return False


def sweep_stale(parent: Path, pattern: str, restore: str | None = None) -> list[Path]:
    """Remove the staged directories under ``parent`` whose name matches ``pattern`` (a regular
    expression, ``fullmatch``) and whose process is gone; returns what was removed.

    ``restore`` names a group of ``pattern`` holding the output's own name: a directory whose
    match sets it was moved aside to be replaced (``.seed.old-<pid>-<ns>``); when its process died
    before the replacement took its place (``seed`` is missing), it is renamed back, not deleted.
    """
    parent = Path(parent)
    if not parent.is_dir():
        return []
    rx = re.compile(pattern)
    removed: list[Path] = []
    now = time.time()
    for entry in sorted(parent.iterdir()):
        m = rx.fullmatch(entry.name)
        if m is None or entry.is_symlink() or not entry.is_dir() or not _abandoned(entry, now):
            continue
        original = m.groupdict().get(restore) if restore else None
        final = parent / original if original else None
        if final is not None and not final.exists():
            try:
                os.rename(entry, final)
                continue
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed

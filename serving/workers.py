"""Analysis in worker processes: a time and memory budget per request that is enforced, not hoped for.

``/analyze`` and ``/extract`` run CPU-bound Python (HTML walk, segmentation, quotes, two models)
that no thread can interrupt. The service worker therefore forks :class:`AnalysisPool` children
once its models are loaded (copy-on-write: the models are shared, not copied) and sends each
analysis to an idle child over a pipe. The child answers with the response's JSON bytes. When a
request runs past its time budget, or its client disconnects, the parent kills the child
(``SIGKILL``: the work stops at once, wherever it is) and forks a fresh one from itself (a few
milliseconds: the models are already in memory); the client gets a 422 naming the budget.

Each child runs

- with an address-space limit (``RLIMIT_AS``) of its size at fork plus the memory budget, so a
  request that needs more fails inside the child with ``MemoryError`` (answered 422) instead of
  taking the machine's memory;
- at a lower CPU priority (``nice`` +:data:`NICE`), so that ``/boilerplate`` and ``/stance``,
  served by the parent's own threads, stay fast while analyses run on every core;
- without the parent's sockets (every inherited descriptor but its pipe is closed) and with
  ``PR_SET_PDEATHSIG``, so it never outlives the parent or holds a client connection open.

The parent never waits on a child in its event loop: it waits for the pipe to become readable.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import multiprocessing.connection as mpc
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["AnalysisPool", "BudgetExceeded", "ChildFailed", "Job", "NICE"]

log = logging.getLogger("bentoml.newsclf")

def _nice() -> int:
    raw = os.environ.get("NEWSCLF_ANALYSIS_NICE", "").strip()
    return int(raw) if raw.lstrip("-").isdigit() and 0 <= int(raw) <= 19 else 2


NICE = _nice()
"""Niceness added to analysis children (``NEWSCLF_ANALYSIS_NICE``, 0-19, default 2): the parent's
threads, serving the fast endpoints, win the CPU when every core is busy."""


class BudgetExceeded(Exception):
    """The request ran past its time or memory budget (answered 422)."""


class ChildFailed(Exception):
    """The child died or raised an unexpected error (answered 500; logged once)."""


class ClientError(Exception):
    """The child refused the input (a NewsclfError / ValueError): ``status`` and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Job:
    """One analysis: ``method`` (a key of the pool's handlers) and its keyword arguments."""

    method: str
    kwargs: dict[str, Any]


Handler = Callable[..., Any]


def _vm_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _child_main(conn: mpc.Connection, handlers: dict[str, Handler], memory_budget: int,
                classify: Callable[[BaseException], int | None]) -> None:
    """The child's loop: receive a job, run it, send ``(status, payload)``; never returns."""
    _die_with_parent()
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    # OpenMP (libgomp, used by histogram gradient boosting) is not fork-safe: a child that enters a
    # parallel region of the parent's thread team waits for threads that do not exist. One thread
    # per child (the pool's children are the parallelism) never touches that team.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)
    if NICE:
        with contextlib.suppress(OSError):
            os.nice(NICE)
    if memory_budget > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _vm_bytes() + memory_budget
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            result = handlers[job.method](**job.kwargs)
            reply: tuple[str, Any] = ("ok", json.dumps(result).encode())
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:
            status = classify(exc)
            if status is None:
                reply = ("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000])
            else:
                msg = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
                reply = ("client", (status, (msg or type(exc).__name__)[:2000]))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", ""))
        except (BrokenPipeError, OSError):
            os._exit(0)


class _Child:
    def __init__(self, pid: int, conn: mpc.Connection) -> None:
        self.pid = pid
        self.conn = conn
        self.jobs = 0

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()


class AnalysisPool:
    """``size`` forked children running ``handlers`` with a time and memory budget per job.

    Parameters
    ----------
    handlers : dict of name -> callable
        What a job may call (``{"analyze": ..., "extract": ...}``); results must be JSON data.
    size : int
        Children (parallel analyses).
    time_budget : float
        Seconds one job may run; past it the child is killed and replaced.
    memory_budget : int
        Bytes a child may add to its address space for one job (0: no limit).
    classify : callable(exception) -> int or None
        HTTP status for an exception the handlers raise on bad input (None: an unexpected error).
    queue_timeout : float
        Seconds a job may wait for an idle child before it is refused (503, busy).
    recycle_after : int
        Jobs after which a child is replaced by a fresh fork (memory stays flat however the
        allocator fragments); a child that ran out of memory is replaced at once.
    """

    def __init__(self, handlers: dict[str, Handler], size: int, time_budget: float,
                 memory_budget: int, classify: Callable[[BaseException], int | None],
                 queue_timeout: float = 60.0, recycle_after: int = 5000) -> None:
        self.handlers = handlers
        self.size = size
        self.time_budget = time_budget
        self.memory_budget = memory_budget
        self.classify = classify
        self.queue_timeout = queue_timeout
        self.recycle_after = recycle_after
        self._idle: list[_Child] = []
        self._slots: asyncio.Semaphore | None = None
        self.killed = 0
        self.started = 0

    def _fork(self) -> _Child:
        parent_end, child_end = mpc.Pipe(duplex=True)
        pid = os.fork()
        if pid == 0:  # the child
            try:
                parent_end.close()
                _child_main(child_end, self.handlers, self.memory_budget, self.classify)
            finally:
                os._exit(1)
        child_end.close()
        self.started += 1
        return _Child(pid, parent_end)

    def start(self) -> None:
        """Fork the children (call once the models are loaded and warmed up)."""
        self._idle = [self._fork() for _ in range(self.size)]

    def close(self) -> None:
        """Kill every child."""
        for child in self._idle:
            child.kill()
        self._idle = []

    async def run(self, job: Job, cancelled: asyncio.Event | None = None) -> bytes:
        """The JSON bytes of ``job``'s result.

        Raises
        ------
        BudgetExceeded
            Past the time budget (the child was killed) or out of its memory budget.
        ClientError
            The handler refused the input.
        ChildFailed
            The child died or raised an unexpected error.
        asyncio.CancelledError
            ``cancelled`` was set (the client went away): the child was killed.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.queue_timeout)
        except TimeoutError:
            raise ChildFailed(f"busy: no analysis worker free within {self.queue_timeout:.0f} s") from None
        child = self._idle.pop()
        try:
            return await self._run_on(child, job, cancelled)
        finally:
            self._slots.release()

    async def _run_on(self, child: _Child, job: Job, cancelled: asyncio.Event | None) -> bytes:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = child.conn.fileno()
        replace = True
        try:
            os.set_blocking(fd, True)  # the event loop's add_reader may have made it non-blocking
            child.conn.send(job)
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            waiters: list[asyncio.Future[Any]] = [ready]
            watcher = None
            if cancelled is not None:
                watcher = asyncio.ensure_future(cancelled.wait())
                waiters.append(watcher)
            t0 = time.monotonic()
            try:
                done, _ = await asyncio.wait(waiters, timeout=self.time_budget,
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:
                loop.remove_reader(fd)
                if watcher is not None:
                    watcher.cancel()
            if ready not in done:
                self.killed += 1
                if watcher is not None and watcher in done:
                    raise asyncio.CancelledError("client went away")
                raise BudgetExceeded(
                    f"stopped after {time.monotonic() - t0:.0f} s: the time budget is "
                    f"{self.time_budget:g} s per request"
                )
            os.set_blocking(fd, True)
            status, payload = child.conn.recv()
            replace = status == "memory" or child.jobs + 1 >= self.recycle_after
        except (EOFError, OSError) as exc:
            raise ChildFailed(f"analysis worker {child.pid} died ({type(exc).__name__})") from None
        finally:
            if replace:
                child.kill()
                child = self._fork()
            child.jobs += 1
            self._idle.append(child)
        if status == "ok":
            return payload
        if status == "memory":
            raise BudgetExceeded(
                f"needs more than the memory budget of {self.memory_budget // 2**20} MB per request"
            )
        if status == "client":
            raise ClientError(*payload)
        raise ChildFailed(payload)

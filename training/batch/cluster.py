"""Where a batch job runs: in this process, on a local Dask cluster, or on a running one.

Both executors run the same task functions over the same partitions, so a job gives the same
output wherever it runs. What a task needs beyond its partition (model bytes, actors, options) is
a :class:`JobContext` of plain data, shipped **once** per worker and built there once, lazily,
by the job's loader (the models with the CLI's safe loader, :func:`newsclf.pipeline.persistence.loads_model`):

- in this process (:class:`InProcess`) the context is installed here;
- on Dask (:class:`DaskCluster`) it travels in a worker plugin (:mod:`newsclf.batch._dask`),
  which the scheduler also hands to workers that join or restart during the job.

Workers never read the user's working directory: the context carries everything. A worker whose
newsclf (or scikit-learn, numpy, skops, pyarrow) version differs from the client's is refused
before any task runs, since it could give other results.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import platform
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from newsclf.errors import NewsclfError

__all__ = [
    "DaskCluster",
    "Executor",
    "InProcess",
    "JobContext",
    "Outcome",
    "WorkerSetupError",
    "context",
    "install",
    "open_executor",
    "uninstall",
    "versions",
]

_LOADERS = {"analyze": "newsclf.batch.analyze", "build": "newsclf.batch.build"}
"""Context kind -> the module whose ``load_context(payload)`` builds it on a worker."""

_VERSIONED = ("newsclf", "scikit-learn", "numpy", "scipy", "skops", "pyarrow")
"""Packages whose versions must match between the client and the workers (results depend on them)."""


class WorkerSetupError(NewsclfError):
    """A worker cannot run the job at all (other versions, models that do not load): the job stops."""


@dataclass(frozen=True)
class JobContext:
    """What every task of a job needs besides its partition, as plain data.

    Attributes
    ----------
    kind : {"analyze", "build"}
        Which loader builds it on a worker.
    key : str
        Identifies this run of the job (unique): tasks look their context up by it.
    payload : dict
        Plain data: model bytes with their sha256, the actors as data, options.
    """

    kind: str
    key: str
    payload: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Outcome:
    """One finished task: its position in the submitted list and its result, or its error."""

    index: int
    result: Any = None
    error: BaseException | None = None


# ----------------------------------------------------------------------------- per-process contexts

_installed: dict[str, JobContext] = {}
_built: dict[str, Any] = {}
_lock = threading.Lock()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages results depend on, in this process."""
    out = {"python": ".".join(platform.python_version_tuple()[:2])}
    for name in _VERSIONED:
        out[name] = metadata.version(name)
    return out


def install(ctx: JobContext) -> None:
    """Make ``ctx`` available to the tasks of its job in this process (built on first use)."""
    with _lock:
        _installed[ctx.key] = ctx


def uninstall(key: str) -> None:
    """Forget the job ``key`` (its models are freed)."""
    with _lock:
        _installed.pop(key, None)
        _built.pop(key, None)


def context(key: str) -> Any:
    """The built context of job ``key`` in this process: built once, by its kind's loader, after
    checking that this process runs the client's versions.

    Raises
    ------
    WorkerSetupError
        When the job's context was never installed here, the versions differ, or the loader fails.
    """
    with _lock:
        if key in _built:
            return _built[key]
        ctx = _installed.get(key)
        if ctx is None:
            raise WorkerSetupError(f"job {key[:12]}: its context is not installed on this worker")
        expected = ctx.payload.get("versions", {})
        here = versions()
        differ = {k: (v, here.get(k)) for k, v in expected.items() if here.get(k) != v}
        if differ:
            listed = ", ".join(f"{k} {theirs} here, {ours} on the client" for k, (ours, theirs) in differ.items())
            raise WorkerSetupError(f"this worker cannot give the client's results: {listed}; install "
                                   "the same versions (newsclf with the dask extra) on the workers")
        module = importlib.import_module(_LOADERS[ctx.kind])
        _built[key] = module.load_context(ctx.payload)
        return _built[key]


# ----------------------------------------------------------------------------- executors


class Executor(ABC):
    """Runs a job's tasks: ``fn(item, key)`` for every item, results as they finish."""

    description: str = ""

    @abstractmethod
    def run(self, fn: Callable[[Any, str], Any], items: Sequence[Any], ctx: JobContext,
            fail_fast: bool = False) -> Iterator[Outcome]:
        """Yield an :class:`Outcome` per item as tasks finish (any order); with ``fail_fast``,
        stop after the first error (it is still yielded)."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release what the executor started."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess(Executor):
    """Runs every task here, one after the other, in order."""

    description = "in this process"

    def run(self, fn: Callable[[Any, str], Any], items: Sequence[Any], ctx: JobContext,
            fail_fast: bool = False) -> Iterator[Outcome]:
        install(ctx)
        try:
            for i, item in enumerate(items):
                try:
                    result = fn(item, ctx.key)
                except Exception as exc:  # a failed task, as a Dask future reports it
                    yield Outcome(i, error=exc)
                    if fail_fast:
                        return
                    continue
                yield Outcome(i, result)
        finally:
            uninstall(ctx.key)


class DaskCluster(Executor):
    """Runs tasks on a Dask cluster: a running one (``scheduler`` address) or a
    ``distributed.LocalCluster`` of ``workers`` processes with one thread each, started on first
    use and closed with the executor.

    A worker that dies mid-task has its task re-run elsewhere by the scheduler (up to
    ``distributed.scheduler.allowed-failures`` times); task errors are not retried.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        if (scheduler is None) == (workers is None):
            raise ValueError("give a scheduler address or a number of local workers (not both)")
        if workers is not None and workers < 1:
            raise NewsclfError(f"--workers {workers}: give 1 or more worker processes")
        if importlib.util.find_spec("distributed") is None:
            raise NewsclfError("--workers/--scheduler run on Dask, which is not installed: "
                               "pip install 'newsclf[dask]'")
        self.scheduler = scheduler
        self.n_local = workers
        self.description = (f"on the Dask cluster at {scheduler}" if scheduler
                            else f"on a local Dask cluster of {workers} worker process(es)")
        self._cluster: Any = None
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The Dask client (the local cluster is started, or the scheduler reached, on first use)."""
        return self.connect()

    def connect(self) -> Any:
        """Start the local cluster or reach the scheduler now (and check the workers' versions);
        returns the client."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            try:
                client = Client(self.scheduler, timeout="10s")
            except OSError as exc:
                raise NewsclfError(f"--scheduler {self.scheduler}: cannot connect to the Dask scheduler "
                                   f"({exc}); start one (dask scheduler) or check the address") from None
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                client.close()
                raise NewsclfError(f"--scheduler {self.scheduler}: no worker joined within 60 s; start "
                                   f"workers (dask worker {self.scheduler} --nthreads 1)") from None
        else:
            self._cluster = LocalCluster(n_workers=self.n_local, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(self._cluster)
        self._check_versions(client)
        return client

    @staticmethod
    def _check_versions(client: Any) -> None:
        ours = versions()
        for address, theirs in client.run(versions).items():
            differ = [f"{k} {theirs.get(k)} (client {v})" for k, v in ours.items() if theirs.get(k) != v]
            if differ:
                raise WorkerSetupError(f"worker {address} runs {', '.join(differ)}: install the client's "
                                       "versions on every worker (newsclf with the dask extra)")

    def run(self, fn: Callable[[Any, str], Any], items: Sequence[Any], ctx: JobContext,
            fail_fast: bool = False) -> Iterator[Outcome]:
        from distributed import as_completed

        from newsclf.batch._dask import JobPlugin

        client = self.client
        name = f"newsclf-{ctx.kind}-{ctx.key}"
        client.register_plugin(JobPlugin(ctx), name=name)
        futures: dict[Any, int] = {}
        try:
            for i, item in enumerate(items):
                fut = client.submit(fn, item, ctx.key, key=f"{name}-{i:07d}", pure=False)
                futures[fut] = i
            for fut in as_completed(list(futures)):
                i = futures.pop(fut)
                if fut.status == "finished":
                    yield Outcome(i, fut.result())
                else:
                    error = (fut.exception() if fut.status == "error"
                             else NewsclfError(f"task {fut.key} was {fut.status} by the cluster"))
                    yield Outcome(i, error=error)
                    if fail_fast:
                        return
                fut.release()
        finally:
            if futures:
                client.cancel(list(futures))
            with contextlib.suppress(ValueError):  # not registered (the client lost its scheduler)
                client.unregister_worker_plugin(name)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def open_executor(scheduler: str | None = None, workers: int | None = None) -> Executor:
    """:class:`DaskCluster` for ``--scheduler ADDRESS`` or ``--workers N``, else :class:`InProcess`.

    Raises
    ------
    NewsclfError
        When both are given, or Dask is not installed.
    """
    if scheduler is not None and workers is not None:
        raise NewsclfError("give --scheduler (a running Dask cluster) or --workers (a local one), not both")
    if scheduler is None and workers is None:
        return InProcess()
    return DaskCluster(scheduler=scheduler, workers=workers)

"""The Dask worker plugin that ships a job's context to every worker once.

Kept apart from :mod:`newsclf.batch.cluster` so that jobs in one process never import Dask.
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from newsclf.batch.cluster import JobContext, install, uninstall

__all__ = ["JobPlugin"]


class JobPlugin(WorkerPlugin):
    """Installs a :class:`~newsclf.batch.cluster.JobContext` on each worker (also on workers that
    join or restart during the job); the context is built lazily by the first task that needs it
    (model loading runs in a task thread, not in the worker's event loop)."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx

    def setup(self, worker: Any) -> None:
        install(self.ctx)

    def teardown(self, worker: Any) -> None:
        uninstall(self.ctx.key)

"""Opportunistic micro-batching: concurrent requests share one model call, with no added wait.

A scikit-learn pipeline costs about the same for one row as for a few dozen (validation, the
FeatureUnion, sparse bookkeeping dominate), so under concurrent load the service merges the rows
of every request that arrived while the model was busy into one ``predict_records`` call. Unlike
BentoML's adaptive batching nothing waits for a batch to fill (an idle service answers a lone
request at once) and nothing is refused with 503: requests only ever wait for the call in front
of them.

Each request keeps its own ``group`` (rows of one group are one document for the boilerplate
context features), so merged requests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anyio.to_thread

__all__ = ["Batcher"]


class Batcher:
    """Merge concurrent calls of ``fn(records) -> results`` (one result per record, in order).

    Parameters
    ----------
    fn : callable
        ``fn(list of records) -> list of results``; runs in a worker thread.
    max_rows : int
        Rows per merged call (a single larger request still runs alone, whole).
    """

    def __init__(
        self, fn: Callable[[list[Mapping[str, Any]]], list[Any]], max_rows: int = 1024
    ) -> None:
        self.fn = fn
        self.max_rows = max_rows
        self._pending: deque[tuple[list[Mapping[str, Any]], asyncio.Future[list[Any]]]] = deque()
        self._running = False
        self._ids = itertools.count()
        self.calls = 0
        self.rows = 0

    def next_group(self) -> str:
        """A group id unique to one request."""
        return f"request-{next(self._ids)}"

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Results for ``records``, computed together with whatever else is pending."""
        if not records:
            return []
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._pending.append((list(records), future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = [self._pending.popleft()]
                rows = len(batch[0][0])
                while self._pending and rows + len(self._pending[0][0]) <= self.max_rows:
                    item = self._pending.popleft()
                    batch.append(item)
                    rows += len(item[0])
                merged = [rec for recs, _ in batch for rec in recs]
                try:
                    results = await anyio.to_thread.run_sync(self.fn, merged)
                except BaseException as exc:  # hand the error to every waiting request
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                self.calls += 1
                self.rows += rows
                pos = 0
                for recs, fut in batch:
                    if not fut.done():
                        fut.set_result(results[pos : pos + len(recs)])
                    pos += len(recs)
        finally:
            self._running = False

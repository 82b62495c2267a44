"""Opportunistic micro-batching (newsclf.serving.batching): merged calls, results routed back in order."""

from __future__ import annotations

import asyncio
import threading

import pytest

from newsclf.serving.batching import Batcher


def test_batching_merges_concurrent_requests_and_routes_results():
    calls: list[int] = []
    gate = threading.Event()

    def fn(records):
        calls.append(len(records))
        gate.wait(1)
        return [r["x"] * 10 for r in records]

    async def main():
        b = Batcher(fn)
        first = asyncio.create_task(b([{"x": 0}]))
        await asyncio.sleep(0.05)  # the first call is running: the next ones queue up
        rest = [asyncio.create_task(b([{"x": i}, {"x": i + 100}])) for i in range(1, 6)]
        await asyncio.sleep(0.05)
        gate.set()
        return await first, await asyncio.gather(*rest)

    first, rest = asyncio.run(main())
    assert first == [0]
    assert rest == [[i * 10, (i + 100) * 10] for i in range(1, 6)]
    assert calls == [1, 10]


def test_batching_error_reaches_every_waiting_request_and_recovers():
    def fn(records):
        if any(r.get("bad") for r in records):
            raise ValueError("bad record")
        return [1] * len(records)

    async def main():
        b = Batcher(fn)
        with pytest.raises(ValueError, match="bad record"):
            await b([{"bad": True}])
        return await b([{}, {}])

    assert asyncio.run(main()) == [1, 1]


def test_batching_respects_max_rows_and_empty_requests():
    sizes: list[int] = []

    def fn(records):
        sizes.append(len(records))
        return list(range(len(records)))

    async def main():
        b = Batcher(fn, max_rows=4)
        assert await b([]) == []
        return await asyncio.gather(*(b([{}] * 3) for _ in range(3)))

    out = asyncio.run(main())
    assert out == [[0, 1, 2]] * 3
    assert all(s <= 4 for s in sizes)


def test_batching_groups_are_unique():
    b = Batcher(lambda r: r)
    assert len({b.next_group() for _ in range(100)}) == 100

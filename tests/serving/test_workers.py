"""The analysis pool: real forked processes; a job past its time budget is killed (its CPU use
stops), one past its memory budget fails inside its process, the pool heals itself."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest

from newsclf.errors import BudgetError, InputError
from newsclf.serving.workers import AnalysisPool, BudgetExceeded, ChildFailed, ClientError, Job


def _spin(seconds: float) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return {"pid": os.getpid()}


def _allocate(mb: int) -> dict:
    block = bytearray(mb * 2**20)
    return {"n": len(block)}


def _refuse(kind: str) -> dict:
    raise {"budget": BudgetError("3 pairs; the limit is 2"), "input": InputError("bad input"),
           "bug": KeyError("oops")}[kind]


def _classify(exc: BaseException) -> int | None:
    if isinstance(exc, BudgetError):
        return 422
    if isinstance(exc, InputError):
        return 400
    return None


@pytest.fixture
def pool():
    p = AnalysisPool({"spin": _spin, "allocate": _allocate, "refuse": _refuse}, size=2, time_budget=1.0,
                     memory_budget=200 * 2**20, classify=_classify, queue_timeout=5)
    p.start()
    yield p
    p.close()


def _run(pool: AnalysisPool, *jobs: Job, cancel_after: float | None = None):
    async def main():
        event = asyncio.Event()
        if cancel_after is not None:
            asyncio.get_running_loop().call_later(cancel_after, event.set)
        return await asyncio.gather(*(pool.run(j, event) for j in jobs), return_exceptions=True)

    return asyncio.run(main())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_answer_json_from_another_process(pool):
    (out,) = _run(pool, Job("spin", {"seconds": 0.01}))
    assert json.loads(out)["pid"] != os.getpid()


def test_workers_time_budget_kills_the_job_and_heals(pool):
    before = {c.pid for c in pool._idle}
    t = time.monotonic()
    (exc,) = _run(pool, Job("spin", {"seconds": 30}))
    assert isinstance(exc, BudgetExceeded) and "time budget is 1 s" in str(exc)
    assert time.monotonic() - t < 3
    killed = before - {c.pid for c in pool._idle}
    assert len(killed) == 1 and not _alive(killed.pop())
    assert len(pool._idle) == 2 and pool.killed == 1
    (ok,) = _run(pool, Job("spin", {"seconds": 0.01}))
    assert json.loads(ok)["pid"] in {c.pid for c in pool._idle}


def test_workers_memory_budget_fails_inside_the_child(pool):
    exc, ok = _run(pool, Job("allocate", {"mb": 2000}), Job("allocate", {"mb": 20}))
    assert isinstance(exc, BudgetExceeded) and "memory budget of 200 MB" in str(exc)
    assert json.loads(ok)["n"] == 20 * 2**20


def test_workers_input_errors_keep_their_status_and_bugs_are_server_errors(pool):
    budget, bad, bug = _run(pool, Job("refuse", {"kind": "budget"}), Job("refuse", {"kind": "input"}),
                            Job("refuse", {"kind": "bug"}))
    assert isinstance(budget, ClientError) and budget.status == 422 and "the limit is 2" in str(budget)
    assert isinstance(bad, ClientError) and bad.status == 400
    assert isinstance(bug, ChildFailed) and "KeyError" in str(bug)


def test_workers_cancelled_job_is_killed(pool):
    before = {c.pid for c in pool._idle}
    (exc,) = _run(pool, Job("spin", {"seconds": 30}), cancel_after=0.3)
    assert isinstance(exc, asyncio.CancelledError)
    killed = before - {c.pid for c in pool._idle}
    assert len(killed) == 1 and not _alive(killed.pop())


def test_workers_parallel_jobs_use_both_processes(pool):
    outs = _run(pool, Job("spin", {"seconds": 0.3}), Job("spin", {"seconds": 0.3}))
    assert len({json.loads(o)["pid"] for o in outs}) == 2

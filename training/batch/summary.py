"""Progress and summary of a batch job: partitions done, articles per second, time left; at the
end the articles, quotes and failures (file and reason)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclf import progress

__all__ = ["BatchResult", "JobProgress", "summary_lines"]

MAX_FAILURES_SHOWN = 20


class JobProgress:
    """A progress bar over a job's partitions (``done/total`` and the time left) whose title
    counts the articles and their rate: ``analyze: 3,500 articles, 412/s``.

    Silent unless a command opened :func:`newsclf.progress.reporting` on a terminal.
    """

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.articles = 0
        self.t0 = time.perf_counter()
        self._bar: progress.Step | None = None

    def _title(self) -> str:
        seconds = time.perf_counter() - self.t0
        rate = f", {self.articles / seconds:,.0f}/s" if self.articles and seconds > 0 else ""
        return f"{self.label}: {self.articles:,} articles{rate}"

    @contextlib.contextmanager
    def running(self) -> Iterator[JobProgress]:
        """Draw the bar while the block runs."""
        with progress.step(self._title(), total=self.total) as bar:
            self._bar = bar
            try:
                yield self
            finally:
                self._bar = None

    def done(self, articles: int) -> None:
        """One partition finished with ``articles`` articles."""
        self.articles += articles
        if self._bar is not None:
            self._bar.advance()
            self._bar.update(description=self._title())

    def say(self, message: str) -> None:
        """A line above the bar (e.g. a failed partition)."""
        progress.say(message)


@dataclass
class BatchResult:
    """What a batch job did.

    Attributes
    ----------
    output_dir : Path
    manifest : dict or None
        The ``_SUCCESS`` manifest; None when some partitions failed (rerun to retry them).
    partitions : int
        Partitions planned.
    reused : int
        Partitions whose complete, verified shards were kept from an earlier run.
    articles, sentences, quotes : int
        Totals over the whole output (reused shards included).
    computed_articles : int
        Articles analysed by this run.
    failures : list of dict
        Articles (or files, JSONL lines) that failed: ``source`` and ``reason``.
    failed_partitions : list of dict
        Partitions whose task failed (``partition``, ``first``, ``reason``): no shard written.
    seconds : float
        Wall time of this run.
    where : str
        Where it ran ("in this process", "on a local Dask cluster of 2 worker process(es)"...).
    """

    output_dir: Path
    manifest: dict[str, Any] | None
    partitions: int
    reused: int
    articles: int
    sentences: int
    quotes: int
    computed_articles: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    failed_partitions: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    where: str = ""

    @property
    def rate(self) -> float:
        """Articles analysed per second of wall time by this run."""
        return self.computed_articles / self.seconds if self.seconds > 0 else 0.0


def summary_lines(result: BatchResult) -> list[str]:
    """The end-of-job summary: totals, speed, and each failure (the first
    :data:`MAX_FAILURES_SHOWN`; all of them are in ``_SUCCESS``)."""
    lines = [
        f"{result.articles:,} articles, {result.sentences:,} sentences, {result.quotes:,} quotes in "
        f"{result.partitions:,} partitions ({result.reused:,} reused from an earlier run); this run: "
        f"{result.computed_articles:,} articles in {result.seconds:,.1f} s ({result.rate:,.1f}/s) "
        f"{result.where}",
    ]
    if result.failures:
        lines.append(f"{len(result.failures):,} failure(s) (the job went on):")
        lines += [f"  {f['source']}: {f['reason']}" for f in result.failures[:MAX_FAILURES_SHOWN]]
        if len(result.failures) > MAX_FAILURES_SHOWN:
            lines.append(f"  ... {len(result.failures) - MAX_FAILURES_SHOWN:,} more in "
                         f"{result.output_dir / '_SUCCESS'}")
    for p in result.failed_partitions:
        lines.append(f"partition {p['partition']} (from {p['first']}) failed: {p['reason']}")
    if result.failed_partitions:
        lines.append(f"{len(result.failed_partitions)} partition(s) have no shard: run the same command "
                     "again to retry them (finished shards are kept)")
    return lines

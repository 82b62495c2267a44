"""``newsclf data build`` with the per-article work of ``files`` sources spread over workers.

Reading, segmenting, finding quotes, applying gold and voting the weak labelling functions run
per article on the workers (:func:`build_partition`, one task per partition); the driver then
replays each article's outcome in the one-process order (rows, votes, gold reports, warnings, bad
inputs) into the same :class:`newsclf.data.examples.Collector`\\ s, so combining the weak labels
(over all rows at once), splitting and writing are the one-process build's own: same rows in the
same order, same splits, same fingerprints. ``rows`` sources and corpus importers run on the
driver as before.

Workers get the actors (as data) and the source's gold annotations once per source (a
:class:`~newsclf.batch.cluster.JobContext`), and open the input files at the driver's absolute
paths (shipped ``newsclf:`` files from their own installed copy).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsclf.data.build import (
    Progress,
    _Build,
)
from newsclf.data.config import DataConfig, SourceConfig
from newsclf.errors import InputError, NewsclfError
from newsclf.hashing import sha256_file
from newsclf.resources import is_resource

from .cluster import Executor, JobContext, Outcome, WorkerSetupError, context, versions
from .plan import (
    DEFAULT_PARTITION_ARTICLES,
    DEFAULT_PARTITION_BYTES,
    InputFile,
    Partition,
    plan_partitions,
)
from .read import BadRead, read_piece
from .summary import JobProgress

__all__ = ["BatchBuild", "PartitionedBuild", "build_partition", "load_context"]


@dataclass(frozen=True)
class BatchBuild:
    """How ``newsclf data build`` spreads its per-article work: where, and in what partitions.

    Attributes
    ----------
    executor : Executor
        :func:`newsclf.batch.cluster.open_executor` (a Dask cluster, or this process).
    partition_articles, partition_bytes : int
        Bounds of a partition (articles, input bytes).
    """

    executor: Executor
    partition_articles: int = DEFAULT_PARTITION_ARTICLES
    partition_bytes: int = DEFAULT_PARTITION_BYTES


# ----------------------------------------------------------------------------- the worker side


@dataclass(frozen=True)
class _Worker:
    actors: Any
    gold: dict[str, Any]
    unit: str
    tasks: list[str]
    limit: int


def load_context(payload: dict[str, Any]) -> _Worker:
    """A source's context on a worker: the actors (from their data), its gold, unit and tasks."""
    from newsclf.data.actors import Actors

    return _Worker(actors=Actors.from_dict(payload["actors"]), gold=payload["gold"],
                   unit=payload["unit"], tasks=payload["tasks"], limit=payload["limit"])


def build_partition(partition: Partition, key: str) -> list[dict[str, Any]]:
    """What each article of ``partition`` gives a build, in reading order: one event per article
    (``id``, ``source``, ``ranged``: the JSONL file when read from a range; then a
    ``process_error``, or ``warnings``, ``gold`` (its report), ``tasks`` (per task: rows, votes,
    gold codes) and an ``add_error``) and one per bad input (``bad``: source, message)."""
    from newsclf.data.document import process_article
    from newsclf.data.examples import Collector
    from newsclf.data.gold_matching import apply_gold

    job: _Worker = context(key)
    targets = list(job.actors.keys)
    collectors = {t: Collector(t, actors=job.actors, unit=job.unit) for t in job.tasks}
    events: list[dict[str, Any]] = []
    for piece in partition.pieces:
        for item in read_piece(piece, job.limit):
            if isinstance(item, BadRead):
                events.append({"bad": [item.source, item.message]})
                continue
            event: dict[str, Any] = {"id": item.id, "source": item.source or item.id,
                                     "ranged": None if piece.whole else piece.shown}
            events.append(event)
            try:
                processed = process_article(item, job.actors)
            except (NewsclfError, ValueError) as exc:
                event["process_error"] = exc
                continue
            event["warnings"] = list(getattr(processed, "warnings", None) or ())
            entry = job.gold.get(item.id)
            gold = None
            if entry is not None:
                processed, gold, report = apply_gold(processed, entry, targets, unit=job.unit)
                event["gold"] = report.to_dict()
            event["tasks"] = []
            for task, col in collectors.items():
                try:
                    col.add(processed, gold)
                except ValueError as exc:
                    event["add_error"] = exc
                    break
                finally:
                    event["tasks"].append((task, *col.take()))
    return events


# ----------------------------------------------------------------------------- the driver side


def _ordered(outcomes: Iterator[Outcome], what: str, plan: list[Partition]) -> Iterator[Any]:
    """Results in plan order as they become available (a failed partition stops the build)."""
    waiting: dict[int, Any] = {}
    nxt = 0
    for outcome in outcomes:
        if outcome.error is not None:
            if isinstance(outcome.error, WorkerSetupError):
                raise outcome.error
            part = plan[outcome.index]
            raise NewsclfError(f"{what}: partition {part.index} (from {part.pieces[0].shown}) failed: "
                               f"{type(outcome.error).__name__}: {outcome.error}")
        waiting[outcome.index] = outcome.result
        while nxt in waiting:
            yield waiting.pop(nxt)
            nxt += 1


class PartitionedBuild(_Build):
    """A data build whose ``files`` sources are read, processed and weakly labelled on an
    executor (see the module docs); everything else is :class:`newsclf.data.build._Build`'s."""

    def __init__(self, cfg: DataConfig, where: str, skip_bad: bool, progress: Progress,
                 batch: BatchBuild) -> None:
        super().__init__(cfg, where, skip_bad, progress)
        self.batch = batch

    def _files(self, source: SourceConfig, paths: list[Path]) -> list[InputFile]:
        """The article files of a source in the one-process reading order (missing paths left out)."""
        from newsclf.data.readers import iter_files

        out = []
        for ref, path in zip(source.paths, paths, strict=True):
            if not path.exists():
                continue
            for f in iter_files([path]):
                resource = None
                if is_resource(ref):
                    rel = f.relative_to(path).as_posix() if path.is_dir() else ""
                    resource = f"{ref.rstrip('/')}/{rel}" if rel else ref
                out.append(InputFile(str(f), resource))
        return out

    def read_files(self, si: int, source: SourceConfig) -> None:
        """As :meth:`_Build.read_files`, with the per-article work on the executor."""
        from newsclf.data.readers import max_article_bytes

        paths, folder, gold_by_id, collectors = self._start_files(si, source)
        read_bad: list[dict[str, str]] = []
        for p in paths:  # read_articles checks every path before reading any
            if not p.exists():
                err = InputError(f"{p}: no such file or folder")
                if not self.skip_bad:
                    raise err
                read_bad.append({"source": str(p), "message": str(err)})
        plan = plan_partitions(self._files(source, paths), self.batch.partition_articles,
                               self.batch.partition_bytes)
        payload = {"actors": self.actors.spec, "gold": gold_by_id, "unit": source.unit, "tasks": list(collectors),
                   "limit": max_article_bytes(), "versions": versions()}
        ctx = JobContext("build", f"build-{uuid.uuid4().hex}", payload)
        seen: dict[str, set[str]] = {}
        bar = JobProgress(f"source {si + 1}", len(plan))
        with bar.running():
            outcomes = self.batch.executor.run(build_partition, plan, ctx)
            for events in _ordered(outcomes, f"{self.where}: source {si + 1}", plan):
                n = 0
                for event in events:
                    if "bad" in event:
                        self._bad_read(read_bad, *event["bad"])
                        continue
                    n += 1
                    ranged = event["ranged"]
                    if ranged is not None:
                        ids = seen.setdefault(ranged, set())
                        if event["id"] in ids:
                            where = event["source"]
                            self._bad_read(read_bad, where, f"{where}: duplicate article id "
                                           f"{event['id']!r}; ids must be unique in a file")
                            continue
                        ids.add(event["id"])
                    self._replay(si, event, gold_by_id, folder, collectors)
                bar.done(n)
        self.bad.extend(read_bad)
        for task, col in collectors.items():
            result = col.finish(self.cfg.labelling.combiner)
            self.rows[task].extend({**r, "_split": None, "_source": si} for r in result.rows)
            self.labelling.setdefault(task, []).append(
                {
                    "source": si,
                    "counts": result.counts,
                    "combined": result.summary,
                    "combiner": result.combiner,
                    "lfs": result.lf_stats,
                }
            )

    def _bad_read(self, read_bad: list[dict[str, str]], source: str, message: str) -> None:
        """A bad input as ``read_articles`` meets it: raised, or (``skip_bad``) kept for the report."""
        if not self.skip_bad:
            raise InputError(message)
        read_bad.append({"source": source, "message": message})

    def _replay(self, si: int, event: dict[str, Any], gold_by_id: dict[str, Any], folder: Path | None,
                collectors: dict[str, Any]) -> None:
        """One article's outcome, in the order :meth:`_Build.read_files` records it."""
        src = event["source"]
        if "process_error" in event:
            self._bad(src, event["process_error"])
            return
        self.warnings.extend(event["warnings"])
        if "gold" in event:
            entry = gold_by_id[event["id"]]
            path = Path(entry.path)
            self.inputs.append({"source": si, "annotation": path.name, "sha256": sha256_file(path)})
            self.gold_used.setdefault(str(folder), set()).add(entry.article_id)
            self.gold_reports.append({"source": si, **event["gold"]})
        for task, rows, votes, gold in event["tasks"]:
            collectors[task].put(rows, votes, gold)
        if "add_error" in event:
            self._bad(src, event["add_error"])
            return
        self.articles_read += 1

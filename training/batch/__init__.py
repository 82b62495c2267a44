"""Batch jobs over many articles, in one process or on a Dask cluster, with the same results.

``newsclf analyze ... --format jsonl|parquet [--workers N | --scheduler ADDRESS]`` and
``newsclf data build ... [--workers N | --scheduler ADDRESS]`` run through this package:

- :mod:`~newsclf.batch.plan`: inputs (files, folders, globs, JSONL of any size) -> partitions of
  bounded size (JSONL cut into line ranges, never read whole);
- :mod:`~newsclf.batch.read`: a partition's articles on a worker, as the one-process reader gives them;
- :mod:`~newsclf.batch.cluster`: where tasks run (this process, a ``LocalCluster``, a scheduler),
  and the job context (model bytes, actors) shipped once per worker;
- :mod:`~newsclf.batch.shards`, :mod:`~newsclf.batch.records`: one shard per partition (JSON lines
  or Parquet), written atomically, verified by sha256, resumable, and the ``_SUCCESS`` manifest;
- :mod:`~newsclf.batch.analyze`, :mod:`~newsclf.batch.build`: the two jobs;
- :mod:`~newsclf.batch.summary`: progress (partitions, articles/s, time left) and the summary.
"""

from __future__ import annotations

from .analyze import ModelPayload, analyze_batch, model_payload
from .build import BatchBuild
from .cluster import DaskCluster, Executor, InProcess, open_executor
from .plan import DEFAULT_PARTITION_ARTICLES, DEFAULT_PARTITION_BYTES, plan_partitions
from .shards import read_records
from .summary import BatchResult, summary_lines

__all__ = [
    "DEFAULT_PARTITION_ARTICLES",
    "DEFAULT_PARTITION_BYTES",
    "BatchBuild",
    "BatchResult",
    "DaskCluster",
    "Executor",
    "InProcess",
    "ModelPayload",
    "analyze_batch",
    "model_payload",
    "open_executor",
    "plan_partitions",
    "read_records",
    "summary_lines",
]

"""``newsclf analyze`` at scale: articles in partitions, one shard each, here or on a Dask cluster.

:func:`analyze_batch` plans partitions (:mod:`newsclf.batch.plan`), skips those whose shards are
complete and verified (:mod:`newsclf.batch.shards`), runs :func:`analyze_partition` on the rest
(:mod:`newsclf.batch.cluster`) and writes the ``_SUCCESS`` manifest. Each record is what the
per-file JSON of ``newsclf analyze`` holds for the article (the same
:class:`newsclf.analysis.Analyzer`), preceded by ``id`` and ``source``.

The client never loads the models: it verifies the runs (every file against its manifest),
reads each ``model.skops`` once, checks its bytes against the manifest's sha256 and its types
against the trusted list, and ships the bytes with their sha256 (and the actors, as data) to the
workers, which load them once each with the CLI's safe loader
(:func:`newsclf.pipeline.persistence.loads_model`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsclf.errors import IntegrityError, NewsclfError, UnsafeModelError

from .cluster import Executor, InProcess, JobContext, WorkerSetupError, context, versions
from .plan import (
    DEFAULT_PARTITION_ARTICLES,
    DEFAULT_PARTITION_BYTES,
    InputFile,
    Partition,
    expand_inputs,
    plan_partitions,
)
from .read import BadRead, read_partition
from .records import analysis_record
from .shards import FORMATS, OutputDir, ShardWriter, write_record
from .summary import BatchResult, JobProgress

__all__ = [
    "ArticleFailed",
    "ModelPayload",
    "analyze_batch",
    "analyze_partition",
    "load_context",
    "model_payload",
]


class ArticleFailed(NewsclfError):
    """An article could not be read or analysed under ``--fail-fast``: the job stops."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ----------------------------------------------------------------------------- the models (client)


def _run_dir(task: str, ref: str | os.PathLike[str] | None) -> Path:
    """The run directory of ``task``: ``ref`` (a folder or run id), else the promoted model's."""
    from newsclf.pipeline.runs import resolve_run

    if ref is not None:
        return resolve_run(ref)
    from newsclf.serving.models import model_ref, stored_or_none

    stored = stored_or_none(model_ref(task))
    if stored is None:
        raise NewsclfError(f"no {task} model {model_ref(task)!r} in the BentoML model store; promote one "
                           f"first (newsclf promote models/<run-id>) or pass --{task} RUN")
    return Path(stored.path)


def _attribution_dir(ref: str | None) -> Path | None:
    """The attribution run to use, as :func:`newsclf.data.attribution.resolve_attribution` chooses
    it (``rules``: none; ``ref``; ``$NEWSCLF_ATTRIBUTION_RUN``; the promoted model if any)."""
    from newsclf.data.attribution import ENV_RUN, STORE_TAG

    if ref == "rules":
        return None
    ref = ref or os.environ.get(ENV_RUN)
    if ref:
        return _run_dir("attribution", ref)
    tag = os.environ.get("NEWSCLF_ATTRIBUTION_MODEL") or STORE_TAG
    home = Path(os.environ.get("BENTOML_HOME") or Path.home() / "bentoml")
    if not (home / "models" / tag.split(":")[0]).is_dir():
        return None
    from newsclf.serving.models import stored_or_none

    stored = stored_or_none(tag)
    return Path(stored.path) if stored is not None else None


def _verified_model(task: str, path: Path) -> tuple[Any, bytes]:
    """The verified run at ``path`` (without its model) and its model bytes, checked against the
    manifest's sha256 and the trusted types."""
    from newsclf.pipeline.persistence import MODEL_FILE, model_types
    from newsclf.pipeline.runs import load_run
    from newsclf.pipeline.trusted import TRUSTED_TYPES

    run = load_run(path, load_model=False)
    if run.task != task:
        raise NewsclfError(f"{run.path}: is a {run.task} run; a {task} run is needed here")
    data = (run.path / MODEL_FILE).read_bytes()
    if _sha256(data) != run.manifest["files"][MODEL_FILE]:
        raise IntegrityError(f"{run.path / MODEL_FILE} changed while it was read; refusing it")
    untrusted = sorted(model_types(data, str(run.path / MODEL_FILE)) - TRUSTED_TYPES)
    if untrusted:
        raise UnsafeModelError(f"{run.path / MODEL_FILE}: names type(s) newsclf does not trust: "
                               f"{', '.join(untrusted)}; it will not be loaded")
    return run, data


@dataclass(frozen=True)
class ModelPayload:
    """The models of an analysis, verified: ``payload`` (``models``: skops bytes per task or None,
    ``sha256`` per task, ``actors``: the actors as data) to ship to workers, and ``description``
    (run ids, sha256, actors sha256) for the job's fingerprint and manifest."""

    payload: dict[str, Any]
    description: dict[str, Any]


def model_payload(boilerplate: str | os.PathLike[str] | None = None,
                  stance: str | os.PathLike[str] | None = None,
                  actors: str | os.PathLike[str] | None = None,
                  attribution: str | None = None) -> ModelPayload:
    """The models of an analysis as bytes to ship (``payload``: ``models``, ``sha256``,
    ``actors``) and as a description of what they are (run ids, sha256).

    Same choices as :meth:`newsclf.analysis.Analyzer.load`: a task left out uses its promoted
    model; actors are those the stance model was trained with unless ``actors`` is given (warns
    when they differ: :class:`newsclf.analysis.ActorsMismatchWarning`).
    """
    from newsclf.analysis import choose_actors

    runs, data = {}, {}
    for task, ref in (("boilerplate", boilerplate), ("stance", stance)):
        runs[task], data[task] = _verified_model(task, _run_dir(task, ref))
    found = _attribution_dir(attribution)
    if found is not None:
        runs["attribution"], data["attribution"] = _verified_model("attribution", found)
    chosen = choose_actors(runs["stance"], actors)
    sha = {task: _sha256(b) for task, b in data.items()}
    payload = {
        "models": {t: data.get(t) for t in ("boilerplate", "stance", "attribution")},
        "sha256": sha,
        "actors": chosen.spec,
    }
    description = {
        "models": {t: {"run_id": runs[t].run_id, "sha256": sha[t]} for t in runs},
        "attribution": "model" if "attribution" in runs else "rules",
        "actors_sha256": _sha256(_canonical(chosen.spec)),
    }
    return ModelPayload(payload, description)


# ----------------------------------------------------------------------------- the worker side


@dataclass(frozen=True)
class _Worker:
    """A job's context on a worker: the analyzer and the job's options."""

    analyzer: Any
    output: str
    fmt: str
    job: str
    targets: list[str] | None
    explain: bool
    limit: int
    fail_fast: bool


def load_context(payload: dict[str, Any]) -> _Worker:
    """Build the analyzer of a job on a worker: each model's bytes checked against their sha256
    and loaded with the safe loader (trusted types only); the actors from their data.

    Raises
    ------
    WorkerSetupError
        When bytes do not match their sha256 or a model does not load.
    """
    from newsclf.analysis import Analyzer
    from newsclf.data.actors import Actors
    from newsclf.pipeline.persistence import loads_model

    models: dict[str, Any] = {}
    for task, data in payload["models"].items():
        if data is None:
            models[task] = None
            continue
        expected = payload["sha256"][task]
        if _sha256(data) != expected:
            raise WorkerSetupError(f"the {task} model reached this worker damaged (sha256 differs)")
        try:
            models[task] = loads_model(data, f"{task} model (sha256 {expected[:12]})")
        except NewsclfError as exc:
            raise WorkerSetupError(str(exc)) from None
    analyzer = Analyzer(models["boilerplate"], models["stance"], Actors.from_dict(payload["actors"]),
                        models["attribution"])
    return _Worker(analyzer=analyzer, output=payload["output"], fmt=payload["format"], job=payload["job"],
                   targets=payload["targets"], explain=payload["explain"], limit=payload["limit"],
                   fail_fast=payload["fail_fast"])


def analyze_partition(partition: Partition, key: str) -> dict[str, Any]:
    """Analyse the articles of ``partition`` into its shard and write the shard's record.

    Bad input and articles whose analysis raises are recorded as failures (``source``,
    ``reason``) and the partition goes on, unless the job is ``fail_fast``.

    Returns
    -------
    dict
        The shard's record (:func:`newsclf.batch.shards.write_record`) without its ``inputs``.
    """
    job: _Worker = context(key)
    failures: list[dict[str, str]] = []
    counts = Counter(sentences=0, quotes=0)
    articles = 0
    first = last = ""
    with ShardWriter(job.output, partition.index, job.fmt) as writer:
        for item in read_partition(partition, job.limit):
            if isinstance(item, BadRead):
                if job.fail_fast:
                    raise ArticleFailed(f"{item.message} (--fail-fast: the job stopped)")
                failures.append({"source": item.source, "reason": item.message.removeprefix(f"{item.source}: ")})
                continue
            try:
                result = job.analyzer.any(item, job.targets, job.explain)
            # one article must not stop a job of millions: any error is recorded with its article
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                if job.fail_fast:
                    raise ArticleFailed(f"{item.source}: {reason} (--fail-fast: the job stopped)") from exc
                failures.append({"source": item.source, "reason": reason})
                continue
            writer.add(analysis_record(item.id, item.source, result))
            articles += 1
            counts["sentences"] += len(result["sentences"])
            counts["quotes"] += len(result["quotes"])
            first = first or item.source
            last = item.source
        shard = writer.commit()
    record = {"job": job.job, "partition": partition.key(), "shard": shard, "articles": articles,
              "counts": dict(counts), "failures": failures, "first": first, "last": last,
              "inputs": partition.describe()}
    write_record(job.output, partition.index, record)
    return _slim(record)


# ----------------------------------------------------------------------------- the job (client)


def _slim(record: dict[str, Any]) -> dict[str, Any]:
    """A shard's record without its inputs (kept on disk; the client needs only the totals)."""
    return {k: v for k, v in record.items() if k != "inputs"}


def analyze_batch(
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    boilerplate: str | os.PathLike[str] | None = None,
    stance: str | os.PathLike[str] | None = None,
    actors: str | os.PathLike[str] | None = None,
    attribution: str | None = None,
    models: ModelPayload | None = None,
    targets: Sequence[str] | None = None,
    explain: bool = False,
    fmt: str = "jsonl",
    executor: Executor | None = None,
    partition_articles: int = DEFAULT_PARTITION_ARTICLES,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    fail_fast: bool = False,
    force: bool = False,
) -> BatchResult:
    """Analyse every article under ``inputs`` into sharded output in ``output``.

    Parameters
    ----------
    inputs : paths or glob patterns
        Article files (``.txt``, ``.html``, ``.jsonl``, any ``.gz``), folders, patterns
        (``data/**/*.jsonl``). JSONL files of any size are read in line ranges.
    output : path
        The output folder: ``part-NNNNN.<fmt>`` shards, ``_parts/``, ``_job.json``, ``_SUCCESS``
        (:mod:`newsclf.batch.shards`). A rerun of the same job skips complete, verified shards.
    boilerplate, stance, actors, attribution, targets, explain
        As for ``newsclf analyze`` (:meth:`newsclf.analysis.Analyzer.load`).
    models : ModelPayload, optional
        The models already chosen (:func:`model_payload`); then the four above are not used.
    fmt : {"jsonl", "parquet"}
    executor : Executor, optional
        Where to run (:func:`newsclf.batch.cluster.open_executor`); default this process.
    partition_articles, partition_bytes : int
        Bounds of a partition (articles, input bytes).
    fail_fast : bool
        Stop at the first article that cannot be read or analysed (default: record it, go on).
    force : bool
        Take over an output folder holding another job's output or other files.

    Returns
    -------
    BatchResult
        ``manifest`` is None when partitions failed (their error in ``failed_partitions``).

    Raises
    ------
    NewsclfError
        Bad models, inputs or output folder (before any work); a worker that cannot run the job;
        with ``fail_fast``, the first failure.
    """
    from newsclf.data.readers import iter_files, max_article_bytes

    if fmt not in FORMATS:
        raise NewsclfError(f"--format {fmt}: sharded output is one of {', '.join(FORMATS)}")
    t0 = time.perf_counter()
    executor = executor or InProcess()
    models = models or model_payload(boilerplate, stance, actors, attribution)
    chosen_targets = list(dict.fromkeys(targets)) if targets else None
    limit = max_article_bytes()
    job = {
        "command": "newsclf analyze",
        "format": fmt,
        **models.description,
        "targets": chosen_targets,
        "explain": explain,
        "max_article_bytes": limit,
        "versions": versions(),
    }
    job = {"fingerprint": _sha256(_canonical(job)), **job}
    out = OutputDir(output, fmt, job, force=force)
    own = out.path.resolve()  # an output folder inside an input folder is not read as input
    files = [InputFile(str(f)) for f in iter_files(expand_inputs(inputs)) if own not in f.resolve().parents]
    if not files:
        raise NewsclfError("no article files found in " + ", ".join(map(str, inputs)))
    out.open()
    plan = plan_partitions(files, partition_articles, partition_bytes)
    records: dict[int, dict[str, Any]] = {}
    todo: list[Partition] = []
    for p in plan:
        done = out.complete(p)
        if done is None:
            todo.append(p)
        else:
            records[p.index] = _slim(done)
    failed: list[dict[str, Any]] = []
    if todo:
        out.start()
        payload = {**models.payload, "output": str(out.path.absolute()), "format": fmt,
                   "job": job["fingerprint"], "targets": chosen_targets, "explain": explain,
                   "limit": limit, "fail_fast": fail_fast, "versions": job["versions"]}
        # one context per run: two runs of the same job (into two folders) never share one
        ctx = JobContext("analyze", f"{job['fingerprint'][:16]}-{uuid.uuid4().hex}", payload)
        bar = JobProgress("analyze", len(todo))
        with bar.running():
            for outcome in executor.run(analyze_partition, todo, ctx, fail_fast=fail_fast):
                part = todo[outcome.index]
                if outcome.error is None:
                    records[part.index] = _slim(outcome.result)
                    bar.done(outcome.result["articles"])
                    continue
                if isinstance(outcome.error, WorkerSetupError | ArticleFailed):
                    raise outcome.error
                where = part.pieces[0].shown
                reason = f"{type(outcome.error).__name__}: {outcome.error}"
                if fail_fast:
                    raise NewsclfError(f"partition {part.index} (from {where}) failed: {reason} "
                                       "(--fail-fast: the job stopped)")
                failed.append({"partition": part.index, "first": where, "reason": reason})
                bar.say(f"partition {part.index} (from {where}) failed: {reason}")
    manifest = None if failed else out.finish(plan, records)
    totals = Counter()
    failures = []
    for p in plan:
        rec = records.get(p.index)
        if rec is not None:
            totals["articles"] += rec["articles"]
            totals.update(rec["counts"])
            failures.extend(rec["failures"])
    return BatchResult(
        output_dir=out.path, manifest=manifest, partitions=len(plan), reused=len(plan) - len(todo),
        articles=totals["articles"], sentences=totals["sentences"], quotes=totals["quotes"],
        computed_articles=sum(records[p.index]["articles"] for p in todo if p.index in records),
        failures=failures, failed_partitions=failed, seconds=time.perf_counter() - t0,
        where=executor.description,
    )

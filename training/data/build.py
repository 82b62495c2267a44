"""Build labelled datasets from a data config: read, label, split, save with a manifest.

A data config (``configs/data/*.yaml``) names the dataset, its tasks, the sources and how to
split and label; :func:`build_dataset` turns it into ``<data>/<name>/<task>/`` folders
(``datasets.DatasetDict.save_to_disk``, ``label`` a ``ClassLabel`` in task label order) and
``<data>/<name>/manifest.json``.

The manifest's ``fingerprint`` hashes the config and the input files before anything is built
(:mod:`newsclf.data.cache`): a build whose fingerprint matches the dataset on disk is skipped
(``force`` rebuilds). Its ``content_fingerprint`` is a sha256 over the input bytes (each article file by its name
relative to the source path, the gold annotation files and the actors file), the canonical JSON of
every importer's rows and options, and the resolved config without its name and source paths:
the same inputs and config give the same fingerprint wherever they sit and whenever they are
built. ``content`` hashes the rows of each split, so a change in labelling code shows there.

Output is written to a temporary sibling folder and renamed into place at the end: a failed build
leaves neither a half dataset nor a damaged previous one.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclf import settings
from newsclf.errors import ConfigError, InputError, NewsclfError
from newsclf.hashing import sha256_file
from newsclf.staging import exclusive, staging_dir, sweep_stale
from newsclf.tasks import CONTEXT_LABEL, get_task

from .config import (
    DataConfig,
    LabellingConfig,
    SourceConfig,
    SplitConfig,
    load_data_config,
    resolve_path,
)
from .store import MANIFEST, dataset_dir, load_dataset_dict, load_manifest

__all__ = [
    "BuildResult",
    "DataConfig",
    "LabellingConfig",
    "SourceConfig",
    "SplitConfig",
    "build_dataset",
    "dataset_dir",
    "load_data_config",
    "load_dataset_dict",
    "load_manifest",
    "resolve_path",
]


Progress = Callable[[Iterable[Any], str, int | None], Iterable[Any]]


# ============================================================================ result, paths


@dataclass
class BuildResult:
    """What :func:`build_dataset` wrote."""

    name: str
    output_dir: Path
    manifest: dict[str, Any]
    bad: list[dict[str, str]] = field(default_factory=list)
    cached: bool = False
    """True when the dataset on disk was reused: same inputs and config (``newsclf.data.cache``)."""


# ============================================================================ hashing


def _canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def _sha256_json(obj: Any) -> str:
    return hashlib.sha256(_canonical(obj)).hexdigest()


def _input_files(paths: list[Path]) -> list[tuple[str, Path]]:
    """(name relative to its source path, file) for every article file under ``paths``."""
    from newsclf.data.readers import iter_files

    out = []
    for p in paths:
        if not p.exists():
            continue
        base = p if p.is_dir() else p.parent
        for f in iter_files([p]):
            out.append((f.relative_to(base).as_posix(), f))
    return out


# ============================================================================ gold


def _gold_folder(source: SourceConfig) -> Path | None:
    """The gold folder of a ``files`` source: its ``annotations`` or the project's
    ``data/annotations/`` (None when that does not exist)."""
    if source.annotations:
        folder = resolve_path(source.annotations, "annotations folder")
        if not folder.is_dir():
            raise ConfigError(
                f"annotations folder {source.annotations!r} is not a folder (resolved to {folder})"
            )
        return folder
    folder = settings.annotations_dir()
    return folder if folder.is_dir() else None


def _load_gold(folder: Path | None, skip_bad: bool, bad: list[dict[str, str]]) -> dict[str, Any]:
    """Gold annotations by article id (:mod:`newsclf.data.annotations`) from ``folder``.

    Each ``*.json`` file is read on its own so that, under ``skip_bad``, one broken file is
    reported and the others still count.
    """
    from newsclf.data import annotations as ann

    if folder is None:
        return {}
    out: dict[str, Any] = {}
    for f in sorted(folder.rglob("*.json")):
        if any(part.startswith(".") for part in f.relative_to(folder).parts):
            continue
        try:
            gold = ann.load_annotations(f)
            if gold.article_id in out:
                raise InputError(
                    f"{f}: article_id {gold.article_id!r} is also annotated in {out[gold.article_id].path}"
                )
        except NewsclfError as exc:
            if not skip_bad:
                raise
            bad.append({"source": str(f), "message": str(exc)})
            continue
        out[gold.article_id] = gold
    return out


# ============================================================================ build


def _identity(it: Iterable[Any], desc: str, total: int | None) -> Iterable[Any]:
    return it


def _features(task: str):
    from datasets import ClassLabel, Features, Value

    from newsclf.data.examples import BOOKKEEPING

    spec = get_task(task)
    feats: dict[str, Any] = {}
    for col, default in spec.inputs.items():
        if isinstance(default, float):
            feats[col] = Value("float64")
        elif isinstance(default, int) and not isinstance(default, bool):
            feats[col] = Value("int64")
        else:
            feats[col] = Value("string")
    feats["label"] = ClassLabel(names=list(spec.labels))
    for col, default in BOOKKEEPING[task].items():
        feats[col] = Value("int64") if isinstance(default, int) else Value("string")
    feats["split_group"] = Value("string")
    return Features(feats)


def _call_importer(kind: str, source: SourceConfig, seed: int) -> list[Any]:
    from newsclf.data.importers import corpus_root, get_importer

    loader = get_importer(kind)
    root = corpus_root(kind, settings.corpora_dir())
    if not root.is_dir():
        raise InputError(
            f"corpus {kind!r} not found at {root}; set NEWSCLF_CORPORA to the folder holding it "
            f"(see ../shared/corpora) or drop the {kind!r} source"
        )
    options = dict(source.options)
    try:
        params = inspect.signature(loader).parameters
    except (TypeError, ValueError):
        params = {}
    if "seed" in params and "seed" not in options:
        options["seed"] = seed
    if source.unlabelled == "context":
        if "keep_unlabelled" not in params:
            raise ConfigError(
                f"source {kind!r}: 'unlabelled: context' needs an importer that can keep unlabelled "
                f"rows, and {kind!r} labels every row it gives; drop 'unlabelled'"
            )
        options["keep_unlabelled"] = True
    try:
        imported = loader(root, **options)
    except NewsclfError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"source {kind!r} with options {source.options}: {exc} "
            f"(see training/data/importers/{kind}.py for the options it takes)"
        ) from None
    except (OSError, KeyError) as exc:
        raise InputError(f"source {kind!r} at {root}: {exc}") from None
    return imported if isinstance(imported, list) else [imported]


class _Build:
    """State of one build: rows per task, inputs for the fingerprint, reports."""

    def __init__(self, cfg: DataConfig, where: str, skip_bad: bool, progress: Progress) -> None:
        from newsclf.data.actors import load_actors

        self.cfg = cfg
        self.where = where
        self.skip_bad = skip_bad
        self.progress = progress
        self.actors_file = resolve_path(cfg.actors or settings.default_actors_ref(), "actors file")
        self.actors = load_actors(self.actors_file)
        self.bad: list[dict[str, str]] = []
        self.warnings: list[str] = []
        self.inputs: list[dict[str, Any]] = []
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in cfg.tasks}
        self.imported: dict[str, Counter] = {t: Counter() for t in cfg.tasks}
        self.importer_stats: list[dict[str, Any]] = []
        self.labelling: dict[str, list[dict[str, Any]]] = {}
        self.articles_read = 0
        self.gold_reports: list[dict[str, Any]] = []
        self.gold_files: dict[str, dict[str, str]] = {}  # gold folder -> article id -> file
        self.gold_used: dict[str, set[str]] = {}
        self.rows_stats: list[dict[str, Any]] = []

    # ------------------------------------------------------------ bad input

    def _bad(self, source: str, exc: Exception) -> None:
        """Record a bad input under ``skip_bad``; raise it (as an InputError) otherwise."""
        err = exc if isinstance(exc, NewsclfError) else InputError(f"{source}: {exc}")
        if not self.skip_bad:
            raise err from None
        self.bad.append({"source": source, "message": str(err)})

    # ------------------------------------------------------------ sources

    def _start_files(self, si: int, source: SourceConfig) -> tuple[list[Path], Path | None, dict, dict]:
        """A ``files`` source's resolved paths, its gold folder, its gold by article id (recorded) and one empty
        collector per task that takes rows from files; the input files are fingerprinted."""
        from newsclf.data.examples import Collector

        paths = [resolve_path(p, "article path") for p in source.paths]
        folder = _gold_folder(source)
        gold_by_id = _load_gold(folder, self.skip_bad, self.bad)
        if folder is not None:
            self.gold_files.setdefault(str(folder), {}).update(
                {aid: str(g.path) for aid, g in gold_by_id.items()}
            )
        for rel, f in _input_files(paths):
            self.inputs.append({"source": si, "file": rel, "sha256": sha256_file(f)})
        # tasks whose rows only come from corpus importers (attribution) take nothing from files
        collectors = {t: Collector(t, actors=self.actors, unit=source.unit) for t in self.cfg.tasks
                      if not get_task(t).importer_only}
        return paths, folder, gold_by_id, collectors

    def read_files(self, si: int, source: SourceConfig) -> None:
        """Read, process and weakly label the articles of a ``files`` source (gold first)."""
        from newsclf.data.document import process_article
        from newsclf.data.readers import BadInputReport, read_articles

        paths, folder, gold_by_id, collectors = self._start_files(si, source)
        report = BadInputReport()
        articles = read_articles(paths, skip_bad=self.skip_bad, report=report)
        for article in self.progress(articles, f"source {si + 1}: articles", None):
            src = article.source or article.id
            try:
                processed = process_article(article, self.actors)
            except (NewsclfError, ValueError) as exc:
                self._bad(src, exc)
                continue
            self.warnings.extend(getattr(processed, "warnings", None) or ())
            entry = gold_by_id.get(article.id)
            gold = None
            if entry is not None:
                processed, gold = self._gold(si, entry, processed, str(folder), source.unit)
            try:
                for col in collectors.values():
                    col.add(processed, gold)
            except ValueError as exc:
                self._bad(src, exc)
                continue
            self.articles_read += 1
        self.bad.extend({"source": b.source, "message": b.message} for b in report.bad)
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

    def _gold(
        self, si: int, entry: Any, processed: Any, folder: str, unit: str
    ) -> tuple[Any, Any]:
        """Apply an article's gold (:func:`newsclf.data.gold_matching.apply_gold`); the report
        of what was applied, matched fuzzily, added or left unplaced goes to the manifest."""
        from newsclf.data.gold_matching import apply_gold

        path = Path(entry.path)
        self.inputs.append({"source": si, "annotation": path.name, "sha256": sha256_file(path)})
        self.gold_used.setdefault(folder, set()).add(entry.article_id)
        targets = [a.key for a in self.actors]
        processed, labels, report = apply_gold(processed, entry, targets, unit=unit)
        self.gold_reports.append({"source": si, **report.to_dict()})
        return processed, labels

    def read_rows(self, si: int, source: SourceConfig) -> None:
        """Add the labelled rows of a ``rows`` source (:mod:`newsclf.data.rows`)."""
        from newsclf.data.examples import complete_row
        from newsclf.data.rows import iter_row_files, read_rows

        task = source.task
        paths = [resolve_path(p, "labelled rows path") for p in source.paths]
        files = list(iter_row_files(paths))
        if not files:
            raise InputError(
                f"{self.where}: source {si + 1} (rows): no .jsonl or .csv files under "
                + ", ".join(source.paths)
            )
        stats = []
        for f in self.progress(files, f"source {si + 1}: labelled rows", len(files)):
            try:
                got = read_rows(f, task, skip_bad=self.skip_bad)
            except NewsclfError as exc:
                self._bad(str(f), exc)
                continue
            self.bad.extend(got.bad)
            base = next((p for p in paths if p.is_dir() and p in f.parents), f.parent)
            self.inputs.append(
                {"source": si, "rows_file": f.relative_to(base).as_posix(), "sha256": sha256_file(f)}
            )
            for r in got.rows:
                row = complete_row(task, r, source="gold")
                row["_split"] = None
                row["_source"] = si
                self.rows[task].append(row)
            stats.append({"file": str(f), **got.stats()})
        self.rows_stats.append({"source": si, "task": task, "files": stats})

    def read_importer(self, si: int, source: SourceConfig) -> None:
        """Add the labelled rows of a corpus importer; its unlabelled rows are counted and dropped,
        or kept as context rows (label None) with ``unlabelled: context``."""
        from newsclf.data.examples import complete_row

        def imports() -> Iterator[Any]:
            yield from _call_importer(source.kind, source, self.cfg.seed)

        for imp in self.progress(imports(), f"source {si + 1}: importing {source.kind}", None):
            task = imp.task
            if task not in self.cfg.tasks:
                raise ConfigError(
                    f"{self.where}: source {source.kind!r} gives {task!r} rows but the config's tasks are "
                    f"{self.cfg.tasks}; add {task!r} to tasks or drop the source"
                )
            labels = get_task(task).labels
            kept = []
            for r in imp.rows:
                if r.get("label") is None:
                    self.imported[task]["unlabelled"] += 1
                    if source.unlabelled != "context":
                        continue
                row = complete_row(task, r)
                if row["label"] is None:
                    row["label_source"] = "context"
                elif row["label"] not in labels:
                    raise InputError(
                        f"source {source.kind!r}: row label {row['label']!r} is not a {task} label "
                        f"({', '.join(labels)})"
                    )
                row["_split"] = r.get("split")
                row["_source"] = si
                kept.append(row)
            self.imported[task]["rows"] += len(kept)
            self.rows[task].extend(kept)
            self.inputs.append(
                {
                    "source": si,
                    "importer": source.kind,
                    "options": source.options,
                    "task": task,
                    "rows_sha256": _sha256_json(imp.rows),
                }
            )
            self.importer_stats.append(
                {"source": si, "kind": source.kind, "task": task, "stats": imp.stats}
            )

    # ------------------------------------------------------------ output

    def fingerprint(self) -> str:
        """sha256 of the config (without name, description, paths) and every input's content."""
        resolved = self.cfg.model_dump(mode="json")
        config = {k: v for k, v in resolved.items() if k not in ("name", "description", "actors")}
        # keys added later count only when set, so that older configs keep their fingerprint
        later = {"task": None, "repeat": 1, "splits": None}
        config["sources"] = [
            {
                k: v
                for k, v in src.items()
                if k not in ("paths", "annotations") and not (k in later and v == later[k])
            }
            for src in config["sources"]
        ]
        return _sha256_json(
            {
                "config": config,
                "inputs": self.inputs,
                "actors_sha256": sha256_file(Path(self.actors_file)),
            }
        )

    def actors_record(self) -> dict[str, Any]:
        """The actors of this build (the config's ``actors`` key): reference, sha256 and content,
        so that training uses exactly these actors (:func:`newsclf.pipeline.data.dataset_actors`)."""
        return {
            "ref": str(self.cfg.actors or settings.default_actors_ref()),
            "sha256": sha256_file(Path(self.actors_file)),
            "spec": self.actors.spec,
        }

    def _keep_splits(
        self, rows: list[dict[str, Any]], splits: list[str]
    ) -> tuple[list[dict[str, Any]], list[str], dict[str, int]]:
        """Leave out the rows of sources with ``splits`` that landed in another split; returns
        the rows, their splits and the rows left out per source."""
        keep = {si: set(src.splits) for si, src in enumerate(self.cfg.sources) if src.splits}
        if not keep:
            return rows, splits, {}
        out_rows, out_splits, dropped = [], [], Counter()
        for r, split in zip(rows, splits, strict=True):
            allowed = keep.get(r.get("_source"))
            if allowed is not None and split not in allowed:
                dropped[f"source {r['_source'] + 1}"] += 1
                continue
            out_rows.append(r)
            out_splits.append(split)
        return out_rows, out_splits, dict(sorted(dropped.items()))

    def _repeat(
        self, rows: list[dict[str, Any]], splits: list[str]
    ) -> tuple[list[dict[str, Any]], list[str], dict[str, int]]:
        """Over-sample the train rows of sources with ``repeat`` > 1 (copies follow the original)
        and leave out those of sources with ``repeat: 0``; returns the rows, their splits and the
        rows added (or, negative, left out) per source (``"source 3": 540``)."""
        times = {si: src.repeat for si, src in enumerate(self.cfg.sources) if src.repeat != 1}
        if not times:
            return rows, splits, {}
        out_rows, out_splits, extra = [], [], Counter()
        for r, split in zip(rows, splits, strict=True):
            n = times.get(r.get("_source"), 1) if split == "train" and r["label"] is not None else 1
            out_rows.extend([dict(r) for _ in range(n)] if n > 1 else [r] * n)
            out_splits.extend([split] * n)
            if n != 1:
                extra[f"source {r['_source'] + 1}"] += n - 1
        return out_rows, out_splits, dict(sorted(extra.items()))

    def gold_summary(self) -> dict[str, Any]:
        """Gold labels over every annotated article, per outcome, and the gold files whose article
        no source read (their labels could not be placed at all)."""
        from newsclf.data.gold_matching import OUTCOMES

        totals = {k: sum(r["labels"][k] for r in self.gold_reports) for k in OUTCOMES}
        quotes = {k: sum(r["quotes"][k] for r in self.gold_reports) for k in OUTCOMES}
        orphans = sorted(
            path
            for folder, files in self.gold_files.items()
            for aid, path in files.items()
            if aid not in self.gold_used.get(folder, set())
        )
        return {
            "articles": len(self.gold_reports),
            "labels": totals,
            "quotes": quotes,
            "corrected": dict(
                sum((Counter(r["corrected"]) for r in self.gold_reports), Counter())
            ),
            "text_changed": sum(r["text_changed"] for r in self.gold_reports),
            "files_without_article": orphans,
        }

    def write_task(self, task: str, out: Path) -> dict[str, Any]:
        """Split the rows of ``task``, save its DatasetDict under ``out`` and return its manifest part."""
        import pyarrow as pa
        from datasets import Dataset, DatasetDict, DatasetInfo

        from newsclf.data.splits import assign_splits, split_indices

        rows = self.rows[task]
        spec = get_task(task)
        by_block = self.cfg.split.group_by == "block"
        for r in rows:
            r["split_group"] = (
                f"{r['group']}#{r['block']}" if by_block and r.get("block", -1) >= 0 else r["group"]
            )
        fractions = self.cfg.split.fractions()
        splits = assign_splits(
            [r["split_group"] for r in rows],
            fractions,
            self.cfg.seed,
            fixed=[r.pop("_split", None) for r in rows],
            labels=[r["label"] or "" for r in rows] if self.cfg.split.stratify else None,
        )
        rows, splits, dropped = self._keep_splits(rows, splits)
        rows, splits, repeated = self._repeat(rows, splits)

        features = _features(task)
        from newsclf.data.examples import BOOKKEEPING

        defaults = BOOKKEEPING.get(task, {})
        columns = {name: [r.get(name, defaults.get(name)) for r in rows] for name in features}
        columns["label"] = [CONTEXT_LABEL if r["label"] is None else spec.labels.index(r["label"]) for r in rows]
        # Straight to Arrow with the final schema: 4x faster than Dataset.from_dict(features=...).
        table = pa.Table.from_pydict(columns, schema=features.arrow_schema)
        full = Dataset(table, info=DatasetInfo(features=features))
        index = split_indices(splits)
        order = [s for s in fractions if fractions[s] > 0 or s in index]
        order += sorted(s for s in index if s not in order)
        _save_quietly(DatasetDict({s: full.select(index.get(s, [])) for s in order}), out)
        per_split = {}
        for s in order:
            idx = index.get(s, [])
            labels = Counter(rows[i]["label"] for i in idx)
            sources = Counter(rows[i]["label_source"] for i in idx)
            per_split[s] = {
                "rows": len(idx),
                "groups": len({rows[i]["split_group"] for i in idx}),
                "labels": {lab: labels.get(lab, 0) for lab in spec.labels},
                **({"context_rows": labels[None]} if labels.get(None) else {}),
                "label_sources": dict(sorted(sources.items())),
                "content_sha256": _sha256_json([[rows[i].get(c) for c in features] for i in idx]),
            }
        return {
            "labels": list(spec.labels),
            "rows": len(rows),
            "splits": per_split,
            "groups_across_splits": _groups_across_splits(rows, splits),
            **({"repeated": repeated} if repeated else {}),
            **({"left_out_by_source_splits": dropped} if dropped else {}),
            "imported": dict(self.imported[task]),
            "labelling": self.labelling.get(task, []),
        }


def build_dataset(
    config: str | Path | dict | DataConfig,
    output_root: str | Path | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
    force: bool = False,
    strict: bool = False,
    batch: Any = None,
) -> BuildResult:
    """Build the datasets of a data config and write them with their manifest.

    Parameters
    ----------
    config : path, dict or DataConfig
    output_root : path, optional
        Data root (default ``settings.data_dir()``); output goes to ``<root>/<name>/``.
    skip_bad : bool, default False
        Report bad input files (and stale annotations) and build from the rest; otherwise the
        first bad input raises.
    progress : callable (iterable, description, total) -> iterable, optional
        Wraps long loops (default: :func:`newsclf.progress.track`, bars when a command draws them).
    force : bool, default False
        Rebuild even when the dataset on disk has the same input fingerprint
        (:mod:`newsclf.data.cache`); otherwise that dataset is returned as is (``cached=True``).
    strict : bool, default False
        Refuse to build (before writing anything) unless every gold label was applied as written:
        any label matched fuzzily or not placed, an annotated text that changed, or a gold file
        whose article no source read raises :class:`InputError` listing them. Gold quotes the
        quote finder missed (added as annotated) are allowed.
    batch : newsclf.batch.build.BatchBuild, optional
        Read, process and weakly label the articles of ``files`` sources in partitions on its
        executor (a Dask cluster): the same dataset, row for row (:mod:`newsclf.batch.build`).

    The manifest's ``gold`` holds, per annotated article, how many gold labels were applied,
    matched fuzzily, added (quotes the finder missed) or could not be placed, with the reasons
    (:mod:`newsclf.data.gold_matching`), and their totals.

    Returns
    -------
    BuildResult

    Raises
    ------
    ConfigError, InputError
    """
    cfg, where = load_data_config(config)
    root = Path(output_root) if output_root is not None else settings.data_dir()
    # one build of a dataset at a time (a second one waits, then finds it cached); staged
    # datasets left by a build that died are removed first
    with exclusive(root / f".{cfg.name}.lock", f"dataset {root / cfg.name}", wait=True):
        sweep_stale_datasets(root)
        return _build(cfg, where, root, skip_bad, progress, force, strict, batch)


def _build(cfg: DataConfig, where: str, root: Path, skip_bad: bool, progress: Progress | None,
           force: bool, strict: bool, batch: Any) -> BuildResult:
    from newsclf import progress as bars
    from newsclf.data.cache import input_fingerprint, reusable

    t0 = time.perf_counter()
    with bars.step(f"fingerprint the inputs of {cfg.name}"):
        input_fp = input_fingerprint(cfg)
    cached = None if force else reusable(root / cfg.name, input_fp, list(cfg.tasks), skip_bad)
    if cached is not None:
        if strict:  # the same inputs give the same gold report: check the one on disk
            gold = cached.get("gold", {})
            _refuse_inexact_gold(where, gold.get("per_article", []), gold)
        return BuildResult(name=cfg.name, output_dir=root / cfg.name, manifest=cached,
                           bad=list(cached.get("bad_inputs", [])), cached=True)
    if batch is None:
        state = _Build(cfg, where, skip_bad, progress or bars.track)
    else:
        from newsclf.batch.build import PartitionedBuild

        state = PartitionedBuild(cfg, where, skip_bad, progress or bars.track, batch)
    for si, source in enumerate(cfg.sources):
        if source.kind == "files":
            state.read_files(si, source)
        elif source.kind == "rows":
            state.read_rows(si, source)
        else:
            state.read_importer(si, source)
    gold = state.gold_summary()
    if strict:
        _refuse_inexact_gold(where, state.gold_reports, gold)
    if not any(state.rows.values()):
        skipped = f" ({len(state.bad)} bad input(s) skipped)" if state.bad else ""
        paths = ", ".join(p for s in cfg.sources for p in s.paths) or "importers"
        raise InputError(
            f"{where}: the sources gave no labelled rows{skipped}; check the sources ({paths})"
        )
    fingerprint = state.fingerprint()

    final = root / cfg.name
    root.mkdir(parents=True, exist_ok=True)
    with staging_dir(root, cfg.name, "tmp") as tmp:
        tasks = {
            task: state.write_task(task, tmp / task)
            for task in state.progress(cfg.tasks, "writing datasets", len(cfg.tasks))
        }
        manifest = {
            "name": cfg.name,
            "description": cfg.description,
            "fingerprint": input_fp,  # of the inputs, known before building (newsclf.data.cache)
            "content_fingerprint": fingerprint,
            "config": cfg.model_dump(mode="json"),
            "config_file": where,
            "actors": state.actors_record(),
            "seed": cfg.seed,
            "tasks": tasks,
            "inputs": state.inputs,
            "articles_read": state.articles_read,
            "importers": state.importer_stats,
            "labelled_rows": state.rows_stats,
            "gold": {**gold, "per_article": state.gold_reports},
            "bad_inputs": state.bad,
            "warnings": state.warnings,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.perf_counter() - t0, 3),
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        (tmp / MANIFEST).write_text(text, encoding="utf-8")
        _swap_into_place(tmp, final)
    return BuildResult(name=cfg.name, output_dir=final, manifest=manifest, bad=state.bad)


def _refuse_inexact_gold(where: str, reports: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """Raise InputError (``--strict``) listing every gold label not applied as written."""
    problems = []
    for r in reports:
        n = r["labels"]
        if n["fuzzy"] or n["unplaced"] or r["text_changed"]:
            lines = [d for d in r["details"] if ": added (" not in d]
            problems.append(
                f"{r['path'] or r['article']}: {n['fuzzy']} fuzzy, {n['unplaced']} unplaced"
                + "".join(f"\n    {d}" for d in lines)
            )
    for path in summary.get("files_without_article", []):
        problems.append(f"{path}: no source read its article (check article_id and the sources)")
    if problems:
        raise InputError(
            f"{where}: --strict: gold not applied as written (fix the offsets or texts, or build "
            "without --strict to use fuzzy matches):\n  " + "\n  ".join(problems)
        )


def _save_quietly(dd: Any, path: Path) -> None:
    """``save_to_disk`` without datasets' own progress bars (the CLI draws its own).

    Every split gets at least one shard: datasets writes no shard for an empty split and then
    cannot load it back.
    """
    import math

    import datasets

    shards = {name: max(1, math.ceil(ds.data.nbytes / 500e6)) for name, ds in dd.items()}
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        dd.save_to_disk(str(path), num_shards=shards)
    finally:
        if was_enabled:
            datasets.enable_progress_bars()


def _groups_across_splits(rows: list[dict[str, Any]], splits: list[str]) -> int:
    seen: dict[str, set[str]] = {}
    for r, s in zip(rows, splits, strict=True):
        seen.setdefault(r["split_group"], set()).add(s)
    return sum(1 for v in seen.values() if len(v) > 1)


STAGED_DATASETS = r"\.(?:.+\.\d+-[0-9a-f]+\.tmp|.+\.tmp-\d+-\d+|(?P<name>.+)\.old-\d+-\d+)"
"""Staged datasets (``.<name>.<pid>-<random>.tmp``; older ``.<name>.tmp-<pid>-<ns>``) and datasets
moved aside while replaced (``.<name>.old-<pid>-<ns>``)."""


def sweep_stale_datasets(root: Path) -> list[Path]:
    """Remove staged datasets under ``root`` that no live build holds (a killed ``data build``);
    a dataset moved aside by a build that died before its replacement took its place is renamed
    back instead. Returns what was removed."""
    return sweep_stale(root, STAGED_DATASETS, restore="name")


def _swap_into_place(tmp: Path, final: Path) -> None:
    """Rename ``tmp`` to ``final``; an existing ``final`` is moved aside first and removed after."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.time_ns()}")
        final.rename(old)
    try:
        tmp.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

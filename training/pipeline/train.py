"""``train(config_path)``: validate the config, load the data, fit (with search), evaluate on
validation and test, and write a complete run directory. Returns the run directory."""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import warnings
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import yaml

from newsclf import progress, settings
from newsclf.errors import NewsclfError
from newsclf.evaluation.report import write_report
from newsclf.pipeline.assemble import build_pipeline, set_actors
from newsclf.pipeline.config import ExperimentConfig, load_config
from newsclf.pipeline.data import class_counts, dataset_actors, load_dataset, split_data
from newsclf.pipeline.estimators import column_major_weights
from newsclf.pipeline.evaluate import evaluate_split, top_features
from newsclf.pipeline.features.stance import actor_aliases
from newsclf.pipeline.persistence import MODEL_FILE, save_model
from newsclf.pipeline.runs import (
    ACTORS_FILE,
    claim_output,
    git_commit,
    make_run_id,
    package_versions,
    staged_dir,
    sweep_partial_runs,
    write_manifest,
)
from newsclf.pipeline.search import run_search
from newsclf.tasks import get_task

__all__ = ["train", "train_config"]

EVAL_SPLITS = ("validation", "test")
"""Splits every run is scored on; extra splits a dataset carries (``dev_mt``, ``test_dedup``) follow."""


def eval_split_names(available: Iterable[str]) -> list[str]:
    """Splits to evaluate, in report order: validation, test, then the dataset's extra splits."""
    names = list(available)
    extra = sorted(n for n in names if n != "train" and n not in EVAL_SPLITS)
    return [n for n in EVAL_SPLITS if n in names] + extra


def display_config_path(config_path: str | Path) -> str:
    """How a run shows its config file: ``newsclf:configs/...`` for a shipped config, otherwise the
    path as given (relative to the working directory when it lies under it)."""
    text = str(config_path)
    if text.startswith("newsclf:"):
        return text
    path = Path(config_path)
    try:
        resolved = path.resolve()
        return "newsclf:configs/" + resolved.relative_to(settings.shipped_configs_dir().resolve()).as_posix()
    except (ValueError, OSError):
        pass
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return text


def train(config_path: str | Path, overrides: Iterable[str] = (), output: str | Path | None = None,
          log: Callable[[str], None] | None = None, n_boot: int = 1000, cv: int | None = None) -> Path:
    """Train the experiment in ``config_path`` and return its run directory.

    Parameters
    ----------
    config_path : path of the experiment YAML
    overrides : ``--set`` items (``model.C=0.5``)
    output : run directory to create (default ``models/<run-id>/``); must not exist
    log : callable receiving result lines (the CLI passes ``print`` to stderr); progress bars go
        through :mod:`newsclf.progress`
    cv : when given, also score the experiment by grouped ``cv``-fold cross-validation over every
        labelled row (:mod:`newsclf.pipeline.crossval`) and rank the run by it (split ``cv``)
    """
    overrides = list(overrides)
    cfg = load_config(config_path, overrides)  # validated before any work
    return train_config(cfg, Path(config_path).stem, output=output, log=log, n_boot=n_boot,
                        source={"config_path": display_config_path(config_path), "overrides": overrides},
                        cv=cv)


def _dataset_fingerprint(data_manifest: dict | None, splits: dict) -> tuple[str, str]:
    """``(fingerprint, kind)``: the dataset manifest's fingerprint (what ``data show`` prints) or,
    for a dataset without a manifest, a hash of its splits' contents."""
    if isinstance(data_manifest, dict) and data_manifest.get("fingerprint"):
        return str(data_manifest["fingerprint"]), "dataset manifest"
    content = hashlib.sha256("".join(splits[n].fingerprint for n in sorted(splits)).encode()).hexdigest()
    return content, "split contents (the dataset has no manifest)"


def train_config(cfg: ExperimentConfig, config_name: str, output: str | Path | None = None,
                 log: Callable[[str], None] | None = None, n_boot: int = 1000,
                 source: dict | None = None, cv: int | None = None) -> Path:
    """Train a validated config (see :func:`train`).

    An explicit ``output`` is claimed before any work (:func:`newsclf.pipeline.runs.claim_output`):
    when it exists, or another process trains into it, this fails at once. Staged runs left by a
    train that died (``.*.partial`` beside the output) are removed first.
    """
    parent = Path(output).parent if output else settings.models_dir()
    with contextlib.ExitStack() as stack:
        if output:
            stack.enter_context(claim_output(Path(output)))
        sweep_partial_runs(parent)
        return _train_config(cfg, config_name, output, log, n_boot, source, cv)


def _train_config(cfg: ExperimentConfig, config_name: str, output: str | Path | None,
                  log: Callable[[str], None] | None, n_boot: int, source: dict | None,
                  cv: int | None) -> Path:
    say = log or (lambda _msg: None)
    source = dict(source or {})
    timings: dict[str, float] = {}
    t = time.perf_counter()
    task = get_task(cfg.task)
    pipeline = build_pipeline(cfg)
    dsd, dataset_name, data_manifest = load_dataset(cfg.task, cfg.dataset, cfg.data_config)
    actors, actors_record = dataset_actors(dataset_name, data_manifest)
    set_actors(pipeline, actor_aliases(actors))
    if "train" not in dsd:
        raise NewsclfError(f"dataset {dataset_name!r} ({cfg.task}) has no train split; splits: {', '.join(dsd)}")
    eval_names = eval_split_names(dsd)
    with progress.step(f"load {dataset_name}/{cfg.task} splits"):
        splits = {name: split_data(dsd[name], task, name) for name in ("train", *eval_names)}
    train_data = splits["train"]
    counts = class_counts(train_data.y, task.labels)
    present = [lab for lab, n in counts.items() if n]
    if len(present) < 2:
        raise NewsclfError(f"dataset {dataset_name!r} ({cfg.task}): the train split has only class(es) "
                           f"{present} ({counts}); a classifier needs at least two - add data or relabel")
    notes = []
    missing = [lab for lab, n in counts.items() if not n]
    if missing:
        notes.append(f"classes absent from train: {missing}; the model never predicts them (score 0)")
    timings["load"] = time.perf_counter() - t
    n_context = sum(len(v) - v.n_labelled for v in splits.values())
    say(f"data {dataset_name}/{cfg.task}: " + ", ".join(f"{k} {v.n_labelled}" for k, v in splits.items())
        + (f" (+ {n_context} context rows)" if n_context else ""))

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")
        warnings.filterwarnings("ignore", message=".*groups.*folds.*")
        warnings.filterwarnings("ignore", message=".*folds split rows.*")
        from sklearn.exceptions import ConvergenceWarning

        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        model, search = run_search(pipeline, cfg.search, train_data.X, train_data.y, train_data.groups, cfg.seed)
    column_major_weights(model.steps[-1][1])
    timings["fit"] = time.perf_counter() - t
    if search:
        say(f"search {search['method']} ({search['cv']}): best {search['best_params']} cv={search['best_score']}")

    t = time.perf_counter()
    split_metrics, predictions = {}, {}
    for name in eval_names:
        if splits[name].n_labelled:
            split_metrics[name], predictions[name] = evaluate_split(model, task, splits[name], cfg.seed,
                                                                    n_boot, name)
        elif name in splits:
            notes.append(f"split {name!r} has no labelled rows: not evaluated")
    if not split_metrics:
        raise NewsclfError(f"dataset {dataset_name!r} ({cfg.task}) has no non-empty validation or test split")
    eval_split = "test" if "test" in split_metrics else next(iter(split_metrics))
    timings["evaluate"] = time.perf_counter() - t
    if cv:
        from newsclf.pipeline.crossval import CV_SPLIT, cross_validate

        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            split_metrics[CV_SPLIT], predictions[CV_SPLIT] = cross_validate(
                build_pipeline(cfg), cfg, task, splits, cv, n_boot)
        eval_split = CV_SPLIT
        timings["cross_validation"] = time.perf_counter() - t

    data_fp, data_fp_kind = _dataset_fingerprint(data_manifest, splits)
    content_fp = hashlib.sha256("".join(splits[n].fingerprint for n in sorted(splits)).encode()).hexdigest()
    resolved = cfg.resolved()
    digest = hashlib.sha256((json.dumps(resolved, sort_keys=True) + content_fp + actors_record["sha256"]
                             + f"cv{cv}").encode()).hexdigest()
    run_id = make_run_id(task.name, config_name, digest)
    final = Path(output) if output else settings.models_dir() / run_id
    head = split_metrics[eval_split]
    headline_value = head.get(task.headline)
    adequacy = head.get("adequacy", {})
    for w in adequacy.get("warnings", []):
        say(f"warning: {w}")
    metrics = {
        "run_id": run_id,
        "task": task.name,
        "labels": list(task.labels),
        "positive": list(task.positive),
        "dataset": dataset_name,
        "data_fingerprint": data_fp,
        "data_fingerprint_source": data_fp_kind,
        "data_config_file": (data_manifest or {}).get("config_file") if isinstance(data_manifest, dict) else None,
        "config_path": source.get("config_path"),
        "overrides": source.get("overrides", []),
        "config": resolved,
        "model": cfg.model.name,
        "features": [f.name for f in cfg.features],
        "seed": cfg.seed,
        "eval_split": eval_split,
        "headline": task.headline,
        "bootstrap_unit": "group" if (predictions[eval_split].get("groups")) else "example",
        "train_size": train_data.n_labelled,
        "train_counts": counts,
        "split_sizes": {n: s.n_labelled for n, s in splits.items()},
        "splits": split_metrics,
        "search": search,
        "top_features": top_features(model),
        "notes": notes,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "predictions": {eval_split: predictions[eval_split]},
    }
    t = time.perf_counter()
    with progress.step(f"write {final}"), staged_dir(final) as tmp:
        save_model(model, tmp / MODEL_FILE)
        (tmp / "config.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False), encoding="utf-8")
        (tmp / ACTORS_FILE).write_text(yaml.safe_dump(actors.spec, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
        write_report(metrics, tmp)
        timings["write"] = time.perf_counter() - t
        write_manifest(tmp, {
            "run_id": run_id,
            "task": task.name,
            "labels": list(task.labels),
            "config_name": config_name,
            **source,
            "dataset": dataset_name,
            "data_fingerprint": data_fp,
            "actors": {"ref": actors_record["ref"], "sha256": actors_record["sha256"]},
            "data_content_fingerprint": content_fp,
            "data_manifest_fingerprint": data_manifest.get("fingerprint") if isinstance(data_manifest, dict) else None,
            "split_fingerprints": {n: s.fingerprint for n, s in splits.items()},
            "test_fingerprint": head.get("fingerprint", splits.get(eval_split, train_data).fingerprint),
            "eval_split": eval_split,
            "inputs": {"html_blocks": bool("tag_path" in train_data.X and (train_data.X["tag_path"] != "").any())},
            "seed": cfg.seed,
            "headline": {"metric": task.headline, "split": eval_split, "value": headline_value,
                         "interval": head.get("intervals", {}).get(task.headline), "n": head.get("n"),
                         "rankable": adequacy.get("rankable"), "warnings": adequacy.get("warnings", [])},
            "versions": package_versions(),
            "git_commit": git_commit(),
            "created": metrics["created"],
            "timings": {k: round(v, 3) for k, v in timings.items()},
        })
    iv = head.get("intervals", {}).get(task.headline)
    say(f"{task.headline} ({eval_split}, n={head.get('n')}) = {headline_value:.3f}"
        + (f" [{iv[0]:.3f}, {iv[1]:.3f}]" if iv else ""))
    return final

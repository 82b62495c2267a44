"""Evaluate a fitted model on dataset splits: metrics with bootstrap intervals, stored test
predictions (for plots and paired comparisons) and top features of linear models; re-evaluate a
saved run on another dataset or split."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from newsclf import progress
from newsclf.evaluation.adequacy import split_adequacy
from newsclf.evaluation.bootstrap import bootstrap_intervals
from newsclf.evaluation.metrics import classification_metrics
from newsclf.evaluation.report import write_report
from newsclf.pipeline.data import SplitData, load_dataset, split_data
from newsclf.pipeline.predict import predict_frame
from newsclf.tasks import Task, get_task

__all__ = ["confident_errors", "evaluate_run", "evaluate_split", "score_predictions", "top_features"]

N_ERRORS = 10
"""Most confident errors kept per split (with their text) for the report."""
MAX_ERROR_CHARS = 400


def confident_errors(data: SplitData, rows: np.ndarray, pred: list[str], scores: np.ndarray,
                     labels: list[str], k: int = N_ERRORS) -> list[dict[str, Any]]:
    """The ``k`` wrong predictions the model was surest of, most confident first.

    ``rows`` are the split rows behind ``pred`` / ``scores`` (shape (len(rows), len(labels))).
    Each error: ``id``, ``text`` (cut at 400 characters), ``gold``, ``pred``, ``confidence`` (the
    predicted label's score) and the row's other non-empty input fields (target, speaker...).
    """
    out = []
    for j, i in enumerate(rows):
        gold = data.y[i]
        if gold is None or pred[j] == gold:
            continue
        conf = float(scores[j, labels.index(pred[j])]) if len(scores) else float("nan")
        row = data.X.iloc[i]
        text = str(row["text"])
        extra = {c: row[c] for c in ("target", "speaker", "side", "tag_path") if c in row.index and row[c]}
        out.append({"id": data.ids[i], "text": text if len(text) <= MAX_ERROR_CHARS
                    else text[: MAX_ERROR_CHARS - 1] + "…", "gold": gold, "pred": pred[j],
                    "confidence": round(conf, 4), **{k_: str(v) for k_, v in extra.items()}})
    out.sort(key=lambda e: -e["confidence"])
    return out[:k]


def score_predictions(task: Task, gold: list[str], pred: list[str], groups: list[str] | None, seed: int,
                      n_boot: int, split: str) -> dict:
    """Metrics, bootstrap intervals and adequacy (:func:`split_adequacy`) of one split's predictions."""
    positive = task.positive if task.name == "stance" else ()
    metrics = classification_metrics(gold, pred, task.labels, positive)
    metrics["intervals"] = bootstrap_intervals(gold, pred, task.labels, positive, groups=groups,
                                               n_boot=n_boot, seed=seed)
    metrics["adequacy"] = split_adequacy(gold, task.labels, groups, split)
    return metrics


def evaluate_split(model, task: Task, data: SplitData, seed: int, n_boot: int = 1000,
                   name: str = "test") -> tuple[dict, dict]:
    """Return ``(split metrics with intervals, adequacy and errors, predictions)`` for one split.

    The model predicts every row (context rows give their neighbours' features) and only the
    labelled rows are scored and stored.
    """
    with progress.step(f"evaluate {name} ({data.n_labelled} rows, {n_boot} bootstrap replicates)"):
        pred, scores = predict_frame(model, data.X, task.labels)
        if task.query:
            return _evaluate_queries(task, data, pred, scores, seed, n_boot, name)
        keep = np.flatnonzero(data.labelled)
        gold = [data.y[i] for i in keep]
        pred = [pred[i] for i in keep]
        scores = np.asarray(scores)[keep]
        groups = [data.groups[i] for i in keep] if data.groups else data.groups
        metrics = score_predictions(task, gold, pred, groups, seed, n_boot, name)
        metrics["fingerprint"] = data.fingerprint
        if len(keep) < len(data.y):
            metrics["context_rows"] = len(data.y) - len(keep)
        metrics["errors"] = confident_errors(data, keep, pred, scores, list(task.labels))
    predictions = {
        "ids": [data.ids[i] for i in keep],
        "gold": gold,
        "pred": pred,
        "groups": groups,
        "scores": np.round(scores, 5).tolist(),
    }
    return metrics, predictions


def _evaluate_queries(task: Task, data: SplitData, pred, scores, seed: int, n_boot: int,
                      name: str = "test") -> tuple[dict, dict]:
    """A ranking task: metrics per query (its best row right or not), rows' metrics beside them;
    intervals resample the queries' groups (articles)."""
    from newsclf.evaluation.ranking import query_outcomes

    keep = np.flatnonzero(data.labelled)
    queries = data.X[task.query].astype(str).tolist()
    q = query_outcomes([queries[i] for i in keep], [data.y[i] for i in keep],
                       np.asarray(scores)[keep], task.labels,
                       [data.groups[i] for i in keep] if data.groups else None)
    metrics = classification_metrics(q["gold"], q["pred"], task.labels)
    metrics["intervals"] = bootstrap_intervals(q["gold"], q["pred"], task.labels, groups=q["groups"],
                                               n_boot=n_boot, seed=seed)
    metrics["adequacy"] = split_adequacy(q["gold"], task.labels, q["groups"], name, per_class=False)
    metrics["unit"] = "query"
    metrics["answerable"] = int(sum(q["answerable"]))
    rows = classification_metrics([data.y[i] for i in keep], [pred[i] for i in keep], task.labels)
    metrics["rows"] = {k: rows[k] for k in ("n", "accuracy", "macro_f1", "per_class")}
    metrics["fingerprint"] = data.fingerprint
    predictions = {k: q[k] for k in ("ids", "gold", "pred", "groups")}
    predictions["scores"] = np.round(np.asarray(q["scores"]), 5).tolist()
    return metrics, predictions


def top_features(model, k: int = 15) -> dict[str, list[list[Any]]]:
    """Largest positive coefficients per class for linear models ({} for other models)."""
    est = model.steps[-1][1] if hasattr(model, "steps") else model
    coef = getattr(est, "coef_", None) if hasattr(est, "classes_") else None
    if coef is None:
        return {}
    try:
        names = np.asarray(model[:-1].get_feature_names_out(), dtype=object)
    except (AttributeError, ValueError, TypeError):
        return {}
    coef = np.asarray(coef.toarray() if hasattr(coef, "toarray") else coef)
    classes = [str(c) for c in est.classes_]
    if coef.shape[0] == 1 and len(classes) == 2:
        rows = {classes[1]: coef[0], classes[0]: -coef[0]}
    else:
        rows = dict(zip(classes, coef, strict=False))
    out = {}
    for lab, w in rows.items():
        idx = np.argsort(-w)[:k]
        out[lab] = [[str(names[i]), round(float(w[i]), 4)] for i in idx if w[i] > 0]
    return out


def evaluate_run(run_path: str | Path, dataset: str | None = None, split: str = "test",
                 output: str | Path | None = None, n_boot: int = 1000) -> Path:
    """Re-evaluate a saved run (hashes verified first) on ``split`` of ``dataset`` (default: the
    run's own dataset); write metrics.json + report into ``output`` (default
    ``<run>/evaluations/<dataset>-<split>-<time>/``) and return that directory."""
    from newsclf.errors import NewsclfError
    from newsclf.pipeline.runs import load_run, staged_dir

    t0 = time.perf_counter()
    run = load_run(run_path)
    task = get_task(run.task)
    name = dataset or run.manifest.get("dataset")
    dsd, name, _ = load_dataset(task.name, name)
    if split not in dsd:
        raise NewsclfError(f"dataset {name!r} has no split {split!r}; splits: {', '.join(dsd)}")
    data = split_data(dsd[split], task, split)
    seed = int(run.manifest.get("seed", 0))
    split_metrics, preds = evaluate_split(run.model, task, data, seed, n_boot, split)
    metrics = {
        "run_id": run.run_id,
        "task": task.name,
        "labels": list(task.labels),
        "positive": list(task.positive),
        "dataset": name,
        "model": run.config.get("model", {}).get("name"),
        "features": [f.get("name") for f in run.config.get("features", [])],
        "seed": seed,
        "eval_split": split,
        "bootstrap_unit": "group" if data.groups else "example",
        "splits": {split: split_metrics},
        "predictions": {split: preds},
        "top_features": run.metrics.get("top_features", {}),
        "evaluated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    final = Path(output) if output else Path(run_path) / "evaluations" / f"{name}-{split}-{stamp}"
    with staged_dir(final) as tmp:
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
        write_report(metrics, tmp)
    metrics["seconds"] = time.perf_counter() - t0
    return final

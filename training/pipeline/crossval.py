"""Grouped cross-validation as an evaluation: out-of-fold predictions for every labelled row.

For datasets too small to hold out a useful test split (the seed article: 20 boilerplate rows,
10 stance rows), ``newsclf train --cv K`` pools the labelled rows of every split and predicts each
row with a model that never saw its group (paragraph, article or page): K grouped folds, the
experiment's search (if any) re-run inside each fold, so selection never sees the held-out rows.
The pooled predictions are scored like a split named ``cv`` (metrics, bootstrap intervals over
groups, adequacy), and runs of the same dataset, K and seed are paired on the same rows, so
``compare`` can test them.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from newsclf import progress
from newsclf.errors import NewsclfError
from newsclf.pipeline.config import ExperimentConfig
from newsclf.pipeline.data import SplitData
from newsclf.pipeline.evaluate import confident_errors, score_predictions
from newsclf.pipeline.predict import predict_frame
from newsclf.pipeline.search import make_cv, run_search
from newsclf.tasks import Task

__all__ = ["CV_SPLIT", "cross_validate", "pool_splits"]

CV_SPLIT = "cv"
"""Name of the pooled out-of-fold "split" in metrics.json."""


def pool_splits(splits: dict[str, SplitData]) -> SplitData:
    """One SplitData holding the labelled rows of every split (in the order given)."""
    frames, y, ids, groups, fps = [], [], [], [], []
    for name, data in splits.items():
        keep = np.flatnonzero(data.labelled)
        frames.append(data.X.iloc[keep])
        y += [data.y[i] for i in keep]
        ids += [data.ids[i] for i in keep]
        groups += [data.groups[i] for i in keep] if data.groups else [f"{name}:{data.ids[i]}" for i in keep]
        fps.append(f"{name}:{data.fingerprint}")
    X = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    fp = hashlib.sha256("|".join(fps).encode()).hexdigest()
    return SplitData(X=X, y=y, ids=ids, groups=groups, fingerprint=fp)


def cross_validate(pipeline, cfg: ExperimentConfig, task: Task, splits: dict[str, SplitData], k: int,
                   n_boot: int = 1000) -> tuple[dict[str, Any], dict[str, Any]]:
    """Out-of-fold predictions over the pooled labelled rows of ``splits`` in ``k`` grouped folds.

    Returns
    -------
    ``(split metrics, predictions)`` as :func:`newsclf.pipeline.evaluate.evaluate_split` gives
    them, plus ``folds`` (how the rows were split, in words) in the metrics; the fingerprint
    covers the pooled rows, ``k`` and the seed.

    Raises
    ------
    NewsclfError
        When a fold cannot be fitted (e.g. its training part holds one class only): the error
        names the fold and its classes and says what to do.
    """
    data = pool_splits(splits)
    y = np.asarray(data.y, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv, note = make_cv(y, data.groups, k, cfg.seed)
    fit_groups = data.groups if "Group" in type(cv).__name__ else None
    folds = list(cv.split(np.zeros(len(y)), y, fit_groups))
    pred: list[str | None] = [None] * len(y)
    scores = np.zeros((len(y), len(task.labels)))
    with progress.step(f"cross-validation: {note}", total=len(folds)) as bar:
        for f, (tr, te) in enumerate(folds):
            classes = sorted(set(y[tr]))
            if len(classes) < 2:
                raise NewsclfError(
                    f"cross-validation fold {f + 1}/{len(folds)} ({note}): its training part holds only "
                    f"{classes}; a classifier needs two classes - use fewer folds or more data")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model, _ = run_search(clone(pipeline), cfg.search, data.X.iloc[tr], list(y[tr]),
                                      [data.groups[i] for i in tr], cfg.seed)
            p, s = predict_frame(model, data.X.iloc[te], task.labels)
            for j, i in enumerate(te):
                pred[i] = p[j]
                scores[i] = s[j]
            bar.advance()
    gold = [str(v) for v in y]
    metrics = score_predictions(task, gold, pred, data.groups, cfg.seed, n_boot, CV_SPLIT)
    metrics["folds"] = note
    metrics["fingerprint"] = hashlib.sha256(f"{data.fingerprint}|cv{k}|seed{cfg.seed}".encode()).hexdigest()
    metrics["errors"] = confident_errors(data, np.arange(len(y)), pred, scores, list(task.labels))
    predictions = {"ids": data.ids, "gold": gold, "pred": pred, "groups": data.groups,
                   "scores": np.round(scores, 5).tolist()}
    return metrics, predictions

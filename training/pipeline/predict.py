"""Predictions with scores for every task label, from records or frames (CLI, service, reports)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from newsclf.tasks import Task, get_task, to_frame

__all__ = ["missing_targets", "predict_frame", "predict_records", "target_hint"]


def predict_frame(model, X, labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Return ``(predicted label names, scores (n, len(labels)))`` with columns in ``labels`` order.

    Labels the model never saw in training get score 0; the prediction is the arg-max score.
    """
    labels = list(labels)
    if len(X) == 0:
        return [], np.zeros((0, len(labels)))
    proba = np.asarray(model.predict_proba(X), dtype=float)
    classes = [str(c) for c in model.classes_]
    scores = np.zeros((proba.shape[0], len(labels)))
    for j, c in enumerate(classes):
        scores[:, labels.index(c)] = proba[:, j]
    pred = [labels[i] for i in scores.argmax(axis=1)]
    return pred, scores


def missing_targets(task: str | Task, records: Iterable[Mapping[str, Any]]) -> list[int]:
    """Indices of the records a task needing a target (stance) cannot classify: no ``target`` or
    an empty one. Empty for tasks without a ``target`` input."""
    spec = task if isinstance(task, Task) else get_task(task)
    if "target" not in spec.inputs:
        return []
    return [i for i, r in enumerate(records)
            if not isinstance(r.get("target"), str) or not r.get("target", "").strip()]


def target_hint() -> str:
    """What to give as a target: the configured actors (``configs/actors.yaml`` or NEWSCLF_ACTORS)."""
    from newsclf.data.actors import load_actors

    return ("say whom the stance is about: one of the configured actors (" + ", ".join(load_actors().keys)
            + ") or a name that occurs in the text")


def predict_records(model, task: str | Task, records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Classify loose records (``text`` plus the task's optional fields).

    Returns
    -------
    list of ``{"label": str, "scores": {label: float}}``, one per record, in order.
    """
    spec = task if isinstance(task, Task) else get_task(task)
    frame = to_frame(spec, records)
    pred, scores = predict_frame(model, frame, spec.labels)
    return [
        {"label": p, "scores": {lab: round(float(s), 6) for lab, s in zip(spec.labels, row, strict=True)}}
        for p, row in zip(pred, scores, strict=True)
    ]

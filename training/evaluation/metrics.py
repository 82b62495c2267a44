"""Classification metrics computed from a confusion matrix (so bootstrap resamples are cheap).

All functions take label *names*; the confusion matrix has every task label (rows gold, columns
predicted), so classes missing from a split show up with zero support instead of disappearing.
Macro-F1 averages the F1 of *every* task label: a label that a split lacks (no gold row) and that
no run predicts has F1 0 and still counts, as scikit-learn's ``f1_score(labels=all_labels,
average="macro", zero_division=0)`` does; a split that lacks a label therefore cannot reach
macro-F1 1.0, and the report says which labels had no support (never averaged away). F_avg (stance) is the mean F1 of the task's ``positive`` labels (favor, against), as in SemEval-2016
task 6.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["HEADLINE_METRICS", "classification_metrics", "confusion", "encode", "scores_from_confusion"]

HEADLINE_METRICS = ("accuracy", "macro_f1", "f_avg")


def encode(values: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Label names -> indices into ``labels``; unknown names raise ``ValueError``."""
    index = {name: i for i, name in enumerate(labels)}
    try:
        return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    except KeyError as exc:
        raise ValueError(f"label {exc.args[0]!r} is not one of {list(labels)}") from None


def confusion(gold_idx: np.ndarray, pred_idx: np.ndarray, k: int, weights=None) -> np.ndarray:
    """k x k confusion matrix (rows gold, columns predicted), optionally weighted."""
    codes = gold_idx * k + pred_idx
    return np.bincount(codes, weights=weights, minlength=k * k).reshape(k, k)


def scores_from_confusion(cm: np.ndarray, positive_idx: Sequence[int] = ()) -> dict[str, np.ndarray | float]:
    """Accuracy, per-class precision/recall/F1/support, macro-F1 and F_avg from ``cm``.

    Works on a single matrix (k, k) or a stack (B, k, k) (then every value is an array of B).
    """
    cm = np.asarray(cm, dtype=float)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    gold = cm.sum(axis=-1)
    pred = cm.sum(axis=-2)
    total = gold.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, tp / np.where(pred > 0, pred, 1), 0.0)
        recall = np.where(gold > 0, tp / np.where(gold > 0, gold, 1), 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / np.where(denom > 0, denom, 1), 0.0)
        macro = f1.mean(axis=-1)
        accuracy = np.where(total > 0, tp.sum(axis=-1) / np.maximum(total, 1), 0.0)
    out = {"accuracy": accuracy, "macro_f1": macro, "precision": precision, "recall": recall,
           "f1": f1, "support": gold}
    if len(positive_idx):
        out["f_avg"] = f1[..., list(positive_idx)].mean(axis=-1)
    return out


def classification_metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str],
                           positive: Sequence[str] = ()) -> dict:
    """Plain-data metrics for one split.

    Returns
    -------
    dict with ``n``, ``accuracy``, ``macro_f1`` (over every label in ``labels``), ``f_avg``
    (when ``positive``), ``per_class`` ({label: {precision, recall, f1, support}}),
    ``labels_without_support`` (labels with no gold row) and ``confusion`` ({labels, matrix}).
    """
    labels = list(labels)
    k = len(labels)
    g, p = encode(gold, labels), encode(pred, labels)
    cm = confusion(g, p, k)
    pos_idx = [labels.index(x) for x in positive if x in labels]
    s = scores_from_confusion(cm, pos_idx)
    out = {
        "n": int(len(g)),
        "accuracy": float(s["accuracy"]),
        "macro_f1": float(s["macro_f1"]),
    }
    if pos_idx:
        out["f_avg"] = float(s["f_avg"])
    out["per_class"] = {
        lab: {"precision": float(s["precision"][i]), "recall": float(s["recall"][i]),
              "f1": float(s["f1"][i]), "support": int(s["support"][i])}
        for i, lab in enumerate(labels)
    }
    out["labels_without_support"] = [lab for i, lab in enumerate(labels) if not s["support"][i]]
    out["confusion"] = {"labels": labels, "matrix": cm.astype(int).tolist()}
    return out

"""Vote matrices, the two combiners (majority, label model) and per-LF statistics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .base import ABSTAIN, LabellingFunction

__all__ = [
    "COMBINERS",
    "LabelModel",
    "apply_lfs",
    "combine",
    "lf_stats",
    "majority_vote",
    "summary_stats",
]


def apply_lfs(
    lfs: Sequence[LabellingFunction], items: Iterable[Any], labels: Sequence[str]
) -> np.ndarray:
    """Vote matrix of shape (n_items, n_lfs): label index in ``labels`` or ``-1`` (abstain)."""
    index = {name: i for i, name in enumerate(labels)}
    codes = [index[lf.label] for lf in lfs]
    fns = [lf.fn for lf in lfs]
    rows = [
        [c if fn(item) else ABSTAIN for fn, c in zip(fns, codes, strict=True)] for item in items
    ]
    return np.array(rows, dtype=np.int8).reshape(len(rows), len(lfs))


def majority_vote(L: np.ndarray, n_labels: int) -> np.ndarray:
    """Majority label per row of ``L``; ties and rows without votes give ``-1``."""
    L = np.asarray(L)
    if L.size == 0:
        return np.full(L.shape[0], ABSTAIN, dtype=np.int64)
    counts = np.stack([(L == k).sum(axis=1) for k in range(n_labels)], axis=1)
    return _argmax_or_abstain(counts)


def _argmax_or_abstain(scores: np.ndarray) -> np.ndarray:
    best = scores.argmax(axis=1)
    top = scores.max(axis=1)
    ties = (scores == top[:, None]).sum(axis=1) > 1
    return np.where((top > 0) & ~ties, best, ABSTAIN).astype(np.int64)


class LabelModel:
    """Accuracy-weighted vote (see module docstring): ``fit(L)`` then ``predict(L)``.

    Each LF's accuracy is measured against the weighted vote of the *other* LFs (leave-one-out,
    so an LF that fires alone does not vouch for itself), class-balanced (rows weighted by the
    inverse frequency of the others' label) and add-one smoothed, clipped to [0.05, 0.95];
    weights ``log(a / (1 - a))`` start at 1 (majority vote) and are re-estimated ``n_iter``
    times. On the AEB pages (24,300 sentences, 21 LFs) one round gives coverage 0.974 and
    accuracy 0.934 vs majority's 0.936 and 0.947 (macro-F1 0.892 vs 0.891 with abstentions
    counted as content); more rounds did not help.

    Parameters
    ----------
    n_labels : int
    n_iter : int, default=1

    Attributes
    ----------
    accuracies_ : ndarray of shape (n_lfs,)
        Estimated accuracy of each LF (0.5 for an LF never voting alongside others).
    weights_ : ndarray of shape (n_lfs,)
        ``log(a / (1 - a))``.
    """

    def __init__(self, n_labels: int, n_iter: int = 1) -> None:
        self.n_labels = n_labels
        self.n_iter = n_iter

    def _onehot(self, L: np.ndarray) -> np.ndarray:
        return np.stack([L == k for k in range(self.n_labels)], axis=2).astype(np.float32)

    def fit(self, L: np.ndarray) -> LabelModel:
        L = np.asarray(L).reshape(len(L), -1)
        n_lfs = L.shape[1]
        onehot = self._onehot(L)  # (n_items, n_lfs, n_labels)
        counts = onehot.sum(axis=1)  # votes per label
        weights = np.ones(n_lfs)
        acc = np.full(n_lfs, 0.5)
        for _ in range(max(self.n_iter, 1)):
            scores = np.einsum("nmk,m->nk", onehot, weights)
            for j in range(n_lfs):
                mine = onehot[:, j, :]
                others = _weighted_choice(scores - weights[j] * mine, (counts - mine) > 0)
                acc[j] = _balanced_agreement(L[:, j], others, self.n_labels)
            acc = np.clip(acc, 0.05, 0.95)
            weights = np.log(acc / (1 - acc))
        self.accuracies_ = acc
        self.weights_ = weights
        return self

    def predict(self, L: np.ndarray) -> np.ndarray:
        L = np.asarray(L).reshape(len(L), -1)
        if L.size == 0:
            return np.full(L.shape[0], ABSTAIN, dtype=np.int64)
        onehot = self._onehot(L)
        scores = np.einsum("nmk,m->nk", onehot, self.weights_)
        return _weighted_choice(scores, onehot.sum(axis=1) > 0)


def _balanced_agreement(votes: np.ndarray, others: np.ndarray, n_labels: int) -> float:
    """Share of an LF's votes that the other LFs' vote agrees with, class-balanced, add-one smoothed.

    Rows are weighted by the inverse frequency of the others' label, so that an LF for a rare
    label (content on link-heavy pages) is not judged mostly on rows of the common label.
    """
    decided = others != ABSTAIN
    if not decided.any():
        return 0.5
    freq = np.bincount(others[decided], minlength=n_labels) / decided.sum()
    row_weight = np.where(decided, 1.0 / np.maximum(freq[np.maximum(others, 0)], 1e-9), 0.0)
    both = (votes != ABSTAIN) & decided
    agree = both & (votes == others)
    return float(((row_weight * agree).sum() + 1) / ((row_weight * both).sum() + 2))


def _weighted_choice(scores: np.ndarray, voted: np.ndarray) -> np.ndarray:
    """Best-scoring label among those with a vote; ties and rows without votes abstain.

    Labels nobody voted for cannot win, even when every vote carries a negative weight.
    """
    masked = np.where(voted, scores, -np.inf)
    any_vote = voted.any(axis=1)
    best = masked.argmax(axis=1)
    top = masked.max(axis=1)
    ties = (np.isclose(masked, top[:, None]) & voted).sum(axis=1) > 1
    return np.where(any_vote & ~ties, best, ABSTAIN).astype(np.int64)


COMBINERS = ("majority", "label_model")


def combine(
    L: np.ndarray, n_labels: int, combiner: str = "majority"
) -> tuple[np.ndarray, dict[str, Any]]:
    """Combine votes into labels; returns (labels with -1 for abstain, combiner info)."""
    if combiner == "majority":
        return majority_vote(L, n_labels), {"combiner": "majority"}
    if combiner == "label_model":
        model = LabelModel(n_labels).fit(L)
        return model.predict(L), {
            "combiner": "label_model",
            "accuracies": [round(float(a), 4) for a in model.accuracies_],
        }
    raise ValueError(f"unknown combiner {combiner!r}; known: {', '.join(COMBINERS)}")


def lf_stats(
    L: np.ndarray,
    lfs: Sequence[LabellingFunction],
    labels: Sequence[str],
    gold: Sequence[int] | np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """Per-LF statistics over the vote matrix ``L`` (n_items, n_lfs).

    ``coverage``: share of items it votes on; ``overlaps``: share of items where it and at least
    one other LF vote; ``conflicts``: share where another LF votes a different label. With
    ``gold`` (label index per item, ``-1`` where unknown): ``gold_votes`` (gold items it voted
    on), ``correct`` and ``accuracy`` (None when it voted on no gold item).
    """
    L = np.asarray(L).reshape(-1, len(lfs))
    n = L.shape[0]
    voted = L != ABSTAIN
    n_votes = voted.sum(axis=1)
    out = []
    g = None if gold is None else np.asarray(gold)
    for j, lf in enumerate(lfs):
        col = L[:, j]
        v = voted[:, j]
        overlap = v & (n_votes > 1)
        conflict = v & ((voted & (L != col[:, None])).any(axis=1))
        row: dict[str, Any] = {
            "name": lf.name,
            "label": lf.label,
            "votes": int(v.sum()),
            "coverage": _frac(v.sum(), n),
            "overlaps": _frac(overlap.sum(), n),
            "conflicts": _frac(conflict.sum(), n),
        }
        if g is not None:
            on_gold = v & (g != ABSTAIN)
            correct = on_gold & (col == g)
            row["gold_votes"] = int(on_gold.sum())
            row["correct"] = int(correct.sum())
            row["accuracy"] = _frac(correct.sum(), on_gold.sum()) if on_gold.any() else None
        out.append(row)
    return out


def _frac(a: Any, b: Any) -> float:
    return round(float(a) / float(b), 4) if b else 0.0


def summary_stats(
    y: np.ndarray, labels: Sequence[str], gold: np.ndarray | None = None
) -> dict[str, Any]:
    """Coverage of the combined labels and, with gold, their accuracy on gold items."""
    y = np.asarray(y)
    n = len(y)
    out: dict[str, Any] = {
        "items": n,
        "labelled": int((y != ABSTAIN).sum()),
        "coverage": _frac((y != ABSTAIN).sum(), n),
        "per_label": {lab: int((y == k).sum()) for k, lab in enumerate(labels)},
    }
    if gold is not None:
        g = np.asarray(gold)
        on = (g != ABSTAIN) & (y != ABSTAIN)
        out["gold_items"] = int((g != ABSTAIN).sum())
        out["gold_voted"] = int(on.sum())
        out["gold_correct"] = int((on & (y == g)).sum())
        out["accuracy"] = _frac((on & (y == g)).sum(), on.sum()) if on.any() else None
    return out

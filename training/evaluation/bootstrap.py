"""Seeded bootstrap: 95% intervals of a split's metrics and paired differences between two runs.

Resampling draws whole groups (articles/pages) with replacement when groups are given, otherwise
single examples. Each replicate is a weighted confusion matrix, so 1,000 replicates over 10k
examples take well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsclf.evaluation.metrics import confusion, encode, scores_from_confusion

__all__ = ["bootstrap_intervals", "paired_bootstrap", "replicate_weights"]

N_BOOT = 1000


def replicate_weights(n: int, groups: Sequence | None, n_boot: int, seed: int, chunk: int = 200):
    """Yield ``(b, n)`` weight arrays: how often each example is drawn in each replicate."""
    rng = np.random.default_rng(seed)
    if groups is not None and len(set(groups)) > 1:
        uniq, inv = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
        units = len(uniq)
    else:
        inv, units = np.arange(n), n
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        counts = rng.multinomial(units, np.full(units, 1.0 / units), size=b)
        yield counts[:, inv].astype(float)
        done += b


def _stack(gold_idx, pred_idx, k, weights):
    codes = gold_idx * k + pred_idx
    onehot = np.zeros((len(codes), k * k))
    onehot[np.arange(len(codes)), codes] = 1.0
    return (weights @ onehot).reshape(-1, k, k)


def bootstrap_intervals(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str],
                        positive: Sequence[str] = (), groups: Sequence | None = None,
                        n_boot: int = N_BOOT, seed: int = 0, level: float = 0.95) -> dict[str, list[float]]:
    """Percentile intervals for accuracy, macro-F1, F_avg and per-class F1 (``f1:<label>``)."""
    labels = list(labels)
    k = len(labels)
    if len(gold) == 0:
        return {}
    g, p = encode(gold, labels), encode(pred, labels)
    pos = [labels.index(x) for x in positive if x in labels]
    samples: dict[str, list[np.ndarray]] = {}
    for w in replicate_weights(len(g), groups, n_boot, seed):
        s = scores_from_confusion(_stack(g, p, k, w), pos)
        for name in ("accuracy", "macro_f1", "f_avg"):
            if name in s:
                samples.setdefault(name, []).append(s[name])
        for i, lab in enumerate(labels):
            samples.setdefault(f"f1:{lab}", []).append(s["f1"][:, i])
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return {name: [float(np.percentile(np.concatenate(v), lo)), float(np.percentile(np.concatenate(v), hi))]
            for name, v in samples.items()}


def paired_bootstrap(gold: Sequence[str], pred_a: Sequence[str], pred_b: Sequence[str],
                     labels: Sequence[str], metric: str = "macro_f1", positive: Sequence[str] = (),
                     groups: Sequence | None = None, n_boot: int = N_BOOT, seed: int = 0) -> dict:
    """Paired bootstrap of ``metric(a) - metric(b)`` on the same examples.

    Returns
    -------
    dict with ``delta`` (observed a - b), ``interval`` (95%) and ``p_value``: two-sided, the share
    of replicates whose difference falls on the other side of zero, doubled (capped at 1). Identical
    predictions give ``delta == 0`` and ``p_value == 1``.
    """
    labels = list(labels)
    k = len(labels)
    g = encode(gold, labels)
    a, b = encode(pred_a, labels), encode(pred_b, labels)
    pos = [labels.index(x) for x in positive if x in labels]

    def value(cm):
        s = scores_from_confusion(cm, pos)
        if metric.startswith("f1:"):
            return s["f1"][..., labels.index(metric[3:])]
        return s[metric]

    observed = float(value(confusion(g, a, k)) - value(confusion(g, b, k)))
    if np.array_equal(a, b):
        return {"delta": 0.0, "interval": [0.0, 0.0], "p_value": 1.0}
    deltas = np.concatenate([
        value(_stack(g, a, k, w)) - value(_stack(g, b, k, w))
        for w in replicate_weights(len(g), groups, n_boot, seed)
    ])
    p = 2 * min(np.mean(deltas <= 0), np.mean(deltas >= 0))
    return {"delta": observed, "interval": [float(np.percentile(deltas, 2.5)), float(np.percentile(deltas, 97.5))],
            "p_value": float(min(1.0, p))}

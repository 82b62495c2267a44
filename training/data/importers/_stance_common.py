"""Helpers shared by the stance importers (NewsMTSC, DSE): grouped carving of a validation split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["carve_validation", "label_counts"]


def carve_validation(
    rows: list[dict[str, Any]], fraction: float, seed: int, source: str = "train"
) -> None:
    """Move a seeded ``fraction`` of the groups of rows with ``split == source`` to ``validation``.

    Groups are sorted, then permuted with ``numpy.random.default_rng(seed)``, so the same rows and
    seed always give the same split and no group lands on both sides. Rows are changed in place.
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"validation fraction must be in [0, 1), got {fraction}")
    groups = sorted({r["group"] for r in rows if r["split"] == source})
    if not groups or fraction == 0.0:
        return
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(groups))
    n_val = max(1, round(fraction * len(groups)))
    chosen = {groups[i] for i in order[:n_val]}
    for r in rows:
        if r["split"] == source and r["group"] in chosen:
            r["split"] = "validation"


def label_counts(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """``{split: {label: count}}`` for import statistics."""
    out: dict[str, Counter] = {}
    for r in rows:
        out.setdefault(r["split"], Counter())[r["label"]] += 1
    return {s: dict(sorted(c.items())) for s, c in sorted(out.items())}


def absent_target_rows(
    rows: list[dict[str, Any]], share: float, seed: int, source: str, splits: tuple[str, ...] = ("train", "validation")
) -> list[dict[str, Any]]:
    """Twins of a seeded ``share`` of rows whose target is a name the text does not contain, as ``none``.

    The corpora always name their target; a quote often does not name the actor asked about (the
    seed's quotes about the NRF mostly speak of the Taliban). Stance toward a target a sentence
    neither names nor refers to is ``none``: these rows teach that. The substitute target is the
    target of another row (seeded), kept only when no word of it occurs in the text. Span columns
    are dropped; ``label_source`` is ``<source>-absent``. Only rows of ``splits`` are used.
    """
    if share <= 0:
        return []
    rng = np.random.default_rng(seed + 7919)
    pool = sorted({r["target"] for r in rows if r["split"] in splits and len(r["target"]) > 3})
    if not pool:
        return []
    out = []
    for r in rows:
        if r["split"] not in splits or rng.random() >= share:
            continue
        target = pool[int(rng.integers(len(pool)))]
        low = r["text"].lower()
        if any(w.lower() in low for w in target.split() if len(w) > 2):
            continue
        twin = {k: v for k, v in r.items() if not k.endswith(("_start", "_end"))}
        twin.update(target=target, label="none", label_source=f"{source}-absent", source=f"{source}-absent")
        out.append(twin)
    return out

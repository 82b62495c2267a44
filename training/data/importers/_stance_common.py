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

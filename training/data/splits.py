"""Grouped, deterministic train/validation/test splits from one seed.

Rows are assigned by *group*: every row of a group lands in the same split, so that no article
(or, for the seed alone, no paragraph) is seen on two sides. The assignment depends only on the
set of groups, their sizes, the fractions and the seed — never on row order or on the clock:

1. the distinct groups are sorted, then permuted with ``numpy.random.default_rng(seed)``;
2. walking that order, each group goes to the split whose share of rows its cumulative midpoint
   falls in (so fractions are met in *rows*, not in groups — sites differ a lot in size);
3. a split with a positive fraction that came out empty takes the last group of the largest
   split, as long as groups remain (tiny datasets still get a validation and a test row).

Rows whose importer fixed a ``split`` (a corpus' own train/dev parts) keep it; unfixed rows of a
group that has fixed rows follow that group's (most common) fixed split.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["SPLIT_ORDER", "assign_splits", "split_indices"]

SPLIT_ORDER = ("train", "validation", "test")
"""Canonical order of the split names produced from fractions."""


def assign_splits(
    groups: Sequence[str],
    fractions: Mapping[str, float],
    seed: int,
    fixed: Sequence[str | None] | None = None,
) -> list[str]:
    """Return the split name of every row.

    Parameters
    ----------
    groups : sequence of str, length n_rows
        Group key of each row (article id, ``article#block``, site...).
    fractions : mapping split name -> float
        Shares of the rows, in split order (e.g. ``{"train": 0.7, "validation": 0.15,
        "test": 0.15}``). Zero fractions are allowed (that split receives no rows).
    seed : int
        Seed of the group permutation.
    fixed : sequence of str or None, optional, length n_rows
        A split imposed by the source for that row (kept as is), or None.

    Returns
    -------
    list of str, length n_rows
    """
    n = len(groups)
    if fixed is not None and len(fixed) != n:
        raise ValueError(f"fixed has {len(fixed)} entries for {n} rows")
    names = [name for name in fractions]
    weights = np.array([max(float(fractions[name]), 0.0) for name in names])
    if not names or weights.sum() <= 0:
        raise ValueError("split fractions must contain at least one positive value")
    weights = weights / weights.sum()

    out: list[str | None] = [None] * n
    # Groups that the source pinned: their free rows follow the pinned split.
    pinned: dict[str, Counter] = {}
    if fixed is not None:
        for i, (g, f) in enumerate(zip(groups, fixed, strict=True)):
            if f:
                out[i] = f
                pinned.setdefault(g, Counter())[f] += 1
    pinned_split = {
        g: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for g, c in pinned.items()
    }

    sizes = Counter(g for i, g in enumerate(groups) if out[i] is None and g not in pinned_split)
    order = sorted(sizes)
    perm = np.random.default_rng(seed).permutation(len(order)) if order else np.array([], dtype=int)
    ordered = [order[j] for j in perm]

    bounds = np.cumsum(weights)
    total = sum(sizes.values())
    members: dict[str, list[str]] = {name: [] for name in names}
    cum = 0
    for g in ordered:
        mid = (cum + sizes[g] / 2) / total
        k = min(int(np.searchsorted(bounds, mid, side="right")), len(names) - 1)
        members[names[k]].append(g)
        cum += sizes[g]

    # Every split asked for gets at least one group while groups allow it.
    for k, name in enumerate(names):
        if weights[k] > 0 and not members[name]:
            donors = [m for m in names if len(members[m]) > 1]
            if not donors:
                break
            donor = max(donors, key=lambda m: (sum(sizes[g] for g in members[m]), -names.index(m)))
            members[name].append(members[donor].pop())

    split_of = {g: name for name, gs in members.items() for g in gs}
    split_of.update(pinned_split)
    return [o if o is not None else split_of[g] for o, g in zip(out, groups, strict=True)]


def split_indices(splits: Sequence[str]) -> dict[str, np.ndarray]:
    """Row indices per split name (in row order), for ``Dataset.select``."""
    result: dict[str, list[int]] = {}
    for i, s in enumerate(splits):
        result.setdefault(s, []).append(i)
    return {k: np.asarray(v, dtype=np.int64) for k, v in result.items()}

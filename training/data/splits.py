"""Grouped, deterministic train/validation/test splits from one seed.

Rows are assigned by *group*: every row of a group lands in the same split, so that no article
(or, for the seed alone, no paragraph) is seen on two sides. The assignment depends only on the
set of groups, their sizes (and labels), the fractions and the seed — never on row order or on
the clock:

1. the distinct groups are sorted, then permuted with ``numpy.random.default_rng(seed)``;
2. without labels, walking that order, each group goes to the split whose share of rows its
   cumulative midpoint falls in (fractions are met in *rows*, not in groups: sites differ a lot
   in size);
   with labels (stratified), groups holding a large share of a rare label go first, and each
   group goes to the split whose per-label deficit it fills best (the squared distance of every
   split's label counts to ``fraction * label total``, relative to the label total, grows the
   least) — so a label with one or two rows lands in train first, and the label mix of every
   split follows the whole;
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
    labels: Sequence[str] | None = None,
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
    labels : sequence of str, optional, length n_rows
        Row labels: when given, the assignment is stratified (see the module docstring).

    Returns
    -------
    list of str, length n_rows
    """
    n = len(groups)
    for name, seq in (("fixed", fixed), ("labels", labels)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} rows")
    names = list(fractions)
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

    free = [i for i in range(n) if out[i] is None and groups[i] not in pinned_split]
    sizes = Counter(groups[i] for i in free)
    order = sorted(sizes)
    perm = np.random.default_rng(seed).permutation(len(order)) if order else np.array([], dtype=int)
    ordered = [order[j] for j in perm]

    if labels is None:
        members = _by_midpoint(ordered, sizes, names, weights)
    else:
        members = _stratified(ordered, free, groups, labels, names, weights)

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


def _by_midpoint(
    ordered: list[str], sizes: Counter, names: list[str], weights: np.ndarray
) -> dict[str, list[str]]:
    bounds = np.cumsum(weights)
    total = sum(sizes.values())
    members: dict[str, list[str]] = {name: [] for name in names}
    cum = 0
    for g in ordered:
        mid = (cum + sizes[g] / 2) / total
        k = min(int(np.searchsorted(bounds, mid, side="right")), len(names) - 1)
        members[names[k]].append(g)
        cum += sizes[g]
    return members


def _stratified(
    ordered: list[str],
    free: list[int],
    groups: Sequence[str],
    labels: Sequence[str],
    names: list[str],
    weights: np.ndarray,
) -> dict[str, list[str]]:
    classes = sorted({labels[i] for i in free})
    col = {c: j for j, c in enumerate(classes)}
    pos = {g: i for i, g in enumerate(ordered)}
    counts = np.zeros((len(ordered), len(classes)))
    for i in free:
        counts[pos[groups[i]], col[labels[i]]] += 1
    totals = counts.sum(axis=0)
    scale = np.maximum(totals, 1.0)
    share = (counts / scale).max(axis=1) if len(classes) else np.zeros(len(ordered))
    # Groups holding a large share of a rare label first; the seeded permutation breaks ties.
    sequence = sorted(range(len(ordered)), key=lambda i: (-round(float(share[i]), 9), i))
    targets = weights[:, None] * totals[None, :]
    current = np.zeros_like(targets)
    allowed = weights > 0
    members: dict[str, list[str]] = {name: [] for name in names}
    for i in sequence:
        g = counts[i]
        before = ((current - targets) / scale) ** 2
        after = ((current + g - targets) / scale) ** 2
        cost = (after - before).sum(axis=1)
        cost = np.where(allowed, cost, np.inf)
        k = int(np.argmin(cost))  # ties: the earlier split (train first)
        current[k] += g
        members[names[k]].append(ordered[i])
    return members


def split_indices(splits: Sequence[str]) -> dict[str, np.ndarray]:
    """Row indices per split name (in row order), for ``Dataset.select``."""
    result: dict[str, list[int]] = {}
    for i, s in enumerate(splits):
        result.setdefault(s, []).append(i)
    return {k: np.asarray(v, dtype=np.int64) for k, v in result.items()}

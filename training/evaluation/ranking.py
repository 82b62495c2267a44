"""Scoring a ranking task per query: is each query's best-scored row a right one?

A ranking task (``Task.query`` set, e.g. ``attribution``) has one row per (query, candidate) with a
binary label (``speaker``/``other``). :func:`query_outcomes` turns row scores into one outcome per
query: gold is always the positive label, the prediction is the positive label when the query's
best row is a positive row and the negative label otherwise (also when the query has no positive
row at all: the candidates missed the answer). Accuracy over these outcomes is the share of queries
answered right, and the usual confusion-matrix machinery (bootstrap over groups, paired tests in
``compare``) applies unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["query_outcomes"]


def query_outcomes(
    queries: Sequence[str],
    gold: Sequence[str],
    scores: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
) -> dict[str, list]:
    """One outcome per query, in order of first appearance.

    Parameters
    ----------
    queries : sequence of str, shape (n_rows,)
    gold : sequence of str, shape (n_rows,)
        Row labels; ``labels[0]`` is the positive one.
    scores : array, shape (n_rows, len(labels))
        Row scores, columns in ``labels`` order.
    groups : sequence of str, optional
        Row groups (articles); a query's group is its first row's.

    Returns
    -------
    dict with ``ids``, ``gold``, ``pred``, ``groups``, ``scores`` (per query: the best row's
    scores) and ``answerable`` (per query: whether any row is positive).
    """
    pos, neg = labels[0], labels[1]
    order: dict[str, list[int]] = {}
    for i, q in enumerate(queries):
        order.setdefault(q, []).append(i)
    out: dict[str, list] = {"ids": [], "gold": [], "pred": [], "groups": [], "scores": [],
                            "answerable": []}
    col = 0
    for q, rows in order.items():
        best = max(rows, key=lambda i: (scores[i, col], -i))
        answerable = any(gold[i] == pos for i in rows)
        out["ids"].append(q)
        out["gold"].append(pos)
        out["pred"].append(pos if gold[best] == pos else neg)
        out["groups"].append(groups[rows[0]] if groups is not None else q)
        out["scores"].append([float(x) for x in scores[best]])
        out["answerable"].append(answerable)
    return out

"""Processed articles -> labelled task rows (gold > weak labelling functions > abstain).

Units
-----
``boilerplate``
    One row per **sentence**, for plain text and HTML alike (``unit="sentence"``, the default):
    gold annotations, ``newsclf quotes`` and ``analyze`` all work per sentence, and an HTML
    sentence carries its block's DOM context (tag path, class/id tokens, link density, tag).
    ``unit="block"`` gives one row per block instead (the page importers' unit).
``stance``
    One row per non-fragment quote and per target (every actor key of the actors file).

Columns: the task's input columns (:mod:`newsclf.tasks`) plus ``label``, ``label_source``
(``gold``, ``weak``; importer rows say ``corpus``), ``article`` (article id), ``block`` (block index
of the unit or of the quote's start), and offsets (``start``/``end``, or
``quote_start``/``quote_end``). ``group`` is the article id, so that the rows of one group are one
document in order.

Weak labels are combined over *all* rows of a build at once (the label model estimates LF
accuracies from the whole vote matrix). Rows without gold whose combined vote abstains are left
out and counted.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsclf.data import labelling as lab
from newsclf.tasks import get_task

__all__ = ["BOOKKEEPING", "UNITS", "Collector", "Gold", "LabelledRows", "complete_row", "unit_spans"]

UNITS = ("sentence", "block")

BOOKKEEPING: dict[str, dict[str, Any]] = {
    "boilerplate": {"label_source": "", "article": "", "block": -1, "start": -1, "end": -1},
    "stance": {"label_source": "", "article": "", "block": -1, "quote_start": -1, "quote_end": -1,
               "target_start": -1, "target_end": -1, "speaker_start": -1, "speaker_end": -1},
    "attribution": {"label_source": "", "article": "", "quote_start": -1, "quote_end": -1,
                    "gold_kind": "", "quote_type": ""},
}
"""Non-input columns of each task's datasets and their defaults (importer rows use them).

Stance ``target_start``/``target_end`` (``speaker_start``/``speaker_end``) are character offsets
of the target's (speaker's) mention in ``text`` when an importer knows them (NewsMTSC, DSE);
-1 means "find the target by name" (the stance featurizers then match its name/aliases)."""


@dataclass
class Gold:
    """Gold labels of one article, keyed by offsets.

    Attributes
    ----------
    sentences : dict (start, end) -> label
        ``boilerplate`` label of a unit whose span is exactly (start, end).
    stance : dict (quote_start, quote_end, target) -> label
        Stance of a quote (span without quote marks) toward a target.
    """

    sentences: dict[tuple[int, int], str] = field(default_factory=dict)
    stance: dict[tuple[int, int, str], str] = field(default_factory=dict)


@dataclass
class LabelledRows:
    """Result of :meth:`Collector.finish`."""

    task: str
    rows: list[dict[str, Any]]
    counts: dict[str, int]
    lf_stats: list[dict[str, Any]]
    summary: dict[str, Any]
    combiner: dict[str, Any]


class Collector:
    """Accumulates candidate rows of one task over many processed articles.

    Parameters
    ----------
    task : str
    actors : Actors, optional
        Needed for ``stance`` (targets and mention detection).
    unit : {"sentence", "block"}
        ``boilerplate`` unit.
    """

    def __init__(self, task: str, actors: Any = None, unit: str = "sentence") -> None:
        self.task = get_task(task)
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")
        if self.task.name == "stance" and actors is None:
            raise ValueError("the stance task needs actors (targets)")
        self.actors = actors
        self.unit = unit
        self.lfs = lab.lfs_for(self.task.name)
        self._code = {name: i for i, name in enumerate(self.task.labels)}
        self._rows: list[dict[str, Any]] = []
        self._votes: list[np.ndarray] = []
        self._gold: list[int] = []

    # ------------------------------------------------------------------ adding articles

    def add(self, processed: Any, gold: Gold | None = None) -> int:
        """Add the candidate rows of one processed article; returns how many."""
        if self.task.name == "boilerplate":
            rows, items, golds = self._boilerplate(processed, gold)
        else:
            rows, items, golds = self._stance(processed, gold)
        if rows:
            self._rows.extend(rows)
            self._votes.append(lab.apply_lfs(self.lfs, items, self.task.labels))
            self._gold.extend(golds)
        return len(rows)

    def _gold_code(self, label: str | None, where: str) -> int:
        if label is None:
            return lab.ABSTAIN
        try:
            return self._code[label]
        except KeyError:
            raise ValueError(
                f"{where}: gold label {label!r} is not a {self.task.name} label ({', '.join(self.task.labels)})"
            ) from None

    def _boilerplate(self, processed: Any, gold: Gold | None):
        article = processed.article
        blocks = {b.index: b for b in article.blocks or ()}
        spans = unit_spans(processed, self.unit)
        n = len(spans)
        units = lab.make_units(
            [(text, blocks.get(block_index)) for _, _, text, block_index in spans]
        )
        rows, golds = [], []
        for i, ((start, end, text, block_index), unit) in enumerate(zip(spans, units, strict=True)):
            rows.append(
                {
                    "text": text,
                    "group": article.id,
                    "position": i / (n - 1) if n > 1 else 0.0,
                    "tag_path": unit.tag_path,
                    "attrs": unit.attrs,
                    "link_density": unit.link_density,
                    "tag": unit.tag,
                    "article": article.id,
                    "block": int(block_index),
                    "start": int(start),
                    "end": int(end),
                }
            )
            label = gold.sentences.get((start, end)) if gold else None
            where = f"{article.source or article.id}: sentence {start}-{end}"
            golds.append(self._gold_code(label, where))
        return rows, units, golds

    def _stance(self, processed: Any, gold: Gold | None):
        article = processed.article
        starts = [b.start for b in article.blocks or ()]
        quotes = [q for q in processed.quotes if not q.fragment]
        rows, items, golds = [], [], []
        for q, item in lab.stance_items(quotes, self.actors):
            block = (
                article.blocks[bisect_right(starts, q.start) - 1].index
                if starts and q.start >= starts[0]
                else 0
            )
            rows.append(
                {
                    "text": q.text,
                    "target": item.target,
                    "speaker": q.speaker or "",
                    "side": q.side or "",
                    "group": article.id,
                    "article": article.id,
                    "block": int(block),
                    "quote_start": int(q.start),
                    "quote_end": int(q.end),
                    "target_start": -1,  # found by name/aliases
                    "target_end": -1,
                    "speaker_start": -1,
                    "speaker_end": -1,
                }
            )
            items.append(item)
            label = gold.stance.get((q.start, q.end, item.target)) if gold else None
            golds.append(
                self._gold_code(
                    label,
                    f"{article.source or article.id}: quote {q.start}-{q.end} toward {item.target}",
                )
            )
        return rows, items, golds

    # ------------------------------------------------------------------ sharing the work

    def take(self) -> tuple[list[dict[str, Any]], list[np.ndarray], list[int]]:
        """Hand over the candidates added so far and start empty: ``(rows, vote matrices (one per
        article with rows), gold codes)``. A worker labels its share of a build's articles and the
        driver :meth:`put`\\ s them into one collector in article order (:mod:`newsclf.batch.build`)."""
        taken = (self._rows, self._votes, self._gold)
        self._rows, self._votes, self._gold = [], [], []
        return taken

    def put(self, rows: list[dict[str, Any]], votes: list[np.ndarray], gold: list[int]) -> None:
        """Append candidates :meth:`take`\\ n from a collector of the same task and unit, as if
        their articles were added here."""
        self._rows.extend(rows)
        self._votes.extend(votes)
        self._gold.extend(gold)

    # ------------------------------------------------------------------ labelling

    def finish(self, combiner: str = "majority") -> LabelledRows:
        """Combine weak votes, apply gold, drop abstained rows; statistics over all candidates."""
        labels = self.task.labels
        L = (
            np.concatenate(self._votes)
            if self._votes
            else np.zeros((0, len(self.lfs)), dtype=np.int8)
        )
        gold = np.asarray(self._gold, dtype=np.int64)
        weak, info = lab.combine(L, len(labels), combiner)
        stats = lab.lf_stats(L, self.lfs, labels, gold)
        if "accuracies" in info:
            for row, acc in zip(stats, info["accuracies"], strict=True):
                row["estimated_accuracy"] = acc
        summary = lab.summary_stats(weak, labels, gold)
        kept = []
        counts = {"candidates": len(self._rows), "gold": 0, "weak": 0, "abstain": 0}
        for row, g, w in zip(self._rows, gold, weak, strict=True):
            if g != lab.ABSTAIN:
                source, code = "gold", int(g)
            elif w != lab.ABSTAIN:
                source, code = "weak", int(w)
            else:
                counts["abstain"] += 1
                continue
            counts[source] += 1
            kept.append({**row, "label": labels[code], "label_source": source})
        return LabelledRows(self.task.name, kept, counts, stats, summary, info)


def unit_spans(processed: Any, unit: str = "sentence") -> list[tuple[int, int, str, int]]:
    """``(start, end, text, block index)`` of every boilerplate unit of a processed article: its
    sentences, or (``unit="block"``) its non-empty blocks without surrounding white space."""
    if unit == "sentence":
        return [(s.start, s.end, s.text, s.block) for s in processed.sentences]
    article = processed.article
    spans = []
    for b in article.blocks or ():
        text = article.text[b.start : b.end]
        stripped = text.strip()
        if stripped:
            start = b.start + (len(text) - len(text.lstrip()))
            spans.append((start, start + len(stripped), stripped, b.index))
    return spans


def complete_row(task: str, row: Mapping[str, Any], source: str = "corpus") -> dict[str, Any]:
    """An importer row with every dataset column of ``task`` (defaults filled, types coerced)."""
    spec = get_task(task)
    out: dict[str, Any] = {}
    for col, default in spec.inputs.items():
        value = row.get(col)
        if value is None:
            value = "" if default is None else default
        elif isinstance(default, float):
            value = float(value)
        elif isinstance(default, int) and not isinstance(default, bool):
            value = int(value)
        elif isinstance(default, str) or default is None:
            value = str(value)
        out[col] = value
    for col, default in BOOKKEEPING[task].items():
        value = row.get(col)
        out[col] = default if value is None else type(default)(value)
    if not out["label_source"]:
        out["label_source"] = source
    if not out["article"]:
        out["article"] = out["group"]
    out["label"] = row.get("label")
    return out

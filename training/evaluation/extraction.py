"""Main-text extraction metrics, re-implemented the way their benchmarks compute them.

- :func:`aeb_scores`: the Article Extraction Benchmark (Zyte/Scrapinghub) metric. Tokens are
  ``\\w+`` matches; each text becomes a multiset of token 4-gram shingles (a text shorter than four
  tokens is one shingle of all its tokens). Per document TP/FP/FN shingle counts are normalised to
  sum to one; precision and recall are averaged over documents (a document with nothing to find and
  nothing found scores 1); F1 is the harmonic mean of the two averages; accuracy is the share of
  documents whose token sequence matches the truth exactly.
- :func:`snippet_scores`: trafilatura's evaluation metric. On the whitespace-normalised extracted
  text a ``with`` snippet found is a true positive (missing: false negative), a ``without``
  snippet found is a false positive (missing: true negative); precision, recall, accuracy and
  F-score are computed over all snippets of all pages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "SnippetCounts",
    "aeb_document_counts",
    "aeb_scores",
    "aeb_tokens",
    "normalize_ws",
    "shingles",
    "snippet_counts",
    "snippet_scores",
]

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_WS = re.compile(r"\s+")


def aeb_tokens(text: str | None) -> list[str]:
    """``\\w+`` tokens of ``text`` (case kept, as upstream)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[str]:
    """Multiset of token ``n``-gram shingles; fewer than ``n`` tokens give one shingle of them all."""
    tokens = aeb_tokens(text)
    out: Counter[str] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = " ".join(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def aeb_document_counts(true: str | None, pred: str | None, n: int = 4) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) shingle shares of one document (they sum to 1, or are all 0)."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def aeb_scores(truth: Mapping[str, str], predicted: Mapping[str, str], n: int = 4) -> dict[str, float]:
    """AEB precision, recall, F1 and accuracy of ``predicted`` against ``truth``.

    Parameters
    ----------
    truth : mapping id -> article body
    predicted : mapping id -> extracted text
        A document missing from ``predicted`` counts as an empty extraction.

    Returns
    -------
    dict with ``precision``, ``recall``, ``f1``, ``accuracy`` and ``n_docs``.
    """
    if not truth:
        raise ValueError("aeb_scores: no documents to score")
    precisions, recalls, exact = [], [], 0
    for doc_id, body in truth.items():
        pred = predicted.get(doc_id, "") or ""
        counts = aeb_document_counts(body, pred, n)
        precisions.append(_precision(*counts))
        recalls.append(_recall(*counts))
        exact += aeb_tokens(body) == aeb_tokens(pred)
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "accuracy": exact / len(truth), "n_docs": len(truth)}


def normalize_ws(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return _WS.sub(" ", text or "").strip()


@dataclass
class SnippetCounts:
    """Snippet confusion counts of the trafilatura evaluation."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __iadd__(self, other: SnippetCounts) -> SnippetCounts:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn
        return self

    def scores(self) -> dict[str, float]:
        """Precision, recall, accuracy and F-score over all counted snippets."""
        tp, fn, fp, tn = self.tp, self.fn, self.fp, self.tn
        total = tp + fn + fp + tn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return {
            "precision": precision,
            "recall": recall,
            "accuracy": (tp + tn) / total if total else 0.0,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
            "tp": tp, "fn": fn, "fp": fp, "tn": tn,
        }  # fmt: skip


def snippet_counts(extracted: str | None, with_: Sequence[str], without: Sequence[str]) -> SnippetCounts:
    """Count one page's snippets against its (whitespace-normalised) extracted text."""
    text = normalize_ws(extracted)
    counts = SnippetCounts()
    for s in with_:
        if normalize_ws(s) in text:
            counts.tp += 1
        else:
            counts.fn += 1
    for s in without:
        if normalize_ws(s) in text:
            counts.fp += 1
        else:
            counts.tn += 1
    return counts


def snippet_scores(
    pages: Iterable[tuple[str | None, Sequence[str], Sequence[str]]],
) -> dict[str, float]:
    """Trafilatura-eval scores over ``(extracted_text, with_snippets, without_snippets)`` pages."""
    total = SnippetCounts()
    n = 0
    for extracted, with_, without in pages:
        total += snippet_counts(extracted, with_, without)
        n += 1
    return {**total.scores(), "n_docs": n}

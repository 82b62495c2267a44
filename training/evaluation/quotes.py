"""Scoring found quotes and their speakers against gold direct quotes (PolNeAR's rules).

The rules (issue 12, corpus README ``polnear/README.md``):

- **Spans.** Both spans are trimmed of white space, punctuation and quotation marks. A predicted
  quote matches a gold one when they overlap by at least half of the shorter and a fifth of the
  longer span; matching is one to one, greedy by overlap (largest first). Predictions lying mostly
  (over half their characters) inside mixed or embedded content (a quoted phrase inside indirect
  speech) are ignored, neither right nor wrong. Direct-quote precision, recall and F1 count the
  matched pairs.
- **Speakers** are scored on matched quotes whose gold source is a name (see
  :func:`newsclf.data.importers.polnear.source_head`). A predicted speaker is right when the last
  name tokens agree, or when one name's words contain the other's and the prediction contains the
  gold last name (:func:`speaker_agrees`). Pronoun and nominal gold sources are not scored.

Figures (:func:`summarise`): ``quote_f1`` (with ``precision``/``recall``), ``speaker_accuracy``
(named gold quotes that were matched: share with the right speaker) and ``named_found`` (all named
gold quotes: share matched *and* with the right speaker), per publisher and overall.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsclf.data.importers.polnear import ArticleGold, last_name, quoted_regions

__all__ = [
    "ArticleScore",
    "PredictedQuote",
    "match_spans",
    "quote_mark_baseline",
    "score_article",
    "speaker_agrees",
    "summarise",
    "trim_span",
]

_TRIM = set(" \t\n\r\f\v\u00a0\u2009\u202f.,;:!?…—–-'\"“”‘’«»„()[]")


@dataclass(frozen=True)
class PredictedQuote:
    """A found quote: offsets into the article text and its speaker (None when unattributed)."""

    start: int
    end: int
    speaker: str | None = None


@dataclass
class ArticleScore:
    """Counts of one article.

    Attributes
    ----------
    tp, fp, fn : int
        Matched pairs, unmatched (not ignored) predictions, unmatched gold quotes.
    ignored : int
        Predictions lying mostly inside mixed or embedded content.
    named, named_matched, named_right : int
        Named gold quotes; of them, matched; of those, with the right speaker.
    errors : list of dict
        One entry per miss, false alarm and wrong named speaker (for error analysis).
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    named: int = 0
    named_matched: int = 0
    named_right: int = 0
    errors: list[dict] = field(default_factory=list)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without surrounding white space, punctuation and quotation marks."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(
    pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """One-to-one ``(pred index, gold index)`` pairs: overlap >= 1/2 of the shorter and >= 1/5 of
    the longer span, greedy from the largest overlap (ties: earlier gold, then earlier pred)."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            ov = _overlap(p, g)
            if not ov:
                continue
            short, long_ = sorted((p[1] - p[0], g[1] - g[0]))
            if ov >= 0.5 * short and ov >= 0.2 * long_:
                pairs.append((-ov, j, i))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for _, j, i in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return sorted(out)


_NAME_TOKEN = re.compile(r"[\w’'.-]+")


def _words(name: str) -> set[str]:
    out = set()
    for t in _NAME_TOKEN.findall(name):
        t = re.sub(r"[’']s$", "", t).strip(".’'-").lower()
        if t:
            out.add(t)
    return out


def speaker_agrees(pred: str | None, gold: str) -> bool:
    """Whether a predicted speaker names the gold (named) speaker.

    Right when the last name tokens agree ("Caddell" = "Pat Caddell"), or when one name's words
    contain the other's and the prediction contains the gold last name ("Caddell, a pollster").
    """
    if not pred or not gold:
        return False
    g_last = last_name(gold)
    if not g_last:
        return False
    if last_name(pred) == g_last:
        return True
    pw, gw = _words(pred), _words(gold)
    return (pw >= gw or gw >= pw) and g_last in pw


def score_article(
    text: str, predicted: Iterable[PredictedQuote], gold: ArticleGold, article: str = ""
) -> ArticleScore:
    """Score one article's predictions against its gold (module docstring)."""
    out = ArticleScore()
    preds = []
    for p in predicted:
        span = trim_span(text, p.start, p.end)
        if span[1] <= span[0]:
            continue
        inside = sum(_overlap(span, ig) for ig in gold.ignore)
        if inside * 2 > span[1] - span[0]:
            out.ignored += 1
            continue
        preds.append((span, p))
    gspans = [trim_span(text, q.start, q.end) for q in gold.quotes]
    pairs = match_spans([s for s, _ in preds], gspans)
    matched_p = {i for i, _ in pairs}
    matched_g = {j: i for i, j in pairs}
    out.tp = len(pairs)
    out.fp = len(preds) - len(pairs)
    out.fn = len(gold.quotes) - len(pairs)
    for i, (span, _p) in enumerate(preds):
        if i not in matched_p:
            out.errors.append({"article": article, "error": "false_quote", "start": span[0],
                               "end": span[1], "text": text[span[0]:span[1]][:200]})
    for j, q in enumerate(gold.quotes):
        gs = gspans[j]
        if j not in matched_g:
            out.errors.append({"article": article, "error": "missed_quote", "start": gs[0],
                               "end": gs[1], "text": text[gs[0]:gs[1]][:200], "gold": q.speaker})
        if not q.named:
            continue
        out.named += 1
        if j in matched_g:
            out.named_matched += 1
            pred = preds[matched_g[j]][1].speaker
            if speaker_agrees(pred, q.speaker):
                out.named_right += 1
            else:
                out.errors.append({"article": article, "error": "wrong_speaker", "start": gs[0],
                                   "end": gs[1], "text": text[gs[0]:gs[1]][:120],
                                   "gold": q.speaker, "pred": pred})
    return out


def quote_mark_baseline(text: str, min_words: int = 3) -> list[PredictedQuote]:
    """The quotation-mark anchor: closed quotations (marks paired per line, ``''`` read as ``"``)
    of at least ``min_words`` words; no speaker."""
    out = []
    for a, b in quoted_regions(text, closed_only=True):
        if len(re.findall(r"\w+", text[a:b])) >= min_words:
            out.append(PredictedQuote(a, b))
    return out


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def summarise(scores: Iterable[ArticleScore]) -> dict[str, float | int | None]:
    """The figures over ``scores``: counts, precision, recall, ``quote_f1``, ``speaker_accuracy``,
    ``named_found`` (None where undefined)."""
    tot = ArticleScore()
    n = 0
    for s in scores:
        n += 1
        for k in ("tp", "fp", "fn", "ignored", "named", "named_matched", "named_right"):
            setattr(tot, k, getattr(tot, k) + getattr(s, k))
    p = _ratio(tot.tp, tot.tp + tot.fp)
    r = _ratio(tot.tp, tot.tp + tot.fn)
    f1 = 2 * p * r / (p + r) if p and r else 0.0
    return {
        "articles": n,
        "gold": tot.tp + tot.fn,
        "predicted": tot.tp + tot.fp,
        "tp": tot.tp,
        "fp": tot.fp,
        "fn": tot.fn,
        "ignored": tot.ignored,
        "precision": p,
        "recall": r,
        "quote_f1": f1,
        "named": tot.named,
        "named_matched": tot.named_matched,
        "named_right": tot.named_right,
        "speaker_accuracy": _ratio(tot.named_right, tot.named_matched),
        "named_found": _ratio(tot.named_right, tot.named),
    }

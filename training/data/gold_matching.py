"""Gold labels onto a processed article: match gold sentences and quotes to the detected ones,
so that no gold label is lost and every one is counted.

:func:`apply_gold` takes a :class:`~newsclf.data.document.ProcessedArticle` and the article's
:class:`~newsclf.data.annotations.Gold` and returns the article with its quotes corrected, the
labels keyed by the offsets the row builder (:class:`~newsclf.data.examples.Collector`) uses,
and a :class:`GoldReport`:

Sentences
    A gold sentence with the span of a detected sentence (or block, for ``unit: block`` sources)
    labels it (*applied*). Otherwise every detected sentence that gold sentences of one label
    cover for at least half of its length takes that label (*fuzzy*): the sentence splitter cut a
    little differently, or the rows are whole blocks. A gold sentence
    that labels no detected sentence (it covers less than half of each, or a sentence of the
    other label overlaps the same detected sentence) is *unplaced*.
Quotes
    Gold quotes are matched one to one, greedily by overlap, to detected quotes: the same span
    is *applied*; spans whose ends differ by at most :data:`MAX_SHIFT` characters in total, or
    that overlap by at least :data:`MIN_OVERLAP` of the longer one, are *fuzzy* (the detected
    words are kept, as the model will see them at prediction time). A gold quote that matches no
    detected quote is *added*: the quote is used as the annotator gave it (detected quotes that
    overlap it are dropped, the gold words replace them). Matched and added quotes take the gold
    speaker, side and fragment flag where the gold gives them.

Counts are of gold *labels*: one per gold sentence, and one per (quote, target) stance label.
A stance toward a target that is not an actor of the actors file is *unplaced* too, and so is
every label of an item that could not be found in the text
(:meth:`~newsclf.data.annotations.Gold.place`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsclf.data.annotations import Gold, GoldPlacement, PlacedItem
from newsclf.data.types import Quote

__all__ = ["MAX_SHIFT", "MIN_OVERLAP", "OUTCOMES", "GoldReport", "apply_gold"]

MAX_SHIFT = 3
"""Total characters by which the two ends of a fuzzily matched quote may differ."""

MIN_OVERLAP = 0.8
"""Share of the longer span that a fuzzily matched quote must overlap."""

OUTCOMES = ("applied", "fuzzy", "added", "unplaced")


@dataclass
class GoldReport:
    """What became of one article's gold labels.

    Attributes
    ----------
    article : str
    path : str
        The gold file.
    sentences, stance : Counter
        Gold labels per outcome (:data:`OUTCOMES`; sentences are never ``added``).
    quotes : Counter
        Gold quotes per outcome (fragments included; they carry no stance label).
    corrected : dict
        Detected values the gold replaced: ``speaker``, ``side``, ``fragment`` (counts).
    unannotated_quotes : int
        Detected full quotes no gold quote matches (they keep weak labels).
    left_out_quotes : int
        Detected full quotes no gold quote matches that were left out: they overlap a gold quote
        the finder missed (the same words cut differently), or the gold lists every quote of the
        article (``quotes_complete``).
    details : list of str
        One line per fuzzy, added or unplaced item, naming the item and why.
    text_changed : bool
        The gold file's sha256 differs from the article text.
    """

    article: str
    path: str = ""
    sentences: Counter = field(default_factory=Counter)
    stance: Counter = field(default_factory=Counter)
    quotes: Counter = field(default_factory=Counter)
    corrected: Counter = field(default_factory=Counter)
    unannotated_quotes: int = 0
    left_out_quotes: int = 0
    details: list[str] = field(default_factory=list)
    text_changed: bool = False

    def labels(self) -> dict[str, int]:
        """Gold labels (sentences + stance) per outcome."""
        return {k: self.sentences[k] + self.stance[k] for k in OUTCOMES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "path": self.path,
            "labels": self.labels(),
            "sentences": {k: self.sentences[k] for k in OUTCOMES if k != "added"},
            "stance": {k: self.stance[k] for k in OUTCOMES},
            "quotes": {k: self.quotes[k] for k in OUTCOMES},
            "corrected": dict(sorted(self.corrected.items())),
            "unannotated_quotes": self.unannotated_quotes,
            "left_out_quotes": self.left_out_quotes,
            "text_changed": self.text_changed,
            "details": self.details,
        }


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _n_labels(item: Any) -> int:
    return len(item.stance or {}) if hasattr(item, "stance") else 1


def _sentences(
    detected: Sequence[tuple[int, int]], placed: list[PlacedItem], report: GoldReport
) -> dict[tuple[int, int], str]:
    labels: dict[tuple[int, int], str] = {}
    used: dict[int, str] = {}  # gold index -> outcome
    by_span = {(p.item.start, p.item.end): p for p in placed}
    for span in detected:
        exact = by_span.get(span)
        if exact is not None:
            labels[span] = exact.item.label
            used[exact.index] = "fuzzy" if exact.fuzzy else "applied"
            continue
        cover = [(p, _overlap(span, (p.item.start, p.item.end))) for p in placed]
        cover = [(p, o) for p, o in cover if o > 0]
        if not cover:
            continue
        per_label = Counter()
        for p, o in cover:
            per_label[p.item.label] += o
        label, chars = per_label.most_common(1)[0]
        if len(per_label) == 1 and chars * 2 >= span[1] - span[0]:
            labels[span] = label
            for p, _ in cover:
                used.setdefault(p.index, "fuzzy")
    for p in placed:
        outcome = used.get(p.index, "unplaced")
        report.sentences[outcome] += 1
        if outcome != "applied":
            why = (
                "no detected sentence is mostly inside it, or one of another label overlaps it"
                if outcome == "unplaced"
                else f"placed {p.how}; labels the detected sentence(s) it covers"
            )
            report.details.append(f"sentences[{p.index}] {p.item.text[:40]!r}: {outcome} ({why})")
    return labels


def _match_quotes(
    detected: list[Quote], placed: list[PlacedItem]
) -> dict[int, tuple[int, bool]]:
    """Gold index -> (detected index, exact span) for one-to-one matches, best overlap first."""
    pairs = []
    for gi, p in enumerate(placed):
        g = (p.item.start, p.item.end)
        for di, q in enumerate(detected):
            d = (q.start, q.end)
            o = _overlap(g, d)
            if not o:
                continue
            shift = abs(g[0] - d[0]) + abs(g[1] - d[1])
            if shift <= MAX_SHIFT or o >= MIN_OVERLAP * max(g[1] - g[0], d[1] - d[0]):
                pairs.append((-o, shift, gi, di))
    out: dict[int, tuple[int, bool]] = {}
    taken: set[int] = set()
    for _, shift, gi, di in sorted(pairs):
        if gi in out or di in taken:
            continue
        out[gi] = (di, shift == 0)
        taken.add(di)
    return out


def _with_gold(q: Quote, gold: Any, report: GoldReport) -> Quote:
    changes: dict[str, Any] = {}
    for name in ("speaker", "side"):
        value = getattr(gold, name)
        if value is not None and value != getattr(q, name):
            changes[name] = value
    if gold.fragment != q.fragment:
        changes["fragment"] = gold.fragment
    for name in changes:
        report.corrected[name] += 1
    return dataclasses.replace(q, **changes) if changes else q


def apply_gold(
    processed: Any,
    gold: Gold,
    targets: Sequence[str],
    placement: GoldPlacement | None = None,
    unit: str = "sentence",
) -> tuple[Any, Any, GoldReport]:
    """Match ``gold`` to ``processed``; returns ``(processed with corrected quotes, labels, report)``.

    Parameters
    ----------
    processed : ProcessedArticle
    gold : Gold
        As loaded from its file (placed here unless ``placement`` is given).
    targets : sequence of str
        The actor keys stance rows are built for; stance labels toward others are unplaced.
    unit : {"sentence", "block"}
        The boilerplate rows' unit (:func:`newsclf.data.examples.unit_spans`): gold sentences
        label the units they cover.

    Returns
    -------
    (ProcessedArticle, newsclf.data.examples.Gold, GoldReport)
        The labels are keyed by the (corrected) detected offsets.
    """
    from newsclf.data.examples import Gold as Labels
    from newsclf.data.examples import unit_spans

    article = processed.article
    placement = placement or gold.place(article.text)
    report = GoldReport(article=article.id, path=str(gold.path or ""))
    report.text_changed = placement.text_changed
    if placement.text_changed:
        report.details.append(
            "the article text changed since it was annotated (sha256 differs); items placed by their text"
        )
    for u in placement.unplaced:
        item = (gold.sentences if u["kind"] == "sentences" else gold.quotes)[u["index"]]
        if u["kind"] == "sentences":
            report.sentences["unplaced"] += 1
        else:
            report.quotes["unplaced"] += 1
            report.stance["unplaced"] += _n_labels(item)
        report.details.append(f"{u['kind']}[{u['index']}] {u['text'][:40]!r}: unplaced ({u['reason']})")

    units = [(start, end) for start, end, _, _ in unit_spans(processed, unit)]
    sentence_labels = _sentences(units, placement.sentences, report)

    detected = list(processed.quotes)
    matches = _match_quotes(detected, placement.quotes)
    quotes: list[Quote | None] = list(detected)
    added: list[Quote] = []
    stance: dict[tuple[int, int, str], str] = {}
    known = set(targets)
    for gi, p in enumerate(placement.quotes):
        g = p.item
        if gi in matches:
            di, same_span = matches[gi]
            q = _with_gold(detected[di], g, report)
            quotes[di] = q
            outcome = "applied" if same_span and not p.fuzzy else "fuzzy"
            if outcome == "fuzzy":
                report.details.append(
                    f"quotes[{p.index}] {g.text[:40]!r}: fuzzy (gold {g.start}:{g.end}, "
                    f"detected {q.start}:{q.end}, placed {p.how})"
                )
        else:
            q = Quote(g.start, g.end, g.text, g.speaker, g.side, g.fragment)
            added.append(q)
            outcome = "added"
            report.details.append(
                f"quotes[{p.index}] {g.text[:40]!r}: added (the quote finder did not find "
                f"{g.start}:{g.end}; used as annotated)"
            )
        report.quotes[outcome] += 1
        for target, label in (g.stance or {}).items():
            if target not in known:
                report.stance["unplaced"] += 1
                report.details.append(
                    f"quotes[{p.index}] stance toward {target!r}: unplaced (not a target of the "
                    f"actors file: {', '.join(targets)})"
                )
                continue
            stance[(q.start, q.end, target)] = label
            report.stance[outcome] += 1
    # Detected quotes no gold quote matches: those overlapping an added gold quote are the same
    # words cut differently, and with quotes_complete the annotator said they are no quotes.
    matched_detected = {m[0] for m in matches.values()}
    for di, q in enumerate(quotes):
        if q is None or di in matched_detected:
            continue
        if gold.quotes_complete or any(_overlap((q.start, q.end), (a.start, a.end)) for a in added):
            quotes[di] = None
            report.left_out_quotes += not q.fragment
        elif not q.fragment:
            report.unannotated_quotes += 1
    final = sorted([q for q in quotes if q is not None] + added, key=lambda q: (q.start, q.end))
    corrected = dataclasses.replace(processed, quotes=final)
    return corrected, Labels(sentences=sentence_labels, stance=stance), report

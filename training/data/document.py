"""An article with its sentences, quotes and reading warnings: the unit the rest of newsclf uses."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from newsclf.data.actors import Actors, load_actors
from newsclf.data.quotes import find_quotes
from newsclf.data.segment import split_sentences
from newsclf.data.types import Article, Quote, Sentence

__all__ = [
    "ProcessedArticle",
    "boilerplate_records",
    "process_article",
    "quotes_json",
    "sentence_labels",
]


@dataclass
class ProcessedArticle:
    """An article segmented into sentences, with its attributed quotes.

    Attributes
    ----------
    article : Article
    sentences : list of Sentence
        In text order, offsets into ``article.text``.
    quotes : list of Quote
        In text order, offsets into ``article.text``.
    warnings : list of str
        Problems found while processing (unbalanced quote marks...), ``source:line: message``.
    """

    article: Article
    sentences: list[Sentence]
    quotes: list[Quote]
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.article.id

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing character ``offset`` (the nearest before it otherwise)."""
        starts = [s.start for s in self.sentences]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def quotes_in(self, sentence: Sentence) -> list[Quote]:
        """Quotes that overlap ``sentence``."""
        return [q for q in self.quotes if q.start < sentence.end and q.end > sentence.start]


def process_article(
    article: Article, actors: Actors | None = None, attribution: Any = None
) -> ProcessedArticle:
    """Segment ``article`` and find its quotes (actors from ``configs/actors.yaml`` by default).

    ``attribution`` is a fitted attribution model (:func:`newsclf.data.attribution.load_attribution`)
    that ranks the candidate speakers of each quote; without it the rules attribute them.
    """
    if actors is None:
        actors = load_actors()
    sentences = split_sentences(article.text, article.blocks or None)
    warnings: list[str] = []
    quotes = find_quotes(article, sentences, actors, warnings=warnings, attribution=attribution)
    return ProcessedArticle(article=article, sentences=sentences, quotes=quotes, warnings=warnings)


def boilerplate_records(processed: ProcessedArticle) -> list[dict]:
    """Model input records (task ``boilerplate``) for every sentence, in document order.

    Sentences of plain text carry ``tag`` ``"line"`` when they fill their line alone and ``"p"``
    otherwise (:func:`newsclf.data.pages.text_unit_tag`), as the plain-text training rows do."""
    from newsclf.data.pages import text_unit_tag

    article = processed.article
    blocks = {b.index: b for b in article.blocks}
    n = len(processed.sentences)
    out = []
    for i, s in enumerate(processed.sentences):
        b = blocks.get(s.block)
        out.append(
            {
                "text": s.text,
                "group": article.id,
                "position": i / (n - 1) if n > 1 else 0.0,
                "tag_path": b.tag_path if b else "",
                "attrs": b.attrs if b else "",
                "link_density": float(b.link_density) if b else 0.0,
                "tag": b.tag if b and b.tag_path else text_unit_tag(article.text, s.start, s.end),
            }
        )
    return out


def sentence_labels(processed: ProcessedArticle, model=None) -> list[str]:
    """``content``/``boilerplate`` per sentence: from a trained boilerplate model when given, else
    from the weak labelling functions."""
    if not processed.sentences:
        return []
    if model is not None:
        from newsclf.pipeline.predict import predict_records

        return [
            p["label"]
            for p in predict_records(model, "boilerplate", boilerplate_records(processed))
        ]
    from newsclf.data.labelling import weak_sentence_labels

    return list(weak_sentence_labels(processed))


def quotes_json(processed: ProcessedArticle, labels: list[str] | None = None) -> dict:
    """The ``newsclf quotes`` object of one article: id, labelled sentences and quotes."""
    if labels is None:
        labels = sentence_labels(processed)
    return {
        "id": processed.article.id,
        "sentences": [
            {"start": s.start, "end": s.end, "text": s.text, "label": lab}
            for s, lab in zip(processed.sentences, labels, strict=True)
        ],
        "quotes": [
            {
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "speaker": q.speaker,
                "side": q.side,
                "fragment": q.fragment,
            }
            for q in processed.quotes
        ],
    }

"""Position lookups over one article: paragraphs, sentences, lines and quotes, in O(log n) each.

The quote finder and the speaker search ask, for every quote, "which paragraph / sentence is this
offset in, where does it start, is this offset inside a quote?". :class:`TextIndex` answers from
sorted offset arrays built once per article, so that no question re-scans the text or rebuilds a
list per quote (the whole quote path stays O(n log n) in the article's size).

Paragraphs for quotes are the article's blocks (blank-line paragraphs for plain text), further cut
at line breaks where the sentence splitter also cuts (a standalone line: it does not end in a
comma, colon, hyphen..., and the next line does not start in lower case). PolNeAR and many wire
texts separate paragraphs by a single line break.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsclf.data.types import Article, Sentence

__all__ = ["QuoteSite", "TextIndex", "quote_paragraphs"]

_PARA_SEP = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_LINE_BREAK = re.compile(r"\r?\n|\r")
_NO_BREAK_AFTER_LINE = re.compile(r"[,:;\-–(\[/&]$|\b(?:and|or|of|the|a|an|to|in|for|with|by)$")


def _blocks(article: Article) -> list[tuple[int, int]]:
    if article.blocks:
        return [(b.start, b.end) for b in article.blocks]
    text = article.text
    spans, pos = [], 0
    for m in _PARA_SEP.finditer(text):
        if text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def quote_paragraphs(article: Article) -> list[tuple[int, int]]:
    """``(start, end)`` of the paragraphs quotes are paired in (module docstring), stripped."""
    text = article.text
    out: list[tuple[int, int]] = []
    for bstart, bend in _blocks(article):
        unit = bstart
        for brk in _LINE_BREAK.finditer(text, bstart, bend):
            line = text[unit : brk.start()].rstrip()
            j = brk.end()
            while j < bend and text[j] in " \t":
                j += 1
            nxt = text[j : j + 1]
            if not line.strip():
                unit = brk.end()
                continue
            if nxt and (nxt.islower() or _NO_BREAK_AFTER_LINE.search(line)):
                continue
            s, e = _strip(text, unit, brk.start())
            if e > s:
                out.append((s, e))
            unit = brk.end()
        s, e = _strip(text, unit, bend)
        if e > s:
            out.append((s, e))
    return out


@dataclass
class TextIndex:
    """Sorted offsets of an article's paragraphs, sentences, line breaks and quotes.

    Parameters
    ----------
    text : str
    paragraphs : list of (start, end)
        From :func:`quote_paragraphs`.
    sentences : sequence of Sentence
    """

    text: str
    paragraphs: list[tuple[int, int]]
    sentences: Sequence[Sentence]
    para_starts: list[int] = field(init=False)
    sent_starts: list[int] = field(init=False)
    newlines: list[int] = field(init=False)
    quote_opens: list[int] = field(default_factory=list, init=False)
    quote_closes: list[int] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.para_starts = [p[0] for p in self.paragraphs]
        self.sent_starts = [s.start for s in self.sentences]
        self.newlines = [m.start() for m in re.finditer("\n", self.text)]

    def set_quotes(self, spans: Sequence[tuple[int, int]]) -> None:
        """Quote spans ``(open mark, close mark)`` in text order, for :meth:`in_quote`."""
        self.quote_opens = [a for a, _ in spans]
        self.quote_closes = [b for _, b in spans]

    def line_of(self, pos: int) -> int:
        """1-based line number of offset ``pos``."""
        return bisect.bisect_left(self.newlines, pos) + 1

    def para_at(self, pos: int) -> int:
        """Index of the paragraph holding ``pos`` (the nearest one before it otherwise)."""
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def sentence_at(self, pos: int) -> int:
        """Index of the sentence holding ``pos`` (the nearest one before it otherwise); -1 when
        there are no sentences."""
        if not self.sent_starts:
            return -1
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        """Whether ``pos`` lies strictly between the marks of a quote."""
        i = bisect.bisect_right(self.quote_opens, pos) - 1
        return i >= 0 and self.quote_opens[i] < pos < self.quote_closes[i]

    def quote_between(self, start: int, end: int) -> bool:
        """Whether a quote mark pair starts in ``[start, end)``."""
        i = bisect.bisect_left(self.quote_opens, start)
        return i < len(self.quote_opens) and self.quote_opens[i] < end

    def sentence_span(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence holding ``pos``, clipped to its paragraph."""
        pi = self.para_at(pos)
        ps, pe = self.paragraphs[pi] if self.paragraphs else (0, len(self.text))
        si = self.sentence_at(pos)
        if si < 0:
            return ps, pe
        s = self.sentences[si]
        start = s.start if s.start <= pos and s.start >= ps else ps
        end = s.end if s.end > pos and s.end <= pe else pe
        return start, end


@dataclass
class QuoteSite:
    """Where a quote sits: its marks, its words and the text around it in its sentence.

    Attributes
    ----------
    open, close : int
        Offset of the opening mark; of the closing mark, or the paragraph's end when the quote is
        left open there (``close_len == 0``).
    open_len, close_len : int
        Length of the marks (2 for the NYT's ``''``; 0 for a missing closing mark).
    start, end : int
        The quoted words (marks and surrounding white space excluded).
    para : int
        Paragraph index (:func:`quote_paragraphs`).
    before_start, after_end : int
        The text around the quote inside its sentence(s), not crossing a neighbouring quote:
        ``text[before_start:open]`` and ``text[close + close_len:after_end]``.
    fragment : bool
        A few words embedded in the reporter's sentence (not a quote of its own).
    continues, continued : bool
        This paragraph continues a quote of the previous paragraph; the quote goes on in the next.
    group : int
        Index (in the site list) of the first paragraph of a multi-paragraph quote; its own index
        otherwise.
    label : tuple of int or None
        A quoted transcript line's speaker label (``"PENCE: Well, ...``): its span, left out of
        ``start``/``end``.
    """

    open: int
    close: int
    open_len: int
    close_len: int
    start: int
    end: int
    para: int
    before_start: int = 0
    after_end: int = 0
    fragment: bool = False
    continues: bool = False
    continued: bool = False
    group: int = 0
    label: tuple[int, int] | None = None

    def before(self, text: str) -> str:
        return text[self.before_start : self.open]

    def after(self, text: str) -> str:
        return text[self.close + self.close_len : self.after_end]

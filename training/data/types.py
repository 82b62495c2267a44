"""The data module's value types: articles, their blocks, sentences and quotes.

All offsets are character offsets into ``Article.text`` (Python ``str`` indices, end exclusive),
so ``article.text[x.start:x.end]`` always gives back the unit's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Article", "Block", "Quote", "Sentence"]


@dataclass(frozen=True, slots=True)
class Block:
    """A text block of an article: a paragraph of a text file or a block element of an HTML page.

    Attributes
    ----------
    start, end : int
        Offsets of the block's text in ``Article.text``.
    index : int
        Position of the block in the article (0-based).
    tag_path : str
        DOM path of the block element, e.g. ``"html/body/div/article/p"`` ("" for plain text).
    attrs : str
        Space-joined class/id tokens of the element and its ancestors, lower-cased ("" for text).
    link_density : float
        Share of the block's characters that sit inside ``<a>`` elements, in [0, 1].
    tag : str
        The block element's own tag name (``"p"``, ``"h1"``, ``"li"``...; ``"p"`` for text).
    """

    start: int
    end: int
    index: int
    tag_path: str = ""
    attrs: str = ""
    link_density: float = 0.0
    tag: str = "p"


@dataclass(slots=True)
class Article:
    """One article as read: its visible text and, where known, its blocks.

    Attributes
    ----------
    id : str
        Stable identifier (file name without extensions, or the JSONL ``id``).
    text : str
        The article text; blocks are separated by blank lines (``"\\n\\n"``).
    source : str
        Where it came from (file path, ``path:line`` for JSONL, corpus name).
    meta : dict
        Free metadata (url, title, date, site...).
    blocks : list of Block
        The article's blocks in reading order, covering the text.
    """

    id: str
    text: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a line without final punctuation) with offsets into ``Article.text``."""

    start: int
    end: int
    text: str
    block: int = 0


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: ``text`` is the quoted words without their quote marks.

    Attributes
    ----------
    start, end : int
        Offsets of the quoted words (quote marks excluded) in ``Article.text``.
    speaker : str or None
        The speaker named as fully as the article allows, or None when unattributed.
    side : str or None
        The speaker's actor key from the actors file (``"taliban"``, ``"nrf"``), or None.
    fragment : bool
        True for a few words embedded in the reporter's own sentence.
    """

    start: int
    end: int
    text: str
    speaker: str | None = None
    side: str | None = None
    fragment: bool = False

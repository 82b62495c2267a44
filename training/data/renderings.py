"""Render a read HTML page as the plain text users actually get from it.

A plain-text article rarely comes clean: it is a browser copy of the page or of the story area, the
output of an HTML-to-text tool or a reader view, each with its own habits (what it keeps, how it
separates paragraphs and list items). To learn boilerplate lines in such text, the page corpora are
rendered in several of these ways, and every sentence of the rendering is labelled from the page's
gold (:mod:`newsclf.data.importers.aeb`, :mod:`newsclf.data.importers.trafilatura`).

Renderings (:data:`RENDERINGS`), built from the page's blocks (:func:`newsclf.data.html.read_html`):

``visible``      every visible block, one per line (a "select all, copy" of the page, or a
                 text dump such as ``html-text``): navigation, footer and all
``paragraphs``   every visible block, blank lines between blocks (``html2text``-like tools)
``no_links``     every block that is not mostly link text, one per line (tools that leave out
                 link text: menus and teaser lists vanish, inline links stay)
``story``        a copy of the story area: from the headline to a few blocks after the story's last
                 paragraph (bylines, dates, captions, share and "Read more" lines inside it), blank
                 lines between paragraphs, single line breaks between list items and short lines
``story_lines``  the same area with a single line break everywhere (apps and some browsers)
``reader``       a reader view: the story area without link lists, forms, asides, navigation
                 and footers (captions, sub-headings and lists stay), blank-line paragraphs
``reader_bare``  the reader view without captions and list items
``wrapped``      the story area hard-wrapped at 72 columns (e-mail, ``lynx -dump``)

The story area comes from the page's gold (the first and last content blocks); pages without
content blocks render their whole text for the area renderings.

Noise (``noise`` > 0, seeded): adjacent short lines are joined into one (``"By Jane Doe | May 3"``),
long paragraphs are broken into lines at sentence ends, and a blank line sometimes becomes a
single line break, as copy-paste and tools do.
"""

from __future__ import annotations

import random
import re
import textwrap
from dataclasses import dataclass

from newsclf.data.types import Article, Block

__all__ = ["RENDERINGS", "Rendered", "render_page", "story_span"]

RENDERINGS = ("visible", "paragraphs", "no_links", "story", "story_lines", "reader", "reader_bare", "wrapped")
"""Names of the renderings, in a stable order."""

_FURNITURE_TAGS = ("nav", "footer", "aside", "form", "header")
# sections a reader view drops (it keeps the byline and date lines at the top of the story)
_FURNITURE_CUES = re.compile(r"comment|share|social|related|recommend|newsletter|subscri|promo|sidebar|widget|cookie|"
                             r"breadcrumb|menu|nav|footer|tags?\b")  # fmt: skip
_CAPTION_CUES = re.compile(r"caption|credit|gallery|photo|image|figure|media")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]?\s+(?=[\"'“‘«(]?[A-ZÀ-ÖØ-Þ0-9])")
_JOINERS = (" ", " | ", " · ", " - ", "  ")
_AFTER_STORY = 6


@dataclass(frozen=True)
class Rendered:
    """A page rendered as plain text.

    Attributes
    ----------
    text : str
        The rendered text.
    spans : list of (start, end, block)
        Offsets in ``text`` of each rendered piece and the index of the page block it comes from
        (several pieces when a block was broken into lines), in text order.
    name : str
        The rendering.
    """

    text: str
    spans: list[tuple[int, int, int]]
    name: str

    def blocks_of(self, start: int, end: int) -> list[int]:
        """Indices of the page blocks whose rendered text overlaps ``text[start:end]``."""
        return sorted({b for s, e, b in self.spans if s < end and e > start})


def story_span(labels: list[str | None], blocks: list[Block], texts: list[str], titles: set[str]) -> tuple[int, int]:
    """Block index span ``(first, last)`` of the story area: from the headline (a block whose
    normalised text is one of ``titles``, or the first ``h1``) or, without one, the first content
    block, to the last content block. The whole page when no block is content."""
    content = [i for i, lab in enumerate(labels) if lab == "content"]
    if not content:
        return 0, len(blocks) - 1
    first, last = content[0], content[-1]
    head = next((i for i in range(first, -1, -1) if " ".join(texts[i].split()).lower() in titles), None)
    if head is None:
        head = next((i for i in range(first, -1, -1) if blocks[i].tag == "h1"), None)
    if head is not None and first - head <= 25:
        first = head
    return first, last


def _is_furniture(block: Block) -> bool:
    steps = block.tag_path.split("/")[:-1]
    if any(s in _FURNITURE_TAGS for s in steps):
        return True
    near = " ".join(block.attrs.split()[-12:])
    return bool(_FURNITURE_CUES.search(near))


def _is_caption(block: Block) -> bool:
    return block.tag in ("figcaption", "caption") or "/figure/" in block.tag_path + "/" or bool(
        _CAPTION_CUES.search(" ".join(block.attrs.split()[-6:]))
    )


def _select(name: str, blocks: list[Block], texts: list[str], story: tuple[int, int], rng: random.Random) -> list[int]:
    n = len(blocks)
    if name in ("visible", "paragraphs"):
        return list(range(n))
    if name == "no_links":
        return [i for i in range(n) if blocks[i].link_density < 0.5]
    first, last = story
    last = min(n - 1, last + rng.randint(0, _AFTER_STORY))
    area = list(range(first, last + 1))
    if name in ("story", "story_lines", "wrapped"):
        return area
    kept = [i for i in area if blocks[i].link_density < 0.5 and (i == first or not _is_furniture(blocks[i]))]
    if name == "reader_bare":
        kept = [i for i in kept if blocks[i].tag != "li" and not _is_caption(blocks[i])]
    return kept


def _separator(name: str, prev: Block, block: Block, prev_text: str, text: str) -> str:
    if name in ("visible", "no_links", "story_lines"):
        return "\n"
    if name in ("story", "wrapped") and (
        (prev.tag == block.tag and block.tag in ("li", "td", "dd", "dt")) or (len(prev_text) < 40 and len(text) < 40)
    ):
        return "\n"
    return "\n\n"


def _pieces(text: str, name: str, rng: random.Random, noise: float) -> list[str]:
    """A block's text as one or more lines (long paragraphs sometimes broken at sentence ends)."""
    if name == "wrapped":
        return textwrap.wrap(text, width=72, break_long_words=False, break_on_hyphens=False) or [text]
    if noise and len(text) > 200 and rng.random() < noise:
        parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
        if len(parts) > 1:
            cut = rng.randint(1, len(parts) - 1)
            return [" ".join(parts[:cut]), " ".join(parts[cut:])]
    return [text]


def render_page(
    article: Article,
    name: str,
    story: tuple[int, int] | None = None,
    rng: random.Random | None = None,
    noise: float = 0.0,
) -> Rendered:
    """Render ``article`` (an HTML page read into blocks) as plain text.

    Parameters
    ----------
    article : Article
        A page from :func:`newsclf.data.html.read_html`.
    name : str
        One of :data:`RENDERINGS`.
    story : (first, last), optional
        Block span of the story area (:func:`story_span`); the whole page when None.
    rng : random.Random, optional
        Source of the random choices (the end of the story area, noise); ``Random(0)`` when None.
    noise : float
        Probability of each noise edit: joining two adjacent short lines, breaking a long
        paragraph at a sentence end, a blank line turned into a single line break.

    Returns
    -------
    Rendered
    """
    if name not in RENDERINGS:
        raise ValueError(f"rendering must be one of {', '.join(RENDERINGS)}; got {name!r}")
    rng = rng or random.Random(0)
    blocks = article.blocks
    if not blocks:
        return Rendered("", [], name)
    texts = [article.text[b.start : b.end] for b in blocks]
    story = story or (0, len(blocks) - 1)
    order = _select(name, blocks, texts, story, rng)
    out: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    prev: int | None = None
    for i in order:
        text = texts[i]
        if prev is not None:
            sep = _separator(name, blocks[prev], blocks[i], texts[prev], text)
            if noise and name != "wrapped":
                r = rng.random()
                if r < noise and len(texts[prev]) < 60 and len(text) < 80:
                    sep = rng.choice(_JOINERS)  # two short lines glued: "By Jane Doe | May 3, 2021"
                elif r < 2 * noise and sep == "\n\n":
                    sep = "\n"
            out.append(sep)
            pos += len(sep)
        for k, piece in enumerate(_pieces(text, name, rng, noise)):
            if k:
                out.append("\n")
                pos += 1
            out.append(piece)
            spans.append((pos, pos + len(piece), i))
            pos += len(piece)
        prev = i
    return Rendered("".join(out), spans, name)

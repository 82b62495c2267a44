"""Turn read HTML pages into boilerplate-task rows (DOM mode or plain-text mode).

Shared by the page-corpus importers (:mod:`newsclf.data.importers.aeb`,
:mod:`newsclf.data.importers.trafilatura`), the extractor (:mod:`newsclf.extraction`) and the
extraction benchmark, so that training rows and prediction rows are built one way.

Units are blocks (default) or sentences of blocks. In ``mode="dom"`` a row keeps the block's DOM
context (tag path, class/id tokens, link density, tag); in ``mode="text"`` the page is rendered as
the visible text a reader would copy (one line per block: headlines, captions, bylines, nav items)
and the DOM columns stay empty, as for a plain-text article (``tag`` is ``"line"`` for a unit that
fills its line alone, ``"p"`` otherwise: :func:`text_unit_tag`). The renderings of
:mod:`newsclf.data.renderings` turn a page into the plain text users get from it; their sentences
are rows of plain-text articles (:func:`rendered_article`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from newsclf.data.types import Article, Block

__all__ = ["MODES", "UNITS", "Unit", "labelled_rows", "page_columns", "page_rows", "page_units", "rendered_article", "site_of",
           "rendered_rows", "text_unit_tag"]

MODES = ("dom", "text")
UNITS = ("block", "sentence")

_WORDISH = re.compile(r"[^\W\d_]{2}")
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "gob", "or", "ne", "go", "nic"}


def site_of(url_or_name: str) -> str:
    """Registered domain of a URL (``https://www.bbc.co.uk/x`` -> ``bbc.co.uk``), lower-cased.

    A bare host or file-name-like string (``dw.com.colonial.html``) is handled best-effort: its
    host part is the leading run of dot-separated labels before a ``-``/``_``/``/``.
    """
    value = (url_or_name or "").strip().lower()
    host = urlsplit(value).hostname if "://" in value else re.split(r"[-_/:]", value, maxsplit=1)[0]
    host = (host or value).strip(".")
    labels = [x for x in host.split(".") if x and x not in ("html", "htm")]
    while labels and labels[0] in ("www", "m", "amp", "mobile"):
        labels = labels[1:]
    if len(labels) <= 2:
        return ".".join(labels)
    # a file-name host like dw.com.colonial: cut after the first TLD-looking label
    for i in range(1, len(labels)):
        if labels[i] in ("com", "org", "net", "de", "at", "ch", "fr", "es", "pl", "it", "uk", "br",
                         "gov", "info", "io", "eu", "co", "edu", "pa", "hn", "kr", "jp", "ru", "in"):  # fmt: skip
            if not (i + 1 < len(labels) and labels[i] in _SECOND_LEVEL and len(labels[i + 1]) == 2):
                labels = labels[: i + 1]
                break
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


class Unit:
    """One unit (block or sentence) of a page with its DOM context and its offsets in the text."""

    __slots__ = ("text", "block", "index", "start", "end")

    def __init__(self, text: str, block: Block, index: int, start: int = -1, end: int = -1) -> None:
        self.text = text
        self.block = block
        self.index = index
        self.start = start
        self.end = end


def page_units(article: Article, unit: str = "block") -> list[Unit]:
    """The page's units in reading order (blocks, or sentences inside blocks)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    blocks = article.blocks
    if not blocks:
        from newsclf.data.readers import paragraph_blocks

        blocks = paragraph_blocks(article.text)
    if unit == "block":
        return [Unit(article.text[b.start : b.end], b, i, b.start, b.end) for i, b in enumerate(blocks)]
    from newsclf.data.segment import split_sentences

    by_index = {b.index: b for b in blocks}
    sentences = split_sentences(article.text, blocks)
    return [Unit(s.text, by_index.get(s.block, blocks[0]), i, s.start, s.end) for i, s in enumerate(sentences)]


TEXT_TAGS = ("line", "p")
"""``tag`` of a plain-text unit: ``"line"`` when it fills its line alone (a byline, a caption, a
sub-heading, a one-sentence paragraph), ``"p"`` when it shares the line with other sentences."""


def text_unit_tag(text: str, start: int, end: int) -> str:
    """``"line"`` when ``text[start:end]`` fills its line (only spaces or tabs around it up to a line
    break or the text's edge), else ``"p"`` (see :data:`TEXT_TAGS`)."""
    if start < 0:
        return "p"
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] not in "\n\r":
        return "p"
    j, n = end, len(text)
    while j < n and text[j] in " \t":
        j += 1
    return "line" if j >= n or text[j] in "\n\r" else "p"


def rendered_article(article: Article, text: str, name: str) -> Article:
    """A plain-text article of ``article`` rendered as ``text`` (id ``<id>:<name>``, same meta)."""
    from newsclf.data.readers import article_from_text

    return article_from_text(text, f"{article.id}:{name}", article.source, dict(article.meta))


def page_columns(
    article: Article, group: str, mode: str = "dom", unit: str = "block", units: list[Unit] | None = None
) -> dict[str, list[Any]]:
    """The task input columns (text, group, position, tag_path, attrs, link_density, tag) of the
    page's units as lists, one entry per unit in reading order (``units`` reuses a computed cut)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if units is None:
        units = page_units(article, unit)
    n = len(units)
    dom = mode == "dom"
    blocks = [u.block for u in units]
    return {
        "text": [u.text for u in units],
        "group": [group] * n,
        "position": [round(u.index / (n - 1), 6) if n > 1 else 0.0 for u in units],
        "tag_path": [b.tag_path for b in blocks] if dom else [""] * n,
        "attrs": [b.attrs for b in blocks] if dom else [""] * n,
        "link_density": [float(b.link_density) for b in blocks] if dom else [0.0] * n,
        "tag": [b.tag for b in blocks] if dom else [text_unit_tag(article.text, u.start, u.end) for u in units],
    }


def page_rows(
    article: Article, group: str, mode: str = "dom", unit: str = "block", units: list[Unit] | None = None
) -> list[dict[str, Any]]:
    """Task input rows (text, group, position, tag_path, attrs, link_density, tag) plus ``id``
    and ``unit`` (index), one per unit, in reading order (``units`` reuses a computed cut)."""
    if units is None:
        units = page_units(article, unit)
    columns = page_columns(article, group, mode, unit, units)
    names = list(columns)
    rows = []
    for k, u in enumerate(units):
        row = {name: columns[name][k] for name in names}
        row["id"] = article.id
        row["unit"] = u.index
        rows.append(row)
    return rows


def labelled_rows(
    article: Article,
    group: str,
    mode: str,
    unit: str,
    units: list[Unit],
    labels: list[str | None],
    keep_unlabelled: bool,
    stats: Any,
) -> list[dict[str, Any]]:
    """:func:`page_rows` with a ``label`` each (None where unlabelled); unlabelled rows are
    dropped unless ``keep_unlabelled``. Counts ``rows_<label>`` and ``unlabelled`` in ``stats``
    (a ``Counter``)."""
    out = []
    for row, label in zip(page_rows(article, group, mode, unit, units), labels, strict=True):
        if label is None and not keep_unlabelled:
            stats["unlabelled"] += 1
            continue
        row["label"] = label
        out.append(row)
        stats[f"rows_{label}"] += 1
    return out


def rendered_rows(
    article: Article,
    group: str,
    renderings: list[str],
    story: tuple[int, int] | None,
    labeller: Any,
    rng: Any,
    noise: float,
    keep_unlabelled: bool,
    stats: Any,
) -> list[dict[str, Any]]:
    """Plain-text rows of ``article`` rendered each way of ``renderings``
    (:func:`newsclf.data.renderings.render_page`): the sentences of each rendering, labelled by
    ``labeller(units, rendered_article) -> labels``, with a ``rendering`` column. Each rendering is
    its own document (positions restart at 0)."""
    from newsclf.data.renderings import render_page

    out: list[dict[str, Any]] = []
    for name in renderings:
        rendered = render_page(article, name, story, rng, noise)
        if not rendered.text.strip():
            continue
        text_article = rendered_article(article, rendered.text, name)
        units = page_units(text_article, "sentence")
        labels = labeller(units, text_article)
        for k, u in enumerate(units):
            if labels[k] is not None and not _WORDISH.search(u.text):
                labels[k] = None  # no word of two letters ("0", "$164.99", "|"): nothing to tell apart
                stats["no_words"] += 1
        rows = labelled_rows(text_article, group, "text", "sentence", units, labels, keep_unlabelled, stats)
        for row in rows:
            row["rendering"] = name
        out += rows
        stats[f"rendered_{name}"] += 1
    return out

"""Turn read HTML pages into boilerplate-task rows (DOM mode or plain-text mode).

Shared by the page-corpus importers (:mod:`newsclf.data.importers.aeb`,
:mod:`newsclf.data.importers.trafilatura`), the extractor (:mod:`newsclf.extraction`) and the
extraction benchmark, so that training rows and prediction rows are built one way.

Units are blocks (default) or sentences of blocks. In ``mode="dom"`` a row keeps the block's DOM
context (tag path, class/id tokens, link density, tag); in ``mode="text"`` the page is rendered as
the visible text a reader would copy (one line per block: headlines, captions, bylines, nav items)
and the DOM columns stay empty, as for a plain-text article.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from newsclf.data.types import Article, Block

__all__ = ["MODES", "UNITS", "Unit", "labelled_rows", "page_rows", "page_units", "site_of"]

MODES = ("dom", "text")
UNITS = ("block", "sentence")

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
    """One unit (block or sentence) of a page with its DOM context."""

    __slots__ = ("text", "block", "index")

    def __init__(self, text: str, block: Block, index: int) -> None:
        self.text = text
        self.block = block
        self.index = index


def page_units(article: Article, unit: str = "block") -> list[Unit]:
    """The page's units in reading order (blocks, or sentences inside blocks)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    blocks = article.blocks
    if not blocks:
        from newsclf.data.readers import paragraph_blocks

        blocks = paragraph_blocks(article.text)
    if unit == "block":
        return [Unit(article.text[b.start : b.end], b, i) for i, b in enumerate(blocks)]
    from newsclf.data.segment import split_sentences

    by_index = {b.index: b for b in blocks}
    sentences = split_sentences(article.text, blocks)
    return [Unit(s.text, by_index.get(s.block, blocks[0]), i) for i, s in enumerate(sentences)]


def page_rows(
    article: Article, group: str, mode: str = "dom", unit: str = "block", units: list[Unit] | None = None
) -> list[dict[str, Any]]:
    """Task input rows (text, group, position, tag_path, attrs, link_density, tag) plus ``id``
    and ``unit`` (index), one per unit, in reading order (``units`` reuses a computed cut)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if units is None:
        units = page_units(article, unit)
    n = len(units)
    rows = []
    for u in units:
        b = u.block
        row = {
            "text": u.text,
            "group": group,
            "position": round(u.index / (n - 1), 6) if n > 1 else 0.0,
            "tag_path": b.tag_path if mode == "dom" else "",
            "attrs": b.attrs if mode == "dom" else "",
            "link_density": float(b.link_density) if mode == "dom" else 0.0,
            "tag": b.tag if mode == "dom" else "p",
            "id": article.id,
            "unit": u.index,
        }
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

"""Read an HTML page into an :class:`~newsclf.data.types.Article` made of DOM-aware text blocks.

The page is decoded (byte-order mark, then valid UTF-8, then the declared ``<meta charset>`` /
``http-equiv`` / XML encoding, then ``charset_normalizer`` when installed, then cp1252), parsed
with lxml, stripped of invisible parts (``script``, ``style``, ``noscript``, ``template``, ``svg``,
``head``, embedded objects, elements marked ``hidden`` or ``display:none``) and its visible text is
split into blocks at block-level element boundaries (and at ``<br>``). Each block keeps its DOM
context: tag path, class/id tokens of the element and its ancestors, link density, tag and index.
``Article.text`` is the blocks joined with blank lines; block offsets index it.

Gzip-compressed bytes (``.html.gz``) are detected by their magic number and decompressed.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from pathlib import Path

from lxml import etree

from newsclf.data.types import Article, Block
from newsclf.errors import InputError

__all__ = ["BLOCK_TAGS", "decode_html", "read_html"]

BLOCK_TAGS = frozenset(
    """
    address article aside blockquote body center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table caption tbody thead tfoot tr td th ul
    """.split()
)
"""Elements whose start and end break the visible text into separate blocks."""

DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "head", "iframe", "object", "embed",
    "canvas", "map", "video", "audio", "select", "datalist", "math",
)  # fmt: skip
"""Elements removed with their content before reading the text (tails are kept)."""

_MAX_BYTES = 50_000_000
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 in browsers.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030",
            "gbk": "gb18030", "utf8": "utf-8", "unicode": "utf-8"}  # fmt: skip


def _gunzip(data: bytes, source: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{source or 'input'}: corrupt gzip data ({exc}); re-download the file") from None


def _declared_encoding(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, source: str = "") -> tuple[str, str]:
    """Decode page bytes to text.

    Parameters
    ----------
    data : bytes
        The raw page (already decompressed).
    source : str
        Used in error messages.

    Returns
    -------
    (text, encoding) : tuple of str
        The decoded markup and the name of the encoding used.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    declared = _declared_encoding(data[:8192])
    if declared and declared.startswith("utf-16"):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:  # valid UTF-8 with non-ASCII bytes is almost never another encoding by chance
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    if declared == "utf-8":  # declared UTF-8 but not valid: almost always Windows-1252 in practice
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    import charset_normalizer  # a dependency: guesses for undeclared legacy encodings

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


def _tokens(value: str | None) -> list[str]:
    if not value:
        return []
    return [t for t in _TOKEN_SPLIT.split(value.lower()) if t]


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


class _Builder:
    """Accumulates text pieces into blocks while walking the tree."""

    __slots__ = ("pieces", "link_chars", "blocks", "texts", "pos")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.link_chars = 0
        self.blocks: list[Block] = []
        self.texts: list[str] = []
        self.pos = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.pieces.append(text)
            if in_link:
                self.link_chars += len(_WS.sub(" ", text).strip())

    def flush(self, tag_path: str, attrs: str, tag: str) -> None:
        if not self.pieces:
            return
        text = _WS.sub(" ", "".join(self.pieces)).strip()
        link_chars = self.link_chars
        self.pieces = []
        self.link_chars = 0
        if not text:
            return
        if self.texts:
            self.pos += 2  # the "\n\n" separator
        start = self.pos
        self.pos += len(text)
        density = min(1.0, link_chars / len(text)) if text else 0.0
        self.blocks.append(Block(start=start, end=self.pos, index=len(self.blocks), tag_path=tag_path,
                                 attrs=attrs, link_density=round(density, 4), tag=tag))  # fmt: skip
        self.texts.append(text)


def _load_bytes(data: bytes | str | os.PathLike, source: str) -> tuple[bytes | str, str]:
    if isinstance(data, os.PathLike):
        path = Path(data)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        return raw, source or str(path)
    return data, source


def read_html(data: bytes | str | os.PathLike, id: str, source: str = "") -> Article:
    """Read one HTML page into an Article of text blocks.

    Parameters
    ----------
    data : bytes, str or path
        Raw page bytes (gzip-compressed allowed), decoded markup, or a path to a
        ``.html``/``.htm``/``.html.gz`` file.
    id : str
        The article id (usually the file name without extensions).
    source : str
        Where the page came from (file path, URL), kept in ``Article.source``.

    Returns
    -------
    Article
        ``text`` is the visible text, blocks joined with ``"\\n\\n"``; ``blocks`` hold the DOM
        context; ``meta`` has ``title``, ``lang``, ``encoding`` and, where present,
        ``og_title``, ``description``, ``url`` (canonical).

    Raises
    ------
    InputError
        Empty, binary, corrupt-gzip or unparseable input (the message names ``source``).
    """
    data, source = _load_bytes(data, source)
    name = source or id or "input"
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if raw[:2] == b"\x1f\x8b":
            raw = _gunzip(raw, name)
        if len(raw) > _MAX_BYTES:
            raise InputError(f"{name}: page is {len(raw)} bytes, over the {_MAX_BYTES} byte limit")
        if not raw.strip():
            raise InputError(f"{name}: empty file; give an HTML page")
        text, encoding = decode_html(raw, name)
    elif isinstance(data, str):
        text, encoding = data, "str"
        if not text.strip():
            raise InputError(f"{name}: empty page; give HTML markup")
    else:
        raise TypeError(f"read_html expects bytes, str or a path, got {type(data).__name__}")
    sample = text[:4096]
    if sample.count("\x00") > 8 or len(_CONTROL.findall(sample)) > len(sample) // 10 + 8:
        raise InputError(f"{name}: looks binary, not HTML (control bytes in the first 4 KB)")
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                              huge_tree=True)  # fmt: skip
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"{name}: cannot parse HTML ({exc})") from None
    meta: dict[str, str] = {"encoding": encoding}
    if root is None:
        return Article(id=id, text="", source=source, meta=meta, blocks=[])
    _collect_meta(root, meta)
    etree.strip_elements(root, *DROP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el in root.xpath("//*[@hidden or @style or @aria-hidden='true']"):
        if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            if el.tag not in ("html", "body"):
                _remove_keep_tail(el)
    builder = _walk(root)
    return Article(id=id, text="\n\n".join(builder.texts), source=source, meta=meta, blocks=builder.blocks)


def _collect_meta(root: etree._Element, meta: dict[str, str]) -> None:
    lang = root.get("lang") or root.get("xml:lang")
    if lang:
        meta["lang"] = lang.strip().lower()
    title = root.find(".//title")
    if title is not None:
        value = _WS.sub(" ", "".join(title.itertext())).strip()
        if value:
            meta["title"] = value
    for el in root.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in ("og:title", "description", "og:description", "og:site_name"):
            value = (el.get("content") or "").strip()
            if value:
                meta.setdefault(key.replace("og:", "og_") if key != "og:description" else "description", value)
    for el in root.iterfind(".//link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            meta["url"] = el.get("href").strip()
            break


def _walk(root: etree._Element) -> _Builder:
    """Walk the tree once, iteratively, splitting text at block boundaries."""
    b = _Builder()
    add, flush = b.add, b.flush
    path: list[str] = []
    # cumulative, de-duplicated class/id tokens of the open elements: (joined string, token set)
    attr_stack: list[tuple[str, frozenset]] = [("", frozenset())]
    # (tag_path, attrs, tag) of the open block elements; the sentinel is the context outside any
    block_stack: list[tuple[str, str, str]] = [("", "", "")]
    link_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if event == "start":
            path.append(tag)
            top = attr_stack[-1]
            cls, eid = el.get("class"), el.get("id")
            if cls or eid:
                joined, seen = top
                fresh = [t for t in dict.fromkeys(_tokens(cls) + _tokens(eid)) if t not in seen]
                if fresh:
                    top = (f"{joined} {' '.join(fresh)}" if joined else " ".join(fresh), seen | set(fresh))
            attr_stack.append(top)
            if tag in BLOCK_TAGS:
                flush(*block_stack[-1])
                block_stack.append(("/".join(path), top[0], tag))
            elif tag == "br":
                flush(*block_stack[-1])
            elif tag == "a":
                link_depth += 1
            text = el.text
            if text:
                add(text, link_depth > 0)
        else:
            if tag in BLOCK_TAGS:
                flush(*block_stack.pop())
            elif tag == "a":
                link_depth -= 1
            path.pop()
            attr_stack.pop()
            tail = el.tail
            if tail:
                add(tail, link_depth > 0)
    flush(*block_stack[-1])
    return b

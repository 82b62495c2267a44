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

import bisect
import codecs
import os
import re
import zlib
from pathlib import Path

from lxml import etree

from newsclf.data.types import Article, Block
from newsclf.errors import InputError

__all__ = ["BLOCK_TAGS", "MAX_ATTRIBUTES", "MAX_ATTR_TOKENS", "MAX_PATH_STEPS", "decode_html", "gunzip_bounded", "read_html"]

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

MAX_PATH_STEPS = 64
"""Longest tag path kept per block, in elements. Deeper blocks keep the 32 outermost and the 32
innermost steps of their path (their text is read as usual); real pages stay under 50 levels."""

MAX_TAG_CHARS = 32
"""Tag names are cut to this many characters in tag paths (custom elements can be longer)."""

MAX_ATTR_TOKENS = 256
"""Most class/id tokens kept per block: beyond it the 128 outermost and the 128 innermost (real
pages stay under 200)."""

MAX_ELEMENT_TOKENS = 256
"""Most distinct tokens read from one ``class`` or ``id`` value (long WordPress body classes hold ~170)."""

MAX_ATTRIBUTES = 1000
"""Most attributes kept on one start tag (libxml2 checks each attribute against all earlier ones of
its tag, quadratic in their number); real tags hold a few dozen."""
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Start-tag units as the HTML tokenizer sees them: an attribute name, "=" with its value (quoted
# values may hold ">" and "<"), white space, a stray quote. Possessive, so a scan is linear.
_UNIT = r"""(?>[^\s>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+)|\s++|["'])"""
# A start tag with at least MAX_ATTRIBUTES // 2 units: a normal tag fails at its end after one scan.
_LONG_TAG = re.compile("<[A-Za-z]" + _UNIT + "{" + str(MAX_ATTRIBUTES // 2) + ",}")
_TAG_REST = re.compile(_UNIT + "*+")
_ATTRIBUTE = re.compile(r"""\s*+(?:[^\s>"'=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+)|["'])""")
# Raw text (not parsed for tags) and comments, where a "<" starts no tag.
_RAW_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 in browsers.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030",
            "gbk": "gb18030", "utf8": "utf-8", "unicode": "utf-8"}  # fmt: skip


def gunzip_bounded(data: bytes, source: str, limit: int) -> bytes:
    """Decompress gzip ``data`` (all members), refusing output over ``limit`` bytes as soon as it
    is reached, so a small bomb never expands in memory.

    Raises
    ------
    InputError
        Corrupt gzip data, or more than ``limit`` bytes once decompressed (naming ``source``).
    """
    out = bytearray()
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            out += d.decompress(rest, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError(
                    f"{source or 'input'}: over {limit:,} bytes once decompressed (the page size limit); "
                    "give a smaller page or raise NEWSCLF_MAX_ARTICLE_BYTES"
                )
            if not d.eof:
                raise InputError(f"{source or 'input'}: truncated gzip data; re-download the file")
            rest = d.unused_data.lstrip(b"\x00")
            if rest and rest[:2] != b"\x1f\x8b":
                break  # bytes after the last member that start no other member: ignored
    except zlib.error as exc:
        raise InputError(f"{source or 'input'}: corrupt gzip data ({exc}); re-download the file") from None
    return bytes(out)


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


def bound_attributes(markup: str) -> str:
    """``markup`` with every start tag cut to its first :data:`MAX_ATTRIBUTES` attributes.

    One possessive regex scan finds the tags long enough to hold that many (linear in the markup;
    text inside ``script``/``style``/comments is skipped); ordinary pages come back unchanged (the
    same object).
    """
    if len(markup) < MAX_ATTRIBUTES * 2:
        return markup
    parts: list[str] = []
    pos = 0
    raw_starts: list[int] | None = None
    raw_ends: list[int] = []
    for match in _LONG_TAG.finditer(markup):
        start = match.start()
        if start < pos:
            continue
        if raw_starts is None:
            spans = [m.span() for m in _RAW_TEXT.finditer(markup)]
            raw_starts, raw_ends = [s for s, _ in spans], [e for _, e in spans]
        k = bisect.bisect_left(raw_starts, start) - 1
        if k >= 0 and start < raw_ends[k]:
            continue  # inside a script, style or comment: no tag
        end = _TAG_REST.match(markup, match.end()).end()
        name_end = start + 1
        while name_end < end and not markup[name_end].isspace() and markup[name_end] not in "/>":
            name_end += 1
        attributes = _ATTRIBUTE.finditer(markup, name_end, end)
        kept = [a.group() for _, a in zip(range(MAX_ATTRIBUTES + 1), attributes, strict=False)]
        if len(kept) <= MAX_ATTRIBUTES:
            continue
        parts += [markup[pos:name_end], *kept[:MAX_ATTRIBUTES]]
        pos = end
    if not parts:
        return markup
    parts.append(markup[pos:])
    return "".join(parts)


def _tokens(value: str | None) -> list[str]:
    """Distinct lower-cased alphanumeric tokens of a class/id value, in order (the first
    :data:`MAX_ELEMENT_TOKENS`, read from at most 64 kB of the value)."""
    if not value:
        return []
    if len(value) > 65536:
        value = value[:65536]
    tokens = dict.fromkeys(_TOKEN_SPLIT.split(value.lower()))
    tokens.pop("", None)
    return list(tokens)[:MAX_ELEMENT_TOKENS]


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
            if in_link:  # characters once white space is collapsed (str.split: the same white space as \s)
                self.link_chars += len(" ".join(text.split()))

    def flush(self, tag_path: str, attrs: str, tag: str) -> None:
        if not self.pieces:
            return
        text = " ".join("".join(self.pieces).split())
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


def read_html(
    data: bytes | str | os.PathLike, id: str, source: str = "", max_bytes: int = _MAX_BYTES
) -> Article:
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
    max_bytes : int
        Largest page accepted, in bytes after decompression (checked while decompressing).

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
            raw = gunzip_bounded(raw, name, max_bytes)
        if len(raw) > max_bytes:
            raise InputError(f"{name}: page is {len(raw):,} bytes, over the {max_bytes:,} byte limit")
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
    text = bound_attributes(_XML_DECL.sub("", text, count=1).replace("\x00", ""))
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


def _path_string(path: list[str]) -> str:
    """The tag path of the open elements ``path``, bounded: see :data:`MAX_PATH_STEPS`."""
    if len(path) > MAX_PATH_STEPS:
        half = MAX_PATH_STEPS // 2
        path = path[:half] + path[-half:]
    return "/".join(path)


def _walk(root: etree._Element) -> _Builder:
    """Walk the tree once, iteratively, splitting text at block boundaries.

    Linear in the number of elements: a block's tag path and class/id tokens are bounded
    (:data:`MAX_PATH_STEPS`, :data:`MAX_ATTR_TOKENS`), built once per block element and shared (one
    string object per distinct path), so deep nesting costs neither quadratic time nor memory.

    Class/id tokens are de-duplicated along the ancestry. The state is ``top = (string, count, head,
    tail)``: the joined tokens of the open elements (the outermost and the innermost
    ``MAX_ATTR_TOKENS // 2`` once there are more), their number, the outermost half and the
    innermost half as a tuple. Only elements that add tokens push a mark (their depth, the state
    before them and the tokens they added), so a deep chain of plain elements costs O(1) per level.
    """
    b = _Builder()
    add, flush = b.add, b.flush
    path: list[str] = []
    paths: dict[str, str] = {}  # interned tag paths
    top: tuple[str, int, str, tuple[str, ...]] = ("", 0, "", ())
    marks: list[tuple[int, tuple[str, int, str, tuple[str, ...]], tuple[str, ...]]] = []
    seen: set[str] = set()
    token_cache: dict[tuple[str | None, str | None], tuple[str, ...]] = {}
    half = MAX_ATTR_TOKENS // 2
    # (tag_path, attrs, tag) of the open block elements; the sentinel is the context outside any
    block_stack: list[tuple[str, str, str]] = [("", "", "")]
    link_depth = 0
    block_tags = BLOCK_TAGS
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if tag.__class__ is not str:
            continue
        if event == "start":
            if len(tag) > MAX_TAG_CHARS:
                tag = tag[:MAX_TAG_CHARS]
            path.append(tag)
            cls, eid = el.get("class"), el.get("id")
            if cls or eid:
                key = (cls, eid)
                tokens = token_cache.get(key)
                if tokens is None:
                    tokens = token_cache[key] = tuple(dict.fromkeys(_tokens(cls) + _tokens(eid)))
                fresh = tuple(t for t in tokens if t not in seen) if seen else tokens
                if fresh:
                    seen.update(fresh)
                    marks.append((len(path), top, fresh))
                    joined, count, head, tail = top
                    if count < half:  # the outermost half is not full yet (at most `half` tokens)
                        head = " ".join([*joined.split(), *fresh][:half])
                    count += len(fresh)
                    tail = (tail + fresh)[-half:]
                    if count <= MAX_ATTR_TOKENS:
                        joined = f"{joined} {' '.join(fresh)}" if joined else " ".join(fresh)
                    else:  # over the limit: the outermost and the innermost half
                        joined = f"{head} {' '.join(tail)}"
                    top = (joined, count, head, tail)
            if tag in block_tags:
                flush(*block_stack[-1])
                p = _path_string(path)
                block_stack.append((paths.setdefault(p, p), top[0], tag))
            elif tag == "br":
                flush(*block_stack[-1])
            elif tag == "a":
                link_depth += 1
            text = el.text
            if text:
                add(text, link_depth > 0)
        else:
            if marks and marks[-1][0] == len(path):
                _, top, fresh = marks.pop()
                seen.difference_update(fresh)
            tag = path.pop()
            if tag in block_tags:
                flush(*block_stack.pop())
            elif tag == "a":
                link_depth -= 1
            tail = el.tail
            if tail:
                add(tail, link_depth > 0)
    flush(*block_stack[-1])
    return b

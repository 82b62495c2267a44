"""Read articles from ``.txt``, ``.html``/``.htm``, ``.jsonl`` files (optionally ``.gz``) and folders.

Every reader returns :class:`~newsclf.data.types.Article` objects whose offsets index
``Article.text`` exactly as read (a UTF-8 BOM is dropped; line endings are kept).

Bad input (a missing, empty, binary, mis-encoded or oversized file, an unknown extension, a broken
JSONL line) raises :class:`~newsclf.errors.InputError` naming the file (and line) and saying what to
do. With ``skip_bad=True`` the error is recorded in a :class:`BadInputReport` instead and reading
goes on with the next file (or JSONL line).

Examples
--------
>>> report = BadInputReport()
>>> for article in read_articles(["seeds/"], skip_bad=True, report=report):  # doctest: +SKIP
...     print(article.id, len(article.text))
>>> print(report.summary())  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from newsclf.data.types import Article, Block
from newsclf.errors import InputError

__all__ = [
    "ARTICLE_EXTENSIONS",
    "BadInput",
    "BadInputReport",
    "MAX_ARTICLE_BYTES",
    "article_from_text",
    "article_id",
    "iter_files",
    "max_article_bytes",
    "paragraph_blocks",
    "read_articles",
    "read_file",
]

MAX_ARTICLE_BYTES = 4_000_000
"""Largest single article (a text file, an HTML page after decompression, a JSONL line), in bytes.

News articles are a few kB and pages rarely above 1 MB; anything this large is almost surely not an
article. ``NEWSCLF_MAX_ARTICLE_BYTES`` overrides it."""

ARTICLE_EXTENSIONS = (".txt", ".text", ".html", ".htm", ".jsonl")
"""Extensions read (each may carry an extra ``.gz``)."""

_KNOWN_SUFFIXES = {".gz", ".txt", ".text", ".html", ".htm", ".jsonl", ".json"}
_PARAGRAPH_SEP = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")


def max_article_bytes() -> int:
    """The article size limit in bytes (``NEWSCLF_MAX_ARTICLE_BYTES`` or :data:`MAX_ARTICLE_BYTES`)."""
    value = os.environ.get("NEWSCLF_MAX_ARTICLE_BYTES")
    if value:
        try:
            return int(value)
        except ValueError:
            raise InputError(
                f"NEWSCLF_MAX_ARTICLE_BYTES={value!r} is not a whole number of bytes; "
                "set it to e.g. 4000000 or unset it"
            ) from None
    return MAX_ARTICLE_BYTES


@dataclass(frozen=True)
class BadInput:
    """One file (or JSONL line) that could not be read, and why."""

    source: str
    message: str


@dataclass
class BadInputReport:
    """Collects the inputs skipped under ``--skip-bad`` (and the files a folder walk ignored).

    Attributes
    ----------
    bad : list of BadInput
        Inputs that failed to read, with the error message.
    ignored : list of str
        Files inside folders whose extension is not an article extension (not read).
    read : int
        Articles read successfully.
    """

    bad: list[BadInput] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    read: int = 0

    def add(self, source: str, error: Exception | str) -> None:
        self.bad.append(BadInput(source, str(error)))

    def __bool__(self) -> bool:
        return bool(self.bad)

    def __len__(self) -> int:
        return len(self.bad)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "bad": [{"source": b.source, "message": b.message} for b in self.bad],
            "ignored": list(self.ignored),
        }

    def summary(self) -> str:
        """A human-readable summary: one line per skipped input."""
        lines = [f"{self.read} article(s) read, {len(self.bad)} bad input(s) skipped"]
        lines += [f"  skipped {b.source}: {b.message}" for b in self.bad]
        if self.ignored:
            lines.append(
                f"  {len(self.ignored)} file(s) in folders ignored (not {', '.join(ARTICLE_EXTENSIONS)})"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


def article_id(path: str | Path) -> str:
    """The article id of a file: its name without the known extensions (``a.html.gz`` -> ``a``)."""
    name = Path(path).name
    while True:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or f".{ext.lower()}" not in _KNOWN_SUFFIXES:
            return name
        name = stem


def _kind(path: Path) -> tuple[str, bool]:
    """(base extension, gzipped) of ``path``; the extension is '' when unknown."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext == ".text":
        ext = ".txt"
    if ext == ".htm":
        ext = ".html"
    return (ext if ext in {".txt", ".html", ".jsonl"} else ""), gz


def paragraph_blocks(text: str) -> list[Block]:
    """Blocks for plain text: paragraphs separated by blank lines, offsets of their stripped text."""
    blocks: list[Block] = []
    pos = 0
    for match in _PARAGRAPH_SEP.finditer(text):
        _append_block(blocks, text, pos, match.start())
        pos = match.end()
    _append_block(blocks, text, pos, len(text))
    return blocks


def _append_block(blocks: list[Block], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    blocks.append(
        Block(start=s, end=s + len(stripped), index=len(blocks), tag_path="", attrs="", tag="p")
    )


def article_from_text(
    text: str, id: str, source: str = "", meta: dict[str, Any] | None = None
) -> Article:
    """An :class:`Article` from plain text, with one block per paragraph (blank-line separated)."""
    return Article(
        id=id, text=text, source=source, meta=dict(meta or {}), blocks=paragraph_blocks(text)
    )


def _limit_error(source: str, size: int | None, limit: int) -> InputError:
    got = f"{size:,} bytes" if size is not None else "more than that"
    return InputError(
        f"{source}: article too large ({got}; the limit is {limit:,} bytes = {limit / 1e6:g} MB). "
        "Split it into smaller articles, or raise the limit with NEWSCLF_MAX_ARTICLE_BYTES."
    )


def _read_bytes(path: Path, gz: bool, limit: int) -> bytes:
    """The file's bytes (decompressed), refusing anything over ``limit`` without reading it all."""
    source = str(path)
    try:
        if gz:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        else:
            size = path.stat().st_size
            if size > limit:
                raise _limit_error(source, size, limit)
            data = path.read_bytes()
    except InputError:
        raise
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise InputError(
            f"{source}: not a valid gzip file ({exc}); re-compress it with gzip or drop the .gz"
        ) from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise _limit_error(source, None if gz else len(data), limit)
    return data


def _decode_text(data: bytes, source: str) -> str:
    """Strict UTF-8 (BOM dropped); binary and mis-encoded input raise :class:`InputError`."""
    if b"\x00" in data:
        pos = data.index(b"\x00")
        raise InputError(
            f"{source}: looks binary (NUL byte at offset {pos}); newsclf reads UTF-8 text, HTML and JSONL files"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{source}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}, "
            f"line {line}, column {col}). Re-encode the file as UTF-8, e.g. "
            f"`iconv -f windows-1252 -t utf-8 {source} > fixed.txt`"
        ) from None


def _check_nonempty(text: str, source: str) -> None:
    if not text.strip():
        raise InputError(f"{source}: empty article (no text); remove the file or fill it")


def _read_html(data: bytes | str, id: str, source: str, limit: int | None = None) -> Article:
    from newsclf.data.html import read_html

    gzipped = isinstance(data, bytes) and data[:2] == b"\x1f\x8b"  # decompressed within the size limit
    if isinstance(data, bytes) and not gzipped and b"\x00" in data[:4096]:
        raise InputError(f"{source}: looks binary (NUL bytes), not an HTML page")
    try:
        article = read_html(data, id=id, source=source, max_bytes=max_article_bytes() if limit is None else limit)
    except InputError:
        raise
    except Exception as exc:  # never crash on a broken page: name it
        raise InputError(
            f"{source}: cannot parse the HTML page ({type(exc).__name__}: {exc})"
        ) from None
    _check_nonempty(article.text, source)
    return article


# --------------------------------------------------------------------------- readers


def read_file(
    path: str | Path, skip_bad: bool = False, report: BadInputReport | None = None, limit: int | None = None
) -> Iterator[Article]:
    """Read the articles of one file (one for txt/html, one per line for jsonl); ``limit`` is the
    article size limit in bytes (default :func:`max_article_bytes`).

    Raises
    ------
    InputError
        On a bad file (or, unless ``skip_bad``, a bad JSONL line).
    """
    path = Path(path)
    source = str(path)
    ext, gz = _kind(path)
    if not ext:
        raise InputError(
            f"{source}: unknown file type {''.join(path.suffixes) or '(no extension)'}; "
            f"newsclf reads {', '.join(ARTICLE_EXTENSIONS)} files (optionally .gz) and folders of them"
        )
    if not path.exists():
        raise InputError(f"{source}: no such file or folder")
    limit = max_article_bytes() if limit is None else limit
    if ext == ".jsonl":
        yield from _read_jsonl(path, gz, skip_bad=skip_bad, report=report, limit=limit)
        return
    data = _read_bytes(path, gz, limit)
    aid = article_id(path)
    if not data.strip():
        raise InputError(f"{source}: empty file (no text); remove it or fill it")
    if ext == ".html":
        yield _read_html(data, aid, source, limit)
        return
    text = _decode_text(data, source)
    _check_nonempty(text, source)
    yield article_from_text(text, aid, source)


def _read_jsonl(
    path: Path, gz: bool, skip_bad: bool, report: BadInputReport | None, limit: int
) -> Iterator[Article]:
    source = str(path)
    try:
        fh = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    stem = article_id(path)
    n_articles = 0
    seen: set[str] = set()
    with fh:
        lineno = 0
        while True:
            try:
                raw = fh.readline(limit + 1)
            except (gzip.BadGzipFile, zlib.error, EOFError, OSError) as exc:
                raise InputError(f"{source}: not a valid gzip file ({exc})") from None
            if not raw:
                break
            lineno += 1
            where = f"{source}:{lineno}"
            try:
                article = jsonl_line_article(fh, raw, where, limit, default_id=f"{stem}-{lineno}")
                if article is None:
                    continue
                if article.id in seen:
                    raise InputError(
                        f"{where}: duplicate article id {article.id!r}; ids must be unique in a file"
                    )
                seen.add(article.id)
            except InputError as exc:
                if not skip_bad:
                    raise
                if report is not None:
                    report.add(where, exc)
                continue
            n_articles += 1
            yield article
    if n_articles == 0 and lineno == 0:
        raise InputError(f"{source}: empty file (no JSON lines); remove it or fill it")


def jsonl_line_article(fh: BinaryIO, raw: bytes, where: str, limit: int, default_id: str) -> Article | None:
    """The article of one JSONL line ``raw`` (read with ``fh.readline(limit + 1)``), or None for a
    blank line; an oversized line is skipped to its end in ``fh`` and reported.

    Raises
    ------
    InputError
        Naming ``where`` (file:line): the line is over ``limit`` bytes or not a valid article object.
    """
    if len(raw) > limit:
        while raw and not raw.endswith(b"\n"):
            raw = fh.readline(1 << 20)
        raise _limit_error(where, None, limit)
    if not raw.strip():
        return None
    return _jsonl_article(raw, where, default_id)


def _jsonl_article(raw: bytes, where: str, default_id: str) -> Article:
    text = _decode_text(raw, where)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); one JSON object per line"
        ) from None
    if not isinstance(obj, dict):
        raise InputError(
            f"{where}: expected a JSON object with 'id' and 'text' or 'html', got {type(obj).__name__}"
        )
    aid = obj.pop("id", None)
    aid = default_id if aid is None or aid == "" else str(aid)
    body_text, html = obj.pop("text", None), obj.pop("html", None)
    if body_text is None and html is None:
        raise InputError(
            f"{where}: the object has neither 'text' nor 'html' (keys: {', '.join(sorted(obj)) or 'none'})"
        )
    if body_text is not None:
        if not isinstance(body_text, str):
            raise InputError(f"{where}: 'text' must be a string, got {type(body_text).__name__}")
        if "\x00" in body_text:
            raise InputError(f"{where}: 'text' contains NUL characters (binary data?)")
        _check_nonempty(body_text, where)
        return article_from_text(body_text, aid, where, meta=obj)
    if not isinstance(html, str):
        raise InputError(f"{where}: 'html' must be a string, got {type(html).__name__}")
    article = _read_html(html, aid, where)
    article.meta = {**obj, **article.meta}
    return article


def iter_files(paths: Iterable[str | Path], report: BadInputReport | None = None) -> Iterator[Path]:
    """Expand ``paths``: files as given, folders walked recursively in sorted order.

    Inside folders, hidden files and files without an article extension are skipped (and listed in
    ``report.ignored``); a named file with an unknown extension is an error when read.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not sub.is_file():
                    continue
                if _kind(sub)[0]:
                    yield sub
                elif report is not None:
                    report.ignored.append(str(sub))
        else:
            yield path


def read_articles(
    paths: str | Path | Iterable[str | Path],
    skip_bad: bool = False,
    report: BadInputReport | None = None,
) -> Iterator[Article]:
    """Read every article under ``paths`` (files and folders), lazily, in a stable order.

    Parameters
    ----------
    paths : path or iterable of paths
        Files (``.txt``, ``.html``, ``.htm``, ``.jsonl``, each optionally ``.gz``) and folders.
    skip_bad : bool, default False
        Record bad inputs in ``report`` and go on instead of raising.
    report : BadInputReport, optional
        Receives bad inputs, ignored files and the count of articles read.

    Raises
    ------
    InputError
        On the first bad input unless ``skip_bad``.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    for p in paths:
        if not Path(p).exists():
            err = InputError(f"{p}: no such file or folder")
            if not skip_bad:
                raise err
            if report is not None:
                report.add(str(p), err)
    for path in iter_files([p for p in paths if Path(p).exists()], report=report):
        try:
            for article in read_file(path, skip_bad=skip_bad, report=report):
                if report is not None:
                    report.read += 1
                yield article
        except InputError as exc:
            if not skip_bad:
                raise
            if report is not None:
                report.add(str(path), exc)

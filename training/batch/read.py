"""Read the articles of a partition on a worker, exactly as the one-process reader would.

Whole files go through :func:`newsclf.data.readers.read_file`; a JSONL range is read line by line
from its byte offset with the reader's own per-line parsing, so ids, sources (``file:line``) and
error messages are the same. Bad input never raises here: it comes out as a :class:`BadRead`
(source and message) in reading order, between the articles, for the caller to report.

Workers open :attr:`Piece.path` (absolute; shipped files from the worker's own installed copy) and
name the file as the driver does (:attr:`Piece.shown`), so a relative input on the command line
reads the same on a remote worker as in one process.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# jsonl_line_article: the reader's own per-line parsing and size check, so that a JSONL range reads
# exactly as the whole file does (tests/batch/test_read.py compares them)
from newsclf.data.readers import BadInputReport, article_id, jsonl_line_article, read_file
from newsclf.data.types import Article
from newsclf.errors import InputError

from .plan import Partition, Piece

__all__ = ["BadRead", "InputChanged", "read_partition", "read_piece"]



@dataclass(frozen=True)
class BadRead:
    """An input that could not be read (a file, or a JSONL line), and why."""

    source: str
    message: str


class InputChanged(InputError):
    """A file differs from the one the driver planned (another size, or missing on the worker)."""


def read_partition(partition: Partition, limit: int) -> Iterator[Article | BadRead]:
    """The articles of ``partition`` in order, with :class:`BadRead` items where the one-process
    reader (``skip_bad=True``) would have recorded a bad input (:func:`read_piece` per piece)."""
    for piece in partition.pieces:
        yield from read_piece(piece, limit)


def read_piece(piece: Piece, limit: int) -> Iterator[Article | BadRead]:
    """The articles of one piece (a whole file, or a JSONL range), with :class:`BadRead` items.

    ``limit`` is the article size limit in bytes (the driver's ``NEWSCLF_MAX_ARTICLE_BYTES``,
    passed explicitly: a worker's own environment does not count).

    Raises
    ------
    InputChanged
        When the file's size is not the planned one (changed, or another file at that path).
    """
    path = _open_path(piece)
    if piece.size or os.path.exists(path):
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            raise InputChanged(f"{piece.shown}: planned by the client but not readable on this "
                               f"worker ({exc.strerror or exc}); workers must see the inputs at "
                               "the same path (a shared folder)") from None
        if size != piece.size:
            raise InputChanged(f"{piece.shown}: {size:,} bytes on the worker, {piece.size:,} when "
                               "the job was planned; the file changed (run the job again) or "
                               "workers see another file at that path")
    if piece.whole:
        yield from _read_whole(path, piece.shown, limit)
    else:
        yield from _read_range(path, piece, limit)


def _open_path(piece: Piece) -> str:
    if piece.resource:
        from newsclf.resources import resource_path

        return str(resource_path(piece.resource))
    return piece.path


def _relabel(text: str, path: str, shown: str) -> str:
    """``text`` with the opened path named as the driver names it."""
    return text.replace(path, shown) if path != shown else text


def _read_whole(path: str, shown: str, limit: int) -> Iterator[Article | BadRead]:
    report = BadInputReport()
    reported = 0

    def flush() -> Iterator[BadRead]:
        nonlocal reported
        for bad in report.bad[reported:]:
            yield BadRead(_relabel(bad.source, path, shown), _relabel(bad.message, path, shown))
        reported = len(report.bad)

    articles = read_file(Path(path), skip_bad=True, report=report, limit=limit)
    while True:
        try:
            article = next(articles)
        except StopIteration:
            break
        except InputError as exc:  # a bad file: read_articles(skip_bad=True) reports it by path
            yield from flush()
            yield BadRead(shown, _relabel(str(exc), path, shown))
            return
        yield from flush()
        article.source = _relabel(article.source, path, shown)
        yield article
    yield from flush()


def _read_range(path: str, piece: Piece, limit: int) -> Iterator[Article | BadRead]:
    """The lines ``[start, end)`` of a JSONL file, as ``newsclf.data.readers`` reads them
    (without its check for duplicate ids, which needs the whole file)."""
    gz = path.lower().endswith(".gz")
    stem = article_id(piece.shown)
    lineno = piece.first_line
    try:
        fh = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield BadRead(piece.shown, f"{piece.shown}: cannot read the file ({exc.strerror or exc})")
        return
    with fh:
        try:
            fh.seek(piece.start)
            while fh.tell() < piece.end:
                raw = fh.readline(limit + 1)
                if not raw:
                    break
                lineno += 1
                where = f"{piece.shown}:{lineno}"
                try:
                    article = jsonl_line_article(fh, raw, where, limit, default_id=f"{stem}-{lineno}")
                    if article is None:
                        continue
                except InputError as exc:
                    yield BadRead(where, str(exc))
                    continue
                yield article
        except (gzip.BadGzipFile, zlib.error, EOFError, OSError) as exc:
            yield BadRead(piece.shown, f"{piece.shown}: not a valid gzip file ({exc})")

"""Split the inputs of a batch job into partitions of bounded size (the driver's side).

A :class:`Partition` is a short list of :class:`Piece`\\ s read in order: whole article files
(``.txt``, ``.html``, any ``.gz``, small ``.jsonl``) or a range of lines of a large JSONL file.
A partition holds at most ``max_articles`` articles (files, or JSONL lines) and, beyond a single
piece, at most ``max_bytes`` bytes, so a worker's memory is bounded whatever the input size.

JSONL files are scanned once, streaming in 1 MiB chunks (never whole into memory), to cut them
at line boundaries: a range is ``[start, end)`` in the file's (uncompressed) bytes with the
number of lines before it, so that line numbers, default ids (``<file>-<line>``) and messages
(``file:line``) are those of the one-process reader. A ``.jsonl.gz`` range is reached by
decompressing from the start of the file (gzip cannot seek): the cost is decompression only,
streaming.

The plan depends only on the inputs and the two bounds, not on the number of workers: the same
inputs give the same partitions (and the same output shards) on one process or on a cluster.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsclf.errors import InputError

__all__ = [
    "DEFAULT_PARTITION_ARTICLES",
    "DEFAULT_PARTITION_BYTES",
    "InputFile",
    "Partition",
    "Piece",
    "expand_inputs",
    "is_jsonl",
    "plan_partitions",
]

DEFAULT_PARTITION_ARTICLES = 500
"""Articles (files, or JSONL lines) per partition: a few seconds of work per partition on one
core, enough partitions to balance a cluster and to resume close to where a job stopped."""

DEFAULT_PARTITION_BYTES = 32 * 2**20
"""Input bytes per partition (32 MiB), so a partition of large pages stays small in memory."""

_CHUNK = 1 << 20
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class InputFile:
    """An article file to plan: how the one-process reader names it and where workers open it.

    Attributes
    ----------
    shown : str
        The path as the one-process reader names it (article sources, messages), e.g. the
        relative path the user gave.
    resource : str or None
        ``newsclf:...`` reference of a shipped file: each worker opens its own installed copy.
    """

    shown: str
    resource: str | None = None


@dataclass(frozen=True)
class Piece:
    """A whole article file, or a range of lines of a JSONL file.

    Attributes
    ----------
    path : str
        Absolute path the workers open (inputs must be at the same path on every machine).
    shown : str
        The path as the one-process reader names it (see :class:`InputFile`).
    size : int
        Size of the file in bytes when planned (a worker refuses a file whose size changed).
    mtime_ns : int
        Modification time when planned (part of the partition's key: a changed file is redone).
    start, end : int
        For a JSONL range, its (uncompressed) byte offsets; ``end`` is -1 for a whole file.
    first_line : int
        Lines before ``start`` (a JSONL range's first line is ``first_line + 1``).
    lines : int
        Lines in the piece (1 for a non-JSONL file).
    resource : str or None
        ``newsclf:...`` reference of a shipped file (opened from the worker's installed copy).
    """

    path: str
    shown: str
    size: int
    mtime_ns: int
    start: int = 0
    end: int = -1
    first_line: int = 0
    lines: int = 1
    resource: str | None = None

    @property
    def whole(self) -> bool:
        """True for a whole file (read by :func:`newsclf.data.readers.read_file`)."""
        return self.end < 0

    @property
    def nbytes(self) -> int:
        """Bytes of input the piece covers (the file's size for a whole file)."""
        return self.size if self.whole else self.end - self.start


@dataclass(frozen=True)
class Partition:
    """Pieces read and processed together by one task; its output is one shard.

    Attributes
    ----------
    index : int
        Position in the plan (0-based): shards are named after it.
    pieces : tuple of Piece
    """

    index: int
    pieces: tuple[Piece, ...]

    @property
    def articles(self) -> int:
        """Upper bound of the articles in the partition (files + JSONL lines)."""
        return sum(p.lines for p in self.pieces)

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.pieces)

    def describe(self) -> list[dict[str, Any]]:
        """The pieces as plain data (what a shard's record of its inputs holds)."""
        return [asdict(p) for p in self.pieces]

    def key(self) -> str:
        """sha256 of the pieces (paths, sizes, times, ranges): a shard is reused only for the same key."""
        payload = json.dumps(self.describe(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def is_jsonl(path: str | Path) -> bool:
    """True for ``.jsonl`` and ``.jsonl.gz`` files."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] == ".jsonl"


def expand_inputs(args: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Command-line inputs as paths: existing files and folders as given, glob patterns
    (``*``, ``?``, ``[...]``, ``**`` for any depth) expanded in sorted order.

    Raises
    ------
    InputError
        For an input that is neither an existing path nor a pattern matching something.
    """
    out: list[Path] = []
    for arg in args:
        text = os.fspath(arg)
        if os.path.lexists(text):
            out.append(Path(text))
            continue
        if _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if matches:
                out.extend(Path(m) for m in matches)
                continue
            raise InputError(f"{text}: no file matches this pattern; check the path (quote it so "
                             "that newsclf, not the shell, expands ** )")
        raise InputError(f"{text}: no such file or folder")
    return out


def plan_partitions(files: Iterable[InputFile], max_articles: int = DEFAULT_PARTITION_ARTICLES,
                    max_bytes: int = DEFAULT_PARTITION_BYTES) -> list[Partition]:
    """Partitions over ``files`` (in order) of at most ``max_articles`` articles and
    ``max_bytes`` bytes each (a single larger piece, e.g. one big page, gets a partition alone).

    A JSONL file with more lines or bytes than a partition holds is cut into line ranges;
    smaller files are packed together in order. A file that cannot be scanned (unreadable,
    corrupt gzip) is planned whole, so that reading it reports the error as the one-process
    reader does.
    """
    if max_articles < 1 or max_bytes < 1:
        raise ValueError("partition bounds must be positive")
    partitions: list[Partition] = []
    current: list[Piece] = []
    n_articles = n_bytes = 0
    for piece in _pieces(files, max_articles, max_bytes):
        if current and (n_articles + piece.lines > max_articles or n_bytes + piece.nbytes > max_bytes):
            partitions.append(Partition(len(partitions), tuple(current)))
            current, n_articles, n_bytes = [], 0, 0
        current.append(piece)
        n_articles += piece.lines
        n_bytes += piece.nbytes
    if current:
        partitions.append(Partition(len(partitions), tuple(current)))
    return partitions


def _pieces(files: Iterable[InputFile], max_articles: int, max_bytes: int) -> Iterator[Piece]:
    for f in files:
        path = os.path.abspath(f.shown)
        try:
            st = os.stat(path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = 0, 0  # the reader reports it
        base = Piece(path=path, shown=f.shown, size=size, mtime_ns=mtime, resource=f.resource)
        if not is_jsonl(path) or size == 0:
            yield base
            continue
        try:
            ranges = _jsonl_ranges(path, path.lower().endswith(".gz"), max_articles, max_bytes)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
            yield base
            continue
        if len(ranges) <= 1:
            yield Piece(**{**asdict(base), "lines": ranges[0][3] if ranges else 0})
            continue
        for start, end, first, lines in ranges:
            yield Piece(**{**asdict(base), "start": start, "end": end, "first_line": first,
                           "lines": lines})


def _jsonl_ranges(path: str, gz: bool, max_lines: int, max_bytes: int
                  ) -> list[tuple[int, int, int, int]]:
    """``(start, end, lines before, lines)`` of consecutive line ranges covering the file, each
    ending after a newline (or at the end of the file), of at most ``max_lines`` lines and, unless
    a single line is longer, ``max_bytes`` bytes."""
    ranges: list[tuple[int, int, int, int]] = []
    pos = line_no = 0
    start = first = in_range = 0
    last = b"\n"
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:  # noqa: SIM115
        while chunk := fh.read(_CHUNK):
            last = chunk[-1:]
            n = chunk.count(b"\n")
            if in_range + n < max_lines and pos + len(chunk) - start < max_bytes:
                in_range += n
                line_no += n
                pos += len(chunk)
                continue
            i = 0
            while (j := chunk.find(b"\n", i)) >= 0:
                in_range += 1
                line_no += 1
                end = pos + j + 1
                if in_range >= max_lines or end - start >= max_bytes:
                    ranges.append((start, end, first, in_range))
                    start, first, in_range = end, line_no, 0
                i = j + 1
            pos += len(chunk)
    if pos > start:
        ranges.append((start, pos, first, in_range + (last != b"\n")))
    return ranges

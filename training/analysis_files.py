"""``newsclf analyze``: analyse article files into one JSON file per article.

Each output file holds exactly what ``POST /analyze`` returns for that article (the same
:class:`newsclf.analysis.Analyzer`; HTML pages also carry the extracted ``"text"``).

Files are never clobbered (:func:`write_output`, reusable by any writer of result files): an
existing output is refused unless ``force``; a symbolic link in the output folder is never
written through (not even with ``force``); each file is written whole to a hidden temporary file
in the same folder, synced, then linked into place, so a reader or a crash never sees half a file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from newsclf import settings
from newsclf.analysis import Analyzer, ArticleAnalysis
from newsclf.errors import NewsclfError

__all__ = [
    "OutputExistsError",
    "analyze_files",
    "check_output",
    "default_output_dir",
    "sweep_partial_outputs",
    "write_output",
]


class OutputExistsError(NewsclfError):
    """An output file exists (and ``force`` was not given), or is a symbolic link."""


_TMP = re.compile(r"\..+\.(\d+)-[0-9a-f]+\.part")


def _existing(dir_fd: int, name: str, path: Path, force: bool) -> None:
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise OutputExistsError(
            f"{path} is a symbolic link; newsclf never writes through one (remove it, or choose "
            "another --output)"
        )
    if not stat.S_ISREG(st.st_mode):
        raise OutputExistsError(f"{path} exists and is not a regular file; choose another --output")
    if not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it, or choose another --output")


def check_output(path: str | os.PathLike[str], force: bool = False) -> None:
    """Raise :class:`OutputExistsError` when :func:`write_output` would refuse ``path`` now (a
    cheap check before expensive work; :func:`write_output` checks again, atomically)."""
    path = Path(path)
    if not path.parent.is_dir():
        return
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _existing(fd, path.name, path, force)
    finally:
        os.close(fd)


def write_output(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically, never clobbering and never following a link.

    The bytes go to ``.<name>.<pid>-<random>.part`` in the same folder (created exclusively, not
    through a link), are synced, then hard-linked to ``path`` (which fails if ``path`` appeared
    meanwhile) or, with ``force``, renamed over it (``rename`` replaces the entry itself; it never
    follows a link). Parent folders are created.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false, or ``path`` is a symbolic link or not a regular file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        name = path.name
        _existing(dir_fd, name, path, force)
        tmp = f".{name[:100]}.{os.getpid()}-{secrets.token_hex(4)}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                     dir_fd=dir_fd)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            if force:
                _existing(dir_fd, name, path, force)  # a link that appeared meanwhile is refused too
                os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            else:
                _link_new(dir_fd, tmp, name, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=dir_fd)
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def _link_new(dir_fd: int, tmp: str, name: str, path: Path) -> None:
    try:
        os.link(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
    except FileExistsError:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it, or choose another --output") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # a file system without hard links: check, then rename (a tiny window, named here)
        _existing(dir_fd, name, path, False)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def sweep_partial_outputs(folder: Path) -> list[Path]:
    """Remove ``.<name>.<pid>-<random>.part`` files in ``folder`` whose process is gone."""
    from newsclf.staging import pid_running

    removed = []
    if folder.is_dir():
        for entry in folder.iterdir():
            m = _TMP.fullmatch(entry.name)
            if m and not entry.is_symlink() and entry.is_file() and not pid_running(int(m.group(1))):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def default_output_dir() -> Path:
    """Where ``newsclf analyze`` writes without ``--output``: ``<data dir>/analysis``."""
    return settings.data_dir() / "analysis"


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_.+" else "_" for ch in name).strip("._")
    return cleaned[:150] or "article"


def analyze_files(
    paths: Iterable[str | os.PathLike[str]],
    analyzer: Analyzer,
    output: str | os.PathLike[str] | None = None,
    targets: list[str] | None = None,
    explain: bool = False,
    on_written: Callable[[Path, ArticleAnalysis], None] | None = None,
    force: bool = False,
) -> list[Path]:
    """Analyse every article under ``paths``; write ``<output>/<article id>.json`` for each.

    The article id is the file name without its extensions (``seed.txt`` -> ``seed.json``), or the
    ``id`` of a JSONL line. Returns the written paths in order. Each file is written by
    :func:`write_output`: an existing one stops the run before that article is analysed (unless
    ``force``), a symbolic link always does; files already written stay whole.
    """
    from newsclf.data.readers import read_articles

    out_dir = Path(output) if output is not None else default_output_dir()
    sweep_partial_outputs(out_dir)
    written: list[Path] = []
    used: set[str] = set()
    for article in read_articles([Path(p) for p in paths]):
        name = _safe_name(article.id)
        stem, k = name, 2
        while name in used:
            name, k = f"{stem}-{k}", k + 1
        used.add(name)
        path = out_dir / f"{name}.json"
        check_output(path, force)
        result = analyzer.any(article, targets, explain)
        data = (json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        write_output(path, data, force=force)
        written.append(path)
        if on_written is not None:
            on_written(path, result)
    return written

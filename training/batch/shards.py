"""Sharded job output: one shard per partition, a record of each, and a ``_SUCCESS`` manifest.

Layout of an output folder::

    DIR/_job.json               what the job is (its fingerprint: models, options, format)
    DIR/part-00000.jsonl        a shard: the records of partition 0 (or part-00000.parquet)
    DIR/_parts/part-00000.json  the shard's record: partition key, rows, sha256, counts, failures
    DIR/_SUCCESS                written last: every shard with its rows and sha256, totals, failures

Nothing half-written is ever visible: a shard (and each record) is written under a hidden
temporary name (``.part-00000.jsonl.tmp-...``), flushed to disk and renamed into place; its
record is written after it. A shard counts as complete when its record names the same job and
partition and the shard's sha256 matches the record, so a rerun skips exactly those partitions;
a killed job leaves at most hidden temporary files, removed when the job next finishes. Tools that
read a folder of shards (pyarrow, DuckDB, Spark) skip names starting with ``_`` or ``.``.

Files are opened with ``O_EXCL | O_NOFOLLOW`` and renamed over their final name, so no symlink is
ever followed; a folder holding another job's output, or files newsclf did not write, is refused
unless ``force`` (which removes only the shards and records of the other job).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsclf.errors import NewsclfError

from .plan import Partition

__all__ = [
    "FORMATS",
    "JOB_FILE",
    "PARTS_DIR",
    "SUCCESS",
    "OutputDir",
    "ShardWriter",
    "read_records",
    "shard_name",
    "write_json_atomic",
    "write_record",
]

FORMATS = {"jsonl": "jsonl", "parquet": "parquet"}
"""Shard formats and their file extensions."""

JOB_FILE = "_job.json"
SUCCESS = "_SUCCESS"
PARTS_DIR = "_parts"
_PARQUET_BATCH = 256
_SHARD = re.compile(r"^part-(\d{5})\.(jsonl|parquet)$")
_RECORD = re.compile(r"^part-(\d{5})\.json$")
_TEMP = re.compile(r"^\.(part-\d{5}\.(jsonl|parquet|json)|_job\.json|_SUCCESS)\.tmp-\d+-[0-9a-f]{8}$")


def _ours(name: str) -> bool:
    """Whether a name in an output folder is one a job writes."""
    return bool(_SHARD.match(name) or _TEMP.match(name)) or name in (JOB_FILE, SUCCESS, PARTS_DIR)


def shard_name(index: int, fmt: str) -> str:
    """``part-00012.jsonl``: the shard of partition ``index``."""
    return f"part-{index:05d}.{FORMATS[fmt]}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _open_new(path: Path) -> int:
    """A new file for writing: never an existing file, never through a symlink."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)


def _temp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` via a hidden temporary file, flushed and renamed."""
    tmp = _temp_name(path)
    fd = _open_new(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write((json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


class ShardWriter:
    """Writes the records of one partition to a shard: JSON lines or Parquet row groups, under a
    hidden temporary name until :meth:`commit` renames it into place.

    Use as a context manager: leaving it without :meth:`commit` (an error) removes the file.
    """

    def __init__(self, directory: str | os.PathLike[str], index: int, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown shard format {fmt!r}; known: {', '.join(FORMATS)}")
        self.final = Path(directory) / shard_name(index, fmt)
        self.fmt = fmt
        self.rows = 0
        self.tmp = _temp_name(self.final)
        self._fh = os.fdopen(_open_new(self.tmp), "wb")
        self._hash = hashlib.sha256()
        self._batch: list[dict[str, Any]] = []
        self._parquet: Any = None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            from .records import SCHEMA

            self._parquet = pq.ParquetWriter(self._fh, SCHEMA, compression="zstd")

    def add(self, record: Mapping[str, Any]) -> None:
        """Append one record."""
        self.rows += 1
        if self._parquet is None:
            from .records import json_line

            line = json_line(record)
            self._hash.update(line)
            self._fh.write(line)
            return
        from .records import to_row

        self._batch.append(to_row(record))
        if len(self._batch) >= _PARQUET_BATCH:
            self._flush_batch()

    def _flush_batch(self) -> None:
        import pyarrow as pa

        from .records import SCHEMA

        self._parquet.write_table(pa.Table.from_pylist(self._batch, schema=SCHEMA))
        self._batch = []

    def commit(self) -> dict[str, Any]:
        """Close, flush to disk and rename into place; returns ``{"name", "rows", "sha256", "bytes"}``."""
        if self._parquet is not None:
            if self._batch:
                self._flush_batch()
            self._parquet.close()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        digest = self._hash.hexdigest() if self._parquet is None else _sha256(self.tmp)
        size = self.tmp.stat().st_size
        os.replace(self.tmp, self.final)
        return {"name": self.final.name, "rows": self.rows, "sha256": digest, "bytes": size}

    def abort(self) -> None:
        """Drop the temporary file."""
        if self._parquet is not None:
            with contextlib.suppress(OSError, ValueError):  # already closed, or the disk failed
                self._parquet.close()
            self._parquet = None
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if self.tmp.exists():
            self.abort()


class OutputDir:
    """The driver's view of a sharded output folder for one job.

    Parameters
    ----------
    directory : path
    fmt : {"jsonl", "parquet"}
    job : dict
        What the job is, as plain data; its ``fingerprint`` decides whether existing shards can
        be reused.
    force : bool
        Take over a folder holding another job's output or files newsclf did not write (only the
        other job's shards and records are removed; other files are left as they are).
    """

    def __init__(self, directory: str | os.PathLike[str], fmt: str, job: Mapping[str, Any],
                 force: bool = False) -> None:
        self.path = Path(directory)
        self.fmt = fmt
        self.job = dict(job)
        self.fingerprint = str(job["fingerprint"])
        self.force = force

    @property
    def parts(self) -> Path:
        return self.path / PARTS_DIR

    def open(self) -> None:
        """Create the folder or check it holds this job (see the class docs); writes ``_job.json``.

        Raises
        ------
        NewsclfError
            For a symlink or a file in place of the folder, another job's output or foreign
            files (without ``force``).
        """
        p = self.path
        if p.is_symlink() or (p.exists() and not p.is_dir()):
            raise NewsclfError(f"{p}: not a folder (or a symlink, which newsclf does not follow); "
                               "choose another --output")
        p.mkdir(parents=True, exist_ok=True)
        foreign = sorted(e.name for e in os.scandir(p) if not _ours(e.name))
        if foreign and not self.force:
            listed = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise NewsclfError(f"{p}: holds files this job did not write ({listed}); choose an empty "
                               "--output folder, or --force to write the shards beside them")
        old = self._read_job()
        if old is not None and old.get("fingerprint") != self.fingerprint:
            if not self.force:
                raise NewsclfError(
                    f"{p}: holds the output of another job ({_differs(old, self.job)}); its shards "
                    "would not be reused. Choose another --output, or --force to replace them")
            self._remove_ours()
        if self.parts.is_symlink():
            raise NewsclfError(f"{self.parts}: a symlink; newsclf does not follow it, remove it")
        self.parts.mkdir(exist_ok=True)
        write_json_atomic(p / JOB_FILE, self.job)

    def _read_job(self) -> dict[str, Any] | None:
        path = self.path / JOB_FILE
        if not path.is_file() or path.is_symlink():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _remove_ours(self) -> None:
        for e in os.scandir(self.path):
            if _SHARD.match(e.name) or _TEMP.match(e.name) or e.name in (SUCCESS, JOB_FILE):
                os.unlink(e.path)
        if self.parts.is_dir() and not self.parts.is_symlink():
            for e in os.scandir(self.parts):
                if _RECORD.match(e.name) or _TEMP.match(e.name):
                    os.unlink(e.path)

    def record_path(self, index: int) -> Path:
        return self.parts / f"part-{index:05d}.json"

    def complete(self, partition: Partition) -> dict[str, Any] | None:
        """The record of ``partition``'s shard when the shard is complete and verified (same job,
        same partition key, sha256 of the file as recorded); None when it must be (re)done."""
        path = self.record_path(partition.index)
        if not path.is_file() or path.is_symlink():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("job") != self.fingerprint or record.get("partition") != partition.key():
            return None
        shard = record.get("shard") or {}
        file = self.path / str(shard.get("name", ""))
        if shard.get("name") != shard_name(partition.index, self.fmt) or file.is_symlink() or not file.is_file():
            return None
        if file.stat().st_size != shard.get("bytes") or _sha256(file) != shard.get("sha256"):
            return None
        return record

    def start(self) -> None:
        """Before new work: remove ``_SUCCESS`` (the folder is no longer one finished job)."""
        with contextlib.suppress(FileNotFoundError):
            (self.path / SUCCESS).unlink()

    def finish(self, plan: Sequence[Partition], records: Mapping[int, Mapping[str, Any]]
               ) -> dict[str, Any]:
        """Write ``_SUCCESS`` for a job whose every partition has a record (:func:`write_record`);
        remove the shards of partitions no longer planned and leftover temporary files.

        Returns the manifest: the job, totals (``articles``, ``rows`` and each count of the
        records), every shard (``name``, ``rows``, ``sha256``, ``bytes``, ``articles``, the
        ``first`` and ``last`` article source) and every failure (``source``, ``reason``)."""
        planned = {p.index for p in plan}
        for e in os.scandir(self.path):
            m = _SHARD.match(e.name)
            if _TEMP.match(e.name) or (m and (int(m.group(1)) not in planned or m.group(2) != FORMATS[self.fmt])):
                os.unlink(e.path)
        for e in os.scandir(self.parts):
            m = _RECORD.match(e.name)
            if _TEMP.match(e.name) or (m and int(m.group(1)) not in planned):
                os.unlink(e.path)
        shards, failures = [], []
        totals: dict[str, int] = {"articles": 0, "rows": 0}
        for p in plan:
            rec = records[p.index]
            shards.append({**rec["shard"], "articles": rec["articles"], "first": rec["first"],
                           "last": rec["last"]})
            failures.extend(rec["failures"])
            totals["articles"] += rec["articles"]
            totals["rows"] += rec["shard"]["rows"]
            for k, v in rec["counts"].items():
                totals[k] = totals.get(k, 0) + v
        manifest = {
            "job": self.fingerprint,
            "format": self.fmt,
            **{k: v for k, v in self.job.items() if k not in ("fingerprint", "format")},
            **totals,
            "failed": len(failures),
            "shards": shards,
            "failures": failures,
        }
        write_json_atomic(self.path / SUCCESS, manifest)
        return manifest


def write_record(directory: str | os.PathLike[str], index: int, record: Mapping[str, Any]) -> None:
    """Write the record of shard ``index`` (after the shard itself): ``job``, ``partition`` (its
    key), ``shard`` (:meth:`ShardWriter.commit`), ``articles``, ``counts``, ``failures``,
    ``first``/``last`` (sources of its first and last article) and ``inputs``."""
    write_json_atomic(Path(directory) / PARTS_DIR / f"part-{index:05d}.json", dict(record))


def _differs(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    keys = [k for k in sorted(set(old) | set(new)) if k != "fingerprint" and old.get(k) != new.get(k)]
    return "differs in " + ", ".join(keys) if keys else "another fingerprint"


def read_records(directory: str | os.PathLike[str], verify: bool = True) -> Iterator[dict[str, Any]]:
    """The records of a finished sharded output, in shard order (Parquet rows as the JSON records
    they hold: :func:`newsclf.batch.records.from_row`).

    Raises
    ------
    NewsclfError
        Without ``_SUCCESS`` (an unfinished job), or, with ``verify``, a shard whose sha256 differs.
    """
    root = Path(directory)
    path = root / SUCCESS
    if not path.is_file():
        raise NewsclfError(f"{root}: no {SUCCESS}; the job did not finish (run it again to complete it)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for shard in manifest["shards"]:
        file = root / shard["name"]
        if verify and _sha256(file) != shard["sha256"]:
            raise NewsclfError(f"{file}: does not match its sha256 in {path}; it was modified")
        if manifest["format"] == "jsonl":
            with open(file, encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)
        else:
            import pyarrow.parquet as pq

            from .records import from_row

            pf = pq.ParquetFile(file)
            for batch in pf.iter_batches(batch_size=_PARQUET_BATCH):
                for row in batch.to_pylist():
                    yield from_row(row)

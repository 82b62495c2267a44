"""Labelled rows: JSONL or CSV files of task inputs with a ``label``, for any task.

A labelled row is what ``newsclf predict --file`` and the HTTP endpoints take, plus the label::

    {"text": "We will never surrender.", "target": "taliban", "speaker": "Ahmad Massoud",
     "side": "nrf", "group": "article-7", "label": "against"}

Fields are the task's input columns (:data:`newsclf.tasks.TASKS`, e.g. ``text``, ``target``,
``speaker``, ``side``, ``group`` for ``stance``), ``label`` (one of the task's labels) and,
ignored, ``scores`` (so that ``newsclf predict --file ... --with-input`` output can be corrected
and fed back). Input fields other than ``text`` may be left out (their documented defaults
apply); ``group`` (an article id, say) decides the split: every row of a group lands in the same
split. Rows without a group form one group per file.

CSV files have a header line naming the same fields; empty cells take the default. Files may be
gzipped (``.jsonl.gz``, ``.csv.gz``); folders are read recursively (``*.jsonl``, ``*.csv``).

Every line is validated; a problem raises :class:`~newsclf.errors.InputError` naming
``file:line`` and the field (or, with ``skip_bad``, is reported and left out).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclf.errors import InputError
from newsclf.tasks import Task, get_task

__all__ = [
    "IGNORED_FIELDS",
    "ROW_EXTENSIONS",
    "RowsFile",
    "iter_row_files",
    "parse_row",
    "read_rows",
    "row_fields",
]

ROW_EXTENSIONS = (".jsonl", ".csv")
"""File types of labelled rows (each optionally ``.gz``)."""

IGNORED_FIELDS = ("scores",)
"""Fields a row may carry that are not used (``scores`` of a prediction being corrected)."""


@dataclass
class RowsFile:
    """The valid rows of one file and what was wrong with the others.

    Attributes
    ----------
    path : Path
    rows : list of dict
        ``{input field: value, ..., "label": str}`` with every input field present (defaults
        filled, types checked), in file order.
    lines : list of int
        The 1-based line each row came from.
    bad : list of dict
        ``{"source": "file:line", "message": ...}`` for lines left out under ``skip_bad``.
    """

    path: Path
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    bad: list[dict[str, str]] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        """Rows, groups, labels and duplicates (same inputs twice; ``conflicting``: other label)."""
        labels = Counter(r["label"] for r in self.rows)
        seen: dict[str, str] = {}
        duplicates = conflicting = 0
        for r in self.rows:
            key = json.dumps({k: v for k, v in r.items() if k != "label"}, sort_keys=True)
            if key in seen:
                duplicates += 1
                conflicting += seen[key] != r["label"]
            else:
                seen[key] = r["label"]
        return {
            "rows": len(self.rows),
            "groups": len({r["group"] for r in self.rows}),
            "labels": dict(sorted(labels.items())),
            "duplicates": duplicates,
            "conflicting_duplicates": conflicting,
            "bad_lines": len(self.bad),
        }


def row_fields(task: str | Task) -> list[str]:
    """The fields a labelled row of ``task`` may hold: its input columns, then ``label``."""
    spec = task if isinstance(task, Task) else get_task(task)
    return [*spec.inputs, "label"]


def _kind(path: Path) -> tuple[str, bool]:
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    return (ext if ext in ROW_EXTENSIONS else ""), gz


def iter_row_files(paths: list[Path]) -> Iterator[Path]:
    """Files under ``paths``: named files as given, folders walked (sorted, hidden parts skipped)."""
    for p in paths:
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                rel = sub.relative_to(p)
                if sub.is_file() and _kind(sub)[0] and not any(x.startswith(".") for x in rel.parts):
                    yield sub
        else:
            yield p


def _coerce(spec: Task, name: str, value: Any, from_text: bool) -> Any:
    """``value`` as the type of the field's default; raises ValueError saying what is expected."""
    default = spec.inputs[name]
    if default is None or isinstance(default, str):
        if isinstance(value, str):
            return value
        raise ValueError(f"must be a string, got {type(value).__name__}")
    if isinstance(default, bool):
        raise ValueError("boolean input fields are not supported")  # no task has one
    if isinstance(default, float):
        if from_text:
            try:
                return float(value)
            except ValueError:
                raise ValueError(f"must be a number, got {value!r}") from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ValueError(f"must be a number, got {type(value).__name__}")
    if isinstance(default, int):
        if from_text:
            try:
                return int(value)
            except ValueError:
                raise ValueError(f"must be an integer, got {value!r}") from None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError(f"must be an integer, got {type(value).__name__}")
    raise ValueError(f"unsupported field type {type(default).__name__}")


def parse_row(spec: Task, obj: Mapping[str, Any], default_group: str, from_text: bool = False) -> dict[str, Any]:
    """Validate one row object; returns it with every input field and ``label``.

    ``from_text``: values are CSV cells (strings; an empty cell means "not given").
    Raises ValueError with a message naming the field.
    """
    allowed = row_fields(spec)
    unknown = [k for k in obj if k not in allowed and k not in IGNORED_FIELDS]
    if unknown:
        raise ValueError(
            f"unknown field {unknown[0]!r}; a {spec.name} row has {', '.join(allowed)}"
        )
    out: dict[str, Any] = {}
    for name, default in spec.inputs.items():
        value = obj.get(name)
        if from_text and value == "":
            value = None
        if value is None:
            if default is None:
                raise ValueError(f"missing required field {name!r}")
            value = default_group if name == "group" else default
        else:
            try:
                value = _coerce(spec, name, value, from_text)
            except ValueError as exc:
                raise ValueError(f"field {name!r} {exc}") from None
        out[name] = value
    if not out["text"].strip():
        raise ValueError("field 'text' is empty")
    if "group" in out and not out["group"]:
        out["group"] = default_group
    label = obj.get("label")
    if label is None or label == "":
        raise ValueError(f"missing 'label' (one of {', '.join(spec.labels)})")
    if label not in spec.labels:
        raise ValueError(f"label {label!r} is not a {spec.name} label ({', '.join(spec.labels)})")
    out["label"] = label
    return out


def _open_text(path: Path, gz: bool) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _json_lines(fh: io.TextIOBase) -> Iterator[tuple[int, Any]]:
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, ValueError(f"not valid JSON ({exc.msg} at column {exc.colno}); one JSON object per line")
            continue
        if not isinstance(obj, dict):
            yield lineno, ValueError(f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield lineno, obj


def _csv_lines(fh: io.TextIOBase, allowed: list[str]) -> Iterator[tuple[int, Any]]:
    reader = csv.DictReader(fh)
    header = reader.fieldnames
    if not header:
        return
    unknown = [h for h in header if h not in allowed and h not in IGNORED_FIELDS]
    if unknown:
        yield 1, ValueError(
            f"unknown column {unknown[0]!r} in the header; columns may be {', '.join(allowed)}"
        )
        return
    start = reader.line_num + 1
    for obj in reader:
        if None in obj:  # more cells than header columns
            yield start, ValueError(f"{len(header) + len(obj[None])} cells for {len(header)} columns")
        elif not any((v or "").strip() for v in obj.values()):
            pass
        else:
            yield start, {k: v for k, v in obj.items() if v is not None}
        start = reader.line_num + 1


def read_rows(path: str | Path, task: str | Task, skip_bad: bool = False) -> RowsFile:
    """Read and validate the labelled rows of one JSONL or CSV file for ``task``.

    Parameters
    ----------
    path : path of a ``.jsonl`` / ``.csv`` file (optionally ``.gz``)
    task : task name or :class:`~newsclf.tasks.Task`
    skip_bad : bool
        Report bad lines in ``RowsFile.bad`` and keep the others, instead of raising.

    Raises
    ------
    InputError
        ``file:line: <problem>`` for the first bad line (unless ``skip_bad``), or when the file
        cannot be read, has an unknown type, no rows, or is not UTF-8.
    """
    spec = task if isinstance(task, Task) else get_task(task)
    path = Path(path)
    ext, gz = _kind(path)
    if not ext:
        raise InputError(
            f"{path}: unknown file type {''.join(path.suffixes) or '(no extension)'}; labelled rows "
            f"are {' or '.join(ROW_EXTENSIONS)} files (optionally .gz)"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    out = RowsFile(path=path)
    default_group = path.name.split(".")[0]
    try:
        with _open_text(path, gz) as fh:
            lines = _json_lines(fh) if ext == ".jsonl" else _csv_lines(fh, row_fields(spec))
            for lineno, obj in lines:
                try:
                    if isinstance(obj, Exception):
                        raise obj
                    row = parse_row(spec, obj, default_group, from_text=ext == ".csv")
                except ValueError as exc:
                    where = f"{path}:{lineno}"
                    if not skip_bad:
                        raise InputError(f"{where}: {exc}") from None
                    out.bad.append({"source": where, "message": f"{where}: {exc}"})
                    continue
                out.rows.append(row)
                out.lines.append(lineno)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read the file ({exc})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a valid CSV file ({exc})") from None
    if not out.rows and not out.bad:
        raise InputError(
            f"{path}: no labelled rows; each {'line' if ext == '.jsonl' else 'CSV row'} needs "
            f"{', '.join(row_fields(spec))}"
        )
    return out

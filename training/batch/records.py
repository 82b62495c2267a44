"""One record per analysed article, as a JSON line or a Parquet row.

A record is the per-file JSON of ``newsclf analyze`` (what ``POST /analyze`` returns: ``text`` for
HTML pages, ``sentences``, ``quotes``) preceded by the article's ``id`` and ``source`` (its file,
or ``file:line`` for JSONL). JSON lines hold it verbatim. Parquet rows hold it in the typed schema
:data:`SCHEMA` (nested lists and structs; per-label scores and per-target stances as maps; the
stance ``explanation`` of ``--explain``, whose keys vary, as a JSON string); :func:`from_row` gives
back the very same record, so both formats carry the same fields and values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

__all__ = ["SCHEMA", "analysis_record", "from_row", "json_line", "to_row"]

_FEATURES = pa.list_(pa.struct([("feature", pa.string()), ("weight", pa.float64())]))
_SCORES = pa.map_(pa.string(), pa.float64())
_SENTENCE = pa.struct([
    ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("label", pa.string()),
    ("score", pa.float64()), ("features", _FEATURES),
])
_STANCE = pa.struct([
    ("label", pa.string()), ("scores", _SCORES), ("features", _FEATURES), ("explanation", pa.string()),
])
_QUOTE = pa.struct([
    ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("speaker", pa.string()),
    ("side", pa.string()), ("fragment", pa.bool_()), ("stance", pa.map_(pa.string(), _STANCE)),
])

SCHEMA = pa.schema([
    ("id", pa.string()),
    ("source", pa.string()),
    ("text", pa.string()),
    ("sentences", pa.list_(_SENTENCE)),
    ("quotes", pa.list_(_QUOTE)),
])
"""Parquet schema of an analysis shard: one row per article. ``text`` is null for plain-text
articles (their offsets index the input text); ``features`` and ``explanation`` are null without
``--explain``."""


def analysis_record(article_id: str, source: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """The record of one article: ``{"id", "source", **result}``."""
    return {"id": article_id, "source": source, **result}


def json_line(record: Mapping[str, Any]) -> bytes:
    """A record as one compact UTF-8 JSON line (newline included)."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record shaped for :data:`SCHEMA` (maps as dicts, ``explanation`` as JSON text)."""
    row = dict(record)
    row["quotes"] = [
        {**q, "stance": {t: _stance_row(s) for t, s in q["stance"].items()}} for q in record["quotes"]
    ]
    return row


def _stance_row(entry: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    if "explanation" in out:
        out["explanation"] = json.dumps(out["explanation"], ensure_ascii=False)
    return out


def from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The record a Parquet row (``pyarrow.Table.to_pylist()``) holds, exactly as written."""
    out: dict[str, Any] = {"id": row["id"], "source": row["source"]}
    if row["text"] is not None:
        out["text"] = row["text"]
    out["sentences"] = [_drop_nulls(s, ("features",)) for s in row["sentences"]]
    quotes = []
    for q in row["quotes"]:
        stance = {}
        for target, entry in q["stance"]:
            e = _drop_nulls(entry, ("features", "explanation"))
            e["scores"] = dict(e["scores"])
            if "explanation" in e:
                e["explanation"] = json.loads(e["explanation"])
            stance[target] = e
        quotes.append({**q, "stance": stance})
    out["quotes"] = quotes
    return out


def _drop_nulls(item: Mapping[str, Any], optional: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not (k in optional and v is None)}

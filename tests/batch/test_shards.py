"""Shards: written atomically, verified by sha256, Parquet rows give back the JSON records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsclf.batch.plan import InputFile, plan_partitions
from newsclf.batch.records import from_row, to_row
from newsclf.batch.shards import OutputDir, ShardWriter, read_records, write_record
from newsclf.errors import NewsclfError

RECORDS = [
    {"id": "a", "source": "in/a.txt",
     "sentences": [{"start": 0, "end": 5, "text": "Hello", "label": "content", "score": 0.9}],
     "quotes": [{"start": 1, "end": 4, "text": "ell", "speaker": None, "side": None, "fragment": True,
                 "stance": {}},
                {"start": 6, "end": 9, "text": "wé", "speaker": "Ahmad Massoud", "side": "nrf",
                 "fragment": False,
                 "stance": {"taliban": {"label": "against", "scores": {"favor": 0.1, "against": 0.7, "none": 0.2}},
                            "nrf": {"label": "none", "scores": {"favor": 0.3, "against": 0.0, "none": 0.7}}}}]},
    {"id": "p", "source": "in/p.jsonl:3", "text": "",
     "sentences": [], "quotes": []},
    {"id": "x", "source": "in/x.html", "text": "Body text",   # --explain: features and explanations
     "sentences": [{"start": 0, "end": 4, "text": "Body", "label": "content", "score": 0.5,
                    "features": [{"feature": "w:body", "weight": 1.25}]}],
     "quotes": [{"start": 0, "end": 4, "text": "Body", "speaker": "X", "side": "other", "fragment": False,
                 "stance": {"nrf": {"label": "none", "scores": {"none": 1.0}, "features": [],
                                    "explanation": {"decided_by": "side:other", "cues": ["vow"], "p": [0.5, 0.25]}}}}]},
]


def test_shards_parquet_rows_give_back_the_records():
    import pyarrow as pa

    from newsclf.batch.records import SCHEMA

    table = pa.Table.from_pylist([to_row(r) for r in RECORDS], schema=SCHEMA)
    assert [from_row(r) for r in table.to_pylist()] == RECORDS


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_writer_is_atomic(tmp_path, fmt):
    with ShardWriter(tmp_path, 3, fmt) as writer:
        for r in RECORDS:
            writer.add(r)
        assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
        info = writer.commit()
    assert info["name"] == f"part-00003.{fmt}" and info["rows"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [info["name"]]
    # an error before commit leaves nothing, not even the hidden temporary file
    with pytest.raises(RuntimeError), ShardWriter(tmp_path, 4, fmt) as writer:
        writer.add(RECORDS[0])
        raise RuntimeError("killed")
    assert sorted(p.name for p in tmp_path.iterdir()) == [info["name"]]


def _job(fingerprint: str = "f" * 64, fmt: str = "jsonl") -> dict:
    return {"fingerprint": fingerprint, "format": fmt, "command": "test"}


def _finished(tmp_path: Path, fmt: str) -> tuple[OutputDir, list]:
    src = tmp_path / "a.txt"
    src.write_text("x", encoding="utf-8")
    plan = plan_partitions([InputFile(str(src))])
    out = OutputDir(tmp_path / "out", fmt, _job(fmt=fmt))
    out.open()
    with ShardWriter(out.path, 0, fmt) as writer:
        for r in RECORDS:
            writer.add(r)
        shard = writer.commit()
    record = {"job": out.fingerprint, "partition": plan[0].key(), "shard": shard, "articles": 3,
              "counts": {"quotes": 3}, "failures": [{"source": "b", "reason": "r"}], "first": "a", "last": "x"}
    write_record(out.path, 0, record)
    return out, plan


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_manifest_and_records(tmp_path, fmt):
    out, plan = _finished(tmp_path, fmt)
    assert out.complete(plan[0]) is not None
    manifest = out.finish(plan, {0: out.complete(plan[0])})
    assert manifest["rows"] == 3 and manifest["quotes"] == 3 and manifest["failures"] == [{"source": "b", "reason": "r"}]
    on_disk = json.loads((out.path / "_SUCCESS").read_text(encoding="utf-8"))
    assert on_disk == manifest and on_disk["shards"][0]["name"] == f"part-00000.{fmt}"
    assert list(read_records(out.path)) == RECORDS


def test_shards_a_modified_shard_is_not_complete(tmp_path):
    out, plan = _finished(tmp_path, "jsonl")
    shard = out.path / "part-00000.jsonl"
    data = shard.read_bytes()
    shard.write_bytes(data.replace(b'"Hello"', b'"Hallo"'))  # same size, other bytes
    assert out.complete(plan[0]) is None
    shard.write_bytes(data)
    assert out.complete(plan[0]) is not None
    other = OutputDir(out.path, "jsonl", _job("e" * 64), force=True)
    other.open()  # another job takes over: our shards and records are gone
    assert other.complete(plan[0]) is None and not shard.exists()


def test_shards_output_folder_rules(tmp_path):
    out, _ = _finished(tmp_path, "jsonl")
    with pytest.raises(NewsclfError, match="holds the output of another job"):
        OutputDir(out.path, "parquet", _job("0" * 64, fmt="parquet")).open()
    OutputDir(out.path, "jsonl", _job()).open()  # the same job: fine (resume)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(NewsclfError, match=r"holds files this job did not write \(notes.txt\)"):
        OutputDir(tmp_path / "mine", "jsonl", _job()).open()
    OutputDir(tmp_path / "mine", "jsonl", _job(), force=True).open()
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    os.symlink(tmp_path / "mine", tmp_path / "link")
    with pytest.raises(NewsclfError, match="symlink"):
        OutputDir(tmp_path / "link", "jsonl", _job()).open()


def test_shards_writer_never_follows_a_symlink(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / "out").mkdir()
    os.symlink(target, tmp_path / "out" / "part-00000.jsonl")
    with ShardWriter(tmp_path / "out", 0, "jsonl") as writer:
        writer.add(RECORDS[1])
        writer.commit()
    assert target.read_text(encoding="utf-8") == "keep"
    assert not (tmp_path / "out" / "part-00000.jsonl").is_symlink()

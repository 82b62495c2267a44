"""Partition planning: bounded partitions, JSONL cut into line ranges, globs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsclf.batch.plan import InputFile, expand_inputs, plan_partitions
from newsclf.data.readers import iter_files
from newsclf.errors import InputError


def _files(folder: Path) -> list[InputFile]:
    return [InputFile(str(f)) for f in iter_files([folder])]


def _jsonl(path: Path, n: int, gz: bool = False) -> bytes:
    data = "".join(json.dumps({"id": f"x{i}", "text": "word " * (i % 7 + 1)}) + "\n" for i in range(n)).encode()
    if gz:
        with gzip.open(path, "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)
    return data


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("max_articles, max_bytes", [(7, 10**9), (1000, 300), (1, 10**9)])
def test_plan_jsonl_ranges_cover_the_file_in_line_order(tmp_path, gz, max_articles, max_bytes):
    path = tmp_path / ("big.jsonl.gz" if gz else "big.jsonl")
    data = _jsonl(path, 50, gz)
    plan = plan_partitions([InputFile(str(path))], max_articles, max_bytes)
    pieces = [p for part in plan for p in part.pieces]
    assert len(pieces) > 1
    assert pieces[0].start == 0 and pieces[-1].end == len(data)
    for a, b in zip(pieces, pieces[1:], strict=False):
        assert a.end == b.start and b.first_line == a.first_line + a.lines
    for p in pieces:
        chunk = data[p.start:p.end]
        assert chunk.endswith(b"\n") and chunk.count(b"\n") == p.lines
        assert p.first_line == data[:p.start].count(b"\n")
        assert p.lines <= max_articles
        assert p.lines == 1 or p.end - p.start - len(chunk.splitlines(True)[-1]) < max_bytes
    assert sum(p.lines for p in pieces) == 50


def test_plan_a_last_line_without_newline_counts(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{"text": "c"}')
    plan = plan_partitions([InputFile(str(path))], 2)
    assert [(p.start, p.end, p.first_line, p.lines) for part in plan for p in part.pieces] == [
        (0, 28, 0, 2), (28, 41, 2, 1)]


def test_plan_partitions_are_bounded_and_in_input_order(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(9):
        (folder / f"a{i}.txt").write_text("x" * 100, encoding="utf-8")
    _jsonl(folder / "b.jsonl", 3)
    files = _files(folder)
    plan = plan_partitions(files, max_articles=4)
    assert [p.index for p in plan] == list(range(len(plan)))
    assert all(p.articles <= 4 for p in plan)
    shown = [piece.shown for p in plan for piece in p.pieces]
    assert shown == [f.shown for f in files]  # small JSONL stays whole, order kept
    assert plan_partitions(files, max_articles=100, max_bytes=250)[0].articles == 2  # by bytes
    assert plan == plan_partitions(files, max_articles=4)  # deterministic


def test_plan_key_changes_with_the_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")
    key = plan_partitions([InputFile(str(path))])[0].key()
    path.write_text("other text", encoding="utf-8")
    assert plan_partitions([InputFile(str(path))])[0].key() != key


def test_plan_a_corrupt_gzip_is_planned_whole(tmp_path):
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    (piece,) = plan_partitions([InputFile(str(path))], 1)[0].pieces
    assert piece.whole


def test_plan_expand_inputs_globs_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x/a.txt", "x/y/b.jsonl", "x/y/c.txt"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("t", encoding="utf-8")
    assert expand_inputs(["x/**/*.txt"]) == [Path("x/a.txt"), Path("x/y/c.txt")]
    assert expand_inputs(["x"]) == [Path("x")]
    with pytest.raises(InputError, match=r"x/\*\.html: no file matches"):
        expand_inputs(["x/*.html"])
    with pytest.raises(InputError, match="nope.txt: no such file or folder"):
        expand_inputs(["nope.txt"])

"""Reading partitions on a worker gives what the one-process reader gives, line for line."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from newsclf.batch.plan import InputFile, plan_partitions
from newsclf.batch.read import BadRead, InputChanged, read_partition
from newsclf.data.readers import BadInputReport, read_articles

LIMIT = 2_000


def _lines() -> list[bytes]:
    rows = [json.dumps({"id": f"a{i}", "text": f"Article {i} said \"yes\".", "k": i}).encode() for i in range(12)]
    rows[2] = b""                                              # blank line: skipped
    rows[4] = b"{broken"                                       # not JSON
    rows[6] = json.dumps({"text": "x" * (LIMIT + 10)}).encode()  # over the size limit
    rows[7] = json.dumps({"html": "<p>A page line.</p><p>Second paragraph.</p>"}).encode()
    rows[9] = json.dumps({"text": "no id: a default one"}).encode()
    rows[10] = b'{"id": "z", "text": 3}'                       # text not a string
    return rows


def _one_process(paths: list[Path]) -> list[tuple]:
    report = BadInputReport()
    out = [("article", a.id, a.source, a.text, tuple(sorted(a.meta))) for a in
           read_articles(paths, skip_bad=True, report=report)]
    return out, [(b.source, b.message) for b in report.bad]


def _partitioned(paths: list[Path], max_articles: int) -> tuple[list[tuple], list[tuple]]:
    from newsclf.data.readers import iter_files

    plan = plan_partitions([InputFile(str(f)) for f in iter_files(paths)], max_articles)
    arts, bad = [], []
    for part in plan:
        for item in read_partition(part, LIMIT):
            if isinstance(item, BadRead):
                bad.append((item.source, item.message))
            else:
                arts.append(("article", item.id, item.source, item.text, tuple(sorted(item.meta))))
    return arts, bad


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("max_articles", [1, 3, 100])
def test_read_jsonl_ranges_match_the_reader(tmp_path, monkeypatch, gz, max_articles):
    monkeypatch.setenv("NEWSCLF_MAX_ARTICLE_BYTES", str(LIMIT))
    monkeypatch.chdir(tmp_path)
    data = b"\n".join(_lines()) + b"\n"
    name = "feed.jsonl.gz" if gz else "feed.jsonl"
    if gz:
        with gzip.open(name, "wb") as fh:
            fh.write(data)
    else:
        Path(name).write_bytes(data)
    expected = _one_process([Path(name)])
    assert len(expected[0]) == 8 and len(expected[1]) == 3
    assert _partitioned([Path(name)], max_articles) == expected


def test_read_whole_files_match_the_reader(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text("A plain article.\n\nSecond paragraph.", encoding="utf-8")
    Path("in/b.txt").write_bytes(b"caf\xe9 latin-1")           # not UTF-8
    Path("in/c.html").write_text("<p>Page text here.</p>", encoding="utf-8")
    Path("in/d.txt").write_text("", encoding="utf-8")           # empty
    Path("in/e.jsonl").write_text('{"id": "e1", "text": "one"}\n{"id": "e1", "text": "dup"}\n',
                                  encoding="utf-8")
    expected = _one_process([Path("in")])
    assert [a[1] for a in expected[0]] == ["a", "c", "e1"]
    assert _partitioned([Path("in")], 2) == expected


def test_read_names_files_as_the_driver_does(tmp_path, monkeypatch):
    """Workers open absolute paths; sources and messages keep the path as given (relative)."""
    monkeypatch.chdir(tmp_path)
    Path("rel").mkdir()
    Path("rel/bad.txt").write_bytes(b"\x00\x01")
    Path("rel/ok.txt").write_text("Fine text.", encoding="utf-8")
    arts, bad = _partitioned([Path("rel")], 10)
    assert arts[0][2] == os.path.join("rel", "ok.txt")
    assert bad == [("rel/bad.txt", _one_process([Path("rel")])[1][0][1])]
    assert str(tmp_path) not in bad[0][1]


def test_read_refuses_a_file_that_changed(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Some text.", encoding="utf-8")
    (part,) = plan_partitions([InputFile(str(path))])
    path.write_text("Some other, longer text.", encoding="utf-8")
    with pytest.raises(InputChanged, match="when the job was planned"):
        list(read_partition(part, LIMIT))

"""Reading articles: txt, jsonl, gz, folders, HTML, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsclf.data.readers import (
    BadInputReport,
    article_from_text,
    article_id,
    paragraph_blocks,
    read_articles,
)
from newsclf.errors import InputError


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "a"),
        ("a.html.gz", "a"),
        ("panjshir-nrf-2021-09.txt", "panjshir-nrf-2021-09"),
        ("v1.2.report.jsonl", "v1.2.report"),
        ("page.HTM", "page"),
        ("noext", "noext"),
    ],
)
def test_readers_article_id(name: str, expected: str) -> None:
    assert article_id(name) == expected


def test_readers_txt_seed(seed_path: Path, seed_text: str) -> None:
    [article] = list(read_articles(seed_path))
    assert article.id == "panjshir-nrf-2021-09"
    assert article.text == seed_text
    assert len(article.blocks) == 14
    for i, b in enumerate(article.blocks):
        assert b.index == i and b.tag == "p" and b.tag_path == ""
        assert article.text[b.start : b.end] == article.text[b.start : b.end].strip()
    assert (
        article.text[article.blocks[-1].start : article.blocks[-1].end]
        == "By submitting this form, I agree to the terms."
    )


def test_readers_txt_keeps_crlf_and_drops_bom(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.txt", "\ufeffTitle\r\n\r\nBody one.\r\nBody two.\r\n".encode())
    [a] = read_articles(p)
    assert a.text == "Title\r\n\r\nBody one.\r\nBody two.\r\n"
    assert [a.text[b.start : b.end] for b in a.blocks] == ["Title", "Body one.\r\nBody two."]


def test_readers_jsonl_and_gz(tmp_path: Path) -> None:
    lines = [
        {
            "id": "one",
            "text": "First article.\n\nSecond paragraph.",
            "url": "http://x",
            "title": "T",
        },
        {"text": "No id here."},
    ]
    raw = "\n".join(json.dumps(x) for x in lines) + "\n\n"
    _write(tmp_path / "in" / "batch.jsonl", raw)
    with gzip.open(tmp_path / "in" / "z.txt.gz", "wb") as fh:
        fh.write(b"Zipped text.")
    arts = list(read_articles([tmp_path / "in"]))
    assert [a.id for a in arts] == ["one", "batch-2", "z"]
    assert arts[0].meta == {"url": "http://x", "title": "T"}
    assert arts[0].source.endswith("batch.jsonl:1")
    assert len(arts[0].blocks) == 2
    assert arts[2].text == "Zipped text."


def test_readers_folder_sorted_recursive_ignores_others(tmp_path: Path) -> None:
    _write(tmp_path / "b.txt", "B.")
    _write(tmp_path / "sub" / "a.txt", "A.")
    _write(tmp_path / "a.txt", "A0.")
    _write(tmp_path / "README.md", "# not an article")
    _write(tmp_path / ".hidden" / "x.txt", "hidden")
    report = BadInputReport()
    arts = list(read_articles(tmp_path, report=report))
    assert [a.text for a in arts] == ["A0.", "B.", "A."]
    assert report.read == 3 and not report
    assert [Path(p).name for p in report.ignored] == ["README.md"]


def test_readers_html_via_html_module(tmp_path: Path) -> None:
    pytest.importorskip(
        "newsclf.data.html", reason="HTML reader (newsclf.data.html) not available"
    )
    page = "<html><body><article><h1>Title here</h1><p>Body text of the story.</p></article></body></html>"
    _write(tmp_path / "p.html", page)
    with gzip.open(tmp_path / "q.htm.gz", "wb") as fh:
        fh.write(page.encode())
    _write(tmp_path / "pages.jsonl", json.dumps({"id": "h1", "html": page, "site": "s"}) + "\n")
    arts = list(
        read_articles([tmp_path / "p.html", tmp_path / "q.htm.gz", tmp_path / "pages.jsonl"])
    )
    assert [a.id for a in arts] == ["p", "q", "h1"]
    for a in arts:
        assert "Body text of the story." in a.text
    assert arts[2].meta.get("site") == "s"


BAD_CASES = {
    "empty": ("e.txt", b"", "empty"),
    "blank": ("w.txt", b"  \n\n \t", "empty"),
    "binary": ("b.txt", b"abc\x00\x01\x02def", "binary"),
    "latin1": ("l.txt", "Caf\u00e9 au lait.\nna\u00efve".encode("latin-1"), "not valid UTF-8"),
    "unknown": ("doc.pdf", b"%PDF-1.4", "unknown file type"),
    "bad gzip": ("g.txt.gz", b"not gzip at all", "gzip"),
    "bad json": ("j.jsonl", b'{"id": "x", "text": "ok"}\n{broken\n', "j.jsonl:2"),
    "no text": ("k.jsonl", b'{"id": "x", "body": "?"}\n', "neither 'text' nor 'html'"),
    "dup id": ("d.jsonl", b'{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n', "duplicate"),
    "empty jsonl": ("n.jsonl", b"", "empty"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_readers_bad_input_raises_naming_file(tmp_path: Path, case: str) -> None:
    name, data, needle = BAD_CASES[case]
    path = _write(tmp_path / name, data)
    with pytest.raises(InputError) as info:
        list(read_articles(path))
    msg = str(info.value)
    assert str(path) in msg and needle in msg


def test_readers_mis_encoded_names_line_and_fix(tmp_path: Path) -> None:
    path = _write(tmp_path / "l.txt", "Line one.\nLine two \u00e9.".encode("latin-1"))
    with pytest.raises(InputError, match=r"l\.txt:2: not valid UTF-8 .*offset 19, line 2.*iconv"):
        list(read_articles(path))


def test_readers_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_articles(tmp_path / "nope.txt"))


def test_readers_five_mb_article_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.txt", ("A sentence of the story. " * 200_000).encode())  # 5 MB
    with pytest.raises(
        InputError, match=r"big\.txt: article too large \(5,000,000 bytes; the limit is 4,000,000"
    ):
        list(read_articles(path))
    with gzip.open(tmp_path / "big2.txt.gz", "wb") as fh:
        fh.write(b"x" * 5_000_000)
    with pytest.raises(InputError, match="too large"):
        list(read_articles(tmp_path / "big2.txt.gz"))
    line = (
        json.dumps({"id": "big", "text": "y" * 5_000_000})
        + "\n"
        + json.dumps({"id": "ok", "text": "fine."})
    )
    _write(tmp_path / "big.jsonl", line)
    report = BadInputReport()
    arts = list(read_articles(tmp_path / "big.jsonl", skip_bad=True, report=report))
    assert [a.id for a in arts] == ["ok"]
    assert "big.jsonl:1" in report.bad[0].source and "too large" in report.bad[0].message


def test_readers_limit_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCLF_MAX_ARTICLE_BYTES", "10")
    path = _write(tmp_path / "a.txt", "Eleven bytes and more.")
    with pytest.raises(InputError, match="limit is 10 bytes"):
        list(read_articles(path))


def test_readers_skip_bad_reports_and_reads_rest(tmp_path: Path) -> None:
    for name, data, _ in BAD_CASES.values():
        if not name.endswith(".pdf"):
            _write(tmp_path / name, data)
    _write(tmp_path / "good.txt", "A good article.")
    report = BadInputReport()
    arts = list(read_articles([tmp_path, tmp_path / "missing.txt"], skip_bad=True, report=report))
    # j.jsonl line 1, d.jsonl line 1 and good.txt are fine
    assert sorted(a.text for a in arts) == ["A good article.", "a", "ok"]
    sources = " ".join(b.source for b in report.bad)
    for bad in [
        "e.txt",
        "w.txt",
        "b.txt",
        "l.txt",
        "g.txt.gz",
        "j.jsonl:2",
        "k.jsonl:1",
        "d.jsonl:2",
        "n.jsonl",
        "missing.txt",
    ]:
        assert bad in sources, bad
    assert "bad input" in report.summary()
    assert report.to_dict()["read"] == 3


def test_readers_paragraph_blocks_cover_text() -> None:
    text = "\n\n  One.\n\n\n Two\nlines. \n \nThree."
    blocks = paragraph_blocks(text)
    assert [text[b.start : b.end] for b in blocks] == ["One.", "Two\nlines.", "Three."]
    assert article_from_text(text, "x").blocks == blocks


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_readers_property_arbitrary_bytes_never_crash(tmp_path: Path, suffix: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(
        st.binary(max_size=200)
        | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
    def check(data: bytes) -> None:
        path = tmp_path / f"x{suffix}"
        path.write_bytes(data)
        try:
            for a in read_articles(path):
                for b in a.blocks:
                    assert a.text[b.start : b.end].strip()
        except InputError as exc:
            assert str(path) in str(exc)

    check()


def test_readers_html_file_holding_gzip_is_read_within_the_size_limit(tmp_path, monkeypatch):
    from newsclf.data.readers import read_file

    page = tmp_path / "page.html"
    page.write_bytes(gzip.compress(b"<html><body><p>Served compressed.</p></body></html>"))
    assert next(read_file(page)).text == "Served compressed."
    monkeypatch.setenv("NEWSCLF_MAX_ARTICLE_BYTES", "100000")
    page.write_bytes(gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>", 9))
    with pytest.raises(InputError, match="over 100,000 bytes once decompressed"):
        next(read_file(page))

"""The HTML reader: encodings, gzip, blocks and their DOM context, offsets."""

from __future__ import annotations

import gzip

import pytest

from newsclf.data.html import decode_html, read_html
from newsclf.errors import InputError

PAGE = """<html lang="en"><head><title>Big news - Site</title><style>p{}</style>
<script>var x = "<p>not text</p>";</script></head>
<body><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>
<article id="story"><h1>Big news</h1><p>First paragraph with <a href="#">a link</a> inside.</p>
<p>Second<br>line two</p><div>Loose <b>bold</b> text<p>nested para</p>tail text</div></article>
<noscript>enable js</noscript><template><p>tpl</p></template><svg><text>svg</text></svg>
<div hidden>hidden text</div><div style="display: none">invisible</div>
<footer class="site-footer">© 2026 Site</footer></body></html>"""


def test_html_blocks_split_at_block_elements():
    art = read_html(PAGE, "p1", "mem")
    texts = [art.text[b.start : b.end] for b in art.blocks]
    assert texts == ["Home", "World", "Big news", "First paragraph with a link inside.", "Second", "line two",
                     "Loose bold text", "nested para", "tail text", "© 2026 Site"]  # fmt: skip
    assert art.text == "\n\n".join(texts)
    assert art.meta["title"] == "Big news - Site" and art.meta["lang"] == "en"


def test_html_drops_invisible_parts():
    text = read_html(PAGE, "p1").text
    for hidden in ("not text", "enable js", "tpl", "svg", "hidden text", "invisible", "p{}"):
        assert hidden not in text


def test_html_block_context():
    art = read_html(PAGE, "p1")
    by_text = {art.text[b.start : b.end]: b for b in art.blocks}
    home = by_text["Home"]
    assert home.tag == "li" and home.tag_path == "html/body/nav/ul/li" and home.link_density == 1.0
    assert "main" in home.attrs.split() and "nav" in home.attrs.split()
    para = by_text["First paragraph with a link inside."]
    assert para.tag == "p" and "story" in para.attrs.split()
    assert para.link_density == pytest.approx(len("a link") / len("First paragraph with a link inside."), abs=1e-3)
    assert [b.index for b in art.blocks] == list(range(len(art.blocks)))
    assert by_text["© 2026 Site"].attrs == "site footer"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('<meta charset="iso-8859-1"><p>Gr\xfc\xdfe aus K\xf6ln</p>'.encode("latin-1"), "Grüße aus Köln"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1250"><p>Zażółć</p>'.encode("cp1250"), "Zażółć"),
        ("<p>Grüße – “quoted”</p>".encode(), "Grüße – “quoted”"),
        (b"\xef\xbb\xbf<p>BOM \xc3\xa9t\xc3\xa9</p>", "BOM été"),
        ("<p>utf16 ü</p>".encode("utf-16"), "utf16 ü"),
        ('<meta charset="utf-8"><p>caf\xe9 cr\xe8me</p>'.encode("latin-1"), "café crème"),  # lies about utf-8
        ('<?xml version="1.0" encoding="iso-8859-1"?><html><p>na\xefve</p></html>'.encode("latin-1"), "naïve"),
    ],
)
def test_html_encodings(raw, expected):
    assert read_html(raw, "x").text == expected


def test_html_gzip_bytes_and_path(tmp_path):
    raw = gzip.compress(PAGE.encode())
    art = read_html(raw, "g")
    assert "Big news" in art.text
    path = tmp_path / "page.html.gz"
    path.write_bytes(raw)
    assert read_html(path, "page").text == art.text


@pytest.mark.parametrize("bad", [b"", b"   ", b"\x1f\x8bnot gzip", b"\x00\x01\x02" * 200])
def test_html_bad_input_raises_input_error(bad):
    with pytest.raises(InputError, match="bad.html"):
        read_html(bad, "bad", "bad.html")


def test_html_offsets_slice_back_and_no_empty_blocks():
    art = read_html("<div><p> a  \n b </p><p>   </p><span>x</span></div><table><tr><td>1</td><td>2</td></tr></table>", "o")
    assert [art.text[b.start : b.end] for b in art.blocks] == ["a b", "x", "1", "2"]
    assert all(b.end > b.start for b in art.blocks)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [('<meta charset="windows-1252"><p>é</p>'.encode("cp1252"), "cp1252"),
     ("<p>é</p>".encode(), "utf-8"),
     ('<meta charset="latin-1"><p>é</p>'.encode("latin-1"), "cp1252")],
)
def test_html_decode_reports_encoding(raw, encoding):
    text, enc = decode_html(raw)
    assert "é" in text and enc == encoding


def test_html_text_without_markup_and_deep_nesting():
    assert read_html("just words", "w").text == "just words"
    deep = "<div>" * 1000 + "deep" + "</div>" * 1000  # libxml2 caps nesting deeper than that
    assert read_html(deep, "d").text == "deep"


def test_html_deep_nesting_keeps_text_with_bounded_shared_paths():
    from newsclf.data.html import MAX_PATH_STEPS

    page = "<x-wrapper>" * 2000 + "<p>para text here.</p>" * 300 + "</x-wrapper>" * 2000
    art = read_html(page, "deep")
    assert len(art.blocks) == 300 and art.text.count("para text here.") == 300  # deeper content is read
    paths = {b.tag_path for b in art.blocks}
    assert len(paths) == 1 and len({id(b.tag_path) for b in art.blocks}) == 1  # one string object, shared
    steps = next(iter(paths)).split("/")
    assert len(steps) == MAX_PATH_STEPS and steps[0] == "html" and steps[-1] == "p"


def test_html_class_tokens_bounded_keep_outer_and_inner():
    from newsclf.data.html import MAX_ATTR_TOKENS

    page = "".join(f'<div class="c{i}">' for i in range(1000)) + "<p>deep</p>" + "</div>" * 1000
    tokens = read_html(page, "classes").blocks[0].attrs.split()
    assert len(tokens) == MAX_ATTR_TOKENS
    assert tokens[0] == "c0" and tokens[-1] == "c999"  # the outermost and the innermost halves


def test_html_attribute_flood_is_cut_and_page_still_read():
    from newsclf.data.html import MAX_ATTRIBUTES, bound_attributes

    flood = " ".join(f'a{i}="v"' for i in range(5 * MAX_ATTRIBUTES))
    page = f'<div class="story" {flood}><p>Kept paragraph.</p></div><p>After.</p>'
    cut = bound_attributes(page)
    assert cut.count('="v"') == MAX_ATTRIBUTES - 1 and "<p>After.</p>" in cut  # class + 999 more
    art = read_html(page, "flood")
    assert art.text == "Kept paragraph.\n\nAfter." and "story" in art.blocks[0].attrs.split()
    assert bound_attributes(PAGE * 20) is not None and bound_attributes(PAGE) is PAGE  # normal pages untouched


def test_html_gzip_bomb_refused_while_decompressing():
    import tracemalloc

    bomb = gzip.compress(b"<p>" + b"a" * 30_000_000 + b"</p>", 9)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="over 1,000,000 bytes once decompressed"):
            read_html(bomb, "bomb", "bomb.html", max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # never expanded to 30 MB

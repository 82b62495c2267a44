"""AEB and trafilatura-eval importers on the shared corpora (a few pages; skipped when absent)."""

from __future__ import annotations

import pytest

from newsclf.data.importers import aeb, get_importer, trafilatura
from newsclf.data.pages import page_units, site_of
from newsclf.data.types import Article, Block
from newsclf.tasks import TASKS
from support import corpus_or_skip

INPUTS = set(TASKS["boilerplate"].inputs)


@pytest.mark.parametrize(
    ("value", "site"),
    [("https://www.nytimes.com/2019/x.html", "nytimes.com"), ("https://www.bbc.co.uk/news", "bbc.co.uk"),
     ("http://m.blog.example.com.br/a", "example.com.br"), ("dw.com.colonial.html", "dw.com"),
     ("100noticias.com-millones.html", "100noticias.com"), ("blog.python.org.html", "python.org")],  # fmt: skip
)
def test_importers_site_of(value, site):
    assert site_of(value) == site


def _article(texts, tags=None):
    blocks, pos = [], 0
    for i, t in enumerate(texts):
        blocks.append(Block(pos, pos + len(t), i, f"html/body/{(tags or ['p'] * len(texts))[i]}", "", 0.0,
                            (tags or ["p"] * len(texts))[i]))  # fmt: skip
        pos += len(t) + 2
    return Article("x", "\n\n".join(texts), meta={"og_title": "The Big Headline"}, blocks=blocks)


def test_importers_aeb_label_units_recipe():
    body = "The council voted on Monday to approve the new budget for schools.\nAdvertisement\nIt passed easily with support."
    art = _article(["Menu", "The Big Headline", "The council voted on Monday to approve the new budget for schools.",
                    "Advertisement", "It passed easily with support.", "Share this story with your friends now",
                    "Advertisement"], ["li", "h1", "p", "p", "p", "div", "div"])  # fmt: skip
    labels, stats = aeb.label_units(page_units(art), body, art.meta)
    assert labels == ["boilerplate", "boilerplate", "content", "content", "content", "boilerplate", None]
    assert stats["headline_found"] == 1 and stats["short_resolved"] == 1
    labels, _ = aeb.label_units(page_units(art), body, art.meta, headline="content")
    assert labels[1] == "content"


def test_importers_trafilatura_label_units():
    art = _article(["Impressum und Kontakt", "Der Text des Artikels beginnt hier.", "Teilen", "Weitere Zeilen"])
    labels, _ = trafilatura.label_units(page_units(art), ["Text des Artikels"], ["Impressum", "Weitere Zeilen"])
    assert labels == ["boilerplate", "content", None, "boilerplate"]


def test_importers_trafilatura_fill_labels():
    texts = ["Menu", "Home", "Login", "First paragraph of the story text.", "Share",
             "A long middle paragraph that no snippet names at all.", "Last paragraph of the story.", "Footer"]
    art = _article(texts)
    labels, _ = trafilatura.label_units(page_units(art), ["First paragraph of the story", "Last paragraph of"],
                                        ["Menu", "Login", "Footer"])  # fmt: skip
    assert labels == ["boilerplate", None, "boilerplate", "content", None, None, "content", "boilerplate"]
    filled = trafilatura.fill_labels(page_units(art), labels)
    assert filled == ["boilerplate", "boilerplate", "boilerplate", "content", None, "content", "content", "boilerplate"]


def _check_rows(imp, mode):
    assert imp.task == "boilerplate" and imp.rows
    for r in imp.rows:
        assert INPUTS <= set(r) and r["label"] in ("content", "boilerplate") and r["group"] and r["id"]
        if mode == "text":
            assert r["tag_path"] == "" and r["attrs"] == "" and r["link_density"] == 0.0
    by_page: dict = {}
    for r in imp.rows:
        by_page.setdefault(r["id"], []).append(r["position"])
    for positions in by_page.values():  # reading order within each page
        assert positions == sorted(positions)
    sites = {}
    for r in imp.rows:  # one site per page id
        assert sites.setdefault(r["id"], r["group"]) == r["group"]


@pytest.mark.corpora
@pytest.mark.parametrize(("mode", "unit"), [("dom", "block"), ("text", "sentence")])
def test_importers_aeb_corpus(mode, unit):
    root = corpus_or_skip("aeb")
    imp = get_importer("aeb")(root, mode=mode, unit=unit, limit=4)
    _check_rows(imp, mode)
    assert imp.stats["pages"] == 4 and imp.stats["rows_content"] > 20 and imp.stats["rows_boilerplate"] > 20


@pytest.mark.corpora
@pytest.mark.parametrize(("mode", "unit"), [("dom", "block"), ("text", "sentence")])
def test_importers_trafilatura_corpus(mode, unit):
    root = corpus_or_skip("trafilatura-eval")
    imp = get_importer("trafilatura")(root, mode=mode, unit=unit, limit=8)
    _check_rows(imp, mode)
    assert imp.stats["pages"] == 8 and imp.stats["rows_content"] >= 8
    assert sum(imp.stats.get(k, 0) for k in ("rows_content", "rows_boilerplate")) == len(imp.rows)


@pytest.mark.corpora
def test_importers_keep_unlabelled_keeps_whole_pages():
    root = corpus_or_skip("trafilatura-eval")
    imp = trafilatura.load(root, keep_unlabelled=True, limit=2)
    assert any(r["label"] is None for r in imp.rows)
    first = [r for r in imp.rows if r["id"] == imp.rows[0]["id"]]
    assert [r["unit"] for r in first] == list(range(len(first)))

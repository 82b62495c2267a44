"""Plain-text renderings of pages: what each keeps, its line habits, spans back to blocks, noise."""

from __future__ import annotations

import random

import pytest

from newsclf.data.html import read_html
from newsclf.data.importers import aeb
from newsclf.data.pages import page_units, rendered_rows, text_unit_tag
from newsclf.data.renderings import RENDERINGS, render_page, story_span

PAGE = """<html><head><title>Talks resume in Doha - Example News</title></head><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article class="story"><h1>Talks resume in Doha</h1>
<div class="byline">By Jane Doe</div><div class="date">May 3, 2021</div>
<p>Negotiators from both sides met again on Monday in the Qatari capital to discuss a ceasefire plan
that has been under discussion for several weeks now. They said the talks were useful. More talks will follow.</p>
<figure><img src="x.jpg"><figcaption>Delegates arrive at the venue on Monday.</figcaption></figure>
<p>A spokesman said the next round would start within days, and that both delegations had agreed on an agenda.</p>
<ul><li>First point of the agenda</li><li>Second point of the agenda</li></ul>
<p>Officials expect a statement later this week, the spokesman added in a brief interview with reporters.</p>
<div class="share"><a href="#">Share on Facebook</a></div></article>
<aside class="related"><a href="/a">Other story one</a><a href="/b">Other story two</a></aside>
<footer class="site-footer"><p>© 2021 Example News. All rights reserved.</p></footer></body></html>"""

BODY = ("Negotiators from both sides met again on Monday in the Qatari capital to discuss a ceasefire plan that has "
        "been under discussion for several weeks now. They said the talks were useful. More talks will follow.\n"
        "A spokesman said the next round would start within days, and that both delegations had agreed on an agenda.\n"
        "First point of the agenda\nSecond point of the agenda\n"
        "Officials expect a statement later this week, the spokesman added in a brief interview with reporters.")  # fmt: skip


def _page():
    art = read_html(PAGE, "doha")
    units = page_units(art, "block")
    labels = aeb.label_units(units, BODY, art.meta, headline="content")[0]
    story = story_span(labels, art.blocks, [u.text for u in units], aeb.headline_candidates(art.meta))
    return art, units, labels, story


def test_renderings_story_span_runs_from_headline_to_last_content_block():
    art, units, labels, story = _page()
    assert units[story[0]].text == "Talks resume in Doha"
    assert units[story[1]].text.startswith("Officials expect a statement")


@pytest.mark.parametrize("name", RENDERINGS)
def test_renderings_spans_point_back_to_their_blocks(name):
    art, units, _, story = _page()
    rendered = render_page(art, name, story, random.Random(1))
    assert rendered.name == name and rendered.text
    for start, end, block in rendered.spans:
        piece = rendered.text[start:end]
        assert " ".join(piece.split()) in " ".join(units[block].text.split())


def test_renderings_keep_what_each_tool_keeps():
    art, _, _, story = _page()
    text = {name: render_page(art, name, story, random.Random(0)).text for name in RENDERINGS}
    assert text["visible"].splitlines()[:2] == ["Home", "World"] and "\n\n" not in text["visible"]
    assert "Home\n\nWorld" in text["paragraphs"] and "© 2021 Example News" in text["paragraphs"]
    assert "Home" not in text["no_links"] and "Share on Facebook" not in text["no_links"]
    assert "By Jane Doe\nMay 3, 2021" in text["no_links"]
    for name in ("story", "story_lines", "reader", "reader_bare", "wrapped"):
        assert text[name].startswith("Talks resume in Doha") and "Home" not in text[name]
    assert "First point of the agenda\nSecond point of the agenda" in text["story"]  # list items: single breaks
    assert "\n\n" not in text["story_lines"]
    assert "Delegates arrive" in text["reader"] and "Share on Facebook" not in text["reader"]
    assert "Delegates arrive" not in text["reader_bare"] and "First point" not in text["reader_bare"]
    assert max(map(len, text["wrapped"].splitlines())) <= 72


def test_renderings_noise_joins_and_breaks_lines_reproducibly():
    art, _, _, story = _page()
    plain = render_page(art, "story", story, random.Random(5)).text
    noisy = [render_page(art, "story", story, random.Random(seed), noise=0.5).text for seed in range(20)]
    assert noisy[3] == render_page(art, "story", story, random.Random(3), noise=0.5).text  # seeded
    assert any("By Jane Doe" in t and "By Jane Doe\n" not in t and "By Jane Doe" + "\n\n" not in t for t in noisy)
    assert any(t.count("\n") != plain.count("\n") for t in noisy)
    with pytest.raises(ValueError, match="rendering must be one of"):
        render_page(art, "pdf")


def test_renderings_rows_are_labelled_sentences_with_line_tags():
    art, _, _, story = _page()
    from collections import Counter

    def labeller(units, _article):
        return aeb.label_units(units, BODY, art.meta, headline="content")[0]

    rows = rendered_rows(art, "example.com", ["reader"], story, labeller, random.Random(0), 0.0, False, Counter())
    by_text = {r["text"]: r for r in rows}
    assert by_text["Talks resume in Doha"]["label"] == "content"  # the headline's first occurrence
    assert by_text["By Jane Doe"]["label"] == "boilerplate" and by_text["By Jane Doe"]["tag"] == "line"
    assert by_text["They said the talks were useful."]["tag"] == "p"  # shares its line
    assert by_text["Delegates arrive at the venue on Monday."]["label"] == "boilerplate"
    assert {r["rendering"] for r in rows} == {"reader"} and all(r["tag_path"] == "" for r in rows)


@pytest.mark.parametrize(
    ("text", "span", "tag"),
    [("By Jane\n\nStory starts. Then more.", (0, 7), "line"), ("By Jane\n\nStory starts. Then more.", (9, 22), "p"),
     ("Story starts. Then more.", (14, 24), "p"), ("  Alone  \nnext", (2, 7), "line")],
)
def test_renderings_text_unit_tag(text, span, tag):
    assert text_unit_tag(text, *span) == tag

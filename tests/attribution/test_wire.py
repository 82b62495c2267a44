"""Wire-style Afghan news (AP, Reuters, AFP, Al Jazeera, TOLOnews conventions, texts written for
these tests): every quote found, full or fragment as a reader would say, its speaker named as
fully as the article allows, its side from the actors file or the article's description."""

from __future__ import annotations

import pytest
from attribution.wire_texts import ARTICLES

from newsclf.data.actors import load_actors
from newsclf.data.document import process_article
from newsclf.data.readers import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_wire_quotes_speakers_sides(actors, name: str) -> None:
    text, expected = ARTICLES[name]
    processed = process_article(article_from_text(text, name, f"{name}.txt"), actors)
    assert processed.warnings == []
    got = [(q.text, q.speaker, q.side, q.fragment) for q in processed.quotes]
    assert len(got) == len(expected), [g[0][:30] for g in got]
    for (text_, speaker, side, fragment), (start, want_speaker, want_side, want_fragment) in zip(
        got, expected, strict=True
    ):
        assert text_.startswith(start)
        assert (speaker, side, fragment) == (want_speaker, want_side, want_fragment), text_


def test_wire_datelines_do_not_make_fragments(actors) -> None:
    for dateline in ("KABUL (Reuters) - ", "KABUL, Afghanistan (AP) — ", "ISLAMABAD, Sept 6 (Reuters) - ",
                     "(AFP) - "):
        text = f'{dateline}"We control all of Panjshir," said Zabihullah Mujahid.'
        [q] = process_article(article_from_text(text, "d"), actors).quotes
        assert (q.fragment, q.speaker) == (False, "Zabihullah Mujahid"), dateline

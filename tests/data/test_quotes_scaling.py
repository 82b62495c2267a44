"""The quote and speaker path is not quadratic: hostile shapes (thousands of quotes in one
sentence, unclosed marks, NYT marks...) cost about four times as much at four times the size.

Generous bound: the CPU-time ratio for 4n vs n must stay under 8 (a quadratic pass gives 16, and
took 47 s for ``'"a" ' * 24000`` before). Minimum of two runs each, to ride out a shared machine.
"""

from __future__ import annotations

import time

import pytest

from newsclf.data.actors import load_actors
from newsclf.data.attribution import MAX_AFTER, MAX_BEFORE, ArticleCandidates
from newsclf.data.document import process_article
from newsclf.data.quotes import attribute_sites, find_quote_sites
from newsclf.data.readers import article_from_text
from newsclf.data.segment import split_sentences
from newsclf.data.speakers import SpeakerResolver
from newsclf.data.textindex import TextIndex, quote_paragraphs

SHAPES = {
    "scare quotes": ('"a" ', 2500),
    "one sentence of attributed quotes": ("Mr. Ahmad Massoud said “we will fight” ", 1000),
    "attributed quotes": ("“We will,” Ahmad Massoud said. ", 1200),
    "unclosed marks": ("He said “", 20000),
    "NYT marks": ("''a said'' ", 2000),
}


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _seconds(text: str, actors) -> float:
    article = article_from_text(text, "x")
    best = float("inf")
    for _ in range(2):
        t = time.process_time()
        process_article(article, actors)
        best = min(best, time.process_time() - t)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_quotes_scaling_hostile_shapes_are_not_quadratic(actors, shape: str) -> None:
    piece, n = SHAPES[shape]
    small = _seconds(piece * n, actors)
    large = _seconds(piece * 4 * n, actors)
    assert large < 8 * max(small, 0.01), f"{shape}: {small:.3f}s -> {large:.3f}s at 4x the size"


def test_quotes_scaling_candidates_per_quote_are_bounded(actors) -> None:
    text = "Ahmad Massoud, Zabihullah Mujahid and he said “we will fight” " * 300
    article = article_from_text(text, "x")
    index = TextIndex(text, quote_paragraphs(article), split_sentences(text, article.blocks))
    sites = find_quote_sites(article, index, [])
    resolver = SpeakerResolver(text, actors, index)
    ctx = ArticleCandidates(text, index, sites, resolver, actors,
                            attribute_sites(text, sites, index, resolver, actors))
    assert len(sites) == 300
    assert max(len(ctx.candidates(k)) for k in range(len(sites))) <= MAX_BEFORE + MAX_AFTER

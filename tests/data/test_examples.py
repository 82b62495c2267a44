"""Processed articles -> labelled task rows."""

from __future__ import annotations

import pytest

from newsclf.data.actors import load_actors
from newsclf.data.document import ProcessedArticle, process_article
from newsclf.data.examples import Collector, Gold, complete_row
from newsclf.data.readers import article_from_text
from newsclf.data.types import Article, Block, Quote, Sentence
from newsclf.tasks import TASKS

TEXT = (
    "Taliban claim victory in Panjshir\n\n"
    "The resistance front said it would keep fighting in the valley after the militants took the capital.\n\n"
    "“We will continue our fight until the last moment,” Ahmad Massoud said in a statement.\n\n"
    "Sign up to receive our latest news!\n\n"
    "It rained on Monday."
)


@pytest.fixture(scope="module")
def processed():
    return process_article(article_from_text(TEXT, id="art1", source="art1.txt"), load_actors())


def test_examples_boilerplate_rows_have_task_columns(processed):
    col = Collector("boilerplate")
    assert col.add(processed) == len(processed.sentences)
    res = col.finish()
    row = res.rows[0]
    for name in TASKS["boilerplate"].inputs:
        assert name in row
    assert row["group"] == row["article"] == "art1"
    assert row["position"] == 0.0 and res.rows[-1]["position"] <= 1.0
    assert {r["label_source"] for r in res.rows} == {"weak"}
    by_text = {r["text"]: r["label"] for r in res.rows}
    assert by_text["Sign up to receive our latest news!"] == "boilerplate"
    assert by_text["Taliban claim victory in Panjshir"] == "content"
    # "It rained on Monday." gets no vote from any LF: abstained, left out, counted
    assert "It rained on Monday." not in by_text
    assert res.counts == {
        "candidates": len(processed.sentences),
        "gold": 0,
        "weak": len(res.rows),
        "abstain": 1,
    }
    assert TEXT[row["start"] : row["end"]] == row["text"]


def test_examples_gold_wins_over_weak(processed):
    s = next(s for s in processed.sentences if s.text.startswith("Sign up"))
    xyz = processed.sentences[-1]
    gold = Gold(sentences={(s.start, s.end): "content", (xyz.start, xyz.end): "boilerplate"})
    col = Collector("boilerplate")
    col.add(processed, gold)
    res = col.finish()
    by_text = {r["text"]: (r["label"], r["label_source"]) for r in res.rows}
    assert by_text["Sign up to receive our latest news!"] == ("content", "gold")
    assert by_text["It rained on Monday."] == ("boilerplate", "gold")
    assert res.counts["gold"] == 2 and res.counts["abstain"] == 0
    stats = {s["name"]: s for s in res.lf_stats}
    assert stats["cta_signup"]["gold_votes"] == 1 and stats["cta_signup"]["correct"] == 0


def test_examples_block_unit(processed):
    col = Collector("boilerplate", unit="block")
    col.add(processed)
    res = col.finish()
    assert [r["block"] for r in res.rows] == sorted(r["block"] for r in res.rows)
    assert all(TEXT[r["start"] : r["end"]] == r["text"] for r in res.rows)
    assert res.counts["candidates"] == len(processed.article.blocks)


def test_examples_stance_rows_per_quote_and_target(processed):
    actors = load_actors()
    col = Collector("stance", actors=actors)
    full = [q for q in processed.quotes if not q.fragment]
    assert col.add(processed) == len(full) * len(actors.keys)
    res = col.finish()
    rows = {(r["text"][:20], r["target"]): r for r in res.rows}
    vow = rows[("We will continue our", "nrf")]
    assert vow["label"] == "favor" and vow["side"] == "nrf" and vow["speaker"] == "Ahmad Massoud"
    assert rows[("We will continue our", "taliban")]["label"] == "against"
    assert vow["block"] == 2
    for name in TASKS["stance"].inputs:
        assert name in vow


def test_examples_stance_skips_fragments():
    article = Article(
        id="a",
        text="He said “ok now” and “We will fight on until the end.”",
        blocks=[Block(0, 54, 0)],
    )
    quotes = [
        Quote(9, 15, "ok now", "X", None, True),
        Quote(22, 52, article.text[22:52], "Ahmad Massoud", "nrf", False),
    ]
    processed = ProcessedArticle(article, [Sentence(0, 54, article.text, 0)], quotes)
    col = Collector("stance", actors=load_actors())
    assert col.add(processed) == 2  # one full quote x two targets
    assert {r["quote_start"] for r in col.finish().rows} == {22}


def test_examples_bad_gold_label_names_the_article(processed):
    s = processed.sentences[0]
    col = Collector("boilerplate")
    with pytest.raises(
        ValueError, match=r"art1.txt: sentence .* 'junk' is not a boilerplate label"
    ):
        col.add(processed, Gold(sentences={(s.start, s.end): "junk"}))


def test_examples_stance_needs_actors():
    with pytest.raises(ValueError, match="actors"):
        Collector("stance")


def test_examples_label_model_combiner(processed):
    col = Collector("boilerplate")
    col.add(processed)
    res = col.finish("label_model")
    assert res.combiner["combiner"] == "label_model"
    assert all("estimated_accuracy" in s for s in res.lf_stats)


@pytest.mark.parametrize(
    ("task", "row", "expected"),
    [
        (
            "boilerplate",
            {"text": "Home", "label": "boilerplate", "group": "site.com"},
            {
                "position": 0.0,
                "tag": "p",
                "article": "site.com",
                "label_source": "corpus",
                "block": -1,
            },
        ),
        (
            "stance",
            {"text": "x", "target": "Biden", "label": "none", "group": "g", "position": 1},
            {"speaker": "", "side": "", "quote_start": -1, "label": "none"},
        ),
        (
            "boilerplate",
            {"text": "x", "label": "content", "group": "g", "position": 1, "block": "3"},
            {"position": 1.0, "block": 3},
        ),
    ],
)
def test_examples_complete_row_fills_defaults(task, row, expected):
    out = complete_row(task, row)
    for k, v in expected.items():
        assert out[k] == v

"""The AEB shingle metric and trafilatura's snippet metric on constructed cases with known answers."""

from __future__ import annotations

import pytest

from newsclf.evaluation.extraction import (
    aeb_document_counts,
    aeb_scores,
    shingles,
    snippet_counts,
    snippet_scores,
)

BODY = "one two three four five six"  # 6 tokens -> 3 shingles


def test_extraction_metrics_shingles():
    assert list(shingles(BODY)) == ["one two three four", "two three four five", "three four five six"]
    assert list(shingles("a b")) == ["a b"]  # shorter than n: one shingle of all tokens
    assert shingles("") == {}
    assert shingles("x, y! z? w") == shingles("x y z w")  # tokens are \w+


@pytest.mark.parametrize(
    ("pred", "counts"),
    [
        (BODY, (1.0, 0.0, 0.0)),
        ("", (0.0, 0.0, 1.0)),
        ("one two three four five", (2 / 3, 0.0, 1 / 3)),  # 2 of 3 shingles found
        (BODY + " seven", (3 / 4, 1 / 4, 0.0)),  # one extra shingle
    ],
)
def test_extraction_metrics_document_counts(pred, counts):
    assert aeb_document_counts(BODY, pred) == pytest.approx(counts)


def test_extraction_metrics_aeb_averages_over_documents():
    truth = {"a": BODY, "b": BODY}
    pred = {"a": BODY, "b": "one two three four five"}  # a: P=R=1 ; b: P=1, R=2/3
    s = aeb_scores(truth, pred)
    assert s["precision"] == pytest.approx(1.0)
    assert s["recall"] == pytest.approx((1 + 2 / 3) / 2)
    assert s["f1"] == pytest.approx(2 * 1.0 * (5 / 6) / (1 + 5 / 6))
    assert s["accuracy"] == pytest.approx(0.5)
    assert s["n_docs"] == 2


def test_extraction_metrics_aeb_edge_cases():
    # nothing extracted for a page: precision 0 (tp = fp = 0), recall 0; missing ids count as empty
    assert aeb_scores({"a": BODY}, {})["f1"] == 0.0
    # empty truth and empty prediction: a perfect document
    assert aeb_scores({"a": ""}, {"a": ""})["precision"] == 1.0
    # accuracy is exact token-sequence equality, punctuation and spacing ignored
    assert aeb_scores({"a": "Hello, world!"}, {"a": "Hello   world"})["accuracy"] == 1.0
    with pytest.raises(ValueError):
        aeb_scores({}, {})


def test_extraction_metrics_snippets():
    c = snippet_counts("The  story\nbegins here. And ends.", ["story begins", "missing bit"], ["Impressum", "ends."])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 1)
    s = snippet_scores([
        ("alpha beta gamma", ["alpha", "beta"], ["menu"]),  # tp 2, tn 1
        ("menu gamma", ["delta"], ["menu", "footer"]),  # fn 1, fp 1, tn 1
    ])
    assert (s["tp"], s["fn"], s["fp"], s["tn"]) == (2, 1, 1, 2)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == pytest.approx(2 / 3)
    assert s["accuracy"] == pytest.approx(4 / 6)
    assert s["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert s["n_docs"] == 2

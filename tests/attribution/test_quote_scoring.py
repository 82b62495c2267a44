"""The PolNeAR quote scorer (newsclf.evaluation.quotes): span trimming and matching, speaker
agreement, ignored mixed content, the three figures, the quotation-mark anchor."""

from __future__ import annotations

import pytest

from newsclf.data.importers.polnear import ArticleGold, GoldQuote
from newsclf.evaluation.quotes import (
    PredictedQuote,
    match_spans,
    quote_mark_baseline,
    score_article,
    speaker_agrees,
    summarise,
    trim_span,
)


def test_quote_scoring_trim_span_drops_marks_and_punctuation() -> None:
    text = ' “We will win,” '
    assert text[slice(*trim_span(text, 0, len(text)))] == "We will win"
    assert trim_span("“”", 0, 2)[0] == trim_span("“”", 0, 2)[1]


@pytest.mark.parametrize(
    ("pred", "gold", "pairs"),
    [
        ([(0, 10)], [(0, 10)], [(0, 0)]),
        ([(0, 10)], [(5, 40)], []),  # 5 of 35: under a fifth of the longer span
        ([(0, 10)], [(4, 14)], [(0, 0)]),  # 6 of 10: over half of the shorter, over a fifth of the longer
        ([(0, 10)], [(6, 16)], []),  # 4 of 10: under half of the shorter
        ([(0, 10), (0, 12)], [(0, 11)], [(1, 0)]),  # one to one, the larger overlap first
        ([(0, 10)], [(0, 10), (0, 9)], [(0, 0)]),
    ],
)
def test_quote_scoring_match_spans(pred, gold, pairs) -> None:
    assert match_spans(pred, gold) == pairs


@pytest.mark.parametrize(
    ("pred", "gold", "right"),
    [
        ("Pat Caddell", "Caddell", True),
        ("Caddell", "longtime Democratic pollster Pat Caddell", True),
        ("Pat H. Caddell", "Pat Caddell", True),
        ("Caddell, a pollster", "Pat Caddell", False),  # neither contains the other's words
        ("Mr. Obama", "President Obama", True),
        ("Donald Trump Jr.", "Trump", True),
        ("Hillary Clinton", "Bill Clinton", True),  # the rule is last names (as published)
        ("Pat Caddell", "Ted Cruz", False),
        (None, "Ted Cruz", False),
        ("", "Ted Cruz", False),
    ],
)
def test_quote_scoring_speaker_agrees(pred, gold, right: bool) -> None:
    assert speaker_agrees(pred, gold) is right


def _gold(text: str, quotes: list[tuple[str, str, str]], ignore: list[str] = ()) -> ArticleGold:
    out = []
    for words, speaker, kind in quotes:
        a = text.index(words)
        out.append(GoldQuote(a, a + len(words), (0, 1), speaker, kind, "E1"))
    spans = [(text.index(w), text.index(w) + len(w)) for w in ignore]
    return ArticleGold(quotes=out, ignore=spans, counts={})


def test_quote_scoring_score_article_counts_each_figure() -> None:
    text = ("“We will win the vote,” Caddell said. “It was close,” he said. "
            "She called it “a big deal for us” then. “Only noise here,” someone said.")
    gold = _gold(
        text,
        [("We will win the vote,", "Pat Caddell", "name"), ("It was close,", "he", "pronoun")],
        ignore=["it “a big deal for us”"],
    )
    pred = [
        PredictedQuote(text.index("We will"), text.index("We will") + 21, "Caddell"),
        PredictedQuote(text.index("It was"), text.index("It was") + 13, "Caddell"),
        PredictedQuote(text.index("a big deal"), text.index("a big deal") + 17, None),  # ignored
        PredictedQuote(text.index("Only noise"), text.index("Only noise") + 16, None),  # false
    ]
    s = score_article(text, pred, gold, "a")
    assert (s.tp, s.fp, s.fn, s.ignored) == (2, 1, 0, 1)
    assert (s.named, s.named_matched, s.named_right) == (1, 1, 1)  # the pronoun source is not scored
    figures = summarise([s])
    assert figures["precision"] == pytest.approx(2 / 3) and figures["recall"] == 1.0
    assert figures["quote_f1"] == pytest.approx(0.8)
    assert figures["speaker_accuracy"] == 1.0 and figures["named_found"] == 1.0
    assert [e["error"] for e in s.errors] == ["false_quote"]


def test_quote_scoring_wrong_and_missing_speakers() -> None:
    text = "“We will win the vote,” Caddell said. “Nobody saw it coming,” said Ted Cruz."
    gold = _gold(text, [("We will win the vote,", "Pat Caddell", "name"),
                        ("Nobody saw it coming,", "Ted Cruz", "name")])
    pred = [PredictedQuote(text.index("We will"), text.index("We will") + 21, "Ted Cruz")]
    figures = summarise([score_article(text, pred, gold)])
    assert figures["named"] == 2 and figures["named_matched"] == 1
    assert figures["speaker_accuracy"] == 0.0 and figures["named_found"] == 0.0
    assert figures["recall"] == 0.5


def test_quote_scoring_summarise_empty_is_defined() -> None:
    figures = summarise([])
    assert figures["quote_f1"] == 0.0 and figures["speaker_accuracy"] is None


def test_quote_scoring_quote_mark_baseline() -> None:
    text = "He said “yes” and ''we will win this'' and “left open to the end"
    assert [text[q.start : q.end] for q in quote_mark_baseline(text)] == ["we will win this"]

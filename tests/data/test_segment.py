"""Sentence segmentation: offsets, abbreviations, decimals, initials, closing quotes, lines."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclf.data.readers import article_from_text
from newsclf.data.segment import split_sentences


def _texts(text: str, blocks=None) -> list[str]:
    return [s.text for s in split_sentences(text, blocks)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # abbreviations and titles
        ("They met on Sept. 6. The talks failed.", ["They met on Sept. 6.", "The talks failed."]),
        (
            "Gen. Smith met Mr. Jones and Dr. Lee. It was brief.",
            ["Gen. Smith met Mr. Jones and Dr. Lee.", "It was brief."],
        ),
        (
            "Resolution No. 2 passed. Then No. 3 failed.",
            ["Resolution No. 2 passed.", "Then No. 3 failed."],
        ),
        (
            "U.S. officials left on Jan. 5. Others stayed.",
            ["U.S. officials left on Jan. 5.", "Others stayed."],
        ),
        (
            "He lives in the U.S. The rest is history.",
            ["He lives in the U.S.", "The rest is history."],
        ),
        (
            "The meeting began at 9 a.m. sharp. It ended late.",
            ["The meeting began at 9 a.m. sharp.", "It ended late."],
        ),
        ("Apples, pears, etc. were sold. The end.", ["Apples, pears, etc. were sold.", "The end."]),
        # decimals and numbers
        (
            "Prices rose 3.5 percent. Wages fell 1.25 percent.",
            ["Prices rose 3.5 percent.", "Wages fell 1.25 percent."],
        ),
        (
            "It is 134 kilometers (83 miles) away. Fine.",
            ["It is 134 kilometers (83 miles) away.", "Fine."],
        ),
        # initials
        ("J. K. Rowling wrote it. She is famous.", ["J. K. Rowling wrote it.", "She is famous."]),
        ("George W. Bush spoke. Then he left.", ["George W. Bush spoke.", "Then he left."]),
        # closing quote marks stay with their sentence
        (
            "Massoud vowed to fight until the very “last moment.” The Taliban disagreed.",
            ["Massoud vowed to fight until the very “last moment.”", "The Taliban disagreed."],
        ),
        ('He said "go home." Then he left.', ['He said "go home."', "Then he left."]),
        ("He called it ‘final.’ Nobody agreed.", ["He called it ‘final.’", "Nobody agreed."]),
        ("Il a dit «non.» Puis il est parti.", ["Il a dit «non.»", "Puis il est parti."]),
        ("“Why?” he asked. Nobody answered.", ["“Why?” he asked.", "Nobody answered."]),
        (
            "“We will win,” he said. “Nobody can stop us.”",
            ["“We will win,” he said.", "“Nobody can stop us.”"],
        ),
        # lines without final punctuation are units of their own
        (
            "Taliban claim Panjshir\nThe group said it won. Others disagree.",
            ["Taliban claim Panjshir", "The group said it won.", "Others disagree."],
        ),
        (
            "Sign up to receive our latest news!\n\nBy submitting this form, I agree to the terms.",
            [
                "Sign up to receive our latest news!",
                "By submitting this form, I agree to the terms.",
            ],
        ),
        ("Related articles\nMore news\nHome", ["Related articles", "More news", "Home"]),
        # hard-wrapped prose continues in lower case
        (
            "The resistance refused to\nsurrender on Monday. It fought on.",
            ["The resistance refused to\nsurrender on Monday.", "It fought on."],
        ),
        # CRLF and unicode
        ("First line\r\n\r\nSecond para. Third one.", ["First line", "Second para.", "Third one."]),
        (
            "Ça va très bien. Ölpreise steigen… Ja!",
            ["Ça va très bien.", "Ölpreise steigen…", "Ja!"],
        ),
        ("What now?! We go. Really...", ["What now?!", "We go.", "Really..."]),
    ],
)
def test_segment_cases(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_segment_offsets_slice_back_and_blocks(seed_text: str) -> None:
    article = article_from_text(seed_text, "seed")
    sents = split_sentences(article.text, article.blocks)
    assert len(sents) == 20
    for s in sents:
        assert seed_text[s.start : s.end] == s.text
        b = article.blocks[s.block]
        assert b.start <= s.start and s.end <= b.end
    assert sents[2].text.endswith("“last moment.”")
    assert sents[-2].text == "Sign up to receive our latest news!"


def test_segment_without_blocks_matches_blocks(seed_text: str) -> None:
    article = article_from_text(seed_text, "seed")
    assert split_sentences(seed_text) == split_sentences(seed_text, article.blocks)


def test_segment_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t ") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_segment_property_offsets_slice_back(text: str) -> None:
    sents = split_sentences(text)
    last = 0
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= last
        last = s.end


_SENTENCE_TEXT = st.lists(
    st.sampled_from(
        [
            "The",
            "Gen.",
            "U.S.",
            "said",
            "“war.”",
            '"no,"',
            "3.5",
            "J.",
            "K.",
            "end.",
            "Why?",
            "\n",
            "\n\n",
            "a.m.",
            "«x»",
        ]
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(_SENTENCE_TEXT)
def test_segment_property_tricky_tokens(text: str) -> None:
    article = article_from_text(text, "x")
    for s in split_sentences(text, article.blocks):
        assert text[s.start : s.end] == s.text

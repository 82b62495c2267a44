"""Gold annotations: the seed's gold file, loading, and validation against the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclf import settings
from newsclf.data.annotations import (
    check_gold,
    draft_gold,
    load_annotations,
    load_gold,
    text_sha256,
)
from newsclf.data.document import process_article
from newsclf.data.readers import article_from_text, read_articles
from newsclf.errors import InputError

SEED_GOLD = settings.shipped_annotations_dir() / "panjshir-nrf-2021-09.json"


@pytest.fixture
def seed_article(seed_path: Path):
    [article] = read_articles(seed_path)
    return article


def test_annotations_seed_gold_is_valid_and_complete(seed_article) -> None:
    gold = load_gold(seed_article, settings.shipped_annotations_dir())
    assert gold is not None and gold.path == SEED_GOLD
    assert gold.sha256 == text_sha256(seed_article.text)
    assert len(gold.sentences) == 20
    assert [s.label for s in gold.sentences].count("boilerplate") == 2
    assert [s.text for s in gold.sentences if s.label == "boilerplate"] == [
        "Sign up to receive our latest news!",
        "By submitting this form, I agree to the terms.",
    ]
    # sentences cover every paragraph's text, in order, without overlap
    ends = [s.end for s in gold.sentences]
    assert all(
        a.end <= b.start for a, b in zip(gold.sentences, gold.sentences[1:], strict=False)
    ) and ends == sorted(ends)
    for q in gold.quotes:
        assert (q.stance is None) == q.fragment
        if q.stance:
            assert set(q.stance) == {"taliban", "nrf"}


@pytest.mark.parametrize(
    ("starts", "stance"),
    [
        ("In no way", {"taliban": "against", "nrf": "favor"}),
        ("The Taliban started", {"taliban": "against", "nrf": "none"}),
        ("[The] Taliban showed", {"taliban": "against", "nrf": "none"}),
        ("We tried our best", {"taliban": "none", "nrf": "against"}),
        ("We need their expertise", {"taliban": "none", "nrf": "none"}),
    ],
)
def test_annotations_seed_stances(seed_article, starts: str, stance: dict) -> None:
    gold = load_gold(seed_article, settings.shipped_annotations_dir())
    [q] = [q for q in gold.quotes if q.text.startswith(starts)]
    assert q.stance == stance


def test_annotations_folder_and_to_gold(seed_article) -> None:
    by_id = load_annotations(settings.shipped_annotations_dir())
    assert "panjshir-nrf-2021-09" in by_id
    eg = by_id["panjshir-nrf-2021-09"].to_gold(seed_article)
    assert eg.sentences[(2326, 2361)] == "boilerplate"
    assert eg.stance[(434, 663, "nrf")] == "favor"


def _gold_copy(tmp_path: Path, mutate) -> Path:
    data = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "panjshir-nrf-2021-09.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "kind", "index", "needle"),
    [
        (
            lambda d: d["sentences"][3].update(start=d["sentences"][3]["start"] + 1),
            "sentences", 3, "sentences[3] offsets",
        ),
        (lambda d: d["quotes"][1].update(end=d["quotes"][1]["end"] - 2), "quotes", 1, "quotes[1] offsets"),
        (lambda d: d["quotes"][0].update(end=99_999), "quotes", 0, "quotes[0] offsets"),
        (lambda d: d.update(sha256="0" * 64), None, None, "the article text changed"),
    ],
)
def test_annotations_mismatch_is_placed_by_text_and_warned(
    tmp_path: Path, seed_article, mutate, kind, index, needle: str
) -> None:
    path = _gold_copy(tmp_path, mutate)
    want = load_gold(seed_article, settings.shipped_annotations_dir())
    gold = load_gold(seed_article, directory=tmp_path)
    # stale offsets or a stale sha256 lose nothing: every item is found by its text
    assert [(s.start, s.end, s.label) for s in gold.sentences] == [
        (s.start, s.end, s.label) for s in want.sentences
    ]
    assert [(q.start, q.end, q.stance) for q in gold.quotes] == [
        (q.start, q.end, q.stance) for q in want.quotes
    ]
    assert not gold.placement.unplaced and gold.placement.warnings
    assert all(str(path) in w for w in gold.placement.warnings)
    if kind is not None:
        [fuzzy] = [p for p in getattr(gold.placement, kind) if p.fuzzy]
        assert (fuzzy.index, fuzzy.how) == (index, "relocated")
    # the strict check still names the file and the item
    with pytest.raises(InputError) as info:
        check_gold(load_annotations(path), seed_article.text)
    assert str(path) in str(info.value) and needle in str(info.value)


@pytest.mark.parametrize(
    ("quote", "how", "span"),
    [
        ({"text": "We need their expertise,"}, "text", (2087, 2111)),
        ({"text": "We need their expertise,", "start": 2086, "end": 2110}, "relocated", (2087, 2111)),
        ({"text": "the other side's fighters"}, "normalized", (799, 824)),  # straight apostrophe
        ({"text": "with  the Taliban"}, "normalized", (1794, 1810)),  # two spaces
        ({"text": "Taliban", "occurrence": 2}, "text", (726, 733)),
        ({"text": "Taliban", "start": 1430, "end": 1437}, "relocated", (1428, 1435)),  # nearest
    ],
)
def test_annotations_place_by_text(seed_article, quote: dict, how: str, span) -> None:
    from newsclf.data.annotations import Gold, GoldQuote

    gold = Gold("panjshir-nrf-2021-09", None, [], [GoldQuote(**quote)])
    placement = gold.place(seed_article.text)
    [placed] = placement.quotes
    assert placed.how == how
    text = seed_article.text[placed.item.start : placed.item.end]
    assert " ".join(text.replace("’", "'").split()) == " ".join(quote["text"].split())
    assert (placed.item.start, placed.item.end) == span


@pytest.mark.parametrize(
    ("quote", "reason"),
    [
        ({"text": "We will never surrender"}, "not in the article"),
        ({"text": "Taliban"}, 'occurs 8 times; add "occurrence" (1-8)'),
        ({"text": "Taliban", "occurrence": 9}, "occurrence 9, but the text occurs 8 time(s)"),
    ],
)
def test_annotations_unplaced_items_are_reported(seed_article, quote: dict, reason: str) -> None:
    from newsclf.data.annotations import Gold, GoldQuote

    gold = Gold("a", None, [], [GoldQuote(**quote, stance={"nrf": "favor"})])
    placement = gold.place(seed_article.text)
    assert placement.quotes == []
    [u] = placement.unplaced
    assert (u["kind"], u["index"]) == ("quotes", 0) and reason in u["reason"]
    with pytest.raises(InputError, match="quotes\\[0\\]"):
        check_gold(gold, seed_article.text)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d["sentences"][0].update(label="chrome"), "sentences[0].label"),
        (lambda d: d["quotes"][1]["stance"].update(nrf="pro"), "quotes[1].stance.nrf"),
        (lambda d: d["quotes"][0].update(stance={"nrf": "favor"}), "fragments carry no stance"),
        (lambda d: d["quotes"][2].update(start=5, end=3), "quotes[2]"),
        (lambda d: d["quotes"][2].pop("end"), "give both start and end"),
        (lambda d: d["quotes"][2].update(occurrence=0), "quotes[2].occurrence"),
        (lambda d: d.update(extra=1), "extra: Extra inputs"),
    ],
)
def test_annotations_schema_errors(tmp_path: Path, mutate, needle: str) -> None:
    path = _gold_copy(tmp_path, mutate)
    with pytest.raises(InputError) as info:
        load_annotations(path)
    assert str(path) in str(info.value) and needle in str(info.value)


def test_annotations_not_json(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text("{oops", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json:1: not valid JSON"):
        load_annotations(p)


def test_annotations_absent_gold_is_none(tmp_path: Path) -> None:
    assert load_gold(article_from_text("Some text.", "unannotated"), directory=tmp_path) is None


def test_annotations_draft_roundtrip(tmp_path: Path) -> None:
    article = article_from_text("“We will win,” said Ahmad Massoud. The end.", "draft")
    draft = draft_gold(process_article(article))
    (tmp_path / "draft.json").write_text(json.dumps(draft), encoding="utf-8")
    gold = load_gold(article, directory=tmp_path)
    assert gold.quotes[0].speaker == "Ahmad Massoud" and gold.quotes[0].stance == {"nrf": "none"}

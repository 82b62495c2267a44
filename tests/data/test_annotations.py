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
    ("mutate", "needle"),
    [
        (
            lambda d: d["sentences"][3].update(start=d["sentences"][3]["start"] + 1),
            "sentences[3] offsets",
        ),
        (lambda d: d["quotes"][1].update(end=d["quotes"][1]["end"] - 2), "quotes[1] offsets"),
        (lambda d: d["quotes"][0].update(end=99_999), "quotes[0] ends at 99999, past the end"),
        (lambda d: d.update(sha256="0" * 64), "the article text changed"),
    ],
)
def test_annotations_mismatch_names_file_and_item(
    tmp_path: Path, seed_article, mutate, needle: str
) -> None:
    path = _gold_copy(tmp_path, mutate)
    with pytest.raises(InputError) as info:
        load_gold(seed_article, directory=tmp_path)
    assert str(path) in str(info.value) and needle in str(info.value)
    gold = load_annotations(path)  # schema-valid: the text check is what fails
    with pytest.raises(InputError, match="panjshir"):
        check_gold(gold, seed_article.text)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d["sentences"][0].update(label="chrome"), "sentences[0].label"),
        (lambda d: d["quotes"][1]["stance"].update(nrf="pro"), "quotes[1].stance.nrf"),
        (lambda d: d["quotes"][0].update(stance={"nrf": "favor"}), "fragments carry no stance"),
        (lambda d: d["quotes"][2].update(start=5, end=3), "quotes[2]"),
        (lambda d: d.pop("sha256"), "sha256: Field required"),
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

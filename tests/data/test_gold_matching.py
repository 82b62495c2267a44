"""Gold that does not get lost: fuzzy quote spans, quotes the finder misses, gold speakers and
sides, fragments, unknown targets, and the per-article counts of ``data build`` (and --strict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsclf import settings
from newsclf.data.annotations import Gold, GoldQuote, GoldSentence, load_annotations
from newsclf.data.build import build_dataset, load_dataset_dict
from newsclf.data.document import process_article
from newsclf.data.gold_matching import apply_gold
from newsclf.data.readers import article_from_text, read_articles
from newsclf.errors import InputError

runner = CliRunner()
TARGETS = ["taliban", "nrf"]

# The finder sees the curly-quoted quote; the single-quoted one (British style) it does not.
TEXT = (
    "Rebels hold the valley\n\n"
    "'We will never surrender to the Taliban,' Ahmad Massoud said on Monday.\n\n"
    "“They are terrorists and occupiers,” said Amrullah Saleh, the former vice president.\n"
)
MISSED = "We will never surrender to the Taliban,"
FOUND = "They are terrorists and occupiers,"


def _processed(text: str = TEXT, aid: str = "uk"):
    return process_article(article_from_text(text, aid, f"{aid}.txt"))


def _quote(text: str, **kw) -> GoldQuote:
    return GoldQuote(text=text, **kw)


def test_gold_matching_one_character_offset_error_is_fuzzy_and_used() -> None:
    p = _processed()
    [q] = p.quotes
    assert q.text == FOUND
    # the annotator's span takes the closing mark too: text and offsets agree, one character longer
    gold = Gold("uk", None, [], [_quote(FOUND + "”", start=q.start, end=q.end + 1,
                                        stance={"taliban": "against", "nrf": "none"})])
    out, labels, report = apply_gold(p, gold, TARGETS)
    assert labels.stance == {(q.start, q.end, "taliban"): "against", (q.start, q.end, "nrf"): "none"}
    assert report.stance["fuzzy"] == 2 and report.quotes["fuzzy"] == 1 and report.labels()["unplaced"] == 0
    assert [x.text for x in out.quotes] == [FOUND]  # the detected words, as the model sees them
    assert any("fuzzy (gold" in d for d in report.details)


def test_gold_matching_stale_offsets_are_relocated_and_counted_fuzzy() -> None:
    p = _processed()
    [q] = p.quotes
    gold = Gold("uk", None, [], [_quote(FOUND, start=q.start - 1, end=q.end - 1, stance={"nrf": "none"})])
    _, labels, report = apply_gold(p, gold, TARGETS)
    assert labels.stance == {(q.start, q.end, "nrf"): "none"}
    assert report.stance["fuzzy"] == 1 and "placed relocated" in report.details[0]


def test_gold_matching_missed_quote_is_added_with_gold_speaker_and_side() -> None:
    p = _processed()
    gold = Gold("uk", None, [], [
        _quote(MISSED, speaker="Ahmad Massoud", side="nrf", stance={"taliban": "against", "nrf": "favor"}),
        _quote(FOUND, speaker="Amrullah Saleh", side="nrf", stance={"taliban": "against", "nrf": "none"}),
    ])
    out, labels, report = apply_gold(p, gold, TARGETS)
    added = [q for q in out.quotes if q.text == MISSED]
    assert len(added) == 1 and (added[0].speaker, added[0].side) == ("Ahmad Massoud", "nrf")
    start = TEXT.index(MISSED)
    assert labels.stance[(start, start + len(MISSED), "nrf")] == "favor"
    assert report.quotes["added"] == 1 and report.stance["added"] == 2 and report.stance["applied"] == 2
    assert [q.start for q in out.quotes] == sorted(q.start for q in out.quotes)


def test_gold_matching_gold_speaker_side_and_fragment_win() -> None:
    p = _processed()
    [q] = p.quotes
    assert (q.speaker, q.side) == ("Amrullah Saleh", "nrf")
    gold = Gold("uk", None, [], [_quote(FOUND, speaker="Amrullah Saleh", side="other",
                                        stance={"taliban": "against", "nrf": "none"})])
    out, _, report = apply_gold(p, gold, TARGETS)
    assert out.quotes[0].side == "other" and report.corrected == {"side": 1}
    frag = Gold("uk", None, [], [_quote(FOUND, fragment=True)])
    out, labels, report = apply_gold(p, frag, TARGETS)
    assert out.quotes[0].fragment and labels.stance == {} and report.corrected == {"fragment": 1}


def test_gold_matching_unknown_target_and_missing_text_are_unplaced() -> None:
    p = _processed()
    gold = Gold("uk", None, [], [
        _quote(FOUND, stance={"taliban": "against", "isis": "against"}),
        _quote("words nobody wrote", stance={"nrf": "favor"}),
    ])
    _, labels, report = apply_gold(p, gold, TARGETS)
    assert report.stance["unplaced"] == 2 and report.stance["applied"] == 1
    assert report.quotes["unplaced"] == 1
    assert any("'isis': unplaced (not a target of the actors file: taliban, nrf)" in d for d in report.details)
    assert any("its text is not in the article" in d for d in report.details)


def test_gold_matching_sentences_exact_fuzzy_and_unplaced() -> None:
    p = _processed()
    s = p.sentences
    gold = Gold("uk", None, [
        GoldSentence(text=s[0].text, start=s[0].start, end=s[0].end, label="boilerplate"),
        # one character short: still labels the detected sentence
        GoldSentence(text=s[1].text[:-1], start=s[1].start, end=s[1].end - 1, label="content"),
        # a few words of a long sentence: no detected sentence is mostly inside it
        GoldSentence(text="the former vice president", label="boilerplate"),
    ], [])
    _, labels, report = apply_gold(p, gold, TARGETS)
    assert labels.sentences == {(s[0].start, s[0].end): "boilerplate", (s[1].start, s[1].end): "content"}
    assert dict(report.sentences) == {"applied": 1, "fuzzy": 1, "unplaced": 1}


# ------------------------------------------------------------------ builds


@pytest.fixture
def project(tmp_path) -> Path:
    """An article the finder half misses, its gold (one quote by text, one with an off-by-one
    span), and a gold file for an article that no source reads."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "uk.txt").write_text(TEXT, encoding="utf-8")
    ann = tmp_path / "ann"
    ann.mkdir()
    start = TEXT.index(FOUND)
    (ann / "uk.json").write_text(json.dumps({
        "article_id": "uk",
        "quotes": [
            {"text": MISSED, "speaker": "Ahmad Massoud", "side": "nrf", "stance": {"taliban": "against", "nrf": "favor"}},
            {"start": start - 1, "end": start + len(FOUND), "text": "“" + FOUND, "speaker": "Amrullah Saleh",
             "side": "nrf", "stance": {"taliban": "against", "nrf": "none"}},
        ],
    }), encoding="utf-8")
    return tmp_path


def _cfg(project: Path) -> dict:
    return {
        "name": "g", "tasks": ["stance"],
        "sources": [{"kind": "files", "paths": [str(project / "articles")], "annotations": str(project / "ann")}],
        "split": {"train": 1.0, "validation": 0.0, "test": 0.0},
    }


def test_gold_matching_build_uses_and_counts_every_gold_label(project) -> None:
    res = build_dataset(_cfg(project), output_root=project / "data")
    gold = res.manifest["gold"]
    assert gold["labels"] == {"applied": 0, "fuzzy": 2, "added": 2, "unplaced": 0}
    assert gold["quotes"] == {"applied": 0, "fuzzy": 1, "added": 1, "unplaced": 0}
    [article] = gold["per_article"]
    assert article["article"] == "uk" and article["path"].endswith("uk.json")
    rows = load_dataset_dict("g", "stance", root=project / "data")["train"].to_pandas()
    labels = rows.set_index(["text", "target"])["label"].map(lambda i: ["favor", "against", "none"][i]).to_dict()
    assert labels == {(MISSED, "taliban"): "against", (MISSED, "nrf"): "favor",
                      (FOUND, "taliban"): "against", (FOUND, "nrf"): "none"}
    assert set(rows["label_source"]) == {"gold"}
    assert set(rows[rows["text"] == MISSED]["speaker"]) == {"Ahmad Massoud"}


def test_gold_matching_strict_refuses_what_is_not_applied_as_written(project) -> None:
    with pytest.raises(InputError) as info:
        build_dataset(_cfg(project), output_root=project / "data", strict=True)
    msg = str(info.value)
    assert "--strict" in msg and "uk.json: 2 fuzzy, 0 unplaced" in msg and "quotes[1]" in msg
    assert "quotes[0]" not in msg  # a quote the finder missed is used as written
    assert not (project / "data" / "g").exists()
    # the off-by-one span fixed: strict builds
    data = json.loads((project / "ann" / "uk.json").read_text(encoding="utf-8"))
    start = TEXT.index(FOUND)
    data["quotes"][1].update(start=start, end=start + len(FOUND), text=FOUND)
    (project / "ann" / "uk.json").write_text(json.dumps(data), encoding="utf-8")
    res = build_dataset(_cfg(project), output_root=project / "data", strict=True)
    assert res.manifest["gold"]["labels"] == {"applied": 2, "fuzzy": 0, "added": 2, "unplaced": 0}


def test_gold_matching_gold_file_without_article_is_reported(project) -> None:
    (project / "ann" / "elsewhere.json").write_text(
        json.dumps({"article_id": "elsewhere", "quotes": [{"text": "x", "stance": {"nrf": "none"}}]}), encoding="utf-8"
    )
    res = build_dataset(_cfg(project), output_root=project / "data")
    assert [Path(p).name for p in res.manifest["gold"]["files_without_article"]] == ["elsewhere.json"]
    with pytest.raises(InputError, match="elsewhere.json: no source read its article"):
        build_dataset(_cfg(project), output_root=project / "data", strict=True)


def test_gold_matching_cli_prints_the_gold_table(project, workdir) -> None:
    from newsclf.cli import app

    (project / "g.yaml").write_text(json.dumps(_cfg(project)), encoding="utf-8")
    res = runner.invoke(app, ["data", "build", str(project / "g.yaml")])
    assert res.exit_code == 0, res.output
    assert "gold labels: 0 applied, 2 matched fuzzily, 2 on quotes the finder missed (added), 0 could" in " ".join(res.stdout.split())
    res = runner.invoke(app, ["data", "build", str(project / "g.yaml"), "--strict"])
    assert res.exit_code == 1 and "--strict" in res.stderr
    res = runner.invoke(app, ["data", "show", "g"])
    assert res.exit_code == 0 and "matched fuzzily" in res.stdout


def test_gold_matching_seed_gold_applies_exactly(seed_path) -> None:
    [article] = read_articles(seed_path)
    gold = load_annotations(settings.shipped_annotations_dir() / "panjshir-nrf-2021-09.json")
    _, labels, report = apply_gold(process_article(article), gold, TARGETS)
    assert report.labels() == {"applied": 30, "fuzzy": 0, "added": 0, "unplaced": 0}
    assert len(labels.sentences) == 20 and len(labels.stance) == 10 and not report.details


def test_gold_matching_sentence_gold_labels_block_rows(tmp_path) -> None:
    """With ``unit: block`` the gold sentences label the blocks they cover."""
    text = "Headline here\n\nFirst sentence of the story. Second sentence of it.\n\nSign up now!\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "blocks.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "blocks.json").write_text(json.dumps({"article_id": "blocks", "sentences": [
        {"text": "Headline here", "label": "content"},
        {"text": "First sentence of the story.", "label": "content"},
        {"text": "Second sentence of it.", "label": "content"},
        {"text": "Sign up now!", "label": "boilerplate"},
    ]}), encoding="utf-8")
    res = build_dataset({"name": "b", "tasks": ["boilerplate"], "split": {"train": 1.0, "validation": 0, "test": 0},
                         "sources": [{"kind": "files", "paths": [str(tmp_path / "a")], "annotations": str(tmp_path / "ann"),
                                      "unit": "block"}]}, output_root=tmp_path / "o")
    assert res.manifest["gold"]["labels"] == {"applied": 2, "fuzzy": 2, "added": 0, "unplaced": 0}
    rows = load_dataset_dict("b", "boilerplate", root=tmp_path / "o")["train"]
    assert rows["label"][:] == [0, 0, 1] and set(rows["label_source"][:]) == {"gold"}

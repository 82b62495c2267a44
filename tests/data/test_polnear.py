"""PolNeAR reading and its gold: brat parsing, quoted regions, piece kinds, source heads, the
importer's rows and splits (a generated corpus), and the real corpus's published counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from attribution.synthetic_polnear import write_corpus

from newsclf.data.importers import get_importer
from newsclf.data.importers.polnear import (
    PolnearArticle,
    classify_piece,
    gold_quotes,
    last_name,
    load,
    parse_ann,
    quoted_regions,
    read_part,
    source_head,
    validation_articles,
)
from support import corpus_or_skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpora"))


def test_polnear_parse_ann_offsets_and_roles() -> None:
    text = "“A thing,” Caddell said.\nNext line."
    ann = (
        "T1\tContent 0 10\t“A thing,”\nT2\tSource 11 18\tCaddell\nT3\tCue 19 23\tsaid\n"
        "T4\tAttribution 19 23\tsaid\nE1\tAttribution:T4 Source:T2 Cue:T3 Content:T1\n"
        "T5\tDiscard 25 29\tNext\n#1\tAnnotatorNotes T5\tnote\n"
    )
    [att] = parse_ann(ann, text)
    assert att.source == (11, 18) and text[slice(*att.source)] == "Caddell"
    assert att.content == ((0, 10),) and att.cue == ((19, 23),)


def test_polnear_parse_ann_errors_name_file_and_line() -> None:
    with pytest.raises(ValueError, match=r"x.ann:1: span 0-99 lies outside"):
        parse_ann("T1\tContent 0 99\tx\n", "short", "x.ann")
    with pytest.raises(ValueError, match=r"x.ann:1: E1 refers to T9"):
        parse_ann("E1\tAttribution:T9 Content:T9\n", "short", "x.ann")


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("He said “we won” today.", ["we won"]),
        ("''This is tax reform,'' he said.", ["This is tax reform,"]),  # the NYT's two apostrophes
        ("“Mixed pairs\" and \"pairs too”", ["Mixed pairs", "pairs too"]),
        ("“Outer “inner” outer” after", ["Outer “inner” outer"]),  # nested marks stay inside
        ("“Left open to the end\nnext line", ["Left open to the end"]),  # per line
        ("‘Single quotes’ do not count", []),
        ("“A,” he said. “B.”", ["A,", "B."]),
    ],
)
def test_polnear_quoted_regions(text: str, regions: list[str]) -> None:
    assert [text[a:b] for a, b in quoted_regions(text)] == regions


def test_polnear_quoted_regions_closed_only() -> None:
    assert quoted_regions("“open to the end", closed_only=True) == []


@pytest.mark.parametrize(
    ("text", "piece", "kind"),
    [
        ("“We will win,” he said.", "“We will win,”", "direct"),
        ("“We will win,” he said.", "We will win,", "direct"),
        ("She respects Sanders’ “passion and commitment” now.", "She respects Sanders’ “passion and commitment”", "mixed"),
        ("“He said we will win today,” she said.", "we will win", "embedded"),
        ("He said the plan would work.", "the plan would work", "indirect"),
    ],
)
def test_polnear_classify_piece(text: str, piece: str, kind: str) -> None:
    start = text.index(piece)
    assert classify_piece(text, (start, start + len(piece)), quoted_regions(text)) == kind


@pytest.mark.parametrize(
    ("source", "head", "kind"),
    [
        ("longtime Democratic pollster Pat Caddell", "longtime Democratic pollster Pat Caddell", "name"),
        ("Pat Caddell, a pollster", "Pat Caddell", "name"),
        ("Sen. Bernie Sanders (I-Vt.)", "Sen. Bernie Sanders", "name"),
        ("Mr. King", "Mr. King", "name"),
        ("Secretary of State John Kerry", "Secretary of State John Kerry", "name"),
        ("the head of the FBI", "the head", "nominal"),
        ("a Clinton aide", "a Clinton aide", "nominal"),
        ("He", "He", "pronoun"),
        ("the President", "the President", "nominal"),
    ],
)
def test_polnear_source_head(source: str, head: str, kind: str) -> None:
    assert source_head(source) == (head, kind)


@pytest.mark.parametrize(
    ("name", "last"),
    [("Pat Caddell", "caddell"), ("Donald Trump Jr.", "trump"), ("Bornsten's", "bornsten"), ("", "")],
)
def test_polnear_last_name(name: str, last: str) -> None:
    assert last_name(name) == last


def test_polnear_gold_quotes_direct_mixed_and_speakers() -> None:
    text = "“We will win,” said Pat Caddell, a pollster. He called it “a big deal” later."
    ann = (
        "T1\tContent 0 14\tx\nT2\tSource 20 31\tx\nT3\tCue 15 19\tsaid\nT4\tAttribution 15 19\tsaid\n"
        "E1\tAttribution:T4 Source:T2 Cue:T3 Content:T1\n"
        "T5\tSource 45 47\tHe\nT6\tCue 48 54\tcalled\nT7\tContent 55 71\tx\nT8\tAttribution 48 54\tx\n"
        "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7\n"
    )
    article = PolnearArticle("a", "dev", "nyt", text, "4b22", parse_ann(ann, text))
    gold = gold_quotes(article)
    assert [(text[q.start : q.end], q.speaker, q.kind) for q in gold.quotes] == [
        ("“We will win,”", "Pat Caddell", "name")
    ]
    assert gold.counts["direct"] == 1 and gold.counts["mixed"] == 1
    assert [text[a:b] for a, b in gold.ignore] == ["it “a big deal”"]
    assert gold.quotes[0].head is not None and text[gold.quotes[0].head[1] - 7 : gold.quotes[0].head[1]] == "Caddell"


def test_polnear_read_part_takes_first_ann_in_sorted_order(corpus: Path) -> None:
    articles = list(read_part(corpus, "train"))
    assert len(articles) == 24
    assert {a.annotator for a in articles} == {"4b22"}  # "_4b22" sorts before "_ef2d"
    assert all(a.attributions for a in articles)
    assert {a.publisher for a in articles} <= {"nyt", "politico", "wash-post"}


def test_polnear_read_part_missing_part_names_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="train/text"):
        list(read_part(tmp_path, "train"))


def test_polnear_importer_rows_splits_and_labels(corpus: Path) -> None:
    imp = get_importer("polnear")(corpus, seed=13, validation=0.25)
    assert imp.task == "attribution"
    rows = imp.rows
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == {"train", "validation", "test"}
    # dev articles become test, a seeded quarter of the train articles validation, by article
    by_group: dict[str, set] = {}
    for r in rows:
        by_group.setdefault(r["group"], set()).add(r["split"])
    assert all(len(v) == 1 for v in by_group.values())
    held = validation_articles(corpus, 0.25, 13)
    assert {g.split(":", 1)[1] for g, v in by_group.items() if v == {"validation"}} <= held
    # every query has candidates and (here) exactly one speaker among them
    queries: dict[str, list] = {}
    for r in rows:
        queries.setdefault(r["query"], []).append(r)
    assert all(sum(r["label"] == "speaker" for r in q) == 1 for q in queries.values())
    assert {r["label"] for r in rows} == {"speaker", "other"}
    assert set(rows[0]) >= {"text", "candidate", "kind", "signals", "distance", "query", "group",
                            "gold_kind", "quote_type", "quote_start", "quote_end"}


def test_polnear_importer_same_seed_same_rows(corpus: Path) -> None:
    a = load(corpus, seed=13, validation=0.25).rows
    b = load(corpus, seed=13, validation=0.25).rows
    assert a == b
    assert validation_articles(corpus, 0.25, 13) != validation_articles(corpus, 0.25, 14)


def test_polnear_importer_refuses_unknown_options(corpus: Path) -> None:
    with pytest.raises(ValueError, match="unknown options"):
        load(corpus, colour="red")
    with pytest.raises(ValueError, match="unknown parts"):
        load(corpus, parts=["test"])


@pytest.mark.corpora
def test_polnear_real_corpus_counts_match_its_readme() -> None:
    root = corpus_or_skip("polnear")
    counts: Counter = Counter()
    kinds: Counter = Counter()
    for article in read_part(root, "dev"):
        gold = gold_quotes(article)
        counts.update(gold.counts)
        kinds.update(q.kind for q in gold.quotes)
    # README: dev 595 direct-quote pieces, 281 mixed, 7 embedded, 1,612 indirect; 157 pronoun sources
    assert (counts["direct"], counts["mixed"], counts["embedded"], counts["indirect"]) == (595, 281, 7, 1612)
    assert kinds["pronoun"] == 157 and kinds["none"] == 1
    assert 385 <= kinds["name"] <= 400  # README: 395 named (its head rule is not published exactly)

"""NewsMTSC and DSE importers: label mappings, spans, groups, splits, de-duplication."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from newsclf.data.importers import dse, get_importer, newsmtsc
from support import corpus_or_skip


@pytest.mark.parametrize(
    ("gid", "group"),
    [
        ("allsides_1000_401_25_Reality Leigh Winner_0_6", "newsmtsc:allsides_401"),
        ("polusa_v1_59488606_-1_30_Dr. Sidney J. Blair_1_3", "newsmtsc:polusa_v1_59488606"),
        ("odd", "newsmtsc:odd"),
    ],
)
def test_newsmtsc_article_group(gid, group):
    assert newsmtsc.article_group(gid) == group


def test_newsmtsc_polarity_mapping():
    assert newsmtsc.POLARITY == {6.0: "favor", 2.0: "against", 4.0: "none"}


@pytest.mark.parametrize(
    ("raw", "text", "mentions"),
    [
        ("A [Los Angele]s anchor met [Trump].", "A Los Angeles anchor met Trump.", ["Los Angeles", "Trump"]),
        ("[Obamacare’]s critics and [Kasich’]s plan", "Obamacare’s critics and Kasich’s plan", ["Obamacare’s", "Kasich’s"]),
        ("[U. S.] practice under [Paul Ryan]", "U. S. practice under Paul Ryan", ["U. S.", "Paul Ryan"]),
        ('"He said ""no"" to [Iran] and [Obama]."', 'He said "no" to Iran and Obama.', ["Iran", "Obama"]),
    ],
)
def test_dse_parse_row(raw, text, mentions):
    clean, spans = dse.parse_row(raw)
    assert clean == text
    assert [clean[s:e] for s, e in spans] == mentions


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (0, {("p", "q", "none"), ("q", "p", "none")}),
        (1, {("p", "q", "favor")}),
        (2, {("q", "p", "favor")}),
        (3, {("p", "q", "against")}),
        (4, {("q", "p", "against")}),
    ],
)
def test_dse_directed_examples(tmp_path: Path, label, expected):
    (tmp_path / "train.txt").write_text(f"[Alice Smith] praised [Bob Jones] today.\tAlice Smith\tBob Jones\t{label}\n", encoding="utf-8")
    (tmp_path / "valid.txt").write_text("[Carl] met [Dora].\tCarl\tDora\t0\n", encoding="utf-8")
    rows = [r for r in dse.load(tmp_path, validation=0.0).rows if r["split"] == "train"]
    names = {"Alice Smith": "p", "Bob Jones": "q"}
    assert {(names[r["speaker"]], names[r["target"]], r["label"]) for r in rows} == expected
    for r in rows:
        assert r["text"][r["target_start"]:r["target_end"]] == r["target"]
        assert r["text"][r["speaker_start"]:r["speaker_end"]] == r["speaker"]


def test_dse_reverse_none_and_dedup(tmp_path: Path):
    (tmp_path / "train.txt").write_text(
        "[A] blamed [B].\tA\tB\t3\n[C] met [D].\tC\tD\t0\n", encoding="utf-8")
    (tmp_path / "valid.txt").write_text("[A] blamed [B].\tA\tB\t3\n[E] hailed [F].\tE\tF\t1\n", encoding="utf-8")
    imp = dse.load(tmp_path, validation=0.0, reverse_none=True)
    train = {(r["speaker"], r["target"], r["label"]) for r in imp.rows if r["split"] == "train"}
    assert ("B", "A", "none") in train and ("A", "B", "against") in train
    dedup = {(r["speaker"], r["target"]) for r in imp.rows if r["split"] == "test_dedup"}
    assert dedup == {("E", "F"), ("F", "E")}
    assert imp.stats["valid_dedup_rows"] == 1


def test_dse_bad_line_names_file(tmp_path: Path):
    (tmp_path / "train.txt").write_text("no tabs here\n", encoding="utf-8")
    (tmp_path / "valid.txt").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="train.txt:1"):
        dse.load(tmp_path)


def _groups_by_split(rows, splits):
    seen = defaultdict(set)
    for r in rows:
        if r["split"] in splits:
            seen[r["group"]].add(r["split"])
    return [g for g, s in seen.items() if len(s) > 1]


@pytest.mark.corpora
def test_newsmtsc_load_corpus():
    root = corpus_or_skip("newsmtsc")
    imp = get_importer("newsmtsc")(root, seed=13)
    assert imp.task == "stance"
    by_split = imp.stats["labels"]
    assert sum(by_split["test"].values()) == 343 and sum(by_split["dev_mt"].values()) == 442
    assert sum(by_split["train"].values()) + sum(by_split["validation"].values()) == 8739
    assert not _groups_by_split(imp.rows, {"train", "validation"})
    assert all(r["text"][r["target_start"]:r["target_end"]] == r["target"] for r in imp.rows)
    again = newsmtsc.load(root, seed=13)
    assert [r["split"] for r in again.rows] == [r["split"] for r in imp.rows]


@pytest.mark.corpora
def test_dse_load_corpus():
    root = corpus_or_skip("dse")
    imp = dse.load(root, seed=13)
    assert imp.stats["valid_rows"] == 1461 and imp.stats["valid_dedup_rows"] == 1069
    assert not _groups_by_split(imp.rows, {"train", "validation"})
    assert {r["label"] for r in imp.rows} == {"favor", "against", "none"}
    assert all(r["text"][r["target_start"]:r["target_end"]] == r["target"] for r in imp.rows)
    assert all("[" not in r["target"] for r in imp.rows)


def test_dse_absent_target_twins(tmp_path: Path):
    names = ["Adams", "Baker", "Clark", "Davis", "Evans", "Fisher", "Green", "Hughes", "Irwin", "Jones",
             "Klein", "Lopez", "Moore", "Nolan", "Owens", "Price", "Quinn", "Reyes", "Smith", "Turner"]
    lines = [f"[{a}] criticised [{b}].\t{a}\t{b}\t3\n" for a, b in zip(names[::2], names[1::2], strict=True)]
    (tmp_path / "train.txt").write_text("".join(lines), encoding="utf-8")
    (tmp_path / "valid.txt").write_text("[Carl] met [Dora].\tCarl\tDora\t0\n", encoding="utf-8")
    imp = dse.load(tmp_path, validation=0.0, absent=0.5, seed=1)
    twins = [r for r in imp.rows if r["label_source"] == "dse-absent"]
    assert twins and all(r["label"] == "none" and r["split"] == "train" for r in twins)
    assert all(r["target"].lower() not in r["text"].lower() for r in twins)
    assert all("target_start" not in r for r in twins)
    assert dse.load(tmp_path, validation=0.0, absent=0.5, seed=1).rows == imp.rows

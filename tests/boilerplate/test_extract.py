"""Main-text extraction: the pure function and the ``newsclf extract`` command."""

from __future__ import annotations

import json

import datasets
import pytest
import yaml
from typer.testing import CliRunner

from newsclf.cli import app
from newsclf.data.html import read_html
from newsclf.data.pages import page_rows
from newsclf.extraction import extract_main_text
from newsclf.tasks import TASKS

STORY = ["Rescue teams reached the flooded village on Tuesday after three days of heavy rain in the valley.",
         "Local officials said that more than two hundred families had been moved to schools and churches.",
         "The regional government promised to rebuild the bridge before the winter, a spokesman told reporters."]  # fmt: skip


def _page(i: int) -> str:
    story = "".join(f"<p>{s if (i + k) % 2 else s.replace(' the ', ' a ')}</p>" for k, s in enumerate(STORY))
    return (f"<html><head><title>Flood {i}</title></head><body><nav class='menu'><a href='/'>Home</a> <a href='/n'>News</a></nav>"
            f"<div class='share-bar'><a href='#'>Share on Facebook</a></div><article class='story-body'>{story}</article>"
            f"<aside class='related'><a href='/x'>Related: more floods</a></aside>"
            f"<footer class='site-footer'>© 2026 Valley News. All rights reserved.</footer></body></html>")  # fmt: skip


def _dataset(tmp_data, name="tinyx"):
    cols = list(TASKS["boilerplate"].inputs)
    rows = []
    for i in range(12):
        art = read_html(_page(i), f"p{i}")
        for r in page_rows(art, f"site{i}.com"):
            r["label"] = "content" if "story" in r["attrs"] else "boilerplate"
            rows.append(r)
    features = datasets.Features({**{c: datasets.Value("float64" if c in ("position", "link_density") else "string") for c in cols},
                                  "label": datasets.ClassLabel(names=["content", "boilerplate"])})  # fmt: skip
    def part(sel):
        return datasets.Dataset.from_dict({c: [r[c] for r in sel] for c in [*cols, "label"]}, features=features)
    train = [r for r in rows if int(r["group"][4:-4]) < 8]
    test = [r for r in rows if int(r["group"][4:-4]) >= 8]
    datasets.DatasetDict({"train": part(train), "validation": part(test), "test": part(test)}).save_to_disk(
        str(tmp_data / name / "boilerplate"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):

    from newsclf.pipeline.train import train

    root = tmp_path_factory.mktemp("extract")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_DATA", str(root / "data"))
        mp.setenv("NEWSCLF_MODELS", str(root / "models"))
        datasets.disable_progress_bars()
        _dataset(root / "data")
        cfg = root / "bp.yaml"
        cfg.write_text(yaml.safe_dump({"task": "boilerplate", "dataset": "tinyx", "seed": 13,
                                       "features": [{"name": "block_stats", "params": {"window": 1}}],
                                       "model": {"name": "random_forest", "params": {"n_estimators": 20}}}))  # fmt: skip
        yield train(cfg, n_boot=10)


def test_extract_main_text_keeps_story(run_dir):
    from newsclf.pipeline.runs import load_run

    run = load_run(run_dir)
    text = extract_main_text(run, read_html(_page(20), "new"))
    assert all(s[:12] in text for s in STORY) and len(text.split("\n\n")) == 3
    assert "Share on Facebook" not in text and "All rights reserved" not in text
    assert extract_main_text(run.model, read_html("<p></p>", "empty")) == ""


COMMENT = "I read this story twice and I still think the bridge should have been rebuilt years ago, frankly."


def _page_with_comments(i: int) -> str:
    # the comment sits in the article wrapper, so the block model alone reads it as the story's prose
    return _page(i).replace("</article>", f"<div class='comment-list'><div class='comment-body'><p>{COMMENT}</p></div></div></article>")


def test_extract_main_text_leaves_out_comment_sections(run_dir):
    from newsclf.extraction import classify_units
    from newsclf.pipeline.runs import load_run

    run = load_run(run_dir)
    page = read_html(_page_with_comments(21), "c")
    units, proba = classify_units(run, page)
    assert proba[[u.text for u in units].index(COMMENT)] >= 0.5  # the model alone keeps it
    assert COMMENT not in extract_main_text(run, page)
    assert STORY[0] in extract_main_text(run, page)
    assert COMMENT in extract_main_text(run, page, comments=True)
    forum = read_html(f"<html><body><div class='comments'><p>{COMMENT}</p><p>{STORY[1]}</p></div></body></html>", "forum")
    assert extract_main_text(run, forum) != ""  # a page that is all comments keeps its text


def test_extract_command_prints_json_lines(run_dir, tmp_path):
    import gzip

    (tmp_path / "a.html").write_text(_page(30), encoding="utf-8")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(_page(31).encode()))
    result = CliRunner().invoke(app, ["extract", "--model", str(run_dir), str(tmp_path / "a.html"), str(tmp_path / "b.html.gz")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.strip().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert all("Rescue teams" in x["text"] and "Share on" not in x["text"] for x in lines)


def test_extract_command_comments_flag_keeps_comments(run_dir, tmp_path):
    (tmp_path / "c.html").write_text(_page_with_comments(32), encoding="utf-8")
    texts = []
    for flags in ([], ["--comments"]):
        result = CliRunner().invoke(app, ["extract", "--model", str(run_dir), *flags, str(tmp_path / "c.html")])
        assert result.exit_code == 0, result.output
        texts.append(json.loads(result.stdout)["text"])
    assert COMMENT not in texts[0] and COMMENT in texts[1]


def test_extract_command_rejects_missing_run(tmp_path):
    (tmp_path / "a.html").write_text(_page(1), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--model", str(tmp_path / "nope"), str(tmp_path / "a.html")])
    assert result.exit_code != 0

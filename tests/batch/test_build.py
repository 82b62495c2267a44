"""``newsclf data build`` in partitions (here and on a real LocalCluster) gives the one-process
dataset: the same rows in the same order, splits, fingerprints, reports and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsclf.batch import BatchBuild, DaskCluster, InProcess
from newsclf.cli import app
from newsclf.data.build import build_dataset
from newsclf.errors import InputError

CONFIG = {
    "name": "mix",
    "tasks": ["boilerplate", "stance"],
    "sources": [
        {"kind": "files", "paths": ["newsclf:seeds/"], "annotations": "newsclf:annotations/"},
        {"kind": "files", "paths": ["articles/"]},
    ],
    "split": {"train": 0.6, "validation": 0.2, "test": 0.2, "group_by": "article"},
    "labelling": {"combiner": "label_model"},
}


@pytest.fixture
def inputs(tmp_path, monkeypatch, make_corpus, variant) -> Path:
    """Text files, a page, JSONL files cut into ranges (bad lines; an id repeated in two ranges)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSCLF_DATA", str(tmp_path / "data"))
    folder = make_corpus(tmp_path)
    ids = [f"w{i}" for i in range(12)]
    ids[9] = "w1"
    (folder / "wire.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": variant(400 + k)}) + "\n" for k, i in enumerate(ids)),
        encoding="utf-8")
    return tmp_path


def _built(root: Path) -> tuple[dict, dict]:
    """(manifest without its times, every dataset file's bytes)."""
    manifest = json.loads((root / "mix" / "manifest.json").read_text(encoding="utf-8"))
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "mix").rglob("*"))
             if p.is_file() and p.name != "manifest.json"}
    return {k: v for k, v in manifest.items() if k not in ("built_at", "seconds")}, files


def _check_same(tmp_path: Path, executor) -> None:
    one = build_dataset(CONFIG, output_root=tmp_path / "one", skip_bad=True)
    many = build_dataset(CONFIG, output_root=tmp_path / "many", skip_bad=True,
                         batch=BatchBuild(executor, partition_articles=3))
    assert not many.cached
    assert _built(tmp_path / "many") == _built(tmp_path / "one")
    bad = [b["source"] for b in one.bad]
    assert bad == ["articles/feed.jsonl:6", "articles/feed.jsonl:9", "articles/wire.jsonl:10"]
    assert one.manifest["gold"]["labels"]["applied"] > 0


def test_build_partitioned_here_equals_one_process(inputs):
    _check_same(inputs, InProcess())


def test_build_partitioned_raises_the_first_bad_input_as_one_process(inputs):
    with pytest.raises(InputError) as one:
        build_dataset(CONFIG, output_root=inputs / "one")
    with pytest.raises(InputError) as many:
        build_dataset(CONFIG, output_root=inputs / "many", batch=BatchBuild(InProcess(), partition_articles=3))
    assert str(many.value) == str(one.value) and "feed.jsonl:6" in str(one.value)
    assert not (inputs / "many" / "mix").exists()


@pytest.mark.slow
def test_build_on_a_local_cluster_equals_one_process(inputs, cluster):
    with DaskCluster(scheduler=cluster.scheduler_address) as executor:
        _check_same(inputs, executor)


def test_build_cli_options(inputs):
    (inputs / "mix.yaml").write_text(json.dumps(CONFIG), encoding="utf-8")
    both = CliRunner().invoke(app, ["data", "build", "mix.yaml", "--workers", "2", "--scheduler", "tcp://x:1"])
    assert both.exit_code == 1 and "not both" in both.stderr

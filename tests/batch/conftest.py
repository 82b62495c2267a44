"""Fixtures for the batch tests: real models trained once on the seed, article inputs of every
kind, and a real Dask LocalCluster (2 worker processes, one thread each) shared by the slow tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsclf import settings


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The quickstart boilerplate and stance runs, trained on the seed article (real pipelines)."""
    from newsclf.pipeline.train import train

    root = tmp_path_factory.mktemp("batch-runs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_DATA", str(root / "data"))
        mp.setenv("NEWSCLF_MODELS", str(root / "models"))
        return {task: train(f"newsclf:configs/quickstart/{task}-logreg.yaml",
                            output=root / "models" / task, n_boot=20)
                for task in ("boilerplate", "stance")}


@pytest.fixture(scope="session")
def models(runs):
    """The runs as a verified model payload (the rules attribute quotes)."""
    from newsclf.batch import model_payload

    return model_payload(runs["boilerplate"], runs["stance"], attribution="rules")


def seed_variant(i: int) -> str:
    """A seed-sized article: the seed with another place, date and number."""
    text = settings.seed_article_path().read_text(encoding="utf-8")
    places = ["Panjshir", "Parwan", "Baghlan", "Takhar"]
    return (text.replace("Panjshir", places[i % 4]).replace("Sept. 6", f"Sept. {i % 28 + 1}")
            .replace("134", str(100 + i)))


PAGE = """<html><head><title>Resistance holds</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Resistance says it holds the valley</h1>
<p>The National Resistance Front said on Monday that its fighters still held the valley.</p>
<p>"We will never surrender," Ahmad Massoud said in a statement.</p>
<p>A Taliban spokesman, Zabihullah Mujahid, said: "Panjshir is under our control."</p></article>
<footer>Sign up to receive our latest news!</footer></body></html>
"""


def write_corpus(root: Path, n_files: int = 5, n_lines: int = 14) -> Path:
    """A folder of inputs: text files, an HTML page, a JSONL file (with a blank line, a line that
    is not JSON and one without text) and a gzipped JSONL file; returns the folder."""
    folder = root / "articles"
    (folder / "pages").mkdir(parents=True)
    for i in range(n_files):
        (folder / f"a{i:02d}.txt").write_text(seed_variant(i), encoding="utf-8")
    (folder / "pages" / "page.html").write_text(PAGE, encoding="utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": seed_variant(100 + i), "site": "x"}) for i in range(n_lines)]
    lines[3] = ""
    lines[5] = "{not json"
    lines[8] = json.dumps({"id": "nobody"})
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(folder / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(n_lines):
            fh.write(json.dumps({"text": seed_variant(200 + i)}) + "\n")
    return folder


@pytest.fixture(scope="session")
def make_corpus():
    """:func:`write_corpus`, for tests that write inputs where they need them."""
    return write_corpus


@pytest.fixture(scope="session")
def variant():
    """:func:`seed_variant`: the i-th seed-sized article."""
    return seed_variant


@pytest.fixture(scope="session")
def cluster():
    """A real LocalCluster: 2 worker processes, one thread each (started once for the slow tests)."""
    distributed = pytest.importorskip("distributed", reason="needs the dask extra")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local

"""The attribution ranker in /analyze and `newsclf analyze`: in-process with the tiny real models,
and a real `bentoml serve` with a promoted attribution model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from attribution.synthetic_polnear import train_tiny_attribution

from newsclf.data.readers import article_from_text
from support import serve_process

TEXT = "John Carter spoke on Tuesday.\n\n“People are tired of promises,” he said."


@pytest.fixture(scope="module")
def attribution_run(tmp_path_factory) -> Path:
    return train_tiny_attribution(tmp_path_factory.mktemp("attr"))[0]


def test_attribution_serving_analyze_article_uses_the_ranker(tiny_runs, attribution_run) -> None:
    from newsclf.analysis import Analyzer
    from newsclf.pipeline.runs import load_run

    ranker = load_run(attribution_run)
    assert ranker.task == "attribution"
    analyzer = Analyzer.from_runs(load_run(tiny_runs["boilerplate"]), load_run(tiny_runs["stance"]),
                                  attribution=ranker.model)
    out = analyzer.article(article_from_text(TEXT, "t"))
    assert [q["speaker"] for q in out["quotes"]] == ["John Carter"]


def test_attribution_serving_analyze_files_option(tiny_runs, attribution_run, tmp_path) -> None:
    from newsclf.analysis import Analyzer
    from newsclf.analysis_files import analyze_files

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    analyzer = Analyzer.load(tiny_runs["boilerplate"], tiny_runs["stance"], attribution=str(attribution_run))
    assert analyzer.attribution is not None
    [path] = analyze_files([tmp_path / "a.txt"], analyzer, tmp_path / "out")
    assert '"John Carter"' in path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.serve
def test_attribution_serving_promoted_ranker_over_http(tiny_runs, attribution_run, tmp_path) -> None:
    import httpx

    from newsclf.serving.promote import promote

    store = tmp_path / "bentoml"
    for run in (*tiny_runs.values(), attribution_run):
        promote(run, store=store / "models")
    env = dict(os.environ, BENTOML_HOME=str(store), BENTOML_DO_NOT_TRACK="true", HF_DATASETS_OFFLINE="1")
    for key in list(env):
        if key.startswith("NEWSCLF_") and key.endswith(("_RUN", "_MODEL")):
            env.pop(key)
    with serve_process([], env, tmp_path / "serve.log") as (url, _):
        models = httpx.get(url + "/models", timeout=10).json()
        assert models["attribution"]["task"] == "attribution"
        resp = httpx.post(url + "/analyze", json={"text": TEXT}, timeout=30)
        assert resp.status_code == 200
        assert [q["speaker"] for q in resp.json()["quotes"]] == ["John Carter"]

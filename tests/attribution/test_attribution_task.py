"""The attribution task in the shared machinery: data build from a PolNeAR-shaped corpus, training
(a real fitted pipeline in a real run directory), per-quote accuracy with intervals, compare,
promote, and the quote path using the trained ranker (CLI and API)."""

from __future__ import annotations

import json

import pytest
from attribution.synthetic_polnear import train_tiny_attribution
from typer.testing import CliRunner

from newsclf.data.actors import load_actors
from newsclf.data.attribution import load_attribution, resolve_attribution
from newsclf.data.document import process_article
from newsclf.data.readers import article_from_text
from newsclf.errors import NewsclfError


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> dict:
    """Two attribution runs trained with `newsclf train` on a generated PolNeAR-shaped corpus."""
    root = tmp_path_factory.mktemp("attribution")
    return {"root": root, "runs": train_tiny_attribution(root, (1.0, 0.01))}


def test_attribution_train_writes_a_run_scored_per_quote(trained) -> None:
    run = trained["runs"][0]
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "attribution" and manifest["headline"]["metric"] == "accuracy"
    test = metrics["splits"]["test"]
    assert test["unit"] == "query"
    # one outcome per dev quote, grouped by article for the bootstrap
    preds = metrics["predictions"]["test"]
    assert test["n"] == len(preds["ids"]) == len(set(preds["ids"])) > 20
    assert set(preds["gold"]) == {"speaker"}
    assert 0.0 <= test["intervals"]["accuracy"][0] <= test["accuracy"] <= test["intervals"]["accuracy"][1]
    assert test["accuracy"] >= 0.8  # the generated patterns are easy
    assert test["rows"]["n"] > test["n"] and test["answerable"] <= test["n"]
    assert (run / "report.html").is_file() and (run / "model.skops").is_file()


def test_attribution_compare_ranks_runs(trained) -> None:
    from newsclf.comparison.compare import compare_runs

    result = compare_runs(trained["runs"], metric="accuracy", n_boot=200)
    assert result["task"] == "attribution"
    assert [r["value"] for r in result["rows"]] == sorted((r["value"] for r in result["rows"]), reverse=True)
    assert "model.params.C" in result["differing_keys"]


def test_attribution_model_ranks_speakers_in_the_quote_path(trained) -> None:
    model = load_attribution(str(trained["runs"][0]))
    text = (
        "Officials weigh in.\n\nMaria Lopez spoke at the hearing on Tuesday. "
        "“We need answers, not slogans,” she said.\n\n“People are tired of promises,” said John Carter, "
        "the campaign manager."
    )
    quotes = process_article(article_from_text(text, "t"), load_actors(), attribution=model).quotes
    assert [q.speaker for q in quotes] == ["Maria Lopez", "John Carter"]  # "she" resolved to her name
    assert [q.side for q in quotes] == [None, "other"]


def test_attribution_cli_quotes_with_a_run_and_with_rules(trained, tmp_path) -> None:
    from newsclf.cli import app

    article = tmp_path / "a.txt"
    article.write_text("“We will keep working,” said John Carter, the campaign manager.", encoding="utf-8")
    for option in (str(trained["runs"][0]), "rules"):
        result = CliRunner().invoke(app, ["quotes", "--attribution", option, str(article)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["quotes"][0]["speaker"] == "John Carter"
    result = CliRunner().invoke(app, ["quotes", "--attribution", "no-such-run", str(article)])
    assert result.exit_code == 1 and "not found" in result.stderr


def test_attribution_resolve_model_env_rules_and_wrong_task(trained, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "bento"))  # an empty store: no promoted model
    monkeypatch.delenv("NEWSCLF_ATTRIBUTION_RUN", raising=False)
    assert resolve_attribution() is None
    assert resolve_attribution("rules") is None
    monkeypatch.setenv("NEWSCLF_ATTRIBUTION_RUN", str(trained["runs"][0]))
    assert hasattr(resolve_attribution(), "predict_proba")
    run = trained["runs"][0]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "attribution"


def test_attribution_load_refuses_other_tasks(tmp_path) -> None:
    from newsclf.pipeline.runs import write_manifest

    fake = tmp_path / "run"
    fake.mkdir()
    for name in ("model.skops", "metrics.json", "config.yaml"):
        (fake / name).write_text("{}", encoding="utf-8")
    write_manifest(fake, {"task": "stance", "labels": ["favor", "against", "none"]})
    with pytest.raises(NewsclfError, match="needs an attribution run"):
        import newsclf.pipeline.runs as runs

        real = runs.load_run

        def no_unpickle(path, load_model=True):
            return real(path, load_model=False)

        runs.load_run, saved = no_unpickle, runs.load_run
        try:
            load_attribution(str(fake))
        finally:
            runs.load_run = saved


def test_attribution_promote_into_a_store(trained, tmp_path) -> None:
    from newsclf.serving.models import load_stored
    from newsclf.serving.promote import promote

    store = tmp_path / "store"
    tag = promote(trained["runs"][0], store=store)
    assert tag.startswith("newsclf-attribution:")
    loaded = load_stored("newsclf-attribution:latest", store=store)
    assert loaded.task == "attribution" and loaded.labels == ["speaker", "other"]
    assert "accuracy" in loaded.metrics

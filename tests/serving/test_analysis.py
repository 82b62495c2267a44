"""The inference facade (newsclf.analysis) and `newsclf analyze`: one code path with /analyze."""

from __future__ import annotations

import json
import warnings

import pytest

from newsclf.analysis import ActorsMismatchWarning, Analyzer, analyze, choose_actors
from newsclf.pipeline.runs import load_run


@pytest.fixture(scope="module")
def runs(tiny_runs):
    return {task: load_run(path) for task, path in tiny_runs.items()}


@pytest.fixture(scope="module")
def analyzer(runs):
    return Analyzer.from_runs(runs["boilerplate"], runs["stance"])


def _seed_article(seed_path):
    from newsclf.data.readers import read_file

    return next(read_file(seed_path))


def test_analysis_seed_article_shape(analyzer, seed_path):
    article = _seed_article(seed_path)
    out = analyzer.article(article)
    assert set(out) == {"sentences", "quotes"}
    assert len(out["sentences"]) > 5 and out["quotes"]
    for s in out["sentences"]:
        assert article.text[s["start"] : s["end"]] == s["text"]
        assert 0.0 <= s["score"] <= 1.0
    for q in out["quotes"]:
        assert article.text[q["start"] : q["end"]] == q["text"]
        assert q["stance"] == {} if q["fragment"] else set(q["stance"]) == set(analyzer.actors.keys)


def test_analysis_explain_adds_features(analyzer, seed_path):
    out = analyzer.article(_seed_article(seed_path), explain=True)
    assert all("features" in s for s in out["sentences"])
    stances = [v for q in out["quotes"] for v in q["stance"].values()]
    assert stances and all(isinstance(v["features"], list) for v in stances)
    assert any(v["features"] and {"feature", "weight"} == set(v["features"][0]) for v in stances)


def test_analysis_public_api_matches_the_analyzer(analyzer, tiny_runs, seed_path, seed_text):
    import newsclf

    expected = analyzer.article(_seed_article(seed_path))
    assert newsclf.analyze(seed_path, tiny_runs["boilerplate"], tiny_runs["stance"]) == expected
    from_text = analyze(seed_text, tiny_runs["boilerplate"], tiny_runs["stance"])
    assert [q["stance"] for q in from_text["quotes"]] == [q["stance"] for q in expected["quotes"]]


def test_analysis_actors_are_the_stance_models_unless_overridden(runs, tmp_path):
    from newsclf.data.actors import load_actors

    trained = choose_actors(runs["stance"])
    assert trained.spec == runs["stance"].actors().spec and trained.keys == ["taliban", "nrf"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = choose_actors(runs["stance"], "newsclf:configs/actors.yaml")  # the file it was trained with
    assert same.spec == trained.spec
    other = tmp_path / "actors.yaml"
    other.write_text("actors:\n  isis: {name: Islamic State, aliases: [ISIS]}\n", encoding="utf-8")
    with pytest.warns(ActorsMismatchWarning, match="differ"):
        chosen = choose_actors(runs["stance"], other)
    assert chosen.keys == ["isis"] and load_actors(other).keys == ["isis"]


def test_analysis_html_text_is_what_offsets_index(analyzer):
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><article>"
        "<p>Taliban forces entered the Panjshir valley on Monday after days of fighting.</p>"
        "<p>\u201cWe will never surrender to the Taliban,\u201d said Ahmad Massoud.</p></article></body></html>"
    )
    out = analyzer.html(html)
    assert set(out) == {"text", "sentences", "quotes"}
    for s in out["sentences"]:
        assert out["text"][s["start"] : s["end"]] == s["text"]


def test_analysis_cli_matches_service(tiny_runs, seed_path, seed_text, tmp_path, client):
    from typer.testing import CliRunner

    from newsclf.cli import app

    result = CliRunner().invoke(
        app,
        ["analyze", str(seed_path), "--boilerplate", str(tiny_runs["boilerplate"]),
         "--stance", str(tiny_runs["stance"]), "--output", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "panjshir-nrf-2021-09.json"
    assert written.is_file()
    cli = json.loads(written.read_text(encoding="utf-8"))

    http = client.post("/analyze", json={"text": seed_text}).json()
    assert [(s["start"], s["end"], s["label"]) for s in cli["sentences"]] == [
        (s["start"], s["end"], s["label"]) for s in http["sentences"]
    ]
    assert [(q["start"], q["end"], q["stance"]) for q in cli["quotes"]] == [
        (q["start"], q["end"], q["stance"]) for q in http["quotes"]
    ]


def test_analysis_cli_refuses_to_clobber_unless_forced(tiny_runs, seed_path, tmp_path):
    """`newsclf analyze` never overwrites an output without --force, and never writes through a
    symbolic link planted in the output folder (not even with --force)."""
    from typer.testing import CliRunner

    from newsclf.cli import app

    out = tmp_path / "out"
    args = ["analyze", str(seed_path), "--boilerplate", str(tiny_runs["boilerplate"]),
            "--stance", str(tiny_runs["stance"]), "--output", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    written = out / "panjshir-nrf-2021-09.json"
    written.write_text("the user's edits", encoding="utf-8")
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1 and "exists; pass --force" in again.output and "Traceback" not in again.output
    assert written.read_text(encoding="utf-8") == "the user's edits"
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == 0
    assert json.loads(written.read_text(encoding="utf-8"))["sentences"]

    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    written.unlink()
    written.symlink_to(victim)
    for extra in ([], ["--force"]):
        refused = CliRunner().invoke(app, [*args, *extra])
        assert refused.exit_code == 1 and "symbolic link" in refused.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in out.iterdir()) == [written.name]  # no temporary files left


def test_analysis_cli_errors_are_clean(tmp_path, tiny_runs, workdir):
    from typer.testing import CliRunner

    from newsclf.cli import app

    missing = CliRunner().invoke(app, ["analyze", str(tmp_path / "nope.txt"), "--boilerplate",
                                       str(tiny_runs["boilerplate"]), "--stance", str(tiny_runs["stance"])])  # fmt: skip
    assert (
        missing.exit_code == 1
        and "nope.txt" in missing.output
        and "Traceback" not in missing.output
    )
    swapped = CliRunner().invoke(app, ["analyze", str(tmp_path), "--boilerplate", str(tiny_runs["stance"]),
                                       "--stance", str(tiny_runs["stance"])])  # fmt: skip
    assert swapped.exit_code == 1 and "boilerplate" in swapped.output


def test_analysis_cli_promote_prints_tag(tiny_runs, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newsclf.cli import app

    monkeypatch.setattr(
        "newsclf.serving.promote.promote", lambda run, name=None: f"{name or 'newsclf-stance'}:v1"
    )
    result = CliRunner().invoke(app, ["promote", str(tiny_runs["stance"]), "--name", "x"])
    assert result.exit_code == 0 and result.output.strip() == "x:v1"
    monkeypatch.undo()
    bad = CliRunner().invoke(app, ["promote", str(tmp_path)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output

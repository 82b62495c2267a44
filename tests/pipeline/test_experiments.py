"""The train/evaluate/predict/runs/compare commands, end to end through the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsclf.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_experiments_train_prints_run_dir_last(data_env, write_config):
    res = _run("train", write_config("cli"), "--set", "model.C=0.5")
    assert res.exit_code == 0, res.output
    last = res.stdout.strip().splitlines()[-1]
    assert last.startswith(str(data_env / "models" / "boilerplate-cli-"))
    cfg = (data_env / "models" / last.rsplit("/", 1)[1] / "config.yaml").read_text()
    assert "C: 0.5" in cfg


def test_experiments_train_config_error_is_clean(data_env, write_config):
    res = _run("train", write_config("bad", model={"name": "nope"}))
    assert res.exit_code == 1
    assert "unknown model 'nope'" in res.stderr and "Traceback" not in res.output


def test_experiments_predict_texts_and_file(run_copy, tmp_path):
    res = _run("predict", run_copy, "Subscribe to our newsletter", "Officials in Kabul announced measures.")
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert len(lines) == 2 and all(set(x) == {"label", "scores"} for x in lines)
    assert set(lines[0]["scores"]) == {"content", "boilerplate"}
    f = tmp_path / "in.jsonl"
    f.write_text('{"text": "Read more"}\n\n{"text": "Fighters held the valley", "position": 0.5}\n')
    res = _run("predict", run_copy, "--file", f)
    assert res.exit_code == 0 and len(res.stdout.strip().splitlines()) == 2


@pytest.mark.parametrize("content, match", [("not json\n", "line 1"), ('{"txt": "x"}\n', "missing required field 'text'"),
                                            ('[1]\n', "expected a JSON object")])
def test_experiments_predict_bad_file_is_clean(run_copy, tmp_path, content, match):
    f = tmp_path / "bad.jsonl"
    f.write_text(content)
    res = _run("predict", run_copy, "--file", f)
    assert res.exit_code == 1 and match in res.stderr


def test_experiments_predict_tampered_run_refused(run_copy):
    (run_copy / "model.skops").write_bytes(b"evil")
    res = _run("predict", run_copy, "x")
    assert res.exit_code == 1 and "model.skops does not match its sha256" in res.stderr


def test_experiments_evaluate_runs_and_compare(run_copy, data_env, monkeypatch):
    import shutil

    models = data_env / "models"
    models.mkdir()
    a = shutil.copytree(run_copy, models / run_copy.name)
    res = _run("evaluate", a, "--split", "validation")
    assert res.exit_code == 0, res.output
    assert (a / "evaluations").is_dir() and "macro_f1=" in res.stderr
    res = _run("runs")
    assert res.exit_code == 0 and "boilerplate" in res.stdout
    res = _run("runs", "--json")
    assert json.loads(res.stdout.splitlines()[0])["run_id"] == run_copy.name
    for fmt in ("table", "md", "json"):
        res = _run("compare", "--task", "boilerplate", "--format", fmt)
        assert res.exit_code == 0, res.output
    out = data_env / "cmp.html"
    res = _run("compare", a, "--format", "html", "--output", out)
    assert res.exit_code == 0 and "base64" in out.read_text()
    res = _run("compare", "--task", "stance")
    assert res.exit_code == 1 and "give run directories" in res.stderr


def test_experiments_compare_task_uses_newest_test_data(run_copy, data_env):
    import shutil

    models = data_env / "models"
    new = shutil.copytree(run_copy, models / run_copy.name)
    old = models / "boilerplate-old-20200101-000000-00000000"
    shutil.copytree(run_copy, old)
    manifest = json.loads((old / "manifest.json").read_text())
    manifest.update(run_id=old.name, created="2020-01-01T00:00:00+00:00", test_fingerprint="other")
    (old / "manifest.json").write_text(json.dumps(manifest))
    res = _run("compare", "--task", "boilerplate", "--format", "json")
    assert res.exit_code == 0, res.output
    assert [r["run_id"] for r in json.loads(res.stdout)["rows"]] == [new.name]
    assert "1 older runs on other data skipped" in res.stderr
    res = _run("compare", old, new, "--format", "json")
    assert res.exit_code == 1 and "different test data" in res.stderr


def test_experiments_predict_stance_without_target_is_refused(data_env, write_config, tmp_path):
    train_stance = _run("train", write_config("st", task="stance", dataset="syn"), "-q")
    assert train_stance.exit_code == 0, train_stance.output
    path = train_stance.stdout.strip().splitlines()[-1]
    res = _run("predict", path, "We will fight them")
    assert res.exit_code == 1 and "needs a target" in res.stderr and "taliban, nrf" in res.stderr
    f = tmp_path / "q.jsonl"
    f.write_text('{"text": "a", "target": "taliban"}\n{"text": "b"}\n')
    res = _run("predict", path, "--file", f)
    assert res.exit_code == 1 and "record 2" in res.stderr
    res = _run("predict", path, "We will fight them", "--target", "taliban")
    assert res.exit_code == 0 and '"label"' in res.stdout


def test_experiments_extract_refuses_a_model_without_html_blocks(run_copy, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><nav>Home | News</nav><p>The story goes on here in the valley.</p></body></html>")
    res = _run("extract", "--model", run_copy, page)
    assert res.exit_code == 1 and "never on HTML blocks" in res.stderr
    assert "newsclf:configs/boilerplate/default.yaml" in res.stderr

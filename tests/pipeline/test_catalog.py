"""``newsclf runs``: one row per run with what tells runs apart; filters; rm and gc."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from newsclf.cli import app
from newsclf.pipeline.catalog import catalog, differing_params, plan_gc, runs_table

runner = CliRunner()


def _variant(base_run, models, name: str, value: float, created: str, overrides=(), config="cfg/a.yaml"):
    run = shutil.copytree(base_run, models / name)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest.update(run_id=name, created=created, config_path=config, overrides=list(overrides))
    manifest["headline"] = {**manifest["headline"], "value": value}
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run


def test_catalog_rows_show_interval_overrides_and_only_differing_params(base_run, tmp_path):
    models = tmp_path / "models"
    _variant(base_run, models, "boilerplate-a-1", 0.9, "2026-01-01T00:00:00", config="configs/boilerplate/a.yaml")
    b = _variant(base_run, models, "boilerplate-a-2", 0.8, "2026-01-02T00:00:00", ["model.C=0.5"],
                 config="configs/boilerplate/a.yaml")
    cfg = b / "config.yaml"
    cfg.write_text(cfg.read_text().replace("C: 1.0", "C: 0.5"))
    rows = catalog(models)
    assert [r["run_id"] for r in rows] == ["boilerplate-a-1", "boilerplate-a-2"]
    assert rows[1]["overrides"] == ["model.C=0.5"] and rows[0]["interval"] and rows[0]["n"] == 30
    assert differing_params(rows) == ["model.params.C"]
    lay = runs_table(rows)
    assert "dataset syn" in lay["title"] and lay["params"] == [("model.C", ["1", "0.5"])]
    assert any(row[-2] == "30" for row in lay["body"])
    with open(base_run / "manifest.json") as fh:
        fp = json.load(fh)["data_fingerprint"]
    assert f"data {fp[:12]}" in lay["title"]
    assert [r["run_id"] for r in catalog(models, config="a")] == ["boilerplate-a-1", "boilerplate-a-2"]
    assert catalog(models, config="b") == [] and catalog(models, task="stance") == []
    assert len(catalog(models, dataset="syn")) == 2


def test_catalog_gc_keeps_promoted_and_best(base_run, tmp_path):
    models = tmp_path / "models"
    for i, v in enumerate((0.5, 0.9, 0.7, 0.9)):
        _variant(base_run, models, f"boilerplate-x-{i}", v, f"2026-01-0{i + 1}T00:00:00")
    rows = catalog(models)
    kept, removed = plan_gc(rows, keep_best=2, promoted={"boilerplate-x-0"})
    # best 2: both 0.9 runs; promoted: the worst one; gone: 0.7
    assert sorted(r["run_id"] for r in kept) == ["boilerplate-x-0", "boilerplate-x-1", "boilerplate-x-3"]
    assert [r["run_id"] for r in removed] == ["boilerplate-x-2"]


def test_catalog_cli_list_rm_and_gc(base_run, tmp_path, monkeypatch):
    models = tmp_path / "models"
    monkeypatch.setenv("NEWSCLF_MODELS", str(models))
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "bentoml"))
    monkeypatch.setenv("COLUMNS", "200")
    for i, v in enumerate((0.5, 0.9, 0.7)):
        _variant(base_run, models, f"boilerplate-x-{i}", v, f"2026-01-0{i + 1}T00:00:00")
    res = runner.invoke(app, ["runs"])
    assert res.exit_code == 0, res.output
    assert "boilerplate-x-0" in res.stdout and "[" in res.stdout and "w1" in res.stdout
    res = runner.invoke(app, ["runs", "rm", "boilerplate-x-0", "no-such-run"])
    assert res.exit_code == 1 and "not found" in res.stderr and (models / "boilerplate-x-0").is_dir()
    res = runner.invoke(app, ["runs", "rm", "boilerplate-x-0"])
    assert res.exit_code == 0 and not (models / "boilerplate-x-0").exists()
    res = runner.invoke(app, ["runs", "gc", "--keep", "1", "--dry-run"])
    assert res.exit_code == 0 and "remove boilerplate-x-2" in res.stdout and (models / "boilerplate-x-2").is_dir()
    res = runner.invoke(app, ["runs", "gc", "--keep", "1"], input="n\n")
    assert res.exit_code == 1 and (models / "boilerplate-x-2").is_dir()
    res = runner.invoke(app, ["runs", "gc", "--keep", "1", "--yes"])
    assert res.exit_code == 0 and not (models / "boilerplate-x-2").exists() and (models / "boilerplate-x-1").is_dir()

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsclf.errors import IntegrityError, NewsclfError
from newsclf.pipeline.runs import list_runs, load_run
from newsclf.pipeline.train import train

FILES = {"model.skops", "actors.yaml", "config.yaml", "metrics.json", "report.md", "report.html",
         "manifest.json", "MODEL_CARD.md"}


def _entries(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_train_writes_complete_run_directory(base_run):
    run = base_run
    assert run.name.startswith("boilerplate-lr-") and len(run.name.split("-")) == 5
    assert FILES <= {p.name for p in run.iterdir()}
    plots = {p.name for p in (run / "plots").iterdir()}
    assert {"confusion_test.png", "pr_curves.png", "top_features.png"} <= plots
    n_test = json.loads((run / "metrics.json").read_text())["splits"]["test"]["n"]
    assert ("calibration.png" in plots) == (n_test >= 50)  # no calibration curve from a handful of rows
    manifest = json.loads((run / "manifest.json").read_text())
    on_disk = {p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    for key in ("data_fingerprint", "versions", "git_commit", "seed", "timings", "task", "labels", "headline"):
        assert key in manifest
    metrics = json.loads((run / "metrics.json").read_text())
    test = metrics["splits"]["test"]
    assert {"accuracy", "macro_f1", "per_class", "confusion", "intervals"} <= set(test)
    assert test["confusion"]["labels"] == ["content", "boilerplate"]
    assert sum(map(sum, test["confusion"]["matrix"])) == test["n"]
    lo, hi = test["intervals"]["macro_f1"]
    assert lo <= test["macro_f1"] <= hi
    assert len(metrics["predictions"]["test"]["ids"]) == test["n"]
    assert metrics["search"]["method"] == "grid" and "StratifiedGroupKFold(3)" in metrics["search"]["cv"]
    assert "| content |" in (run / "report.md").read_text()
    for key in ("config", "data_fingerprint", "train_size", "timings", "config_path", "overrides"):
        assert key in metrics
    assert {"errors", "adequacy"} <= set(test)
    assert all(e["gold"] != e["pred"] and e["text"] for e in test["errors"])
    conf = [e["confidence"] for e in test["errors"]]
    assert conf == sorted(conf, reverse=True)
    assert [r["run_id"] for r in list_runs(run.parent)] == [run.name]


def test_train_same_seed_same_metrics_and_fingerprint(base_run, data_env, write_config):
    search = {"method": "grid", "cv": 3, "params": {"model__C": [0.1, 10]}}
    again = train(write_config("boilerplate-lr", search=search), output=data_env / "again", n_boot=100)
    ma, mb = (json.loads((r / "metrics.json").read_text()) for r in (base_run, again))
    assert ma["splits"] == mb["splits"] and ma["predictions"] == mb["predictions"]
    fa, fb = (json.loads((r / "manifest.json").read_text()) for r in (base_run, again))
    assert fa["data_fingerprint"] == fb["data_fingerprint"] and fa["test_fingerprint"] == fb["test_fingerprint"]
    assert fa["run_id"].rsplit("-", 1)[1] == fb["run_id"].rsplit("-", 1)[1]  # same config + data hash


def test_train_seed_threads_into_model(data_env, write_config):
    cfg = write_config("sgd", model={"name": "sgd", "params": {"alpha": 0.001}})
    a = train(cfg, output=data_env / "a", n_boot=20)
    c = train(cfg, ["seed=14"], output=data_env / "c", n_boot=20)
    sa, sc = (json.loads((r / "metrics.json").read_text())["predictions"]["test"]["scores"] for r in (a, c))
    assert sa != sc
    assert load_run(a).model.named_steps["model"].random_state == 13


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_train_failure_mid_write_leaves_no_run(data_env, write_config, monkeypatch, exc):
    import newsclf.pipeline.train as train_mod

    def boom(metrics, outdir):
        (outdir / "report.md").write_text("half")
        raise exc

    monkeypatch.setattr(train_mod, "write_report", boom)
    with pytest.raises(type(exc)):
        train(write_config(), n_boot=20)
    assert _entries(data_env / "models") == []


def test_train_refuses_existing_output(data_env, write_config):
    out = data_env / "taken"
    out.mkdir()
    (out / "x").write_text("keep")
    with pytest.raises(NewsclfError, match="already exists"):
        train(write_config(), output=out, n_boot=20)
    assert (out / "x").read_text() == "keep"


@pytest.mark.parametrize("target", ["model.skops", "metrics.json", "plots/confusion_test.png"])
def test_runs_tampered_file_refused_before_loading(run_copy, monkeypatch, target):
    with open(run_copy / target, "ab") as fh:
        fh.write(b"\0")
    import skops.io

    monkeypatch.setattr(skops.io, "loads", lambda *a, **k: pytest.fail("skops loads called on a tampered run"))
    with pytest.raises(IntegrityError, match=target.replace(".", r"\.")):
        load_run(run_copy)


@pytest.mark.parametrize("target", ["report.html", "manifest.json"])
def test_runs_missing_file_refused(run_copy, target):
    (run_copy / target).unlink()
    with pytest.raises(IntegrityError, match=f"{target}.* missing|{target} is missing"):
        load_run(run_copy)


def test_runs_manifest_path_escape_refused(run_copy):
    manifest = json.loads((run_copy / "manifest.json").read_text())
    manifest["files"]["../../etc/passwd"] = "0" * 64
    (run_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="outside the run directory"):
        load_run(run_copy)


def test_train_handles_class_missing_from_splits(data_env, write_config):
    run = train(write_config("nofav", task="stance", dataset="nofavor",
                             features=[{"name": "word_tfidf"}, {"name": "target_word_tfidf"}]), n_boot=20)
    loaded = load_run(run)
    assert loaded.labels == ["favor", "against", "none"]
    metrics = loaded.metrics
    assert metrics["splits"]["test"]["per_class"]["favor"]["support"] == 0
    assert "f_avg" in metrics["splits"]["test"]
    assert any("favor" in n for n in metrics["notes"])
    from newsclf.pipeline.predict import predict_records

    out = predict_records(loaded.model, "stance", [{"text": "we will fight the terrorists", "target": "taliban"}])
    assert set(out[0]["scores"]) == {"favor", "against", "none"} and out[0]["scores"]["favor"] == 0.0
    assert abs(sum(out[0]["scores"].values()) - 1) < 1e-4


def test_train_single_class_is_a_clear_error(data_env, syn_data_dir, write_config, monkeypatch):
    import datasets

    dd = datasets.load_from_disk(str(syn_data_dir / "syn" / "boilerplate"))
    dd.filter(lambda r: r["label"] == 0).save_to_disk(str(data_env / "one" / "boilerplate"))
    monkeypatch.setenv("NEWSCLF_DATA", str(data_env))
    with pytest.raises(NewsclfError, match="only class"):
        train(write_config(dataset="one"), n_boot=20)
    assert _entries(data_env / "models") == []


def test_train_missing_dataset_says_how_to_build(data_env, write_config):
    with pytest.raises(NewsclfError, match="data build"):
        train(write_config(dataset="absent"))


def test_train_evaluate_run_writes_new_report(run_copy, data_env):
    from newsclf.pipeline.evaluate import evaluate_run

    out = evaluate_run(run_copy, split="validation", n_boot=20)
    assert out.parent == run_copy / "evaluations"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["eval_split"] == "validation" and metrics["splits"]["validation"]["n"] > 0
    assert (out / "report.html").is_file()
    load_run(run_copy)  # the run itself stays intact
    assert os.environ["NEWSCLF_DATA"]


def test_train_scores_every_extra_split(workdir, write_config, monkeypatch):
    """Extra splits a dataset carries (e.g. ``dev_mt``) are evaluated and reported beside test."""
    import json

    from newsclf.pipeline.synthetic import make_dataset
    from newsclf.pipeline.train import eval_split_names, train

    dd = make_dataset("stance", 150, seed=5)
    dd["dev_mt"] = dd["test"]
    dd.save_to_disk(str(workdir / "data" / "extra" / "stance"))
    monkeypatch.setenv("NEWSCLF_DATA", str(workdir / "data"))
    cfg = write_config("extra", task="stance", dataset="extra")
    run = train(cfg, n_boot=50)
    metrics = json.loads((run / "metrics.json").read_text())
    assert list(metrics["splits"]) == ["validation", "test", "dev_mt"]
    assert metrics["eval_split"] == "test"
    assert "dev_mt" in (run / "report.md").read_text()
    assert eval_split_names(["dev_mt", "train", "test"]) == ["test", "dev_mt"]


def test_train_into_a_busy_output_fails_at_once(data_env, write_config, monkeypatch):
    """A second `newsclf train` into an --output another process is training into stops before
    loading any data, with one line naming the output and the holder."""
    import subprocess
    import sys
    import time

    from typer.testing import CliRunner

    from newsclf.cli import app

    out = data_env / "models" / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from newsclf.pipeline.runs import claim_output\n"
         f"with claim_output(Path({str(out)!r})):\n    print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        import newsclf.pipeline.train as train_mod

        loaded = []
        with monkeypatch.context() as mp:
            mp.setattr(train_mod, "load_dataset", lambda *a, **k: loaded.append(a) or 1 / 0)
            t = time.perf_counter()
            result = CliRunner().invoke(app, ["train", str(write_config()), "--output", str(out)])
        assert time.perf_counter() - t < 5 and not loaded
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"run directory {out} is in use by another newsclf process (pid {holder.pid})" in result.output
    finally:
        holder.kill()
        holder.wait(10)
    assert train(write_config(), output=out, n_boot=20) == out  # free again once the holder died


def test_train_removes_partial_runs_of_dead_processes(data_env, write_config):
    import signal
    import subprocess
    import sys

    models = data_env / "models"
    models.mkdir(parents=True, exist_ok=True)
    code = ("import time\nfrom pathlib import Path\nfrom newsclf.staging import staging_dir\n"
            f"with staging_dir(Path({str(models)!r}), 'r', 'partial') as d:\n"
            "    (d / 'model.skops').write_bytes(b'x' * 10000); print('ready', flush=True); time.sleep(60)")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    dead, live = procs
    dead.send_signal(signal.SIGKILL)
    dead.wait(10)
    legacy = models / ".old-run.ab12cd34.partial"  # an older newsclf's staged run (no pid, no lock)
    legacy.mkdir()
    os.utime(legacy, (1, 1))
    try:
        run = train(write_config(), n_boot=20)
        left = sorted(p.name for p in models.iterdir() if p.name.startswith("."))
        assert left == [n for n in left if f".{live.pid}-" in n] and len(left) == 2  # its dir + lock
    finally:
        live.kill()
        live.wait(10)
    assert run.is_dir() and not list(run.glob(".*"))

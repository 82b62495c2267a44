"""Where jobs run and what workers get: verified model bytes, the client's versions, no pickles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsclf.batch import InProcess, analyze_batch, model_payload, open_executor
from newsclf.batch.analyze import load_context
from newsclf.batch.cluster import (
    JobContext,
    WorkerSetupError,
    context,
    install,
    uninstall,
    versions,
)
from newsclf.errors import LegacyModelError, NewsclfError, UnsafeModelError
from payload import craft_run


def test_cluster_open_executor_choices():
    assert isinstance(open_executor(), InProcess)
    with pytest.raises(NewsclfError, match="not both"):
        open_executor("tcp://127.0.0.1:1", 2)


def test_cluster_a_worker_with_other_versions_is_refused():
    ctx = JobContext("analyze", "k" * 64, {"versions": {**versions(), "scikit-learn": "0.1"}})
    install(ctx)
    try:
        with pytest.raises(WorkerSetupError, match=r"scikit-learn .* here, 0.1 on the client"):
            context(ctx.key)
    finally:
        uninstall(ctx.key)


@pytest.mark.parametrize("kind, error", [("skops", UnsafeModelError), ("joblib", LegacyModelError)])
def test_cluster_crafted_models_never_reach_a_worker(tmp_path, runs, kind, error):
    """A run whose manifest matches a crafted model file is refused by the client, unopened."""
    marker = tmp_path / "marker"
    crafted = craft_run(Path(shutil.copytree(runs["stance"], tmp_path / "stance")), kind, marker)
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    with pytest.raises(error):
        analyze_batch([tmp_path / "a.txt"], tmp_path / "out", boilerplate=runs["boilerplate"], stance=crafted,
                      attribution="rules")
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_cluster_workers_load_models_with_the_safe_loader(tmp_path, runs, models):
    """Bytes that got past the client anyway are checked again where they are loaded."""
    marker = tmp_path / "marker"
    crafted = craft_run(Path(shutil.copytree(runs["stance"], tmp_path / "stance")), "skops", marker)
    data = (crafted / "model.skops").read_bytes()
    import hashlib

    payload = {**models.payload, "models": {**models.payload["models"], "stance": data},
               "sha256": {**models.payload["sha256"], "stance": hashlib.sha256(data).hexdigest()}}
    with pytest.raises(WorkerSetupError, match="does not trust"):
        load_context(payload)
    damaged = {**models.payload, "models": {**models.payload["models"], "stance": data}}
    with pytest.raises(WorkerSetupError, match="damaged"):
        load_context(damaged)
    assert not marker.exists()


def test_cluster_model_payload_describes_the_runs(runs, models):
    again = model_payload(runs["boilerplate"], runs["stance"], attribution="rules")
    assert again.description == models.description
    assert set(models.description["models"]) == {"boilerplate", "stance"}
    assert models.payload["models"]["attribution"] is None

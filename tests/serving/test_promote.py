"""Promotion into a model store (newsclf.serving.promote) and loading back (newsclf.serving.models)."""

from __future__ import annotations

import shutil

import pytest

from newsclf.errors import IntegrityError, NewsclfError
from newsclf.serving.bento_internals import store_kwargs
from newsclf.serving.models import load_run_dir, load_stored
from newsclf.serving.promote import promote


def test_promote_saves_run_with_labels_and_metadata(tiny_runs, tmp_path):
    import bentoml

    store = tmp_path / "store"
    tag = promote(tiny_runs["stance"], store=store)
    assert tag.startswith("newsclf-stance:")
    loaded = load_stored("newsclf-stance:latest", store=store)
    assert loaded.task == "stance"
    assert loaded.tag == tag
    assert loaded.labels == ["favor", "against", "none"]
    run = load_run_dir(tiny_runs["stance"])
    assert loaded.run_id == run.run_id and loaded.data_fingerprint == run.data_fingerprint
    stored = bentoml.models.get(
        tag, **store_kwargs(store)
    )
    labels = stored.info.labels
    assert labels["run_id"] == run.run_id
    assert labels["task"] == "stance"
    assert labels["data_fingerprint"] == run.data_fingerprint
    assert "macro_f1" in labels
    assert stored.info.metadata["metrics"]["macro_f1"] == pytest.approx(run.metrics["macro_f1"])


def test_promote_custom_name_and_default_by_task(tiny_runs, tmp_path):
    store = tmp_path / "store"
    assert promote(tiny_runs["boilerplate"], store=store).startswith("newsclf-boilerplate:")
    assert promote(tiny_runs["boilerplate"], name="bp-exp.1", store=store).startswith("bp-exp.1:")


@pytest.mark.parametrize("name", ["Upper", "-dash", "a b", "x" * 70, ""])
def test_promote_rejects_bad_names(tiny_runs, tmp_path, name):
    with pytest.raises(NewsclfError, match="not valid"):
        promote(tiny_runs["stance"], name=name or " ", store=tmp_path / "store")


def test_promote_refuses_tampered_run(tiny_runs, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_runs["stance"], run)
    with (run / "model.skops").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(IntegrityError, match="model.skops"):
        promote(run, store=tmp_path / "store")
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("model.skops"))


def test_promote_refuses_non_run(tmp_path):
    with pytest.raises(NewsclfError):
        promote(tmp_path, store=tmp_path / "store")


def test_promote_stored_copy_is_verified_on_load(tiny_runs, tmp_path):
    import bentoml

    store = tmp_path / "store"
    tag = promote(tiny_runs["boilerplate"], store=store)
    path = bentoml.models.get(tag, **store_kwargs(store)).path
    with open(f"{path}/metrics.json", "a", encoding="utf-8") as fh:
        fh.write(" ")
    with pytest.raises(IntegrityError, match="metrics.json"):
        load_stored(tag, store=store)


def test_promote_missing_model_names_the_fix(tmp_path):
    with pytest.raises(NewsclfError, match="newsclf promote"):
        load_stored("newsclf-stance:latest", store=tmp_path / "empty")

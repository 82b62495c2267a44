"""Fixtures for pipeline tests: tiny synthetic DatasetDicts on disk and config writers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml


@pytest.fixture(scope="session")
def syn_data_dir(tmp_path_factory) -> Path:
    """A data dir with ``syn/boilerplate``, ``syn/stance`` and ``nofavor/stance`` (no favor rows)."""
    from newsclf.pipeline.synthetic import make_dataset, save_dataset

    root = tmp_path_factory.mktemp("data")
    save_dataset("syn", "boilerplate", 160, seed=1, data_dir=root)
    save_dataset("syn", "stance", 150, seed=2, data_dir=root)
    dd = make_dataset("stance", 150, seed=3)
    label = dd["train"].features["label"]
    dd = dd.filter(lambda r: r["label"] != label.str2int("favor"))
    dd.save_to_disk(str(root / "nofavor" / "stance"))
    return root


@pytest.fixture
def data_env(workdir, syn_data_dir, monkeypatch) -> Path:
    """``workdir`` whose NEWSCLF_DATA points at the synthetic datasets."""
    monkeypatch.setenv("NEWSCLF_DATA", str(syn_data_dir))
    return workdir


BASE = {
    "task": "boilerplate",
    "dataset": "syn",
    "seed": 13,
    "features": [{"name": "word_tfidf", "params": {"ngram_range": [1, 2]}}],
    "model": {"name": "logreg", "params": {"C": 1.0, "class_weight": "balanced"}},
}


@pytest.fixture
def write_config(tmp_path):
    """``write_config(name, **changes)`` -> path of a YAML config (``BASE`` updated by changes)."""

    def write(name: str = "exp", text: str | None = None, **changes) -> Path:
        path = tmp_path / f"{name}.yaml"
        if text is None:
            text = yaml.safe_dump({**BASE, **changes}, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def base_run(tmp_path_factory, syn_data_dir) -> Path:
    """One trained run (BASE config + grid search), shared read-only; copy it before changing it."""
    from newsclf.pipeline.train import train

    root = tmp_path_factory.mktemp("base")
    cfg = root / "boilerplate-lr.yaml"
    search = {"method": "grid", "cv": 3, "params": {"model__C": [0.1, 10]}}
    cfg.write_text(yaml.safe_dump({**BASE, "search": search}, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_DATA", str(syn_data_dir))
        mp.setenv("NEWSCLF_MODELS", str(root / "models"))
        return train(cfg, n_boot=100)


@pytest.fixture
def run_copy(base_run, tmp_path) -> Path:
    """A private copy of ``base_run``."""
    import shutil

    return Path(shutil.copytree(base_run, tmp_path / "runcopy" / base_run.name))


@pytest.fixture(scope="session")
def frames(syn_data_dir):
    """(X_train, y_train, groups_train, X_test, y_test) of the synthetic boilerplate dataset."""
    import datasets

    from newsclf.pipeline.data import split_data

    dd = datasets.load_from_disk(str(syn_data_dir / "syn" / "boilerplate"))
    tr, te = split_data(dd["train"], "boilerplate", "train"), split_data(dd["test"], "boilerplate", "test")
    return tr.X, tr.y, tr.groups, te.X, te.y

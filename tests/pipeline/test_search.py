from __future__ import annotations

import warnings

import numpy as np
import pytest

from newsclf.pipeline.assemble import build_pipeline
from newsclf.pipeline.config import SearchConfig, validate_config
from newsclf.pipeline.search import make_cv, run_search


@pytest.mark.parametrize(
    "groups, expect",
    [
        ([f"g{i % 8}" for i in range(40)], "StratifiedGroupKFold(5)"),
        ([f"g{i % 3}" for i in range(40)], "StratifiedGroupKFold(3)"),
        (["one"] * 40, "StratifiedKFold(5)"),
        (None, "StratifiedKFold(5)"),
    ],
)
def test_search_make_cv_degrades_gracefully(groups, expect):
    y = ["a", "b"] * 20
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cv, note = make_cv(y, groups, 5, seed=1)
    assert note.startswith(expect)
    assert bool(caught) == (expect != "StratifiedGroupKFold(5)")
    X = np.zeros((40, 1))
    fit_groups = groups if expect.startswith("StratifiedGroupKFold") else None
    for train, test in cv.split(X, y, fit_groups):
        if groups and len(set(groups)) > 1:
            assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_search_make_cv_tiny_classes_use_kfold():
    with pytest.warns(UserWarning, match="folds split rows"):
        cv, note = make_cv(["a"] * 9 + ["b"], None, 5, seed=0)
    assert note.startswith("KFold(5)")


def _pipe(seed=13):
    return build_pipeline(validate_config({"task": "boilerplate", "dataset": "x", "seed": seed,
                                           "features": [{"name": "word_tfidf"}], "model": {"name": "logreg"}}))


@pytest.mark.parametrize(
    "spec",
    [
        {"method": "random", "cv": 3, "n_iter": 3,
         "params": {"model__C": {"distribution": "loguniform", "low": 0.01, "high": 10}}},
        {"method": "halving", "cv": 3, "params": {"model__C": [0.1, 10]}},
    ],
)
def test_search_methods_pick_a_candidate(frames, spec):
    Xtr, ytr, groups, *_ = frames
    model, result = run_search(_pipe(), SearchConfig(**spec), Xtr, ytr, groups, seed=13)
    assert result["method"] == spec["method"] and "model__C" in result["best_params"]
    assert model.named_steps["model"].C == pytest.approx(result["best_params"]["model__C"])
    if spec["method"] == "random":
        _, again = run_search(_pipe(), SearchConfig(**spec), Xtr, ytr, groups, seed=13)
        assert again["best_params"] == result["best_params"]  # seeded


@pytest.mark.slow
def test_search_dask_backend_on_local_cluster(frames):
    distributed = pytest.importorskip("distributed")
    Xtr, ytr, groups, *_ = frames
    spec = {"method": "grid", "cv": 3, "params": {"model__C": [0.1, 10]}}
    _, local = run_search(_pipe(), SearchConfig(**spec), Xtr, ytr, groups, seed=13)
    spec["n_jobs"] = -1
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        cfg = SearchConfig(**spec, backend="dask", scheduler=cluster.scheduler_address)
        _, remote = run_search(_pipe(), cfg, Xtr, ytr, groups, seed=13)
    assert remote["best_params"] == local["best_params"]
    assert remote["best_score"] == pytest.approx(local["best_score"])


@pytest.mark.slow
def test_search_dask_bad_scheduler_is_a_clear_error(frames):
    pytest.importorskip("distributed")
    from newsclf.errors import NewsclfError

    Xtr, ytr, groups, *_ = frames
    cfg = SearchConfig(method="grid", cv=2, params={"model__C": [1]}, backend="dask", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(NewsclfError, match="cannot connect"):
        run_search(_pipe(), cfg, Xtr, ytr, groups, seed=1)


def test_search_halving_on_tiny_data_falls_back_to_grid(frames):
    Xtr, ytr, groups, *_ = frames
    spec = SearchConfig(method="halving", cv=2, params={"model__C": [0.1, 10]})
    _, result = run_search(_pipe(), spec, Xtr.head(20), ytr[:20], groups[:20], seed=1)
    assert "plain grid instead" in result["cv"] and len(result["candidates"]) == 2

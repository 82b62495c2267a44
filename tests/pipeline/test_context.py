"""Context rows (label -1): featurized with their page, weight 0 in training, never scored."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.errors import ConfigError
from newsclf.pipeline.context import check_context_fit, fit_with_context


def _context_dataset(path, seed: int = 4):
    """A synthetic boilerplate DatasetDict where every fourth row of each split is a context row."""
    from newsclf.pipeline.synthetic import make_dataset

    dd = make_dataset("boilerplate", 200, seed=seed)

    def hide(row, i):
        return {"label": -1 if i % 4 == 3 else row["label"]}

    dd = dd.map(hide, with_indices=True)
    dd.save_to_disk(str(path))
    return dd


def test_context_split_data_marks_context_rows(tmp_path):
    from newsclf.pipeline.data import class_counts, split_data

    dd = _context_dataset(tmp_path / "ctx")
    data = split_data(dd["train"], "boilerplate", "train")
    n = len(dd["train"])
    assert len(data) == n and data.n_labelled == n - len(range(3, n, 4))
    assert [lab is None for lab in data.y] == [i % 4 == 3 for i in range(n)]
    assert sum(class_counts(data.y, ("content", "boilerplate")).values()) == data.n_labelled


def test_context_rows_have_no_weight_in_the_fit(tmp_path):
    """The estimator is fitted on the labelled rows of features computed over whole pages."""
    from newsclf.pipeline.data import split_data
    from newsclf.pipeline.features.blocks import BlockStats

    data = split_data(_context_dataset(tmp_path / "ctx")["train"], "boilerplate", "train")
    pipe = Pipeline([("features", FeatureUnion([("block_stats", BlockStats(window=1))])),
                     ("model", LogisticRegression(max_iter=2000))])
    fit_with_context(pipe, data.X, data.y)
    keep = data.labelled
    Z = BlockStats(window=1).fit_transform(data.X)
    ref = LogisticRegression(max_iter=2000).fit(Z[keep], np.asarray(data.y, dtype=object)[keep])
    np.testing.assert_allclose(pipe.named_steps["model"].coef_, ref.coef_, rtol=1e-3, atol=1e-4)
    # ... and differs from a fit on gappy pages (context rows dropped before featurizing)
    gappy = BlockStats(window=1).fit_transform(data.X[keep].reset_index(drop=True))
    assert not np.allclose(Z[keep], gappy)


class _NeedsLabels(TransformerMixin, BaseEstimator):
    def fit(self, X, y):
        return self

    def transform(self, X):
        return np.zeros((len(X), 1))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


@pytest.mark.parametrize("name", ["custom", "text_proba", "block_proba", "block_stats"])
def test_context_fit_refuses_featurizers_that_learn_from_labels(name):
    from newsclf.pipeline.components import load_components
    from newsclf.pipeline.registry import featurizers

    load_components()
    featurizer = _NeedsLabels() if name == "custom" else featurizers.create(name)
    pipe = Pipeline([("features", FeatureUnion([(name, featurizer)])), ("model", LogisticRegression())])
    if name in ("block_stats", "text_proba"):  # learns nothing from labels / fits on the labelled rows only
        check_context_fit(pipe, 3)
        return
    with pytest.raises(ConfigError, match=f"features '{name}' learns from labels.* 3 context rows"):
        check_context_fit(pipe, 3)


def test_context_train_scores_labelled_rows_only(workdir, write_config, monkeypatch):
    from newsclf.pipeline.train import train

    dd = _context_dataset(workdir / "data" / "ctx" / "boilerplate")
    monkeypatch.setenv("NEWSCLF_DATA", str(workdir / "data"))
    cfg = write_config("ctx", dataset="ctx", features=[{"name": "block_stats", "params": {"window": 1}}],
                       model={"name": "logreg", "params": {"C": 1.0}})
    run = train(cfg, n_boot=50)
    metrics = json.loads((run / "metrics.json").read_text())
    n_test = len(dd["test"])
    n_context = len(range(3, n_test, 4))
    assert metrics["splits"]["test"]["context_rows"] == n_context
    assert len(metrics["predictions"]["test"]["gold"]) == n_test - n_context
    assert None not in metrics["predictions"]["test"]["gold"]
    assert sum(metrics["train_counts"].values()) == len(dd["train"]) - len(range(3, len(dd["train"]), 4))

    searched = write_config("ctx-search", dataset="ctx", search={"method": "grid", "cv": 2,
                                                                 "params": {"model__C": [0.1, 1.0]}})
    with pytest.raises(ConfigError, match="context rows .* search.method: none"):
        train(searched, n_boot=50)


def test_context_fit_text_proba_learns_from_labelled_rows_and_featurizes_context_rows():
    import pandas as pd

    from newsclf.pipeline.context import fit_with_context
    from newsclf.pipeline.features.blocks import TextProba

    texts = ["Sign up for our newsletter", "Share this story", "The minister said the talks failed.",
             "Officials met on Monday to discuss the plan.", "Read more stories", "unlabelled line here"] * 4
    labels = ["boilerplate", "boilerplate", "content", "content", "boilerplate", None] * 4
    X = pd.DataFrame({"text": texts, "group": [f"g{i // 6}" for i in range(len(texts))],
                      "position": [(i % 6) / 5 for i in range(len(texts))]})
    pipe = Pipeline([("features", FeatureUnion([("tp", TextProba(window=1, dom=False, cv=2))])),
                     ("model", LogisticRegression())])
    fit_with_context(pipe, X, labels)
    tp = pipe.named_steps["features"].transformer_list[0][1]
    assert sorted(tp.model_.classes_) == ["boilerplate", "content"]  # None never became a class
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(texts), 2) and np.isfinite(proba).all()

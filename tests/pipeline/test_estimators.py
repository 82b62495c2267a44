from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from newsclf.pipeline.assemble import build_pipeline
from newsclf.pipeline.config import validate_config
from newsclf.pipeline.predict import predict_frame

MODELS = {
    "logreg": {},
    "linear_svm": {"class_weight": "balanced"},
    "sgd": {},
    "complement_nb": {},
    "random_forest": {"n_estimators": 20},
    "hist_gradient_boosting": {"max_iter": 20},
}


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("feature", ["word_tfidf", "hashing"])
def test_estimators_fit_clone_pickle_and_score(frames, model, feature):
    Xtr, ytr, _, Xte, yte = frames
    params = {"n_features": 2**12} if feature == "hashing" else {}
    cfg = validate_config({"task": "boilerplate", "dataset": "x", "features": [{"name": feature, "params": params}],
                           "model": {"name": model, "params": MODELS[model]}})
    pipe = build_pipeline(cfg).fit(Xtr, ytr)
    pred, scores = predict_frame(pipe, Xte, ["content", "boilerplate"])
    assert scores.shape == (len(yte), 2) and np.allclose(scores.sum(axis=1), 1)
    assert np.mean(np.asarray(pred) == np.asarray(yte)) > 0.7
    clone(pipe)
    again = pickle.loads(pickle.dumps(pipe))
    assert np.allclose(predict_frame(again, Xte, ["content", "boilerplate"])[1], scores)


def test_estimators_linear_svm_without_calibration_folds():
    from newsclf.pipeline.estimators import CalibratedLinearSVC

    X = np.array([[0.0, 1], [1, 0], [0, 2], [2, 0], [1, 1]])
    y = np.array(["a", "b", "a", "b", "c"])  # class c has one example: no calibration folds
    est = CalibratedLinearSVC().fit(X, y)
    assert not est.calibrated_
    proba = est.predict_proba(X)
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1)


def test_estimators_dense_guard_names_the_fix(monkeypatch, frames):
    import newsclf.pipeline.estimators as est_mod

    monkeypatch.setattr(est_mod, "MAX_DENSE_CELLS", 10)
    Xtr, ytr, *_ = frames
    cfg = validate_config({"task": "boilerplate", "dataset": "x", "features": [{"name": "word_tfidf"}],
                           "model": {"name": "hist_gradient_boosting"}})
    with pytest.raises(ValueError, match="max_features"):
        build_pipeline(cfg).fit(Xtr, ytr)


def test_estimators_seed_becomes_random_state():
    cfg = validate_config({"task": "stance", "dataset": "x", "seed": 99, "features": [{"name": "word_tfidf"}],
                           "model": {"name": "random_forest"}})
    assert build_pipeline(cfg).named_steps["model"].random_state == 99


def test_estimators_column_major_weights_keep_predictions():
    """Column-major weights (no copy in sparse X @ W.T) change no prediction."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    from newsclf.pipeline.estimators import column_major_weights

    rng = np.random.default_rng(0)
    X = sp.random(60, 40, density=0.2, random_state=0, format="csr")
    y = rng.integers(0, 3, 60)
    for est in (LogisticRegression(max_iter=500), ComplementNB()):
        before = est.fit(X, y).predict_proba(X)
        column_major_weights(est)
        w = getattr(est, "coef_", None) if isinstance(est, LogisticRegression) else est.feature_log_prob_
        assert w.T.flags["C_CONTIGUOUS"]
        np.testing.assert_allclose(est.predict_proba(X), before)

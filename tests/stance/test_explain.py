"""Per-decision explanations of linear stance models."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.pipeline.explain import top_features
from newsclf.pipeline.features.stance import StanceTfidf

ACTORS = {"taliban": ["Taliban"], "nrf": ["NRF"]}
ROWS = [
    ("The Taliban killed civilians.", "taliban", "against"),
    ("The Taliban brought peace.", "taliban", "favor"),
    ("The Taliban met officials.", "taliban", "none"),
    ("The NRF killed civilians.", "nrf", "against"),
    ("The NRF brought peace.", "nrf", "favor"),
    ("The NRF met officials.", "nrf", "none"),
]


def data():
    X = pd.DataFrame([{"text": t, "target": g, "speaker": "", "side": "", "group": str(i)} for i, (t, g, _) in enumerate(ROWS)])
    return X, [lab for *_, lab in ROWS]


@pytest.mark.parametrize(
    "model",
    [LogisticRegression(C=10, max_iter=1000), SGDClassifier(random_state=0), ComplementNB()],
)
def test_explain_top_features_linear(model):
    X, y = data()
    pipe = Pipeline([("features", FeatureUnion([("w", StanceTfidf(min_df=1, actors=ACTORS))])), ("model", model)]).fit(X, y)
    out = top_features(pipe, X, k=3)
    assert len(out) == len(X)
    assert all(len(r) <= 3 for r in out)
    assert any(out)
    for r in out:
        assert [v for _, v in r] == sorted((v for _, v in r), reverse=True)
        assert all(name.startswith("w__") and v > 0 for name, v in r)
    killed = dict(out[0])
    if isinstance(model, LogisticRegression):
        assert "w__killed" in killed or "w__killed civilians" in killed


def test_explain_top_features_nonlinear_is_empty():
    X, y = data()
    pipe = Pipeline([("features", StanceTfidf(min_df=1, actors=ACTORS)), ("model", RandomForestClassifier(n_estimators=3, random_state=0))]).fit(X, y)
    assert top_features(pipe, X) == [[] for _ in range(len(X))]


def test_explain_top_features_relation_gate():
    from newsclf.pipeline.features.stance import RelationGate, StanceRelation

    X, y = data()
    feats = FeatureUnion([("w", StanceTfidf(min_df=1, actors=ACTORS)), ("rel", StanceRelation(actors=ACTORS))])
    pipe = Pipeline([("features", feats), ("model", RelationGate(base_params={"C": 10.0}))]).fit(X, y)
    out = top_features(pipe, X, k=2)
    assert len(out) == len(X) and any(out)
    assert pipe.named_steps["model"].coef_.shape[0] == 3

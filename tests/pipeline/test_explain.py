from __future__ import annotations

from newsclf.pipeline.assemble import build_pipeline
from newsclf.pipeline.config import validate_config
from newsclf.pipeline.explain import top_features


def _fit(model, frames):
    Xtr, ytr, *_ = frames
    cfg = validate_config({"task": "boilerplate", "dataset": "x", "features": [{"name": "word_tfidf"}],
                           "model": {"name": model, "params": {"n_estimators": 5} if model == "random_forest" else {}}})
    return build_pipeline(cfg).fit(Xtr, ytr)


def test_explain_linear_model_names_words(frames):
    model = _fit("logreg", frames)
    X = frames[3].head(5)
    rows = top_features(model, X, k=3)
    assert len(rows) == 5 and any(rows)
    for row, text in zip(rows, X["text"], strict=True):
        assert len(row) <= 3
        for name, weight in row:
            assert name.startswith("word_tfidf__") and name.split("__", 1)[1] in text.lower() and weight > 0


def test_explain_nonlinear_model_gives_empty_lists(frames):
    assert top_features(_fit("random_forest", frames), frames[3].head(2)) == [[], []]

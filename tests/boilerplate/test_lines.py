"""Line features of plain-text units and the mode router (HTML and text rows to their own models)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.pipeline.features.blocks import BlockStats
from newsclf.pipeline.features.lines import (
    LINE_NAMES,
    UNIT_NAMES,
    LineStats,
    line_stat_names,
    line_unit_matrix,
)
from newsclf.pipeline.registry import estimators, featurizers
from newsclf.pipeline.router import ModeRouter, binned_raw_predict
from newsclf.tasks import to_frame

ARTICLE = [
    ("Talks resume in Doha", "line"),
    ("By Jane Doe", "line"),
    ("Published 10:30 am, May 3, 2021", "line"),
    ("KABUL (AP) — Negotiators met again on Monday in the Qatari capital to discuss a plan.", "p"),
    ("They said the talks were useful, and both sides would meet again within days.", "p"),
    ("Photo: John Smith / Getty Images", "line"),
    ("“We will not give up,” he said.", "line"),
    ("ALSO READ: Ceasefire talks stall", "line"),
    ("Officials expect a statement later this week, the spokesman added on Monday.", "p"),
    ("Talks resume in Doha", "line"),
    ("Subscribe to our newsletter", "line"),
]


def _rows(group="a", units=ARTICLE):
    n = len(units)
    return [{"text": t, "group": group, "position": i / (n - 1), "tag": tag} for i, (t, tag) in enumerate(units)]


def _col(name: str) -> int:
    return LINE_NAMES.index(name)


def test_lines_unit_patterns():
    m = line_unit_matrix([t for t, _ in ARTICLE], [tag == "line" for _, tag in ARTICLE])
    get = {name: m[:, i] for i, name in enumerate(UNIT_NAMES)}
    assert get["byline"][1] == 1 and get["byline"][6] == 0
    assert get["has_time"][2] == 1 and get["has_date"][2] == 1 and get["updated"][2] == 1
    assert get["agency"][3] == 1 and get["credit"][5] == 1 and get["prompt"][7] >= 1 and get["prompt"][10] >= 1
    assert get["starts_quote"][6] == 1 and get["ends_terminal"][3] == 1 and get["ends_terminal"][0] == 0
    assert get["is_line"][0] == 1 and get["is_line"][3] == 0


def test_lines_document_features_see_repetition_and_prose_span():
    X = to_frame("boilerplate", _rows())
    F = LineStats().fit_transform(X)
    assert F.shape == (len(ARTICLE), len(line_stat_names(2)))
    assert (F[:, _col("is_text")] == 1).all()
    assert F[9, _col("repeat_earlier")] == 1 and F[0, _col("repeat_earlier")] == 0 and F[0, _col("copies")] == 1
    assert F[9, _col("sim_first")] == 1.0  # the headline repeated further down
    assert F[1, _col("before_prose")] == 1 and F[10, _col("after_prose")] == 1 and F[4, _col("in_prose_span")] == 1
    assert F[1, _col("rel_len")] < 0 < F[3, _col("rel_len")] + 1  # a byline is far shorter than the prose


def test_lines_html_rows_are_zeros_and_windows_stay_in_documents():
    rows = _rows("a") + _rows("b")
    html = [{"text": "Home", "group": "p", "position": 0.0, "tag_path": "html/body/nav/li", "tag": "li"}]
    X = to_frame("boilerplate", rows + html)
    F = LineStats(window=1).fit_transform(X)
    assert (F[-1] == 0).all()  # HTML block: is_text 0 and nothing else
    prev_present = line_stat_names(1).index("line-1_present")
    assert F[0, prev_present] == 0 and F[len(ARTICLE), prev_present] == 0 and F[1, prev_present] == 1


def test_lines_contract_clone_pickle_registry():
    est = featurizers.create("line_stats", window=1)
    assert isinstance(est, LineStats) and clone(est).get_params() == {"window": 1, "mean_window": 3}
    X = to_frame("boilerplate", _rows())
    out = est.fit_transform(X)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).transform(X), out)
    assert len(est.get_feature_names_out()) == out.shape[1]


def _mixed_data():
    rng = np.random.default_rng(0)
    rows, y = [], []
    for g in range(6):
        for i, (t, _tag) in enumerate(ARTICLE):
            rows.append({"text": t, "group": f"t{g}", "position": i / 10, "tag": _tag})
            y.append("boilerplate" if i in (1, 2, 5, 7, 9, 10) else "content")
        for i in range(8):
            content = i % 2 == 0
            rows.append({"text": ("The minister said the talks resumed on Monday after a pause." if content
                                  else "Share"), "group": f"h{g}", "position": i / 7,
                         "tag_path": "html/body/article/p" if content else "html/body/nav/li",
                         "link_density": float(not content) * rng.uniform(0.8, 1.0), "tag": "p" if content else "li"})
            y.append("content" if content else "boilerplate")
    return to_frame("boilerplate", rows), np.asarray(y)


def test_router_fits_one_model_per_kind_and_predicts_both():
    X, y = _mixed_data()
    pipe = Pipeline([("features", FeatureUnion([("lines", LineStats()), ("blocks", BlockStats())])),
                     ("model", estimators.create("mode_router", text={"name": "hist_gradient_boosting",
                                                                      "params": {"max_iter": 20}}))])
    pipe.fit(X, y)
    router = pipe.named_steps["model"]
    assert router.html_estimator_ is not None and router.text_estimator_ is not None
    assert router.text_estimator_.max_iter == 20
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert (pipe.predict(X) == y).mean() > 0.9
    again = pickle.loads(pickle.dumps(pipe)).predict_proba(X)
    np.testing.assert_allclose(again, proba)


def test_router_binned_walk_equals_predict_proba():
    X, y = _mixed_data()
    F = np.hstack([LineStats().fit_transform(X), BlockStats().fit_transform(X)])
    hgb = estimators.create("hist_gradient_boosting", max_iter=30).fit(F, y)
    raw = binned_raw_predict(hgb, F)
    np.testing.assert_allclose(1 / (1 + np.exp(-raw[:, 0])), hgb.predict_proba(F)[:, 1], rtol=1e-9)


def test_router_refuses_a_mode_column_that_is_not_0_1():
    X, y = _mixed_data()
    F = BlockStats().fit_transform(X)
    with pytest.raises(ValueError, match="list line_stats first"):
        ModeRouter(mode_column=1).fit(F, y)
    with pytest.raises(ValueError, match="name: <estimator>"):
        ModeRouter(html={"nme": "logreg"}).fit(np.c_[np.zeros(len(y)), F], y)


def test_router_serves_a_kind_it_never_saw_with_the_other_model():
    X, y = _mixed_data()
    text = np.asarray([not p for p in X["tag_path"]])
    F = np.hstack([LineStats().fit_transform(X), BlockStats().fit_transform(X)])
    router = ModeRouter().fit(F[text], y[text])
    assert router.html_estimator_ is None
    assert router.predict_proba(F[~text]).shape == (int((~text).sum()), 2)
    assert isinstance(pd.Series(router.predict(F)).iloc[0], str)


def test_lines_shipped_default_config_routes_both_kinds():
    """The shipped ``configs/boilerplate/default.yaml`` builds line_stats first (column 0 = is_text)
    and a mode router whose HTML member keeps the one-model baseline's (blocks.yaml) parameters."""
    from newsclf.pipeline.assemble import build_pipeline
    from newsclf.pipeline.config import load_config
    from newsclf.resources import resolve_path

    config = load_config(resolve_path("newsclf:configs/boilerplate/default.yaml"))
    baseline = load_config(resolve_path("newsclf:configs/boilerplate/blocks.yaml"))
    assert config.features[0].name == "line_stats" and config.model.name == "mode_router"
    html = config.model.params["html"]
    assert html["name"] == baseline.model.name
    assert html["params"] == {k: baseline.model.params[k] for k in html["params"]}
    X, y = _mixed_data()
    pipe = build_pipeline(config).fit(X, y)
    router = pipe.named_steps["model"]
    assert router.html_estimator_ is not None and router.text_estimator_ is not None
    assert (pipe.predict(X) == y).mean() > 0.9

"""Target-relative polarity tokens (stance_polarity) and the relation gate's routing by input kind."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.pipeline.features import stance
from newsclf.pipeline.features.stance import _polarity
from newsclf.pipeline.registry import featurizers

ACTORS = {"taliban": ["Taliban"], "nrf": ["NRF", "Ahmad Massoud", "Massoud"]}
LEX = {"slammed": -0.6, "praised": 0.6, "good": 0.5}


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["critics", "slammed", "tgt", "."], ["neg_L1_c"]),
        (["tgt", "praised", "the", "plan"], ["pos_R1_c", "at:initial"]),
        (["tgt", "left", ",", "but", "bob", "praised", "it"], ["pos_R2_x", "at:initial"]),
        (["tgt", "is", "not", "good"], ["neg_R2_c", "neg_negated", "at:initial"]),
        (["bob", "praised", "it"], ["notgt_pos"]),
        (["the", "plan", "of", "tgt", "said"], ["at:after_of", "at:speaks"]),
    ],
)
def test_polarity_tokens_side_distance_clause_negation(tokens, expected):
    out, dense = _polarity.polarity_tokens(tokens, LEX)
    assert out == expected
    assert len(dense) == len(_polarity.DENSE_NAMES) and all(-1.0 <= d <= 1.0 for d in dense)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"text": "Critics slammed Joe Biden.", "target": "Joe Biden", "speaker": "", "side": "", "group": "a"},
            {"text": "Voters praised Joe Biden.", "target": "Joe Biden", "speaker": "", "side": "", "group": "a"},
            {"text": "The Taliban praised the deal.", "target": "nrf", "speaker": "Ahmad Massoud", "side": "nrf", "group": "b"},
            {"text": "Biden met Trump.", "target": "Trump", "speaker": "Biden", "side": "", "group": "c"},
        ]
    )


def test_stance_polarity_contract_shapes_and_pickle():
    X = _frame()
    est = featurizers.create("stance_polarity", lexicons=["vader"]).set_params(actors=ACTORS)
    out = est.fit_transform(X)
    names = est.get_feature_names_out()
    assert out.shape == (len(X), len(names)) and names[-1] == "pol:n_cues"
    assert list(est.get_params()["lexicons"]) == ["vader"] and not hasattr(clone(est), "lexicon_")
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(again.transform(X).toarray(), est.transform(X).toarray())
    assert featurizers.create("stance_polarity", lexicons=["vader"], dense=False).set_params(actors=ACTORS).fit_transform(X).shape[1] == len(names) - len(_polarity.DENSE_NAMES)
    with pytest.raises(ValueError, match="unknown lexicon"):
        stance.StancePolarity(lexicons=["nope"]).fit(X)


def _routed(route):
    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)),
                          ("rel", stance.StanceRelation(actors=ACTORS, cues=True))])
    return Pipeline([("features", feats), ("model", stance.RelationGate(base="logreg", rules=True, route=route,
                                                                        nospeaker_params={"C": 10.0}))])


@pytest.mark.parametrize("route", ["split", "shared"])
def test_stance_relation_gate_route_by_input_kind(route):
    # the same words mean opposite things for the two kinds of row: only routed models learn both
    rows = [("good news", "", "favor"), ("bad news", "", "against"), ("good news", "Bob", "against"),
            ("bad news", "Bob", "favor"), ("plain day", "", "none"), ("plain day", "Bob", "none")] * 3
    X = pd.DataFrame([{"text": t, "target": "A", "speaker": s, "side": "", "group": str(i)}
                      for i, (t, s, _) in enumerate(rows)])
    y = [lab for _, _, lab in rows]
    pipe = _routed(route).fit(X, y)
    model = pipe.named_steps["model"]
    assert model.nospeaker_estimator_ is not None and model.nospeaker_estimator_.get_params()["C"] == 10.0
    pred = pipe.predict(X.iloc[:6]).tolist()
    assert pred[0:2] == ["favor", "against"]
    if route == "split":
        assert pred[2:4] == ["against", "favor"]
    np.testing.assert_allclose(pipe.predict_proba(X).sum(axis=1), 1.0)
    assert pickle.loads(pickle.dumps(pipe)).predict(X).tolist() == pipe.predict(X).tolist()


def test_stance_relation_gate_route_needs_rules_and_valid_value():
    X = _frame()
    y = ["against", "favor", "none", "none"]
    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)), ("rel", stance.StanceRelation(actors=ACTORS))])
    with pytest.raises(ValueError, match="route needs rules"):
        Pipeline([("features", feats), ("model", stance.RelationGate(route="split"))]).fit(X, y)
    with pytest.raises(ValueError, match="route must be"):
        _routed("both").fit(X, y)


@pytest.mark.parametrize(("min_df", "max_features"), [(1, None), (2, None), (1, 40)])
def test_vocab_token_tfidf_matches_sklearn(min_df, max_features):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsclf.pipeline.features.stance._vocab import TokenTfidf, word_ngrams, words

    texts = ["The tgt Biden tgt said it", "critics slammed tgt Biden tgt again", "it said again and again", "Biden"]
    ref = TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, max_features=max_features, sublinear_tf=True,
                          token_pattern=r"(?u)\b\w+\b")
    ours = TokenTfidf(min_df=min_df, max_features=max_features)
    docs = [word_ngrams(words(t), (1, 2)) for t in texts]
    np.testing.assert_allclose(ours.fit_transform(docs).toarray(), ref.fit_transform(texts).toarray())
    probe = ["tgt Biden tgt slammed critics", "nothing known here"]
    np.testing.assert_allclose(ours.transform([word_ngrams(words(t), (1, 2)) for t in probe]).toarray(),
                               ref.transform(probe).toarray())
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())


def test_polarity_tokens_directed_speaker_target():
    out, _ = _polarity.polarity_tokens(["spk", "slammed", "tgt"], LEX)
    assert out == ["neg_L1_c", "st_neg_in"]
    out, _ = _polarity.polarity_tokens(["tgt", "slammed", "spk"], LEX)
    assert out[:2] == ["neg_R1_c", "ts_neg_in"]


def test_stance_blend_weighted_mean_of_members():
    from newsclf.pipeline.registry import estimators

    X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.5, 0.5], [0.4, 0.6]])
    y = ["favor", "favor", "against", "against", "none", "none"]
    members = [{"name": "logreg", "params": {"C": 1.0}, "weight": 3}, {"name": "complement_nb", "weight": 1}]
    est = estimators.create("blend", members=members).fit(X, y)
    lr, nb = est.estimators_
    np.testing.assert_allclose(est.predict_proba(X), 0.75 * lr.predict_proba(X) + 0.25 * nb.predict_proba(X))
    assert list(est.classes_) == ["against", "favor", "none"] and len(est.predict(X)) == len(y)
    resolved = clone(est).get_params()["members"]
    assert [(m["name"], m["weight"]) for m in resolved] == [("logreg", 3), ("complement_nb", 1)]
    assert resolved[0]["params"]["C"] == 1.0 and resolved[1]["params"]["alpha"] == 1.0  # defaults filled
    from newsclf.pipeline.explain import linear_weights

    nb_w = nb.feature_log_prob_ - nb.feature_log_prob_.mean(axis=0, keepdims=True)
    np.testing.assert_allclose(linear_weights(est)[0], 0.75 * lr.coef_ + 0.25 * nb_w)
    with pytest.raises(ValueError, match="members is empty"):
        estimators.create("blend").fit(X, y)


def test_stance_routed_pipeline_with_polarity_explains_quotes():
    from newsclf.pipeline.explain import top_features

    rows = [("Critics slammed Joe Biden.", "Joe Biden", "", "against"), ("Voters praised Joe Biden.", "Joe Biden", "", "favor"),
            ("Joe Biden met voters.", "Joe Biden", "", "none"), ("Bob slammed Ann.", "Ann", "Bob", "against"),
            ("Bob praised Ann.", "Ann", "Bob", "favor"), ("Bob met Ann.", "Ann", "Bob", "none")] * 2
    X = pd.DataFrame([{"text": t, "target": g, "speaker": s, "side": "", "group": str(i)} for i, (t, g, s, _) in enumerate(rows)])
    y = [r[3] for r in rows]
    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)),
                          ("pol", stance.StancePolarity(lexicons=["vader"], min_df=1, actors=ACTORS)),
                          ("rel", stance.StanceRelation(actors=ACTORS, cues=True))])
    blend = {"members": [{"name": "logreg", "weight": 0.6}, {"name": "complement_nb", "params": {"alpha": 0.3}, "weight": 0.4}]}
    pipe = Pipeline([("features", feats), ("model", stance.RelationGate(rules=True, route="split", base="blend",
                                                                         base_params=blend))]).fit(X, y)
    assert pipe.predict(X).tolist() == y
    top = top_features(pipe, X.iloc[[3]], k=5)[0]
    assert top and all(isinstance(name, str) for name, _ in top)

"""Target-aware stance featurizers: marking (actor keys, free names, relation), contract, shapes."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from newsclf.pipeline.features import stance
from newsclf.pipeline.registry import featurizers

ACTORS = {
    "taliban": ["Taliban", "Islamic Emirate", "Zabihullah Mujahid", "Mujahid"],
    "nrf": ["National Resistance Front", "NRF", "Ahmad Massoud", "Massoud", "anti-Taliban forces"],
}


def frame():
    return pd.DataFrame(
        [
            {"text": "The Taliban started attacking us.", "target": "taliban", "speaker": "Ahmad Massoud", "side": "nrf", "group": "a"},
            {"text": "We will continue our fight.", "target": "nrf", "speaker": "Ahmad Massoud", "side": "nrf", "group": "a"},
            {"text": "Critics say Joe Biden failed, but Biden is not worried.", "target": "Joe Biden", "speaker": "", "side": "", "group": "b"},
            {"text": "They rejected talks.", "target": "nrf", "speaker": "Zabihullah Mujahid", "side": "taliban", "group": "c"},
        ]
    )


@pytest.mark.parametrize(
    ("text", "target", "speaker", "side", "expected"),
    [
        ("The Taliban attacked the NRF.", "taliban", "", "", "The tgt attacked the NRF."),
        ("The Taliban attacked the NRF.", "nrf", "", "", "The Taliban attacked the tgt ."),
        ("Anti-Taliban forces met the Taliban.", "taliban", "", "", "Anti-Taliban forces met the tgt ."),
        ("Joe Biden said Biden's plan works.", "Joe Biden", "", "", "tgt said tgt plan works."),
        ("Trump praised Pelosi.", "Pelosi", "Trump", "", "spk praised tgt ."),
        ("We will fight on.", "nrf", "Ahmad Massoud", "nrf", 'spk said : " We will fight on. "'),
        ("They rejected talks.", "nrf", "Zabihullah Mujahid", "taliban", 'spk said : " tgt rejected talks. "'),
        ("We will continue our fight.", "taliban", "Ahmad Massoud", "nrf", 'spk said : " We will continue our fight against tgt. "'),
        ("We need their expertise.", "nrf", "Zabihullah Mujahid", "taliban", 'spk said : " We need their expertise. "'),
    ],
)
def test_stance_mark_text(text, target, speaker, side, expected):
    assert stance.mark_text(text, target, speaker, side, ACTORS) == expected


@pytest.mark.parametrize(
    ("pronouns", "expected"),
    [("both", 'spk said : " tgt will fight on. "'), ("other", 'spk said : " We will fight on. "'), ("none", 'spk said : " We will fight on. "')],
)
def test_stance_mark_text_self_pronouns(pronouns, expected):
    assert stance.mark_text("We will fight on.", "nrf", "Ahmad Massoud", "nrf", ACTORS, pronouns=pronouns) == expected


def test_stance_mark_text_span_and_keep_mention():
    out = stance.mark_text("She met him.", "She", target_span=(0, 3), keep_mention=True)
    assert out.split()[:3] == ["tgt", "She", "tgt"]
    assert stance.mark_text("We met.", "nrf", "X", "nrf", ACTORS, pronouns=False, frame=False) == "We met."


@pytest.mark.parametrize(
    ("side", "target", "rel"),
    [("nrf", "nrf", "same"), ("nrf", "taliban", "other"), ("", "taliban", "unknown"), ("nrf", "Joe Biden", "unknown")],
)
def test_stance_relation(side, target, rel):
    assert stance.relation(side, target, ACTORS) == rel


def test_stance_load_actor_aliases_has_both_targets():
    aliases = stance.load_actor_aliases()
    assert {"taliban", "nrf"} <= set(aliases)
    assert any(a.lower() == "taliban" for a in aliases["taliban"])


@pytest.mark.parametrize("name", ["stance_tfidf", "stance_windows", "stance_cues"])
def test_stance_featurizer_contract(name):
    X = frame()
    est = featurizers.create(name, **({"min_df": 1} if name != "stance_cues" else {})).set_params(actors=ACTORS)
    Xt = est.fit_transform(X)
    assert Xt.shape[0] == len(X)
    assert Xt.shape[1] == len(est.get_feature_names_out())
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(again.transform(X).toarray(), est.transform(X).toarray())


def test_stance_cues_values():
    est = stance.StanceCues(actors=ACTORS, lexicon=None).fit(frame())
    cues = pd.DataFrame(est.transform(frame()).toarray(), columns=stance.CUE_NAMES)
    assert cues.loc[0, "tgt_named"] == 1 and cues.loc[0, "rel_other"] == 1
    assert cues.loc[1, "rel_same"] == 1 and cues.loc[2, "rel_unknown"] == 1
    assert cues.loc[2, "negations"] > 0


def test_stance_windows_tokens():
    est = stance.StanceWindows(actors=ACTORS, min_df=1, window=2).fit(frame())
    names = set(est.get_feature_names_out())
    assert {"win:l1_the", "win:r1_started", "win:notgt"} & names


def test_stance_dense_missing_package_is_clear(monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("wordllama"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    from newsclf.errors import ConfigError

    with pytest.raises(ConfigError, match="stance-dense"):
        stance.StanceDense(actors=ACTORS).fit(frame())


def _gate_pipeline():
    from sklearn.pipeline import FeatureUnion, Pipeline

    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)), ("rel", stance.StanceRelation(actors=ACTORS))])
    return Pipeline([("features", feats), ("model", stance.RelationGate(base="logreg", base_params={"C": 10.0}))])


def test_stance_relation_gate_never_contradicts_side():
    X = pd.DataFrame(
        [{"text": t, "target": g, "speaker": "", "side": "", "group": str(i)}
         for i, (t, g) in enumerate([("Evil killers", "A"), ("Great heroes", "B"), ("Met today", "C")] * 3)]
    )
    y = ["against", "favor", "none"] * 3
    pipe = _gate_pipeline().fit(X, y)
    probe = pd.DataFrame(
        [
            {"text": "The Taliban are evil killers", "target": "taliban", "speaker": "Mujahid", "side": "taliban", "group": "s"},
            {"text": "The NRF are great heroes", "target": "nrf", "speaker": "Mujahid", "side": "taliban", "group": "s"},
            {"text": "The Taliban are evil killers", "target": "taliban", "speaker": "", "side": "", "group": "s"},
        ]
    )
    assert list(pipe.predict(probe)) == ["none", "none", "against"]
    proba = pipe.predict_proba(probe)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert pickle.loads(pickle.dumps(pipe)).predict(probe).tolist() == pipe.predict(probe).tolist()
    assert clone(pipe.named_steps["model"]).get_params()["base"] == "logreg"


def test_stance_relation_gate_needs_relation_columns_last():
    from sklearn.pipeline import Pipeline

    from newsclf.errors import ConfigError

    X = frame()
    pipe = Pipeline([("features", stance.StanceCues(actors=ACTORS, lexicon=None)), ("model", stance.RelationGate())])
    with pytest.raises(ConfigError, match="stance_relation"):
        pipe.fit(X, ["against", "favor", "none", "against"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Trump blamed Clinton today.", ["st_order", "st_blamed"]), ("Clinton blamed Trump today.", ["ts_order", "ts_blamed"])],
)
def test_stance_windows_between_speaker_and_target(text, expected):
    marked = stance.mark_text(text, "Clinton", "Trump")
    assert stance._window_tokens(marked, 2, between=5).split()[:2] == expected
    assert "st_order" not in stance._window_tokens(marked, 2, between=0)


def test_stance_tfidf_domain_copies():
    X = frame()
    plain = stance.StanceTfidf(min_df=1, actors=ACTORS).fit(X)
    dom = stance.StanceTfidf(min_df=1, actors=ACTORS, domain="speaker").fit(X)
    A, B = plain.transform(X), dom.transform(X)
    n = A.shape[1]
    assert B.shape == (len(X), 3 * n) and len(dom.get_feature_names_out()) == 3 * n
    has_speaker = X["speaker"].ne("").to_numpy()
    np.testing.assert_allclose(B[:, n:2 * n].toarray()[~has_speaker], 0)
    np.testing.assert_allclose(B[:, 2 * n:].toarray()[has_speaker], 0)
    with pytest.raises(ValueError, match="domain"):
        stance.StanceTfidf(domain="site").fit(X)


@pytest.mark.parametrize(
    ("text", "vow", "denied"),
    [
        ("We will continue our fight until the last moment.", True, False),
        ("Our resolve is only strengthened.", True, False),
        ("I will never surrender to them.", True, False),
        ("We had to send our forces to fight.", False, False),
        ("They fight on.", False, False),  # not first person
        ("They have no belief in Sharia.", False, True),
        ("The regime is not legitimate.", False, True),
        ("They have no plans, but respect the deal.", False, False),  # the clause ends first
        ("We need their expertise.", False, False),
    ],
)
def test_stance_features_vow_and_negated_attribute_cues(text, vow, denied):
    assert stance.vow_cue(text) is vow
    assert stance.negated_attribute_cue(text) is denied


def _rules_pipeline():
    from sklearn.pipeline import FeatureUnion, Pipeline

    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)),
                          ("rel", stance.StanceRelation(actors=ACTORS, cues=True))])
    return Pipeline([("features", feats), ("model", stance.RelationGate(base="logreg", rules=True))])


def test_stance_relation_gate_rules_vow_and_denied_attribute():
    X = pd.DataFrame(
        [{"text": t, "target": g, "speaker": "", "side": "", "group": str(i)}
         for i, (t, g) in enumerate([("Evil killers", "A"), ("Great heroes", "B"), ("Met today", "C")] * 3)]
    )
    y = ["against", "favor", "none"] * 3
    pipe = _rules_pipeline().fit(X, y)
    probe = pd.DataFrame(
        [
            {"text": "We will continue our fight until the last moment.", "target": "nrf", "speaker": "Ahmad Massoud", "side": "nrf", "group": "s"},
            {"text": "We will continue our fight until the last moment.", "target": "taliban", "speaker": "Ahmad Massoud", "side": "nrf", "group": "s"},
            {"text": "They showed that they have no belief in Sharia.", "target": "taliban", "speaker": "Ahmad Massoud", "side": "nrf", "group": "s"},
            {"text": "They showed that they have no belief in Sharia.", "target": "Met", "speaker": "", "side": "", "group": "s"},
        ]
    )
    pred = pipe.predict(probe).tolist()
    assert pred[:3] == ["favor", "against", "against"]
    np.testing.assert_allclose(pipe.predict_proba(probe).sum(axis=1), 1.0)
    assert pipe.named_steps["features"].transform(probe).shape[1] == len(pipe.named_steps["features"].get_feature_names_out())
    assert pipe.named_steps["model"].coef_.shape[1] == pipe.named_steps["features"].transform(probe).shape[1]
    from newsclf.pipeline.explain import top_features

    assert any(name == "rel:rule:vow" or name.endswith("rule:vow") for name, _ in top_features(pipe, probe.iloc[:1], k=10)[0])
    assert pickle.loads(pickle.dumps(pipe)).predict(probe).tolist() == pred


def test_stance_cues_attributes_adds_neg_attr_and_vow():
    X = pd.DataFrame([
        {"text": "The Taliban have no respect for women.", "target": "taliban", "speaker": "", "side": "", "group": "a"},
        {"text": "We will continue our fight.", "target": "nrf", "speaker": "Ahmad Massoud", "side": "nrf", "group": "a"},
    ])
    plain = stance.StanceCues(actors=ACTORS, lexicon=None).fit(X)
    est = stance.StanceCues(actors=ACTORS, lexicon=None, attributes=True).fit(X)
    out = est.transform(X).toarray()
    names = list(est.get_feature_names_out())
    assert names[-2:] == ["cue:neg_attr", "cue:vow"] and out.shape == (2, len(names)) == (2, plain.n_features_out_ + 2)
    assert out[:, -2].tolist() == [1.0, 0.0] and out[:, -1].tolist() == [0.0, 1.0]
    np.testing.assert_allclose(out[:, :-2], plain.transform(X).toarray())


def test_stance_relation_gate_nospeaker_weight_reweights_and_needs_rules():
    from sklearn.pipeline import FeatureUnion, Pipeline

    X = pd.DataFrame(
        [{"text": t, "target": "A", "speaker": s, "side": "", "group": str(i)}
         for i, (t, s) in enumerate([("good news", ""), ("good news", "Bob"), ("bad news", ""), ("bad news", "Bob")] * 2)]
    )
    y = ["favor", "none", "against", "none"] * 2
    feats = FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)),
                          ("rel", stance.StanceRelation(actors=ACTORS, cues=True))])
    probe = X.iloc[[0]].assign(speaker="")
    p1 = Pipeline([("features", feats), ("model", stance.RelationGate(base="logreg", rules=True))]).fit(X, y)
    p5 = Pipeline([("features", clone(feats)),
                   ("model", stance.RelationGate(base="logreg", rules=True, nospeaker_weight=5.0))]).fit(X, y)
    fav = list(p1.classes_).index("favor")
    assert p5.predict_proba(probe)[0, fav] > p1.predict_proba(probe)[0, fav]
    bad = Pipeline([("features", FeatureUnion([("w", stance.StanceTfidf(min_df=1, actors=ACTORS)),
                                               ("rel", stance.StanceRelation(actors=ACTORS))])),
                    ("model", stance.RelationGate(base="logreg", nospeaker_weight=2.0))])
    with pytest.raises(ValueError, match="nospeaker_weight"):
        bad.fit(X, y)

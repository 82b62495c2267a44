"""The stance composition: conflict-cue lexicons, side relation, target mention, the decision table,
the ``stance_parts`` featurizer and the ``stance_compose`` estimator (contract, routing, explanations)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.errors import ConfigError
from newsclf.pipeline.features import stance
from newsclf.pipeline.features.stance import _lexicons
from newsclf.pipeline.registry import estimators, featurizers

ACTORS = {"taliban": ("Taliban", "Islamic Emirate"), "nrf": ("NRF", "National Resistance Front", "Massoud")}


def cats(text: str) -> set[str]:
    return {c.category for c in _lexicons.find_cues(_lexicons.tokenize(text)) if not c.negated}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("We will continue the fight until the end.", {"vow"}, {"deescalate"}),
        ("We will never surrender.", {"vow"}, set()),
        ("We will not fight any more.", {"deescalate"}, {"vow"}),
        ("We want to end the war.", {"deescalate", "conciliatory"}, {"vow"}),
        ("We had to send our forces to fight.", set(), {"vow"}),
        ("The district is now under our control.", {"victory"}, set()),
        ("Our posts were captured by the enemy.", set(), {"victory"}),
        ("I call on all Afghans to join the resistance.", {"join"}, set()),
        ("A general amnesty has been declared.", {"promise"}, set()),
        ("They are terrorists and mercenaries.", {"derogatory"}, set()),
        ("These reports are baseless propaganda.", {"dismissal"}, set()),
        ("They executed prisoners and looted homes.", {"accusation"}, set()),
        ("We did not kill anyone.", set(), {"accusation"}),
        ("They refused to negotiate and rejected the ceasefire.", {"blame_talks"}, set()),
        ("The cabinet will be announced in the coming days.", {"procedural"}, set()),
        ("We offer our condolences to the families.", {"condolence"}, set()),
        ("The figures could not be confirmed.", {"hedge"}, set()),
    ],
)
def test_lexicons_find_cues_categories_negation_commitment(text, present, absent):
    found = cats(text)
    assert present <= found, found
    assert not (absent & found), found


def test_lexicons_phrases_are_general_not_from_the_seed():
    """No fixed multi-word lexicon phrase occurs verbatim in a quote of the seed article."""
    import json

    from newsclf import settings

    gold = json.loads((settings.shipped_annotations_dir() / "panjshir-nrf-2021-09.json").read_text(encoding="utf-8"))
    seed = " | ".join(" ".join(_lexicons.tokenize(q["text"])) for q in gold["quotes"])
    for cat, phrases in _lexicons.LEXICON.items():
        for phrase in phrases:
            if " " in phrase and "|" not in phrase and "*" not in phrase:
                assert f" {phrase} " not in f" {seed} ", (cat, phrase)


@pytest.mark.parametrize(
    ("side", "target", "expected"),
    [("taliban", "taliban", "same"), ("nrf", "taliban", "opposing"), ("other", "nrf", "other"),
     ("un", "nrf", "other"), ("", "nrf", "unknown"), ("nrf", "Joe Biden", "unknown")],
)
def test_side_relation_four_ways(side, target, expected):
    assert stance.side_relation(side, target, ACTORS) == expected


@pytest.mark.parametrize(
    ("text", "side", "target", "mention"),
    [
        ("The Taliban shelled the valley.", "nrf", "taliban", "named"),
        ("They shelled the valley.", "nrf", "taliban", "enemy"),
        ("The enemy shelled the valley.", "nrf", "taliban", "enemy"),
        ("We hold the valley.", "nrf", "nrf", "self"),
        ("We hold the valley.", "nrf", "taliban", "none"),
        ("They shelled the valley.", "", "taliban", "none"),
        ("Anti-Taliban fighters met.", "", "taliban", "none"),
    ],
)
def test_analyse_row_mention_kinds(text, side, target, mention):
    assert stance.analyse_row(text, target, "Someone", side, ACTORS).mention == mention


def test_analyse_row_hostile_near_and_speaker_in_text():
    r = stance.analyse_row("The Taliban killed civilians, Massoud said.", "taliban", "Massoud", "nrf", ACTORS)
    assert "hostile_near" in r.flags and r.speaker_in_text and r.target_first
    r = stance.analyse_row("Massoud said the Taliban killed civilians.", "taliban", "Massoud", "nrf", ACTORS)
    assert r.speaker_in_text and not r.target_first
    r = stance.analyse_row("Massoud praised the NRF.", "Massoud", "NRF", "", ACTORS)
    assert r.speaker_in_text and r.target_first


@pytest.mark.parametrize(
    ("relation", "mention", "flags", "learnt", "label"),
    [
        ("same", "none", {"vow"}, "none", "favor"),
        ("same", "self", {"victory"}, "none", "favor"),
        ("same", "self", {"conciliatory"}, "favor", "none"),       # self-description is no claim
        ("same", "named", set(), "favor", "favor"),
        ("same", "named", {"accusation", "hostile_near"}, "against", "none"),
        ("opposing", "none", {"vow"}, "none", "against"),
        ("opposing", "none", {"derogatory"}, "none", "against"),
        ("opposing", "none", {"accusation"}, "against", "none"),  # an accusation about no one
        ("opposing", "enemy", {"blame_talks"}, "none", "against"),
        ("opposing", "enemy", {"conciliatory"}, "favor", "none"),
        ("opposing", "none", {"victory", "first_person"}, "none", "none"),
        ("unknown", "none", {"vow"}, "favor", "none"),
        ("other", "named", {"accusation", "hostile_near"}, "none", "against"),
        ("other", "named", {"promise", "promise_near"}, "none", "favor"),
        ("other", "named", {"accusation", "hostile_near", "hedge"}, "none", "none"),  # hedged report
        ("unknown", "named", set(), "against", "against"),
    ],
)
def test_decide_table(relation, mention, flags, learnt, label):
    assert stance.decide(relation, mention, frozenset(flags), learnt)[0] == label


def test_decide_reported_speech_leaves_named_target_to_learnt_sentiment():
    assert stance.decide("unknown", "named", frozenset({"accusation", "hostile_near"}), "none", quoted=False)[0] == "none"


def frame() -> pd.DataFrame:
    rows = [
        ("We will fight on until the end.", "nrf", "Dawood", "nrf", "favor"),
        ("We will fight on until the end.", "taliban", "Dawood", "nrf", "against"),
        ("The meeting is on Tuesday.", "taliban", "Qari", "taliban", "none"),
        ("The meeting is on Tuesday.", "nrf", "Qari", "taliban", "none"),
        ("Critics slammed Joe Biden over the plan.", "Joe Biden", "", "", "against"),
        ("Voters praised Joe Biden for the plan.", "Joe Biden", "", "", "favor"),
        ("Joe Biden met the governor.", "Joe Biden", "", "", "none"),
        ("Anna Smith praised Tom Jones warmly.", "Tom Jones", "Anna Smith", "", "favor"),
        ("Anna Smith attacked Tom Jones bitterly.", "Tom Jones", "Anna Smith", "", "against"),
        ("Anna Smith met Tom Jones.", "Tom Jones", "Anna Smith", "", "none"),
    ]
    X = pd.DataFrame([{"text": t, "target": g, "speaker": s, "side": d, "group": str(i)}
                      for i, (t, g, s, d, _) in enumerate(rows)])
    return X, [r[-1] for r in rows]


def compose_pipeline(**params) -> Pipeline:
    feats = FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1).set_params(actors=ACTORS)),
                          ("parts", featurizers.create("stance_parts").set_params(actors=ACTORS))])
    return Pipeline([("features", feats), ("model", estimators.create("stance_compose", **params))])


def test_stance_parts_layout_switches_contract():
    X, _ = frame()
    est = featurizers.create("stance_parts").set_params(actors=ACTORS).fit(X)
    out = est.transform(X).toarray()
    names = list(est.get_feature_names_out())
    assert out.shape == (len(X), len(stance.PART_COLUMNS)) and names == list(stance.PART_COLUMNS)
    assert out[0, names.index("side:same")] == 1 and out[1, names.index("side:opposing")] == 1
    assert out[0, names.index("cue:vow")] == 1 and out[4, names.index("row:speaker")] == 0
    off = featurizers.create("stance_parts", side=False, cues=False).set_params(actors=ACTORS).fit(X).transform(X).toarray()
    cue_cols = [j for j, n in enumerate(names) if n.startswith("cue:")]
    assert not off[:, cue_cols].any() and off[:, names.index("side:unknown")].all()
    assert not hasattr(clone(est), "actors_")
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.transform(X).toarray(), out)


@pytest.mark.parametrize("name", ["stance_side", "stance_mention", "stance_conflict"])
def test_stance_part_featurizers_shapes_and_names(name):
    X, _ = frame()
    est = featurizers.create(name).set_params(actors=ACTORS).fit(X)
    out = est.transform(X)
    assert out.shape == (len(X), len(est.get_feature_names_out()))


def test_stance_compose_fit_predict_gate_and_rules():
    X, y = frame()
    pipe = compose_pipeline(base_params={"C": 10.0, "max_iter": 2000}).fit(X, y)
    pred = list(pipe.predict(X))
    assert pred[0] == "favor" and pred[1] == "against"          # the vow: own side / other side
    assert pred[2] == "none" and pred[3] == "none"              # procedural
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert pipe.named_steps["model"].nospeaker_estimator_ is not None
    again = pickle.loads(pickle.dumps(pipe))
    assert list(again.predict(X)) == pred
    learnt_only = compose_pipeline(rules=False, base_params={"C": 10.0}).fit(X, y)
    same = X.side == X.target
    assert "against" not in set(learnt_only.predict(X[same]))


def test_stance_compose_without_sentiment_uses_rules_only():
    X, y = frame()
    pred = list(compose_pipeline(sentiment=False).fit(X, y).predict(X))
    assert pred[:4] == ["favor", "against", "none", "none"]
    assert set(pred[4:]) == {"none"}


def test_stance_compose_explain_names_the_deciding_parts():
    X, y = frame()
    pipe = compose_pipeline(base_params={"C": 10.0}).fit(X, y)
    out = stance.explain_pipeline(pipe, X)
    assert len(out) == len(X)
    assert out[0]["decided_by"] == "side:same x cue:vow" and out[0]["side_relation"] == "same"
    assert out[1]["decided_by"] == "side:opposing x cue:vow" and "vow" in out[1]["cues"]
    assert set(out[4]["sentiment"]) == {"favor", "against", "none"}
    records = X.to_dict("records")[:2]
    assert [e["label"] for e in stance.explain_records(pipe, records)] == ["favor", "against"]
    plain = Pipeline([("features", featurizers.create("stance_tfidf", min_df=1).set_params(actors=ACTORS)),
                      ("model", estimators.create("logreg"))]).fit(X, y)
    assert stance.explain_pipeline(plain, X) is None


def test_stance_compose_refuses_features_without_parts_last():
    X, y = frame()
    pipe = Pipeline([("features", FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1).set_params(actors=ACTORS))])),
                     ("model", estimators.create("stance_compose"))])
    with pytest.raises(ConfigError, match="stance_parts"):
        pipe.fit(X, y)


def test_analyze_explain_names_the_parts_behind_each_stance(seed_path):
    """``Analyzer.article(explain=True)`` with a composed stance model: every stance of a non-fragment
    quote carries the parts that decided it."""
    from sklearn.compose import ColumnTransformer
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsclf.analysis import Analyzer
    from newsclf.data.actors import load_actors
    from newsclf.data.readers import read_file

    texts = ["Sign up to receive our latest news!", "By submitting this form, I agree to the terms.",
             "The fighters entered the valley on Monday.", "The spokesman said talks had failed."]
    frame_b = pd.DataFrame({"text": texts, "group": "a", "position": 0.0, "tag_path": "", "attrs": "",
                            "link_density": 0.0, "tag": "p"})
    boiler = Pipeline([("f", ColumnTransformer([("w", TfidfVectorizer(), "text")])),
                       ("m", DummyClassifier(strategy="constant", constant="content"))]).fit(
        frame_b, ["boilerplate", "boilerplate", "content", "content"])
    X, y = frame()
    stance_model = Pipeline([
        ("features", FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1)),
                                   ("parts", featurizers.create("stance_parts"))])),
        ("model", estimators.create("stance_compose", base_params={"C": 10.0})),
    ]).fit(X, y)
    out = Analyzer(boiler, stance_model, load_actors()).article(next(read_file(seed_path)), explain=True)
    stances = [v for q in out["quotes"] for v in q["stance"].values()]
    assert stances
    for v in stances:
        e = v["explanation"]
        assert e["label"] == v["label"] and e["decided_by"] and e["side_relation"] in stance.SIDE_RELATIONS
    vow = next(q for q in out["quotes"] if "continue our fight" in q["text"])
    assert vow["stance"]["nrf"]["explanation"]["decided_by"] == "side:same x cue:vow"
    assert vow["stance"]["taliban"]["explanation"]["decided_by"] == "side:opposing x cue:vow"

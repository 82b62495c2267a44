"""The entity-pair member ``stance_pair`` (5 DSE classes over speaker and target both named in the
text) and its use by ``stance_compose(pair=True)``: fit, shape, inactive rows, the two directions of
one sentence from one distribution, memory (off by default), skops round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.errors import ConfigError
from newsclf.pipeline.features.stance import (
    PAIR_COLUMNS,
    PART_COLUMNS,
    StancePair,
    load_actor_aliases,
)
from newsclf.pipeline.features.stance._pair import locate_pair
from newsclf.pipeline.persistence import dumps_model, loads_model
from newsclf.pipeline.registry import estimators, featurizers

NAMES = ["Alice Brown", "Omar Haddad", "Lena Fischer", "Raj Patel", "Maria Lopez", "John Carter", "Yuki Sato",
         "Ahmed Karim"]
TEMPLATES = {  # (template, 5-class label); {p} is named first
    1: ["{p} praised {q} for the reform.", "{p} thanked {q} warmly for the support.",
        "{p} endorsed {q} in the race."],
    3: ["{p} slammed {q} over the scandal.", "{p} accused {q} of lying to voters.",
        "{p} blamed {q} for the failure."],
    4: ["{p} was attacked by {q} over the budget.", "{p} was slammed by {q} on Monday."],
    2: ["{p} was praised by {q} for the deal.", "{p} was endorsed by {q} last week."],
    0: ["{p} met {q} in Paris on Tuesday.", "{p} and {q} attended the meeting."],
}
DIRECTED = {0: ("none", "none"), 1: ("favor", "none"), 2: ("none", "favor"), 3: ("against", "none"),
            4: ("none", "against")}


def _frame() -> tuple[pd.DataFrame, list[str]]:
    """Directed rows of templated DSE-like sentences: (speaker p, target q) and (speaker q, target p)."""
    rows, labels = [], []
    for label, templates in TEMPLATES.items():
        for t, template in enumerate(templates):
            for k in range(6):
                p, q = NAMES[(k + t) % len(NAMES)], NAMES[(k + t + 3) % len(NAMES)]
                text = template.format(p=p, q=q)
                pq, qp = DIRECTED[label]
                rows += [{"text": text, "speaker": p, "target": q, "side": "", "group": text},
                         {"text": text, "speaker": q, "target": p, "side": "", "group": text}]
                labels += [pq, qp]
    return pd.DataFrame(rows), labels


@pytest.fixture(scope="module")
def fitted():
    X, y = _frame()
    return StancePair(min_df=1, C=4.0).fit(X, y), X, y


def test_pair_fits_and_transforms_to_five_columns(fitted):
    model, X, _ = fitted
    out = model.transform(X)
    assert out.shape == (len(X), len(PAIR_COLUMNS)) == (len(X), 5)
    assert list(model.get_feature_names_out()) == list(PAIR_COLUMNS)
    assert model.n_pairs_ == len(X) // 2
    assert (out.toarray()[:, 0] == 1).all()


def test_pair_learns_who_is_for_or_against_whom(fitted):
    model, _, _ = fitted
    new = pd.DataFrame([  # unseen names, seen verbs
        {"text": "Nora Quinn praised Tom Reed for the reform.", "speaker": "Nora Quinn", "target": "Tom Reed"},
        {"text": "Nora Quinn slammed Tom Reed over the scandal.", "speaker": "Nora Quinn", "target": "Tom Reed"},
        {"text": "Nora Quinn slammed Tom Reed over the scandal.", "speaker": "Tom Reed", "target": "Nora Quinn"},
    ]).assign(side="", group="")
    Z = model.transform(new).toarray()
    assert Z[0, 1:4].argmax() == 0  # favor
    assert Z[1, 1:4].argmax() == 1  # against
    assert Z[2, 1:4].argmax() == 2  # none: the target did not speak


def test_pair_inactive_rows_are_zeros(fitted):
    model, _, _ = fitted
    X = pd.DataFrame([
        {"text": "We will fight the Taliban until the end.", "speaker": "Ahmad Massoud", "target": "taliban"},
        {"text": "Alice Brown spoke.", "speaker": "", "target": "Omar Haddad"},
        {"text": "Alice Brown praised herself.", "speaker": "Alice Brown", "target": "Alice Brown"},
    ]).assign(side="", group="")
    assert not model.transform(X).toarray().any()


def test_pair_two_directions_of_one_sentence_share_one_distribution(fitted):
    model, X, _ = fitted
    Z = model.transform(X).toarray()
    pq, qp = Z[0::2], Z[1::2]
    non_none = pq[:, 1] + pq[:, 2] + qp[:, 1] + qp[:, 2]  # P(1) + P(3) + P(2) + P(4)
    assert (non_none <= 1 + 1e-9).all()
    np.testing.assert_allclose(pq[:, 3], 1 - pq[:, 1] - pq[:, 2], atol=1e-9)
    np.testing.assert_allclose(qp[:, 3], 1 - qp[:, 1] - qp[:, 2], atol=1e-9)
    # P(0) read from either direction: none of one minus the other's favor and against
    p0_from_pq = pq[:, 3] - qp[:, 1] - qp[:, 2]
    np.testing.assert_allclose(p0_from_pq, qp[:, 3] - pq[:, 1] - pq[:, 2], atol=1e-9)
    assert (p0_from_pq >= -1e-9).all()


def test_pair_memory_is_off_by_default_and_recalls_exact_duplicates(fitted):
    model, X, y = fitted
    assert StancePair().memory is False and featurizers.create("stance_pair").memory is False
    assert not model.transform(X).toarray()[:, 4].any()
    remembering = StancePair(min_df=1, memory=True).fit(X, y)
    Z = remembering.transform(X).toarray()
    assert Z[:, 4].all()
    labels = np.asarray(["favor", "against", "none"])[Z[:, 1:4].argmax(axis=1)]
    assert list(labels) == list(y)


def test_pair_skops_round_trip(fitted):
    model, X, _ = fitted
    again = loads_model(dumps_model(model))
    np.testing.assert_allclose(again.transform(X).toarray(), model.transform(X).toarray())
    assert "_polar" not in model.__getstate__()


def test_pair_needs_rows_naming_both_entities():
    X = pd.DataFrame([{"text": "We will fight.", "speaker": "Ahmad Massoud", "target": "taliban", "side": "nrf",
                       "group": ""}] * 20)
    with pytest.raises(ValueError, match="name both the speaker and the target"):
        StancePair().fit(X, ["against"] * 20)
    with pytest.raises(ValueError, match="cv"):
        featurizers.create("stance_pair", cv=1)


def test_pair_locate_orders_by_first_mention():
    (p, q, speaker_first) = locate_pair("Omar Haddad was praised by Alice Brown.", "Alice Brown", "Omar Haddad")
    assert p[0] < q[0] and not speaker_first
    assert locate_pair("Omar Haddad spoke.", "Alice Brown", "Omar Haddad") is None


def _compose_pipeline(pair: bool = True, base_sees_parts: bool = True) -> Pipeline:
    feats = FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1)),
                          ("pair", featurizers.create("stance_pair", min_df=1, C=4.0)),
                          ("parts", featurizers.create("stance_parts"))])
    feats.set_params(w__actors=load_actor_aliases(), parts__actors=load_actor_aliases())
    return Pipeline([("features", feats), ("model", estimators.create("stance_compose", pair=pair, base_sees_parts=base_sees_parts,
                                                          random_state=0))])


@pytest.mark.parametrize("base_sees_parts", [True, False])
def test_pair_compose_uses_the_pair_on_active_rows_and_round_trips(base_sees_parts):
    X, y = _frame()
    quotes = pd.DataFrame([{"text": t, "speaker": "", "target": tg, "side": "", "group": "q"}
                           for t, tg in (("The Taliban are liars.", "taliban"), ("The NRF fights on.", "nrf"),
                                         ("We thank the Taliban for the amnesty.", "taliban"))] * 4)
    X = pd.concat([X, quotes], ignore_index=True)
    y = y + ["against", "none", "favor"] * 4
    pipe = _compose_pipeline(base_sees_parts=base_sees_parts).fit(X, y)
    compose = pipe.steps[-1][1]
    Z = pipe[:-1].transform(X)
    n_parts = len(PART_COLUMNS)
    pair_cols = Z[:, -n_parts - len(PAIR_COLUMNS): -n_parts].toarray()
    assert Z.shape[0] == len(X) and (pair_cols[: len(X) - 12, 0] == 1).all() and not pair_cols[-12:].any()
    learnt = compose._decisions(Z)[1]
    classes = list(compose.classes_)
    order = [classes.index(c) for c in ("favor", "against", "none")]
    active = pair_cols[:, 0] == 1
    np.testing.assert_allclose(learnt[active][:, order], pair_cols[active, 1:4] / pair_cols[active, 1:4].sum(1, keepdims=True),
                               atol=1e-6)
    reasons = [e["decided_by"] for e in compose.explain(Z)]
    assert all("pair:" in r for r, on in zip(reasons, active, strict=True) if on)
    assert not any("pair:" in r for r, on in zip(reasons, active, strict=True) if not on)
    assert compose.coef_.shape == (len(classes), Z.shape[1])  # one weight per feature column (top-feature reports)
    again = loads_model(dumps_model(pipe))
    np.testing.assert_allclose(again.predict_proba(X), pipe.predict_proba(X))


def test_pair_compose_refuses_a_layout_without_the_pair_columns():
    X, y = _frame()
    feats = FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1)),
                          ("parts", featurizers.create("stance_parts"))])
    feats.set_params(w__actors=load_actor_aliases(), parts__actors=load_actor_aliases())
    pipe = Pipeline([("features", feats), ("model", estimators.create("stance_compose", pair=True))])
    with pytest.raises(ConfigError, match="stance_pair"):
        pipe.fit(X, y)


def test_pair_fit_contract(fitted):
    """fit returns self and leaves its parameters alone; fitted attributes end in _; a clone is unfitted."""
    from sklearn.base import clone

    X, y = _frame()
    est = featurizers.create("stance_pair", min_df=1)
    before = clone(est).get_params()
    assert est.fit(X, y) is est and est.get_params() == before
    fitted_attrs = [a for a in vars(est) if a.endswith("_") and not a.startswith("_")]
    assert {"model_", "words_", "struct_", "memory_keys_"} <= set(fitted_attrs)
    assert not any(hasattr(clone(est), a) for a in fitted_attrs)


def test_pair_compose_weight_zero_is_the_model_without_the_pair():
    """pair_weight 0 gives the predictions of the same composition without stance_pair (the base
    models never see the pair's columns), which is what the bench's ablation relies on."""
    X, y = _frame()
    with_pair = _compose_pipeline().fit(X, y)
    with_pair.steps[-1][1].set_params(pair_weight=0.0)
    feats = FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1)),
                          ("parts", featurizers.create("stance_parts"))])
    feats.set_params(w__actors=load_actor_aliases(), parts__actors=load_actor_aliases())
    without = Pipeline([("features", feats), ("model", estimators.create("stance_compose", random_state=0))]).fit(X, y)
    np.testing.assert_allclose(with_pair.predict_proba(X), without.predict_proba(X), atol=1e-9)
    with_pair.steps[-1][1].set_params(pair_weight=1.0)
    assert not np.allclose(with_pair.predict_proba(X), without.predict_proba(X))


def test_pair_compose_saved_before_the_pair_parameters_loads_and_predicts():
    """A stance_compose model file written before ``pair``/``pair_weight`` existed (its state lacks
    them) loads and predicts as the composition without the pair."""
    X, y = _frame()
    feats = FeatureUnion([("w", featurizers.create("stance_tfidf", min_df=1)),
                          ("parts", featurizers.create("stance_parts"))])
    feats.set_params(w__actors=load_actor_aliases(), parts__actors=load_actor_aliases())
    pipe = Pipeline([("features", feats), ("model", estimators.create("stance_compose", random_state=0))]).fit(X, y)
    expected = pipe.predict_proba(X)
    compose = pipe.steps[-1][1]
    del compose.pair, compose.pair_weight  # the state of an older file
    again = loads_model(dumps_model(pipe))
    assert "pair" not in vars(again.steps[-1][1])
    np.testing.assert_allclose(again.predict_proba(X), expected)

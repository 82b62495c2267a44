from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from newsclf.evaluation.metrics import classification_metrics

LABELS = ["favor", "against", "none"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    gold = list(rng.choice(LABELS, 50))
    pred = list(rng.choice(LABELS, 50))
    m = classification_metrics(gold, pred, LABELS, positive=("favor", "against"))
    assert m["accuracy"] == pytest.approx(accuracy_score(gold, pred))
    assert m["macro_f1"] == pytest.approx(f1_score(gold, pred, average="macro"))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=LABELS, zero_division=0)
    for i, lab in enumerate(LABELS):
        assert m["per_class"][lab] == pytest.approx({"precision": p[i], "recall": r[i], "f1": f[i], "support": s[i]})
    assert m["f_avg"] == pytest.approx((f[0] + f[1]) / 2)


def test_metrics_confusion_keeps_absent_classes():
    m = classification_metrics(["none", "none", "against"], ["none", "against", "against"], LABELS,
                               positive=("favor", "against"))
    assert m["confusion"] == {"labels": LABELS, "matrix": [[0, 0, 0], [0, 1, 0], [0, 1, 1]]}
    assert m["per_class"]["favor"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    # macro-F1 over every task label: favor (no support, never predicted) counts as 0
    assert m["macro_f1"] == pytest.approx(f1_score(["none", "none", "against"], ["none", "against", "against"],
                                                   labels=LABELS, average="macro", zero_division=0))
    assert m["macro_f1"] == pytest.approx((0 + 2 / 3 + 2 / 3) / 3)
    assert m["labels_without_support"] == ["favor"]
    assert m["f_avg"] == pytest.approx((0 + 2 / 3) / 2)  # favor counts as 0, as in SemEval


def test_metrics_unknown_label_is_an_error():
    with pytest.raises(ValueError, match="'pro' is not one of"):
        classification_metrics(["pro"], ["none"], LABELS)


def test_metrics_single_class_split_cannot_reach_one():
    m = classification_metrics(["content"] * 3, ["content"] * 3, ["content", "boilerplate"])
    assert m["accuracy"] == 1.0 and m["macro_f1"] == pytest.approx(0.5)
    assert m["per_class"]["boilerplate"]["support"] == 0 and m["labels_without_support"] == ["boilerplate"]

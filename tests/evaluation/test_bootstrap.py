from __future__ import annotations

import numpy as np

from newsclf.evaluation.bootstrap import bootstrap_intervals, paired_bootstrap
from newsclf.evaluation.metrics import classification_metrics

LABELS = ["content", "boilerplate"]


def _data(n=200, err=0.2, seed=0):
    rng = np.random.default_rng(seed)
    gold = rng.choice(LABELS, n, p=[0.7, 0.3])
    flip = rng.random(n) < err
    pred = np.where(flip, np.where(gold == "content", "boilerplate", "content"), gold)
    return list(gold), list(pred)


def test_bootstrap_intervals_contain_estimate_and_are_seeded():
    gold, pred = _data()
    iv = bootstrap_intervals(gold, pred, LABELS, n_boot=300, seed=5)
    again = bootstrap_intervals(gold, pred, LABELS, n_boot=300, seed=5)
    assert iv == again
    m = classification_metrics(gold, pred, LABELS)
    for name in ("accuracy", "macro_f1"):
        lo, hi = iv[name]
        assert lo <= m[name] <= hi and hi - lo < 0.25
    assert set(iv) >= {"f1:content", "f1:boilerplate"}


def test_bootstrap_groups_widen_intervals_when_groups_are_correlated():
    # errors clustered in a few groups: resampling groups must give wider intervals
    gold = ["content"] * 200
    pred = ["boilerplate" if i < 40 else "content" for i in range(200)]
    groups = [f"g{i // 20}" for i in range(200)]
    rows = bootstrap_intervals(gold, pred, LABELS, n_boot=500, seed=1)["accuracy"]
    grouped = bootstrap_intervals(gold, pred, LABELS, groups=groups, n_boot=500, seed=1)["accuracy"]
    assert grouped[1] - grouped[0] > 1.5 * (rows[1] - rows[0])


def test_bootstrap_paired_identical_predictions():
    gold, pred = _data()
    res = paired_bootstrap(gold, pred, pred, LABELS, "macro_f1", n_boot=200)
    assert res == {"delta": 0.0, "interval": [0.0, 0.0], "p_value": 1.0}


def test_bootstrap_paired_detects_a_clearly_better_system():
    gold, good = _data(400, err=0.05, seed=2)
    _, bad = _data(400, err=0.35, seed=3)
    res = paired_bootstrap(gold, good, bad, LABELS, "macro_f1", n_boot=500, seed=0)
    assert res["delta"] > 0.2 and res["p_value"] < 0.01 and res["interval"][0] > 0


def test_bootstrap_paired_tiny_difference_is_not_significant():
    gold, a = _data(300, err=0.2, seed=4)
    b = list(a)
    b[0] = "content" if b[0] != "content" else "boilerplate"  # one changed prediction
    res = paired_bootstrap(gold, a, b, LABELS, "accuracy", n_boot=500, seed=0)
    assert abs(res["delta"]) <= 1 / 300 + 1e-9 and res["p_value"] > 0.3

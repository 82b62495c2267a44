from __future__ import annotations

import json

import numpy as np
import pytest

from newsclf.comparison.compare import (
    ComparisonError,
    compare_entries,
    flatten_config,
    mcnemar,
    render,
)
from newsclf.evaluation.metrics import classification_metrics

LABELS = ["content", "boilerplate"]
rng = np.random.default_rng(0)
GOLD = list(rng.choice(LABELS, 300, p=[0.6, 0.4]))


def _pred(err: float, seed: int) -> list[str]:
    r = np.random.default_rng(seed)
    return [("boilerplate" if g == "content" else "content") if r.random() < err else g for g in GOLD]


def _entry(run_id: str, pred: list[str], C: float, fp: str = "fp1", model: str = "logreg") -> dict:
    split = classification_metrics(GOLD, pred, LABELS)
    split["intervals"] = {"macro_f1": [split["macro_f1"] - 0.05, split["macro_f1"] + 0.05]}
    config = {"task": "boilerplate", "dataset": "syn", "seed": 13, "features": [{"name": "word_tfidf", "params": {}}],
              "model": {"name": model, "params": {"C": C}}, "search": {"method": "none"}}
    metrics = {"task": "boilerplate", "labels": LABELS, "positive": ["boilerplate"], "eval_split": "test",
               "splits": {"test": split},
               "predictions": {"test": {"ids": [str(i) for i in range(len(GOLD))], "gold": GOLD, "pred": pred,
                                        "groups": None}}}
    return {"run_id": run_id, "config": config, "metrics": metrics, "manifest": {"test_fingerprint": fp}}


def test_compare_sorts_and_tests_against_best():
    good, bad, same = _pred(0.05, 1), _pred(0.3, 2), None
    same = list(good)
    res = compare_entries([_entry("bad", bad, 0.1), _entry("good", good, 1.0), _entry("twin", same, 1.0)],
                          n_boot=300)
    assert [r["run_id"] for r in res["rows"]][0] in ("good", "twin") and res["rows"][-1]["run_id"] == "bad"
    rows = {r["run_id"]: r for r in res["rows"]}
    assert rows["bad"]["p_value"] < 0.01 and rows["bad"]["mcnemar_p"] < 0.01 and rows["bad"]["delta"] < -0.15
    twin = rows["twin"] if res["best"] == "good" else rows["good"]
    assert twin["delta"] == 0 and twin["p_value"] == 1.0 and twin["mcnemar_p"] == 1.0
    assert res["differing_keys"] == ["model.params.C"]  # only what differs


def test_compare_refuses_different_test_data_naming_runs():
    a, b = _entry("run-a", _pred(0.1, 1), 1.0, fp="aaaa1111"), _entry("run-b", _pred(0.1, 2), 1.0, fp="bbbb2222")
    with pytest.raises(ComparisonError) as info:
        compare_entries([a, b])
    msg = str(info.value)
    assert "run-a" in msg and "run-b" in msg and "aaaa1111" in msg and "bbbb2222" in msg and "--force" in msg
    forced = compare_entries([a, b], force=True, n_boot=50)
    assert forced["warnings"] and all(r["p_value"] is None for r in forced["rows"])


def test_compare_refuses_mixed_tasks():
    a = _entry("a", _pred(0.1, 1), 1.0)
    b = _entry("b", _pred(0.1, 1), 1.0)
    b["metrics"]["task"] = "stance"
    with pytest.raises(ComparisonError, match="different tasks"):
        compare_entries([a, b])


def test_compare_unknown_metric_lists_available():
    with pytest.raises(ComparisonError, match="available: accuracy, macro_f1"):
        compare_entries([_entry("a", _pred(0.1, 1), 1.0)], metric="auc")


@pytest.mark.parametrize("b, c, p", [(10, 0, 2 * 0.5**10), (0, 0, 1.0), (5, 5, 1.0)])
def test_compare_mcnemar_known_answers(b, c, p):
    gold = ["x"] * (b + c + 5)
    pa = ["x"] * b + ["y"] * c + ["x"] * 5
    pb = ["y"] * b + ["x"] * c + ["x"] * 5
    res = mcnemar(gold, pa, pb)
    assert (res["b"], res["c"]) == (b, c) and res["p_value"] == pytest.approx(p)


def test_compare_flatten_config():
    flat = flatten_config({"features": [{"name": "w", "params": {"ngram_range": [1, 2]}}], "model": {"name": "m", "params": {}}})
    assert flat == {"features": "w", "features.w.ngram_range": "[1, 2]", "model.name": "m", "model.params": "{}"}


@pytest.mark.parametrize("fmt", ["md", "json", "html", "table"])
def test_compare_render_formats(fmt):
    res = compare_entries([_entry("a", _pred(0.1, 1), 1.0), _entry("b", _pred(0.2, 2), 2.0)], n_boot=50)
    out = render(res, fmt)
    if fmt == "json":
        assert json.loads(out)["best"] == "a"
    elif fmt == "md":
        assert "| 1 | a |" in out and "model.C" in out
    elif fmt == "html":
        assert "data:image/png;base64," in out and "<table>" in out
    else:
        from rich.console import Console

        console = Console(width=200, record=True)
        console.print(out)
        assert "model.C" in console.export_text()

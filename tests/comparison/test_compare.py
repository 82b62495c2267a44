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


def test_compare_sorts_and_tests_against_top():
    good, bad = _pred(0.05, 1), _pred(0.3, 2)
    twin = list(good)
    res = compare_entries([_entry("bad", bad, 0.1), _entry("good", good, 1.0), _entry("twin", twin, 1.0)],
                          n_boot=300)
    assert [r["run_id"] for r in res["rows"]][0] in ("good", "twin") and res["rows"][-1]["run_id"] == "bad"
    rows = {r["run_id"]: r for r in res["rows"]}
    assert rows["bad"]["p_value"] < 0.01 and rows["bad"]["mcnemar_p"] < 0.01 and rows["bad"]["delta"] < -0.15
    other = rows["twin"] if res["top"] == "good" else rows["good"]
    assert other["delta"] == 0 and other["p_value"] == 1.0 and other["mcnemar_p"] == 1.0
    assert res["differing_keys"] == ["model.params.C"]  # only what differs
    # identical twins: a tie at the top, so no run is called best
    assert res["best"] is None and res["tied"] == [other["run_id"]] and "tied" in res["verdict"]
    assert [r["rank"] for r in res["rows"]] == ["=1", "=1", "3"]


def test_compare_declares_best_only_when_significant():
    res = compare_entries([_entry("good", _pred(0.05, 1), 1.0), _entry("bad", _pred(0.3, 2), 0.1)], n_boot=300)
    assert res["best"] == "good" and res["verdict"].startswith("best: good")
    assert [r["rank"] for r in res["rows"]] == ["1", "2"]


def _single_class_entry(run_id: str, pred: list[str]) -> dict:
    gold = ["content"] * len(pred)
    split = classification_metrics(gold, pred, LABELS)
    split["intervals"] = {"macro_f1": [split["macro_f1"], split["macro_f1"]]}
    config = {"task": "boilerplate", "model": {"name": run_id, "params": {}}}
    metrics = {"task": "boilerplate", "labels": LABELS, "positive": ["boilerplate"], "eval_split": "test",
               "splits": {"test": split},
               "predictions": {"test": {"ids": [str(i) for i in range(len(gold))], "gold": gold, "pred": pred,
                                        "groups": None}}}
    return {"run_id": run_id, "config": config, "metrics": metrics, "manifest": {"test_fingerprint": "fp"}}


@pytest.mark.parametrize("n", [3, 40])
def test_compare_single_class_test_split_declares_no_winner(n):
    a = _single_class_entry("a", ["content"] * n)
    b = _single_class_entry("b", ["content"] * (n - 1) + ["boilerplate"])
    res = compare_entries([a, b], n_boot=200)
    assert res["best"] is None and res["verdict"].startswith("no winner")
    assert "one class only" in res["verdict"] and any("one class only" in w for w in res["warnings"])
    assert {r["rank"] for r in res["rows"]} == {"-"}
    for fmt in ("md", "html", "text"):
        out = render(res, fmt, width=100)
        assert "no winner" in out and "best:" not in out


def test_compare_holm_adjusts_step_down():
    from newsclf.comparison.compare import holm

    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5]) == [0.5]


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


@pytest.mark.parametrize("fmt", ["md", "json", "html", "table", "text"])
def test_compare_render_formats(fmt):
    res = compare_entries([_entry("a", _pred(0.1, 1), 1.0), _entry("b", _pred(0.2, 2), 2.0)], n_boot=50)
    out = render(res, fmt, width=120)
    if fmt == "json":
        assert json.loads(out)["best"] == "a" and json.loads(out)["rows"][0]["n"] == 300
    elif fmt == "md":
        assert "| 1 | a |" in out and "model.C" in out and "| 300 |" in out
    elif fmt == "html":
        assert "data:image/png;base64," in out and "<table id='scores'>" in out and ">300<" in out
    elif fmt == "text":
        assert "model.C" in out and "300" in out and "best: a" in out
    else:
        from rich.console import Console

        console = Console(width=200, record=True)
        console.print(out)
        text = console.export_text()
        assert "model.C" in text and "300" in text


@pytest.mark.parametrize("width", [80, 120, 200])
def test_compare_table_fits_the_terminal(width):
    entries = [_entry(f"boilerplate-logreg-20261201-1529{i:02d}-a60a6d5{i}", _pred(0.1 + 0.05 * i, i), 1.0 + i)
               for i in range(3)]
    for e, ngram in zip(entries, ([1, 2], [1, 3], [2, 4]), strict=True):
        e["config"]["features"][0]["params"] = {"ngram_range": ngram, "sublinear_tf": True, "min_df": 2}
        e["config"]["model"]["params"]["class_weight"] = "balanced" if ngram[0] == 1 else None
    res = compare_entries(entries, n_boot=50)
    text = render(res, "text", width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "word_tfidf.ngram_range" in text.replace("\n", "") or "word_tfidf.ngram_ra" in text

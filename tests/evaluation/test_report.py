from __future__ import annotations

from newsclf.evaluation.bootstrap import bootstrap_intervals
from newsclf.evaluation.metrics import classification_metrics
from newsclf.evaluation.report import render_markdown, write_report

LABELS = ["favor", "against", "none"]


def _metrics():
    gold = ["favor", "against", "none", "none", "against", "favor"]
    pred = ["favor", "none", "none", "none", "against", "against"]
    split = classification_metrics(gold, pred, LABELS, positive=("favor", "against"))
    split["intervals"] = bootstrap_intervals(gold, pred, LABELS, ("favor", "against"), n_boot=50)
    scores = [[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.2, 0.2, 0.6], [0.1, 0.7, 0.2], [0.3, 0.6, 0.1]]
    return {"run_id": "stance-x", "task": "stance", "labels": LABELS, "positive": ["favor", "against"],
            "dataset": "syn", "model": "logreg", "features": ["word_tfidf"], "seed": 1, "eval_split": "test",
            "splits": {"test": split},
            "predictions": {"test": {"ids": list("abcdef"), "gold": gold, "pred": pred, "scores": scores}},
            "top_features": {"favor": [["word_tfidf__peace", 1.2]], "against": [["word_tfidf__fight", 0.9]]}}


def test_report_renders_tables_and_plots_from_json(tmp_path):
    files = write_report(_metrics(), tmp_path)
    names = {p.name for p in files}
    assert {"report.md", "report.html", "confusion_test.png", "pr_curves.png", "top_features.png"} <= names
    assert "calibration.png" not in names  # 6 rows: no calibration curve, said in the report
    for p in files:
        assert p.stat().st_size > 0
    md = (tmp_path / "report.md").read_text()
    assert "f_avg" in md and "| favor |" in md and "| gold \\ pred | favor | against | none |" in md
    assert "Not drawn: 6 scored rows" in md
    page = (tmp_path / "report.html").read_text()
    assert "plots/confusion_test.png" not in page and page.count("data:image/png;base64,") == 3


def test_report_markdown_without_predictions_or_plots():
    m = _metrics()
    del m["predictions"], m["top_features"]
    assert "## Plots" not in render_markdown(m)

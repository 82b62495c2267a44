"""The quickstart: build the seed datasets, show the seed's quotes, train the quickstart configs,
compare them per task and summarise where the reports are."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsclf import settings

__all__ = ["quickstart_configs", "run_quickstart"]


def quickstart_configs() -> list[Path]:
    """The shipped ``configs/quickstart/*.yaml``, sorted."""
    return sorted((settings.shipped_configs_dir() / "quickstart").glob("*.yaml"))


def _show_quotes(say: Callable[[str], None]) -> int:
    from newsclf.data.document import process_article
    from newsclf.data.readers import read_articles

    n = 0
    for article in read_articles(settings.seed_article_path()):
        processed = process_article(article)
        say(f"quotes in {article.id}: {len(processed.quotes)}")
        for q in processed.quotes:
            text = q.text if len(q.text) <= 90 else q.text[:87] + "..."
            kind = " (fragment)" if q.fragment else ""
            say(f"  {q.speaker or '?'} [{q.side or '-'}]{kind}: \u201c{text}\u201d")
            n += 1
    return n


CV_FOLDS = 5
"""Folds of the grouped cross-validation the quickstart scores its runs with."""

CORPUS_CONFIGS = {
    "boilerplate": "newsclf:configs/boilerplate/default.yaml",
    "stance": "newsclf:configs/stance/default.yaml",
}
"""Configs that train on the public corpora: what to run after the quickstart for real figures."""


def run_quickstart(configs: list[Path] | None = None, log: Callable[[str], None] | None = None,
                   n_boot: int = 500, cv: int = CV_FOLDS) -> dict[str, Any]:
    """Run the whole quickstart; return ``{"dataset", "built": bool, "runs": {config: run dir},
    "comparisons": {task: comparison}, "summary": [lines], "seconds"}``.

    The seed is one article: its held-out test split (a few rows, one class) cannot rank runs, so
    every run is also scored by grouped ``cv``-fold cross-validation over all its labelled rows
    (``newsclf train --cv``) and compared on those out-of-fold predictions, with the adequacy
    warnings of :mod:`newsclf.evaluation.adequacy`.
    """
    from newsclf.comparison.compare import compare_runs
    from newsclf.data.build import build_dataset
    from newsclf.pipeline.train import train

    say = log or (lambda _m: None)
    t0 = time.perf_counter()
    built = build_dataset("newsclf:configs/data/seed.yaml")
    say(f"{'reused' if built.cached else 'built'} dataset {built.name} -> {built.output_dir} "
        f"(fingerprint {built.manifest['fingerprint'][:12]})")
    _show_quotes(say)
    runs: dict[str, Path] = {}
    for cfg in configs or quickstart_configs():
        say(f"training {cfg.stem} (scored by {cv}-fold grouped cross-validation) ...")
        runs[cfg.stem] = train(cfg, n_boot=n_boot, cv=cv)
    by_task: dict[str, list[Path]] = {}
    for stem, path in runs.items():
        by_task.setdefault(stem.split("-", 1)[0], []).append(path)
    comparisons = {task: compare_runs(paths, n_boot=n_boot) for task, paths in by_task.items()}
    return {"dataset": str(built.output_dir), "built": not built.cached, "runs": runs,
            "comparisons": comparisons, "summary": summary(built.manifest, runs, comparisons),
            "seconds": time.perf_counter() - t0}


def summary(manifest: dict[str, Any], runs: dict[str, Path], comparisons: dict[str, Any]) -> list[str]:
    """Plain sentences: what the seed can and cannot measure, and where real figures come from."""
    import json

    from newsclf.evaluation.adequacy import split_adequacy

    lines = []
    for task, info in manifest.get("tasks", {}).items():
        splits = info.get("splits", {})
        labels = info.get("labels", [])
        total = {lab: sum(s["labels"].get(lab, 0) for s in splits.values()) for lab in labels}
        test = splits.get("test", {})
        test_gold = [lab for lab, n in test.get("labels", {}).items() for _ in range(n)]
        ad = split_adequacy(test_gold, labels, [str(i) for i in range(test.get("groups", 0))] or None)
        why = []
        if ad["single_class"]:
            why.append("one class only")
        if ad["too_small"]:
            why.append(f"{ad['units']} {ad['unit']} < 6")
        comp = comparisons.get(task)
        lines.append(
            f"{task}: {info.get('rows')} labelled rows from one article "
            f"({', '.join(f'{k} {v}' for k, v in total.items())}). Its test split "
            f"({test.get('rows', 0)} rows: {', '.join(f'{k} {v}' for k, v in test.get('labels', {}).items() if v) or '-'})"
            + (f" cannot rank runs ({'; '.join(why)})" if why else "")
            + (f", so each run is scored by grouped cross-validation over all {comp['rows'][0]['n']} rows:"
               if comp and comp["split"] == "cv" else ":"))
        if comp:
            for row in comp["rows"]:
                iv = row.get("interval")
                lines.append(f"  {row['run_id']}: {comp['metric']} {row['value']:.3f}"
                             + (f" [{iv[0]:.3f}, {iv[1]:.3f}]" if iv else "") + f", n={row['n']}")
            lines.append(f"  -> {comp['verdict']}")
            folds = ""
            first = next(iter(p for stem, p in runs.items() if stem.startswith(task)), None)
            if first is not None:
                cvm = json.loads((first / "metrics.json").read_text(encoding="utf-8"))["splits"].get("cv", {})
                folds = cvm.get("folds", "")
            if folds:
                lines.append(f"     (folds: {folds})")
    lines.append("What this measures: that the whole path runs (data, features, training, evaluation, "
                 "comparison) on one article. With a few dozen rows of one article the intervals are "
                 "wide and no figure says how a model does on other news.")
    lines.append("For figures that mean something, train on the public corpora (a few minutes each): "
                 + "; ".join(f"newsclf train {c}" for c in CORPUS_CONFIGS.values()))
    return lines

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


def run_quickstart(configs: list[Path] | None = None, log: Callable[[str], None] | None = None,
                   n_boot: int = 500) -> dict[str, Any]:
    """Run the whole quickstart; return ``{"dataset", "runs": {config: run dir}, "comparisons":
    {task: comparison}, "seconds"}``."""
    from newsclf.comparison.compare import compare_runs
    from newsclf.data.build import build_dataset
    from newsclf.pipeline.train import train

    say = log or (lambda _m: None)
    t0 = time.perf_counter()
    built = build_dataset("newsclf:configs/data/seed.yaml")
    say(f"built dataset {built.name} -> {built.output_dir}")
    _show_quotes(say)
    runs: dict[str, Path] = {}
    for cfg in configs or quickstart_configs():
        say(f"training {cfg.stem} ...")
        runs[cfg.stem] = train(cfg, n_boot=n_boot)
    by_task: dict[str, list[Path]] = {}
    for stem, path in runs.items():
        by_task.setdefault(stem.split("-", 1)[0], []).append(path)
    comparisons = {task: compare_runs(paths, n_boot=n_boot) for task, paths in by_task.items()}
    return {"dataset": str(built.output_dir), "runs": runs, "comparisons": comparisons,
            "seconds": time.perf_counter() - t0}

"""``newsclf analyze``: analyse article files into one JSON file per article.

Each output file holds exactly what ``POST /analyze`` returns for that article (the same
:class:`newsclf.analysis.Analyzer`; HTML pages also carry the extracted ``"text"``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from newsclf import settings
from newsclf.analysis import Analyzer, ArticleAnalysis

__all__ = ["analyze_files", "default_output_dir"]


def default_output_dir() -> Path:
    """Where ``newsclf analyze`` writes without ``--output``: ``<data dir>/analysis``."""
    return settings.data_dir() / "analysis"


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_.+" else "_" for ch in name).strip("._")
    return cleaned[:150] or "article"


def analyze_files(
    paths: Iterable[str | os.PathLike[str]],
    analyzer: Analyzer,
    output: str | os.PathLike[str] | None = None,
    targets: list[str] | None = None,
    explain: bool = False,
    on_written: Callable[[Path, ArticleAnalysis], None] | None = None,
) -> list[Path]:
    """Analyse every article under ``paths``; write ``<output>/<article id>.json`` for each.

    The article id is the file name without its extensions (``seed.txt`` -> ``seed.json``), or the
    ``id`` of a JSONL line. Returns the written paths in order.
    """
    from newsclf.data.readers import read_articles

    out_dir = Path(output) if output is not None else default_output_dir()
    written: list[Path] = []
    used: set[str] = set()
    for article in read_articles([Path(p) for p in paths]):
        result = analyzer.any(article, targets, explain)
        name = _safe_name(article.id)
        stem, k = name, 2
        while name in used:
            name, k = f"{stem}-{k}", k + 1
        used.add(name)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
        if on_written is not None:
            on_written(path, result)
    return written

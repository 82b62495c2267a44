"""``newsclf analyze``: analyse article files into one JSON file per article.

Each output file holds exactly what ``POST /analyze`` returns for that article (same function,
:func:`newsclf.serving.analysis.analyze_article`; HTML pages also carry the extracted ``"text"``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newsclf import settings

from .analysis import analyze_article, analyze_page
from .models import LoadedModel, load_run_dir, load_stored, model_ref

__all__ = ["analyze_files", "default_output_dir", "is_page", "load_models"]


def default_output_dir() -> Path:
    """Where ``newsclf analyze`` writes without ``--output``: ``<data dir>/analysis``."""
    return settings.data_dir() / "analysis"


def load_models(
    boilerplate: str | os.PathLike | None = None,
    stance: str | os.PathLike | None = None,
    attribution: str | None = None,
) -> dict[str, LoadedModel]:
    """Models by task: the given run directories, else the promoted models in the BentoML store.

    ``attribution`` (a run, ``"rules"`` for none) is optional: without it the promoted attribution
    model is used when there is one (:func:`newsclf.data.attribution.resolve_attribution`).
    """
    from newsclf.data.attribution import resolve_attribution

    out = {}
    ranker = resolve_attribution(str(attribution) if attribution is not None else None)
    if ranker is not None:
        out["attribution"] = ranker
    for task, run in (("boilerplate", boilerplate), ("stance", stance)):
        loaded = load_run_dir(run) if run is not None else load_stored(model_ref(task))
        if loaded.task != task:
            from newsclf.errors import NewsclfError

            raise NewsclfError(
                f"{loaded.path}: is a {loaded.task} run; --{task} needs a {task} run"
            )
        out[task] = loaded
    return out


def is_page(article: Any) -> bool:
    """True for an article read from HTML (its blocks carry DOM paths)."""
    return any(getattr(b, "tag_path", "") for b in article.blocks or ())


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_.+" else "_" for ch in name).strip("._")
    return cleaned[:150] or "article"


def analyze_files(
    paths: Iterable[str | os.PathLike],
    models: dict[str, LoadedModel],
    actors: Any,
    output: str | os.PathLike | None = None,
    targets: list[str] | None = None,
    explain: bool = False,
    on_written: Callable[[Path, dict[str, Any]], None] | None = None,
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
        ranker = models.get("attribution")
        if is_page(article):
            result = analyze_page(
                article, models["boilerplate"], models["stance"], actors, targets, explain, ranker
            )
        else:
            result = analyze_article(
                article, models["boilerplate"], models["stance"], actors, targets, explain, ranker
            )
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

"""Importers for the public corpora, found by name (``kind:`` in a data config's sources).

Each module ``newsclf.data.importers.<name>`` exposes ``load(root: Path, **options) -> Imported``,
where ``root`` is ``settings.corpora_dir() / CORPUS_DIRS[name]``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .base import Imported

__all__ = ["CORPUS_DIRS", "Imported", "corpus_root", "get_importer"]

CORPUS_DIRS: dict[str, str] = {
    "aeb": "aeb",
    "trafilatura": "trafilatura-eval",
    "newsmtsc": "newsmtsc",
    "dse": "dse",
    "polnear": "polnear",
}


def get_importer(name: str) -> Callable[..., Imported]:
    """Return ``load`` of importer ``name``; unknown names raise ``ValueError`` listing known ones."""
    if name not in CORPUS_DIRS:
        raise ValueError(f"unknown corpus importer {name!r}; known: {', '.join(CORPUS_DIRS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.load


def corpus_root(name: str, corpora: Path) -> Path:
    """Folder of corpus ``name`` under the corpora root."""
    return corpora / CORPUS_DIRS[name]

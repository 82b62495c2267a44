"""Import every module that registers featurizers or estimators.

Helpers add their module to ``_MODULES`` (one line). A listed module that does not exist yet is
skipped, so the trainer keeps working while others are still writing theirs.
"""

from __future__ import annotations

import importlib

__all__ = ["load_components"]

_MODULES = (
    "newsclf.pipeline.features.text",
    "newsclf.pipeline.estimators",
    "newsclf.pipeline.features.blocks",
    "newsclf.pipeline.features.stance",
    "newsclf.pipeline.features.attribution",
)

_loaded = False


def load_components() -> None:
    """Import the registering modules once (idempotent)."""
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    _loaded = True


load_components()

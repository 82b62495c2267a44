"""Import every module that registers featurizers or estimators.

A new module that registers components adds itself to ``_MODULES`` (one line); a listed module
that cannot be imported is an error, never skipped.
"""

from __future__ import annotations

import importlib

__all__ = ["load_components"]

_MODULES = (
    "newsclf.pipeline.features.text",
    "newsclf.pipeline.estimators",
    "newsclf.pipeline.features.blocks",
    "newsclf.pipeline.features.lines",
    "newsclf.pipeline.router",
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
        importlib.import_module(name)
    _loaded = True


load_components()

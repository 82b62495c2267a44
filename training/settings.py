"""Where newsclf reads and writes, and the one default seed.

Every path can be moved with an environment variable so that tests, CI and users on other
machines never depend on the working directory layout:

``NEWSCLF_CORPORA``  public corpora (default ``<project>/../shared/corpora``)
``NEWSCLF_DATA``     built datasets (default ``./data``)
``NEWSCLF_MODELS``   run directories (default ``./models``)
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_SEED",
    "PROJECT_ROOT",
    "actors_path",
    "annotations_dir",
    "configs_dir",
    "corpora_dir",
    "data_dir",
    "models_dir",
    "seed_article_path",
    "seeds_dir",
]

DEFAULT_SEED = 13
"""The one seed threaded through splits, searches and models unless a config sets another."""

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout this package was installed from (editable installs; the README's way)."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def corpora_dir() -> Path:
    """Root of the external corpora (``aeb/``, ``trafilatura-eval/``, ``newsmtsc/``, ``dse/``)."""
    return _env_path("NEWSCLF_CORPORA", PROJECT_ROOT.parent / "shared" / "corpora")


def data_dir() -> Path:
    """Where ``newsclf data build`` writes ``<name>/`` dataset folders."""
    return _env_path("NEWSCLF_DATA", Path("data"))


def models_dir() -> Path:
    """Where ``newsclf train`` writes ``<run-id>/`` run directories."""
    return _env_path("NEWSCLF_MODELS", Path("models"))


def seeds_dir() -> Path:
    """The embedded default inputs (read-only)."""
    return PROJECT_ROOT / "seeds"


def seed_article_path() -> Path:
    """The seed article: the default input of ``newsclf quickstart``."""
    return seeds_dir() / "panjshir-nrf-2021-09.txt"


def annotations_dir() -> Path:
    """Gold annotations (committed, hand-written) for the seed articles."""
    return PROJECT_ROOT / "data" / "annotations"


def configs_dir() -> Path:
    """Shipped configs (data, experiments, actors)."""
    return PROJECT_ROOT / "configs"


def actors_path() -> Path:
    """The actors file: targets, their aliases and sides (``NEWSCLF_ACTORS`` overrides)."""
    return _env_path("NEWSCLF_ACTORS", configs_dir() / "actors.yaml")

"""Where newsclf reads and writes, and the one default seed.

User files are found from the current project (the working directory), never from where the
package is installed; the embedded defaults are package resources (:mod:`newsclf.resources`).
Every location can be moved with an environment variable:

``NEWSCLF_CORPORA``  public corpora (default ``../shared/corpora``)
``NEWSCLF_DATA``     built datasets and the project's gold annotations (default ``./data``)
``NEWSCLF_MODELS``   run directories (default ``./models``)
"""

from __future__ import annotations

import os
from pathlib import Path

from newsclf.resources import resource_path

__all__ = [
    "DEFAULT_SEED",
    "PACKAGE_DIR",
    "annotations_dir",
    "corpora_dir",
    "data_dir",
    "default_actors_ref",
    "models_dir",
    "seed_article_path",
    "shipped_annotations_dir",
    "shipped_configs_dir",
    "resource_path",
]

DEFAULT_SEED = 13
"""The one seed threaded through splits, searches and models unless a config sets another."""

PACKAGE_DIR = Path(__file__).resolve().parent
"""Where the package's code lives (for provenance only: its git commit in a checkout)."""

SEED_ARTICLE = "newsclf:seeds/panjshir-nrf-2021-09.txt"
"""The seed article: the embedded default input of ``newsclf quickstart``."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def corpora_dir() -> Path:
    """Root of the external corpora (``aeb/``, ``trafilatura-eval/``, ``newsmtsc/``, ``dse/``...)."""
    return _env_path("NEWSCLF_CORPORA", Path("..") / "shared" / "corpora")


def data_dir() -> Path:
    """Where ``newsclf data build`` writes ``<name>/`` dataset folders."""
    return _env_path("NEWSCLF_DATA", Path("data"))


def models_dir() -> Path:
    """Where ``newsclf train`` writes ``<run-id>/`` run directories."""
    return _env_path("NEWSCLF_MODELS", Path("models"))


def annotations_dir() -> Path:
    """The project's own gold annotations (``<data>/annotations``)."""
    return data_dir() / "annotations"


def seed_article_path() -> Path:
    """The shipped seed article."""
    return resource_path(SEED_ARTICLE)


def shipped_annotations_dir() -> Path:
    """The shipped gold annotations of the seed article."""
    return resource_path("newsclf:annotations/")


def shipped_configs_dir() -> Path:
    """The shipped configs (actors, data configs, experiment configs)."""
    return resource_path("newsclf:configs/")


def default_actors_ref() -> str:
    """The actors file used when a config names none: the shipped ``configs/actors.yaml``."""
    return "newsclf:configs/actors.yaml"

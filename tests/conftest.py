"""Shared fixtures: isolated data/model dirs, the seed article, and the external corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

from newsclf import settings  # noqa: E402
from support import REPO, corpus_or_skip  # noqa: E402,F401  (re-exported for fixtures)

# The corpora default is relative to the working directory: pin it before a test moves away.
os.environ["NEWSCLF_CORPORA"] = str(settings.corpora_dir().resolve())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory with its own ``data/`` and ``models/`` (via NEWSCLF_* env)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSCLF_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSCLF_MODELS", str(tmp_path / "models"))
    return tmp_path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return settings.seed_article_path()


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpora() -> Path:
    root = settings.corpora_dir()
    if not root.is_dir():
        pytest.skip(f"corpora not found at {root} (set NEWSCLF_CORPORA to the corpora folder)")
    return root

"""Test helpers importable from any test module (``from support import corpus_or_skip``).

Test folders have no ``__init__.py`` and several hold a ``conftest.py``, so ``from conftest import``
is ambiguous; shared helpers live here instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsclf import settings

REPO = Path(__file__).resolve().parents[1]
"""The checkout under test (tests may change the working directory; paths start here)."""


def corpus_or_skip(name: str) -> Path:
    """Path of corpus ``name`` under NEWSCLF_CORPORA, or skip the test saying where it looked."""
    path = settings.corpora_dir() / name
    if not path.is_dir():
        pytest.skip(f"corpus {name!r} not found at {path} (set NEWSCLF_CORPORA to the corpora folder)")
    return path

"""Errors newsclf raises for bad input: each names the file/line/field and says what to do."""

from __future__ import annotations

__all__ = [
    "BudgetError",
    "ConfigError",
    "InputError",
    "IntegrityError",
    "LegacyModelError",
    "NewsclfError",
    "UnsafeModelError",
]


class NewsclfError(Exception):
    """Base class: a problem the user can fix; the CLI prints the message without a traceback."""


class InputError(NewsclfError):
    """An input file (article, annotation, corpus) is empty, binary, mis-encoded or inconsistent."""


class BudgetError(InputError):
    """The work an input needs exceeds a stated limit (sentences of one article, quote-target
    pairs...): the message names the limit and the amount."""


class ConfigError(NewsclfError):
    """A config file or override is invalid (unknown key, wrong type, value out of range)."""


class IntegrityError(NewsclfError):
    """A run's files do not match the sha256 hashes in its manifest: it will not be loaded."""


class UnsafeModelError(IntegrityError):
    """A model file names a type outside newsclf's trusted list (or is not a skops file): refused
    before anything in it is imported or built."""


class LegacyModelError(IntegrityError):
    """A run holds a pickle model (``model.joblib``) from an older newsclf: refused unopened;
    retrain it or convert it with ``newsclf runs convert RUN --trust-pickle``."""

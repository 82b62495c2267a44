"""Parameter types of the registered featurizer and estimator factories.

Factories declare typed keyword parameters with defaults, using the types below (plain Python
types, :data:`typing.Literal` and ``Annotated[..., Field(...)]`` work as well); the registry
builds a pydantic model from each signature (:meth:`newsclf.pipeline.registry.Registry.params_model`)
and the experiment config is checked against it before any work starts.

>>> from newsclf.pipeline.registry import featurizers
>>> featurizers.resolve("block_stats", {"window": 1})["mean_window"]
3
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

__all__ = [
    "ClassWeight",
    "Column",
    "DocFrequency",
    "FoldCount",
    "Fraction",
    "MaxDocFrequency",
    "NgramRange",
    "NonNegativeInt",
    "Positive",
    "PositiveInt",
    "RandomState",
    "Window",
]

PositiveInt = Annotated[int, Field(ge=1)]
"""An integer >= 1 (counts: folds, trees, iterations, features)."""

NonNegativeInt = Annotated[int, Field(ge=0)]
"""An integer >= 0."""

Window = Annotated[int, Field(ge=0, le=50)]
"""Rows or tokens on each side of a unit (0 = none, at most 50)."""

FoldCount = Annotated[int, Field(ge=2, le=20)]
"""Cross-fitting folds: 2 to 20."""

Positive = Annotated[float, Field(gt=0)]
"""A float > 0 (regularisation strengths, learning rates)."""

Fraction = Annotated[float, Field(ge=0, le=1)]
"""A float in [0, 1]."""


def _ordered(value: tuple[int, int]) -> tuple[int, int]:
    low, high = value
    if low > high:
        raise ValueError(f"min_n {low} is larger than max_n {high}; give [low, high], e.g. [1, 2]")
    return value


NgramRange = Annotated[tuple[PositiveInt, PositiveInt], AfterValidator(_ordered)]
"""``[min_n, max_n]`` with ``1 <= min_n <= max_n``."""

DocFrequency = Annotated[int, Field(ge=1)] | Annotated[float, Field(gt=0, le=1)]
"""``min_df``: an absolute document count (int >= 1) or a share of documents (float in (0, 1])."""

MaxDocFrequency = Annotated[int, Field(ge=1)] | Annotated[float, Field(gt=0, le=1)]
"""``max_df``: a document count (int >= 1) or a share of documents (float in (0, 1])."""

ClassWeight = Literal["balanced"] | dict[str, Positive] | None
"""``balanced``, a weight per label (``{boilerplate: 2.0}``) or none."""

RandomState = Annotated[int, Field(ge=0, le=2**32 - 1)] | None
"""A seed; the experiment's ``seed`` when the config leaves it out."""

Column = str | list[str]
"""An input column of the task frame, or several joined by spaces."""

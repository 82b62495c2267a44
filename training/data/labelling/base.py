"""The labelling-function type, the abstain code, and gated regexes shared by the LFs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ABSTAIN", "GatedRegex", "LabellingFunction"]

ABSTAIN = -1


@dataclass(frozen=True)
class LabellingFunction:
    """A named weak labeller with one output label."""

    name: str
    task: str
    label: str
    fn: Callable[[Any], bool]
    doc: str = ""

    def __call__(self, item: Any) -> str | None:
        return self.label if self.fn(item) else None


class GatedRegex:
    """A lower-case regex behind a substring gate.

    ``triggers`` are substrings (word beginnings) of which at least one occurs in every text the
    regex can match; the regex only runs when one does (substring tests run in C and cost far
    less than CPython's ``re`` scanning a long sentence with a large alternation that does not
    match). Patterns are written in lower case and searched in the lower-cased text (faster
    than IGNORECASE).
    """

    __slots__ = ("pattern", "triggers")

    def __init__(self, pattern: str, triggers: str | None = None) -> None:
        self.pattern = re.compile(pattern)
        self.triggers = tuple(triggers.split("|")) if triggers else None

    def hit(self, item: Any) -> bool:
        lower = item.lower
        if self.triggers is not None and not any(map(lower.__contains__, self.triggers)):
            return False
        return self.pattern.search(lower) is not None

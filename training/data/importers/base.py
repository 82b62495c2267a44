"""What an importer of a public corpus returns: task rows that are already labelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Imported"]


@dataclass
class Imported:
    """Rows imported from one corpus for one task.

    Attributes
    ----------
    task : str
        ``"boilerplate"`` or ``"stance"``.
    rows : list of dict
        One dict per example: the task's input columns (see :mod:`newsclf.tasks`), ``label``
        (a label name of the task), ``group`` (site or article id: a group never straddles two
        splits) and, where the corpus fixes it, ``split`` (``"train"``, ``"validation"``,
        ``"test"`` or a named extra split such as ``"dev_mt"``).
    stats : dict
        Import statistics (pages read, rows per label, rows left unlabelled and why...).
    """

    task: str
    rows: list[dict[str, Any]]
    stats: dict[str, Any] = field(default_factory=dict)

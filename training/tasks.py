"""The tasks newsclf learns: their labels and the input columns their models read.

A model's input is a :class:`pandas.DataFrame` with the task's input columns (rows in document
order for ``boilerplate``, so that context features can look at neighbours within a ``group``).
``attribution`` is a ranking: its rows are (quote, candidate speaker) pairs, the rows sharing a
``query`` are one quote's candidates, and a quote is right when its best-scored candidate is the
speaker (:mod:`newsclf.data.attribution`).

Sides: a stance row's ``side`` is the speaker's side as :mod:`newsclf.data.quotes` finds it, one of
the actor keys of the actors file (``"taliban"``, ``"nrf"``), ``"other"`` (the article ties the
speaker to neither side: "US Secretary of State Antony Blinken", "a UN spokesman") or ``""`` (the
article says nothing about the speaker, or there is no speaker).
Datasets on disk carry these columns plus ``label`` (a ``ClassLabel``) and bookkeeping columns.
:func:`to_frame` turns loose records (CLI ``--file`` lines, HTTP payloads) into that frame,
filling the documented defaults, so the CLI, the service and the tests build inputs one way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CONTEXT_LABEL", "TASKS", "Task", "get_task", "to_frame"]

CONTEXT_LABEL = -1
"""``label`` id of a context row in a dataset: a row kept only so that context features see the
whole page (data config ``unlabelled: context``); featurized, never trained on, never scored."""


@dataclass(frozen=True)
class Task:
    """A classification task.

    Attributes
    ----------
    name : str
        ``"boilerplate"``, ``"stance"`` or ``"attribution"``.
    labels : tuple of str
        Class names in ``ClassLabel`` order.
    inputs : dict
        Input column -> default value used when a record leaves it out. ``text`` has no default.
    positive : tuple of str
        Labels averaged by the task's headline secondary metric (F_avg for stance).
    headline : str
        The metric ``newsclf runs`` and ``compare`` sort by by default.
    query : str or None
        For a ranking task, the input column whose equal values form one ranking (one quote's
        candidates): the task is scored per query, not per row.
    importer_only : bool
        Rows come only from corpus importers (no weak labelling of article files).
    """

    name: str
    labels: tuple[str, ...]
    inputs: dict[str, Any]
    positive: tuple[str, ...]
    headline: str = "macro_f1"
    query: str | None = None
    importer_only: bool = False


TASKS: dict[str, Task] = {
    "boilerplate": Task(
        name="boilerplate",
        labels=("content", "boilerplate"),
        inputs={
            "text": None,
            "group": "",  # article/page id: rows of one group are one document, in order
            "position": 0.0,  # relative position of the unit in its document, [0, 1]
            "tag_path": "",  # DOM path ("" for plain text)
            "attrs": "",  # class/id tokens ("" for plain text)
            "link_density": 0.0,  # [0, 1]
            "tag": "p",
        },
        positive=("boilerplate",),
    ),
    "stance": Task(
        name="stance",
        labels=("favor", "against", "none"),
        inputs={
            "text": None,
            "target": "",  # actor key ("taliban", "nrf") or any name
            "speaker": "",  # "" when unknown
            "side": "",  # speaker's actor key, "other" (neither side) or "" (nothing known)
            "group": "",
        },
        positive=("favor", "against"),
    ),
    "attribution": Task(
        name="attribution",
        labels=("speaker", "other"),
        inputs={
            "text": None,  # words linking candidate (CC) and quote (QQ)
            "candidate": "",  # the mention as written
            "kind": "",  # name | group | nominal | pronoun
            "signals": "",  # space-separated structural features
            "distance": 0.0,  # log1p(characters between candidate and quote)
            "query": "",  # the quote: rows of one query are ranked together
            "group": "",  # article id
        },
        positive=("speaker",),
        headline="accuracy",
        query="query",
        importer_only=True,
    ),
}


def get_task(name: str) -> Task:
    """Return the task called ``name`` or raise ``ValueError`` listing the known tasks."""
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(TASKS)}") from None


def to_frame(task: str | Task, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a model input frame from records, filling defaults for missing input fields.

    Parameters
    ----------
    task : str or Task
    records : iterable of mappings
        Each needs ``text`` (str); other input fields are optional, ``None`` means the default.

    Returns
    -------
    DataFrame of shape (n_records, n_inputs) with exactly the task's input columns.

    Raises
    ------
    ValueError
        When a record lacks ``text`` or a field has the wrong type; names the record index.
    """
    import pandas as pd

    spec = task if isinstance(task, Task) else get_task(task)
    rows = []
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping):
            raise ValueError(f"record {i}: expected an object with a 'text' field, got {type(rec).__name__}")
        row = {}
        for col, default in spec.inputs.items():
            value = rec.get(col)
            if value is None:
                if default is None:
                    raise ValueError(f"record {i}: missing required field {col!r}")
                value = default
            elif default is not None and not isinstance(value, type(default)):
                if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                else:
                    raise ValueError(
                        f"record {i}: field {col!r} must be {type(default).__name__}, got {type(value).__name__}"
                    )
            elif default is None and not isinstance(value, str):
                raise ValueError(f"record {i}: field {col!r} must be str, got {type(value).__name__}")
            row[col] = value
        rows.append(row)
    return pd.DataFrame(rows, columns=list(spec.inputs))

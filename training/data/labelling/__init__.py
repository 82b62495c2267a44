"""Weak labelling functions (LFs) for both tasks, their combiners and their statistics.

An LF looks at one item (a sentence for ``boilerplate``, a (quote, target) pair for ``stance``)
and returns a label name or ``None`` (abstain). LFs are plain functions registered in
:data:`BOILERPLATE_LFS` and :data:`STANCE_LFS`; each has a fixed output label, so its statistics
read as "when it fires, it says X".

Votes are gathered in a matrix ``L`` of shape (n_items, n_lfs) holding label indices in task
order (:mod:`newsclf.tasks`) and ``-1`` for abstain. Two combiners turn ``L`` into labels:

``majority``
    The label with the most votes; ties and all-abstain rows abstain.
``label_model``
    A weighted vote. Each LF's accuracy ``a_j`` is estimated from its class-balanced agreement
    with the weighted vote of the *other* LFs (leave-one-out) on the rows where both exist, with
    add-one smoothing, clipped to [0.05, 0.95]; its vote weighs ``log(a_j / (1 - a_j))``.
    Starting from equal weights (the majority vote), estimate and vote alternate ``n_iter`` times
    (a poor man's EM in the spirit of Snorkel's label model, without its correlation structure).
    Ties and all-abstain rows abstain. See :class:`LabelModel`.

:func:`lf_stats` reports per LF: votes, coverage, overlaps, conflicts (Snorkel's definitions, as
fractions of all items) and, where gold labels exist, the number of gold items it voted on, how
many it got right and its accuracy.

Regexes are compiled once at import; applying every LF to a seed-sized article takes well under a
millisecond.
"""

from __future__ import annotations

from newsclf.tasks import get_task

from .base import ABSTAIN, LabellingFunction
from .boilerplate import BOILERPLATE_LFS, Unit, make_units, units_of, weak_sentence_labels
from .stance import STANCE_LFS, StanceItem, stance_items
from .votes import COMBINERS, LabelModel, apply_lfs, combine, lf_stats, majority_vote, summary_stats

__all__ = [
    "ABSTAIN",
    "BOILERPLATE_LFS",
    "COMBINERS",
    "STANCE_LFS",
    "LabelModel",
    "LabellingFunction",
    "StanceItem",
    "Unit",
    "apply_lfs",
    "combine",
    "lf_stats",
    "lfs_for",
    "majority_vote",
    "make_units",
    "stance_items",
    "summary_stats",
    "units_of",
    "weak_sentence_labels",
]

_LFS = {"boilerplate": BOILERPLATE_LFS, "stance": STANCE_LFS}


def lfs_for(task: str) -> list[LabellingFunction]:
    """The labelling functions of ``task``."""
    get_task(task)
    return _LFS[task]

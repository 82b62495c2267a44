"""The parts a stance decision rests on, each a scikit-learn transformer over the stance frame.

For a row (``text`` said by ``speaker`` on ``side``, asked about ``target``):

``stance_side``      the speaker's relation to the target: same side / opposing side / other
                     (a speaker tied to neither actor) / unknown (:func:`side_relation`);
``stance_mention``   how the target appears in the quote: named (an alias or a member, or the
                     free name), referred to as "we"/"our" by a speaker of its side (``self``), as
                     "they"/"the enemy" by a speaker of the other side (``enemy``), or not at all;
``stance_conflict``  conflict-discourse cues of the guide's categories (:mod:`._lexicons`), with
                     negation, commitment and whether a hostile cue sits next to the target;
``stance_parts``     the three above in one fixed layout (:data:`PART_COLUMNS`) plus a
                     ``speaker`` column, for the ``stance_compose`` estimator, which reads the
                     last ``len(PART_COLUMNS)`` columns of the features. Switching a part off
                     (``side: false``...) makes every relation read as unknown, every target as
                     named, or no cue as present (the corpora's case).

The learnt part, the direction of sentiment toward the mention, is the base model of
``stance_compose`` (trained on NewsMTSC and DSE over the target-marked text).

All parts share one analysis per row (:func:`analyse_frame`, cached for the last frame, since a
pipeline's featurizers see the same frame in turn).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._actors import SIDE_RELATIONS, actor_names, find_mentions, load_actor_aliases, side_relation
from ._lexicons import _CLAUSE, CATEGORIES, ENEMY_WORDS, FIRST_PERSON, THIRD_PLURAL, Cue, find_cues
from ._marking import _as_frame, _column

__all__ = [
    "CUE_COLUMNS",
    "HOSTILE",
    "MENTION_KINDS",
    "PART_COLUMNS",
    "RowParts",
    "StanceConflictCues",
    "StanceParts",
    "StanceSideRelation",
    "StanceTargetMention",
    "analyse_frame",
    "analyse_row",
]

MENTION_KINDS = ("named", "self", "enemy", "none")
HOSTILE = ("derogatory", "dismissal", "accusation", "blame_talks")
"""Cue categories that speak against whoever they are about."""
CUE_COLUMNS = (*CATEGORIES, "deescalate", "first_person", "hostile_near", "promise_near")
"""Cue columns: one per lexicon category (present, not negated), ``deescalate`` (a fight word
under negation or after "end"/"stop"), ``first_person`` (the speaker talks of "we"/"I"),
``hostile_near`` (a hostile cue within :data:`NEAR` tokens of a target mention, named or by
pronoun), ``promise_near`` (a promise or praise cue near a mention)."""
NEAR = 8

SIDE_NAMES = tuple(f"side:{r}" for r in SIDE_RELATIONS)
MENTION_NAMES = tuple(f"mention:{m}" for m in MENTION_KINDS) + ("mention:count",)
CUE_NAMES = tuple(f"cue:{c}" for c in CUE_COLUMNS)
PART_COLUMNS = SIDE_NAMES + MENTION_NAMES + CUE_NAMES + (
    "row:actor_target", "row:speaker_in_text", "row:target_first", "row:speaker")
"""Layout of :class:`StanceParts`' output (and what ``stance_compose`` reads)."""

_TOKP = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[,.;:!?]")
_PUNCT = frozenset(",.;:!?")


class RowParts(NamedTuple):
    """The analysis of one stance row."""

    relation: str  # one of SIDE_RELATIONS
    mention: str  # one of MENTION_KINDS
    n_named: int
    cues: tuple[Cue, ...]
    flags: frozenset[str]  # CUE_COLUMNS that are on
    speaker: bool
    target_first: bool  # the target is named before the speaker (DSE's q -> p rows)
    speaker_in_text: bool  # the speaker is named in the text (reported speech, DSE rows), not a quote
    actor_target: bool  # the target is an actor of the actors file (not a free name)


def _tokens_and_clauses(low: str) -> tuple[list[str], list[int]]:
    """Tokens of lower-cased text (words, and , ; : . ! ? as tokens of their own, which match no
    cue) and the token indices where a clause starts (after punctuation, at "but", "while"...)."""
    toks = _TOKP.findall(low)
    clauses = [i + 1 for i, t in enumerate(toks) if t in _PUNCT or t in _CLAUSE]
    return toks, clauses


def analyse_row(text: str, target: str, speaker: str, side: str, actors: Mapping[str, Any]) -> RowParts:
    """Relation, mention and cues of one row (see the module docstring)."""
    relation = side_relation(side, target, actors)
    low = text.lower().replace("’", "'")
    toks, clauses = _tokens_and_clauses(low)
    spans = find_mentions(text, actor_names(target, actors))
    named_idx = sorted({len(_TOKP.findall(low, 0, a)) for a, _ in spans})
    ref_idx: list[int] = []
    if relation == "same":
        ref_idx = [i for i, t in enumerate(toks) if t in FIRST_PERSON and t not in ("i", "me", "my")]
    elif relation == "opposing":
        ref_idx = [i for i, t in enumerate(toks) if t in THIRD_PLURAL or t in ENEMY_WORDS]
    if not named_idx and (target or "").strip().lower() not in actors and target and target.strip().lower() in low:
        named_idx = [len(_TOKP.findall(low, 0, low.find(target.strip().lower())))]  # "FBI-Clinton": a free name inside a compound
    if named_idx:
        mention = "named"
    elif ref_idx:
        mention = "self" if relation == "same" else "enemy"
    else:
        mention = "none"
    cues = tuple(find_cues(toks, clauses, clause_words=False))
    flags = {c.category for c in cues if not c.negated}
    if not FIRST_PERSON.isdisjoint(toks):
        flags.add("first_person")
    mentions = named_idx + ref_idx
    if mentions:
        for c in cues:
            if c.negated:
                continue
            d = min(min(abs(c.start - m), abs(c.end - 1 - m)) for m in mentions)
            if d <= NEAR:
                if c.category in HOSTILE:
                    flags.add("hostile_near")
                elif c.category == "promise":
                    flags.add("promise_near")
    target_first = in_text = False
    if speaker and speaker.strip() and speaker.strip().lower() != (target or "").strip().lower():
        said = find_mentions(text, actor_names(speaker, {}))
        in_text = bool(said)
        target_first = in_text and bool(spans) and min(a for a, _ in spans) < min(a for a, _ in said)
    return RowParts(relation, mention, len(named_idx), cues, frozenset(flags), bool((speaker or "").strip()),
                    target_first, in_text, (target or "").strip().lower() in actors)


_LAST: list[Any] = [None]


def analyse_frame(X, actors: Mapping[str, Any]) -> list[RowParts]:
    """:func:`analyse_row` for every row of a stance frame; the last result is kept (one entry)."""
    frame = _as_frame(X)
    cols = [[("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) for v in _column(frame, c, "")]
            for c in ("text", "target", "speaker", "side")]
    key = (tuple(hash(tuple(c)) for c in cols), hash(tuple(sorted((k, tuple(v)) for k, v in actors.items()))), len(frame))
    last = _LAST[0]
    if last is not None and last[0] == key:
        return last[1]
    out = [analyse_row(t, g, s, d, actors) for t, g, s, d in zip(*cols, strict=True)]
    _LAST[0] = (key, out)
    return out


def _actors_fitted(est) -> dict[str, tuple[str, ...]]:
    actors = load_actor_aliases() if est.actors is None else dict(est.actors)
    return {str(k).lower(): tuple(v) for k, v in actors.items()}


def _side_block(rows: Sequence[RowParts]) -> np.ndarray:
    out = np.zeros((len(rows), len(SIDE_NAMES)))
    for i, r in enumerate(rows):
        out[i, SIDE_RELATIONS.index(r.relation)] = 1.0
    return out


def _mention_block(rows: Sequence[RowParts]) -> np.ndarray:
    out = np.zeros((len(rows), len(MENTION_NAMES)))
    for i, r in enumerate(rows):
        out[i, MENTION_KINDS.index(r.mention)] = 1.0
        out[i, -1] = math.log1p(r.n_named)
    return out


def _cue_block(rows: Sequence[RowParts]) -> np.ndarray:
    out = np.zeros((len(rows), len(CUE_NAMES)))
    index = {c: j for j, c in enumerate(CUE_COLUMNS)}
    for i, r in enumerate(rows):
        for f in r.flags:
            j = index.get(f)
            if j is not None:
                out[i, j] = 1.0
    return out


def _constant(n: int, width: int, column: int) -> np.ndarray:
    """(n, width) zeros with ``column`` set: a switched-off part reads as "unknown relation" or
    "target named", the corpora's case."""
    out = np.zeros((n, width))
    out[:, column] = 1.0
    return out


class _PartBase(TransformerMixin, BaseEstimator):
    """Shared fit: the actors (``None`` = the actors file at fit time, kept in ``actors_``)."""

    def fit(self, X, y=None):
        self.actors_ = _actors_fitted(self)
        self.n_features_out_ = len(self._names())
        return self

    def _names(self) -> tuple[str, ...]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _rows(self, X) -> list[RowParts]:
        check_is_fitted(self, "actors_")
        return analyse_frame(X, self.actors_)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self._names(), dtype=object)


class StanceSideRelation(_PartBase):
    """One-hot speaker relation to the target: ``side:same/opposing/other/unknown`` (n_rows, 4).

    Parameters
    ----------
    actors : dict or None
        Actor key -> aliases; ``None`` reads the actors file when fitting.
    """

    def __init__(self, actors=None):
        self.actors = actors

    def _names(self):
        return SIDE_NAMES

    def transform(self, X):
        return sp.csr_matrix(_side_block(self._rows(X)))


class StanceTargetMention(_PartBase):
    """How the target appears: ``mention:named/self/enemy/none`` one-hot and ``mention:count``
    (log1p of the named mentions), shape (n_rows, 5).

    Parameters
    ----------
    actors : dict or None
    """

    def __init__(self, actors=None):
        self.actors = actors

    def _names(self):
        return MENTION_NAMES

    def transform(self, X):
        return sp.csr_matrix(_mention_block(self._rows(X)))


class StanceConflictCues(_PartBase):
    """Conflict-discourse cues, 0/1 per :data:`CUE_COLUMNS` (``cue:<name>``), shape (n_rows, n_cues).

    Parameters
    ----------
    actors : dict or None
    """

    def __init__(self, actors=None):
        self.actors = actors

    def _names(self):
        return CUE_NAMES

    def transform(self, X):
        return sp.csr_matrix(_cue_block(self._rows(X)))


class StanceParts(_PartBase):
    """Side relation, target mention and conflict cues in the fixed layout :data:`PART_COLUMNS`
    (plus ``row:actor_target``: the target is an actor, ``row:speaker_in_text``: the speaker is named in the text, ``row:target_first``: the
    target is named before the speaker, and ``row:speaker``: the row names a speaker), shape (n_rows, len(PART_COLUMNS)).

    List it **last** under ``features`` when the model is ``stance_compose``.

    Parameters
    ----------
    side, mention, cues : bool, default True
        Switch a part off: every relation reads as unknown, every target as named, no cue as present.
    actors : dict or None
    """

    def __init__(self, side=True, mention=True, cues=True, actors=None):
        self.side = side
        self.mention = mention
        self.cues = cues
        self.actors = actors

    def _names(self):
        return PART_COLUMNS

    def transform(self, X):
        rows = self._rows(X)
        n = len(rows)
        blocks = [
            _side_block(rows) if self.side else _constant(n, len(SIDE_NAMES), SIDE_RELATIONS.index("unknown")),
            _mention_block(rows) if self.mention else _constant(n, len(MENTION_NAMES), MENTION_KINDS.index("named")),
            _cue_block(rows) if self.cues else np.zeros((n, len(CUE_NAMES))),
            np.asarray([[r.actor_target, r.speaker_in_text, r.target_first, r.speaker] for r in rows],
                       dtype=np.float64).reshape(n, 4),
        ]
        return sp.csr_matrix(np.hstack(blocks))

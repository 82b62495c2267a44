"""Target-aware stance featurizers: the target marked in the text, speaker-side relation, windows.

A stance row asks "what is the stance of ``text`` (said by ``speaker``, on side ``side``) toward
``target``?". The target is either a configured actor key (``taliban``, ``nrf``: every alias from
the actors file marks a mention) or any other name (marked where it occurs; a multi-word name also
matches its last word, "Ahmad Massoud" -> "Massoud"). Rows imported from the corpora may carry
``target_start``/``target_end`` (and ``speaker_start``/``speaker_end``) columns: those spans are
marked too.

:func:`mark_text` rewrites a row into one string where the target's mentions read ``tgt`` and the
speaker's read ``spk``, so that what a model learns about "sentiment toward the marked person" in
the public corpora (NewsMTSC, DSE) carries over to the actors. For a quote whose speaker belongs to
an actor (``side``) and whose target is an actor, the relation between the two is known:

* other side: ``they``/``them`` refer to the target -> ``tgt``; and in a first-person quote a
  fight ("continue our fight", "send our forces to fight") is a fight against the other side, so
  ``against tgt`` is inserted after the first one (``pronouns``/``implicit`` switch this off);
* same side (only with ``pronouns="both"``): first-person plural pronouns (we, us, our...) refer
  to the target -> ``tgt``. Off by default: the corpora label how a sentence *portrays* the
  marked person, so a speaker's self-description ("we tried our best") reads as favourable,
  while a quote's stance *for* its own side needs an explicit claim (a vow, a victory);
* a quote that does not name its speaker is framed as reported speech (``spk said : "..."``), the
  shape of many corpus sentences.

Registered featurizers (all read the stance input frame):

``stance_tfidf``    TF-IDF over the marked text (word n-grams; any analyzer)
``stance_char_tfidf`` the same with character n-grams (``char_wb``, 2-5) by default
``stance_windows``  words left/right of each target mention (``l_``/``r_``/``l1_``/``r1_`` tokens)
``stance_cues``     dense cues: target named, speaker named, relation one-hot, negation (in the
                    text, near the target), lexicon valence of the text and of the target window
``stance_relation`` rel:same / rel:other columns, read by the ``relation_gate`` estimator; with
                    ``cues: true`` also rule:vow / rule:neg_attr / rule:speaker before them, read by
                    ``relation_gate(rules=True)`` (vow to fight -> favor own side / against the
                    other; denied positive attribute -> against the other side) and its
                    ``nospeaker_weight`` (weight of NewsMTSC-like rows when fitting)
``stance_polarity`` lexicon cue words (VADER, AFINN, textblob) placed relative to the target: side,
                    distance, clause, negation, speaker->target direction; target position
``stance_dense``    optional: mean wordllama embeddings of the marked text and the target window
                    (the ``stance-dense`` extra; loads the model shipped inside the wheel, offline)

The composition (the default model): ``stance_side`` (the speaker's relation to the target: same /
opposing / other / unknown), ``stance_mention`` (named / "we" by its side / "they" by the other side /
absent), ``stance_conflict`` (conflict-discourse cues of the guide's categories) and ``stance_parts``
(the three in the fixed layout ``stance_compose`` reads, listed last).

Registered estimators: ``stance_compose`` (the learnt sentiment toward the mention, routed by input
kind, combined with the parts by the guide's decision table; :meth:`StanceCompose.explain` says which
parts decided), ``relation_gate`` (the previous default; ``route: split`` fits one model for rows
without a speaker, NewsMTSC-like, and one for rows with a speaker) and ``blend`` (weighted mean of
several estimators' probabilities).

Modules: ``_actors`` (aliases, name matching, side relation: the one place actors are read),
``_lexicons`` (conflict-discourse cue lexicons and matcher), ``_parts`` (side, mention, cues),
``_compose`` (decision table, estimator, explanations), ``_rules`` (negation, vow, denied attribute
of the previous gate), ``_marking`` (:func:`mark_text`), ``_vocab`` (fast pre-tokenized TF-IDF),
``_text`` (TF-IDF, windows), ``_cues``, ``_polarity``, ``_gate``, ``_blend``, ``_dense``.
"""

from __future__ import annotations

from newsclf.pipeline.registry import estimators, featurizers

from ._actors import DEFAULT_ACTORS, SIDE_RELATIONS, load_actor_aliases, relation, side_relation
from ._blend import ProbaBlend
from ._compose import StanceCompose, decide, explain_pipeline, explain_records
from ._cues import CUE_NAMES, StanceCues, StanceRelation
from ._dense import StanceDense
from ._gate import RelationGate
from ._marking import SPK, TGT, mark_frame, mark_text
from ._parts import (
    PART_COLUMNS,
    StanceConflictCues,
    StanceParts,
    StanceSideRelation,
    StanceTargetMention,
    analyse_row,
)
from ._polarity import StancePolarity
from ._rules import NEGATIONS, negated_attribute_cue, vow_cue
from ._text import StanceTfidf, StanceWindows, _between_tokens, _window_tokens  # noqa: F401  (tests)

__all__ = [
    "CUE_NAMES",
    "PART_COLUMNS",
    "SIDE_RELATIONS",
    "side_relation",
    "StanceCompose",
    "StanceConflictCues",
    "StanceParts",
    "StanceSideRelation",
    "StanceTargetMention",
    "analyse_row",
    "decide",
    "explain_pipeline",
    "explain_records",
    "DEFAULT_ACTORS",
    "NEGATIONS",
    "ProbaBlend",
    "SPK",
    "TGT",
    "RelationGate",
    "StanceCues",
    "StanceDense",
    "StancePolarity",
    "StanceRelation",
    "StanceTfidf",
    "StanceWindows",
    "load_actor_aliases",
    "mark_frame",
    "mark_text",
    "negated_attribute_cue",
    "relation",
    "vow_cue",
]


@featurizers.register("stance_tfidf")
def stance_tfidf(**params) -> StanceTfidf:
    """TF-IDF over the target-marked text."""
    return StanceTfidf(**params)


@featurizers.register("stance_char_tfidf")
def stance_char_tfidf(**params) -> StanceTfidf:
    """Character n-gram TF-IDF over the target-marked text (``char_wb``, 2-5, sublinear)."""
    params.setdefault("analyzer", "char_wb")
    params.setdefault("ngram_range", (2, 5))
    return StanceTfidf(**params)


@featurizers.register("stance_windows")
def stance_windows(**params) -> StanceWindows:
    """Words around the target's mentions."""
    return StanceWindows(**params)


@featurizers.register("stance_cues")
def stance_cues(**params) -> StanceCues:
    """Dense target/speaker/relation/negation/valence cues."""
    return StanceCues(**params)


@featurizers.register("stance_dense")
def stance_dense(**params) -> StanceDense:
    """Optional wordllama embeddings (extra ``stance-dense``)."""
    return StanceDense(**params)


@featurizers.register("stance_relation")
def stance_relation(**params) -> StanceRelation:
    """Speaker side vs target actor (``rel:same``, ``rel:other``); last when the model is ``relation_gate``."""
    return StanceRelation(**params)


@estimators.register("relation_gate")
def relation_gate(**params) -> RelationGate:
    """A base estimator whose stance never contradicts the speaker's side (see :class:`RelationGate`)."""
    return RelationGate(**params)


@featurizers.register("stance_polarity")
def stance_polarity(**params) -> StancePolarity:
    """Lexicon cue words placed relative to the target (side, distance, clause, negation)."""
    return StancePolarity(**params)


@estimators.register("blend")
def blend(**params) -> ProbaBlend:
    """Weighted mean of several estimators' probabilities (see :class:`ProbaBlend`)."""
    return ProbaBlend(**params)


# --------------------------------------------------------------------------- the composition (issue 13)


@featurizers.register("stance_side")
def stance_side(actors: dict | None = None) -> StanceSideRelation:
    """The speaker's relation to the target: same / opposing / other / unknown (one-hot)."""
    return StanceSideRelation(actors=actors)


@featurizers.register("stance_mention")
def stance_mention(actors: dict | None = None) -> StanceTargetMention:
    """How the target appears in the quote: named / self ("we") / enemy ("they") / none."""
    return StanceTargetMention(actors=actors)


@featurizers.register("stance_conflict")
def stance_conflict(actors: dict | None = None) -> StanceConflictCues:
    """Conflict-discourse cues of the guide's categories (victory, vow, join, promise, labels...)."""
    return StanceConflictCues(actors=actors)


@featurizers.register("stance_parts")
def stance_parts(side: bool = True, mention: bool = True, cues: bool = True, actors: dict | None = None) -> StanceParts:
    """Side relation + mention + cues in the fixed layout ``stance_compose`` reads (list it last)."""
    return StanceParts(side=side, mention=mention, cues=cues, actors=actors)


@estimators.register("stance_compose")
def stance_compose(
    base: str = "logreg",
    base_params: dict | None = None,
    nospeaker_base: str | None = None,
    nospeaker_params: dict | None = None,
    route: str | None = "split",
    sentiment: bool = True,
    rules: bool = True,
    base_sees_parts: bool = True,
    direction_balance: bool = False,
    third_party_cues: bool = True,
    random_state: int | None = None,
) -> StanceCompose:
    """Stance composed from side relation, mention, cues and learnt sentiment (see :class:`StanceCompose`)."""
    return StanceCompose(base=base, base_params=base_params, nospeaker_base=nospeaker_base,
                         nospeaker_params=nospeaker_params, route=route, sentiment=sentiment, rules=rules,
                         base_sees_parts=base_sees_parts, direction_balance=direction_balance,
                         third_party_cues=third_party_cues, random_state=random_state)

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


_Actors = dict | None
_Pronouns = str | bool


@featurizers.register("stance_tfidf")
def stance_tfidf(
    analyzer: str = "word",
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int | float = 2,
    max_df: int | float = 1.0,
    sublinear_tf: bool = True,
    max_features: int | None = None,
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
    keep_mention: bool | str = False,
    domain: str | None = None,
) -> StanceTfidf:
    """TF-IDF over the target-marked text."""
    return StanceTfidf(analyzer=analyzer, ngram_range=ngram_range, min_df=min_df, max_df=max_df,
                       sublinear_tf=sublinear_tf, max_features=max_features, actors=actors, pronouns=pronouns,
                       implicit=implicit, frame=frame, keep_mention=keep_mention, domain=domain)


@featurizers.register("stance_char_tfidf")
def stance_char_tfidf(
    analyzer: str = "char_wb",
    ngram_range: tuple[int, int] = (2, 5),
    min_df: int | float = 2,
    max_df: int | float = 1.0,
    sublinear_tf: bool = True,
    max_features: int | None = None,
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
    keep_mention: bool | str = False,
    domain: str | None = None,
) -> StanceTfidf:
    """Character n-gram TF-IDF over the target-marked text (``char_wb``, 2-5, sublinear)."""
    return StanceTfidf(analyzer=analyzer, ngram_range=ngram_range, min_df=min_df, max_df=max_df,
                       sublinear_tf=sublinear_tf, max_features=max_features, actors=actors, pronouns=pronouns,
                       implicit=implicit, frame=frame, keep_mention=keep_mention, domain=domain)


@featurizers.register("stance_windows")
def stance_windows(
    window: int = 4,
    min_df: int = 2,
    sublinear_tf: bool = True,
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
    between: int = 0,
) -> StanceWindows:
    """Words around the target's mentions."""
    return StanceWindows(window=window, min_df=min_df, sublinear_tf=sublinear_tf, actors=actors, pronouns=pronouns,
                         implicit=implicit, frame=frame, between=between)


@featurizers.register("stance_cues")
def stance_cues(
    window: int = 4,
    lexicon: str | None = "vader",
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
    attributes: bool = False,
) -> StanceCues:
    """Dense target/speaker/relation/negation/valence cues."""
    return StanceCues(window=window, lexicon=lexicon, actors=actors, pronouns=pronouns, implicit=implicit,
                      frame=frame, attributes=attributes)


@featurizers.register("stance_dense")
def stance_dense(
    dim: int = 256,
    window: int = 4,
    scale: float = 1.0,
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
) -> StanceDense:
    """Optional wordllama embeddings (extra ``stance-dense``)."""
    return StanceDense(dim=dim, window=window, scale=scale, actors=actors, pronouns=pronouns, implicit=implicit,
                       frame=frame)


@featurizers.register("stance_relation")
def stance_relation(actors: _Actors = None, cues: bool = False) -> StanceRelation:
    """Speaker side vs target actor (``rel:same``, ``rel:other``); last when the model is ``relation_gate``."""
    return StanceRelation(actors=actors, cues=cues)


@estimators.register("relation_gate")
def relation_gate(
    base: str = "logreg",
    base_params: dict | None = None,
    random_state: int | None = None,
    rules: bool = False,
    nospeaker_weight: float = 1.0,
    route: str | None = None,
    nospeaker_base: str | None = None,
    nospeaker_params: dict | None = None,
) -> RelationGate:
    """A base estimator whose stance never contradicts the speaker's side (see :class:`RelationGate`)."""
    return RelationGate(base=base, base_params=base_params, random_state=random_state, rules=rules,
                        nospeaker_weight=nospeaker_weight, route=route, nospeaker_base=nospeaker_base,
                        nospeaker_params=nospeaker_params)


@featurizers.register("stance_polarity")
def stance_polarity(
    lexicons: tuple[str, ...] | list[str] = ("vader", "afinn"),
    dense: bool = True,
    min_df: int = 2,
    actors: _Actors = None,
    pronouns: _Pronouns = "other",
    implicit: bool = True,
    frame: bool = True,
) -> StancePolarity:
    """Lexicon cue words placed relative to the target (side, distance, clause, negation)."""
    return StancePolarity(lexicons=lexicons, dense=dense, min_df=min_df, actors=actors, pronouns=pronouns,
                          implicit=implicit, frame=frame)


@estimators.register("blend")
def blend(members: list[dict] | tuple = (), random_state: int | None = None) -> ProbaBlend:
    """Weighted mean of several estimators' probabilities (see :class:`ProbaBlend`)."""
    return ProbaBlend(members=members, random_state=random_state)


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

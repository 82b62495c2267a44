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
``stance_pair``     the 5-class entity-pair model (DSE classes) for rows naming speaker and target
``stance_dense``    optional: mean wordllama embeddings of the marked text and the target window
                    (the ``stance-dense`` extra; loads the model shipped inside the wheel, offline)

Registered estimators: ``relation_gate`` (see above; ``route: split`` fits one model for rows
without a speaker, NewsMTSC-like, and one for rows with a speaker) and ``blend`` (weighted mean of
several estimators' probabilities).

Modules: ``_actors`` (aliases, name matching, relation), ``_rules`` (negation, vow, denied
attribute), ``_marking`` (:func:`mark_text`), ``_vocab`` (fast pre-tokenized TF-IDF), ``_text``
(TF-IDF, windows), ``_cues``, ``_polarity``, ``_gate``, ``_blend``, ``_dense``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from newsclf.pipeline.params import (
    DocFrequency,
    Fraction,
    MaxDocFrequency,
    NgramRange,
    NonNegativeInt,
    Positive,
    PositiveInt,
    RandomState,
    Window,
)
from newsclf.pipeline.registry import estimators, featurizers

from ._actors import SIDE_RELATIONS, actor_aliases, load_actor_aliases, relation, side_relation
from ._blend import ProbaBlend
from ._compose import StanceCompose, decide, explain_pipeline, explain_records
from ._cues import CUE_NAMES, StanceCues, StanceRelation
from ._dense import StanceDense
from ._gate import RelationGate
from ._marking import SPK, TGT, mark_frame, mark_text
from ._pair import PAIR_COLUMNS, StancePair
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
    "PAIR_COLUMNS",
    "PART_COLUMNS",
    "StancePair",
    "SIDE_RELATIONS",
    "StanceCompose",
    "StanceConflictCues",
    "StanceParts",
    "StanceSideRelation",
    "StanceTargetMention",
    "analyse_row",
    "decide",
    "explain_pipeline",
    "explain_records",
    "side_relation",
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
    "actor_aliases",
    "load_actor_aliases",
    "mark_frame",
    "mark_text",
    "negated_attribute_cue",
    "relation",
    "vow_cue",
]


Pronouns = Literal["other", "both", "none"]


def _estimator_name(value: str) -> str:
    if value not in estimators:
        raise ValueError(f"unknown estimator {value!r}; registered: {', '.join(estimators.names())}")
    return value


EstimatorName = Annotated[str, AfterValidator(_estimator_name)]


@featurizers.register("stance_tfidf")
def stance_tfidf(analyzer: Literal["word", "char_wb", "char"] = "word", ngram_range: NgramRange = (1, 2),
                 min_df: DocFrequency = 2, max_df: MaxDocFrequency = 1.0, sublinear_tf: bool = True,
                 max_features: PositiveInt | None = None, pronouns: Pronouns = "other", implicit: bool = True,
                 frame: bool = True, keep_mention: bool = False,
                 domain: Literal["speaker"] | None = None) -> StanceTfidf:
    """TF-IDF over the target-marked text (actors: the data config's, set by the trainer)."""
    return StanceTfidf(analyzer=analyzer, ngram_range=tuple(ngram_range), min_df=min_df, max_df=max_df,
                       sublinear_tf=sublinear_tf, max_features=max_features, pronouns=pronouns,
                       implicit=implicit, frame=frame, keep_mention=keep_mention, domain=domain)


@featurizers.register("stance_char_tfidf")
def stance_char_tfidf(analyzer: Literal["word", "char_wb", "char"] = "char_wb", ngram_range: NgramRange = (2, 5),
                      min_df: DocFrequency = 2, max_df: MaxDocFrequency = 1.0, sublinear_tf: bool = True,
                      max_features: PositiveInt | None = None, pronouns: Pronouns = "other",
                      implicit: bool = True, frame: bool = True, keep_mention: bool = False,
                      domain: Literal["speaker"] | None = None) -> StanceTfidf:
    """Character n-gram TF-IDF over the target-marked text (``char_wb``, 2-5, sublinear)."""
    return stance_tfidf(analyzer, ngram_range, min_df, max_df, sublinear_tf, max_features, pronouns, implicit,
                        frame, keep_mention, domain)


@featurizers.register("stance_windows")
def stance_windows(window: Window = 4, min_df: DocFrequency = 2, sublinear_tf: bool = True,
                   pronouns: Pronouns = "other", implicit: bool = True, frame: bool = True,
                   between: Window = 0) -> StanceWindows:
    """Words around the target's mentions (and between speaker and target with ``between``)."""
    return StanceWindows(window=window, min_df=min_df, sublinear_tf=sublinear_tf, pronouns=pronouns,
                         implicit=implicit, frame=frame, between=between)


@featurizers.register("stance_cues")
def stance_cues(window: Window = 4, lexicon: Literal["vader"] | None = "vader", pronouns: Pronouns = "other",
                implicit: bool = True, frame: bool = True, attributes: bool = False) -> StanceCues:
    """Dense target/speaker/relation/negation/valence cues."""
    return StanceCues(window=window, lexicon=lexicon, pronouns=pronouns, implicit=implicit, frame=frame,
                      attributes=attributes)


@featurizers.register("stance_dense")
def stance_dense(dim: Literal[256] = 256, window: Window = 4, scale: Positive = 1.0, pronouns: Pronouns = "other",
                 implicit: bool = True, frame: bool = True) -> StanceDense:
    """Optional wordllama embeddings (extra ``stance-dense``)."""
    return StanceDense(dim=dim, window=window, scale=scale, pronouns=pronouns, implicit=implicit, frame=frame)


@featurizers.register("stance_relation")
def stance_relation(cues: bool = False) -> StanceRelation:
    """Speaker side vs target actor (``rel:same``, ``rel:other``); last when the model is ``relation_gate``."""
    return StanceRelation(cues=cues)


@featurizers.register("stance_polarity")
def stance_polarity(lexicons: tuple[Literal["vader", "afinn", "textblob"], ...] = ("vader", "afinn"),
                    dense: bool = True, min_df: DocFrequency = 2, pronouns: Pronouns = "other",
                    implicit: bool = True, frame: bool = True) -> StancePolarity:
    """Lexicon cue words placed relative to the target (side, distance, clause, negation)."""
    return StancePolarity(lexicons=tuple(lexicons), dense=dense, min_df=min_df, pronouns=pronouns,
                          implicit=implicit, frame=frame)


def _nested(name: str, params: dict[str, Any] | None, key: str, seed: int | None = None) -> dict[str, Any]:
    """``params`` of estimator ``name`` checked and completed with its defaults; ``seed`` fills a
    ``random_state`` the params leave unset."""
    params = dict(params or {})
    if seed is not None and params.get("random_state") is None \
            and "random_state" in estimators.params_model(name).model_fields:
        params["random_state"] = seed
    try:
        return estimators.resolve(name, params)
    except ValidationError as exc:
        problems = "; ".join(f"{key}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ValueError(problems) from None


class _Member(BaseModel):
    """One member of a ``blend``: a registered estimator, its parameters and its weight."""

    model_config = ConfigDict(extra="forbid")
    name: EstimatorName
    params: dict[str, Any] = Field(default_factory=dict)
    weight: Annotated[float, Field(ge=0)] = 1.0

    @model_validator(mode="after")
    def _known(self) -> _Member:
        self.params = _nested(self.name, self.params, "params")
        return self


def _base_models_nested(values: Any) -> None:
    """The base and no-speaker estimators' params, checked against their own factories."""
    seed = values.random_state
    values.base_params = _nested(values.base, values.base_params, "base_params", seed)
    if values.route is not None:  # the no-speaker model: its own estimator/params, else the base's
        values.nospeaker_params = _nested(values.nospeaker_base or values.base,
                                          values.nospeaker_params if values.nospeaker_params is not None
                                          else values.base_params, "nospeaker_params", seed)


def _gate_nested(values: Any) -> None:
    _base_models_nested(values)
    if values.route is not None and not values.rules:
        raise ValueError("route needs rules: true (and stance_relation with cues: true)")
    if values.nospeaker_weight != 1.0 and not values.rules:
        raise ValueError("nospeaker_weight needs rules: true (and stance_relation with cues: true)")


@estimators.register("relation_gate", after=_gate_nested)
def relation_gate(base: EstimatorName = "logreg", base_params: dict[str, Any] | None = None,
                  random_state: RandomState = None, rules: bool = False, nospeaker_weight: Positive = 1.0,
                  route: Literal["split", "shared"] | None = None, nospeaker_base: EstimatorName | None = None,
                  nospeaker_params: dict[str, Any] | None = None) -> RelationGate:
    """A base estimator whose stance never contradicts the speaker's side (see :class:`RelationGate`);
    ``base_params``/``nospeaker_params`` are checked against their estimator's parameters."""
    return RelationGate(base=base, base_params=base_params, random_state=random_state, rules=rules,
                        nospeaker_weight=nospeaker_weight, route=route, nospeaker_base=nospeaker_base,
                        nospeaker_params=nospeaker_params)


def _blend_seed(values: Any) -> None:
    if not values.members:
        raise ValueError("blend: members is empty; list {name, params, weight} entries")
    if values.random_state is not None:
        values.members = tuple(
            m.model_copy(update={"params": _nested(m.name, m.params, "params", values.random_state)})
            for m in values.members
        )


@estimators.register("blend", after=_blend_seed)
def blend(members: tuple[_Member, ...] = (), random_state: RandomState = None) -> ProbaBlend:
    """Weighted mean of several estimators' probabilities (see :class:`ProbaBlend`)."""
    return ProbaBlend(members=[m.model_dump() for m in members], random_state=random_state)


# --------------------------------------------------------------------------- the composition


@featurizers.register("stance_side")
def stance_side() -> StanceSideRelation:
    """The speaker's relation to the target: same / opposing / other / unknown (one-hot)."""
    return StanceSideRelation()


@featurizers.register("stance_mention")
def stance_mention() -> StanceTargetMention:
    """How the target appears in the quote: named / self ("we") / enemy ("they") / none."""
    return StanceTargetMention()


@featurizers.register("stance_conflict")
def stance_conflict() -> StanceConflictCues:
    """Conflict-discourse cues of the guide's categories (victory, vow, join, promise, labels...)."""
    return StanceConflictCues()


@featurizers.register("stance_parts")
def stance_parts(side: bool = True, mention: bool = True, cues: bool = True) -> StanceParts:
    """Side relation + mention + cues in the fixed layout ``stance_compose`` reads (list it last)."""
    return StanceParts(side=side, mention=mention, cues=cues)


@featurizers.register("stance_pair")
def stance_pair(C: Positive = 0.5, min_df: DocFrequency = 2, memory: bool = False, cv: NonNegativeInt = 0,
                lexicons: tuple[Literal["vader", "afinn", "textblob"], ...] = ("vader", "afinn"),
                context: Window | None = None, random_state: RandomState = None) -> StancePair:
    """The 5-class entity-pair model (DSE's classes over speaker and target both named in the
    text), per row: active, favor, against, none, remembered (see :class:`StancePair`); list it
    right before ``stance_parts`` and set ``stance_compose(pair: true)``. ``memory`` (off by
    default) returns the training label of exact training duplicates; ``context`` keeps only that
    many words before the first entity and after the second in the word n-grams (None: all)."""
    if cv == 1:
        raise ValueError("cv must be 0 (in-sample output at fit time) or >= 2 (out-of-fold)")
    return StancePair(C=C, min_df=min_df, memory=memory, cv=cv, lexicons=tuple(lexicons), context=context,
                      random_state=random_state)


@estimators.register("stance_compose", after=_base_models_nested)
def stance_compose(base: EstimatorName = "logreg", base_params: dict[str, Any] | None = None,
                   nospeaker_base: EstimatorName | None = None, nospeaker_params: dict[str, Any] | None = None,
                   route: Literal["split", "shared"] | None = "split", sentiment: bool = True,
                   rules: bool = True, base_sees_parts: bool = True, direction_balance: bool = False,
                   third_party_cues: bool = True, pair: bool = False, pair_weight: Fraction = 1.0,
                   random_state: RandomState = None) -> StanceCompose:
    """Stance composed from side relation, mention, cues and learnt sentiment (see
    :class:`StanceCompose`); ``base_params``/``nospeaker_params`` are checked against their
    estimator's parameters."""
    return StanceCompose(base=base, base_params=base_params, nospeaker_base=nospeaker_base,
                         nospeaker_params=nospeaker_params, route=route, sentiment=sentiment, rules=rules,
                         base_sees_parts=base_sees_parts, direction_balance=direction_balance,
                         third_party_cues=third_party_cues, pair=pair, pair_weight=pair_weight,
                         random_state=random_state)

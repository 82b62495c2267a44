"""The :class:`StanceCompose` estimator: stance composed from parts that carry over to any article.

A quote's stance toward a target rests on four parts (see :mod:`._parts`): the speaker's relation
to the target, how the target appears in the quote, the conflict-discourse cues, and the learnt
direction of sentiment toward the mention (the base model, trained on NewsMTSC and DSE). The
corpora teach sentiment toward a named person; they have no speaker sides, so how a side relation
and a cue combine cannot be learnt from them. That combination follows the labelling conventions of
the project guide and is written out in :func:`decide`, one readable table:

==================  ==========================================================  ========
relation            evidence                                                    stance
==================  ==========================================================  ========
same side           a vow or call to fight or to join                           favor
same side           a claim of victory or control, a promise of peace/amnesty   favor
same side           the target named and the learnt sentiment favourable        favor
same side           anything else (procedural, conciliatory, losses, blame)     none
opposing side       a derogatory label                                          against
opposing side       an accusation, dismissal or blame about the target (named,  against
                    or "they"/"the enemy")
opposing side       a vow or call to fight (fighting is against the other side) against
opposing side       "we" won against the target (named or "they")               against
opposing side       the target named/"they" and the learnt sentiment hostile    against
opposing side       anything else (conciliatory, procedural)                    none
other / unknown     the target not in the quote                                 none
other / unknown     a quote with a hostile cue next to the named target, not    against
                    hedged ("reportedly", "could not be confirmed")
other / unknown     a quote with a promise or praise next to the named target,  favor
                    not hedged
other / unknown     the learnt sentiment toward the mention                     (model)
==================  ==========================================================  ========

A speaker never takes a stance against its own side nor for the other side: the learnt
probabilities are gated accordingly. Every decision carries its reason (:meth:`StanceCompose.explain`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.estimators import column_major_weights

from ._actors import SIDE_RELATIONS
from ._pair import PAIR_COLUMNS
from ._parts import CUE_COLUMNS, HOSTILE, MENTION_KINDS, PART_COLUMNS

__all__ = ["StanceCompose", "decide", "explain_pipeline", "explain_records"]

_W = len(PART_COLUMNS)
_SIDE = slice(0, len(SIDE_RELATIONS))
_MENTION = slice(len(SIDE_RELATIONS), len(SIDE_RELATIONS) + len(MENTION_KINDS))
_CUES = slice(len(SIDE_RELATIONS) + len(MENTION_KINDS) + 1, _W - 4)
_ACTOR = _W - 4
_IN_TEXT = _W - 3
_TARGET_FIRST = _W - 2
_PW = len(PAIR_COLUMNS)
RULE_WEIGHT = 0.6
"""Share of the probability a rule decision puts on its label (the rest keeps the learnt, gated
probabilities), so the rule's label is always the most probable."""


def _direction_weights(y: np.ndarray, first: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per-row weights: within each label, both orders (target first or not) weigh half of the
    label's rows (among ``rows``); 1 for rows outside ``rows``."""
    w = np.ones(len(y))
    for label in np.unique(y[rows]):
        in_label = rows & (y == label)
        n = in_label.sum()
        for order in (True, False):
            cell = in_label & (first == order)
            if cell.any() and cell.sum() < n:
                w[cell] = n / (2.0 * cell.sum())
    return w


def decide(relation: str, mention: str, flags: frozenset[str] | set[str], learnt: str,
           quoted: bool = True) -> tuple[str, str]:
    """(stance, reason) for one row; ``learnt`` is the base model's gated label (see module table).

    Parameters
    ----------
    relation : one of "same", "opposing", "other", "unknown"
    mention : one of "named", "self", "enemy", "none"
    flags : set of cue names (:data:`CUE_COLUMNS`) present in the quote
    learnt : "favor", "against", "none" or "" (no learnt part)
    quoted : bool
        The text is the speaker's own words (a quote), not a sentence naming its source (DSE,
        reported speech), and the target is an actor: only then do cues next to a named target
        speak for the quote.
    """
    fight = "vow" in flags or "join" in flags
    referenced = mention in ("named", "enemy")
    if relation == "same":
        if fight:
            return "favor", "side:same x cue:" + ("vow" if "vow" in flags else "join")
        if "victory" in flags:
            return "favor", "side:same x cue:victory"
        if "promise" in flags:
            return "favor", "side:same x cue:promise"
        if mention == "named" and learnt == "favor":
            return "favor", "side:same x sentiment:favor"
        return "none", "side:same, no claim"
    if relation == "opposing":
        if "derogatory" in flags:
            return "against", "side:opposing x cue:derogatory"
        hostile = next((c for c in HOSTILE if c in flags), None)
        if hostile and referenced:
            return "against", f"side:opposing x cue:{hostile} x mention:{mention}"
        if fight:
            return "against", "side:opposing x cue:" + ("vow" if "vow" in flags else "join")
        if "victory" in flags and "first_person" in flags and referenced:
            return "against", f"side:opposing x cue:victory x mention:{mention}"
        if referenced and learnt == "against":
            return "against", f"side:opposing x sentiment:against x mention:{mention}"
        return "none", "side:opposing, no hostility"
    if mention == "none":
        return "none", f"side:{relation}, target not in the quote"
    if quoted and mention == "named" and "hostile_near" in flags and "hedge" not in flags:
        cue = next((c for c in HOSTILE if c in flags), "hostile")
        return "against", f"side:{relation} x cue:{cue} next to the named target"
    if quoted and mention == "named" and "promise_near" in flags and not flags & {"hostile_near", "hedge"}:
        return "favor", f"side:{relation} x cue:promise next to the named target"
    if not learnt:
        return "none", f"side:{relation}, no learnt sentiment"
    return learnt, f"side:{relation} x sentiment:{learnt}"


class StanceCompose(ClassifierMixin, BaseEstimator):
    """Stance from the parts (:mod:`._parts`) and a learnt sentiment-toward-mention model.

    Reads the last ``len(PART_COLUMNS)`` feature columns (``stance_parts``, listed last); the
    base model sees every column (``base_sees_parts``) or those before the parts.

    Parameters
    ----------
    base : str, default "logreg"
        Registered estimator for rows with a speaker (DSE rows, quotes).
    base_params : dict or None
    nospeaker_base, nospeaker_params : str or None, dict or None
        The model for rows without a speaker (NewsMTSC-like sentences) when ``route`` is
        ``"split"`` (default: ``base``/``base_params``).
    route : {"split", None}, default "split"
        ``"split"``: one model per input kind, each fitted on its own rows; None: one model.
    sentiment : bool, default True
        Use the learnt model; False: the composition decides from relation, mention and cues
        alone (``none`` when no rule applies).
    rules : bool, default True
        Apply :func:`decide`; False: the learnt model alone (the gate still applies).
    base_sees_parts : bool, default True
        Give the parts' columns to the base model as features too.
    direction_balance : bool, default False
        Weight the speaker model's rows so that, within each label, rows whose target is named
        before the speaker (DSE's rare q -> p direction) weigh as much in total as the others.
    pair : bool, default False
        The ``len(PAIR_COLUMNS)`` columns right before ``stance_parts`` are ``stance_pair``'s (the
        5-class entity-pair model, :mod:`._pair`): on its active rows (speaker and target both
        named in the text) the learnt probabilities are the pair's favor/against/none of the
        row's direction (normalised) instead of the base model's; the side gate and the table
        apply after. The base models never see these columns (they are the pair model's
        in-sample predictions at fit time).
    pair_weight : float in [0, 1], default 1.0
        Share of the pair's probabilities on its active rows (the rest is the base model's).
    third_party_cues : bool, default True
        For a speaker of neither side (or of unknown side) whose words are quoted (the speaker is
        not named in the text) about an actor of the actors file, a hostile cue next to the named
        target is ``against`` it, a promise or praise next to it ``favor`` (not when hedged);
        False leaves those rows to the learnt sentiment. Free-name targets (people in general
        news, the corpora) are always left to it.
    random_state : int or None
        Passed to the base models that take one.

    Attributes
    ----------
    estimator_, nospeaker_estimator_ : fitted base models (``nospeaker_estimator_`` None without routing)
    classes_ : ndarray of str, ``["against", "favor", "none"]``
    """

    # parameters added after models were saved with this class: an older model file loads
    # without them and predicts as before
    pair = False
    pair_weight = 1.0

    def __init__(self, base="logreg", base_params=None, nospeaker_base=None, nospeaker_params=None,
                 route="split", sentiment=True, rules=True, base_sees_parts=True, direction_balance=False,
                 third_party_cues=True, pair=False, pair_weight=1.0, random_state=None):
        self.pair = pair
        self.pair_weight = pair_weight
        self.third_party_cues = third_party_cues
        self.direction_balance = direction_balance
        self.base = base
        self.base_params = base_params
        self.nospeaker_base = nospeaker_base
        self.nospeaker_params = nospeaker_params
        self.route = route
        self.sentiment = sentiment
        self.rules = rules
        self.base_sees_parts = base_sees_parts
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting

    def _split(self, X) -> tuple[Any, np.ndarray, np.ndarray | None]:
        """(base model input, parts (n, len(PART_COLUMNS)), the pair's columns (n, len(PAIR_COLUMNS))
        or None without ``pair``)."""
        X = X.tocsr() if sp.issparse(X) else sp.csr_matrix(np.asarray(X, dtype=np.float64))
        extra = _PW if self.pair else 0
        if X.shape[1] <= _W + extra:
            from newsclf.errors import ConfigError

            raise ConfigError("stance_compose needs stance_parts as the last feature (and at least one feature before it)")
        parts = X[:, X.shape[1] - _W:].toarray()
        side = parts[:, _SIDE]
        if not np.isin(side, (0.0, 1.0)).all() or (side.sum(axis=1) > 1).any():
            from newsclf.errors import ConfigError

            raise ConfigError("stance_compose: the last feature columns are not stance_parts'; list "
                              "{name: stance_parts} last under features")
        if not self.pair:
            base_X = X if self.base_sees_parts else X[:, : X.shape[1] - _W]
            return base_X, parts, None
        at = X.shape[1] - _W - _PW
        pair = X[:, at: at + _PW].toarray()
        if not np.isin(pair[:, 0], (0.0, 1.0)).all() or (pair[:, 1:4] < 0).any() or (pair[:, 1:4] > 1).any():
            from newsclf.errors import ConfigError

            raise ConfigError("stance_compose(pair: true): the columns before stance_parts are not stance_pair's; "
                              "list {name: stance_pair} right before {name: stance_parts}")
        kept = X[:, :at]
        base_X = sp.hstack([kept, X[:, X.shape[1] - _W:]], format="csr") if self.base_sees_parts else kept
        return base_X, parts, pair

    def _create(self, name: str, params: Mapping[str, Any] | None):
        import newsclf.pipeline.components  # noqa: F401  (registers the estimators)
        from newsclf.pipeline.registry import estimators

        params = dict(params or {})
        est = estimators.create(name, **params)
        if self.random_state is not None and "random_state" in est.get_params() and "random_state" not in params:
            est.set_params(random_state=self.random_state)
        return est

    def fit(self, X, y, sample_weight=None):
        if self.route not in (None, "split"):
            raise ValueError(f"stance_compose: route must be null or 'split', got {self.route!r}")
        base_X, parts, _ = self._split(X)
        y = np.asarray([str(v) for v in y], dtype=object)
        speaker = parts[:, -1] == 1
        self.nospeaker_estimator_ = None
        rows = speaker if self.route == "split" and speaker.any() and not speaker.all() else np.ones(len(y), bool)
        weight = sample_weight
        if self.direction_balance:
            weight = _direction_weights(y, parts[:, _TARGET_FIRST] == 1, rows)
            if sample_weight is not None:
                weight = weight * np.asarray(sample_weight, dtype=np.float64)
        self.estimator_ = self._fit_one(self._create(self.base, self.base_params), base_X, y, rows, weight)
        if not rows.all():
            self.nospeaker_estimator_ = self._fit_one(
                self._create(self.nospeaker_base or self.base,
                             self.nospeaker_params if self.nospeaker_params is not None else self.base_params),
                base_X, y, ~rows, sample_weight)
            if list(map(str, self.nospeaker_estimator_.classes_)) != list(map(str, self.estimator_.classes_)):
                raise ValueError("stance_compose: the routed models saw different labels; every kind of row needs all labels")
        self.classes_ = np.asarray([str(c) for c in self.estimator_.classes_], dtype=object)
        return self

    @staticmethod
    def _fit_one(est, X, y, rows, sample_weight):
        if sample_weight is None:
            return column_major_weights(est.fit(X[rows], y[rows]))
        return column_major_weights(est.fit(X[rows], y[rows], sample_weight=np.asarray(sample_weight)[rows]))

    # ------------------------------------------------------------------ prediction

    def _learnt(self, base_X, parts, pair=None) -> np.ndarray:
        """Gated probabilities of the base models (n_rows, n_classes); on the rows where ``pair``
        (stance_pair's columns) is active, the pair model's instead."""
        n = base_X.shape[0]
        classes = list(self.classes_)
        if not self.sentiment:
            proba = np.zeros((n, len(classes)))
            proba[:, classes.index("none")] = 1.0
            return proba
        proba = np.array(self.estimator_.predict_proba(base_X), dtype=np.float64)
        if self.nospeaker_estimator_ is not None:
            rows = parts[:, -1] != 1
            if rows.any():
                proba[rows] = self.nospeaker_estimator_.predict_proba(base_X[rows])
        if pair is not None:
            on = pair[:, 0] == 1
            if on.any():
                scores = pair[on, 1:4] + 1e-12
                scores /= scores.sum(axis=1, keepdims=True)
                w = float(self.pair_weight)
                for k, label in enumerate(("favor", "against", "none")):
                    j = classes.index(label)
                    proba[on, j] = w * scores[:, k] + (1 - w) * proba[on, j]
        none = classes.index("none")
        for col, label in ((0, "against"), (1, "favor")):  # same side: no against; opposing: no favor
            j = classes.index(label)
            rows = parts[:, col] == 1
            proba[rows, none] += proba[rows, j]
            proba[rows, j] = 0.0
        return proba

    def _decisions(self, X) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str, str, frozenset[str]]], list[str]]:
        """(final proba, learnt gated proba, (relation, mention, learnt label, cues) per row, reasons)."""
        check_is_fitted(self, "estimator_")
        base_X, parts, pair = self._split(X)
        learnt_proba = self._learnt(base_X, parts, pair)
        proba = learnt_proba.copy()
        classes = list(self.classes_)
        out = []
        reasons = []
        side = parts[:, _SIDE]
        relations = np.where(side.any(axis=1), side.argmax(axis=1), SIDE_RELATIONS.index("unknown"))
        men = parts[:, _MENTION]
        mentions = np.where(men.any(axis=1), men.argmax(axis=1), MENTION_KINDS.index("named"))
        learnt_idx = proba.argmax(axis=1)
        quoted = (parts[:, _IN_TEXT] != 1) & (parts[:, _ACTOR] == 1) & bool(self.third_party_cues)
        flag_sets: list[list[str]] = [[] for _ in range(proba.shape[0])]
        rows_, cols_ = np.nonzero(parts[:, _CUES])
        for i, j in zip(rows_.tolist(), cols_.tolist(), strict=True):
            flag_sets[i].append(CUE_COLUMNS[j])
        for i in range(proba.shape[0]):
            relation = SIDE_RELATIONS[relations[i]]
            mention = MENTION_KINDS[mentions[i]]
            flags = frozenset(flag_sets[i])
            learnt = classes[learnt_idx[i]] if self.sentiment else ""
            out.append((relation, mention, learnt, flags))
            if not self.rules:
                reasons.append(f"sentiment:{learnt}" if learnt else "none")
                continue
            label, reason = decide(relation, mention, flags, learnt, bool(quoted[i]))
            reasons.append(reason)
            if label != learnt:
                onehot = np.zeros(len(classes))
                onehot[classes.index(label)] = 1.0
                proba[i] = RULE_WEIGHT * onehot + (1 - RULE_WEIGHT) * proba[i]
        if pair is not None and self.sentiment:  # the learnt label came from the pair model there
            reasons = [r.replace("sentiment:", "pair:") if on else r for r, on in zip(reasons, pair[:, 0] == 1, strict=True)]
        return proba, learnt_proba, out, reasons

    def predict_proba(self, X) -> np.ndarray:
        """(n_rows, n_classes) probabilities; a rule decision's label holds at least 0.6."""
        return self._decisions(X)[0]

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def explain(self, X) -> list[dict[str, Any]]:
        """Per row: the label, the reason (which parts decided), the relation, the mention, the cues
        present and the learnt probabilities (``sentiment``)."""
        proba, learnt, parts, reasons = self._decisions(X)
        classes = list(self.classes_)
        out = []
        for i, ((relation, mention, _, flags), reason) in enumerate(zip(parts, reasons, strict=True)):
            item: dict[str, Any] = {
                "label": classes[int(proba[i].argmax())],
                "decided_by": reason,
                "side_relation": relation,
                "mention": mention,
                "cues": sorted(f for f in flags if f not in ("first_person",)),
            }
            if self.sentiment:
                item["sentiment"] = {c: round(float(learnt[i, j]), 4) for j, c in enumerate(classes)}
            out.append(item)
        return out

    @property
    def coef_(self) -> np.ndarray:
        """The base model's linear weights (for top-feature reports); AttributeError otherwise."""
        from newsclf.pipeline.explain import linear_weights

        found = linear_weights(self.estimator_)
        if found is None:
            raise AttributeError("the base model of stance_compose is not linear")
        coef = found[0]
        if not self.base_sees_parts:
            coef = np.hstack([coef, np.zeros((coef.shape[0], _W))])
        if self.pair:  # the pair's columns (before the parts) are not the base model's input
            coef = np.hstack([coef[:, : coef.shape[1] - _W], np.zeros((coef.shape[0], _PW)), coef[:, coef.shape[1] - _W:]])
        return coef


def explain_pipeline(pipeline: Any, frame) -> list[dict[str, Any]] | None:
    """:meth:`StanceCompose.explain` for a fitted ``Pipeline([features, stance_compose])``, or None
    when the pipeline's model is not a composition."""
    steps: Sequence = getattr(pipeline, "steps", ())
    if not steps or not isinstance(steps[-1][1], StanceCompose):
        return None
    return steps[-1][1].explain(pipeline[:-1].transform(frame))


def explain_records(pipeline: Any, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]] | None:
    """:func:`explain_pipeline` for stance records (``text``, ``target``, ``speaker``, ``side``);
    None when the model is not a composition, ``[]`` for no records."""
    if not records:
        return []
    from newsclf.tasks import to_frame

    return explain_pipeline(pipeline, to_frame("stance", records))

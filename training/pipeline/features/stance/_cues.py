"""Dense cues of a stance row (:class:`StanceCues`) and the relation columns (:class:`StanceRelation`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._actors import load_actor_aliases, relation
from ._marking import SPK, TGT, _as_frame, _column, _MarkingMixin, _tokens_of
from ._rules import _FIRST_PERSON, NEGATIONS, _negated_attribute, negated_attribute_cue, vow_cue


def _read_vader_lexicon() -> dict[str, float]:
    """The VADER lexicon shipped in the ``vaderSentiment`` wheel (a dependency)."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    lex = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                lex[parts[0]] = float(parts[1]) / 4.0
            except ValueError:
                continue
    return lex


def _valences(words: list[str], lex: Mapping[str, float], scope: int = 3) -> list[float]:
    """Lexicon valence per word, flipped (x -0.74, as VADER does) within ``scope`` words after a negation."""
    out = []
    left = 0
    for w in words:
        if w in NEGATIONS:
            left = scope
            out.append(0.0)
            continue
        v = lex.get(w, 0.0)
        if left > 0:
            v *= -0.74
            left -= 1
        out.append(v)
    return out


CUE_NAMES = (
    "tgt_named", "tgt_count", "spk_named", "rel_same", "rel_other", "rel_unknown", "negations",
    "neg_near_tgt", "valence", "valence_pos", "valence_neg", "valence_window", "quote_marks",
    "first_person", "length",
)


class StanceCues(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Dense cues of a stance row (names in :data:`CUE_NAMES`).

    Valence uses the VADER lexicon from the ``vaderSentiment`` wheel when installed at fit time
    (copied into ``lexicon_``, so the fitted model needs no package); otherwise it is 0. A word
    within three words after a negation counts with flipped, damped valence.

    Parameters
    ----------
    window : int, default 4
        Tokens around a target mention for ``neg_near_tgt`` and ``valence_window``.
    lexicon : {"vader", None}, default "vader"
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`
    attributes : bool, default False
        Two more cues: ``neg_attr`` (a positive attribute under negation, "no respect for",
        "not legitimate": :func:`negated_attribute_cue` with the lexicon's positive words) and
        ``vow`` (a first-person vow to keep fighting, :func:`vow_cue`).
    """

    attributes = False  # default for models pickled before the parameter existed

    def __init__(self, window=4, lexicon="vader", actors=None, pronouns="other", implicit=True, frame=True,
                 attributes=False):
        self.attributes = attributes
        self.window = window
        self.lexicon = lexicon
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    def fit(self, X, y=None):
        self._fit_actors()
        if self.lexicon not in ("vader", None):
            raise ValueError(f"stance_cues: lexicon must be 'vader' or null, got {self.lexicon!r}")
        self.lexicon_ = _read_vader_lexicon() if self.lexicon == "vader" else {}
        if self.lexicon == "vader" and not self.lexicon_:
            import warnings

            warnings.warn(
                "stance_cues: lexicon 'vader' needs the vaderSentiment package (pip install vaderSentiment); "
                "valence cues are 0 for this model",
                UserWarning,
                stacklevel=2,
            )
        self.n_features_out_ = len(self._names())
        return self

    def _names(self) -> tuple[str, ...]:
        return CUE_NAMES + (("neg_attr", "vow") if getattr(self, "attributes", False) else ())

    def transform(self, X):
        check_is_fitted(self, "lexicon_")
        frame = _as_frame(X)
        marked = self._marked(frame)
        targets = _column(frame, "target", "")
        sides = _column(frame, "side", "")
        texts = _column(frame, "text", "")
        lex = self.lexicon_
        w = int(self.window)
        attrs = bool(getattr(self, "attributes", False))
        out = np.zeros((len(marked), len(self._names())))
        for r, (toks, target, side, text) in enumerate(zip(_tokens_of(marked), targets, sides, texts, strict=True)):
            words = [t for t in toks if t != TGT and t != SPK]
            idx = [i for i, t in enumerate(toks) if t == TGT]
            rel = relation(str(side or ""), str(target or ""), self.actors_)
            vals = _valences(words, lex)
            negs = sum(t in NEGATIONS for t in words)
            near = set()
            for i in idx:
                near.update(range(max(0, i - w), min(len(toks), i + w + 1)))
            near_toks = [toks[i] for i in near if toks[i] not in (TGT, SPK)]
            if attrs:
                raw = "" if text is None else str(text)
                out[r, len(CUE_NAMES):] = (_negated_attribute(toks, lex), vow_cue(raw))
            out[r, : len(CUE_NAMES)] = (
                bool(idx), math.log1p(len(idx)), SPK in toks, rel == "same", rel == "other",
                rel == "unknown", min(negs, 3) / 3, any(t in NEGATIONS for t in near_toks),
                math.tanh(sum(vals) / 2), math.tanh(sum(v for v in vals if v > 0) / 2),
                math.tanh(-sum(v for v in vals if v < 0) / 2),
                math.tanh(sum(lex.get(t, 0.0) for t in near_toks) / 2),
                any(q in str(text or "") for q in "\"“”"), bool(_FIRST_PERSON.search(str(text or ""))),
                min(len(words), 100) / 100,
            )
        return sp.csr_matrix(out)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["cue:" + n for n in self._names()], dtype=object)


class StanceRelation(TransformerMixin, BaseEstimator):
    """Two columns: the row's speaker side is the target actor (``rel_same``) or another actor
    (``rel_other``); both 0 when unknown. List it **last** in a config whose model is
    ``relation_gate``, which reads these two columns.

    Parameters
    ----------
    actors : dict or None
        Actor key -> aliases; ``None`` reads the actors file when fitting (kept in ``actors_``).
    cues : bool, default False
        Also three columns *before* the relation columns, for ``relation_gate(rules=True)``:
        ``rule:vow`` (a first-person vow to keep fighting, :func:`vow_cue`) and ``rule:neg_attr``
        (a positive attribute under negation, :func:`negated_attribute_cue`), both only set on
        rows whose relation is known (quotes of a speaker on a side toward an actor), and
        ``rule:speaker`` (the row names a speaker: DSE rows and quotes, not NewsMTSC sentences;
        used for the gate's ``nospeaker_weight``).
    """

    cues = False  # default for models pickled before the parameter existed

    def __init__(self, actors=None, cues=False):
        self.actors = actors
        self.cues = cues

    def fit(self, X, y=None):
        actors = load_actor_aliases() if self.actors is None else dict(self.actors)
        self.actors_ = {str(k).lower(): tuple(v) for k, v in actors.items()}
        return self

    def transform(self, X):
        check_is_fitted(self, "actors_")
        frame = _as_frame(X)
        rels = [relation(str(side or ""), str(target or ""), self.actors_)
                for side, target in zip(_column(frame, "side", ""), _column(frame, "target", ""), strict=True)]
        out = np.array([[r == "same", r == "other"] for r in rels], dtype=np.float64).reshape(-1, 2)
        if getattr(self, "cues", False):
            cue = np.zeros((len(rels), 3))
            speakers = _column(frame, "speaker", "")
            for i, (r, text, spk) in enumerate(zip(rels, _column(frame, "text", ""), speakers, strict=True)):
                cue[i, 2] = isinstance(spk, str) and bool(spk.strip())
                if r != "unknown":
                    text = "" if text is None else str(text)
                    cue[i, :2] = (vow_cue(text), negated_attribute_cue(text))
            out = np.hstack([cue, out])
        return sp.csr_matrix(out)

    def get_feature_names_out(self, input_features=None):
        names = ["rel:same", "rel:other"]
        if getattr(self, "cues", False):
            names = ["rule:vow", "rule:neg_attr", "rule:speaker"] + names
        return np.asarray(names, dtype=object)

"""The entity-pair member: a 5-class model of "who is positive or negative toward whom" (``stance_pair``).

A sentence that names both the speaker and the target (DSE's rows, reported speech: "X slammed
Y", "Y, X said, is a liar") holds one of five relations between its first-named entity *p* and
its second *q*: none, p favours q, q favours p, p is against q, q is against p. :class:`StancePair`
learns those five classes directly over the pair, with both entities marked in place
(``e1s p e1e ... e2s q e2e``), from the directed training rows (the two directions of one
sentence are one pair; the pair's label is rebuilt from them), and gives each directed row the
probabilities of its own direction::

    speaker = p:  favor = P(1), against = P(3), none = P(0) + P(2) + P(4)
    speaker = q:  favor = P(2), against = P(4), none = P(0) + P(1) + P(3)

so the two directions of a pair come from one joint distribution (their non-none probabilities
sum to 1 - P(0)). Besides the marked words, each pair gets structural tokens that tell who
acts on whom: the words between the entities, the words next to each, whether each sits inside
quotation marks, speech verbs next to each ("p said", "said q", "according to q"), "by q"
(passive agent), and lexicon sentiment words (VADER + AFINN) by region (before p, between,
after q), negated or not.

Rows where the speaker or the target is not named in the text (quotes, NewsMTSC-like sentences)
are inactive: their columns are zero and ``stance_compose`` uses its other models for them.

**Memory** (``memory=True``, OFF by default): the pairs seen in training are remembered by a
64-bit hash of (normalised text, p, q) and their label is returned as is when the same sentence
and pair come again. This memorises exact duplicates (DSE's valid has 392 rows copied from
train, news syndication) and nothing else: it raises the "all rows" figure without any
generalisation, so a figure with memory on is always reported beside the de-duplicated one.

Consumed by ``stance_compose(pair=True)`` (list ``stance_pair`` right before ``stance_parts``):
on active rows the learnt probabilities are the pair's (normalised), then the side gate and the
decision table apply as for any row.

Output columns (:data:`PAIR_COLUMNS`), shape (n_rows, 5): ``pair:active``, ``pair:favor``,
``pair:against``, ``pair:none`` (the row's direction), ``pair:remembered``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from ._actors import _find_names, _free_name_variants
from ._marking import _as_frame, _column
from ._vocab import TokenTfidf, word_ngrams

__all__ = ["PAIR_COLUMNS", "StancePair", "locate_pair", "pair_tokens"]

PAIR_COLUMNS = ("pair:active", "pair:favor", "pair:against", "pair:none", "pair:remembered")
N_CLASSES = 5

_TOK = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[,.;:!?\"“”()]")
SPEECH = frozenset(
    "said says say saying told tells tell stated states argued argues added adds wrote writes claimed claims "
    "accused accuses called calls urged urges praised praises criticized criticised criticizes criticises "
    "blamed blames announced announces tweeted tweets insisted insists warned warns declared declares noted "
    "notes explained explains according".split()
)
NEGATORS = frozenset("not no never nobody nothing without cannot".split())
_QUOTES = '"“”'


def _toks(text: str) -> list[str]:
    return _TOK.findall(text.lower().replace("’", "'"))


def _first(text: str, name: str) -> tuple[int, int] | None:
    spans = _find_names(text, _free_name_variants(name))
    return min(spans) if spans else None


def locate_pair(text: str, speaker: str, target: str) -> tuple[tuple[int, int], tuple[int, int], bool] | None:
    """(p span, q span, speaker is p) for a row whose speaker and target are both named in
    ``text`` (first mention of each, free-name matching), or None (either missing, the same name,
    or overlapping mentions)."""
    s_name, t_name = (speaker or "").strip(), (target or "").strip()
    if not s_name or not t_name or s_name.lower() == t_name.lower():
        return None
    s, t = _first(text, s_name), _first(text, t_name)
    if s is None or t is None or (s[0] < t[1] and t[0] < s[1]):
        return None
    return (s, t, True) if s[0] < t[0] else (t, s, False)


def _inside_quotes(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def pair_tokens(text: str, p: tuple[int, int], q: tuple[int, int], positive: frozenset[str],
                negative: frozenset[str], context: int | None = None) -> tuple[list[str], list[str]]:
    """(marked word 1-2-grams, structural tokens) of one pair; ``p`` is named before ``q``.

    Structural tokens: ``b_<w>``/``bb_<w1>_<w2>`` words between the entities, ``blen_<k>`` their
    number (in threes, capped), ``l1_``/``r2_`` up to three words before p / after q, ``pl_``,
    ``pr_``, ``ql_``, ``qr_`` the words right next to p and q, ``quote_<p in><q in>`` (or
    ``noquote``), speech-verb positions (``p_say_near``, ``q_then_say``, ``say_then_q``,
    ``by_q``...) and ``<pos|neg|npos|nneg>_<L|B|R>`` lexicon words by region (``..._B_w_<w>`` with
    the word for the region between), ``nopolar`` when there are none.
    """
    (a, b), (c, d) = p, q
    left, pw, between, qw, right = _toks(text[:a]), _toks(text[a:b]), _toks(text[b:c]), _toks(text[c:d]), _toks(text[d:])
    near_left, near_right = (left, right) if context is None else (left[max(0, len(left) - context):], right[:context])
    marked = [*near_left, "e1s", *pw, "e1e", *between, "e2s", *qw, "e2e", *near_right]
    words = word_ngrams(marked, (1, 2))
    f = ["b_" + w for w in between]
    f += ["bb_" + x + "_" + y for x, y in zip(between, between[1:], strict=False)]
    f += ["l1_" + w for w in left[-3:]] + ["r2_" + w for w in right[:3]]
    f += ["pl_" + w for w in left[-1:]] + ["qr_" + w for w in right[:1]]
    f += ["pr_" + w for w in between[:2]] + ["ql_" + w for w in between[-2:]]
    f.append(f"blen_{min(len(between) // 3, 6)}")
    if any(ch in text for ch in _QUOTES):
        f.append(f"quote_{int(_inside_quotes(text, a))}{int(_inside_quotes(text, c))}")
    else:
        f.append("noquote")
    if not SPEECH.isdisjoint(left[-3:] + between[:3]):
        f.append("p_say_near")
    if not SPEECH.isdisjoint(between[-3:] + right[:3]):
        f.append("q_say_near")
    for flag, ws in (("q_then_say", right[:1]), ("p_then_say", between[:1]), ("say_then_q", between[-1:]),
                     ("say_then_p", left[-1:])):
        if ws and ws[0] in SPEECH:
            f.append(flag)
    if between[-1:] == ["by"]:
        f.append("by_q")
    if "by" in between:
        f.append("by_between")
    for flag, ws in (("say_between", between), ("say_after", right), ("say_before", left)):
        if not SPEECH.isdisjoint(ws):
            f.append(flag)
    polar = []
    for region, ws in (("L", left), ("B", between), ("R", right)):
        for i, w in enumerate(ws):
            sign = "pos" if w in positive else "neg" if w in negative else ""
            if not sign:
                continue
            if any(x in NEGATORS or x.endswith("n't") for x in ws[max(0, i - 3):i]):
                sign = "n" + sign
            polar.append(f"{sign}_{region}")
            if region == "B":
                polar.append(f"{sign}_B_w_{w}")
    f += polar or ["nopolar"]
    return words, f


def _key(text: str, p_name: str, q_name: str) -> int:
    """Stable 64-bit hash of (normalised text, p, q) (not Python's ``hash``, which changes per process)."""
    norm = " ".join(text.lower().split()) + "\t" + p_name.strip().lower() + "\t" + q_name.strip().lower()
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")


def _pair_label(directed: Sequence[tuple[str, bool]]) -> int:
    """5-class label of a pair from its directed rows (label, speaker is p): the most frequent
    favor/against row decides (1/2 favor p->q / q->p, 3/4 against), else 0."""
    votes: dict[int, int] = {}
    for label, speaker_first in directed:
        if label in ("favor", "against"):
            k = (1 if speaker_first else 2) + (2 if label == "against" else 0)
            votes[k] = votes.get(k, 0) + 1
    return max(sorted(votes), key=votes.get) if votes else 0


def _read_polar(names: Sequence[str]) -> tuple[list[str], list[str]]:
    from ._polarity import read_lexicon

    lex = read_lexicon(list(names))
    return sorted(w for w, v in lex.items() if v >= 0.2), sorted(w for w, v in lex.items() if v <= -0.2)


class StancePair(TransformerMixin, BaseEstimator):
    """The 5-class entity-pair model (see the module docstring) as a featurizer, shape (n_rows, 5).

    Parameters
    ----------
    C : float, default 0.5
        Inverse regularisation of the logistic regression (class_weight balanced).
    min_df : int, default 2
        Minimum number of training pairs of a kept word n-gram or structural token.
    memory : bool, default False
        Return the training label of a pair seen in training (exact duplicates only; see the
        module docstring: off by default, it memorises syndicated duplicates).
    cv : int, default 0
        0: the fit-time output is the fitted model's own (in-sample) prediction, fine for
        ``stance_compose``, which does not learn from these columns; k >= 2: out-of-fold
        predictions over k folds grouped by sentence (no memory), for estimators that do.
    lexicons : tuple of str, default ("vader", "afinn")
        Lexicons of the sentiment-word tokens (copied into the model when fitting).
    context : int or None, default None
        Words kept before the first entity and after the second in the marked word n-grams
        (None: the whole sentence; the structural tokens always see their own regions).
    random_state : int or None
        Unused by the model (logistic regression, lbfgs); kept so the seed threads through.

    Attributes
    ----------
    words_, struct_ : TokenTfidf
    model_ : LogisticRegression over 5 classes (0-4)
    n_pairs_ : int, training pairs
    memory_keys_ : ndarray of uint64 (sorted), memory_labels_ : ndarray of int8
    positive_, negative_ : str, lexicon words (newline-joined)
    """

    def __init__(self, C=0.5, min_df=2, memory=False, cv=0, lexicons=("vader", "afinn"), context=None,
                 random_state=None):
        self.context = context
        self.C = C
        self.min_df = min_df
        self.memory = memory
        self.cv = cv
        self.lexicons = lexicons
        self.random_state = random_state

    # lexicon sets are built lazily and kept out of the saved state
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        state.pop("_polar", None)
        return state

    def _lexicon(self) -> tuple[frozenset[str], frozenset[str]]:
        polar = self.__dict__.get("_polar")
        if polar is None:
            polar = (frozenset(self.positive_.split("\n")), frozenset(self.negative_.split("\n")))
            self.__dict__["_polar"] = polar
        return polar

    def _rows(self, X) -> list[tuple[str, str, str]]:
        frame = _as_frame(X)
        cols = [[("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) for v in _column(frame, c, "")]
                for c in ("text", "speaker", "target")]
        return list(zip(*cols, strict=True))

    def _model(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)

    def _matrix(self, docs: Sequence[tuple[list[str], list[str]]]):
        return sp.hstack([self.words_.transform([w for w, _ in docs]), self.struct_.transform([s for _, s in docs])],
                         format="csr")

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        if y is None:
            raise ValueError("stance_pair needs labels: it fits the pair model inside the featurizer")
        if int(self.cv) == 1 or int(self.cv) < 0:
            raise ValueError(f"stance_pair: cv must be 0 (in-sample) or >= 2, got {self.cv}")
        pos, neg = _read_polar(self.lexicons)
        self.positive_, self.negative_ = "\n".join(pos), "\n".join(neg)
        self.__dict__.pop("_polar", None)
        polar = self._lexicon()
        rows = self._rows(X)
        labels = [str(v) for v in y]
        pairs: dict[int, dict[str, Any]] = {}
        row_pair = np.full(len(rows), -1, dtype=np.int64)
        first = np.zeros(len(rows), dtype=bool)
        order: list[int] = []
        for i, (text, speaker, target) in enumerate(rows):
            found = locate_pair(text, speaker, target)
            if found is None:
                continue
            p, q, speaker_first = found
            first[i] = speaker_first
            names = (speaker, target) if speaker_first else (target, speaker)
            key = _key(text, *names)
            entry = pairs.get(key)
            if entry is None:
                entry = pairs[key] = {"text": text, "p": p, "q": q, "directed": [], "index": len(order)}
                order.append(key)
            entry["directed"].append((labels[i], speaker_first))
            row_pair[i] = entry["index"]
        if len(pairs) < 10:
            raise ValueError(f"stance_pair: only {len(pairs)} training rows name both the speaker and the target; "
                             "it needs DSE-like rows (drop stance_pair from the features otherwise)")
        entries = [pairs[k] for k in order]
        y5 = np.asarray([_pair_label(e["directed"]) for e in entries], dtype=np.int64)
        docs = [pair_tokens(e["text"], e["p"], e["q"], *polar, self.context) for e in entries]
        self.words_ = TokenTfidf(min_df=self.min_df, sublinear_tf=True)
        self.struct_ = TokenTfidf(min_df=self.min_df, sublinear_tf=True)
        M = sp.hstack([self.words_.fit_transform([w for w, _ in docs]), self.struct_.fit_transform([s for _, s in docs])],
                      format="csr")
        from newsclf.pipeline.estimators import column_major_weights

        self.model_ = column_major_weights(self._model().fit(M, y5))
        self.n_pairs_ = len(entries)
        keys = np.asarray(order, dtype=np.uint64)
        idx = np.argsort(keys)
        self.memory_keys_, self.memory_labels_ = keys[idx], y5[idx].astype(np.int8)
        if int(self.cv) >= 2:
            P = np.zeros((len(entries), N_CLASSES))
            groups = [" ".join(e["text"].lower().split()) for e in entries]
            for a, b in GroupKFold(n_splits=int(self.cv)).split(M, y5, groups):
                P[b] = _full_proba(self._model().fit(M[a], y5[a]), M[b])
        else:
            P = _full_proba(self.model_, M)
        remembered = np.zeros(len(entries), dtype=bool)
        return _directed(rows, row_pair, P, remembered, first)

    def transform(self, X):
        check_is_fitted(self, "model_")
        rows = self._rows(X)
        polar = self._lexicon()
        row_pair = np.full(len(rows), -1, dtype=np.int64)
        first = np.zeros(len(rows), dtype=bool)
        keys: list[int] = []
        docs = []
        for i, (text, speaker, target) in enumerate(rows):
            found = locate_pair(text, speaker, target)
            if found is None:
                continue
            p, q, speaker_first = found
            row_pair[i] = len(docs)
            first[i] = speaker_first
            if self.memory:
                keys.append(_key(text, *((speaker, target) if speaker_first else (target, speaker))))
            docs.append(pair_tokens(text, p, q, *polar, self.context))
        P = _full_proba(self.model_, self._matrix(docs)) if docs else np.zeros((0, N_CLASSES))
        remembered = np.zeros(len(docs), dtype=bool)
        if self.memory and docs and len(self.memory_keys_):
            k = np.asarray(keys, dtype=np.uint64)
            at = np.minimum(np.searchsorted(self.memory_keys_, k), len(self.memory_keys_) - 1)
            remembered = self.memory_keys_[at] == k
            P[remembered] = np.eye(N_CLASSES)[self.memory_labels_[at[remembered]]]
        return _directed(rows, row_pair, P, remembered, first)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(PAIR_COLUMNS, dtype=object)


def _full_proba(model: LogisticRegression, M) -> np.ndarray:
    """(n, 5) probabilities over classes 0-4 (a class unseen in training gets 0)."""
    out = np.zeros((M.shape[0], N_CLASSES))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = model.predict_proba(M)
    return out


def _directed(rows: Sequence[Any], row_pair: np.ndarray, P: np.ndarray, remembered: np.ndarray,
              first: np.ndarray) -> sp.csr_matrix:
    """Per row: active, favor, against, none of the row's own direction, remembered."""
    out = np.zeros((len(rows), len(PAIR_COLUMNS)))
    on = row_pair >= 0
    if on.any():
        Pr = P[row_pair[on]]
        f = first[on]
        favor = np.where(f, Pr[:, 1], Pr[:, 2])
        against = np.where(f, Pr[:, 3], Pr[:, 4])
        out[on, 0] = 1.0
        out[on, 1] = favor
        out[on, 2] = against
        out[on, 3] = np.clip(1.0 - favor - against, 0.0, 1.0)
        out[on, 4] = remembered[row_pair[on]]
    return sp.csr_matrix(out)


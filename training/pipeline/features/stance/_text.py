"""Sparse text featurizers over the marked text: :class:`StanceTfidf`, :class:`StanceWindows`."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ._marking import SPK, TGT, _MarkingMixin, _tokens_of
from ._rules import _TOKEN, NEGATIONS
from ._vocab import TokenTfidf, word_ngrams, words


class StanceTfidf(_MarkingMixin, TransformerMixin, BaseEstimator):
    """TF-IDF over the target-marked text (see :func:`mark_text`).

    Parameters
    ----------
    analyzer : {"word", "char_wb", "char"}, default "word"
    ngram_range : tuple, default (1, 2)
    min_df : int or float, default 2
    max_df : float, default 1.0
    sublinear_tf : bool, default True
    max_features : int or None
    actors : dict or None
        Actor key -> aliases; ``None`` reads the actors file when fitting (kept in ``actors_``).
    pronouns : {"other", "both", "none"}, default "other"
    implicit, frame : bool, default True
        Relation-aware rewrites (see :func:`mark_text`).
    keep_mention : bool, default False
        Keep the mention's words between two ``tgt`` marks instead of masking them.
    domain : {None, "speaker", "order"}
        ``"speaker"`` adds two copies of the features, one non-zero only for rows with a known
        speaker (DSE-like rows and quotes), one only for rows without (NewsMTSC-like), so a joint
        model learns shared and domain-specific weights ("frustratingly easy" domain adaptation);
        ``"order"`` splits the copies by whether the speaker is named before the target (DSE's
        p -> q rows and quotes) or after it (q -> p); tried for DSE's 5 classes, not better.

    Attributes
    ----------
    actors_ : dict
    vectorizer_ : TfidfVectorizer
    """

    def __init__(self, analyzer="word", ngram_range=(1, 2), min_df=2, max_df=1.0, sublinear_tf=True,
                 max_features=None, actors=None, pronouns="other", implicit=True, frame=True,
                 keep_mention=False, domain=None):
        self.keep_mention = keep_mention
        self.domain = domain
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.max_features = max_features
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    def _make(self, min_df):
        if self.analyzer == "word":  # pre-tokenized: fast counting at prediction time (see _vocab)
            return TokenTfidf(min_df=min_df, max_df=self.max_df, max_features=self.max_features,
                              sublinear_tf=self.sublinear_tf)
        return TfidfVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range), min_df=min_df,
                               max_df=self.max_df, sublinear_tf=self.sublinear_tf,
                               max_features=self.max_features, dtype=np.float64)

    def _docs(self, texts: list[str]) -> list:
        """Feature lists (word n-grams) for :class:`TokenTfidf`, the texts for a TfidfVectorizer."""
        if isinstance(self.vectorizer_, TokenTfidf):
            rng = tuple(self.ngram_range)
            return [word_ngrams(words(t), rng) for t in texts]
        return texts

    def _domain(self) -> str | None:
        domain = getattr(self, "domain", None)  # models pickled before the parameter existed
        if domain not in (None, "speaker", "order"):
            raise ValueError(f"stance_tfidf: domain must be null, 'speaker' or 'order', got {domain!r}")
        return domain

    def _with_domain(self, Xt, texts: list[str]):
        """``[X | X * speaker-known | X * no-speaker]``: shared and per-domain copies (sparse ops)."""
        if self._domain() is None:
            return Xt
        if self._domain() == "order":
            has = np.fromiter((_speaker_first(t) for t in texts), dtype=np.float64, count=len(texts))
        else:
            has = np.fromiter((t.startswith(SPK + " ") or f" {SPK} " in t for t in texts), dtype=np.float64,
                              count=len(texts))
        Xt = sp.csr_matrix(Xt)
        return sp.hstack([Xt, sp.diags(has) @ Xt, sp.diags(1.0 - has) @ Xt], format="csr")

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        self._fit_actors()
        self._domain()
        texts = self._marked(X)
        self.vectorizer_ = self._make(self.min_df)
        docs = self._docs(texts)
        try:
            Xt = self.vectorizer_.fit_transform(docs)
        except ValueError:  # tiny data: min_df prunes everything
            self.vectorizer_ = self._make(1)
            Xt = self.vectorizer_.fit_transform(docs)
        return self._with_domain(Xt, texts)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        texts = self._marked(X)
        return self._with_domain(self.vectorizer_.transform(self._docs(texts)), texts)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        names = self.vectorizer_.get_feature_names_out()
        if self._domain() is None:
            return names
        return np.concatenate([names, np.asarray(["spk:" + n for n in names], dtype=object),
                               np.asarray(["nospk:" + n for n in names], dtype=object)])


def _speaker_first(marked: str) -> bool:
    """The speaker is named before the target's first mention (or the target is not named):
    DSE's p -> q rows and framed quotes; False for q -> p rows ("tgt ... spk")."""
    t = marked.find(f"{TGT} ")
    if t < 0:
        return True
    s = marked.find(f"{SPK} ")
    return 0 <= s < t


def _between_tokens(toks: list[str], idx: list[int], max_gap: int) -> list[str]:
    """Order of speaker and target and the words between their nearest mentions: ``st_<w>``
    (speaker first) or ``ts_<w>`` (target first); ``st_far``/``ts_far`` beyond ``max_gap`` words.
    Tells who acts on whom ("spk blamed tgt" vs "tgt blamed spk")."""
    sidx = [i for i, t in enumerate(toks) if t == SPK]
    if not sidx or not idx:
        return []
    i, j = min(((a, b) for a in sidx for b in idx), key=lambda p: abs(p[0] - p[1]))
    prefix = "st_" if i < j else "ts_"
    lo, hi = min(i, j), max(i, j)
    gap = [t for t in toks[lo + 1 : hi] if t not in (TGT, SPK)]
    if len(gap) > max_gap:
        return [prefix + "far"]
    return [prefix + "order"] + [prefix + t for t in gap]


def _window_tokens(marked: str | list[str], window: int, between: int = 0) -> str:
    toks = _TOKEN.findall(marked.lower()) if isinstance(marked, str) else marked
    idx = [i for i, t in enumerate(toks) if t == TGT]
    if not idx:
        return "notgt"
    out = _between_tokens(toks, idx, between) if between else []
    for i in idx:
        left = [t for t in toks[max(0, i - window): i] if t != TGT]
        right = [t for t in toks[i + 1: i + 1 + window] if t != TGT]
        if i > 0:
            out.append("l1_" + toks[i - 1])
        if i + 1 < len(toks):
            out.append("r1_" + toks[i + 1])
        out.extend("l_" + t for t in left)
        out.extend("r_" + t for t in right)
        neg = any(t in NEGATIONS for t in left + right)
        if neg:
            out.append("neg_near")
    return " ".join(out)


class StanceWindows(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Bag of the words around each target mention: ``l_w``/``r_w`` within ``window`` tokens,
    ``l1_w``/``r1_w`` adjacent, ``neg_near`` when a negation is in the window, ``notgt`` when the
    target is not mentioned. TF-IDF weighted.

    Parameters
    ----------
    window : int, default 4
    min_df : int, default 2
    between : int, default 0
        When > 0, also the order of speaker and target and the words between them (up to this many;
        ``st_``/``ts_`` tokens, see :func:`_between_tokens`).
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`
    """

    def __init__(self, window=4, min_df=2, sublinear_tf=True, actors=None, pronouns="other", implicit=True,
                 frame=True, between=0):
        self.between = between
        self.window = window
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    def _docs(self, X):
        between = int(getattr(self, "between", 0) or 0)
        return [_window_tokens(t, int(self.window), between) for t in _tokens_of(self._marked(X))]

    def _make(self, min_df):
        return TokenTfidf(min_df=min_df, sublinear_tf=self.sublinear_tf)

    def _features(self, X) -> list:
        docs = self._docs(X)
        return docs if isinstance(self.vectorizer_, TfidfVectorizer) else [d.split() for d in docs]

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        self._fit_actors()
        self.vectorizer_ = self._make(self.min_df)
        docs = self._features(X)
        try:
            return self.vectorizer_.fit_transform(docs)
        except ValueError:
            self.vectorizer_ = self._make(1)
            return self.vectorizer_.fit_transform(docs)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(self._features(X))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return np.asarray(["win:" + f for f in self.vectorizer_.get_feature_names_out()], dtype=object)

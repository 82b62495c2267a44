"""A lean TF-IDF over pre-tokenized documents (:class:`TokenTfidf`), for prediction speed.

scikit-learn's ``TfidfVectorizer.transform`` looks every n-gram up in a dict inside a Python
loop and pays a ``KeyError`` for each out-of-vocabulary one; at prediction time most bigrams are
unseen, so counting costs more than tokenizing. :class:`TokenTfidf` takes lists of features
(already tokenized, n-grams included: :func:`word_ngrams`), counts the known ones in one flat
pass and weights them with a fitted ``TfidfTransformer``. For the same
features, vocabulary rules (``min_df``, ``max_df``, ``max_features``) and weighting it gives the
same matrix as ``TfidfVectorizer``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.utils.validation import check_is_fitted

__all__ = ["TokenTfidf", "word_ngrams", "words"]

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens (scikit-learn's word ``token_pattern`` with one-letter words kept)."""
    return _WORD.findall(text.lower())


def word_ngrams(tokens: Sequence[str], ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """Word n-grams joined by a space, as scikit-learn builds them (unigrams first)."""
    lo, hi = ngram_range
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        if n == 2:
            out.extend([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)])
        else:
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


class TokenTfidf(BaseEstimator):
    """TF-IDF over lists of features.

    Parameters
    ----------
    min_df : int or float, default 1
        Minimum document count (int) or share (float) of a kept feature.
    max_df : float or int, default 1.0
    max_features : int or None
        Keep the most frequent features only (total count; ties by name).
    sublinear_tf : bool, default True

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Sorted features -> column.
    tfidf_ : TfidfTransformer
    """

    def __init__(self, min_df=1, max_df=1.0, max_features=None, sublinear_tf=True):
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    # The vocabulary is saved as one newline-joined string of the features in column order:
    # a dict of ~200k entries costs skops a typed node per key (a 180 MB schema, 10x slower loads).
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: object.__getstate__ returns the live __dict__
        vocab = state.get("vocabulary_")
        if isinstance(vocab, dict) and not any("\n" in f for f in vocab):
            del state["vocabulary_"]
            state["vocabulary_lines_"] = "\n".join(sorted(vocab, key=vocab.get))
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        lines = state.pop("vocabulary_lines_", None)
        super().__setstate__(state)
        if lines is not None:
            self.vocabulary_ = {f: i for i, f in enumerate(lines.split("\n"))} if lines else {}

    def _counts(self, docs: Iterable[Sequence[str]]) -> sp.csr_matrix:
        # one flat pass of dict lookups (-1 = unknown), then scipy sums repeated (row, column)
        # pairs: ~2x faster than a Counter per document
        get = self.vocabulary_.get
        flat: list[int] = []
        lengths: list[int] = []
        for feats in docs:
            flat.extend(map(get, feats, repeat(-1)))
            lengths.append(len(feats))
        cols = np.fromiter(flat, dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        known = cols >= 0
        X = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], cols[known])),
                          shape=(len(lengths), len(self.vocabulary_)))
        X.sum_duplicates()
        return X

    def fit(self, docs: Sequence[Sequence[str]], y=None) -> TokenTfidf:
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[Sequence[str]], y=None) -> sp.csr_matrix:
        """Build the vocabulary from ``docs`` (n_docs lists of features); return (n_docs, n_features)."""
        docs = list(docs)
        n = len(docs)
        df = Counter(f for feats in docs for f in set(feats))
        lo = self.min_df if isinstance(self.min_df, int) else int(np.ceil(self.min_df * n))
        hi = self.max_df if isinstance(self.max_df, int) else int(np.floor(self.max_df * n))
        kept = [f for f, c in df.items() if lo <= c <= hi]
        if self.max_features is not None and len(kept) > self.max_features:  # most frequent (term count)
            tf = Counter(f for feats in docs for f in feats)
            kept = sorted(kept, key=lambda f: (-tf[f], f))[: self.max_features]
        if not kept:
            raise ValueError("TokenTfidf: no feature left after min_df/max_df pruning")
        self.vocabulary_ = {f: i for i, f in enumerate(sorted(kept))}
        counts = self._counts(docs)
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(counts)
        return self.tfidf_.transform(counts)

    def transform(self, docs: Iterable[Sequence[str]]) -> sp.csr_matrix:
        """(n_docs, n_features) TF-IDF rows of ``docs``; unknown features are ignored."""
        check_is_fitted(self, "tfidf_")
        return self.tfidf_.transform(self._counts(docs))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

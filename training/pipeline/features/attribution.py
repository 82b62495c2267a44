"""Featurizers of the ``attribution`` task (rows = a quote and one candidate speaker).

``attribution_signals``  one binary column per structural signal token of the row's ``signals``
                         column (direction, distances, reporting verb, kind, rule agreement and
                         their crosses; see :mod:`newsclf.data.attribution`), plus the numeric
                         ``distance`` column scaled to about [0, 1]
``attribution_link``     binary word n-grams (up to 3) of the linking words (``text``:
                         ``QQ COMMA said CC``, already tokenised by spaces), l2-normalised

Both follow the scikit-learn contract and keep only plain data (a vocabulary dict, arrays) in
their fitted state.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.registry import featurizers

__all__ = ["LinkNgrams", "SignalVectorizer", "attribution_link", "attribution_signals"]


def _column(X, name: str, default):
    if isinstance(X, pd.DataFrame):
        if name not in X.columns:
            raise ValueError(f"attribution featurizer: column {name!r} missing; columns: {list(X.columns)}")
        return X[name].tolist()
    raise ValueError("attribution featurizers need the task's input DataFrame")


class SignalVectorizer(TransformerMixin, BaseEstimator):
    """Binary bag of space-separated signal tokens, plus scaled numeric columns.

    Parameters
    ----------
    column : str, default "signals"
    numeric : tuple of str, default ("distance",)
        Numeric input columns appended as they are, divided by ``scale``.
    scale : float, default 10.0
    min_df : int, default 2
        Tokens seen in fewer training rows are dropped.
    """

    def __init__(self, column="signals", numeric=("distance",), scale=10.0, min_df=2):
        self.column = column
        self.numeric = numeric
        self.scale = scale
        self.min_df = min_df

    def fit(self, X, y=None):
        counts: Counter[str] = Counter()
        for s in _column(X, self.column, ""):
            counts.update(set(str(s).split()))
        kept = sorted(t for t, n in counts.items() if n >= int(self.min_df))
        self.vocabulary_ = {t: i for i, t in enumerate(kept)}
        self.n_features_out_ = len(kept) + len(tuple(self.numeric))
        return self

    def transform(self, X):
        check_is_fitted(self, "vocabulary_")
        out = _binary_rows([str(s).split() for s in _column(X, self.column, "")], self.vocabulary_)
        numeric = tuple(self.numeric)
        if numeric:
            extra = np.column_stack([np.asarray(_column(X, c, 0.0), dtype=float) for c in numeric])
            out = sp.hstack([out, sp.csr_matrix(extra / float(self.scale))], format="csr")
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vocabulary_")
        names = sorted(self.vocabulary_, key=self.vocabulary_.get)
        return np.asarray([*names, *tuple(self.numeric)], dtype=object)


def _binary_rows(token_lists: list[list[str]], vocab: dict[str, int], norm: bool = False):
    """CSR matrix (n_rows, len(vocab)) with 1 where a row has a known token (l2-normalised rows
    with ``norm``); one dictionary lookup per token, the rest in numpy."""
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    get = vocab.get
    cols = np.fromiter((get(t, -1) for toks in token_lists for t in toks), dtype=np.int64,
                       count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    known = cols >= 0
    out = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], cols[known])),
                        shape=(len(token_lists), len(vocab)))
    out.sum_duplicates()
    out.data[:] = 1.0
    if norm:
        counts = np.diff(out.indptr)
        out.data = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts)
    return out


def _ngrams(text: str, lo: int, hi: int) -> list[str]:
    toks = text.lower().split()
    out = toks[:] if lo <= 1 else []
    if hi >= 2 and lo <= 2:
        out += [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]
    if hi >= 3 and lo <= 3:
        out += [f"{a} {b} {c}" for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)]
    for n in range(max(lo, 4), hi + 1):
        out += [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return out


class LinkNgrams(TransformerMixin, BaseEstimator):
    """Binary word n-grams of an already tokenised text column (tokens split by spaces).

    Parameters
    ----------
    column : str, default "text"
    ngram_range : tuple (lo, hi), default (1, 3)
    min_df : int, default 2
    norm : bool, default True
        l2-normalise each row.
    """

    def __init__(self, column="text", ngram_range=(1, 3), min_df=2, norm=True):
        self.column = column
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.norm = norm

    def fit(self, X, y=None):
        lo, hi = (int(x) for x in self.ngram_range)
        counts: Counter[str] = Counter()
        for s in _column(X, self.column, ""):
            counts.update(set(_ngrams(str(s), lo, hi)))
        kept = sorted(t for t, n in counts.items() if n >= int(self.min_df))
        self.vocabulary_ = {t: i for i, t in enumerate(kept)}
        self.n_features_out_ = len(kept)
        return self

    def transform(self, X):
        check_is_fitted(self, "vocabulary_")
        lo, hi = (int(x) for x in self.ngram_range)
        rows = [_ngrams(str(s), lo, hi) for s in _column(X, self.column, "")]
        return _binary_rows(rows, self.vocabulary_, norm=bool(self.norm))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vocabulary_")
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)


@featurizers.register("attribution_signals")
def attribution_signals(
    column: str = "signals",
    numeric: tuple[str, ...] = ("distance",),
    scale: float = 10.0,
    min_df: int = 2,
) -> SignalVectorizer:
    """Binary signal tokens + scaled numeric columns (see :class:`SignalVectorizer`)."""
    return SignalVectorizer(column=column, numeric=tuple(numeric), scale=scale, min_df=min_df)


@featurizers.register("attribution_link")
def attribution_link(
    ngram_range: tuple[int, int] = (1, 3), min_df: int = 2, norm: bool = True
) -> LinkNgrams:
    """Binary n-grams of the words linking candidate and quote (see :class:`LinkNgrams`)."""
    return LinkNgrams(column="text", ngram_range=tuple(ngram_range), min_df=min_df, norm=norm)

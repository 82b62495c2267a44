"""Featurizers of the ``attribution`` task (rows = a quote and one candidate speaker).

``attribution_signals``  one binary column per structural signal token of the row's ``signals``
                         column (direction, distances, reporting verb, kind, rule agreement and
                         their crosses; see :mod:`newsclf.data.attribution`), plus the numeric
                         ``distance`` column scaled to about [0, 1]
``attribution_link``     word n-gram TF-IDF of the linking words (``text``: ``QQ , said CC``);
                         an alias of ``word_tfidf`` with n-grams up to 3

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

from newsclf.pipeline.features.text import TextTfidf
from newsclf.pipeline.registry import featurizers

__all__ = ["SignalVectorizer", "attribution_link", "attribution_signals"]


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
        vocab = self.vocabulary_
        indptr, indices = [0], []
        for s in _column(X, self.column, ""):
            cols = sorted({vocab[t] for t in str(s).split() if t in vocab})
            indices.extend(cols)
            indptr.append(len(indices))
        n = len(indptr) - 1
        data = np.ones(len(indices), dtype=np.float64)
        out = sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                            shape=(n, len(vocab)))
        numeric = tuple(self.numeric)
        if numeric:
            extra = np.column_stack([np.asarray(_column(X, c, 0.0), dtype=float) for c in numeric])
            out = sp.hstack([out, sp.csr_matrix(extra / float(self.scale))], format="csr")
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vocabulary_")
        names = sorted(self.vocabulary_, key=self.vocabulary_.get)
        return np.asarray([*names, *tuple(self.numeric)], dtype=object)


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
    ngram_range: tuple[int, int] = (1, 3),
    min_df: int = 2,
    sublinear_tf: bool = True,
) -> TextTfidf:
    """Word n-grams of the words linking candidate and quote (``text``)."""
    return TextTfidf(column="text", analyzer="word", ngram_range=tuple(ngram_range), min_df=min_df,
                     sublinear_tf=sublinear_tf)

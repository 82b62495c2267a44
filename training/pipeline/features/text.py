"""Text featurizers: word and character TF-IDF and feature hashing over a chosen column.

Each class follows the scikit-learn contract (``__init__`` stores parameters, fitted attributes end
in ``_``) and accepts the task input :class:`pandas.DataFrame`; a plain sequence of strings is
accepted too (treated as the ``text`` column). Registered names:

``word_tfidf``         TF-IDF over word n-grams (default column ``text``)
``char_tfidf``         TF-IDF over character n-grams inside word boundaries (``char_wb``)
``hashing``            stateless hashed word n-grams (non-negative by default, so naive Bayes works)
``target_word_tfidf``  word TF-IDF where every token also appears conjoined with the row's
                       ``target`` (``taliban_fight``): lets a linear model learn target-specific
                       words for stance
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.params import Column, DocFrequency, MaxDocFrequency, NgramRange, PositiveInt
from newsclf.pipeline.registry import featurizers

__all__ = [
    "TextHashing",
    "TextTfidf",
    "select_text",
    "target_marked_text",
]

_WORD = re.compile(r"(?u)\b\w\w+\b")


def select_text(X, column: str | Sequence[str] = "text", mark: str | None = None) -> list[str]:
    """Return one string per row of ``X`` from ``column`` (or several columns joined by spaces).

    Parameters
    ----------
    X : DataFrame, Series or sequence of str
        The task input frame; a Series/sequence is taken as the text itself.
    column : str or sequence of str, default "text"
        Column(s) to read. Missing values become "".
    mark : {None, "target"}
        With ``"target"``, append every word conjoined with the row's ``target`` (see
        :func:`target_marked_text`).

    Raises
    ------
    ValueError
        When a requested column is absent, naming the columns present.
    """
    if not isinstance(X, pd.DataFrame):
        if isinstance(X, pd.Series):
            values = X.fillna("").astype(str).tolist()
        else:
            values = ["" if v is None else str(v) for v in X]
        if mark:
            raise ValueError(f"mark={mark!r} needs a DataFrame with a 'target' column")
        return values
    columns = [column] if isinstance(column, str) else list(column)
    missing = [c for c in columns if c not in X.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the input; present: {list(X.columns)}")
    if len(columns) == 1:
        texts = X[columns[0]].fillna("").astype(str).tolist()
    else:
        texts = X[columns].fillna("").astype(str).agg(" ".join, axis=1).tolist()
    if mark == "target":
        if "target" not in X.columns:
            raise ValueError("mark='target' needs a 'target' column in the input")
        return target_marked_text(texts, X["target"].fillna("").astype(str).tolist())
    if mark is not None:
        raise ValueError(f"mark must be None or 'target', got {mark!r}")
    return texts


def target_marked_text(texts: Sequence[str], targets: Sequence[str]) -> list[str]:
    """Append ``<target>_<word>`` tokens to each text (``"We will fight"`` + ``taliban`` ->
    ``"We will fight taliban_we taliban_will taliban_fight"``)."""
    out = []
    for text, target in zip(texts, targets, strict=True):
        key = re.sub(r"\W+", "_", target.strip().lower()).strip("_") or "notarget"
        words = _WORD.findall(text.lower())
        out.append(text + " " + " ".join(f"{key}_{w}" for w in words))
    return out


class TextTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over one text column of the task frame.

    Parameters
    ----------
    column : str or list of str, default "text"
    analyzer : {"word", "char", "char_wb"}, default "word"
    ngram_range : tuple (min_n, max_n), default (1, 1)
    min_df, max_df : int or float
    max_features : int or None
    sublinear_tf, lowercase, binary, use_idf : bool
    strip_accents : {None, "ascii", "unicode"}
    stop_words : {None, "english"} or list
    norm : {"l2", "l1", None}
    mark : {None, "target"}
        See :func:`select_text`.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    """

    def __init__(
        self,
        column="text",
        analyzer="word",
        ngram_range=(1, 1),
        min_df=1,
        max_df=1.0,
        max_features=None,
        sublinear_tf=False,
        lowercase=True,
        binary=False,
        use_idf=True,
        strip_accents=None,
        stop_words=None,
        norm="l2",
        mark=None,
    ):
        self.column = column
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase
        self.binary = binary
        self.use_idf = use_idf
        self.strip_accents = strip_accents
        self.stop_words = stop_words
        self.norm = norm
        self.mark = mark

    def _make(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            lowercase=self.lowercase,
            binary=self.binary,
            use_idf=self.use_idf,
            strip_accents=self.strip_accents,
            stop_words=self.stop_words,
            norm=self.norm,
            dtype=np.float64,
        )

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        texts = select_text(X, self.column, self.mark)
        self.vectorizer_ = self._make()
        try:
            return self.vectorizer_.fit_transform(texts)
        except ValueError as exc:  # e.g. empty vocabulary after min_df pruning on a tiny split
            if "empty vocabulary" in str(exc) or "max_df corresponds" in str(exc):
                self.vectorizer_ = self._make().set_params(min_df=1, max_df=1.0, token_pattern=r"(?u)\b\w+\b")
                return self.vectorizer_.fit_transform(texts)
            raise

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(select_text(X, self.column, self.mark))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()


class TextHashing(TransformerMixin, BaseEstimator):
    """Hashed word (or char) n-grams of one text column; stateless apart from the column check.

    Parameters
    ----------
    column : str or list of str, default "text"
    n_features : int, default 2**18
    ngram_range : tuple, default (1, 2)
    analyzer : {"word", "char", "char_wb"}
    alternate_sign : bool, default False
        False keeps features non-negative (required by naive Bayes).
    norm : {"l2", "l1", None}
    lowercase, binary : bool
    """

    def __init__(
        self,
        column="text",
        n_features=2**18,
        ngram_range=(1, 2),
        analyzer="word",
        alternate_sign=False,
        norm="l2",
        lowercase=True,
        binary=False,
    ):
        self.column = column
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.alternate_sign = alternate_sign
        self.norm = norm
        self.lowercase = lowercase
        self.binary = binary

    def _make(self) -> HashingVectorizer:
        return HashingVectorizer(
            n_features=int(self.n_features),
            ngram_range=tuple(self.ngram_range),
            analyzer=self.analyzer,
            alternate_sign=self.alternate_sign,
            norm=self.norm,
            lowercase=self.lowercase,
            binary=self.binary,
        )

    def fit(self, X, y=None):
        self.vectorizer_ = self._make()
        self.n_features_out_ = int(self.n_features)
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(select_text(X, self.column))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return np.asarray([f"hash{i}" for i in range(int(self.n_features))], dtype=object)


def _tfidf(analyzer: str, column: Column, ngram_range: tuple[int, int], min_df: int | float,
           max_df: int | float, max_features: int | None, sublinear_tf: bool, lowercase: bool, binary: bool,
           use_idf: bool, strip_accents: str | None, stop_words: str | None, norm: str | None,
           mark: str | None) -> TextTfidf:
    return TextTfidf(column=column, analyzer=analyzer, ngram_range=tuple(ngram_range), min_df=min_df,
                     max_df=max_df, max_features=max_features, sublinear_tf=sublinear_tf,
                     lowercase=lowercase, binary=binary, use_idf=use_idf, strip_accents=strip_accents,
                     stop_words=stop_words, norm=norm, mark=mark)


Analyzer = Literal["word", "char", "char_wb"]
Norm = Literal["l2", "l1"] | None
Accents = Literal["ascii", "unicode"] | None
StopWords = Literal["english"] | None


@featurizers.register("word_tfidf")
def word_tfidf(column: Column = "text", analyzer: Analyzer = "word", ngram_range: NgramRange = (1, 1),
               min_df: DocFrequency = 1, max_df: MaxDocFrequency = 1.0, max_features: PositiveInt | None = None,
               sublinear_tf: bool = False, lowercase: bool = True, binary: bool = False, use_idf: bool = True,
               strip_accents: Accents = None, stop_words: StopWords = None, norm: Norm = "l2") -> TextTfidf:
    """Word n-gram TF-IDF over ``column`` (see :class:`TextTfidf`)."""
    return _tfidf(analyzer, column, ngram_range, min_df, max_df, max_features, sublinear_tf, lowercase,
                  binary, use_idf, strip_accents, stop_words, norm, None)


@featurizers.register("char_tfidf")
def char_tfidf(column: Column = "text", analyzer: Analyzer = "char_wb", ngram_range: NgramRange = (2, 5),
               min_df: DocFrequency = 1, max_df: MaxDocFrequency = 1.0, max_features: PositiveInt | None = None,
               sublinear_tf: bool = True, lowercase: bool = True, binary: bool = False, use_idf: bool = True,
               strip_accents: Accents = None, norm: Norm = "l2") -> TextTfidf:
    """Character n-gram TF-IDF inside word boundaries (``char_wb``, 2-5, sublinear tf)."""
    return _tfidf(analyzer, column, ngram_range, min_df, max_df, max_features, sublinear_tf, lowercase,
                  binary, use_idf, strip_accents, None, norm, None)


@featurizers.register("hashing")
def hashing(column: Column = "text", n_features: PositiveInt = 2**18, ngram_range: NgramRange = (1, 2),
            analyzer: Analyzer = "word", alternate_sign: bool = False, norm: Norm = "l2",
            lowercase: bool = True, binary: bool = False) -> TextHashing:
    """Hashed word n-grams (see :class:`TextHashing`)."""
    return TextHashing(column=column, n_features=n_features, ngram_range=tuple(ngram_range), analyzer=analyzer,
                       alternate_sign=alternate_sign, norm=norm, lowercase=lowercase, binary=binary)


@featurizers.register("target_word_tfidf")
def target_word_tfidf(column: Column = "text", ngram_range: NgramRange = (1, 1), min_df: DocFrequency = 1,
                      max_df: MaxDocFrequency = 1.0, max_features: PositiveInt | None = None,
                      sublinear_tf: bool = False, lowercase: bool = True, binary: bool = False,
                      use_idf: bool = True, norm: Norm = "l2") -> TextTfidf:
    """Word TF-IDF with target-conjoined tokens (stance; ``mark="target"``)."""
    return _tfidf("word", column, ngram_range, min_df, max_df, max_features, sublinear_tf, lowercase,
                  binary, use_idf, None, None, norm, "target")

"""Featurizers for the boilerplate task: text blocks of HTML pages and lines of plain-text articles.

All transformers take the boilerplate task frame (columns ``text``, ``group``, ``position``,
``tag_path``, ``attrs``, ``link_density``, ``tag``; rows of one document consecutive and in reading
order) and follow the scikit-learn contract. A *document* is a run of rows with the same ``group``
whose ``position`` keeps increasing (a new page of the same site starts again at position 0), so
context windows never cross documents even when ``group`` is a site. Registered names:

``block_stats``  dense text statistics (length, punctuation, stop words, capitals, digits), link
                 density, tag and tag-path ancestors, class/id keyword cues (nav, footer, share,
                 related, comment...), position, page-level cues (share of the page's text in the
                 block's DOM container) and the same core features of the neighbouring blocks
                 (``window`` rows each side) plus window means; with ``layout=True`` also the
                 page-layout features of :mod:`newsclf.pipeline.features.layout` (repeated
                 tag-path runs, the page's main prose run) and with ``region=True`` two flags for
                 blocks inside comment sections, sidebars, teaser lists and page footers
``dom_tokens``   TF-IDF bag of class/id tokens, tag-path steps and the tag (sparse)
``text_proba``   a cross-fitted logistic regression on word + char n-grams of the text (and
                 optionally DOM tokens) whose out-of-fold content probability, and that of the
                 neighbours, become features (like scikit-learn's ``TargetEncoder``, ``fit_transform``
                 uses out-of-fold predictions so the downstream model never sees leaked labels)
"""

from __future__ import annotations

import math
import re
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.features.layout import (
    LAYOUT_NAMES,
    REGION_NAMES,
    layout_features,
    path_prefixes,
    region_flags,
    run_ids,
)
from newsclf.pipeline.params import FoldCount, Positive, PositiveInt, RandomState, Window
from newsclf.pipeline.registry import featurizers

__all__ = ["BlockProba", "BlockStats", "DomTokens", "TextProba", "block_stat_names", "container_means", "context_features", "document_ids"]

_STOP = frozenset(
    """
    a an the and or but of to in on at by for with from as is are was were be been it its this that
    these those he she they we you i his her their our not no will would can could has have had do
    does did said says than then there which who whom what when where while after before about into
    over also more most other some such only just so if up out
    der die das den dem des ein eine einer eines einem und oder aber in im am an auf aus bei mit von
    zu zum zur für ist sind war waren wird werden hat haben nicht auch es sie er wir ich sich dass
    als wie noch nach vor über unter durch um so wenn nur bis
    el la los las un una unos unas y o pero de del en con por para es son fue se que lo le les su sus
    al como más ya
    le les une des et ou mais du dans sur avec pour est sont était il elle ils nous vous qui que pas
    ce cette au aux
    il lo gli e di da nel della che non per una sono
    o os as um uma e do da dos das em no na com por para não que
    w z i na do się nie że jest to od za po jak ale o
    de het een en van in op met voor niet dat is zijn
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.? \d{1,2}|\d{1,2}:\d{2}|\d{1,2}\. (?:januar|februar|märz|april|mai|juni|juli|august|september|"
    r"oktober|november|dezember))",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?…\"'”’»):")
_BULLET = tuple("•·|»›>-–—*►▸●■□◦→")
_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "blockquote",
         "pre", "dd", "dt", "span", "a", "section", "article", "header", "footer", "nav", "aside",
         "form", "address", "caption", "legend", "summary", "body")  # fmt: skip
_ANCESTORS = ("nav", "footer", "header", "aside", "form", "article", "main", "figure", "ul", "ol",
              "table", "section", "blockquote", "li", "a", "button", "label", "time", "strong")  # fmt: skip
_KEYWORDS = (
    "nav", "menu", "footer", "header", "share", "social", "related", "comment", "sidebar", "widget",
    "ad", "ads", "advert", "sponsor", "promo", "newsletter", "subscri", "cookie", "breadcrumb", "tag",
    "caption", "credit", "byline", "author", "date", "time", "meta", "copyright", "article", "content",
    "body", "story", "post", "entry", "text", "main", "title", "headline", "summary", "teaser", "lead",
    "intro", "footnote", "more", "recommend", "popular", "trending", "login", "search", "signup",
    "rail", "banner", "modal", "popup", "print", "email", "facebook", "twitter", "whatsapp", "video",
    "gallery", "photo", "image", "media", "list", "item", "card", "link", "button", "btn", "hidden",
    "top", "bottom", "bar", "sub", "sr", "paragraph", "rich", "prose", "detail", "wrapper",
)  # fmt: skip
_CUE_WORDS = (
    "share", "follow", "subscribe", "sign up", "newsletter", "read more", "related", "advertisement",
    "cookie", "privacy", "terms", "copyright", "all rights reserved", "photo", "image", "credit",
    "getty", "reuters", "comments", "login", "log in", "register", "click", "posted", "published",
    "updated", "by ", "tags", "also read", "read also", "mehr", "teilen", "anzeige", "impressum",
    "datenschutz", "weiterlesen", "foto", "kommentar", "newsletter", "werbung",
)  # fmt: skip

_BASE_NAMES = [
    "log_chars", "log_words", "mean_word_len", "punct_ratio", "ends_terminal", "stop_ratio",
    "upper_ratio", "title_ratio", "digit_ratio", "link_density", "position", "comma_per_word",
    "log_sentences", "starts_bullet", "has_copyright", "has_date", "has_pipe", "all_caps", "depth",
    "first_upper", "cue_words",
]  # fmt: skip
_CORE = ["log_chars", "log_words", "punct_ratio", "ends_terminal", "stop_ratio", "link_density",
         "digit_ratio", "title_ratio", "cue_words"]  # fmt: skip
_PAGE_NAMES = ["parent_share", "path_share", "node_share", "len_rank", "chars_before", "rel_len",
               "log_parent_chars", "is_longest", "dist_longest"]  # fmt: skip
_CONTEXT_PAGE = ["parent_share", "node_share", "is_tag_p"]
_CONTAINER_LEVELS = (1, 2, 3, 4)
_CONTAINER_VALUES = ["stop_ratio", "link_density", "ends_terminal", "log_chars"]


def document_ids(X: pd.DataFrame) -> np.ndarray:
    """Integer document id per row: a new document starts when ``group`` changes or ``position``
    stops increasing (when ``position`` is absent, ``group`` alone decides)."""
    n = len(X)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    group = X["group"].astype(str).to_numpy() if "group" in X.columns else np.array([""] * n, dtype=object)
    new = np.zeros(n, dtype=bool)
    new[0] = True
    new[1:] = group[1:] != group[:-1]
    if "position" in X.columns:
        pos = pd.to_numeric(X["position"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        new[1:] |= pos[1:] <= pos[:-1]
    return np.cumsum(new) - 1


def _column(X: pd.DataFrame, name: str, default):
    if name in X.columns:
        col = X[name]
        values = col.tolist()
        if col.dtype == object or col.hasnans:
            values = [default if v is None or (isinstance(v, float) and v != v) else v for v in values]
        return values
    return [default] * len(X)


def _as_frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return pd.DataFrame({"text": X.fillna("").astype(str).tolist()})
    return pd.DataFrame({"text": ["" if v is None else str(v) for v in X]})


# counted as len(text without the others): one string instead of a list of matches
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_UPPER = re.compile(r"[^A-ZÀ-ÖØ-ÞĀ-Ž]+")
_NOT_DIGIT = re.compile(r"\D+")
_PUNCT = ".,;:!?"
_SENT_END = re.compile(r"[.!?…][\"'”’»]?(?:\s|$)")
_CUE = re.compile("|".join(re.escape(c) for c in _CUE_WORDS))
_TITLE_WORD = re.compile(r"\b[A-ZÀ-ÖØ-ÞĀ-Ž]")


def _text_stats(text: str) -> list[float]:
    n_chars = len(text)
    if not n_chars:
        return [0.0] * len(_BASE_NAMES)
    words = _WORD.findall(text)
    n_words = len(words) or 1
    letters = len(_NOT_LETTER.sub("", text)) or 1
    lower = text.lower()
    stripped = text.rstrip()
    n_upper = len(_NOT_UPPER.sub("", text))
    return [
        math.log1p(n_chars),
        math.log1p(len(words)),
        min(20.0, (n_chars - text.count(" ")) / n_words),
        sum(map(text.count, _PUNCT)) / n_chars,
        float(stripped.endswith(_TERMINAL)),
        sum(w in _STOP for w in lower.split()) / n_words,
        n_upper / letters,
        len(_TITLE_WORD.findall(text)) / n_words,
        len(_NOT_DIGIT.sub("", text)) / n_chars,
        0.0,  # link density, filled by the caller
        0.0,  # position, filled by the caller
        text.count(",") / n_words,
        math.log1p(len(_SENT_END.findall(text))),
        float(text.lstrip().startswith(_BULLET)),
        float("©" in text or "copyright" in lower),
        float(bool(_DATE.search(text))),
        float("|" in text),
        float(n_upper == letters and letters > 3),
        0.0,  # depth
        float(text[:1].isupper()),
        float(len(_CUE.findall(lower))),
    ]


# batch versions over texts joined by NUL (a non-word, non-space character none of them holds)
_SEP = "\x00"
_NOT_LETTER_B = re.compile(r"[^\w\x00]+|[\d_]+")
_NOT_UPPER_B = re.compile(r"[^A-ZÀ-ÖØ-ÞĀ-Ž\x00]+")
_NOT_DIGIT_B = re.compile(r"[^\d\x00]+")
_SENT_END_B = re.compile(r"[.!?…][\"'”’»]?(?=\s|\x00|$)")


def _segment_counts(pattern: re.Pattern, joined: str, starts: np.ndarray) -> np.ndarray:
    """Matches of ``pattern`` in ``joined`` per segment (segments start at ``starts``)."""
    pos = [m.start() for m in pattern.finditer(joined)]
    if not pos:
        return np.zeros(len(starts))
    return np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=len(starts)).astype(float)


def _kept_lengths(pattern: re.Pattern, joined: str) -> np.ndarray:
    """Length per NUL-separated segment of ``joined`` once ``pattern`` is removed."""
    return np.fromiter(map(len, pattern.sub("", joined).split(_SEP)), dtype=float)


def text_stats(texts: list[str]) -> np.ndarray:
    """The text statistics of :data:`_BASE_NAMES` for many texts at once, shape (n, n_names).

    Equal to one :func:`_text_stats` per text (link density, position and depth are zeros, filled
    by the caller), computed with one regex pass per statistic over the texts joined by NUL, which
    is several times faster than one pass per text on pages of short blocks.
    """
    n = len(texts)
    out = np.zeros((n, len(_BASE_NAMES)))
    if n == 0:
        return out
    texts = [t.replace(_SEP, " ") if _SEP in t else t for t in texts]
    chars = np.fromiter(map(len, texts), dtype=float, count=n)
    joined = _SEP.join(texts)
    lower = joined.lower()
    starts = np.r_[0, np.cumsum(chars[:-1] + 1)]
    segments = lower.split(_SEP)
    words_raw = _segment_counts(_WORD, joined, starts)
    words = np.maximum(words_raw, 1.0)
    letters = np.maximum(_kept_lengths(_NOT_LETTER_B, joined), 1.0)
    upper = _kept_lengths(_NOT_UPPER_B, joined)
    digits = _kept_lengths(_NOT_DIGIT_B, joined)
    safe_chars = np.maximum(chars, 1.0)
    spaces = np.fromiter((t.count(" ") for t in texts), dtype=float, count=n)
    punct = np.fromiter((sum(map(t.count, _PUNCT)) for t in texts), dtype=float, count=n)
    commas = np.fromiter((t.count(",") for t in texts), dtype=float, count=n)
    stop = np.fromiter((sum(map(_STOP.__contains__, s.split())) for s in segments), dtype=float, count=n)
    has_date = _segment_counts(_DATE, joined, starts) > 0
    out[:, 0] = np.log1p(chars)
    out[:, 1] = np.log1p(words_raw)
    out[:, 2] = np.minimum(20.0, (chars - spaces) / words)
    out[:, 3] = punct / safe_chars
    out[:, 4] = [t.rstrip().endswith(_TERMINAL) for t in texts]
    out[:, 5] = stop / words
    out[:, 6] = upper / letters
    out[:, 7] = _segment_counts(_TITLE_WORD, joined, starts) / words
    out[:, 8] = digits / safe_chars
    out[:, 11] = commas / words
    out[:, 12] = np.log1p(_segment_counts(_SENT_END_B, joined, starts))
    out[:, 13] = [t.lstrip().startswith(_BULLET) for t in texts]
    out[:, 14] = [("©" in t or "copyright" in s) for t, s in zip(texts, segments, strict=True)]
    out[:, 15] = has_date
    out[:, 16] = ["|" in t for t in texts]
    out[:, 17] = (upper == letters) & (letters > 3)
    out[:, 19] = [t[:1].isupper() for t in texts]
    lower_lengths = np.fromiter(map(len, segments), dtype=float, count=n)  # lower() may change lengths
    out[:, 20] = _segment_counts(_CUE, lower, np.r_[0, np.cumsum(lower_lengths[:-1] + 1)])
    out[chars == 0] = 0.0
    return out


_SHORT_KW = {kw: i for i, kw in enumerate(_KEYWORDS) if len(kw) <= 3}
_LONG_KW = re.compile("|".join(re.escape(kw) for kw in _KEYWORDS if len(kw) > 3))
_LONG_KW_INDEX = {kw: i for i, kw in enumerate(_KEYWORDS) if len(kw) > 3}


_TOKEN_KEYWORDS: dict[str, tuple[int, ...]] = {}


def _token_keywords(token: str) -> tuple[int, ...]:
    """Indices of :data:`_KEYWORDS` a class/id token matches (short ones whole, long ones as
    substrings, leftmost first as ``re.findall`` sees them), cached per token."""
    hit = _TOKEN_KEYWORDS.get(token)
    if hit is None:
        found = [_LONG_KW_INDEX[kw] for kw in _LONG_KW.findall(token)]
        short = _SHORT_KW.get(token)
        if short is not None:
            found.append(short)
        hit = tuple(found)
        if len(_TOKEN_KEYWORDS) > 200_000:  # bounded: class/id tokens of arbitrary many pages
            _TOKEN_KEYWORDS.clear()
        _TOKEN_KEYWORDS[token] = hit
    return hit


def _keyword_vector(attrs: str) -> np.ndarray:
    out = np.zeros(len(_KEYWORDS))
    if not attrs:
        return out
    for token in attrs.split():
        for i in _token_keywords(token):
            out[i] = 1.0
    return out


def _ancestor_vector(path: str) -> np.ndarray:
    steps = set(path.split("/")[:-1])
    return np.asarray([a in steps for a in _ANCESTORS], dtype=float)


def block_stat_names(window: int = 2, dom: bool = True, layout: bool = False, region: bool = False) -> list[str]:
    """Feature names produced by :class:`BlockStats` with these parameters."""
    names = list(_BASE_NAMES) + list(_PAGE_NAMES)
    if dom:
        names += [f"tag={t}" for t in _TAGS] + [f"in_{a}" for a in _ANCESTORS] + [f"kw_{k}" for k in _KEYWORDS]
    core = _CORE + _CONTEXT_PAGE
    for off in [*range(-window, 0), *range(1, window + 1)]:
        names += [f"ctx{off:+d}_present"] + [f"ctx{off:+d}_{c}" for c in core]
    if window:
        names += [f"win_mean_{c}" for c in core]
    for lv in _CONTAINER_LEVELS:
        names += [f"up{lv}_share", f"up{lv}_log_chars", f"up{lv}_log_blocks"]
        names += [f"up{lv}_{c}" for c in _CONTAINER_VALUES]
    if layout:
        names += list(LAYOUT_NAMES)
    if region and dom:
        names += list(REGION_NAMES)
    return names


class BlockStats(TransformerMixin, BaseEstimator):
    """Dense hand-made features of each block and of its neighbours (stateless).

    Parameters
    ----------
    window : int, default 2
        Neighbours on each side whose core features are appended (0 = none). Neighbours beyond the
        document edge are zeros with ``present = 0``; windows never cross documents.
    dom : bool, default True
        Include tag, ancestor and class/id keyword indicators (off for plain text).
    mean_window : int, default 3
        Half-width of the window whose mean of core features is appended.
    scale : bool, default False
        Standardise features with the training mean/std (for linear models; trees do not need it).
    layout : bool, default False
        Append page-layout features (:mod:`newsclf.pipeline.features.layout`): repeated tag-path
        runs (teaser cards, comment lists) and the position relative to the page's main prose run.
    region : bool, default False
        Append two flags for blocks inside page-furniture regions: comment sections, sidebars and
        teaser lists named by the nearest class/id tokens, and footer/aside/nav ancestors
        (:func:`~newsclf.pipeline.features.layout.region_flags`); needs ``dom``.

    Attributes
    ----------
    n_features_out_ : int
    mean_, scale_ : ndarray of shape (n_features_out_,) or None
    """

    def __init__(self, window=2, dom=True, mean_window=3, scale=False, layout=False, region=False):
        self.window = window
        self.dom = dom
        self.mean_window = mean_window
        self.scale = scale
        self.layout = layout
        self.region = region

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        self.n_features_out_ = len(self._names())
        F = self._features(_as_frame(X))
        self.mean_ = self.scale_ = None
        if self.scale and len(F):
            self.mean_ = F.mean(axis=0)
            std = F.std(axis=0)
            self.scale_ = np.where(std > 1e-9, std, 1.0)
            F = (F - self.mean_) / self.scale_
        return F

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        F = self._features(_as_frame(X))
        if getattr(self, "mean_", None) is not None:
            F = (F - self.mean_) / self.scale_
        return F

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self._names(), dtype=object)

    def _names(self) -> list[str]:
        return block_stat_names(self.window, self.dom, getattr(self, "layout", False), getattr(self, "region", False))

    # -- computation -------------------------------------------------------------------------
    def _features(self, X: pd.DataFrame) -> np.ndarray:
        n = len(X)
        if n == 0:
            return np.zeros((0, len(self._names())))
        texts = [str(t) for t in _column(X, "text", "")]
        paths = [str(t) for t in _column(X, "tag_path", "")]
        attrs = [str(t) for t in _column(X, "attrs", "")]
        tags = [str(t) for t in _column(X, "tag", "p")]
        links = np.asarray(_column(X, "link_density", 0.0), dtype=float)
        position = np.asarray(_column(X, "position", 0.0), dtype=float)
        base = text_stats(texts)
        base[:, _BASE_NAMES.index("link_density")] = links
        base[:, _BASE_NAMES.index("position")] = position
        base[:, _BASE_NAMES.index("depth")] = [p.count("/") / 30.0 for p in paths]
        docs = document_ids(X)
        page = self._page_features(texts, paths, attrs, docs)
        parts = [base, page]
        if self.dom:
            tag_idx = {t: i for i, t in enumerate(_TAGS)}
            tag_m = np.zeros((n, len(_TAGS)))
            for i, t in enumerate(tags):
                j = tag_idx.get(t.lower())
                if j is not None:
                    tag_m[i, j] = 1.0
            anc_cache: dict[str, np.ndarray] = {}
            kw_cache: dict[str, np.ndarray] = {}
            anc_m = np.vstack([anc_cache[p] if p in anc_cache else anc_cache.setdefault(p, _ancestor_vector(p))
                               for p in paths])  # fmt: skip
            kw_m = np.vstack([kw_cache[a] if a in kw_cache else kw_cache.setdefault(a, _keyword_vector(a))
                              for a in attrs])  # fmt: skip
            parts += [tag_m, anc_m, kw_m]
        core = np.column_stack(
            [base[:, _BASE_NAMES.index(c)] for c in _CORE]
            + [page[:, _PAGE_NAMES.index("parent_share")], page[:, _PAGE_NAMES.index("node_share")],
               np.asarray([t.lower() == "p" for t in tags], dtype=float)]  # fmt: skip
        ) if n else np.zeros((0, len(_CORE) + len(_CONTEXT_PAGE)))
        parts += context_features(core, docs, self.window, self.mean_window)
        parts.append(self._container_features(base, texts, paths, docs))
        if getattr(self, "layout", False):
            parts.append(layout_features(texts, paths, links, base[:, _BASE_NAMES.index("ends_terminal")], docs))
        if getattr(self, "region", False) and self.dom:
            parts.append(region_flags(paths, attrs))
        return np.hstack(parts)

    @staticmethod
    def _container_features(base: np.ndarray, texts: list[str], paths: list[str], docs: np.ndarray) -> np.ndarray:
        n = len(texts)
        lengths = np.asarray([len(t) for t in texts], dtype=float) + 1.0
        page_total = np.bincount(docs, weights=lengths)[docs]
        vals = np.column_stack([base[:, _BASE_NAMES.index(c)] for c in _CONTAINER_VALUES])
        parts = []
        for lv in _CONTAINER_LEVELS:
            keys = container_keys(paths, docs, lv)
            chars = np.bincount(keys, weights=lengths)[keys]
            count = np.bincount(keys)[keys].astype(float)
            parts += [(chars / page_total).reshape(n, 1), np.log1p(chars).reshape(n, 1), np.log1p(count).reshape(n, 1)]
            parts.append(keyed_means(vals, lengths, keys))
        return np.hstack(parts)

    @staticmethod
    def _page_features(texts, paths, attrs, docs) -> np.ndarray:
        """:data:`_PAGE_NAMES` per row (text shares of the block's parent, path and node in its
        document, length rank, share of text before it, length relative to the median...)."""
        n = len(texts)
        out = np.zeros((n, len(_PAGE_NAMES)))
        if n == 0:
            return out
        lengths = np.fromiter(map(len, texts), dtype=float, count=n)
        parents = [p.rsplit("/", 1)[0] for p in paths]
        nodes = [f"{p}\x00{a}" for p, a in zip(paths, attrs, strict=True)]
        doc_total = np.bincount(docs, weights=lengths)
        total = np.where(doc_total > 0, doc_total, 1.0)[docs]

        def shares(keys: list[str]) -> np.ndarray:
            ids = pd.factorize(pd.Series(keys, dtype=object))[0].astype(np.int64)
            joint = np.unique(docs * (int(ids.max()) + 1) + ids, return_inverse=True)[1]
            return np.bincount(joint, weights=lengths)[joint]

        parent = shares(parents)
        out[:, 0] = parent / total
        out[:, 1] = shares(paths) / total
        out[:, 2] = shares(nodes) / total
        bounds = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1], True])
        for s, e in zip(bounds[:-1], bounds[1:], strict=True):
            seg = lengths[s:e]
            m = e - s
            order = seg.argsort(kind="stable")
            ranks = np.empty(m)
            ranks[order] = np.arange(m)
            median = float(np.median(seg)) or 1.0
            longest = int(seg.argmax())
            seg_total = seg.sum() or 1.0
            out[s:e, 3] = ranks / max(1, m - 1)
            out[s:e, 4] = np.r_[0.0, np.cumsum(seg)[:-1]] / seg_total
            out[s:e, 5] = np.log1p(seg / median)
            out[s:e, 7] = np.arange(m) == longest
            out[s:e, 8] = np.minimum(1.0, np.abs(np.arange(m) - longest) / 20.0)
        out[:, 6] = np.log1p(parent)
        return out


def context_features(core: np.ndarray, docs: np.ndarray, window: int, mean_window: int) -> list[np.ndarray]:
    """Shifted copies of ``core`` (rows ``-window..+window`` away, zeros + ``present=0`` outside the
    document) and, when ``window > 0``, the mean of ``core`` over ``±mean_window`` rows."""
    n, d = core.shape
    parts = []
    for off in [*range(-window, 0), *range(1, window + 1)]:
        shifted = np.zeros((n, d + 1))
        idx = np.arange(n) + off
        ok = (idx >= 0) & (idx < n)
        ok[ok] &= docs[idx[ok]] == docs[ok]
        shifted[ok, 0] = 1.0
        shifted[ok, 1:] = core[idx[ok]]
        parts.append(shifted)
    if window:
        sums = np.zeros((n, d))
        counts = np.zeros((n, 1))
        for off in range(-mean_window, mean_window + 1):
            idx = np.arange(n) + off
            ok = (idx >= 0) & (idx < n)
            ok[ok] &= docs[idx[ok]] == docs[ok]
            sums[ok] += core[idx[ok]]
            counts[ok] += 1
        parts.append(sums / np.maximum(counts, 1))
    return parts


def _dom_text(X: pd.DataFrame) -> list[str]:
    paths = _column(X, "tag_path", "")
    attrs = _column(X, "attrs", "")
    tags = _column(X, "tag", "p")
    out = []
    for p, a, t in zip(paths, attrs, tags, strict=True):
        steps = str(p).split("/")
        out.append(" ".join([f"t_{t}", *(f"p_{s}" for s in steps[-4:]), f"last2_{'_'.join(steps[-2:])}", str(a)]))
    return out


class DomTokens(TransformerMixin, BaseEstimator):
    """TF-IDF over class/id tokens, the last tag-path steps and the tag of each block.

    Parameters
    ----------
    min_df : int, default 2
    max_features : int or None, default 20000
    binary : bool, default True
    """

    def __init__(self, min_df=2, max_features=20000, binary=True):
        self.min_df = min_df
        self.max_features = max_features
        self.binary = binary

    def _make(self, min_df) -> TfidfVectorizer:
        return TfidfVectorizer(token_pattern=r"[^ ]+", lowercase=True, min_df=min_df, binary=self.binary,
                               max_features=self.max_features, sublinear_tf=True)  # fmt: skip

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        docs = _dom_text(_as_frame(X))
        self.vectorizer_ = self._make(self.min_df)
        try:
            return self.vectorizer_.fit_transform(docs)
        except ValueError:  # tiny inputs: empty vocabulary after pruning
            self.vectorizer_ = self._make(1)
            return self.vectorizer_.fit_transform(docs + ["t_p"])[:-1]

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        docs = _dom_text(_as_frame(X))
        # blocks of a page share few distinct DOM contexts: vectorize each once
        uniques, inverse = np.unique(np.asarray(docs, dtype=object), return_inverse=True)
        if len(uniques) == len(docs):
            return self.vectorizer_.transform(docs)
        return self.vectorizer_.transform(uniques.tolist())[inverse.ravel()]

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()


def positive_column(model, positive: str) -> int:
    """Column of ``positive`` in ``model.predict_proba`` (the last column if the class is absent)."""
    classes = list(model.classes_)
    return classes.index(positive) if positive in classes else len(classes) - 1


def out_of_fold_proba(make_model, M, y: np.ndarray, groups: np.ndarray, cv: int, fitted,
                      positive: str) -> np.ndarray:
    """P(``positive``) per row, shape (n_rows,), each from a model that never saw the row's group.

    GroupKFold with up to ``cv`` folds; a fold whose training part has one class, or data with
    fewer than two groups or classes, falls back to ``fitted`` (the model fitted on all rows).
    Stacked featurizers use this so that training rows get the noisy probabilities that unseen
    rows get at prediction time.
    """
    n_groups = len(set(groups.tolist()))
    if n_groups < 2 or len(set(y.tolist())) < 2:
        return fitted.predict_proba(M)[:, positive_column(fitted, positive)]
    proba = np.zeros(M.shape[0])
    for tr, te in GroupKFold(n_splits=min(cv, n_groups)).split(M, y, groups):
        m = make_model().fit(M[tr], y[tr]) if len(set(y[tr].tolist())) > 1 else fitted
        proba[te] = m.predict_proba(M[te])[:, positive_column(m, positive)]
    return proba


class _LearnsFromLabels:
    """Marks a featurizer that fits a model on the labels (scikit-learn's ``target_tags.required``):
    it cannot be fitted on context rows (:mod:`newsclf.pipeline.context`)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


class TextProba(_LearnsFromLabels, TransformerMixin, BaseEstimator):
    """Content probability of a linear n-gram model, for each unit and its neighbours.

    ``fit_transform`` returns out-of-fold probabilities (folds grouped by ``group``) so a downstream
    model learns how far to trust them; ``transform`` uses the model fitted on all labelled rows.
    Rows whose label is None (context rows, data config ``unlabelled: context``) are featurized
    (out of fold as well) but not learnt from.

    Parameters
    ----------
    window : int, default 3
        Neighbours on each side whose probability is appended (plus a window mean).
    dom : bool, default True
        Add DOM tokens (class/id, tag path) to the n-grams.
    C : float, default 2.0
        Inverse regularisation of the logistic regression.
    cv : int, default 4
        Folds for the out-of-fold probabilities.
    char : bool, default False
        Add char_wb 2-4-gram TF-IDF of the text.
    positive : str, default "boilerplate"
        The class whose probability is output.
    random_state : int, default 13
    rows : {"all", "text", "html"}, default "all"
        ``"text"``: only rows without a ``tag_path`` (plain-text units) are modelled, HTML blocks get
        zeros; ``"html"``: the other way round. Two instances then give each kind its own n-gram
        model, and each costs nothing on the other kind's rows.
    max_features : int, default 200000
        Vocabulary size of each n-gram vectorizer.

    Attributes
    ----------
    text_vec_, char_vec_, dom_vec_ : TfidfVectorizer or None
    model_ : LogisticRegression or None (None when fitted without two labelled classes)
    """

    accepts_context_rows = True  # fits on labelled rows, featurizes context rows out of fold

    # parameters added after models were saved with this class: an older model file loads
    # without them and predicts as before (every row, the vocabulary it was fitted with)
    rows = "all"
    max_features = 200_000

    def __init__(self, window=3, dom=True, C=2.0, cv=4, char=False, positive="boilerplate", random_state=13,
                 rows="all", max_features=200_000):
        self.window = window
        self.dom = dom
        self.C = C
        self.cv = cv
        self.char = char
        self.positive = positive
        self.random_state = random_state
        self.rows = rows
        self.max_features = max_features

    def _selected(self, X: pd.DataFrame) -> np.ndarray:
        rows = getattr(self, "rows", "all")
        if rows == "all":
            return np.ones(len(X), dtype=bool)
        if rows not in ("text", "html"):
            raise ValueError(f"text_proba: rows must be 'all', 'text' or 'html', got {rows!r}")
        text = np.asarray([not p for p in _column(X, "tag_path", "")], dtype=bool)
        return text if rows == "text" else ~text

    def _matrix(self, X: pd.DataFrame, fit: bool):
        texts = [str(t) for t in _column(X, "text", "")]
        max_features = getattr(self, "max_features", 200_000)
        if fit:
            self.text_vec_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True)
            self.char_vec_ = (TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3,
                                              max_features=max_features, sublinear_tf=True)
                              if self.char else None)  # fmt: skip
            self.dom_vec_ = DomTokens() if self.dom else None
        mats = []
        for vec, data in ((self.text_vec_, texts), (self.char_vec_, texts)):
            if vec is None:
                continue
            if fit:
                try:
                    mats.append(vec.fit_transform(data))
                except ValueError:
                    vec.set_params(min_df=1)
                    mats.append(vec.fit_transform(data + ["x"])[:-1])
            else:
                mats.append(vec.transform(data))
        if self.dom_vec_ is not None:
            mats.append(self.dom_vec_.fit_transform(X) if fit else self.dom_vec_.transform(X))
        return sp.hstack(mats).tocsr()

    def _model(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", solver="liblinear")

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        if y is None:
            raise ValueError("text_proba needs labels: it fits a text model inside the featurizer")
        X = _as_frame(X)
        y = np.asarray([("" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in y], dtype=object)
        chosen = self._selected(X)
        proba = np.zeros(len(X))
        self.model_ = None
        sub = X.iloc[np.flatnonzero(chosen)] if not chosen.all() else X
        if len(sub):
            M = self._matrix(sub, fit=True)
            ys = y[chosen]
            labelled = ys != ""
            if len(set(ys[labelled].tolist())) > 1:
                self.model_ = self._model().fit(M[labelled], ys[labelled])
                groups = np.asarray(_column(sub, "group", ""))
                proba[chosen] = _out_of_fold_partial(self._model, M, ys, labelled, groups, self.cv, self.model_,
                                                     self.positive)  # fmt: skip
        return self._with_context(X, proba, chosen)

    def transform(self, X):
        check_is_fitted(self, "text_vec_")
        X = _as_frame(X)
        chosen = self._selected(X)
        proba = np.zeros(len(X))
        if self.model_ is not None and chosen.any():
            sub = X.iloc[np.flatnonzero(chosen)] if not chosen.all() else X
            M = self._matrix(sub, fit=False)
            proba[chosen] = self.model_.predict_proba(M)[:, positive_column(self.model_, self.positive)]
        return self._with_context(X, proba, chosen)

    def _with_context(self, X: pd.DataFrame, proba: np.ndarray, chosen: np.ndarray | None = None) -> np.ndarray:
        core = proba.reshape(-1, 1)
        parts = [core] + context_features(core, document_ids(X), self.window, self.window)
        out = np.hstack(parts)
        if chosen is not None and not chosen.all():
            out[~chosen] = 0.0
        return out

    def get_feature_names_out(self, input_features=None):
        names = ["p"]
        for off in [*range(-self.window, 0), *range(1, self.window + 1)]:
            names += [f"p{off:+d}_present", f"p{off:+d}"]
        if self.window:
            names.append("p_win_mean")
        return np.asarray(names, dtype=object)


def _out_of_fold_partial(make_model, M, y: np.ndarray, labelled: np.ndarray, groups: np.ndarray, cv: int, fitted,
                         positive: str) -> np.ndarray:
    """P(``positive``) for every row of ``M`` (labelled or not), each from a model fitted on the
    labelled rows of the other groups (GroupKFold, up to ``cv`` folds; ``fitted`` where a fold
    cannot be fitted)."""
    n_groups = len(set(groups.tolist()))
    if n_groups < 2:
        return fitted.predict_proba(M)[:, positive_column(fitted, positive)]
    proba = np.zeros(M.shape[0])
    for tr, te in GroupKFold(n_splits=min(cv, n_groups)).split(M, groups=groups):
        tr = tr[labelled[tr]]
        m = make_model().fit(M[tr], y[tr]) if len(set(y[tr].tolist())) > 1 else fitted
        proba[te] = m.predict_proba(M[te])[:, positive_column(m, positive)]
    return proba


@featurizers.register("block_stats")
def block_stats(window: Window = 2, dom: bool = True, mean_window: Window = 3, scale: bool = False,
                layout: bool = False, region: bool = False) -> BlockStats:
    """Dense block statistics with context windows (see :class:`BlockStats`)."""
    return BlockStats(window=window, dom=dom, mean_window=mean_window, scale=scale, layout=layout, region=region)


@featurizers.register("dom_tokens")
def dom_tokens(min_df: PositiveInt = 2, max_features: PositiveInt | None = 20000, binary: bool = True) -> DomTokens:
    """TF-IDF of class/id tokens and tag path (see :class:`DomTokens`)."""
    return DomTokens(min_df=min_df, max_features=max_features, binary=binary)


@featurizers.register("text_proba")
def text_proba(window: Window = 3, dom: bool = True, C: Positive = 2.0, cv: FoldCount = 4, char: bool = False,
               positive: Literal["boilerplate", "content"] = "boilerplate", random_state: RandomState = 13,
               rows: Literal["all", "text", "html"] = "all", max_features: PositiveInt = 200_000) -> TextProba:
    """Cross-fitted n-gram model probability with neighbours (see :class:`TextProba`)."""
    return TextProba(window=window, dom=dom, C=C, cv=cv, char=char, positive=positive, random_state=random_state,
                     rows=rows, max_features=max_features)


def container_keys(paths: list[str], docs: np.ndarray, level: int) -> np.ndarray:
    """Integer id of each block's container ``level`` steps above it: a maximal run of consecutive
    blocks of one document whose tag paths share that prefix (blocks of one DOM element are
    contiguous in reading order, so runs tell apart sibling elements with equal paths)."""
    if len(paths) == 0:
        return np.zeros(0, dtype=np.int64)
    return run_ids(path_prefixes(paths, level), docs)


def keyed_means(values: np.ndarray, weights: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Weighted mean of each column of ``values`` over rows sharing a key, per row."""
    vals = values.reshape(len(values), -1)
    m = int(keys.max()) + 1 if len(keys) else 0
    den = np.maximum(np.bincount(keys, weights=weights, minlength=m), 1e-9)
    cols = [(np.bincount(keys, weights=vals[:, j] * weights, minlength=m) / den)[keys] for j in range(vals.shape[1])]
    return np.column_stack(cols) if cols else np.zeros((len(values), 0))


def container_means(values: np.ndarray, weights: np.ndarray, paths: list[str], docs: np.ndarray,
                    levels: tuple[int, ...] = (1, 2, 3)) -> np.ndarray:
    """Weighted mean of ``values`` (n,) or (n, d) over each block's container at every ``level``
    (see :func:`container_keys`); returns (n, len(levels) * d)."""
    parts = [keyed_means(values, weights, container_keys(paths, docs, lv)) for lv in levels]
    return np.hstack(parts) if parts else np.zeros((len(values), 0))


class BlockProba(_LearnsFromLabels, TransformerMixin, BaseEstimator):
    """Stacked block model: the out-of-fold boilerplate probability of a gradient-boosting model on
    :class:`BlockStats`, with the probabilities of the neighbours (``window``), their window mean,
    and character-weighted means over the block's parent/grandparent/great-grandparent containers.

    ``fit_transform`` uses out-of-fold predictions (folds grouped by ``group``); ``transform`` uses
    the model fitted on all rows.

    Parameters
    ----------
    window : int, default 3
    dom : bool, default True
        Passed to the inner :class:`BlockStats`.
    cv : int, default 3
    max_iter : int, default 150
    learning_rate : float, default 0.1
    positive : str, default "boilerplate"
    random_state : int, default 13

    Attributes
    ----------
    stats_ : BlockStats
    model_ : HistGradientBoostingClassifier
    """

    def __init__(self, window=3, dom=True, cv=3, max_iter=150, learning_rate=0.1, positive="boilerplate",
                 random_state=13):
        self.window = window
        self.dom = dom
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.positive = positive
        self.random_state = random_state

    def _model(self):
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(max_iter=self.max_iter, learning_rate=self.learning_rate,
                                              random_state=self.random_state)  # fmt: skip

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        if y is None:
            raise ValueError("block_proba needs labels: it fits a block model inside the featurizer")
        X = _as_frame(X)
        y = np.asarray(y)
        self.stats_ = BlockStats(window=2, dom=self.dom)
        F = self.stats_.fit_transform(X)
        self.model_ = self._model().fit(F, y)
        groups = np.asarray(_column(X, "group", ""))
        proba = out_of_fold_proba(self._model, F, y, groups, self.cv, self.model_, self.positive)
        return self._with_context(X, proba)

    def transform(self, X):
        check_is_fitted(self, "model_")
        X = _as_frame(X)
        proba = self.model_.predict_proba(self.stats_.transform(X))[:, positive_column(self.model_, self.positive)]
        return self._with_context(X, proba)

    def _with_context(self, X: pd.DataFrame, proba: np.ndarray) -> np.ndarray:
        docs = document_ids(X)
        core = proba.reshape(-1, 1)
        weights = np.asarray([len(str(t)) for t in _column(X, "text", "")], dtype=float) + 1.0
        paths = [str(p) for p in _column(X, "tag_path", "")]
        parts = [core] + context_features(core, docs, self.window, self.window)
        parts.append(container_means(proba, weights, paths, docs, (1, 2, 3)))
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        names = ["q"]
        for off in [*range(-self.window, 0), *range(1, self.window + 1)]:
            names += [f"q{off:+d}_present", f"q{off:+d}"]
        if self.window:
            names.append("q_win_mean")
        names += ["q_parent", "q_grandparent", "q_ggparent"]
        return np.asarray(names, dtype=object)


@featurizers.register("block_proba")
def block_proba(window: Window = 3, dom: bool = True, cv: FoldCount = 3, max_iter: PositiveInt = 150,
                learning_rate: Positive = 0.1, positive: Literal["boilerplate", "content"] = "boilerplate",
                random_state: RandomState = 13) -> BlockProba:
    """Stacked block-model probability with neighbours and containers (see :class:`BlockProba`)."""
    return BlockProba(window=window, dom=dom, cv=cv, max_iter=max_iter, learning_rate=learning_rate,
                      positive=positive, random_state=random_state)

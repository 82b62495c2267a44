"""Page-layout features of text blocks: repeated DOM patterns and the page's main prose run.

Pure functions over the columns of one boilerplate frame (rows of one document consecutive, in
reading order); :class:`~newsclf.pipeline.features.blocks.BlockStats` appends them when
``layout=True``. They target the losses of a per-block model on real pages:

- *Repeated patterns* (teaser cards of related articles, comment lists, archive lists): the same
  tag path comes back in many short runs, while an article body is one long run. Per level
  (0 = the block's own path, 1 = parent, 2 = grandparent): the number of runs of the path prefix in
  the document, the length of the block's run (blocks) and its share of the document's text.
- *Main prose run*: "prose" blocks are long, sentence-ending, link-poor blocks. Per container level
  1-4 (a maximal run of consecutive blocks sharing the path prefix): the container's share of the
  document's prose and the share of the container's own text that is prose; the distance in blocks
  to the densest prose window; whether the block lies between the first and last long-prose block;
  and the share of the document's prose before the block.
- *Page-furniture regions* (``region=True``): whether the block's nearest class/id tokens name a
  comment section, sidebar or teaser list, or an ancestor is ``footer``/``aside``/``nav``.
  :func:`in_comment_section` is also the extraction step's comment policy
  (:func:`newsclf.extraction.extract_main_text`).
"""

from __future__ import annotations

import math
import re

import numpy as np

__all__ = [
    "LAYOUT_NAMES",
    "REGION_NAMES",
    "in_comment_section",
    "layout_features",
    "nearest_class_tokens",
    "path_prefixes",
    "region_flags",
    "run_ids",
]

_RUN_LEVELS = (0, 1, 2)
_PROSE_LEVELS = (1, 2, 3, 4)
_PROSE_MIN_CHARS = 80
_LONG_PROSE_CHARS = 200
_DENSE_HALF_WINDOW = 3

LAYOUT_NAMES = (
    [f"run{lv}_{k}" for lv in _RUN_LEVELS for k in ("log_runs", "log_len", "share")]
    + [f"prose{lv}_{k}" for lv in _PROSE_LEVELS for k in ("share", "purity")]
    + ["prose_self", "dense_dist", "dense_signed", "in_prose_span", "prose_before", "log_prose_total"]
)
"""Names of the columns returned by :func:`layout_features`, in order."""


def path_prefixes(paths: list[str], level: int) -> list[str]:
    """Each tag path cut ``level`` steps from its end (level 0 = the path itself)."""
    if level == 0:
        return list(paths)
    cache: dict[str, str] = {}
    out = []
    for p in paths:
        prefix = cache.get(p)
        if prefix is None:
            cut = len(p)
            for _ in range(level):
                j = p.rfind("/", 0, cut)
                if j <= 0:
                    break
                cut = j
            prefix = cache[p] = p[:cut]
        out.append(prefix)
    return out


def run_ids(keys: list[str], docs: np.ndarray) -> np.ndarray:
    """Run id per row: a new run starts where the key or the document changes."""
    n = len(keys)
    arr = np.asarray(keys, dtype=object)
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (arr[1:] != arr[:-1]) | (docs[1:] != docs[:-1])
    return np.cumsum(new) - 1


def _prose_weight(lengths: np.ndarray, links: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """Characters of "prose" blocks (long, sentence-ending, link-poor), zero for the others."""
    ok = (lengths >= _PROSE_MIN_CHARS) & (terminal > 0.5) & (links < 0.3)
    return np.where(ok, lengths * (1.0 - links), 0.0)


def layout_features(
    texts: list[str], paths: list[str], links: np.ndarray, terminal: np.ndarray, docs: np.ndarray
) -> np.ndarray:
    """Layout features, shape (n_rows, len(LAYOUT_NAMES)); see the module docstring.

    Parameters
    ----------
    texts, paths : list of str
        Block texts and tag paths, rows of one document consecutive.
    links : ndarray of shape (n_rows,)
        Link density per block.
    terminal : ndarray of shape (n_rows,)
        1.0 where the block ends with sentence punctuation.
    docs : ndarray of shape (n_rows,)
        Document id per row (:func:`~newsclf.pipeline.features.blocks.document_ids`).
    """
    n = len(texts)
    out = np.zeros((n, len(LAYOUT_NAMES)))
    if n == 0:
        return out
    lengths = np.asarray([len(t) for t in texts], dtype=float)
    weights = lengths + 1.0
    doc_chars = np.bincount(docs, weights=weights)[docs]
    col = 0
    for lv in _RUN_LEVELS:
        prefixes = path_prefixes(paths, lv)
        runs = run_ids(prefixes, docs)
        run_len = np.bincount(runs)[runs].astype(float)
        run_chars = np.bincount(runs, weights=weights)[runs]
        # runs of the same prefix per document
        first = np.r_[True, runs[1:] != runs[:-1]]
        count: dict[tuple[int, str], int] = {}
        for i in np.flatnonzero(first):
            key = (int(docs[i]), prefixes[i])
            count[key] = count.get(key, 0) + 1
        out[:, col] = [math.log1p(count[(int(d), p)]) for d, p in zip(docs, prefixes, strict=True)]
        out[:, col + 1] = np.log1p(run_len)
        out[:, col + 2] = run_chars / doc_chars
        col += 3
    prose = _prose_weight(lengths, np.asarray(links, dtype=float), np.asarray(terminal, dtype=float))
    doc_prose = np.bincount(docs, weights=prose)[docs]
    safe_prose = np.maximum(doc_prose, 1.0)
    for lv in _PROSE_LEVELS:
        keys = run_ids(path_prefixes(paths, lv), docs)
        in_prose = np.bincount(keys, weights=prose)[keys]
        chars = np.bincount(keys, weights=weights)[keys]
        out[:, col] = in_prose / safe_prose
        out[:, col + 1] = in_prose / chars
        col += 2
    out[:, col] = prose / safe_prose
    bounds = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1], True])
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        w = prose[s:e]
        m = e - s
        total = w.sum()
        if total <= 0:
            out[s:e, col + 1] = 1.0
            continue
        c = np.r_[0.0, np.cumsum(w)]
        lo = np.clip(np.arange(m) - _DENSE_HALF_WINDOW, 0, m)
        hi = np.clip(np.arange(m) + _DENSE_HALF_WINDOW + 1, 0, m)
        dense = int(np.argmax(c[hi] - c[lo]))
        idx = np.arange(m)
        out[s:e, col + 1] = np.minimum(1.0, np.abs(idx - dense) / 30.0)
        out[s:e, col + 2] = (idx - dense) / max(1, m)
        long = np.flatnonzero(w >= _LONG_PROSE_CHARS)
        if len(long) == 0:
            long = np.flatnonzero(w > 0)
        out[s:e, col + 3] = (idx >= long[0]) & (idx <= long[-1])
        out[s:e, col + 4] = c[:-1] / total
    out[:, col + 5] = np.log1p(doc_prose)
    return out


REGION_TAGS = ("footer", "aside", "nav")
"""Ancestor elements whose text is page furniture (HTML5 sectioning elements for page footers,
side content and navigation)."""

REGION_CUES = ("comment", "sidebar", "related", "footer", "widget", "share", "promo", "recommend", "teaser")
"""Class/id cues of comment sections, sidebars and teaser lists (substrings of a token)."""

REGION_NAMES = ["region_class", "region_any"]

# cues are substrings of a token and hold no space, so a search of the joined tokens is the same test
_REGION_CUE = re.compile("|".join(REGION_CUES))


def nearest_class_tokens(attrs: str, last: int = 20) -> list[str]:
    """The last ``last`` non-numeric class/id tokens of a block's ``attrs``.

    ``attrs`` accumulates the class/id tokens of all ancestors from the root down, so its tail
    belongs to the block's nearest elements: a comment list deep inside an ``article content``
    wrapper has ``comment`` near the end, while a body class such as ``comments-open`` is far up.
    Numeric tokens (comment and post ids) are skipped so they do not push cues out of the tail.
    """
    return [t for t in attrs.split() if not t.isdigit()][-last:]


def in_comment_section(attrs: list[str], last: int = 20) -> np.ndarray:
    """Boolean (n,): a ``comment`` cue among each block's nearest class/id tokens
    (:func:`nearest_class_tokens`), i.e. the block is part of a reader-comment section."""
    cache: dict[str, bool] = {}
    out = np.zeros(len(attrs), dtype=bool)
    for i, a in enumerate(attrs):
        hit = cache.get(a)
        if hit is None:
            hit = cache[a] = "comment" in " ".join(nearest_class_tokens(a, last))
        out[i] = hit
    return out


def region_flags(paths: list[str], attrs: list[str], last: int = 20) -> np.ndarray:
    """Two 0/1 columns (n, 2) marking blocks that sit in a page-furniture region.

    ``region_class``: a cue of :data:`REGION_CUES` among the block's nearest ``last`` class/id
    tokens (:func:`nearest_class_tokens`). ``region_any``: ``region_class`` or an ancestor element
    in :data:`REGION_TAGS`.

    The cues are pooled into two flags on purpose: a long, well-formed comment or teaser paragraph
    inside such a region is rare in training data (about 100 of 50k labelled blocks), too rare for
    the trees to learn per cue, but together they are enough to outweigh the prose features.
    """
    out = np.zeros((len(attrs), len(REGION_NAMES)))
    cue_cache: dict[str, bool] = {}
    tag_cache: dict[str, bool] = {}
    for i, (path, a) in enumerate(zip(paths, attrs, strict=True)):
        cue = cue_cache.get(a)
        if cue is None:
            cue = cue_cache[a] = _REGION_CUE.search(" ".join(nearest_class_tokens(a, last))) is not None
        tag = tag_cache.get(path)
        if tag is None:
            tag = tag_cache[path] = any(step in REGION_TAGS for step in path.split("/")[:-1])
        out[i, 0] = cue
        out[i, 1] = cue or tag
    return out

"""Line features of plain-text articles: what a boilerplate line looks like in any site's text dump.

:class:`LineStats` (registered as ``line_stats``) describes each unit (a sentence or line of a
plain-text article: rows without a DOM ``tag_path``) by cues that carry across sites and languages:

- *shape*: length, final punctuation (none, colon, ellipsis), quotation marks, leading bullets or
  digits, capitalisation (title case, all caps), digits, separators (``|``, ``•``, `` - ``), whether
  the unit fills its line alone (``tag == "line"``, :func:`newsclf.data.pages.text_unit_tag`);
- *patterns*: dates and times (month and weekday names in several languages, numeric dates,
  clock times, "ago", time zones), bylines ("By ...", "Von ...", name-only lines), agency tags
  ("(AP)", "Reuters", "AFP"...), photo credits and captions ("Photo:", "Getty Images", "©"),
  link-like text (URLs, @handles, #tags, e-mail), calls to action ("Read more", "ALSO READ",
  "Subscribe", "Share", "Sign up", "Follow us", "Advertisement"...);
- *the document's own distribution*: length relative to the median of the document's prose
  units, rank of the length, position (relative, from the start and from the end), inside or
  outside the span from the first to the last prose unit, the share of text before the unit;
- *repetition*: similarity to the first unit (a headline repeated under the title), copies of the
  same text elsewhere in the document, word overlap with the previous and next units;
- *runs*: the run of consecutive short lines without final punctuation the unit belongs to (teaser
  headlines and link lists come in runs, a sub-heading stands alone between paragraphs) and the
  distance in units to the previous and next prose unit;
- *context*: a core subset of these for ``window`` units on each side and their window mean.

Rows with a ``tag_path`` (HTML blocks) get zeros and ``is_text = 0`` (column 0), so the featurizer
can sit next to the HTML featurizers in one model and costs nothing on pages.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.features.blocks import (
    _STOP,
    TextProba,
    _as_frame,
    _column,
    context_features,
    document_ids,
)
from newsclf.pipeline.params import FoldCount, Positive, PositiveInt, RandomState, Window
from newsclf.pipeline.registry import featurizers

__all__ = ["LINE_NAMES", "UNIT_NAMES", "LineStats", "line_proba", "line_stat_names", "line_unit_features", "line_unit_matrix"]

_MONTHS = (
    "jan(?:uary|uar|vier|eiro)?|feb(?:ruary|ruar)?|febrero|fevereiro|f[ée]vrier|m[äa]r(?:ch|z|s|zo|ço)?|"
    "apr(?:il)?|abril|avril|may|mai|mayo|maio|jun(?:e|i|io|ho)?|juin|jul(?:y|i|io|ho)?|juillet|aug(?:ust)?|"
    "ao[uû]t|agosto|sep(?:t|tember|tiembre|tembre)?|setembro|oct(?:ober|obre)?|okt(?:ober)?|octubre|outubro|"
    "nov(?:ember|embre|iembre|embro)?|dec(?:ember)?|dez(?:ember|embro)?|d[ée]cembre|diciembre"
)
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|"
    "samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lundi|mardi|mercredi|jeudi|vendredi|"
    "samedi|dimanche|mon|tue|wed|thu|fri|sat|sun"
)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\b|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}\b|(?:{_WEEKDAYS})\b,?)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|uhr|h\b)?|\b\d{1,2}\s*[ap]\.?m\.?\b|\b(?:gmt|utc|ist|est|edt|pst|pdt|cet|"
    r"cest|bst)\b|\b\d+\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|\b(?:vor|hace|il y a)\s+\d+\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"\b(?:updated|published|posted|last modified|last updated|aktualisiert|ver[öo]ffentlicht|actualizado|"
    r"publicado|mis à jour|publié)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|von|par|por|per|door|av|af|da|written by|reported by|words by|text:|author:|autor:|reporter:)\s+"
    r"[A-ZÀ-ÖØ-Þ]",
    re.IGNORECASE | re.MULTILINE,
)
_ROLE = re.compile(
    r"\b(?:reporter|correspondent|staff writer|contributor|columnist|editor|desk|bureau|news service|"
    r"redakteur|redaktion|korrespondent|corresponsal|redacci[óo]n|r[ée]daction|journalist)\b",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"\((?:AP|AFP|Reuters|PTI|ANI|IANS|UNI|dpa|EFE|ANSA|Xinhua|Anadolu|APA|KNA|epd|SDA|Pajhwok)\)|"
    r"\b(?:Associated Press|Reuters|Agence France-Presse|Xinhua|Anadolu Agency|TOLOnews|Pajhwok|Khaama)\b|"
    r"^[A-Z][A-Za-z .,'-]{1,40}\s+\((?:AP|AFP|Reuters|dpa|EFE)\)\s*[—–-]",
    re.MULTILINE,
)
_CREDIT = re.compile(
    r"\b(?:photo|photograph|image|picture|credit|courtesy|file photo|getty images|shutterstock|istock|foto|bild|"
    r"quelle|imagen|cr[ée]dit|source)\s*[:/|]|\b(?:getty images|shutterstock|istock|afp photo|ap photo|"
    r"reuters/|epa|picture alliance|dpa-bildfunk)\b|©|\(photo\b|\bphoto by\b|\bphoto:",
    re.IGNORECASE,
)
_LINKLIKE = re.compile(r"https?://|www\.|\b[\w.-]+\.(?:com|org|net|af|de|co\.uk)\b|(?<!\w)@\w{2,}|(?<!\w)#\w{2,}|"
                       r"\b[\w.+-]+@[\w-]+\.\w+", re.IGNORECASE)  # fmt: skip
_PROMPT = re.compile(
    r"\b(?:read more|read also|also read|see also|more from|more on|related|recommended|you may also like|"
    r"click here|tap here|subscribe|sign up|newsletter|follow us|follow @|share (?:this|on)|share$|comments?$|"
    r"leave a comment|advertisement|sponsored|download (?:the|our) app|watch:|listen:|join (?:us|our)|donate|"
    r"support (?:us|our)|log in|login|register|cookie|privacy policy|terms of (?:use|service)|all rights reserved|"
    r"copyright|weiterlesen|mehr zum thema|auch interessant|lesen sie auch|anzeige|teilen|abonnieren|"
    r"leer m[áa]s|lea tambi[ée]n|suscr[íi]bete|compartir|lire aussi|abonnez-vous|partager|publicit[ée])\b",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
_QUOTES = "\"“”„«»‘’'"
_SEPARATORS = ("|", "•", "·", "»", "›", " / ", " - ", " – ", " — ")
_BULLET = tuple("•·-–—*►▸●■□◦→>")
_WORD = re.compile(r"\w+")
_CAPWORD = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*")

_UNIT = [
    "log_chars", "log_words", "ends_terminal", "ends_colon", "ends_ellipsis", "starts_quote", "quote_chars",
    "starts_bullet", "starts_digit", "title_ratio", "all_caps", "digit_ratio", "stop_ratio", "mean_word_len",
    "comma_per_word", "separators", "has_date", "has_time", "updated", "byline", "role", "name_like", "agency",
    "credit", "linklike", "prompt", "is_line",
]  # fmt: skip
_DOC = [
    "position", "log_from_start", "log_from_end", "rel_len", "len_rank", "before_prose", "after_prose",
    "in_prose_span", "chars_before", "sim_first", "is_first", "copies", "repeat_earlier", "sim_prev", "sim_next",
    "log_doc_units", "doc_line_share", "doc_prose_share", "log_short_run", "short_run_pos", "prose_gap_before",
    "prose_gap_after",
]  # fmt: skip
_CORE = ["log_chars", "ends_terminal", "stop_ratio", "title_ratio", "has_date", "byline", "credit", "prompt",
         "is_line", "linklike"]  # fmt: skip
LINE_NAMES = ["is_text"] + _UNIT + _DOC
"""Names of the per-unit and per-document columns (before the context columns)."""
UNIT_NAMES = list(_UNIT)
"""Names of the columns of :func:`line_unit_matrix`."""


def line_stat_names(window: int = 2) -> list[str]:
    """Feature names produced by :class:`LineStats` with this ``window``."""
    names = list(LINE_NAMES)
    for off in [*range(-window, 0), *range(1, window + 1)]:
        names += [f"line{off:+d}_present"] + [f"line{off:+d}_{c}" for c in _CORE]
    if window:
        names += [f"line_mean_{c}" for c in _CORE]
    return names


def _name_like(text: str, words: list[str]) -> bool:
    """2-5 capitalised words (and "and"/"und"/"y"/"et"), no final punctuation: a name on its own."""
    if not 2 <= len(words) <= 6 or _TERMINAL.search(text):
        return False
    caps = _CAPWORD.findall(text)
    rest = [w for w in words if w.lower() not in ("and", "und", "y", "et", "e", "de", "van", "von", "al", "bin")]
    return len(caps) >= 2 and len(caps) >= len(rest)


def line_unit_features(text: str, is_line: bool) -> list[float]:
    """The :data:`_UNIT` features of one unit's text (see :func:`line_unit_matrix`)."""
    return line_unit_matrix([text], [is_line])[0].tolist()


_FLAGS = (("has_date", _DATE), ("has_time", _TIME), ("updated", _UPDATED), ("byline", _BYLINE), ("role", _ROLE),
          ("agency", _AGENCY), ("credit", _CREDIT), ("linklike", _LINKLIKE))  # fmt: skip


def _match_counts(pattern: re.Pattern, joined: str, starts: np.ndarray) -> np.ndarray:
    """Matches of ``pattern`` per line of ``joined`` (lines start at ``starts``)."""
    pos = [m.start() for m in pattern.finditer(joined)]
    if not pos:
        return np.zeros(len(starts))
    return np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=len(starts)).astype(float)


def line_unit_matrix(texts: list[str], is_line: list[bool]) -> np.ndarray:
    """:data:`_UNIT` features of many units, shape (n, len(_UNIT)).

    The texts are stripped and joined one per line (inner line breaks become spaces) so that each
    pattern runs once over all of them; counts go back to their unit by offset.
    """
    n = len(texts)
    out = np.zeros((n, len(_UNIT)))
    if n == 0:
        return out
    ts = [" ".join(t.split("\n")).strip() if "\n" in t else t.strip() for t in texts]
    lengths = np.fromiter(map(len, ts), dtype=float, count=n)
    joined = "\n".join(ts)
    starts = np.r_[0, np.cumsum(lengths[:-1] + 1)]
    words = _match_counts(_WORD, joined, starts)
    n_words = np.maximum(words, 1.0)
    caps = _match_counts(_CAPWORD, joined, starts)
    letters = np.asarray([sum(map(str.isalpha, t)) for t in ts], dtype=float)
    upper = np.asarray([sum(map(str.isupper, t)) for t in ts], dtype=float)
    digits = np.asarray([sum(map(str.isdigit, t)) for t in ts], dtype=float)
    safe = np.maximum(lengths, 1.0)
    col = {c: i for i, c in enumerate(_UNIT)}
    out[:, col["log_chars"]] = np.log1p(lengths)
    out[:, col["log_words"]] = np.log1p(words)
    terminal = np.asarray([bool(_TERMINAL.search(t)) for t in ts], dtype=float)
    out[:, col["ends_terminal"]] = terminal
    out[:, col["ends_colon"]] = [t.endswith(":") for t in ts]
    out[:, col["ends_ellipsis"]] = [t.endswith(("...", "…", "[…]")) for t in ts]
    out[:, col["starts_quote"]] = [bool(t) and t[0] in _QUOTES for t in ts]
    out[:, col["quote_chars"]] = np.minimum(4.0, [sum(map(t.count, _QUOTES)) for t in ts])
    out[:, col["starts_bullet"]] = [t.startswith(_BULLET) for t in ts]
    out[:, col["starts_digit"]] = [t[:1].isdigit() for t in ts]
    out[:, col["title_ratio"]] = caps / n_words
    letters_safe = np.maximum(letters, 1.0)
    out[:, col["all_caps"]] = (upper == letters_safe) & (letters_safe > 3)
    out[:, col["digit_ratio"]] = digits / safe
    out[:, col["stop_ratio"]] = [sum(map(_STOP.__contains__, t.lower().split())) for t in ts] / n_words
    out[:, col["mean_word_len"]] = np.minimum(20.0, (lengths - [t.count(" ") for t in ts]) / n_words)
    out[:, col["comma_per_word"]] = [t.count(",") for t in ts] / n_words
    out[:, col["separators"]] = [sum(map(t.count, _SEPARATORS)) for t in ts]
    for name, pattern in _FLAGS:
        out[:, col[name]] = _match_counts(pattern, joined, starts) > 0
    out[:, col["prompt"]] = _match_counts(_PROMPT, joined, starts)
    out[:, col["is_line"]] = np.asarray(is_line, dtype=float)
    short = np.flatnonzero((words >= 2) & (words <= 6) & (terminal == 0))
    for i in short:
        out[i, col["name_like"]] = _name_like(ts[i], _WORD.findall(ts[i]))
    out[lengths == 0] = 0.0
    return out


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _doc_features(texts: list[str], unit: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """:data:`_DOC` features of one document's units (rows in reading order)."""
    m = len(texts)
    out = np.zeros((m, len(_DOC)))
    col = {c: i for i, c in enumerate(_UNIT)}
    lengths = np.asarray([len(t) for t in texts], dtype=float)
    words = np.expm1(unit[:, col["log_words"]])
    prose = (words >= 8) & (unit[:, col["ends_terminal"]] > 0) & (unit[:, col["stop_ratio"]] > 0.15)
    median = float(np.median(lengths[prose])) if prose.any() else float(np.median(lengths)) or 1.0
    idx = np.arange(m)
    order = lengths.argsort(kind="stable")
    ranks = np.empty(m)
    ranks[order] = np.arange(m)
    out[:, 0] = positions
    out[:, 1] = np.log1p(idx)
    out[:, 2] = np.log1p(m - 1 - idx)
    out[:, 3] = np.log((lengths + 1.0) / (median + 1.0))
    out[:, 4] = ranks / max(1, m - 1)
    if prose.any():
        first, last = np.flatnonzero(prose)[[0, -1]]
        out[:, 5] = idx < first
        out[:, 6] = idx > last
        out[:, 7] = (idx >= first) & (idx <= last)
    total = lengths.sum() or 1.0
    out[:, 8] = np.r_[0.0, np.cumsum(lengths)[:-1]] / total
    toks = [_tokens(t) for t in texts]
    norm = [" ".join(t.lower().split()) for t in texts]
    first_unit = next((k for k in range(m) if len(toks[k]) >= 2), 0)
    seen: dict[str, int] = {}
    counts: dict[str, int] = {}
    for s in norm:
        counts[s] = counts.get(s, 0) + 1
    for k in range(m):
        out[k, 9] = _jaccard(toks[k], toks[first_unit]) if k != first_unit else 0.0
        out[k, 10] = float(k == first_unit)
        out[k, 11] = min(5.0, counts[norm[k]] - 1.0)
        out[k, 12] = float(norm[k] in seen)
        seen.setdefault(norm[k], k)
        if k:
            out[k, 13] = _jaccard(toks[k], toks[k - 1])
        if k + 1 < m:
            out[k, 14] = _jaccard(toks[k], toks[k + 1])
    out[:, 15] = math.log1p(m)
    out[:, 16] = unit[:, col["is_line"]].mean()
    out[:, 17] = prose.mean()
    # runs of short lines without final punctuation: a list of teaser headlines or links comes in a run,
    # a sub-heading alone between paragraphs
    short = (words <= 12) & (unit[:, col["ends_terminal"]] == 0)
    run_start = np.r_[True, short[1:] != short[:-1]]
    run_id = np.cumsum(run_start) - 1
    run_len = np.bincount(run_id)[run_id]
    first = np.flatnonzero(run_start)[run_id]
    out[:, 18] = np.where(short, np.log1p(run_len), 0.0)
    out[:, 19] = np.where(short, (idx - first) / np.maximum(run_len, 1), 0.0)
    # units since the last prose unit and until the next one (capped)
    prose_idx = np.flatnonzero(prose)
    if len(prose_idx):
        before = np.searchsorted(prose_idx, idx, side="left") - 1
        after = np.searchsorted(prose_idx, idx, side="right")
        gap_b = np.where(before >= 0, idx - prose_idx[np.maximum(before, 0)], 50)
        gap_a = np.where(after < len(prose_idx), prose_idx[np.minimum(after, len(prose_idx) - 1)] - idx, 50)
        out[:, 20] = np.log1p(np.minimum(gap_b, 50))
        out[:, 21] = np.log1p(np.minimum(gap_a, 50))
    else:
        out[:, 20:22] = math.log1p(50)
    return out


class LineStats(TransformerMixin, BaseEstimator):
    """Dense line features of plain-text units and of their neighbours (stateless).

    Parameters
    ----------
    window : int, default 2
        Neighbours on each side whose core features are appended (0 = none); never across documents.
    mean_window : int, default 3
        Half-width of the window whose mean of core features is appended.

    Attributes
    ----------
    n_features_out_ : int

    Notes
    -----
    Column 0 is ``is_text`` (1 for rows without a ``tag_path``); rows of HTML blocks are all zeros.
    """

    def __init__(self, window: int = 2, mean_window: int = 3):
        self.window = window
        self.mean_window = mean_window

    def fit(self, X, y=None):
        self.n_features_out_ = len(line_stat_names(self.window))
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        X = _as_frame(X)
        n = len(X)
        out = np.zeros((n, self.n_features_out_))
        if n == 0:
            return out
        paths = _column(X, "tag_path", "")
        text_rows = np.asarray([not p for p in paths], dtype=bool)
        if not text_rows.any():
            return out
        rows = np.flatnonzero(text_rows)
        sub = X.iloc[rows] if len(rows) < n else X
        texts = [str(t) for t in _column(sub, "text", "")]
        tags = _column(sub, "tag", "p")
        positions = np.asarray(_column(sub, "position", 0.0), dtype=float)
        unit = line_unit_matrix(texts, [tag == "line" for tag in tags])
        docs = document_ids(sub) if isinstance(sub, pd.DataFrame) else np.zeros(len(texts), dtype=np.int64)
        doc = np.zeros((len(texts), len(_DOC)))
        bounds = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1], True])
        for s, e in zip(bounds[:-1], bounds[1:], strict=True):
            doc[s:e] = _doc_features(texts[s:e], unit[s:e], positions[s:e])
        index = {c: i for i, c in enumerate(_UNIT)}
        core = unit[:, [index[c] for c in _CORE]]
        parts = [np.ones((len(texts), 1)), unit, doc, *context_features(core, docs, self.window, self.mean_window)]
        out[rows] = np.hstack(parts)
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray(line_stat_names(self.window), dtype=object)


@featurizers.register("line_stats")
def line_stats(window: Window = 2, mean_window: Window = 3) -> LineStats:
    """Line features of plain-text units with context windows (see :class:`LineStats`)."""
    return LineStats(window=window, mean_window=mean_window)


@featurizers.register("line_proba")
def line_proba(
    window: Window = 3, C: Positive = 2.0, cv: FoldCount = 4, char: bool = True, random_state: RandomState = 13,
    max_features: PositiveInt = 200_000,
) -> TextProba:
    """The stacked n-gram model of plain-text units: :class:`~newsclf.pipeline.features.blocks.TextProba`
    on rows without a ``tag_path`` only (``rows="text"``, no DOM tokens), word and (``char``)
    character n-grams; HTML rows get zeros. Listed beside ``text_proba`` (``rows: html``) each
    kind of row gets its own n-gram model."""
    return TextProba(window=window, dom=False, C=C, cv=cv, char=char, random_state=random_state, rows="text",
                     max_features=max_features)  # fmt: skip

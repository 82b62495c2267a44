"""Target-relative sentiment: lexicon cue words placed relative to the target (:class:`StancePolarity`).

A sentence about several people carries sentiment toward some of them only. What decides whether
a cue word ("slammed", "praised", "corrupt") is about the target is where it sits: next to the
target or far from it, before or after it, in the same clause or across a boundary ("but",
"while", a comma), negated or not. :class:`StancePolarity` turns every lexicon word of the marked
text (:func:`~newsclf.pipeline.features.stance.mark_text`) into an abstract token of that shape
(``neg_R2_c``: a negative word right of the target, 3-5 words away, same clause) plus a few dense,
distance-weighted valence sums, and adds the target's grammatical position (sentence-initial
subject, after "by"/"of"/"against", before a speech verb).

The lexicons are read from the installed wheels when fitting (``vaderSentiment``; ``afinn``;
``textblob``'s ``en-sentiment.xml``) and copied into ``lexicon_``: the fitted model needs none of
those packages and nothing is downloaded.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._cues import _read_vader_lexicon
from ._marking import SPK, TGT, _MarkingMixin, _tokens_of
from ._rules import NEGATIONS
from ._vocab import TokenTfidf

__all__ = ["LEXICONS", "StancePolarity", "polarity_tokens", "read_lexicon"]

LEXICONS = ("vader", "afinn", "textblob")
BOUNDARIES = frozenset(", ; : but while although though however whereas yet unlike despite".split())
SPEECH = frozenset("said says say told tells according added adds argued argues claimed claims wrote writes".split())
BEFORE = frozenset("by of against with for from".split())
_MARKS = BOUNDARIES | NEGATIONS | {TGT, SPK}
DENSE_NAMES = ("near_pos", "near_neg", "clause_pos", "clause_neg", "far_pos", "far_neg", "n_cues")


def _read_afinn() -> dict[str, float]:
    import afinn  # a dependency

    path = Path(afinn.__file__).parent / "data" / "AFINN-en-165.txt"
    lex = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, score = line.rpartition("\t")
        if word and " " not in word:
            try:
                lex[word] = float(score) / 5.0
            except ValueError:
                continue
    return lex


def _read_textblob() -> dict[str, float]:
    try:
        import textblob
    except ImportError:
        from newsclf.errors import ConfigError

        raise ConfigError("stance_polarity lexicon 'textblob' needs the textblob package: pip install "
                          "textblob (or leave it out of lexicons)") from None
    path = Path(textblob.__file__).parent / "en" / "en-sentiment.xml"
    scores: dict[str, list[float]] = {}
    for m in re.finditer(r'<word form="([^"]+)"[^>]*?polarity="([-0-9.]+)"', path.read_text(encoding="utf-8")):
        if " " not in m.group(1):
            scores.setdefault(m.group(1).lower(), []).append(float(m.group(2)))
    return {w: sum(v) / len(v) for w, v in scores.items() if abs(sum(v) / len(v)) >= 0.1}


def read_lexicon(names: Sequence[str]) -> dict[str, float]:
    """Word -> valence in [-1, 1]: the mean over the named lexicons that list the word.

    A lexicon whose package is not installed is skipped with a warning.
    """
    readers = {"vader": _read_vader_lexicon, "afinn": _read_afinn, "textblob": _read_textblob}
    sums: dict[str, list[float]] = {}
    for name in names:
        if name not in readers:
            raise ValueError(f"stance_polarity: unknown lexicon {name!r}; known: {', '.join(LEXICONS)}")
        lex = readers[name]()
        if not lex:
            warnings.warn(f"stance_polarity: lexicon {name!r} needs its package installed ({name}); skipped",
                          UserWarning, stacklevel=3)
        for w, v in lex.items():
            sums.setdefault(w, []).append(v)
    return {w: max(-1.0, min(1.0, sum(v) / len(v))) for w, v in sums.items()}


def _dist_bin(d: int) -> str:
    return "1" if d <= 2 else "2" if d <= 5 else "3" if d <= 10 else "4"


def polarity_tokens(toks: Sequence[str], lex: Mapping[str, float], scope: int = 3) -> tuple[list[str], list[float]]:
    """Abstract tokens and dense sums for one marked, lower-cased token list.

    Returns
    -------
    tokens : list of str
        ``<pos|neg>_<L|R><1-4>_<c|x>`` per lexicon word (side and distance bin of the nearest
        target mention, ``c`` same clause, ``x`` across a boundary), ``notgt_<pos|neg>`` when the
        target is not named, ``<st|ts>_<pos|neg>_<in|out>`` when the speaker is named too (speaker
        before/after the target, cue between them or not), and position tokens (``at:initial``, ``at:after_<w>``,
        ``at:speaks``, ``at:possessed``).
    dense : list of float, len(DENSE_NAMES)
        Valence sums: weighted by 1/(1+distance) (near), same clause, other clause; count of cues.
    """
    special = [(j, t) for j, t in enumerate(toks) if t in lex or t in _MARKS]
    idx = [j for j, t in special if t == TGT]
    sidx = [j for j, t in special if t == SPK]
    pair = min(((a, b) for a in sidx for b in idx), key=lambda p: abs(p[0] - p[1])) if sidx and idx else None
    cues = [j for j, t in special if t in lex and t not in NEGATIONS and t not in BOUNDARIES]
    out: list[str] = []
    dense = [0.0] * len(DENSE_NAMES)
    if cues:
        bounds = [j for j, t in special if t in BOUNDARIES]
        negs = [j for j, t in special if t in NEGATIONS]
        for j in cues:
            v = lex[toks[j]]
            if not v:
                continue
            negated = any(j - scope <= n < j for n in negs)
            if negated:
                v *= -0.74
            pol = "pos" if v > 0 else "neg"
            dense[6] += 1.0
            if not idx:
                out.append("notgt_" + pol)
                continue
            i = min(idx, key=lambda k: abs(k - j))
            d = abs(i - j)
            lo, hi = (i, j) if i < j else (j, i)
            same = not any(lo < b < hi for b in bounds)
            out.append(f"{pol}_{'L' if j < i else 'R'}{_dist_bin(d)}_{'c' if same else 'x'}")
            if negated:
                out.append(f"{pol}_negated")
            if pair is not None:  # directed: speaker before/after the target, cue between them or not
                a, b = pair
                inside = min(a, b) < j < max(a, b)
                out.append(f"{'st' if a < b else 'ts'}_{pol}_{'in' if inside else 'out'}")
            k = 0 if v > 0 else 1
            dense[k] += abs(v) / (1.0 + d)
            dense[(2 if same else 4) + k] += abs(v)
    for i in idx:
        prev = toks[i - 1] if i > 0 else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if i <= 1:
            out.append("at:initial")
        if prev in BEFORE:
            out.append("at:after_" + prev)
        if nxt in SPEECH or (nxt in ("has", "had", "was", "is") and i + 2 < len(toks) and toks[i + 2] in SPEECH):
            out.append("at:speaks")
        if nxt in ("'s", "’s", "s"):
            out.append("at:possessed")
    dense = [math.tanh(x / 2) for x in dense[:6]] + [min(dense[6], 10.0) / 10.0]
    return out, dense


class StancePolarity(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Lexicon cue words placed relative to the target, as abstract tokens (TF-IDF) + dense sums.

    Output: ``(n_rows, n_tokens + len(DENSE_NAMES))`` sparse; token names ``pol:<token>``, dense
    names ``pol:<name>`` (see :func:`polarity_tokens`).

    Parameters
    ----------
    lexicons : sequence of {"vader", "afinn", "textblob"}, default ("vader", "afinn")
        Merged by averaging (:func:`read_lexicon`); copied into ``lexicon_`` when fitting.
    dense : bool, default True
        Append the dense sums.
    min_df : int, default 2
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`

    Attributes
    ----------
    actors_ : dict
    lexicon_ : dict of str -> float
    vectorizer_ : TokenTfidf over the abstract tokens
    """

    def __init__(self, lexicons=("vader", "afinn"), dense=True, min_df=2, actors=None, pronouns="other",
                 implicit=True, frame=True):
        self.lexicons = lexicons
        self.dense = dense
        self.min_df = min_df
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    def _rows(self, X) -> tuple[list[list[str]], np.ndarray]:
        docs, dense = [], []
        for toks in _tokens_of(self._marked(X)):
            t, d = polarity_tokens(toks, self.lexicon_)
            docs.append(t or ["nopol"])
            dense.append(d)
        return docs, np.asarray(dense, dtype=np.float64).reshape(-1, len(DENSE_NAMES))

    def _stack(self, Xt, dense: np.ndarray):
        return sp.hstack([Xt, sp.csr_matrix(dense)], format="csr") if self.dense else sp.csr_matrix(Xt)

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        self._fit_actors()
        self.lexicon_ = read_lexicon(list(self.lexicons))
        docs, dense = self._rows(X)
        self.vectorizer_ = TokenTfidf(min_df=self.min_df, sublinear_tf=True)
        try:
            Xt = self.vectorizer_.fit_transform(docs)
        except ValueError:  # tiny data: min_df prunes everything
            self.vectorizer_ = TokenTfidf(min_df=1, sublinear_tf=True)
            Xt = self.vectorizer_.fit_transform(docs)
        return self._stack(Xt, dense)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        docs, dense = self._rows(X)
        return self._stack(self.vectorizer_.transform(docs), dense)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        names = ["pol:" + f for f in self.vectorizer_.get_feature_names_out()]
        if self.dense:
            names += ["pol:" + n for n in DENSE_NAMES]
        return np.asarray(names, dtype=object)

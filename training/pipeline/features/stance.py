"""Target-aware stance featurizers: the target marked in the text, speaker-side relation, windows.

A stance row asks "what is the stance of ``text`` (said by ``speaker``, on side ``side``) toward
``target``?". The target is either a configured actor key (``taliban``, ``nrf``: every alias from
the actors file marks a mention) or any other name (marked where it occurs; a multi-word name also
matches its last word, "Ahmad Massoud" -> "Massoud"). Rows imported from the corpora may carry
``target_start``/``target_end`` (and ``speaker_start``/``speaker_end``) columns: those spans are
marked too.

:func:`mark_text` rewrites a row into one string where the target's mentions read ``tgt`` and the
speaker's read ``spk``, so that what a model learns about "sentiment toward the marked person" in
the public corpora (NewsMTSC, DSE) carries over to the actors. For a quote whose speaker belongs to
an actor (``side``) and whose target is an actor, the relation between the two is known:

* other side: ``they``/``them`` refer to the target -> ``tgt``; and in a first-person quote a
  fight ("continue our fight", "send our forces to fight") is a fight against the other side, so
  ``against tgt`` is inserted after the first one (``pronouns``/``implicit`` switch this off);
* same side (only with ``pronouns="both"``): first-person plural pronouns (we, us, our...) refer
  to the target -> ``tgt``. Off by default: the corpora label how a sentence *portrays* the
  marked person, so a speaker's self-description ("we tried our best") reads as favourable,
  while a quote's stance *for* its own side needs an explicit claim (a vow, a victory);
* a quote that does not name its speaker is framed as reported speech (``spk said : "..."``), the
  shape of many corpus sentences.

Registered featurizers (all read the stance input frame):

``stance_tfidf``    TF-IDF over the marked text (word n-grams; any analyzer)
``stance_char_tfidf`` the same with character n-grams (``char_wb``, 2-5) by default
``stance_windows``  words left/right of each target mention (``l_``/``r_``/``l1_``/``r1_`` tokens)
``stance_cues``     dense cues: target named, speaker named, relation one-hot, negation (in the
                    text, near the target), lexicon valence of the text and of the target window
``stance_relation`` rel:same / rel:other columns, read by the ``relation_gate`` estimator; with
                    ``cues: true`` also rule:vow / rule:neg_attr / rule:speaker before them, read by
                    ``relation_gate(rules=True)`` (vow to fight -> favor own side / against the
                    other; denied positive attribute -> against the other side) and its
                    ``nospeaker_weight`` (weight of NewsMTSC-like rows when fitting)
``stance_dense``    optional: mean wordllama embeddings of the marked text and the target window
                    (the ``stance-dense`` extra; loads the model shipped inside the wheel, offline)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from training.pipeline.registry import estimators, featurizers

__all__ = [
    "DEFAULT_ACTORS",
    "RelationGate",
    "StanceRelation",
    "StanceCues",
    "StanceDense",
    "StanceTfidf",
    "StanceWindows",
    "load_actor_aliases",
    "mark_frame",
    "mark_text",
    "relation",
]

DEFAULT_ACTORS: dict[str, list[str]] = {
    "taliban": ["Taliban", "Islamic Emirate", "Zabihullah Mujahid", "Mujahid", "the militant group",
                "the Islamist militia", "Taliban forces", "the Taliban"],
    "nrf": ["National Resistance Front", "NRF", "Ahmad Massoud", "Massoud", "Amrullah Saleh",
            "resistance forces", "the resistance"],
}
"""Used only when neither :mod:`training.data.actors` nor the actors file can be read."""

TGT, SPK = "tgt", "spk"
_TOKEN = re.compile(r"\w+(?:[’']\w+)?|[^\w\s]")
_SELF = re.compile(r"\b(?:we|us|our|ours|ourselves)\b", re.IGNORECASE)
_THEY = re.compile(r"\b(?:they|them|themselves)\b", re.IGNORECASE)
_FIGHT = re.compile(r"\b(?:fight|fighting|struggle|resistance|resist|war)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|i|my)\b", re.IGNORECASE)
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor cannot can't won't don't doesn't didn't isn't "
    "aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't without n't "
    "can’t won’t don’t doesn’t didn’t isn’t aren’t wasn’t weren’t hasn’t haven’t".split()
)

# A first-person vow to keep fighting ("continue our fight", "fight on", "until the last",
# "never surrender", "our resolve"): the guide's "favor <own side>" / "against <other side>" cue.
_VOW = re.compile(
    r"\b(?:continu\w*|keep|carry on)\b[^.;]{0,30}?\b(?:fight\w*|struggle|resist\w*|defen[cs]\w*)"
    r"|\b(?:fight|fighting|resist|resisting|struggle)\s+on\b"
    r"|\b(?:fight|resist|defend|struggle)\w*\b[^.;]{0,25}?\b(?:to|until|till)\s+the\s+(?:last|end|death|final)\b"
    r"|\buntil\s+the\s+(?:last|final)\b"
    r"|\b(?:never|not|won[’']t|will\s+not)\s+(?:\w+\s+)?(?:surrender|give\s+up|bow|submit|yield|back\s+down)\b"
    r"|\b(?:our|my)\s+(?:\w+\s+)?(?:resolve|determination|firmness|steadfastness)\b"
    r"|\b(?:we|i)\s+(?:will|shall|are\s+ready\s+to|vow\s+to)\s+(?:\w+\s+)?(?:fight|resist|defend)\b"
    r"|\bstand\s+(?:firm|in\s+defen[cs]e)\b",
    re.IGNORECASE,
)
# A negated positive attribute ("no belief in", "no respect for", "not legitimate", "lack of
# legitimacy"): the attribute is denied to whoever the clause is about.
_NEG_WORDS = frozenset({"no", "not", "never", "without", "lack", "lacks", "lacked", "lacking", "n't", "nor"}) | NEGATIONS
_ATTRIBUTES = frozenset(
    "belief beliefs faith respect regard legitimacy legitimate credibility credible honour honor "
    "honesty honest sincere sincerity mercy morality moral morals humanity humane values principles "
    "commitment trust trustworthy mandate right rights conscience dignity decency shame loyalty "
    "legal lawful valid".split()
)
_CLAUSE_END = frozenset(".;:!?,")


def vow_cue(text: str) -> bool:
    """A first-person vow to keep fighting (see ``_VOW``)."""
    return _FIRST_PERSON.search(text) is not None and _VOW.search(text) is not None


def negated_attribute_cue(text: str, positive: Mapping[str, float] | None = None, scope: int = 3) -> bool:
    """A negation followed, within ``scope`` words of the same clause, by a positive attribute
    (``_ATTRIBUTES``, or a lexicon word with valence >= 0.4 when ``positive`` is given)."""
    return _negated_attribute(_TOKEN.findall(text.lower()), positive, scope)


def _negated_attribute(toks: Sequence[str], positive: Mapping[str, float] | None = None, scope: int = 3) -> bool:
    left = 0
    for t in toks:
        if t in _CLAUSE_END:
            left = 0
            continue
        if t in _NEG_WORDS or t.endswith("n't") or t.endswith("n’t"):
            left = scope
            continue
        if left > 0:
            if t in _ATTRIBUTES or (positive is not None and positive.get(t, 0.0) >= 0.4):
                return True
            left -= 1
    return False



# --------------------------------------------------------------------------- actors


def _aliases_of(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        names = list(value.get("aliases", []) or []) + list(value.get("members", []) or [])
        names += [m.split()[-1] for m in value.get("members", []) or [] if len(m.split()) > 1]
        for k in ("name", "label"):
            if value.get(k):
                names.append(value[k])
        return [str(n) for n in names]
    if hasattr(value, "aliases"):
        names = list(value.aliases or [])
        if getattr(value, "name", None):
            names.append(value.name)
        members = list(getattr(value, "members", None) or [])
        names.extend(members)
        names.extend(getattr(value, "surnames", {}) or [m.split()[-1] for m in members if len(m.split()) > 1])
        return [str(n) for n in names]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def load_actor_aliases(path: str | Path | None = None) -> dict[str, list[str]]:
    """Actor key -> aliases, from :func:`training.data.actors.load_actors` or the actors YAML.

    Falls back to :data:`DEFAULT_ACTORS` when neither can be read.
    """
    try:
        from training.data.actors import load_actors  # data-core helper

        actors = load_actors(path) if path is not None else load_actors()
        if isinstance(actors, Mapping):
            items = actors.items()
        else:
            items = [(getattr(a, "key", None) or getattr(a, "id", None) or getattr(a, "name", ""), a) for a in actors]
        out = {str(k).lower(): _aliases_of(v) for k, v in items if k}
        if any(out.values()):
            return {k: sorted(set(v) | {k}, key=len, reverse=True) for k, v in out.items()}
    except Exception:  # noqa: BLE001 - the module may not exist yet or have another shape
        pass
    try:
        import yaml

        from training import settings

        data = yaml.safe_load(Path(path or settings.actors_path()).read_text(encoding="utf-8"))
        if isinstance(data, Mapping) and "actors" in data:
            data = data["actors"]
        if isinstance(data, list):
            data = {str(d.get("key") or d.get("id") or d.get("name")): d for d in data if isinstance(d, Mapping)}
        out = {str(k).lower(): _aliases_of(v) for k, v in (data or {}).items()}
        if any(out.values()):
            return {k: sorted(set(v) | {k}, key=len, reverse=True) for k, v in out.items()}
    except Exception:  # noqa: BLE001
        pass
    return {k: sorted(set(v) | {k}, key=len, reverse=True) for k, v in DEFAULT_ACTORS.items()}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


@lru_cache(maxsize=1024)
def _normalised(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({n.strip().lower() for n in names if n and n.strip()}, key=len, reverse=True))


def _find_names(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Case-insensitive whole-word occurrences of ``names`` (plus a possessive ``'s``), no regex.

    Plain ``str.find`` on the lower-cased text: free-name targets are mostly unique, so compiling
    a pattern per name would dominate prediction time.
    """
    low = text.lower()
    found: list[tuple[int, int]] = []
    for name in _normalised(names):
        if name not in low:
            continue
        start = low.find(name)
        while start >= 0:
            end = start + len(name)
            if (start == 0 or not _is_word_char(low[start - 1])) and (end == len(low) or not _is_word_char(low[end])):
                if low[end:end + 2] in ("'s", "’s") and (end + 2 == len(low) or not _is_word_char(low[end + 2])):
                    end += 2
                found.append((start, end))
            start = low.find(name, start + 1)
    return found


def _free_name_variants(name: str) -> tuple[str, ...]:
    name = name.strip()
    if not name:
        return ()
    out = [name]
    words = name.split()
    if len(words) > 1 and len(words[-1]) > 3 and words[-1][:1].isupper():
        out.append(words[-1])
    return tuple(out)


def relation(side: str, target: str, actors: Mapping[str, Any]) -> str:
    """``"same"``, ``"other"`` or ``"unknown"``: the speaker's side versus the target actor."""
    side = (side or "").strip().lower()
    target = (target or "").strip().lower()
    if not side or side not in actors or target not in actors:
        return "unknown"
    return "same" if side == target else "other"


# --------------------------------------------------------------------------- marking


def _span(value: Any) -> int | None:
    if value is None:
        return None
    try:
        if isinstance(value, float) and math.isnan(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def mark_text(
    text: str,
    target: str = "",
    speaker: str = "",
    side: str = "",
    actors: Mapping[str, Sequence[str]] | None = None,
    target_span: tuple[int | None, int | None] = (None, None),
    speaker_span: tuple[int | None, int | None] = (None, None),
    pronouns: bool | str = "other",
    implicit: bool = True,
    frame: bool = True,
    keep_mention: bool = False,
) -> str:
    """Return ``text`` with the target's mentions as ``tgt`` and the speaker's as ``spk``.

    Parameters
    ----------
    text, target, speaker, side : str
        One stance row (see :mod:`training.tasks`).
    actors : mapping, optional
        Actor key -> aliases (:func:`load_actor_aliases`); ``None`` treats every target as a name.
    target_span, speaker_span : (start, end)
        Known spans in ``text`` (from the corpora); marked in addition to name matches.
    pronouns : {"other", "both", "none"} or bool, default "other"
        Which relation-aware pronoun rewrites apply: ``they``/``them`` for an other-side target,
        ``we``/``us``/``our`` for a same-side target (``"both"``/True), or none (False).
    implicit, frame : bool
        The relation-aware rewrites described in the module docstring.
    keep_mention : bool or "both", default False
        Wrap target mentions (``tgt Massoud tgt``) instead of replacing them; ``"both"`` returns
        the pair (masked, wrapped) from one pass.

    Examples
    --------
    >>> mark_text("Ahmad Massoud said Massoud's men fight.", "Ahmad Massoud")
    'tgt said tgt men fight.'
    >>> mark_text("We will fight on.", "taliban", "Ahmad Massoud", "nrf", {"taliban": ["Taliban"], "nrf": ["NRF"]})
    'spk said : " We will fight against tgt on. "'
    """
    actors = actors or {}
    text = text or ""
    target = target or ""
    tkey = target.strip().lower()
    if tkey in actors:
        names = actors[tkey]
        names = names if isinstance(names, tuple) else tuple(names)
    else:
        names = _free_name_variants(target)
    spans: list[tuple[int, int, str]] = []
    ts, te = (_span(x) for x in target_span)
    if ts is not None and te is not None and 0 <= ts < te <= len(text):
        spans.append((ts, te, TGT))
    spans.extend((a, b, TGT) for a, b in _find_names(text, names))
    ss, se = (_span(x) for x in speaker_span)
    if ss is not None and se is not None and 0 <= ss < se <= len(text):
        spans.append((ss, se, SPK))
    skey = (speaker or "").strip().lower()
    if skey and skey != tkey:
        spans.extend((a, b, SPK) for a, b in _find_names(text, _free_name_variants(speaker)))
    rel = relation(side, target, actors)
    mode = {True: "both", False: "none"}.get(pronouns, pronouns) if isinstance(pronouns, bool) else pronouns
    if mode not in ("other", "both", "none"):
        raise ValueError(f"pronouns must be 'other', 'both' or 'none', got {pronouns!r}")
    if (rel == "other" and mode in ("other", "both")) or (rel == "same" and mode == "both"):
        pron = _SELF if rel == "same" else _THEY
        spans.extend((m.start(), m.end(), TGT) for m in pron.finditer(text))
    # resolve overlaps: earliest start, then longest, target before speaker
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2] != TGT))
    masked: list[str] = []
    kept: list[str] = []
    pos = 0
    for s, e, tok in spans:
        if s < pos:
            continue
        masked.append(text[pos:s])
        masked.append(f" {tok} ")
        if keep_mention is not False:
            kept.append(text[pos:s])
            kept.append(f" {tok} {text[s:e]} {tok} " if tok == TGT else f" {tok} ")
        pos = e
    masked.append(text[pos:])
    kept.append(text[pos:])
    fight = implicit and rel == "other" and _FIRST_PERSON.search(text) is not None
    has_spk = any(tok == SPK for _, _, tok in spans)

    def finish(parts: list[str]) -> str:
        marked = "".join(parts)
        if fight:
            marked = _FIGHT.sub(lambda m: f"{m.group(0)} against {TGT}", marked, count=1)
        marked = " ".join(marked.split())
        if frame and skey and not has_spk:
            marked = f'{SPK} said : " {marked} "'
        return marked

    if keep_mention == "both":
        return finish(masked), finish(kept)
    return finish(kept) if keep_mention else finish(masked)


def _column(X: pd.DataFrame, name: str, default: Any = "") -> list:
    if name in X.columns:
        return X[name].tolist()
    return [default] * len(X)


def _as_frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError(f"stance featurizers need a 'text' column; present: {list(X.columns)}")
        return X
    if isinstance(X, pd.Series):
        return pd.DataFrame({"text": X.fillna("").astype(str).tolist()})
    return pd.DataFrame({"text": ["" if v is None else str(v) for v in X]})


def mark_frame(X, actors=None, pronouns="other", implicit=True, frame=True, keep_mention=False) -> list[str]:
    """:func:`mark_text` over every row of a stance frame (span columns used when present)."""
    X = _as_frame(X)
    cols = [
        _column(X, c, d)
        for c, d in (("text", ""), ("target", ""), ("speaker", ""), ("side", ""),
                     ("target_start", None), ("target_end", None),
                     ("speaker_start", None), ("speaker_end", None))
    ]
    # the featurizers of one pipeline mark the same frame in turn: keep the last result (both the
    # masked and the wrapped variant, computed in one pass)
    try:
        key = (
            tuple(hash(tuple(c)) for c in cols),
            hash(tuple(sorted((k, tuple(v)) for k, v in (actors or {}).items()))),
            pronouns, implicit, frame,
        )
    except TypeError:  # unhashable cell values
        key = None
    variant = 1 if keep_mention else 0
    last = _LAST_MARKED[0]  # one atomic read: (key, masked, wrapped) of the previous call, thread-safe
    if key is not None and last is not None and last[0] == key:
        return list(last[1 + variant])
    out = []
    for text, target, speaker, side, ts, te, ss, se in zip(*cols, strict=True):
        out.append(
            mark_text(
                "" if text is None else str(text),
                "" if target is None or (isinstance(target, float) and math.isnan(target)) else str(target),
                "" if speaker is None or (isinstance(speaker, float) and math.isnan(speaker)) else str(speaker),
                "" if side is None or (isinstance(side, float) and math.isnan(side)) else str(side),
                actors,
                (ts, te),
                (ss, se),
                pronouns=pronouns,
                implicit=implicit,
                frame=frame,
                keep_mention="both",
            )
        )
    if key is not None:
        _LAST_MARKED[0] = (key, tuple(m for m, _ in out), tuple(k for _, k in out))
    return [pair[variant] for pair in out]


_LAST_MARKED: list[Any] = [None]


class _MarkingMixin:
    """Shared parameters: ``actors`` (None = the actors file at fit time), marking switches."""

    def _fit_actors(self) -> None:
        actors = load_actor_aliases() if self.actors is None else dict(self.actors)
        self.actors_ = {str(k).lower(): tuple(v) for k, v in actors.items()}

    def _marked(self, X) -> list[str]:
        return mark_frame(X, self.actors_, self.pronouns, self.implicit, self.frame,
                          getattr(self, "keep_mention", False))


# --------------------------------------------------------------------------- transformers


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
    domain : {None, "speaker"}
        ``"speaker"`` adds two copies of the features, one non-zero only for rows with a known
        speaker (DSE-like rows and quotes), one only for rows without (NewsMTSC-like), so a joint
        model learns shared and domain-specific weights ("frustratingly easy" domain adaptation).

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
        extra = {"token_pattern": r"(?u)\b\w+\b"} if self.analyzer == "word" else {}
        return TfidfVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range), min_df=min_df,
                               max_df=self.max_df, sublinear_tf=self.sublinear_tf,
                               max_features=self.max_features, dtype=np.float64, **extra)

    def _domain(self) -> str | None:
        domain = getattr(self, "domain", None)  # models pickled before the parameter existed
        if domain not in (None, "speaker"):
            raise ValueError(f"stance_tfidf: domain must be null or 'speaker', got {domain!r}")
        return domain

    def _with_domain(self, Xt, texts: list[str]):
        """``[X | X * speaker-known | X * no-speaker]``: shared and per-domain copies (sparse ops)."""
        if self._domain() is None:
            return Xt
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
        try:
            Xt = self.vectorizer_.fit_transform(texts)
        except ValueError:  # tiny data: min_df prunes everything
            self.vectorizer_ = self._make(1)
            Xt = self.vectorizer_.fit_transform(texts)
        return self._with_domain(Xt, texts)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        texts = self._marked(X)
        return self._with_domain(self.vectorizer_.transform(texts), texts)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        names = self.vectorizer_.get_feature_names_out()
        if self._domain() is None:
            return names
        return np.concatenate([names, np.asarray(["spk:" + n for n in names], dtype=object),
                               np.asarray(["nospk:" + n for n in names], dtype=object)])


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


_LAST_TOKENS: list[Any] = [None]


def _tokens_of(marked: Sequence[str]) -> list[list[str]]:
    """Lower-cased tokens of each marked text; the last result is kept, since ``stance_windows``
    and ``stance_cues`` tokenize the same marked texts in turn."""
    try:
        key = hash(tuple(marked))
    except TypeError:
        key = None
    last = _LAST_TOKENS[0]
    if key is not None and last is not None and last[0] == key and len(last[1]) == len(marked):
        return last[1]
    toks = [_TOKEN.findall(m.lower()) for m in marked]
    if key is not None:
        _LAST_TOKENS[0] = (key, toks)
    return toks


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
        return TfidfVectorizer(analyzer=str.split, min_df=min_df, sublinear_tf=self.sublinear_tf,
                               lowercase=False, dtype=np.float64)

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        self._fit_actors()
        docs = self._docs(X)
        self.vectorizer_ = self._make(self.min_df)
        try:
            return self.vectorizer_.fit_transform(docs)
        except ValueError:
            self.vectorizer_ = self._make(1)
            return self.vectorizer_.fit_transform(docs)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(self._docs(X))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return np.asarray(["win:" + f for f in self.vectorizer_.get_feature_names_out()], dtype=object)


def _read_vader_lexicon() -> dict[str, float]:
    """The VADER lexicon shipped in the ``vaderSentiment`` wheel, or {} when it is not installed."""
    try:
        import vaderSentiment
    except ImportError:
        return {}
    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    lex = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                lex[parts[0]] = float(parts[1]) / 4.0
            except ValueError:
                continue
    return lex


def _valences(words: list[str], lex: Mapping[str, float], scope: int = 3) -> list[float]:
    """Lexicon valence per word, flipped (x -0.74, as VADER does) within ``scope`` words after a negation."""
    out = []
    left = 0
    for w in words:
        if w in NEGATIONS:
            left = scope
            out.append(0.0)
            continue
        v = lex.get(w, 0.0)
        if left > 0:
            v *= -0.74
            left -= 1
        out.append(v)
    return out


CUE_NAMES = (
    "tgt_named", "tgt_count", "spk_named", "rel_same", "rel_other", "rel_unknown", "negations",
    "neg_near_tgt", "valence", "valence_pos", "valence_neg", "valence_window", "quote_marks",
    "first_person", "length",
)


class StanceCues(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Dense cues of a stance row (names in :data:`CUE_NAMES`).

    Valence uses the VADER lexicon from the ``vaderSentiment`` wheel when installed at fit time
    (copied into ``lexicon_``, so the fitted model needs no package); otherwise it is 0. A word
    within three words after a negation counts with flipped, damped valence.

    Parameters
    ----------
    window : int, default 4
        Tokens around a target mention for ``neg_near_tgt`` and ``valence_window``.
    lexicon : {"vader", None}, default "vader"
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`
    attributes : bool, default False
        Two more cues: ``neg_attr`` (a positive attribute under negation, "no respect for",
        "not legitimate": :func:`negated_attribute_cue` with the lexicon's positive words) and
        ``vow`` (a first-person vow to keep fighting, :func:`vow_cue`).
    """

    attributes = False  # default for models pickled before the parameter existed

    def __init__(self, window=4, lexicon="vader", actors=None, pronouns="other", implicit=True, frame=True,
                 attributes=False):
        self.attributes = attributes
        self.window = window
        self.lexicon = lexicon
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    def fit(self, X, y=None):
        self._fit_actors()
        if self.lexicon not in ("vader", None):
            raise ValueError(f"stance_cues: lexicon must be 'vader' or null, got {self.lexicon!r}")
        self.lexicon_ = _read_vader_lexicon() if self.lexicon == "vader" else {}
        if self.lexicon == "vader" and not self.lexicon_:
            import warnings

            warnings.warn(
                "stance_cues: lexicon 'vader' needs the vaderSentiment package (pip install vaderSentiment); "
                "valence cues are 0 for this model",
                UserWarning,
                stacklevel=2,
            )
        self.n_features_out_ = len(self._names())
        return self

    def _names(self) -> tuple[str, ...]:
        return CUE_NAMES + (("neg_attr", "vow") if getattr(self, "attributes", False) else ())

    def transform(self, X):
        check_is_fitted(self, "lexicon_")
        frame = _as_frame(X)
        marked = self._marked(frame)
        targets = _column(frame, "target", "")
        sides = _column(frame, "side", "")
        texts = _column(frame, "text", "")
        lex = self.lexicon_
        w = int(self.window)
        attrs = bool(getattr(self, "attributes", False))
        out = np.zeros((len(marked), len(self._names())))
        for r, (toks, target, side, text) in enumerate(zip(_tokens_of(marked), targets, sides, texts, strict=True)):
            words = [t for t in toks if t != TGT and t != SPK]
            idx = [i for i, t in enumerate(toks) if t == TGT]
            rel = relation(str(side or ""), str(target or ""), self.actors_)
            vals = _valences(words, lex)
            negs = sum(t in NEGATIONS for t in words)
            near = set()
            for i in idx:
                near.update(range(max(0, i - w), min(len(toks), i + w + 1)))
            near_toks = [toks[i] for i in near if toks[i] not in (TGT, SPK)]
            if attrs:
                raw = "" if text is None else str(text)
                out[r, len(CUE_NAMES):] = (_negated_attribute(toks, lex), vow_cue(raw))
            out[r, : len(CUE_NAMES)] = (
                bool(idx), math.log1p(len(idx)), SPK in toks, rel == "same", rel == "other",
                rel == "unknown", min(negs, 3) / 3, any(t in NEGATIONS for t in near_toks),
                math.tanh(sum(vals) / 2), math.tanh(sum(v for v in vals if v > 0) / 2),
                math.tanh(-sum(v for v in vals if v < 0) / 2),
                math.tanh(sum(lex.get(t, 0.0) for t in near_toks) / 2),
                any(q in str(text or "") for q in "\"“”"), bool(_FIRST_PERSON.search(str(text or ""))),
                min(len(words), 100) / 100,
            )
        return sp.csr_matrix(out)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["cue:" + n for n in self._names()], dtype=object)


class StanceRelation(TransformerMixin, BaseEstimator):
    """Two columns: the row's speaker side is the target actor (``rel_same``) or another actor
    (``rel_other``); both 0 when unknown. List it **last** in a config whose model is
    ``relation_gate``, which reads these two columns.

    Parameters
    ----------
    actors : dict or None
        Actor key -> aliases; ``None`` reads the actors file when fitting (kept in ``actors_``).
    cues : bool, default False
        Also three columns *before* the relation columns, for ``relation_gate(rules=True)``:
        ``rule:vow`` (a first-person vow to keep fighting, :func:`vow_cue`) and ``rule:neg_attr``
        (a positive attribute under negation, :func:`negated_attribute_cue`), both only set on
        rows whose relation is known (quotes of a speaker on a side toward an actor), and
        ``rule:speaker`` (the row names a speaker: DSE rows and quotes, not NewsMTSC sentences;
        used for the gate's ``nospeaker_weight``).
    """

    cues = False  # default for models pickled before the parameter existed

    def __init__(self, actors=None, cues=False):
        self.actors = actors
        self.cues = cues

    def fit(self, X, y=None):
        actors = load_actor_aliases() if self.actors is None else dict(self.actors)
        self.actors_ = {str(k).lower(): tuple(v) for k, v in actors.items()}
        return self

    def transform(self, X):
        check_is_fitted(self, "actors_")
        frame = _as_frame(X)
        rels = [relation(str(side or ""), str(target or ""), self.actors_)
                for side, target in zip(_column(frame, "side", ""), _column(frame, "target", ""), strict=True)]
        out = np.array([[r == "same", r == "other"] for r in rels], dtype=np.float64).reshape(-1, 2)
        if getattr(self, "cues", False):
            cue = np.zeros((len(rels), 3))
            speakers = _column(frame, "speaker", "")
            for i, (r, text, spk) in enumerate(zip(rels, _column(frame, "text", ""), speakers, strict=True)):
                cue[i, 2] = isinstance(spk, str) and bool(spk.strip())
                if r != "unknown":
                    text = "" if text is None else str(text)
                    cue[i, :2] = (vow_cue(text), negated_attribute_cue(text))
            out = np.hstack([cue, out])
        return sp.csr_matrix(out)

    def get_feature_names_out(self, input_features=None):
        names = ["rel:same", "rel:other"]
        if getattr(self, "cues", False):
            names = ["rule:vow", "rule:neg_attr", "rule:speaker"] + names
        return np.asarray(names, dtype=object)


class RelationGate(ClassifierMixin, BaseEstimator):
    """A classifier whose stance can not contradict the speaker's side.

    In a two-sided conflict a speaker does not take a stance against its own side, nor in favour
    of the other side: for rows whose last two feature columns (from ``stance_relation``) say
    ``same``, the probability of ``against`` moves to ``none``; for ``other``, ``favor`` moves to
    ``none``. Rows with an unknown relation (every corpus row) are left as the base model says.

    Parameters
    ----------
    base : str, default "logreg"
        Registered estimator name of the base model.
    base_params : dict, optional
        Its parameters.
    random_state : int or None
        Passed to the base model when it takes one.
    nospeaker_weight : float, default 1.0
        Sample weight of rows without a speaker (NewsMTSC-like sentences) relative to rows with
        one (DSE, quotes) when fitting; needs ``rules=True`` (reads ``rule:speaker``).
    rules : bool, default False
        Read three more columns before the relation columns (``stance_relation`` with
        ``cues: true``): on a known-relation row, a first-person vow to keep fighting is
        ``favor`` toward the speaker's own side and ``against`` the other side; a positive
        attribute denied ("they have no belief in", "not legitimate") is ``against`` the other
        side. The base model does not see these columns.

    Attributes
    ----------
    estimator_ : the fitted base model
    classes_ : ndarray of str
    """

    # defaults for models pickled before these parameters existed (get_params/repr read them)
    rules = False
    nospeaker_weight = 1.0

    def __init__(self, base="logreg", base_params=None, random_state=None, rules=False, nospeaker_weight=1.0):
        self.nospeaker_weight = nospeaker_weight
        self.base = base
        self.base_params = base_params
        self.random_state = random_state
        self.rules = rules

    def _split(self, X):
        """(base-model input, cue columns or None)."""
        if not getattr(self, "rules", False):
            return X, None
        if X.shape[1] < 6:
            raise ValueError("relation_gate(rules=True) needs stance_relation(cues=True) as the last feature")
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        n = X.shape[1]
        cues = X[:, n - 5 : n - 2].toarray()
        return sp.hstack([X[:, : n - 5], X[:, n - 2 :]], format="csr"), cues

    @staticmethod
    def _relations(X) -> np.ndarray:
        if X.shape[1] < 3:
            raise ValueError("relation_gate needs the stance_relation featurizer as the last feature")
        rel = X[:, -2:]
        rel = rel.toarray() if hasattr(rel, "toarray") else np.asarray(rel)
        if not np.isin(rel, (0.0, 1.0)).all() or (rel.sum(axis=1) > 1).any():
            from training.errors import ConfigError

            raise ConfigError(
                "relation_gate: the last two feature columns are not stance_relation's (0/1, at most one "
                "set); list {name: stance_relation} last under features"
            )
        return rel

    def fit(self, X, y, sample_weight=None):
        import training.pipeline.components  # noqa: F401  (registers the base estimators)
        from training.pipeline.registry import estimators

        self._relations(X)
        X, cues = self._split(X)
        weight = float(getattr(self, "nospeaker_weight", 1.0) or 1.0)
        if weight != 1.0:
            if cues is None:
                raise ValueError("relation_gate: nospeaker_weight needs rules: true (and stance_relation cues: true)")
            w = np.where(cues[:, 2] == 1, 1.0, weight)
            sample_weight = w if sample_weight is None else np.asarray(sample_weight, dtype=float) * w
        params = dict(self.base_params or {})
        est = estimators.create(self.base, **params)
        if self.random_state is not None and "random_state" in est.get_params() and "random_state" not in params:
            est.set_params(random_state=self.random_state)
        self.estimator_ = est.fit(X, y) if sample_weight is None else est.fit(X, y, sample_weight=sample_weight)
        self.classes_ = np.asarray([str(c) for c in self.estimator_.classes_], dtype=object)
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        rel = self._relations(X)
        X, cues = self._split(X)
        proba = np.array(self.estimator_.predict_proba(X), dtype=np.float64)
        classes = list(self.classes_)
        if "none" in classes:
            none = classes.index("none")
            for col, label in ((0, "against"), (1, "favor")):
                if label in classes:
                    j = classes.index(label)
                    rows = rel[:, col] == 1
                    proba[rows, none] += proba[rows, j]
                    proba[rows, j] = 0.0
        if cues is not None:
            same, other = rel[:, 0] == 1, rel[:, 1] == 1
            vow, denied = cues[:, 0] == 1, cues[:, 1] == 1
            for rows, label in ((same & vow, "favor"), (other & (vow | denied), "against")):
                if label in classes and rows.any():
                    j = classes.index(label)
                    proba[rows, j] += proba[rows].sum(axis=1) - proba[rows, j]
                    proba[np.ix_(rows, [k for k in range(len(classes)) if k != j])] = 0.0
        return proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @property
    def coef_(self):
        """The base model's linear weights (for reports and explanations); AttributeError otherwise."""
        from training.pipeline.explain import linear_weights

        found = linear_weights(self.estimator_)
        if found is None:
            raise AttributeError("the base model of relation_gate is not linear")
        coef = found[0]
        if getattr(self, "rules", False):  # the rule columns (vow, neg_attr, speaker) sit before the last two
            rule = np.zeros((coef.shape[0], 3))
            for j, c in enumerate(found[1]):
                rule[j, :2] = (1.0, 1.0 if c == "against" else 0.0) if c in ("favor", "against") else (0.0, 0.0)
            coef = np.hstack([coef[:, :-2], rule, coef[:, -2:]])
        return coef


def _load_wordllama(dim: int):
    """Build wordllama's 256-d model from the files inside the installed wheel (no hub, no cache).

    ``WordLlama.load(disable_download=True)`` looks for the tokenizer in ``wordllama/tokenizer/``
    while the wheel ships it in ``wordllama/tokenizers/``, so the files are opened directly.
    """
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    pkg = Path(wordllama.__file__).parent
    weights = pkg / "weights" / "l2_supercat_256.safetensors"
    tok = pkg / "tokenizers" / "l2_supercat_tokenizer_config.json"
    if not weights.is_file() or not tok.is_file():
        from training.errors import ConfigError

        raise ConfigError(f"wordllama at {pkg} lacks its bundled model files ({weights.name}, {tok.name})")
    with safe_open(str(weights), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")[:, :dim]
    return WordLlamaInference(embedding, Tokenizer.from_file(str(tok)))


class StanceDense(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Mean wordllama embeddings of the marked text and of the target window (2 x ``dim``).

    Needs the ``wordllama`` package (extra ``stance-dense``); its wheel ships the weights, which
    are loaded from the installed package only (never downloaded).

    Parameters
    ----------
    dim : int, default 256
        Matryoshka truncation of the 256-d model (64, 128 or 256).
    window : int, default 4
    scale : float, default 1.0
        Multiplies the embeddings (balances them against sparse TF-IDF blocks).
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`
    """

    def __init__(self, dim=256, window=4, scale=1.0, actors=None, pronouns="other", implicit=True, frame=True):
        self.dim = dim
        self.window = window
        self.scale = scale
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    @staticmethod
    def _load(dim: int):
        try:
            import wordllama  # noqa: F401
        except ImportError:
            from training.errors import ConfigError

            raise ConfigError(
                "featurizer 'stance_dense' needs the wordllama package: pip install 'newsclf[stance-dense]' "
                "(or drop stance_dense from the config's features)"
            ) from None
        return _load_wordllama(int(dim))

    def fit(self, X, y=None):
        self._fit_actors()
        self._load(self.dim)  # fail early and clearly
        self.n_features_out_ = 2 * int(self.dim)
        return self

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_wl", None)
        return state

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        if getattr(self, "_wl", None) is None:
            self._wl = self._load(self.dim)
        marked = self._marked(X)
        windows = []
        for m in marked:
            toks = _TOKEN.findall(m)
            idx = [i for i, t in enumerate(toks) if t == TGT]
            w = int(self.window)
            near = sorted({j for i in idx for j in range(max(0, i - w), min(len(toks), i + w + 1))})
            windows.append(" ".join(toks[j] for j in near if toks[j] != TGT) or "none")
        a = np.asarray(self._wl.embed(marked, norm=True), dtype=np.float64)
        b = np.asarray(self._wl.embed(windows, norm=True), dtype=np.float64)
        return sp.csr_matrix(np.hstack([a, b]) * float(self.scale))

    def get_feature_names_out(self, input_features=None):
        d = int(self.dim)
        return np.asarray([f"emb:text{i}" for i in range(d)] + [f"emb:win{i}" for i in range(d)], dtype=object)


@featurizers.register("stance_tfidf")
def stance_tfidf(**params) -> StanceTfidf:
    """TF-IDF over the target-marked text."""
    return StanceTfidf(**params)


@featurizers.register("stance_char_tfidf")
def stance_char_tfidf(**params) -> StanceTfidf:
    """Character n-gram TF-IDF over the target-marked text (``char_wb``, 2-5, sublinear)."""
    params.setdefault("analyzer", "char_wb")
    params.setdefault("ngram_range", (2, 5))
    return StanceTfidf(**params)


@featurizers.register("stance_windows")
def stance_windows(**params) -> StanceWindows:
    """Words around the target's mentions."""
    return StanceWindows(**params)


@featurizers.register("stance_cues")
def stance_cues(**params) -> StanceCues:
    """Dense target/speaker/relation/negation/valence cues."""
    return StanceCues(**params)


@featurizers.register("stance_dense")
def stance_dense(**params) -> StanceDense:
    """Optional wordllama embeddings (extra ``stance-dense``)."""
    return StanceDense(**params)


@featurizers.register("stance_relation")
def stance_relation(**params) -> StanceRelation:
    """Speaker side vs target actor (``rel:same``, ``rel:other``); last when the model is ``relation_gate``."""
    return StanceRelation(**params)


@estimators.register("relation_gate")
def relation_gate(**params) -> RelationGate:
    """A base estimator whose stance never contradicts the speaker's side (see :class:`RelationGate`)."""
    return RelationGate(**params)

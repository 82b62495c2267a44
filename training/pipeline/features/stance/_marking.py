"""Marking a stance row: the target's mentions as ``tgt``, the speaker's as ``spk`` (:func:`mark_text`)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ._actors import _find_names, _free_name_variants, load_actor_aliases, relation
from ._rules import _FIRST_PERSON, _TOKEN

TGT, SPK = "tgt", "spk"
_SELF = re.compile(r"\b(?:we|us|our|ours|ourselves)\b", re.IGNORECASE)
_THEY = re.compile(r"\b(?:they|them|themselves)\b", re.IGNORECASE)
_FIGHT = re.compile(r"\b(?:fight|fighting|struggle|resistance|resist|war)\b", re.IGNORECASE)

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
        One stance row (see :mod:`newsclf.tasks`).
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

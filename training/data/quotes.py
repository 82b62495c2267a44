"""Direct quotes in an article and who said them.

:func:`find_quotes` works in three passes:

1. **Marks** (:func:`pair_marks`). Curly (“ ”, „ “), straight (") and guillemet (« », » «) double
   quotes and the NYT's two apostrophes (``''``) are paired within each paragraph (blocks, and lines
   the sentence splitter treats as standalone), with a stack: a mark that can only open (after a
   space, before a word) opens, one that can only close closes; a straight mark closes an open
   quote, else opens. Mixed typography pairs (“...", "...”, “...“). A mark of another kind inside
   an open quote opens a nested quote; a mark of the same kind opening again before the first
   closed makes the first one a stray (warning). A quote left open at the end of a paragraph
   continues when the next paragraph opens with a quote mark (the newspaper convention for quotes
   over several paragraphs: one quote per paragraph, same speaker); otherwise it runs to the end of
   its paragraph, with a warning.
2. **Kinds.** A quote is *full* when it starts its sentence or paragraph (after a dateline such as
   ``KABUL (Reuters) -``), follows a colon, follows a reporting clause and a comma ("X said, “..."),
   or follows a reporting verb and starts with a capital letter (``Mujahid said "We...``). Otherwise
   it is a *fragment* (a few words embedded in the reporter's sentence, GUIDE). A one- or two-word
   quote without a reporting verb near it is a scare quote ("illegal"), a short all-capitalised
   fragment a title: neither is a quote.
3. **Speakers** (:mod:`newsclf.data.speakers`, or a trained attribution model through
   :mod:`newsclf.data.attribution`): a reporting verb next to the quote gives the subject, a
   "X said:" before a quote's paragraph, a transcript's "NAME:", a trailing "― Name"; pronouns and
   descriptions resolve to a named person or actor, surnames to full names; an unattributed quote
   continues the previous speaker in the same or the previous paragraph. Sides come from the
   actors file and from how the article describes the speaker (:mod:`newsclf.data.sides`).

Every step looks at a bounded window around its quote through :class:`~newsclf.data.textindex.TextIndex`
lookups: the whole pass is O(n log n) in the article's length.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsclf.data.actors import Actors
from newsclf.data.speakers import (
    _NOT_LABELS,
    _VERB_CS,
    REPORTING_VERBS,
    Speaker,
    SpeakerResolver,
    _words,
    attribute_quote,
)
from newsclf.data.textindex import QuoteSite, TextIndex, quote_paragraphs
from newsclf.data.types import Article, Quote, Sentence

__all__ = ["REPORTING_VERBS", "find_quote_sites", "find_quotes", "pair_marks"]

_MARKS = re.compile(r"''|[“”„«»\"]")
_OPEN_SPACE = set("([{—–-/‘'") | {""}
_CLOSE_PUNCT = set(".,;:!?)]}—–-…’'")
_KIND = {"“": "curly", "”": "curly", "„": "low9", "«": "guill", "»": "guill", '"': "straight",
         "''": "straight"}
_CLOSER = {"curly": "”", "low9": "“", "guill": "»", "rguill": "«", "straight": '"'}
_LOOSE_CLOSERS = frozenset({'"', "''", "”", "“"})
# a dateline opening a wire story: "KABUL (Reuters) -", "KABUL, Afghanistan (AP) —", "(AFP) -"
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z’'.-]+(?:[ ,]+[A-Z][A-Za-z’'.-]*){0,3}(?:,?\s+[A-Z][a-z]{2,5}\.?\s+\d{1,2})?"
    r"\s*(?:\([^()\n]{1,40}\))?|\([^()\n]{1,40}\))\s*[—–-]{1,2}\s*"
)
_REPORTING_END = re.compile(rf"\b(?:{REPORTING_VERBS})(?:\s+that)?\s*[,:]?\s*$")
_MAX_CONTEXT = 400
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]{0,500})?/?>")
_QUOTE_LABEL = re.compile(r"([A-Z][A-Z’'.-]+(?:[ \t]+[A-Z][A-Z’'.-]+){0,2}):[ \t]+(?=\S)")
_NAMES_TITLE = re.compile(r"(?:[’']s|\b(?:on|in|of|from|the|titled|entitled|named|called|dubbed))\s*$")
_TITLE_SMALL = frozenset(
    "a an the and or but nor of in on at to for from with by as vs not is are be no".split()
)
_NAMING = {"called", "calls", "described", "describes", "dubbed", "branded", "labelled", "labeled", "termed"}
_SPEECH = "|".join(v for v in REPORTING_VERBS.split("|") if v not in _NAMING)
_SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH})\s*[,:]?\s*$")
_SPEECH_AFTER = re.compile(rf"[,\s]*(?:[\w’'.-]+\s+){{0,4}}?(?:{_SPEECH})\b")  # characters of a sentence looked at before/after a quote


@dataclass
class _Open:
    kind: str
    pos: int
    length: int
    continues: bool = False
    inner: list[tuple[int, int, int, int]] = field(default_factory=list)  # closed nested pairs


# ----------------------------------------------------------------------------- pass 1: marks


def _closes(ch: str, top: _Open, can_open: bool, can_close: bool) -> bool:
    """Whether mark ``ch`` closes the innermost open quote ``top``."""
    glyph = '"' if ch == "''" else ch
    if glyph == _CLOSER[top.kind]:
        if top.kind == "straight":
            return can_close or not can_open
        if top.kind == "low9":  # „...“ closes unless the “ clearly opens a nested quote
            return not (can_open and not can_close)
        return True
    # mixed typography ("...”, “...", “...“): a double mark glued to the word before
    return (
        ch in _LOOSE_CLOSERS
        and can_close
        and not can_open
        and top.kind in ("curly", "straight", "low9")
    )


def pair_marks(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    source: str = "",
    warnings: list[str] | None = None,
    index: TextIndex | None = None,
) -> list[tuple[int, int, int, int, int, bool, bool]]:
    """Pair quotation marks (module docstring, pass 1).

    Returns
    -------
    list of (open, open_len, close, close_len, paragraph, continues, continued)
        In text order, one per quote and paragraph. An unclosed quote has ``close`` at its
        paragraph's end and ``close_len == 0``.
    """
    out: list[tuple[int, int, int, int, int, bool, bool]] = []
    warn_list = warnings if warnings is not None else []

    def warn(pos: int, what: str) -> None:
        line = index.line_of(pos) if index is not None else text.count("\n", 0, pos) + 1
        warn_list.append(f"{source}:{line}: {what}")

    tags = [(m.start(), m.end()) for m in _TAG.finditer(text)]  # marks in markup are not quotes
    tag_starts = [t[0] for t in tags]
    carry: _Open | None = None  # a quote continued from the previous paragraph
    for pi, (pstart, pend) in enumerate(paragraphs):
        stack: list[_Open] = []
        reopen = -1
        if carry is not None:
            reopen = pstart  # the re-opening mark starts this paragraph
        for m in _MARKS.finditer(text, pstart, pend):
            p, q, ch = m.start(), m.end(), m.group()
            if p == reopen:
                stack.append(_Open(carry.kind, p, q - p, continues=True))
                carry = None
                continue
            if tags:
                t = bisect.bisect_right(tag_starts, p) - 1
                if t >= 0 and tags[t][0] < p < tags[t][1]:
                    continue  # inside markup (<tweet author="@x">)
            prev = text[p - 1] if p > pstart else ""
            nxt = text[q] if q < pend else ""
            can_open = (prev == "" or prev.isspace() or prev in _OPEN_SPACE) and nxt != "" and not nxt.isspace()
            can_close = prev != "" and not prev.isspace() and (nxt == "" or nxt.isspace() or nxt in _CLOSE_PUNCT)
            if stack and _closes(ch, stack[-1], can_open, can_close):
                top = stack.pop()
                if stack:
                    stack[-1].inner.append((top.pos, top.length, p, q - p))
                else:
                    out.append((top.pos, top.length, p, q - p, pi, top.continues, False))
                continue
            kind = _KIND[ch]
            if ch == "»":
                if not (can_open and not can_close):
                    warn(p, f"unbalanced quote mark {ch!r}: a closing mark without an opening one; ignored")
                    continue
                kind = "rguill"
            elif ch == "”" and not (can_open and not can_close):
                warn(p, f"unbalanced quote mark {ch!r}: a closing mark without an opening one; ignored")
                continue
            elif kind == "straight" and can_close and not can_open and not stack:
                warn(p, f"unbalanced quote mark {ch!r}: a closing mark without an opening one; ignored")
                continue
            stack.append(_Open(kind, p, q - p))
        if not stack:
            continue
        bottom = stack[0]
        # continued quote: the next paragraph re-opens it with an opening mark
        if pi + 1 < len(paragraphs):
            nstart = paragraphs[pi + 1][0]
            opener = text[nstart : nstart + 2] if text.startswith("''", nstart) else text[nstart : nstart + 1]
            if opener in ("“", "„", "«", '"', "''", "»"):
                out.append((bottom.pos, bottom.length, pend, 0, pi, bottom.continues, True))
                carry = bottom
                continue
        if bottom.inner and not bottom.continues:
            warn(bottom.pos, f"unbalanced quote mark {text[bottom.pos:bottom.pos + bottom.length]!r}: "
                 "a new quote opens before it closes; the first mark is ignored")
            for a, al, b, bl in bottom.inner:
                out.append((a, al, b, bl, pi, False, False))
            continue
        warn(bottom.pos, f"unbalanced quote mark {text[bottom.pos:bottom.pos + bottom.length]!r}: the "
             "quote is not closed before the paragraph ends; it is taken to run to the paragraph's "
             "end (close it, or open the next paragraph with a quote mark)")
        out.append((bottom.pos, bottom.length, pend, 0, pi, bottom.continues, False))
    out.sort()
    return out


# ----------------------------------------------------------------------------- pass 2: kinds


def _lead_words(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (the start of a sentence up to a quote) holds words, a dateline
    not counted."""
    chunk = text[max(start, end - _MAX_CONTEXT) : end]
    if not _words(chunk):
        return False
    m = _DATELINE.match(chunk)
    return not (m and not _words(chunk[m.end() :]))


def _is_full(text: str, site: QuoteSite, sent_start: int, para_start: int) -> bool:
    if site.continues:
        return True
    if not _lead_words(text, sent_start, site.open) or not _lead_words(text, para_start, site.open):
        return True
    before = text[max(site.before_start, site.open - _MAX_CONTEXT) : site.open].rstrip()
    if before.endswith(":"):
        return True
    first = text[site.start : site.start + 2].lstrip("[(")[:1]
    if before.endswith(","):  # "X said, “We..." / "According to X, “The..."
        return first.isupper() or bool(_VERB_CS.search(before))
    if not _REPORTING_END.search(before):
        return False
    if first.isupper():  # Mujahid said "We will...
        return True
    # Mujahid said "the doors of negotiation are open." (a whole statement, not a few words)
    after = text[site.close + site.close_len : min(site.after_end, site.close + site.close_len + 200)]
    inner = text[site.start : site.end].rstrip()
    return (
        not before.endswith("that")
        and len(_words(inner)) >= 4
        and (inner[-1:] in ".!?" or after.lstrip()[:1] in (".", "!", "?", ""))
        and not _words(after.split(".", 1)[0])
    )


def _is_title(text: str, site: QuoteSite) -> bool:
    """A name in quote marks ("Meet the Press", “A Choice, Not an Echo”): up to eight title-case
    words, not ending a sentence inside the marks, and no speech verb attached to the quote."""
    inner = text[site.start : site.end]
    words = _words(inner)
    if not words or len(words) > 8 or not words[0][:1].isupper():
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL for w in words):
        return False
    before = text[max(site.before_start, site.open - 80) : site.open]
    if _NAMES_TITLE.search(before):  # on NBC's "Meet the Press."
        return True
    if inner.rstrip()[-1:] in ".!?…":
        return False
    if _SPEECH_BEFORE.search(before):
        return False
    after = text[site.close + site.close_len : min(site.after_end, site.close + site.close_len + 80)]
    return not ((inner.rstrip().endswith(",") or after.startswith(",")) and _SPEECH_AFTER.match(after))


def find_quote_sites(
    article: Article,
    index: TextIndex,
    warnings: list[str] | None = None,
) -> list[QuoteSite]:
    """Pair the marks of ``article`` and keep the quotes (passes 1 and 2 of the module docstring).

    Sets the quote spans of ``index`` (for :meth:`TextIndex.in_quote`) and returns the sites in text
    order, scare quotes and titles left out.
    """
    text = article.text
    source = article.source or article.id
    pairs = pair_marks(text, index.paragraphs, source, warnings, index)
    index.set_quotes([(a, b + bl) for a, _al, b, bl, *_ in pairs])
    sites: list[QuoteSite] = []
    for k, (a, al, b, bl, pi, continues, continued) in enumerate(pairs):
        qs, qe = a + al, b
        while qs < qe and text[qs].isspace():
            qs += 1
        while qe > qs and text[qe - 1].isspace():
            qe -= 1
        label = None
        m = _QUOTE_LABEL.match(text, qs, qe)  # a quoted transcript line: "PENCE: Well, look...
        if m is not None and m.group(1).split()[0] not in _NOT_LABELS:
            label = m.span(1)
            qs = m.end()
        sent_start, _ = index.sentence_span(a)
        _, sent_end = index.sentence_span(max(a, b - 1) if bl == 0 else b)
        prev_close = pairs[k - 1][2] + pairs[k - 1][3] if k > 0 else -1
        next_open = pairs[k + 1][0] if k + 1 < len(pairs) else len(text)
        site = QuoteSite(
            open=a, close=b, open_len=al, close_len=bl, start=qs, end=qe, para=pi,
            before_start=max(sent_start, prev_close), after_end=max(b + bl, min(sent_end, next_open)),
            continues=continues, continued=continued, label=label,
        )
        last = sites[-1] if sites else None
        joins = continues and last is not None and last.continued and last.para == pi - 1
        site.group = last.group if joins else len(sites)
        if qe <= qs:
            continue
        n_words = len(_words(text[qs:qe]))
        if n_words == 0:
            continue
        full = _is_full(text, site, sent_start, index.paragraphs[pi][0])
        # a one- or two-word sentence of its own ("It's anti-reform.") is speech, not a scare quote
        own_sentence = full and text[qs : qs + 1].isupper() and text[qe - 1 : qe] in ".!?"
        if n_words <= 2 and not continues and not continued and not own_sentence:
            near_verb = _VERB_CS.search(text, max(site.before_start, a - _MAX_CONTEXT), a) or _VERB_CS.search(
                text[b + bl : min(site.after_end, b + bl + 80)]
            )
            if not near_verb:
                continue  # a scare quote ("illegal"), not reproduced speech
        if not continues and not continued and _is_title(text, site):
            continue  # a title in quote marks
        site.fragment = not full
        sites.append(site)
    return sites


# ----------------------------------------------------------------------------- pass 3: speakers


def find_quotes(
    article: Article,
    sentences: Sequence[Sentence],
    actors: Actors | None = None,
    warnings: list[str] | None = None,
    attribution: Any = None,
) -> list[Quote]:
    """Find the direct quotes of ``article`` and attribute them.

    Parameters
    ----------
    article : Article
        The article; quote offsets index ``article.text``.
    sentences : sequence of Sentence
        Its sentences (from :func:`newsclf.data.segment.split_sentences`).
    actors : Actors, optional
        Gives sides and known names; without it sides are None.
    warnings : list of str, optional
        Receives one message per unbalanced quote mark (``source:line: ...``).
    attribution : fitted attribution model, optional
        Ranks candidate speakers (:func:`newsclf.data.attribution.load_attribution`); the rules
        attribute quotes without it.

    Returns
    -------
    list of Quote
        In text order; ``article.text[q.start:q.end] == q.text`` (marks excluded).
    """
    text = article.text
    index = TextIndex(text, quote_paragraphs(article), sentences)
    sites = find_quote_sites(article, index, warnings)
    if not sites:
        return []
    resolver = SpeakerResolver(text, actors, index)
    speakers = attribute_sites(text, sites, index, resolver, actors)
    if attribution is not None:
        from newsclf.data.attribution import rank_speakers

        speakers = rank_speakers(text, sites, index, resolver, actors, speakers, attribution)
    return [
        Quote(
            start=s.start,
            end=s.end,
            text=text[s.start : s.end],
            speaker=sp.name if sp else None,
            side=resolver.side_for(sp),
            fragment=s.fragment,
        )
        for s, sp in zip(sites, speakers, strict=True)
    ]


def attribute_sites(
    text: str,
    sites: Sequence[QuoteSite],
    index: TextIndex,
    resolver: SpeakerResolver,
    actors: Actors | None,
) -> list[Speaker | None]:
    """The rules' speaker of every quote site (None when unattributed), in order."""
    dynamic: list[tuple[int, Speaker]] = []
    out: list[Speaker | None] = []
    prev: tuple[int, int, Speaker | None] | None = None  # previous quote's index, paragraph, speaker
    for k, site in enumerate(sites):
        entity = attribute_quote(site, index, resolver, actors, dynamic)
        if entity is None and site.group != k:
            # a later paragraph of a multi-paragraph quote: the speaker of the paragraph before
            entity = next((out[j] for j in range(k - 1, site.group - 1, -1) if out[j] is not None), None)
        if entity is None and prev is not None and prev[2] is not None:
            starts_para = not _words(text[index.paragraphs[site.para][0] : site.open][-_MAX_CONTEXT:])
            if prev[1] == site.para or (prev[1] == site.para - 1 and starts_para):
                entity = prev[2]
        out.append(entity)
        if entity is not None:
            dynamic.append((site.start, dataclasses.replace(entity, subject=True)))
        prev = (k, site.para, entity)
    # a multi-paragraph quote attributed only in a later paragraph: the whole quote is that speaker's
    k = len(sites) - 1
    later: Speaker | None = None
    while k >= 0:
        site = sites[k]
        if site.continued and later is not None and out[k] is None:
            out[k] = later
        later = out[k] if site.continues else None
        k -= 1
    return out

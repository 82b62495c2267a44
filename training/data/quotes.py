"""Direct quotes in an article and who said them.

:func:`find_quotes` works in three passes:

1. **Marks.** Curly (“ ”, „ “), straight (") and guillemet (« », » «) double quotes are paired
   within each paragraph; the role of a straight mark comes from its neighbours. A paragraph that
   opens a quote without closing it continues in the next paragraph when that one starts with an
   opening mark (the newspaper convention); otherwise the mark is unbalanced: a warning, no quote.
   Marks of another kind inside an open quote are nested quotes and are ignored.
2. **Kinds.** A quote that starts its sentence (or follows "X said:") is a full quote. A quote
   embedded in the reporter's sentence is a *fragment* when it has a reporting context (a reporting
   verb in the sentence: vowed to ... “last moment.”) or at least three words; a one- or two-word
   scare quote without reporting context ("illegal") is not a quote.
3. **Speakers** (:mod:`newsclf.data.speakers`): a reporting verb next to the quote gives the
   subject, pronouns and descriptions resolve to a named person or actor, surnames to full names;
   an unattributed quote continues the previous speaker in the same or the previous paragraph.
   The side comes from the actors file.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsclf.data.actors import Actors
from newsclf.data.speakers import (
    _INTRO_END,
    _VERB,
    _VERB_CS,
    REPORTING_VERBS,
    Speaker,
    SpeakerResolver,
    _words,
    attribute_quote,
)
from newsclf.data.types import Article, Quote, Sentence

__all__ = ["REPORTING_VERBS", "find_quotes"]

_PARA_SEP = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_OPEN_SPACE = set("([{—–-/") | {"", "\u00a0"}
_CLOSE_PUNCT = set(".,;:!?)]}—–-…")


@dataclass
class _Span:
    open: int  # index of the opening mark
    close: int  # index of the closing mark


# ----------------------------------------------------------------------------- pass 1: marks


def _paragraphs(article: Article) -> list[tuple[int, int]]:
    if article.blocks:
        return [(b.start, b.end) for b in article.blocks]
    spans, pos = [], 0
    for m in _PARA_SEP.finditer(article.text):
        if article.text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if article.text[pos:].strip():
        spans.append((pos, len(article.text)))
    return spans


_MARKS = re.compile(r"[“”„«»\"]")
_OPENER_OF = {"“": "curly", "„": "low9", "«": "guill", '"': "straight"}
_CLOSER_OF = {"curly": "”", "low9": "“", "guill": "»", "rguill": "«", "straight": '"'}


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _find_spans(
    text: str, paragraphs: list[tuple[int, int]], source: str, warnings: list[str]
) -> list[_Span]:
    spans: list[_Span] = []
    cur: tuple[str, int] | None = None  # (kind, index of the opening mark)
    skip_reopen = -1  # index of a mark re-opening a quote continued from the previous paragraph

    def warn(pos: int, what: str) -> None:
        warnings.append(f"{source}:{_line_of(text, pos)}: {what}")

    for pi, (pstart, pend) in enumerate(paragraphs):
        for m in _MARKS.finditer(text, pstart, pend):
            p, ch = m.start(), m.group()
            if p == skip_reopen:
                continue
            prev = text[p - 1] if p > pstart else ""
            nxt = text[p + 1] if p + 1 < pend else ""
            can_open = (
                (prev == "" or prev.isspace() or prev in _OPEN_SPACE)
                and nxt != ""
                and not nxt.isspace()
            )
            can_close = (
                prev != ""
                and not prev.isspace()
                and (nxt == "" or nxt.isspace() or nxt in _CLOSE_PUNCT)
            )
            if cur is not None:
                kind, start = cur
                if ch == _CLOSER_OF[kind] and (kind != "straight" or can_close or not can_open):
                    spans.append(_Span(start, p))
                    cur = None
                elif _OPENER_OF.get(ch) == kind or (ch == '"' and kind == "straight"):
                    warn(
                        start,
                        f"unbalanced quote mark {text[start]!r}: a new quote opens before it closes; "
                        "the first mark is ignored",
                    )
                    cur = (kind, p)
                # marks of another kind inside an open quote: nested quotes, ignored
                continue
            if ch in ("“", "„", "«") or (ch == '"' and (can_open or not can_close)):
                cur = (_OPENER_OF[ch], p)
            elif ch == "»" and can_open:
                cur = ("rguill", p)
            elif ch == "”" and can_open and not can_close:
                cur = ("curly", p)  # ” used as an opening mark
            else:
                warn(
                    p,
                    f"unbalanced quote mark {ch!r}: a closing mark without an opening one; ignored",
                )
        if cur is not None:
            kind, start = cur
            # continued quote: the next paragraph re-opens it with an opening mark
            if pi + 1 < len(paragraphs):
                nstart, nend = paragraphs[pi + 1]
                lead = text[nstart:nend]
                j = nstart + (len(lead) - len(lead.lstrip()))
                opener = text[j : j + 1]
                if opener and (
                    _OPENER_OF.get(opener) == kind or (kind == "rguill" and opener == "»")
                ):
                    skip_reopen = j
                    continue
            warn(
                start,
                f"unbalanced quote mark {text[start]!r}: the quote is not closed before the paragraph "
                "ends; no quote taken (close it, or open the next paragraph with a quote mark)",
            )
            cur = None
    return spans


def find_quotes(
    article: Article,
    sentences: Sequence[Sentence],
    actors: Actors | None = None,
    warnings: list[str] | None = None,
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

    Returns
    -------
    list of Quote
        In text order; ``article.text[q.start:q.end] == q.text`` (marks excluded).
    """
    text = article.text
    warn_list = warnings if warnings is not None else []
    source = article.source or article.id
    paragraphs = _paragraphs(article)
    spans = _find_spans(text, paragraphs, source, warn_list)
    if not spans:
        return []
    sent_starts = [s.start for s in sentences]
    resolver = SpeakerResolver(text, actors, [(s.open, s.close) for s in spans], sent_starts)
    para_starts = [p[0] for p in paragraphs]

    def sentence_at(pos: int) -> int:
        return max(0, bisect.bisect_right(sent_starts, pos) - 1)

    def para_at(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    quotes: list[Quote] = []
    dynamic: list[tuple[int, Speaker]] = []
    prev: tuple[Quote, int, Speaker | None] | None = None  # previous quote, its paragraph, speaker
    for k, span in enumerate(spans):
        qs, qe = span.open + 1, span.close
        inner = text[qs:qe]
        lead = len(inner) - len(inner.lstrip())
        qs, qe = qs + lead, qs + lead + len(inner.strip())
        if qe <= qs:
            continue
        qtext = text[qs:qe]
        n_words = len(_words(qtext))
        if n_words == 0:
            continue
        si, sj = sentence_at(span.open), sentence_at(span.close)
        s_first = sentences[si] if sentences else None
        s_last = sentences[sj] if sentences else None
        sent_start = (
            s_first.start
            if s_first and s_first.start <= span.open
            else paragraphs[para_at(span.open)][0]
        )
        sent_end = (
            s_last.end if s_last and s_last.end > span.close else paragraphs[para_at(span.close)][1]
        )
        # text around the quote inside its sentence(s), not crossing other quotes
        prev_close = (
            spans[k - 1].close + 1 if k > 0 and spans[k - 1].close >= sent_start else sent_start
        )
        next_open = (
            spans[k + 1].open if k + 1 < len(spans) and spans[k + 1].open < sent_end else sent_end
        )
        before = text[prev_close : span.open]
        after = text[span.close + 1 : next_open]
        starts_sentence = not _words(text[sent_start : span.open])
        introduced = bool(_INTRO_END.search(before)) and bool(_VERB.search(before))
        verb_before = _VERB_CS.search(before)
        verb_after = _VERB_CS.search(after[:80])
        if starts_sentence or introduced:
            fragment = False
            if n_words <= 2 and not (verb_before or verb_after):
                continue  # a scare-quoted word opening a sentence
        else:
            fragment = True
            if n_words <= 2 and not (verb_before or verb_after):
                continue  # scare quote: not reproduced speech
            if (
                n_words <= 4
                and not (verb_before or verb_after)
                and all(w[:1].isupper() for w in _words(qtext))
            ):
                continue  # a title in quote marks
        pi = para_at(span.open)

        entity = attribute_quote(
            text,
            resolver,
            actors,
            dynamic,
            span.open,
            span.close,
            before,
            after,
            fragment,
            prev_close,
            sentences,
            sj,
            pi,
            para_at,
        )
        if entity is None and prev is not None and prev[0].speaker is not None:
            if prev[1] == pi or (
                prev[1] == pi - 1 and starts_sentence and sentence_at(paragraphs[pi][0]) == si
            ):
                entity = prev[2]
        speaker = entity.name if entity else None
        side = entity.side if entity else None
        if entity is not None:
            dynamic.append((qs, dataclasses.replace(entity, subject=True)))
        q = Quote(start=qs, end=qe, text=qtext, speaker=speaker, side=side, fragment=fragment)
        quotes.append(q)
        prev = (q, para_at(span.close), entity)
    return quotes

"""Sentence segmentation with character offsets into the article text.

Rules, in order:

1. Blocks (paragraphs; HTML block elements) never share a sentence.
2. Inside a block, a line break ends a unit when the line is a standalone line: the next line does
   not start in lower case and the line does not end in a comma, colon, hyphen or an open bracket.
   Hard-wrapped prose (next line continuing in lower case) is joined.
3. Inside a line, a sentence ends after ``.``, ``!``, ``?`` or ``…`` (plus any closing quote marks
   and brackets, so ``... the very “last moment.”`` stays one sentence) followed by white space and a
   token that does not start in lower case, except after an abbreviation (``Sept.``, ``Gen.``,
   ``Mr.``, ``No. 2``, ``a.m.``, ``U.S.``...) or an initial (``J. K. Rowling``). Decimals (``3.5``)
   have no white space after the point and are never candidates.

Every :class:`~newsclf.data.types.Sentence` has ``text[start:end] == sentence.text`` with the
sentence's surrounding white space stripped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsclf.data.types import Block, Sentence

__all__ = ["ABBREVIATIONS", "split_sentences"]

# Titles and abbreviations that are followed by a name or number: never a sentence end.
_NEVER_END = {
    "mr",
    "mrs",
    "ms",
    "mx",
    "dr",
    "prof",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cpt",
    "cmdr",
    "adm",
    "sgt",
    "cpl",
    "pvt",
    "gov",
    "sen",
    "rep",
    "rev",
    "fr",
    "sr",
    "jr",
    "st",
    "hon",
    "pres",
    "supt",
    "insp",
    "mt",
    "ft",
    "no",
    "nos",
    "vol",
    "vols",
    "fig",
    "figs",
    "art",
    "sec",
    "ch",
    "pp",
    "p",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "vs",
    "v",
    "cf",
    "e.g",
    "i.e",
    "approx",
    "dept",
    "est",
    "ca",
    "al",
    "ave",
    "blvd",
    "rd",
    "gov't",
    "govt",
    "atty",
    "messrs",
    "mme",
    "mlle",
    "sheikh",
}
# Abbreviations that may also end a sentence: split only before a typical sentence opener.
_MAY_END = {
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "bros",
    "plc",
    "llc",
    "a.m",
    "p.m",
    "am",
    "pm",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "u.s.a",
    "d.c",
    "n.y",
    "l.a",
}
ABBREVIATIONS = frozenset(_NEVER_END | _MAY_END)
"""Lower-cased abbreviations (without the final point) that do not end a sentence by themselves."""

_OPENERS = {
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "in",
    "on",
    "at",
    "as",
    "after",
    "before",
    "when",
    "while",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "if",
    "so",
    "yet",
    "however",
    "meanwhile",
    "still",
    "then",
    "since",
    "some",
    "many",
    "most",
    "no",
    "one",
    "two",
    "for",
    "from",
    "with",
    "by",
    "to",
    "last",
    "earlier",
}

# A candidate end: final punctuation, closing quotes/brackets, then white space.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[.!?…]+[\"'”’»)\]]*$")
# The token before a point: letters with inner points/apostrophes (U.S, a.m, gov't).
_TOKEN_BEFORE = re.compile(r"([^\s\"'“”‘’«»(\[]*)$")
_NEXT_TOKEN = re.compile(r"\s+([^\s]{0,40})")
_LINE_BREAK = re.compile(r"\r?\n|\r")
_PARAGRAPH_SEP = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_INITIAL = re.compile(r"^[A-Z]$|^(?:[A-Za-z]\.)+[A-Za-z]$")
_NO_BREAK_AFTER_LINE = re.compile(r"[,:;\-–(\[/&]$|\b(?:and|or|of|the|a|an|to|in|for|with|by)$")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    stripped_left = chunk.lstrip()
    start += len(chunk) - len(stripped_left)
    end = start + len(stripped_left.rstrip())
    return start, end


def _is_boundary(text: str, line_start: int, pos: int, end: int, line_end: int) -> bool:
    """Is the punctuation run ``text[pos:end]`` (ending a candidate) a sentence boundary?"""
    if text[pos] != ".":  # ! ? … always end (lower-case continuation checked below)
        nxt = _NEXT_TOKEN.match(text, end, line_end)
        return not (nxt and nxt.group(1)[:1].islower())
    nxt = _NEXT_TOKEN.match(text, end, line_end)
    following = nxt.group(1) if nxt else ""
    first = following[:1]
    if first and first.islower():
        return False
    if first in {",", ";", ":"}:
        return False
    if end - pos > 1 and text[pos + 1] == ".":  # ellipsis "..."
        return True
    token = _TOKEN_BEFORE.search(text[max(line_start, pos - 40) : pos]).group(1)
    if not token:
        return True
    low = token.lower()
    if _INITIAL.match(token):
        # "J. K. Rowling", "U.S. officials"; multi-letter initialisms may end a sentence
        if len(token) == 1:
            return False
        return following.lower().strip("\"'“‘«(") in _OPENERS
    if low in _NEVER_END:
        return False
    if low in _MAY_END:
        return following.lower().strip("\"'“‘«(") in _OPENERS
    return True


def _split_line(text: str, start: int, end: int, block: int, out: list[Sentence]) -> None:
    pos = start
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, start, match.start(), match.end(), end):
            s, e = _strip_span(text, pos, match.end())
            if e > s:
                out.append(Sentence(s, e, text[s:e], block))
            pos = match.end()
    s, e = _strip_span(text, pos, end)
    if e > s:
        out.append(Sentence(s, e, text[s:e], block))


def _split_block(text: str, start: int, end: int, block: int, out: list[Sentence]) -> None:
    # units = standalone lines; a line continued in lower case (hard wrap) is joined to the next
    unit_start = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        line_text = text[unit_start : brk.start()].rstrip()
        j = brk.end()
        while j < end and text[j] in " \t":
            j += 1
        nxt = text[j : j + 1]
        if not line_text.strip():
            unit_start = brk.end()
            continue
        if nxt and (nxt.islower() or _NO_BREAK_AFTER_LINE.search(line_text)):
            continue  # hard-wrapped prose: keep going
        _split_line(text, unit_start, brk.start(), block, out)
        unit_start = brk.end()
    _split_line(text, unit_start, end, block, out)


def split_sentences(text: str, blocks: Sequence[Block] | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets.

    Parameters
    ----------
    text : str
        The article text.
    blocks : sequence of Block, optional
        The article's blocks; sentences never cross a block and carry its index. Without blocks,
        paragraphs are separated by blank lines.

    Returns
    -------
    list of Sentence
        In text order; ``text[s.start:s.end] == s.text`` and ``s.text`` is stripped and non-empty.
    """
    out: list[Sentence] = []
    if blocks:
        for b in blocks:
            _split_block(text, max(0, b.start), min(len(text), b.end), b.index, out)
        return out
    pos = 0
    index = 0
    for sep in _PARAGRAPH_SEP.finditer(text):
        if text[pos : sep.start()].strip():
            _split_block(text, pos, sep.start(), index, out)
            index += 1
        pos = sep.end()
    if text[pos:].strip():
        _split_block(text, pos, len(text), index, out)
    return out

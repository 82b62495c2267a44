"""Mentions of possible speakers in an article: names, descriptions, pronouns and transcript labels.

:func:`find_mentions` scans the article once (outside quotes) and returns every span that could be
the speaker of a quote, in text order:

``name``     a run of capitalised words ("Zabihullah Mujahid", "Mr. Obama" -> "Obama", "PENCE"),
             titles and leading function words stripped ("Taliban spokesman" is a description);
             an actor's name ("the Taliban", "NRF") is a ``group``
``nominal``  a description headed by a person or organisation noun ("the spokesman", "a senior
             Taliban official", "the campaign", "officials", "the militant group")
``pronoun``  he, she, they, we, I (and "it" right before a reporting verb)

Each mention records its head word and whether it is the subject of a reporting verb next to it.
The attribution ranker (:mod:`newsclf.data.attribution`) scores them as candidates.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from newsclf.data.actors import Actors
from newsclf.data.speakers import _FUNCTION_WORDS, _NOT_PERSON, _VERB_CS, REPORTING_VERBS
from newsclf.data.textindex import TextIndex

__all__ = ["PERSON_NOUNS", "Mention", "find_mentions"]

PERSON_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson spokesmen official officials commander commanders leader
    leaders minister ministry president chief envoy source sources aide aides adviser advisers
    advisor advisors senator congressman congresswoman lawmaker lawmakers governor mayor candidate
    nominee secretary director chairman chairwoman strategist strategists pollster analyst
    analysts expert experts economist professor lawyer attorney diplomat diplomats ambassador
    general officer officers residents resident witness witnesses worker workers voter voters
    supporter supporters critic critics protester protesters fighter fighters militant militants
    member members representative representatives statement group government administration
    campaign committee council agency department office party movement front militia forces
    authorities organization organisation police army military resistance insurgents coalition
    union team ally allies friend man woman men women people activist activists elder elders
    chairperson manager executive founder host anchor author writer historian scholar doctor
    rebel rebels soldier soldiers father mother son daughter wife husband brother sister
    report reports judge website board businessman businesswoman letter moderator company ad
    tycoon mogul organizer organiser newspaper paper email message tweet narrator reporter
    reporters commission person employee employees colleague colleagues editorial author authors
    billionaire senate house court justice panel study survey poll memo document book article
    post network station channel magazine publication outlet broadcaster voice officer
    """.split()
)
_GROUP_NOUNS = frozenset(
    """
    group government administration campaign committee council agency department office party
    movement front militia forces authorities organization organisation police army military
    resistance insurgents coalition union team ministry statement
    """.split()
)
_PRONOUN_KIND = {"he": "he", "she": "she", "they": "they", "we": "we", "i": "i", "it": "it"}
_NAME_RUN = re.compile(
    r"(?<![\w’'-])[A-Z][\w’'.-]*(?:[ \t\u00a0]+(?:(?:al|bin|ibn|de|van|von|el|ul|da|di|du|der|la|le)[- ]+)?"
    r"[A-Z][\w’'-]*\.?)*"
)
_NOMINAL = re.compile(
    r"(?<![\w’'-])(?:the|a|an|one|another|this|that|his|her|their|its|our|my|[A-Z][\w’'-]*[’']s)"
    r"\s+(?:[\w’'-]+\s+){0,3}?(?P<noun>" + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
    + r")(?![\w’'-])",
    re.IGNORECASE,
)
# any noun phrase right before a reporting verb ("the filing said", "a senior Taliban commander told")
_NP_VERB = re.compile(
    r"(?<![\w’'-])(?:the|a|an|one|another|his|her|their|its)\s+(?:[\w’'-]+\s+){0,4}?"
    r"(?P<noun>[a-z][\w-]+)(?=\s*,?\s+(?:" + REPORTING_VERBS + r")\b)",
    re.IGNORECASE,
)
_BARE_PLURAL = re.compile(r"(?<![\w’'-])(officials|sources|aides|analysts|experts|residents|witnesses)(?![\w’'-])")
_PRONOUN = re.compile(r"(?<![\w’'-])(he|she|they|we|i|it|He|She|They|We|I|It)(?![\w’'-])")
_HONORIFIC = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Prof|Rev|Del|Atty|Pres)\.\s+)+")
_TITLE_WORDS = frozenset(
    """
    president vice secretary general minister prime chief spokesman spokeswoman spokesperson
    commander leader senator sen rep gov governor mayor deputy acting foreign senior former
    ambassador chairman chairwoman director candidate nominee republican democratic democrat
    sheikh mullah mawlawi maulvi qari haji hajji mr mrs ms dr gen lt col capt sgt maj adm prof
    rev del atty pres sir lord lady king queen prince princess pope judge justice speaker
    congressman congresswoman lawmaker representative attorney officer captain colonel major
    lieutenant sergeant admiral professor reverend father interim first
    """.split()
)


@dataclass(frozen=True)
class Mention:
    """A possible speaker mention.

    Attributes
    ----------
    start, end : int
        Offsets of the mention (for names: the name without titles).
    text : str
        The mention as written.
    kind : str
        ``name``, ``group``, ``nominal`` or ``pronoun``.
    head : str
        Lower-cased head word: the last name, the description's noun, the pronoun.
    verb_after : bool
        A reporting verb follows it directly ("Massoud said").
    verb_before : bool
        A reporting verb precedes it directly ("said Massoud", "according to Massoud").
    title : str
        Title words written before a name ("Taliban spokesman"), lower-cased.
    """

    start: int
    end: int
    text: str
    kind: str
    head: str
    verb_after: bool = False
    verb_before: bool = False
    title: str = ""


_VERB_AFTER = re.compile(r"[ \t\u00a0,]*(?:(?:also|then|later|earlier|had|has|have|was|were|would|will|"
                         r"later|previously|repeatedly|once|again|\w+ly)\s+){0,2}")
_VERB_BEFORE = re.compile(rf"\b(?:{REPORTING_VERBS})\s*,?\s*(?:by\s+)?$")


def _verb_after(text: str, end: int) -> bool:
    m = _VERB_AFTER.match(text, end, min(len(text), end + 60))
    return bool(m and _VERB_CS.match(text, m.end()))


def _verb_before(text: str, start: int) -> bool:
    return bool(_VERB_BEFORE.search(text, max(0, start - 40), start))


def _title_before(text: str, start: int) -> str:
    words = text[max(0, start - 60) : start].split()
    out = []
    for w in reversed(words[-4:]):
        lw = w.lower().strip(",.’'")
        if lw in _TITLE_WORDS or (w[:1].isupper() and lw not in _FUNCTION_WORDS - _TITLE_WORDS):
            out.append(lw)
        else:
            break
    return " ".join(reversed(out))


def _clean_run(run: str) -> tuple[int, str]:
    """(offset of the name inside ``run``, name): honorifics, titles and function words dropped."""
    offset = 0
    m = _HONORIFIC.match(run)
    if m:
        offset = m.end()
    tokens = run[offset:].split(" ")
    while len(tokens) > 1 and (
        tokens[0].lower().rstrip(".,") in _FUNCTION_WORDS or tokens[0].lower().rstrip(".") in _TITLE_WORDS
    ):
        offset += len(tokens[0]) + 1
        tokens.pop(0)
    name = " ".join(tokens)
    return offset, name


def find_mentions(text: str, index: TextIndex, actors: Actors | None = None) -> list[Mention]:
    """Every possible speaker mention outside quotes, in text order (module docstring)."""
    out: list[Mention] = []
    in_quote = index.in_quote
    for m in _NAME_RUN.finditer(text):
        run = m.group().rstrip(".") if not m.group().endswith((" Jr.", " Sr.")) else m.group()
        start = m.start()
        if in_quote(start):
            continue
        offset, name = _clean_run(run)
        name = re.sub(r"[’']s$", "", name)
        if not name:
            continue
        low = name.lower()
        first = low.split()[0]
        honorific = offset > 0 and _HONORIFIC.match(run) is not None
        if low in _FUNCTION_WORDS or (
            len(name.split()) == 1 and (low in _NOT_PERSON or first in _TITLE_WORDS) and not honorific
        ):
            if actors is None or actors.alias_key(low) is None:
                continue
        s = start + offset
        e = s + len(name)
        kind = "name"
        if actors is not None and actors.alias_key(name) is not None:
            kind = "group"
        words = name.split()
        out.append(Mention(s, e, name, kind, words[-1].lower().strip(".,"), _verb_after(text, e),
                           _verb_before(text, s), _title_before(text, s)))
    for m in _NOMINAL.finditer(text):
        if in_quote(m.start()):
            continue
        noun = m.group("noun").lower()
        kind = "group" if actors is not None and actors.alias_key(m.group()) is not None else "nominal"
        out.append(Mention(m.start(), m.end(), m.group(), kind, noun, _verb_after(text, m.end()),
                           _verb_before(text, m.start())))
    for m in _NP_VERB.finditer(text):
        if in_quote(m.start()) or m.group("noun").lower() in PERSON_NOUNS:
            continue
        out.append(Mention(m.start(), m.end(), m.group(), "nominal", m.group("noun").lower(), True,
                           _verb_before(text, m.start())))
    for m in _BARE_PLURAL.finditer(text):
        if in_quote(m.start()) or text[max(0, m.start() - 8) : m.start()].rstrip().lower().endswith(
            ("the", "a", "an", "its", "his", "her", "their", "our")
        ):
            continue
        out.append(Mention(m.start(), m.end(), m.group(), "nominal", m.group(1).lower(),
                           _verb_after(text, m.end()), _verb_before(text, m.start())))
    for m in _PRONOUN.finditer(text):
        if in_quote(m.start()):
            continue
        low = m.group(1).lower()
        after = _verb_after(text, m.end())
        if low == "it" and not after:
            continue
        out.append(Mention(m.start(), m.end(), m.group(1), "pronoun", _PRONOUN_KIND[low], after,
                           _verb_before(text, m.start())))
    out.sort(key=lambda x: (x.start, -x.end))
    # a nominal that contains a name ("the Taliban spokesman") keeps both; drop exact duplicates
    dedup: list[Mention] = []
    for x in out:
        if dedup and dedup[-1].start == x.start and dedup[-1].end == x.end:
            continue
        dedup.append(x)
    return dedup


class MentionIndex:
    """Mentions with their start offsets, for window queries."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = mentions
        self.starts = [m.start for m in mentions]

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions starting in ``[start, end)``."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return self.mentions[i:j]

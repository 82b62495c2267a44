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
from newsclf.data.speakers import _FUNCTION_WORDS, _NOT_PERSON, REPORTING_VERBS
from newsclf.data.textindex import TextIndex

__all__ = ["PERSON_NOUNS", "Mention", "MentionContext", "MentionIndex", "find_mentions", "mention_context"]

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
_DETERMINERS = frozenset("the a an one another this that his her their its our my".split())
_TOKEN = re.compile(r"[\w’'-]+")
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


_SPEECH_VERBS = REPORTING_VERBS + "|continued|continues|went\\s+on|shot\\s+back|wrote|writes"
_SPEECH_CS = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
_LEAD_VERBS = re.compile(rf"^(?:{REPORTING_VERBS}|continued|continues)$", re.IGNORECASE)
_ABBREV = frozenset("jr sr st mr mrs ms dr gen sen rep gov lt col sgt capt maj adm prof rev".split())


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
    """

    start: int
    end: int
    text: str
    kind: str
    head: str


@dataclass(frozen=True)
class MentionContext:
    """What surrounds a mention (computed for candidates only, see :func:`mention_context`).

    Attributes
    ----------
    verb_after : bool
        A reporting verb follows it directly ("Massoud said").
    verb_before : bool
        A reporting verb precedes it directly ("said Massoud", "according to Massoud").
    title : str
        Title words written before a name ("Taliban spokesman"), lower-cased.
    prev, next : str
        Class of the token before and after the mention: ``verb`` (a reporting verb), ``det``,
        ``lower``, ``cap``, ``comma``, ``stop``, ``colon``, ``of``, ``quote``, ``eol`` ...
    appositive : bool
        A description follows it after a comma ("Massoud, the NRF leader,").
    """

    verb_after: bool
    verb_before: bool
    title: str
    prev: str
    next: str
    appositive: bool


def mention_context(text: str, m: Mention) -> MentionContext:
    """The :class:`MentionContext` of ``m`` (a bounded look at its neighbours)."""
    prev, nxt, app = _neighbours(text, m.start, m.end)
    title = _title_before(text, m.start) if m.kind in ("name", "group") else ""
    return MentionContext(_verb_after(text, m.end), _verb_before(text, m.start), title, prev, nxt, app)


_VERB_AFTER = re.compile(r"[ \t\u00a0,]*(?:(?:also|then|later|earlier|had|has|have|was|were|would|will|"
                         r"later|previously|repeatedly|once|again|\w+ly)\s+){0,2}")
_VERB_BEFORE = re.compile(rf"\b(?:{REPORTING_VERBS})\s*,?\s*(?:by\s+)?$")


def _verb_after(text: str, end: int) -> bool:
    m = _VERB_AFTER.match(text, end, min(len(text), end + 60))
    return bool(m and _SPEECH_CS.match(text, m.end()))


_NEXT_TOKEN = re.compile(r"[ \t\u00a0]*(\n|[\w’'-]+|\S)")
_PREV_TOKEN = re.compile(r"(\n|[\w’'-]+|\S)[ \t\u00a0]*$")
_DETS = frozenset("the a an his her their its our my this that one another former".split())
_APPOSITIVE = re.compile(r",\s+(?:a|an|the|who|his|her|their|its|whose|now|then|also)\b")


def _token_class(tok: str) -> str:
    if not tok:
        return "eol"
    if tok == "\n":
        return "eol"
    if tok in ",;":
        return "comma"
    if tok in ".!?":
        return "stop"
    if tok == ":":
        return "colon"
    if tok in "“”\"«»„":
        return "quote"
    if tok in "—–-―(":
        return "dash"
    low = tok.lower()
    if _SPEECH_CS.fullmatch(low):
        return "verb"
    if low in ("of", "at", "for", "from"):
        return "of"
    if low in _DETS:
        return "det"
    if tok[:1].isupper():
        return "cap"
    if tok[:1].isdigit():
        return "num"
    return "lower" if tok[:1].isalpha() else "other"


def _neighbours(text: str, start: int, end: int) -> tuple[str, str, bool]:
    m = _PREV_TOKEN.search(text, max(0, start - 40), start)
    n = _NEXT_TOKEN.match(text, end, min(len(text), end + 40))
    app = bool(_APPOSITIVE.match(text, end, min(len(text), end + 20)))
    return _token_class(m.group(1) if m else ""), _token_class(n.group(1) if n else ""), app


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


def _cut_run(run: str) -> str:
    """The run up to a sentence end inside it ("Paul. Another" -> "Paul"); a final point dropped
    unless it closes an abbreviation ("Jr.")."""
    for m in re.finditer(r"([\w’'-]+)\.(?=\s)", run):
        if len(m.group(1)) > 1 and m.group(1).lower() not in _ABBREV:
            return run[: m.start(1) + len(m.group(1))]
    if run.endswith(".") and run.rsplit(" ", 1)[-1].lower().rstrip(".") not in _ABBREV | {"jr", "sr"}:
        return run[:-1]
    return run


def _clean_run(run: str) -> tuple[int, str]:
    """(offset of the name inside ``run``, name): honorifics, titles and function words dropped."""
    offset = 0
    m = _HONORIFIC.match(run)
    if m:
        offset = m.end()
    tokens = run[offset:].split(" ")
    while len(tokens) > 1 and (
        tokens[0].lower().rstrip(".,") in _FUNCTION_WORDS
        or tokens[0].lower().rstrip(".") in _TITLE_WORDS
        or _LEAD_VERBS.match(tokens[0])
    ):
        offset += len(tokens[0]) + 1
        tokens.pop(0)
    name = " ".join(tokens)
    return offset, name


def _nominals(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, noun)`` of "determiner (or a name's possessive) + up to 3 words + person or
    organisation noun" phrases, in one pass over the words."""
    out = []
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    for i, (_s, e, w) in enumerate(toks):
        low = w.lower()
        if low not in PERSON_NOUNS:
            continue
        for j in range(i - 1, max(-1, i - 5), -1):
            ws, _we, wj = toks[j]
            if "\n" in text[toks[j][1] : toks[j + 1][0]] or text[toks[j][1] : toks[j + 1][0]].strip():
                break  # a line break or punctuation ends the phrase
            lw = wj.lower()
            if lw in _DETERMINERS or (wj[:1].isupper() and lw.endswith(("’s", "'s"))):
                out.append((ws, e, low))
                break
    return out


def find_mentions(text: str, index: TextIndex, actors: Actors | None = None) -> list[Mention]:
    """Every possible speaker mention outside quotes, in text order (module docstring)."""
    out: list[Mention] = []
    in_quote = index.in_quote
    for m in _NAME_RUN.finditer(text):
        run = _cut_run(m.group())
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
        out.append(Mention(s, e, name, kind, words[-1].lower().strip(".,")))
    for start, end, noun in _nominals(text):
        if in_quote(start):
            continue
        phrase = text[start:end]
        kind = "group" if actors is not None and actors.alias_key(phrase) is not None else "nominal"
        out.append(Mention(start, end, phrase, kind, noun))
    for m in _NP_VERB.finditer(text):
        if in_quote(m.start()) or m.group("noun").lower() in PERSON_NOUNS:
            continue
        out.append(Mention(m.start(), m.end(), m.group(), "nominal", m.group("noun").lower()))
    for m in _BARE_PLURAL.finditer(text):
        if in_quote(m.start()) or text[max(0, m.start() - 8) : m.start()].rstrip().lower().endswith(
            ("the", "a", "an", "its", "his", "her", "their", "our")
        ):
            continue
        out.append(Mention(m.start(), m.end(), m.group(), "nominal", m.group(1).lower()))
    for m in _PRONOUN.finditer(text):
        if in_quote(m.start()):
            continue
        low = m.group(1).lower()
        if low == "it" and not _verb_after(text, m.end()):
            continue
        out.append(Mention(m.start(), m.end(), m.group(1), "pronoun", _PRONOUN_KIND[low]))
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

    def between(self, start: int, end: int, limit: int | None = None) -> list[Mention]:
        """Mentions starting in ``[start, end)``, the first ``limit`` of them (O(log n + limit))."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        if limit is not None:
            j = min(j, i + limit)
        return self.mentions[i:j]

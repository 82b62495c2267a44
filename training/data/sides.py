"""A speaker's side, read from the actors file and from how the article describes the speaker.

:func:`side_from_descriptions` answers for one speaker, from the descriptions the article gives of
them (titles before the name, appositions after it, the description a quote is attributed to):

- an **actor key** when a description ties the speaker to an actor of the actors file: the actor's
  name or alias next to a role ("a Taliban commander", "the Islamic Emirate's deputy minister",
  "spokesman for the resistance front", "a senior official of the NRF", "joined the resistance"),
  or the description is the actor itself ("the militant group"). "anti-Taliban" never counts, nor
  an actor merely named near the speaker ("a shopkeeper who fled the Taliban");
- ``"other"`` when the article says who the speaker is but ties them to neither side: a role or
  occupation ("a UN spokesman", "US Secretary of State", "a shopkeeper in Bazarak", "political
  analyst"), a country or an organisation, or the speaker is an organisation itself ("the
  Pentagon", "UNICEF");
- ``None`` when the article says nothing about the speaker (a bare name). Never a guess.

Members listed in the actors file have their actor's side whatever the article says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsclf.data.actors import Actors

__all__ = [
    "OTHER",
    "description_after",
    "description_before",
    "is_organisation",
    "side_from_descriptions",
]

OTHER = "other"
"""The side of a speaker the article ties to neither actor."""

ROLES = frozenset(
    """
    spokesman spokeswoman spokesperson spokesmen commander commanders official officials leader
    leaders minister ministers chief head envoy negotiator negotiators representative member
    members fighter fighters militant militants governor founder co-founder director adviser
    advisor advisers advisors officer officers supporter supporters deputy president
    vice-president secretary ambassador diplomat diplomats general colonel lieutenant captain
    soldier soldiers analyst analysts expert experts researcher scholar professor journalist
    reporter correspondent activist activists resident residents shopkeeper farmer student
    students teacher doctor doctors nurse worker workers engineer lawyer judge mayor lawmaker
    lawmakers senator politician politicians elder elders cleric mullah imam chairman
    chairwoman chairperson coordinator manager executive host anchor author writer historian
    witness witnesses refugee refugees survivor villager villagers driver businessman
    businesswoman trader mother father son daughter brother sister uncle wife husband relative
    friend neighbour neighbor woman man source sources aide aides strategist agency ministry
    department office government administration council committee commission organisation
    organization group movement party force forces army militia police embassy mission
    economist economists scientist pollster consultant commentator columnist editor fellow ceo
    lecturer physician surgeon pastor priest rabbi voter voters citizen citizens shopkeepers
    farmers merchant merchants owner partner employee employees contractor interpreter
    translator veteran veterans protester protesters demonstrator demonstrators delegate
    delegates candidate nominee ally allies critic critics opponent opponents observer observers
    """.split()
)
_ROLE_RE = "(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + ")"
COUNTRIES = frozenset(
    """
    us u.s. usa american americans britain british uk u.k. england english pakistan pakistani
    pakistan's iran iranian china chinese russia russian india indian qatar qatari turkey turkish
    germany german france french eu european un u.n. nato tajik tajikistan uzbek uzbekistan
    japan japanese canada canadian australia australian afghan afghanistan's saudi emirati uae
    italian italy spanish dutch norwegian swedish kazakh turkmen kyrgyz
    """.split()
)
_ORG_WORDS = frozenset(
    """
    department ministry council nations organization organisation agency office house pentagon
    kremlin watch international committee commission bank fund union alliance coalition
    party army forces police government embassy mission cross amnesty foundation institute
    center centre program programme unicef unhcr who wfp unama icrc nato
    """.split()
)
_TIE_VERBS = r"(?:joined|joins|leads|led|heads|headed|commands|commanded|represents|represented|" \
             r"loyal\s+to|allied\s+with|aligned\s+with|fights?\s+for|fought\s+for|fighting\s+for)"
_WORD = re.compile(r"[\w’'.-]+")
_STOP = re.compile(r"[.;:!?“”\"()\[\]\n]")
_LEAD_DET = frozenset("the a an".split())
_TITLE_ADJ = frozenset(
    """
    former senior deputy acting chief top local interim new self-declared self-proclaimed caretaker
    exiled ousted veteran prominent powerful key main military political foreign defence defense
    interior first second vice regional provincial district national
    """.split()
)
_FUNCTION = frozenset("of for and to in on at from with".split())
_NOT_DESCRIPTION = frozenset(
    """and but or which while as so then he she they it we i in on at after before when where
    however meanwhile also too though although because if since""".split()
)


def _cap(word: str) -> bool:
    return word[:1].isupper()


def description_before(text: str, start: int) -> str:
    """The title-like words right before a name ("Taliban spokesman", "the Islamic Emirate's deputy
    minister", "Pakistan's foreign minister," before "Shah Mahmood Qureshi"), at most eight words.
    """
    chunk = text[max(0, start - 120) : start]
    chunk = _STOP.split(chunk)[-1]
    parts = chunk.rsplit(",", 2)
    tail = parts[-1]
    if not tail.strip() and len(parts) > 1:  # "Pakistan's foreign minister, Shah Mahmood Qureshi"
        tail = parts[-2]
    words = _WORD.findall(tail)
    out: list[str] = []
    for w in reversed(words[-8:]):
        low = w.lower().rstrip(".")
        base = re.sub(r"[’']s$", "", low)
        if low in _LEAD_DET:
            out.append(w)
            break
        if low in _NOT_DESCRIPTION:
            break
        if _cap(w) or base in ROLES or base in _TITLE_ADJ or base in COUNTRIES or (
            low in _FUNCTION and out and (_cap(out[-1]) or out[-1].lower() in ROLES)
        ):
            out.append(w)
            continue
        break
    while out and out[-1].lower() in _FUNCTION:
        out.pop()
    return " ".join(reversed(out))


_APPOSITION = re.compile(
    r",\s+(?:\d{1,3},\s+)?(?:who\s+(?:is|was|serves\s+as|served\s+as|has\s+been)\s+)?"
    r"(?P<desc>(?:a|an|the|his|her|its|their|[A-Z][\w’'-]*[’']s|[A-Za-z][\w-]*)\b[^,.;:()\n“”\"]{0,100}?)"
    r"(?=,|\.|;|\s+(?:said|says|told|added|wrote|tweeted|warned|stated)\b|$)"
)


def description_after(text: str, end: int) -> str:
    """An apposition right after a name ("Nazary, the head of foreign relations for the NRF,"),
    or ""."""
    m = _APPOSITION.match(text, end, min(len(text), end + 140))
    if not m:
        return ""
    from newsclf.data.speakers import _VERB

    desc = m.group("desc").strip()
    first = desc.split()[0].lower() if desc else ""
    if first in _NOT_DESCRIPTION or _VERB.fullmatch(first):
        return ""
    return desc


def is_organisation(name: str) -> bool:
    """Whether a speaker's name is an organisation (an acronym such as "UN", "NATO", or a name with
    an organisation word: "the State Department", "Human Rights Watch")."""
    words = [w.strip(".,’'") for w in name.split()]
    if not words:
        return False
    if len(words) == 1 and len(words[0]) >= 2 and words[0].replace(".", "").isupper():
        return True
    return any(w.lower() in _ORG_WORDS for w in words)


def _tie_patterns(actors: Actors) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for actor in actors:
        names = sorted({actor.name, *actor.aliases}, key=len, reverse=True)
        alias = "(?:" + "|".join(re.escape(" ".join(n.split())).replace(r"\ ", r"\s+") for n in names) + ")"
        alias = rf"(?<![\w-])(?<!anti-)(?<!pro-)(?:the\s+)?{alias}(?![\w-])"
        out.append((re.compile(
            rf"{alias}(?:[’']s)?(?:\s+[\w-]+){{0,3}}?\s+{_ROLE_RE}\b"  # a Taliban commander
            rf"|\b{_ROLE_RE}(?:\s+[\w’'-]+){{0,5}}?\s+(?:of|for|with|from|within|inside|in|to|at)\s+{alias}"
            rf"|\b{_TIE_VERBS}\s+{alias}",
            re.IGNORECASE,
        ), actor.key))
    return out


_PATTERN_CACHE: dict[int, tuple[Actors, list[tuple[re.Pattern[str], str]]]] = {}


def _patterns(actors: Actors) -> list[tuple[re.Pattern[str], str]]:
    hit = _PATTERN_CACHE.get(id(actors))
    if hit is None or hit[0] is not actors:
        hit = _PATTERN_CACHE[id(actors)] = (actors, _tie_patterns(actors))
    return hit[1]


def _says_something(description: str) -> bool:
    for w in _WORD.findall(description):
        low = re.sub(r"[’']s$", "", w.lower().rstrip("."))
        if low in ROLES or low in COUNTRIES or low in _ORG_WORDS:
            return True
    return False


def side_from_descriptions(
    name: str,
    descriptions: Iterable[str],
    actors: Actors | None,
    organisation: bool = False,
) -> str | None:
    """The side of speaker ``name`` (module docstring): an actor key, ``"other"`` or None.

    Parameters
    ----------
    name : str
        The speaker as output (full name, actor name, or a description).
    descriptions : iterable of str
        What the article says about the speaker (titles, appositions, the description quoted).
    actors : Actors or None
        Without actors every side is None.
    organisation : bool
        The speaker is an organisation (its own name): ``"other"`` unless it is an actor.
    """
    if actors is None or not name:
        return None
    hit = actors.member(name)
    if hit:
        return hit[0]
    key = actors.alias_key(name)
    if key is not None:
        return key
    descriptions = [d for d in descriptions if d]
    for d in [name, *descriptions]:
        if actors.alias_key(d) is not None:
            return actors.alias_key(d)
        for rx, key in _patterns(actors):
            if rx.search(d):
                return key
    if organisation or is_organisation(name):
        return OTHER
    if any(_says_something(d) for d in [name, *descriptions]):
        return OTHER
    return None

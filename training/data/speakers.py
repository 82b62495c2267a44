"""Who said a quote: reporting verbs, subjects, pronouns, descriptions and full names.

Used by :func:`newsclf.data.quotes.find_quotes`. A reporting verb next to the quote
(``”, he said``, ``” X said``, ``”, said X``, ``according to X``, ``X vowed to ... “``) gives the
subject; pronouns and descriptions (he, she, they, the spokesman, the militant group) resolve to the
most recent compatible subject, speaker or named person or actor; a surname resolves to the first
full name the article gives ("Mujahid" -> "Zabihullah Mujahid"); titles are stripped ("Taliban
spokesman"); appositives name the person ("Massoud, the NRF leader, said"). News outlets
(``according to CNN``) are sources, not speakers. Sides come from the actors file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from newsclf.data.actors import Actors
from newsclf.data.sides import (
    description_after,
    description_before,
    is_organisation,
    side_from_descriptions,
)
from newsclf.data.textindex import QuoteSite, TextIndex

__all__ = ["RECENT_LIMIT", "REPORTING_VERBS", "Speaker", "SpeakerResolver", "attribute_quote"]

RECENT_LIMIT = 60
"""Mentions looked back over to resolve a pronoun or description."""

# ----------------------------------------------------------------------------- vocabulary

REPORTING_VERBS = (
    "said|says|say|saying|told|tells|tell|telling|added|adds|adding|vowed|vows|vow|vowing|"
    "accused|accuses|accusing|claimed|claims|claiming|stated|states|declared|declares|announced|"
    "announces|announce|announcing|promised|promises|pledged|pledges|warned|warns|warning|asked|asks|"
    "urged|urges|insisted|insists|wrote|writes|tweeted|tweets|posted|explained|explains|noted|notes|"
    "argued|argues|stressed|stresses|replied|replies|responded|responds|confirmed|confirms|denied|"
    "denies|admitted|admits|acknowledged|acknowledges|reiterated|reiterates|demanded|demands|"
    "threatened|threatens|called|calls|described|describes|dubbed|branded|labelled|labeled|termed|"
    "remarked|recalled|boasted|boasts|predicted|predicts|blamed|blames|condemned|condemns|"
    "joked|jokes|quipped|quips|answered|answers|snapped|retorted|exclaimed|conceded|concedes|"
    "countered|counters|asserted|asserts|cautioned|cautions|lamented|laments|complained|complains|"
    "recounted|shouted|yelled|chanted|emphasized|emphasises|emphasised|emphasizes|"
    "questioned|wondered|scoffed|interjected|protested|concluded|continued|remembered|"
    "pointed\\s+out|went\\s+on|barked|pressed|reported|reports|"
    "according\\s+to"
)
_VERB = re.compile(rf"\b(?:{REPORTING_VERBS})\b", re.IGNORECASE)
_VERB_CS = re.compile(rf"\b(?:{REPORTING_VERBS})\b")  # lower-case verbs only ("Said" may be a name)

_PRONOUNS = {
    "he": "person",
    "she": "person",
    "i": "person",
    "they": "group",
    "we": "group",
    "it": "group",
}
_AUX_TAIL = re.compile(
    r"(?:\s+|^)(?:to|had|has|have|was|were|is|are|would|will|could|should|did|does|do|not|never|"
    r"also|earlier|later|recently|then|again|once|previously|reportedly|repeatedly|publicly|"
    r"allegedly|already|still|just|first|further|who|which|has\s+been|on\s+\w+day|"
    r"expects?|plans?|wants?|hopes?|intends?|expected|planned|wanted|seeks?|sought|went\s+on|"
    r"(?!family|ally|rally|assembly|supply|anomaly|july)[a-z]+ly)\s*$"
)
_GROUP_NOUNS = frozenset(
    """group militia movement ministry government fighters forces insurgents militants resistance
    front administration authorities organisation organization agency department office council
    committee commission party army police embassy mission coalition alliance""".split()
)
_PERSON_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson official commander leader minister president chief envoy
    source officials sources resident residents shopkeeper farmer analyst expert elder cleric
    doctor witness witnesses diplomat diplomats negotiator member fighter militant soldier
    officer deputy adviser advisor aide governor villager teacher student activist journalist
    researcher worker engineer driver trader businessman woman man mother father""".split()
)
_DESCRIPTION = re.compile(
    r"\b(?:the|a|an|its|their|his|her|one|another)\s+(?:[\w’'-]+\s+){0,3}?"
    rf"(?P<noun>{'|'.join(sorted(_GROUP_NOUNS | _PERSON_NOUNS, key=len, reverse=True))})\s*$",
    re.IGNORECASE,
)
_NAME_RUN = re.compile(
    r"\b[A-Z][\w’'-]*(?:[ \t\u00a0]+(?:(?:al|bin|ibn|de|van|von|el|ul)[- ]+)?[A-Z][\w’'-]*)*"
)
_NAME_AT_END = re.compile(
    r"(?<![\w’'-])[A-Z][\w’'-]*(?:[ \t\u00a0]+(?:(?:al|bin|ibn|de|van|von|el|ul)[- ]+)?[A-Z][\w’'-]*)*\s*$"
)
# capitalised function words and verbs inside a run mark a headline, not a person's name
_TITLE_ABBR = re.compile(
    r"^(?:(?:Rep|Reps|Sen|Gen|Dr|Mr|Mrs|Ms|Gov|Lt|Col|Capt|Sgt|Prof|Maj|Adm|Cmdr|Rev|Pres|Supt|"
    r"Insp|Atty|Hon|St|Fr|Sr)\.\s+)+"
)
_HEADLINE_WORDS = frozenset(
    """
    the a an and or of to for in on at by with from as is are was were be been has have had will
    would can could says said say following after before over how why what who when where new more
    not no it its this that these those your our their his her my
    """.split()
)
_WORD = re.compile(r"[\w’'-]+")
_FUNCTION_WORDS = frozenset(
    """
    the a an in on at but and or he she they we it his her their its our this that these those
    after before when while by for from with as if so yet to of i you my your there here
    meanwhile however since according sign mr mrs ms dr gen former president vice prime minister
    commander general spokesman spokeswoman chief sheikh deputy acting foreign defence defense
    interior senior top lt col sen rep gov governor leader military famous late new current
    under over about into ceo cfo coo cto chairman chairwoman director secretary senator
    congressman congresswoman mayor coach professor prof judge officer manager founder analyst
    executive premier chancellor king queen prince princess ambassador captain capt sgt maj
    mullah mawlawi maulvi qari haji hajji
    """.split()
)
_RUN_TITLES = frozenset(
    """advocate delegate attorney chairman chairwoman commissioner representative councilman
    councilwoman treasurer comptroller speaker whip""".split()
)
_NOT_LABELS = frozenset(
    "VIDEO UPDATE NOTE EDITOR CORRECTION BREAKING WATCH READ PHOTO AUDIO TRANSCRIPT EXCLUSIVE "
    "WARNING ALERT SOURCE SOURCES NEWS LIVE PS P.S. EDITOR'S EDITOR’S PARTIAL".split()
)
_AFGHAN_HONORIFICS = frozenset("mullah mawlawi maulvi molvi qari haji hajji sheikh hafiz".split())
# leading words of a title that is capitalised like a name ("Secretary of State Antony Blinken")
_TITLE_LEAD = _FUNCTION_WORDS | frozenset(
    """state affairs information culture justice finance homeland security staff nations
    minister ministers department us u.s. uk un""".split()
)
_NOT_PERSON = frozenset(
    """
    front valley province press agency news airport government ministry council army forces
    force party movement eastern western middle east west north south northern southern national
    islamic united states nations university times post street city road department office union
    republic kingdom emirate alliance committee court bank company group corps police river
    mountains afghan afghanistan american british soviet pakistan iran india china russia kabul
    panjshir facebook twitter x telegram youtube instagram monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october
    november december sept jan feb aug oct nov dec sharia resistance taliban nrf un nato us uk
    eu international world global institute center centre foundation association network service
    services television tv radio daily
    """.split()
)

_APPOSITIVE = re.compile(
    r"(?:^|[^\w’'-])(?P<name>[A-Z][\w’'-]*\.?(?:\s+[A-Z][\w’'-]*\.?){0,3}),\s+(?:\d{1,3},\s+)?"
    r"(?P<desc>(?:(?:the|a|an|his|her|its|their)\s+|[a-z][\w-]*\s+|(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w.-]*[’']s\s+)"
    r"[^,]{1,70}?),?\s*$"
)
_APPOSED_SUBJECT = re.compile(rf"\s*,\s*(?:{REPORTING_VERBS})\b")
_RELATIVE = re.compile(
    r"\s*,\s+(?:who|whose|which|according|[a-z]+ing)\b[^“”\"]{0,160}?,?\s*$"
)
_REPORTS_END = re.compile(
    r"\b(?:said|says|told|added|wrote|tweeted|stated|declared|announced)\b[^.!?]{0,60}[.!?]$"
)
_NAME_COLON = re.compile(
    r"(?:^|[.!?”\"]\s+)(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'.-]*){0,3})\s*:\s*$"
)
_SENTENCE_SUBJECT = re.compile(
    r"^\s*(?:(?:As|But|And|Then|Later|Meanwhile|However|So),?\s+)?"
    r"(?P<subject>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'.-]*){0,4}|he|she|they|He|She|They)\b"
)
_TRAILING_DETAIL = re.compile(
    r",\s*(?:\d{1,3}|[RDI]-[A-Z][\w.]*(?:\s[A-Z][\w.]*)?|of\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*|"
    r"[A-Z][a-z]?\.[A-Z]\.|[A-Z][a-z]{1,3}\.)\s*,?\s*$"
)
_OF_PLACE = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][^,;:“”\"]{0,60}$")
_PRONOUN_AT_END = re.compile(r"(?<![\w’'-])(he|she|they|we|i|it)\s*$", re.IGNORECASE)
_PRONOUN_AT_START = re.compile(r"(he|she|they|we|it)\b", re.IGNORECASE)
_INTRO_END = re.compile(r"[:,]\s*$")
_PERSON_DESC = re.compile(r"spokes|official|commander|leader", re.IGNORECASE)
_TRAILING_CAPS = re.compile(r"^(.*?)((?:[A-Z][\w’'-]*\s*)+)$")
# a point ends a clause unless it closes an abbreviation or an initial ("Mr. Obama", "Roger C. Altman")
_POINT = r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)" \
    r"(?<!\bLt)(?<!\bCol)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bCapt)(?<!\bSgt)(?<!\bProf)(?<!\bRev)\."
_FRAME_BREAK = re.compile(rf"[;:“”\"«»]|''|{_POINT}\s")
_AFTER_VERB_END = re.compile(
    rf"[,;:!?()“”\"«»\n]|''|{_POINT}(?=\s|$)|\s(?:in|on|at|during|after|before|while|when|who|from|of)\s"
)
_DESCRIPTOR_SPLIT = re.compile(r"[.,;:!?()“”\"«»\n]")
_ANY_MARK = re.compile(r"[“”„«»\"]")


@dataclass
class Speaker:
    """A resolved speaker: a person or an actor (group), with its side."""

    name: str
    kind: str  # "person" | "group"
    side: str | None
    descriptor: str = ""
    subject: bool = False  # mentioned as the subject of its sentence (or a speaker)


# ----------------------------------------------------------------------------- helpers


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _strip_aux(pre: str) -> str:
    pre = pre.rstrip(" \t\n,")
    while True:
        m = _AUX_TAIL.search(pre)
        if not m or m.start() == m.end():
            return pre
        pre = pre[: m.start()].rstrip(" \t\n,")


def _clean_name(run: str) -> tuple[str, str]:
    """Split a capitalised run into (descriptor tokens, name): drop determiners and titles."""
    tokens = run.split()
    head: list[str] = []
    while len(tokens) > 1 and (
        tokens[0].lower().rstrip(".") in _FUNCTION_WORDS
        or (tokens[0].isupper() and len(tokens[0]) > 1)
        or (len(tokens) > 2 and tokens[0].lower().rstrip(".") in _TITLE_LEAD)
        or tokens[0].endswith(("’s", "'s"))  # "Pakistan's Prime Minister Imran Khan"
    ):
        head.append(tokens.pop(0))
    poss = [i for i, t in enumerate(tokens[:-1]) if t.endswith(("’s", "'s"))]
    if poss:  # "American Action Forum’s Douglas Holtz-Eakin"
        head.extend(tokens[: poss[-1] + 1])
        tokens = tokens[poss[-1] + 1 :]
    if len(tokens) > 3:  # "New York City Public Advocate Trish James": keep what follows a title
        titles = [i for i, t in enumerate(tokens[:-1]) if t.lower().rstrip(".") in _TITLE_LEAD | _RUN_TITLES]
        if titles and len(tokens) - titles[-1] - 1 in (2, 3):
            head.extend(tokens[: titles[-1] + 1])
            tokens = tokens[titles[-1] + 1 :]
    if len(tokens) > 4:  # a headline or a title in capitals, not a name
        return " ".join(head), ""
    name = " ".join(tokens)
    if name.endswith(("’s", "'s")):
        name = name[:-2]
    return " ".join(head), name


class SpeakerResolver:
    """Named people and actors mentioned in an article, for pronoun and surname resolution.

    Parameters
    ----------
    text : str
    actors : Actors or None
    index : TextIndex
        Sentence starts and quote spans of the article (mentions inside quotes are not kept).
    """

    def __init__(self, text: str, actors: Actors | None, index: TextIndex):
        self.text = text
        self.index = index
        self.actors = actors
        self.persons: list[str] = []  # full names in order of first mention
        self.by_surname: dict[str, str] = {}  # lower-cased last name -> first full name with it
        self.sides: dict[str, str | None] = {}
        self.descriptors: dict[str, str] = {}
        # name or surname -> (run start, title words in the run, name end) of its mentions
        self._described_at: dict[str, list[tuple[int, str, int]]] = {}
        self._side_cache: dict[tuple[str, str, str], str | None] = {}
        self.mentions: list[tuple[int, Speaker]] = []
        in_quote = index.in_quote

        for m in _NAME_RUN.finditer(text):
            start, run = m.start(), m.group()
            if start > 0 and text[start - 1] in "’'-":
                continue
            if " " not in run and "\n" not in run:  # fast path for lone capitalised words
                low = run.lower()
                if low.endswith(("’s", "'s")):
                    low = low[:-2]
                if low in _FUNCTION_WORDS:
                    continue
                key = actors.alias_key(low) if actors is not None else None
                if key is not None:
                    if not in_quote(start):
                        self.mentions.append((start, Speaker(actors.get(key).name, "group", key)))
                    continue
                if not (
                    low in self.by_surname
                    or (actors is not None and actors.is_surname(low))
                    or (low not in _NOT_PERSON and self._described_after(m.end()))
                ):
                    continue
            if in_quote(start):
                continue
            ent = self.entity_for_name(run, pos=start, register=True)
            if ent is not None:
                ent.subject = self._is_subject(start, m.end())
                self.mentions.append((start, ent))
        for m in _NEW_PERSON.finditer(text):  # "A spokesman for the NRF, who ..., said"
            if in_quote(m.start()):
                continue
            phrase = m.group().strip()
            self.mentions.append(
                (m.start(), Speaker(_bare_description(phrase), "person", None, phrase, subject=True))
            )
        if actors is not None:  # lower-case descriptions of actors ("the militant group")
            for start, _end, key in actors.find_descriptions(text):
                if not in_quote(start):
                    self.mentions.append((start, Speaker(actors.get(key).name, "group", key)))
        self.mentions.sort(key=lambda x: x[0])
        self.positions = [p for p, _ in self.mentions]

    def _is_subject(self, start: int, end: int) -> bool:
        """A mention in the sentence's leading noun phrase, or right before a reporting verb."""
        if _VERB_CS.match(self.text, end + 1) and self.text[end : end + 1] == " ":
            return True
        if _APPOSED_SUBJECT.match(self.text, end, end + 40):  # "A Taliban commander, NAME, said"
            return True
        si = self.index.sentence_at(start)
        s_start = self.index.sent_starts[si] if si >= 0 else 0
        if start - s_start > 120:  # more than four words before it, whatever they are
            return False
        lead = self.text[s_start:start]
        return "," not in lead and len(lead.split()) <= 4

    def _described_after(self, end: int) -> bool:
        """A comma and a description of a person right after ``end`` ("Ahmad, a resident of")."""
        if self.text[end : end + 2] != ", ":
            return False
        desc = description_after(self.text, end)
        return bool(desc) and any(w.lower() in _PERSON_NOUNS for w in _words(desc)[:6])

    def _descriptor_before(self, pos: int) -> str:
        chunk = self.text[max(0, pos - 60) : pos]
        chunk = _DESCRIPTOR_SPLIT.split(chunk)[-1]
        return " ".join(chunk.split()[-4:])

    def full_name(self, name: str) -> str:
        """The fullest form of a person's name the article (or the actors file) gives."""
        if " " in name.strip():
            return name
        full = self.by_surname.get(name.lower())
        if full:
            return full
        if self.actors is not None and (hit := self.actors.member(name)):
            return hit[1]
        return name

    def entity_for_name(
        self,
        run: str,
        descriptor: str | None = None,
        pos: int | None = None,
        register: bool = False,
    ) -> Speaker | None:
        head, name = _clean_name(run)
        if not name:
            return None
        actors = self.actors
        if actors is not None:
            key = actors.alias_key(name)
            if key is not None:
                return Speaker(actors.get(key).name, "group", key)
        words = name.split()
        if len(words) == 1:
            honorific = head.split()[-1] if head else ""
            full = self.by_surname.get(name.lower()) or name
            if full == name and honorific.lower().rstrip(".") in _AFGHAN_HONORIFICS and (
                name.lower() not in _NOT_PERSON
            ):
                full = f"{honorific} {name}"  # "Mawlawi Fasihuddin": the name as the article gives it
                words = full.split()
            elif full == name:
                full = self.full_name(name)
            if full == name:
                if pos is not None and name.lower() not in _NOT_PERSON and self._described_after(
                    pos + max(0, run.find(name)) + len(name)
                ):
                    pass  # "Ahmad, a resident of Kabul": a person known by one name
                else:
                    return None  # a lone capitalised word: not known as a person
        else:
            low = [w.lower().rstrip(".") for w in words]
            if any(w in _NOT_PERSON or w in _HEADLINE_WORDS for w in low):
                return None
            if actors is not None and (actors.is_media(name) or actors.is_media(run)):
                return None
            if all(w.isupper() for w in words) and (actors is None or actors.member(name) is None):
                return None
            full = name
        if descriptor is None:
            descriptor = self._descriptor_before(pos) if pos is not None else ""
        descriptor = " ".join(x for x in (descriptor, head) if x)
        if register and pos is not None:  # where the article describes them, read when needed
            at = pos + max(0, run.find(name))
            for key in {full, words[-1].lower()}:
                bucket = self._described_at.setdefault(key, [])
                if len(bucket) < 6:
                    bucket.append((pos, head, at + len(name)))
        if register and len(words) > 1 and full not in self.sides:
            self.persons.append(full)
            self.by_surname.setdefault(words[-1].lower(), full)
        elif register and len(words) == 1 and full not in self.sides:
            self.persons.append(full)
            self.by_surname.setdefault(full.lower(), full)
        side = None
        if actors is not None:
            side = actors.side_of(full) or (actors.alias_side(descriptor) if descriptor else None)
        if side is None:
            side = self.sides.get(full)
        if register and full not in self.sides:
            self.sides[full] = side
            self.descriptors[full] = descriptor
        elif register and self.sides.get(full) is None and side is not None:
            self.sides[full] = side
        return Speaker(full, "person", side, descriptor)

    def descriptions_of(self, key: str) -> list[str]:
        """What the article says about the person ``key`` (full name or lower-cased surname):
        the titles before and the appositions after each of their mentions."""
        out = []
        for pos, head, end in self._described_at.get(key, ()):
            before = " ".join(x for x in (description_before(self.text, pos), head) if x)
            out.extend(d for d in (before, description_after(self.text, end)) if d)
        return out

    def side_for(self, entity: Speaker | None) -> str | None:
        """The side of a speaker as the article describes it (:mod:`newsclf.data.sides`): an actor
        key, ``"other"`` or None."""
        if entity is None:
            return None
        if entity.kind == "group" and entity.side:
            return entity.side
        last = entity.name.split()[-1].lower() if entity.name.split() else ""
        key = (entity.name, entity.kind, entity.descriptor)
        if key not in self._side_cache:
            said = [*self.descriptions_of(entity.name), *self.descriptions_of(last), entity.descriptor]
            self._side_cache[key] = side_from_descriptions(
                entity.name, said, self.actors, organisation=entity.kind in ("group", "org")
            )
        return self._side_cache[key]

    def recent(
        self,
        pos: int,
        kind: str,
        dynamic: list[tuple[int, Speaker]],
        noun: str = "",
        side: str | None = None,
    ) -> Speaker | None:
        """The most recent entity of ``kind`` mentioned before ``pos`` (static mentions and speakers).

        Looks back over at most :data:`RECENT_LIMIT` mentions (a pronoun refers to someone recent),
        so each call costs O(log n).
        """
        merged = self._recent_window(pos, dynamic)
        if kind == "person" and not noun:
            # pronouns refer to a recent subject or speaker first, any named person otherwise
            for e in merged:
                if e.kind == kind and e.subject and (side is None or e.side == side):
                    return e
        for e in merged:
            if e.kind != kind:
                continue
            if side is not None and e.side != side:
                continue
            if noun and noun not in self._described_as(e):
                continue
            return e
        if noun:  # no one described that way: the most recent person of that side
            return self.recent(pos, kind, dynamic, side=side)
        return None

    def _described_as(self, e: Speaker) -> str:
        """What a noun is matched against: a person's descriptor, a group's name and aliases."""
        if e.kind == "group":
            if self.actors is not None and e.side in self.actors:
                a = self.actors.get(e.side)
                return " ".join([a.name, *a.aliases]).lower()
            return e.name.lower()
        return self.descriptors.get(e.name, e.descriptor).lower()

    def _recent_window(self, pos: int, dynamic: list[tuple[int, Speaker]]) -> list[Speaker]:
        """Up to ``RECENT_LIMIT`` static mentions and speakers before ``pos``, newest first."""
        i = bisect.bisect_left(self.positions, pos) - 1
        j = len(dynamic) - 1
        while j >= 0 and dynamic[j][0] >= pos:
            j -= 1
            if len(dynamic) - j > RECENT_LIMIT:  # speakers are appended in text order
                break
        out: list[Speaker] = []
        while len(out) < RECENT_LIMIT and (i >= 0 or j >= 0):
            if j >= 0 and (i < 0 or dynamic[j][0] >= self.mentions[i][0]):
                if dynamic[j][0] < pos:
                    out.append(dynamic[j][1])
                j -= 1
            else:
                out.append(self.mentions[i][1])
                i -= 1
        return out


# ----------------------------------------------------------------------------- subjects


def _subject_phrase(pre: str) -> tuple[str, str] | None:
    """The subject at the end of ``pre`` (text before a reporting verb): (kind, phrase)."""
    pre = _strip_aux(pre[-200:])
    if not pre.strip():
        return None
    # "Amrullah Saleh, who has declared himself caretaker president, said" -> the name
    m = _RELATIVE.search(pre)
    if m:
        pre = pre[: m.start()].rstrip()
        if not pre.strip():
            return None
    # "Chancellor Angela Merkel of Germany condemned" -> the name, not the place
    m = _OF_PLACE.search(pre)
    if m and _NAME_AT_END.search(pre, 0, m.start()):
        pre = pre[: m.start()]
    # "Ramos, 58,", "Sen. Ron Johnson, R-Wis.,", "Harry Bond, 30, of Raleigh, N.C.," -> the name
    for _ in range(4):
        m = _TRAILING_DETAIL.search(pre)
        if m is None or not _NAME_AT_END.search(pre, 0, m.start()):
            break
        pre = pre[: m.start()]
    # "Massoud, the NRF leader," -> the name before an appositive
    m = _APPOSITIVE.search(pre)
    if m:
        return "appositive", f"{m.group('name')}\t{m.group('desc')}"
    # "An analyst at a Kabul think tank said" -> a description with its prepositional tail
    m = _DESC_PP.search(pre)
    if m:
        name = _NAME_AT_END.search(pre)
        if name is None or _PREP_END.search(pre, 0, name.start()):  # "an officer in Kabul"
            return "description", m.group().strip()
    m = _PRONOUN_AT_END.search(pre)
    if m:
        return "pronoun", m.group(1).lower()
    m = _NAME_AT_END.search(pre)
    if m:
        return "name", m.group().strip()
    m = _DESCRIPTION.search(pre)
    if m:
        return "description", m.group().strip()
    words = pre.split()
    if words:
        return "description", " ".join(words[-4:])
    return None


def _subject_after_verb(post: str) -> tuple[str, str] | None:
    """The subject right after an inverted reporting verb (``”, said Taliban spokesman X.``)."""
    post = _TITLE_ABBR.sub("", post.lstrip(" ,"))
    post = _AFTER_VERB_END.split(post, maxsplit=1)[0]
    post = post.strip()
    if not post:
        return None
    m = _PRONOUN_AT_START.match(post)
    if m:
        return "pronoun", m.group(1).lower()
    return ("name" if post[:1].isupper() else "description"), post


def _descriptor_of(phrase_start_text: str) -> str:
    chunk = _DESCRIPTOR_SPLIT.split(phrase_start_text)[-1]
    return " ".join(chunk.split()[-4:])


def _resolve(
    kind: str,
    phrase: str,
    descriptor: str,
    pos: int,
    resolver: SpeakerResolver,
    actors: Actors | None,
    dynamic: list[tuple[int, Speaker]],
) -> Speaker | None:
    if kind == "pronoun":
        return resolver.recent(pos, _PRONOUNS.get(phrase, "person"), dynamic)
    if kind == "appositive":
        name, desc = phrase.split("\t", 1)
        ent = resolver.entity_for_name(name, descriptor=desc)
        if ent is not None:
            return ent
        return _resolve("description", desc, "", pos, resolver, actors, dynamic)
    if actors is not None:
        if actors.is_media(phrase):
            return None
        key = actors.alias_side(phrase)
        if key is not None:
            m = actors.get(key).alias_re.search(phrase)
            rest = phrase[m.end() :].strip()
            if not rest or kind == "description" and not _PERSON_DESC.search(rest):
                return Speaker(actors.get(key).name, "group", key)
    if kind == "name":
        head_re = _TRAILING_CAPS.match(phrase)
        run = head_re.group(2) if head_re else phrase
        ent = resolver.entity_for_name(run, descriptor=descriptor)
        if ent is not None:
            return ent
        head, name = _clean_name(run)
        if not name:
            return None
        kind_of = "org" if is_organisation(name) else "person"
        return Speaker(name, kind_of, actors.side_of(name) if actors else None, descriptor)
    # a description: "the spokesman", "the Taliban spokesman", "the group", "an analyst at X"
    m = _DESCRIPTION.search(phrase)
    pp = None if m else _DESC_PP.search(phrase)
    if pp is not None:
        noun_m = re.search(rf"\b({'|'.join(_PERSON_NOUNS)})\b", phrase, re.IGNORECASE)
        side = actors.alias_side(phrase) if actors is not None else None
        if noun_m is not None:
            return Speaker(_bare_description(phrase), "description", side, phrase)
    if m:
        noun = m.group("noun").lower()
        side = actors.alias_side(phrase) if actors is not None else None
        indefinite = phrase.split()[0].lower() in ("a", "an", "one", "another")
        if noun in _PERSON_NOUNS:
            # "a Taliban commander" introduces someone new; "the spokesman" refers back
            ent = None if indefinite else resolver.recent(pos, "person", dynamic, noun=noun, side=side)
            if ent is not None:
                return ent
            return Speaker(_bare_description(phrase), "description", side, phrase)
        generic = noun in ("group", "organisation", "organization", "administration", "authorities",
                           "government", "statement")
        return resolver.recent(pos, "group", dynamic, noun="" if generic else noun, side=side)
    # "added a South Carolina Democrat": someone new, named by the description itself
    words = phrase.split()
    if kind == "description" and 1 < len(words) <= 6 and words[0].lower() in ("a", "an", "one", "another"):
        return Speaker(_bare_description(phrase), "description", None, phrase)
    return None


_NEW_PERSON = re.compile(
    r"(?<![\w’'-])(?:A|An|One|Another)\s+(?:[\w’'-]+\s+){0,3}?"
    rf"(?:{'|'.join(sorted(_PERSON_NOUNS, key=len, reverse=True))})"
    r"(?:\s+(?:for|of|at|with|from|in)\s+[^,.;:“”\"\n]{1,60}?)?"
    rf"(?=\s*,|\s+(?:{REPORTING_VERBS})\b)"
)
_PREP_END = re.compile(r"\b(?:in|at|of|from|for|with|on)\s+(?:the\s+)?$")
_DESC_PP = re.compile(
    r"(?<![\w’'-])(?:the|a|an|one|another)\s+(?:[\w’'-]+\s+){0,3}?"
    rf"(?:{'|'.join(sorted(_PERSON_NOUNS, key=len, reverse=True))})"
    r"\s+(?:at|of|for|in|from|with|on)\s+[^,;“”\"]{1,60}$",
    re.IGNORECASE,
)


def _bare_description(phrase: str) -> str:
    """"a senior Taliban commander" -> "senior Taliban commander" (the speaker as described)."""
    words = phrase.split()
    if words and words[0].lower() in ("a", "an", "one", "another", "the"):
        words = words[1:]
    return " ".join(words)


_TRANSCRIPT = re.compile(r"([A-Z][A-Za-z.’'-]+(?:[ \t]+[A-Z][A-Za-z.’'-]+){0,3})[ \t]*:\s")
_DASH_NAME = re.compile(
    r"\s*[―—–-]{1,2}\s*(?P<name>[A-Z][\w’'.-]*(?:[ \t\u00a0]+(?:(?:al|bin|ibn|de|van|von|el|ul)[- ]+)?"
    r"[A-Z][\w’'.-]*){0,4})"
)


def transcript_speaker(text: str, para_start: int, pos: int) -> tuple[int, int] | None:
    """``(start, end)`` of the speaker label of a transcript paragraph ("PENCE: ...", "Jake Tapper:
    ...") when the paragraph starts with one before ``pos``."""
    m = _TRANSCRIPT.match(text, para_start, min(pos + 1, para_start + 60))
    if m is None or m.end() > pos + 1:
        return None
    words = m.group(1).split()
    if not (m.group(1).isupper() and len(m.group(1)) > 2) and not all(
        w[:1].isupper() and w[1:2].islower() for w in words
    ):
        return None
    if words[0].lower() in _FUNCTION_WORDS | _HEADLINE_WORDS or words[0].upper() in _NOT_LABELS:
        return None
    return m.start(1), m.end(1)


def _transcript_entity(resolver: SpeakerResolver, run: str) -> Speaker | None:
    name = " ".join(w if not w.isupper() else w.capitalize() for w in run.split())
    ent = resolver.entity_for_name(name)
    if ent is not None:
        return ent
    words = name.split()
    if len(words) == 1 and words[0].lower() not in _NOT_PERSON:
        side = resolver.actors.side_of(name) if resolver.actors is not None else None
        return Speaker(name, "person", side)
    return None


def attribute_quote(
    site: QuoteSite,
    index: TextIndex,
    resolver: SpeakerResolver,
    actors: Actors | None,
    dynamic: list[tuple[int, Speaker]],
) -> Speaker | None:
    """The rules' speaker of the quote at ``site``, or None (module docstring).

    Looks only at the quote's sentence, the sentence before a colon, the next short sentence and
    the start of its paragraph: a bounded window, whatever the article's length.
    """
    text = index.text
    pos = site.open
    before = text[max(site.before_start, site.open - 400) : site.open]
    after = text[site.close + site.close_len : min(site.after_end, site.close + site.close_len + 400)]
    para_start = index.paragraphs[site.para][0] if index.paragraphs else 0

    def from_after(chunk: str, chunk_start: int) -> Speaker | None:
        m = _VERB_CS.search(chunk[:120])
        if not m:
            return None
        pre = chunk[: m.start()]
        if len(_words(pre)) > 8 or _FRAME_BREAK.search(pre):
            return None
        if m.group().lower().startswith("according") or not _words(pre):
            sub = _subject_after_verb(chunk[m.end() : m.end() + 200])
            if sub is None:
                return None
            kind, phrase = sub
            descriptor = ""
        else:
            sub = _subject_phrase(pre)
            if sub is None:
                return None
            kind, phrase = sub
            descriptor = _descriptor_of(pre[: max(0, pre.rfind(phrase))]) if kind == "name" else ""
        return _resolve(kind, phrase, descriptor, chunk_start, resolver, actors, dynamic)

    def from_before(chunk: str, chunk_start: int) -> Speaker | None:
        verbs = list(_VERB_CS.finditer(chunk))
        for m in reversed(verbs[-4:]):
            if m.group().lower().startswith("according"):
                sub = _subject_after_verb(chunk[m.end() : m.end() + 200])
                if sub is None:
                    continue
                kind, phrase = sub
                descriptor = ""
            else:
                pre = chunk[: m.start()]
                if not _words(pre):
                    sub = _subject_after_verb(chunk[m.end() : m.end() + 200])
                else:
                    sub = _subject_phrase(pre)
                if sub is None:
                    continue
                kind, phrase = sub
                idx = pre.rfind(phrase)
                descriptor = _descriptor_of(pre[:idx]) if kind == "name" and idx >= 0 else ""
            # pronouns and descriptions refer to what comes before the reporting verb
            at = min(pos, chunk_start + m.start())
            ent = _resolve(kind, phrase, descriptor, at, resolver, actors, dynamic)
            if ent is not None:
                return ent
        return None

    para_end = index.paragraphs[site.para][1] if index.paragraphs else len(text)

    def from_dash() -> Speaker | None:
        tail = text[site.close + site.close_len : min(para_end, site.close + site.close_len + 120)]
        m = _DASH_NAME.match(tail)
        rest = tail[m.end() :].strip(" .") if m else ""
        if m is None or (_words(rest) and not rest.startswith((",", "(", "—", "–"))):
            return None
        return resolver.entity_for_name(m.group("name")) or _transcript_entity(resolver, m.group("name"))

    if site.label is not None:  # "PENCE: Well, look..." inside the marks
        ent = _transcript_entity(resolver, text[site.label[0] : site.label[1]])
        if ent is not None:
            return ent
    label = transcript_speaker(text, para_start, pos)
    if label is not None and not _VERB_CS.search(text, label[1], pos):
        ent = _transcript_entity(resolver, text[label[0] : label[1]])
        if ent is not None:
            return ent
    m = _NAME_COLON.search(before)  # ... Bush: "The mission is to destroy ISIS."
    if m is not None and m.group("name").split()[0].upper() not in _NOT_LABELS:
        ent = resolver.entity_for_name(m.group("name")) or _transcript_entity(resolver, m.group("name"))
        if ent is not None:
            return ent
    order = (
        (lambda: from_before(before, site.open - len(before)), lambda: from_after(after, site.close))
        if site.fragment
        else (
            lambda: from_after(after, site.close),
            from_dash,
            lambda: from_before(before, site.open - len(before)),
        )
    )
    for attempt in order:
        ent = attempt()
        if ent is not None:
            return ent
    # a quote after a colon with no reporting verb: the sentence's subject ("Trump leaned in and
    # boomed: “...”", "As John Cornyn put it: “...”")
    if not site.fragment and (before.rstrip().endswith((":", ",")) or _VERB_CS.search(before)):
        s_start = index.sentence_span(site.open)[0]
        lead = text[s_start : min(site.open, s_start + 200)]
        m = _SENTENCE_SUBJECT.match(lead)
        if m is not None and m.end() < len(lead) and m.group("subject").split()[0].upper() not in _NOT_LABELS:
            subject = m.group("subject")
            if subject.lower() in ("he", "she", "they"):
                ent = resolver.recent(s_start + m.start("subject"), _PRONOUNS[subject.lower()], dynamic)
            else:
                ent = _resolve("name", subject, "", s_start, resolver, actors, dynamic)
            if ent is not None:
                return ent
    # neighbouring sentences: "X said:" before (in this paragraph, or ending the previous one when
    # the quote opens its paragraph), or a following "X said." with no quote in it
    sentences = index.sentences
    if not sentences:
        return None
    si = index.sentence_at(site.open)
    if si > 0:
        prev = sentences[si - 1]
        same_para = index.para_at(prev.start) == site.para
        opens_para = index.para_at(prev.start) == site.para - 1 and not _words(
            text[para_start : site.open][-400:]
        )
        if text[prev.end - 1 : prev.end] == ":" and (same_para or opens_para):
            ent = from_before(prev.text[-400:], prev.end - len(prev.text[-400:]))
            if ent is not None:
                return ent
        # "Massoud said in a statement on Monday.\n\n“We will...”": a paragraph of quotes after a
        # paragraph that ends by reporting someone's words without quoting them
        if opens_para and site.continued is False and len(prev.text) < 300 and not _ANY_MARK.search(
            prev.text
        ) and _REPORTS_END.search(prev.text):
            ent = from_before(prev.text, prev.start)
            if ent is not None:
                return ent
    sj = index.sentence_at(max(site.open, site.close - 1))
    if sj + 1 < len(sentences) and index.para_at(sentences[sj + 1].start) == index.para_at(site.close):
        nxt = sentences[sj + 1]
        if len(nxt.text) < 300 and not _ANY_MARK.search(nxt.text) and len(_words(nxt.text)) <= 12:
            ent = from_after(nxt.text, nxt.start)
            if ent is not None:
                return ent
    return None

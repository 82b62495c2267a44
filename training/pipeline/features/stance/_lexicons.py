"""Conflict-discourse cues: general lexicons and patterns of the language of conflict reporting.

The categories follow the stance conventions of the project guide (``GUIDE.md``, "What the labels
mean"): claims of victory or control, vows or calls to fight, calls to join, promises of peace,
safety or amnesty, derogatory labels, dismissal, accusations, blame for failed talks, and the
``none`` side: conciliatory offers, procedural remarks, condolences, hedged reports. The entries
are the common vocabulary of wire-service war reporting (any conflict, any side), written from
general knowledge of that register; none is taken from the seed article.

Matching is on lower-cased word tokens (:func:`find_cues`), one pass with dictionary lookups, so
that it costs a few microseconds per quote. A phrase is a sequence of token alternatives
(``"continue|keep * fight"``); ``*`` skips up to two tokens. Negation (``not``, ``never``,
``no longer``...) within three tokens before a cue, in the same clause, flips it: a negated
surrender word ("we will never surrender") is a vow, a negated fight word ("we will not fight")
is de-escalation, a negated accusation or label is dropped.

A vow needs commitment: a fight word counts as a vow only after a marker of resolve ("will",
"vow", "ready to", "continue", "keep") or before "until/to the end/on"; "we had to send our forces
to fight" reports, it does not vow.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["CATEGORIES", "Cue", "find_cues", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (``n't`` kept on its word: "won't", "don't")."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _forms(*verbs: str) -> str:
    """Regular inflections of each verb: ``kill`` -> ``kill|kills|killed|killing``."""
    out: list[str] = []
    for v in verbs:
        if v.endswith("e"):
            out += [v, v + "s", v + "d", v[:-1] + "ing"]
        elif v.endswith("y") and v[-2:-1] not in "aeiou":
            out += [v, v[:-1] + "ies", v[:-1] + "ied", v + "ing"]
        else:
            out += [v, v + "s", v + "ed", v + "ing"]
    return "|".join(out)


FIGHT = "fight|fighting|fights|resist|resisting|resistance|struggle|struggling|battle|battling|defend|defending|war|jihad"
SURRENDER = (
    "surrender|surrendering|surrendered|capitulate|capitulation|submit|yield|bow|kneel|retreat|"
    "give|lay|back"  # "give up", "lay down (our) arms", "back down": completed by the phrase below
)
NEGATORS = frozenset(
    "not no never nobody nothing neither nor cannot can't won't don't doesn't didn't isn't aren't "
    "wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't without n't".split()
)
COMMIT = frozenset(
    "will shall 'll vow vows vowed pledge pledged pledges swear swore sworn determined ready prepared "
    "continue continues continued continuing keep keeps kept must resolve resolved committed".split()
)
FIRST_PERSON = frozenset("we us our ours ourselves i me my".split())
THIRD_PLURAL = frozenset("they them their theirs themselves".split())
ENEMY_WORDS = frozenset("enemy enemies enemy's foe foes opponents adversary adversaries".split())
_CLAUSE = frozenset({"but", "while", "whereas", "although", "though", "however"})

# Phrases by category. Alternatives with "|", "*" skips up to two tokens.
LEXICON: dict[str, tuple[str, ...]] = {
    # claims of victory or control
    "victory": (
        "victory", "victorious", "triumph", "won", "win * war|battle|fight", "we have won", "defeated",
        _forms("capture"), _forms("seize"), "took|taken|take|gained|seized|regained|have * control",
        "under * control", "in * control", "full|complete|total control", _forms("liberate"),
        "conquered", "overran", "overrun", _forms("recapture"), "retook", "retaken", "fell|fallen to",
        "war is over", "fighting is over", "cleared * of", "pushed|drove|driven * back|out",
        "routed", "crushed", "encircled", "besieged", "surrendered to us", "laid down their arms",
        "gains", "advances", "advancing",
        "hold|holds|holding|control|controls|controlling * positions|ground|pass|passes|territory|valley|valleys|district|districts|city|area|areas|province|road|roads|mountains",
    ),
    # vows to fight on (fight words are vows only with commitment, see module docstring)
    "vow": (
        "fight|resist|defend|struggle|battle * until|till|to the end|last|death|finish",
        "fight|fighting|resist|resisting|struggle on", "fight back", "until * last|end|victory|death",
        "to the last|end|death", "last drop of blood", "last breath", "last bullet", "last man",
        "take up arms", "stand|stood * up to|against", "stand firm", "hold the line", "never bow",
        "resistance|fight|struggle|jihad|war will|shall|continues|goes",
    ),
    # calls to join or rise
    "join": (
        "join * us|resistance|fight|struggle|ranks|front|cause|movement", "rise up", "rise against",
        "call on|upon * to", "i|we call|urge|appeal * people|afghans|everyone|all|youth|citizens|nation|country|men",
        "take * arms", "mobilize|mobilise|mobilized|mobilised", "enlist", "volunteers",
    ),
    # promises of peace, safety, amnesty; praise of one's own rule; claims of popular support
    "promise": (
        "amnesty", "forgiven", "forgive", "no revenge", "no retaliation", "will be safe",
        "guarantee|guaranteed|guarantees|ensure|ensured|ensures * safety|security|rights|peace",
        "bring|brought|restore|restored * peace|security|stability|order", "will be protected",
        "will be respected", "rights will", "nobody|no one will be harmed", "protect * people|citizens|women|rights",
        "people support|supports|welcomed|welcome us", "support of the people", "popular support",
        "people are happy", "people are with us", "security has been|is|was * restored|ensured|established",
    ),
    # derogatory labels
    "derogatory": (
        "terrorist", "terrorists", "terrorism", "terror group", "extremists", "extremist", "occupiers", "occupier",
        "occupation", "invaders", "invader", "mercenaries", "mercenary", "puppet", "puppets", "proxy", "proxies",
        "traitor", "traitors", "thugs", "criminals", "murderers", "killers", "bandits", "warlords", "savages",
        "barbaric", "barbarians", "illegitimate", "propagandists", "outsiders", "foreign agents", "slaves",
        "enemy|enemies of", "cowards", "cowardly", "brutal", "terrorist group", "death squads", "gangs",
        "rebels", "troublemakers", "mischief makers", "spoilers", "criminal", "fascist", "tyrant", "tyranny",
        "dictatorship", "oppressors", "oppressive",
    ),
    # dismissal
    "dismissal": (
        "baseless", "rumours", "rumors", "rumour", "rumor", "propaganda", "lies", "lie", "false", "fake",
        "nonsense", "not true", "untrue", "exaggerated", "fabricated", "handful", "insignificant",
        "no threat", "no resistance", "no longer exists", "does not exist", "doomed", "finished",
        "fled", "have fled", "has fled", "on the run", "collapsed", "pointless", "no chance", "no one|nobody supports",
        "irrelevant", "desperate", "claims * false|baseless|untrue",
    ),
    # accusations (killings, abuses, foreign backing, broken promises, lies)
    "accusation": (
        _forms("kill"), "killings", "murder|murdered|murders|murdering", _forms("massacre"), _forms("execute"), "executions",
        _forms("torture"), _forms("attack"), _forms("bomb"), _forms("shell"), _forms("loot"), "burned|burnt|burning",
        _forms("destroy"), _forms("abduct"), "beat|beaten|beating", "atrocities", "atrocity", "war crimes", "crimes",
        "abuses", "abuse", "violations", _forms("violate"), "broke * promise|promises|agreement|word",
        "backed|supported|funded|armed|sponsored * by", "foreign backing", "foreign support", _forms("interfere"),
        "interference", _forms("betray"), "betrayal", "lied", "responsible for", "blame|blamed|blames",
        _forms("sabotage"), "started * war|attack|attacks|fighting", "have not changed", "has not changed",
        "showed|shown|show * true face|colours|colors|nature", _forms("persecute"), "blockade", _forms("starve"),
        "cut off", "genocide", "ethnic cleansing", "revenge killings", "reprisals", "oppression", _forms("oppress"),
        "forced * out|from", "displaced", "targeted", "targeting", "hostages", "cruelty", "violence",
        # a moral attribute denied: "they have no respect for", "no mercy", "no shame"
        "no respect|regard|mercy|belief|faith|legitimacy|honour|honor|humanity|shame|mandate|morals|values|conscience|decency",
        "do|does|did not respect|recognise|recognize|honour|honor|keep",
        "don't|doesn't|didn't respect|recognise|recognize|honour|honor|keep",
    ),
    # blame for failed talks
    "blame_talks": (
        "rejected|refused|rejecting|refusing|rejects|refuses|ignored|ignores|sabotaged|walked * talks|negotiations|peace|offer|offers|dialogue|ceasefire|deal|proposal|agreement",
        "refused|refuses|refusing * to negotiate|to talk|to surrender|to accept",
        "failed|fail|fails * to negotiate|to agree|to accept|to respond|talks",
        "did not accept|agree|respond", "not interested in * peace|talks",
    ),
    # conciliatory: talks, ceasefire, reconciliation, brotherhood
    "conciliatory": (
        "talks", "negotiate", "negotiating", "negotiation", "negotiations", "dialogue", "ceasefire", "cease fire",
        "truce", "peace talks", "peace process", "peace deal", "peaceful", "peacefully", "reconcile", "reconciliation",
        "political solution", "settlement", "mediation", "mediate", "compromise", "our brothers", "brothers",
        "ready to talk", "open to", "welcome * proposal|offer|initiative|talks|mediation", "invite|invited|invites|inviting",
        "solve * problem|issue|dispute", "through talks", "understanding", "agreement", "cooperate", "cooperation",
        "work together", "inclusive", "unity", "end the war", "end the fighting", "stop the war",
    ),
    # procedural remarks
    "procedural": (
        "announce", "announced", "will announce", "announcement", "meeting", "meetings", "will be held", "held",
        "press conference", "schedule", "scheduled", "delegation", "committee", "commission", "cabinet", "appointed",
        "appoint", "coming days", "next week", "in the coming", "process", "discuss",
        "discussed", "discussing", "working on", "statement", "officials", "flights", "evacuation", "evacuate",
        "airport", "visit", "visited", "received", "reviewed", "consultations", "formed", "formation",
        "new government", "details", "schedule", "agenda", "documents", "registration", "procedure",
    ),
    # condolences and mourning
    "condolence": (
        "condolences", "condolence", "mourn", "mourned", "mourning", "grief", "sympathy", "sympathies", "prayers",
        "pray", "rest in peace", "martyr", "martyrs", "martyrdom", "funeral", "saddened", "tragic", "loss of",
    ),
    # hedged reports
    "hedge": (
        "reportedly", "allegedly", "unclear", "not clear", "unconfirmed", "could not * confirm|verify|confirmed|verified", "cannot|can't * confirm|verify|confirmed|verified",
        "we do not|don't know", "too early", "it is possible", "may have", "might have", "it seems", "apparently",
        "according to", "reports of", "reports that",
    ),
}

CATEGORIES: tuple[str, ...] = tuple(LEXICON)
"""The cue categories, in column order of :func:`find_cues`' counts."""


class Cue(NamedTuple):
    """One matched cue: category, first and last token index, negated, the phrase matched."""

    category: str
    start: int
    end: int
    negated: bool
    phrase: str


def _compile() -> dict[str, list[tuple[str, tuple[frozenset[str] | None, ...], str]]]:
    """First-token -> [(category, step alternatives (None = skip up to 2), source phrase)]."""
    index: dict[str, list[tuple[str, tuple[frozenset[str] | None, ...], str]]] = {}
    for cat, phrases in LEXICON.items():
        for phrase in phrases:
            steps = tuple(None if part == "*" else frozenset(part.split("|")) for part in phrase.split())
            if steps[0] is None or steps[-1] is None:
                raise ValueError(f"lexicon phrase {phrase!r} of {cat!r} starts or ends with '*'")
            for first in steps[0]:
                index.setdefault(first, []).append((cat, steps, phrase))
    return index


_INDEX = _compile()


def _match(toks: Sequence[str], i: int, steps: tuple[frozenset[str] | None, ...]) -> int:
    """End index (exclusive) of ``steps`` matched at ``toks[i]``, or -1."""
    j = i
    k = 0
    while k < len(steps):
        step = steps[k]
        if step is None:  # skip up to two tokens before the next step
            nxt = steps[k + 1] if k + 1 < len(steps) else None
            if nxt is None:
                return -1
            for skip in (0, 1, 2):
                if j + skip < len(toks) and toks[j + skip] in nxt:
                    j += skip + 1
                    break
            else:
                return -1
            k += 2
            continue
        if j >= len(toks) or toks[j] not in step:
            return -1
        j += 1
        k += 1
    return j


def _negated(toks: Sequence[str], i: int, clause_start: int) -> bool:
    lo = max(clause_start, i - 3)
    for t in toks[lo:i]:
        if t in NEGATORS or t.endswith("n't"):
            return True
    return lo > 0 and toks[lo - 1] == "no" and toks[lo] == "longer"  # "no longer" just out of reach


def _committed(toks: Sequence[str], i: int, end: int, clause_start: int) -> bool:
    before = toks[max(clause_start, i - 4):i]
    if any(t in COMMIT or t.endswith("'ll") for t in before) or "going" in before:
        return True
    after = toks[end:end + 4]
    return bool(after) and (after[0] in ("on", "until", "till") or after[:2] == ["to", "the"])


def find_cues(toks: Sequence[str], clause_marks: Iterable[int] = (), clause_words: bool = True) -> list[Cue]:
    """All cues in ``toks`` (lower-cased tokens, :func:`tokenize`), with negation resolved.

    Parameters
    ----------
    toks : sequence of str
    clause_marks : iterable of int
        Token indices where a clause starts (after punctuation).
    clause_words : bool, default True
        Clause words ("but", "while") start a clause too (False: ``clause_marks`` has them).

    Returns
    -------
    list of Cue
        Surrender words under negation become ``vow``; fight words under negation become
        ``deescalate``; fight words with commitment (see module docstring) become ``vow``.
    """
    hits = [i for i, t in enumerate(toks) if t in _ANY]
    if not hits:
        return []
    starts = sorted(set(clause_marks) | ({i for i, t in enumerate(toks) if t in _CLAUSE} if clause_words else set()))
    out: list[Cue] = []
    n = len(toks)
    for i in hits:
        t = toks[i]
        k = bisect_right(starts, i)
        clause = starts[k - 1] if k else 0
        # fight and surrender words first: their meaning depends on negation and commitment
        if t in _FIGHT_SET:
            neg = _negated(toks, i, clause) or any(w in _STOP for w in toks[max(clause, i - 3):i])
            if neg:
                out.append(Cue("deescalate", i, i + 1, False, t))
            elif _committed(toks, i, i + 1, clause):
                out.append(Cue("vow", i, i + 1, False, t))
        elif t in _SURRENDER_SET and _surrender_phrase(toks, i):
            if _negated(toks, i, clause):  # "we will never surrender": a vow
                out.append(Cue("vow", i, i + 1, False, t))
            elif not any(w in FIRST_PERSON for w in toks[clause:i]):
                out.append(Cue("victory", i, i + 1, False, t))  # "hundreds of their fighters surrendered"
        for cat, steps, phrase in _INDEX.get(t, ()):
            second = steps[1] if len(steps) > 1 else None
            if second is not None and (i + 1 >= n or toks[i + 1] not in second):
                continue
            end = _match(toks, i, steps) if len(steps) > 1 else i + 1
            if end < 0:
                continue
            if cat == "victory" and i and toks[i - 1] in _PASSIVE and any(w in FIRST_PERSON for w in toks[clause:i]):
                continue  # "we have been defeated", "our posts were captured": a loss, not a claim
            out.append(Cue(cat, i, end, _negated(toks, i, clause), phrase))
    return out


_FIGHT_SET = frozenset(FIGHT.split("|"))
_PASSIVE = frozenset("been was were being got is are".split())
_STOP = frozenset("end ending ended stop stopping halt avoid prevent".split())
_SURRENDER_SET = frozenset(SURRENDER.split("|"))
_ANY = frozenset(_INDEX) | _FIGHT_SET | _SURRENDER_SET


def _surrender_phrase(toks: Sequence[str], i: int) -> bool:
    """``give up``, ``lay down (our) arms``, ``back down``; other surrender words stand alone."""
    t = toks[i]
    nxt = toks[i + 1 : i + 4]
    if t == "give":
        return bool(nxt) and nxt[0] == "up"
    if t == "lay":
        return bool(nxt) and nxt[0] == "down"
    if t == "back":
        return bool(nxt) and nxt[0] == "down"
    if t == "bow":
        return bool(nxt) and nxt[0] in ("down", "to", "before")
    return t not in ("yield",) or (bool(nxt) and nxt[0] in ("to",))

"""Stance LFs: items are (quote, target) pairs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .base import GatedRegex, LabellingFunction

__all__ = ["STANCE_LFS", "StanceItem", "stance_items"]


@dataclass(slots=True)
class StanceItem:
    """A quote toward one target.

    ``mentions_target`` says whether the quote names the target; when left None it is computed
    from ``target`` and ``aliases`` (whole words; acronyms case-sensitive).
    """

    text: str
    target: str
    speaker: str = ""
    side: str = ""
    aliases: tuple[str, ...] = ()
    mentions_target: bool | None = None
    lower: str = field(init=False)

    def __post_init__(self) -> None:
        self.lower = self.text.lower()
        if self.mentions_target is None:
            names = [self.target, *self.aliases]
            self.mentions_target = any(_mention_rx(a).search(self.text) for a in names if a)


_MENTION_CACHE: dict[str, re.Pattern[str]] = {}


def _mention_rx(alias: str) -> re.Pattern[str]:
    rx = _MENTION_CACHE.get(alias)
    if rx is None:
        # Acronyms (NRF) match case-sensitively, other names case-insensitively.
        flags = 0 if alias.isupper() else re.IGNORECASE
        rx = re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", flags)
        _MENTION_CACHE[alias] = rx
    return rx


_FIGHT_ON = GatedRegex(
    r"\b(continue (our|the|to) (fight|struggle|resist\w*|battle)|keep (on )?(fighting|resisting|standing)"
    r"|will (fight|resist|defend|never surrender|not surrender|not give up|never give up)|fight (on|back|until|to the)"
    r"|never (surrender|give up|bow)|not (surrender|give up)|resolve|firmness|stand (up|firm|in defen[cs]e)"
    r"|until the (very )?last|to the (last|end)|resistance (will|continues)|defend (our|the)|our fight)\b",
    "cont|keep|will|figh|neve|not|reso|firm|stan|unti|last|end|resi|defe",
)
_VICTORY = GatedRegex(
    r"\b(victory|victorious|won(?!['’]t)|win|captured?|seized?|took control|taken control|in control|under (our|the) control"
    r"|liberated|conquered|defeated|cleared|fallen|fell to|triumph|complete control)\b",
    "vict|won|win|capt|seiz|took|take|cont|libe|conq|defe|clea|fall|fell|triu",
)
_JOIN_CALL = GatedRegex(
    r"\b(join (us|our|the)|rise up|take up arms|call on (all|every)|i call on|urge (all|every))\b",
    "join|rise|take|call|urge",
)
_HOSTILE = GatedRegex(
    r"\b(terroris[tm]s?|propaganda|propagandists?|occupiers?|occupation|invaders?|enemy|enemies|outsiders?|puppets?"
    r"|mercenar(y|ies)|brutal(ity)?|atrocit(y|ies)|massacres?|crimes?|criminals?|killings?|killed|killing|murder(ed|s)?"
    r"|attack(ing|ed|s)?|no belief|barbaric|illegitimate|traitors?|betray(al|ed)?|rebels?|insurgents?"
    r"|foreign[- ]backed|backed by)\b",
    "terr|prop|occu|inva|enem|outs|pupp|merc|brut|atro|mass|crim|kill|murd|atta|beli|barb|ille|trai|betr|rebe|insu|fore|back",
)
_ACCUSE = GatedRegex(
    r"\b(rejected|refused|failed|blame|betrayed|lied|lies|violated|broke (their|the) promise|started attacking"
    r"|attacked|responsible for|accuse[sd]?|showed their (identity|true)|no belief)\b",
    "reje|refu|fail|blam|betr|lied|lies|viol|brok|atta|resp|accu|show|beli",
)
_CONCILIATORY = GatedRegex(
    r"\b(talks|negotiat(e|ion|ions)|ceasefire|cease-fire|dialogue|peace(ful)?|amnesty|forgive|reconcil\w*"
    r"|condolences?|mourn\w*|invite[ds]?|welcome|cooperat\w*|expertise|work together|inclusive|need their)\b",
    "talk|nego|ceas|dial|peac|amne|forg|reco|cond|mour|invi|welc|coop|expe|toge|incl|need",
)
_PROMISE_GOOD = GatedRegex(
    r"\b(peace|security|safety|safe|amnesty|stability|forgive|protect|rights will be)\b",
    "peac|secu|safe|safe|amne|stab|forg|prot|righ",
)
_HEDGE = GatedRegex(
    r"\b(reportedly|allegedly|it is (unclear|not clear)|we (do not|don't) know|not confirmed|unconfirmed)\b",
    "repo|alle|uncl|clea|know|conf|unco",
)


def _own(s: StanceItem) -> bool:
    return bool(s.side) and s.side == s.target


def _other(s: StanceItem) -> bool:
    return bool(s.side) and s.side != s.target


_ST: list[tuple[str, str, Callable[[StanceItem], bool], str]] = [
    (
        "own_side_fights_on",
        "favor",
        lambda s: _own(s) and bool(_FIGHT_ON.hit(s) or _JOIN_CALL.hit(s)) and not _HOSTILE.hit(s),
        "speaker on the target's side vows to fight on / calls to join",
    ),
    (
        "own_side_victory",
        "favor",
        lambda s: _own(s) and bool(_VICTORY.hit(s)),
        "speaker on the target's side claims victory or control",
    ),
    (
        "own_side_promise",
        "favor",
        lambda s: _own(s) and bool(_PROMISE_GOOD.hit(s)) and not _ACCUSE.hit(s),
        "speaker on the target's side promises peace, safety, amnesty",
    ),
    (
        "target_hostile_words",
        "against",
        lambda s: s.mentions_target and bool(_HOSTILE.hit(s)),
        "target named with hostile words (terrorist, propaganda, occupiers, killing, attacking...)",
    ),
    (
        "opponent_fight_vow",
        "against",
        lambda s: _other(s) and bool(_FIGHT_ON.hit(s) or _JOIN_CALL.hit(s)),
        "speaker of another side vows to fight (the target)",
    ),
    (
        "opponent_accuses",
        "against",
        lambda s: _other(s) and bool(_ACCUSE.hit(s) or _HOSTILE.hit(s)),
        "speaker of another side accuses or uses hostile words",
    ),
    (
        "conciliatory",
        "none",
        lambda s: (
            bool(_CONCILIATORY.hit(s))
            and not _ACCUSE.hit(s)
            and not _HOSTILE.hit(s)
            and not _FIGHT_ON.hit(s)
            and not (_own(s) and _PROMISE_GOOD.hit(s))
        ),
        "conciliatory or procedural: talks, ceasefire, condolences, invitations",
    ),
    (
        "own_side_no_claim",
        "none",
        lambda s: (
            _own(s)
            and not (
                _FIGHT_ON.hit(s) or _VICTORY.hit(s) or _JOIN_CALL.hit(s) or _PROMISE_GOOD.hit(s)
            )
        ),
        "speaker on the target's side without a claim about it",
    ),
    (
        "other_side_not_about_target",
        "none",
        lambda s: (
            _other(s)
            and not s.mentions_target
            and not (_HOSTILE.hit(s) or _ACCUSE.hit(s) or _FIGHT_ON.hit(s))
        ),
        "speaker of another side, target not named, no hostility",
    ),
    (
        "no_side_no_mention",
        "none",
        lambda s: not s.side and not s.mentions_target,
        "unknown speaker side and the target is not named",
    ),
    ("hedged", "none", lambda s: bool(_HEDGE.hit(s)), "hedged factual report"),
]

STANCE_LFS: list[LabellingFunction] = [
    LabellingFunction(name, "stance", label, fn, doc) for name, label, fn, doc in _ST
]


def stance_items(quotes: Iterable[Any], actors: Any) -> list[tuple[Any, StanceItem]]:
    """(quote, item) for every quote and every actor key of ``actors`` (an ``Actors``) as target."""
    out = []
    for q in quotes:
        for actor in actors:
            rx = actor.mention_re
            out.append(
                (
                    q,
                    StanceItem(
                        text=q.text,
                        target=actor.key,
                        speaker=q.speaker or "",
                        side=q.side or "",
                        mentions_target=bool(rx is not None and rx.search(q.text)),
                    ),
                )
            )
    return out

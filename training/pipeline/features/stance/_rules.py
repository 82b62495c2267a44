"""Rule cues of quotes: negation words, a first-person vow to keep fighting, a denied positive attribute."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_TOKEN = re.compile(r"\w+(?:[’']\w+)?|[^\w\s]")
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|i|my)\b", re.IGNORECASE)
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor cannot can't won't don't doesn't didn't isn't "
    "aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't without n't "
    "can’t won’t don’t doesn’t didn’t isn’t aren’t wasn’t weren’t hasn’t haven’t".split()
)

# A first-person vow to keep fighting ("continue our fight", "fight on", "until the last",
# "never surrender", "our resolve"): the guide's "favor <own side>" / "against <other side>" cue.
_VOW = re.compile(
    r"\b(?:continu\w*|keep|carry on)\b[^.;]{0,30}?\b(?:fight\w*|struggle|resist\w*|defen[cs]\w*)"
    r"|\b(?:fight|fighting|resist|resisting|struggle)\s+on\b"
    r"|\b(?:fight|resist|defend|struggle)\w*\b[^.;]{0,25}?\b(?:to|until|till)\s+the\s+(?:last|end|death|final)\b"
    r"|\buntil\s+the\s+(?:last|final)\b"
    r"|\b(?:never|not|won[’']t|will\s+not)\s+(?:\w+\s+)?(?:surrender|give\s+up|bow|submit|yield|back\s+down)\b"
    r"|\b(?:our|my)\s+(?:\w+\s+)?(?:resolve|determination|firmness|steadfastness)\b"
    r"|\b(?:we|i)\s+(?:will|shall|are\s+ready\s+to|vow\s+to)\s+(?:\w+\s+)?(?:fight|resist|defend)\b"
    r"|\bstand\s+(?:firm|in\s+defen[cs]e)\b",
    re.IGNORECASE,
)
# A negated positive attribute ("no belief in", "no respect for", "not legitimate", "lack of
# legitimacy"): the attribute is denied to whoever the clause is about.
_NEG_WORDS = frozenset({"no", "not", "never", "without", "lack", "lacks", "lacked", "lacking", "n't", "nor"}) | NEGATIONS
_ATTRIBUTES = frozenset(
    "belief beliefs faith respect regard legitimacy legitimate credibility credible honour honor "
    "honesty honest sincere sincerity mercy morality moral morals humanity humane values principles "
    "commitment trust trustworthy mandate right rights conscience dignity decency shame loyalty "
    "legal lawful valid".split()
)
_CLAUSE_END = frozenset(".;:!?,")


def vow_cue(text: str) -> bool:
    """A first-person vow to keep fighting (see ``_VOW``)."""
    return _FIRST_PERSON.search(text) is not None and _VOW.search(text) is not None


def negated_attribute_cue(text: str, positive: Mapping[str, float] | None = None, scope: int = 3) -> bool:
    """A negation followed, within ``scope`` words of the same clause, by a positive attribute
    (``_ATTRIBUTES``, or a lexicon word with valence >= 0.4 when ``positive`` is given)."""
    return _negated_attribute(_TOKEN.findall(text.lower()), positive, scope)


def _negated_attribute(toks: Sequence[str], positive: Mapping[str, float] | None = None, scope: int = 3) -> bool:
    left = 0
    for t in toks:
        if t in _CLAUSE_END:
            left = 0
            continue
        if t in _NEG_WORDS or t.endswith("n't") or t.endswith("n’t"):
            left = scope
            continue
        if left > 0:
            if t in _ATTRIBUTES or (positive is not None and positive.get(t, 0.0) >= 0.4):
                return True
            left -= 1
    return False

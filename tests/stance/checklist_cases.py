"""Behavioural cases for the stance model in the style of CheckList (Ribeiro et al., ACL 2020).

Minimal pairs written for this suite in the register of wire-service conflict reporting (none is
taken from the seed article or the corpora). Speakers are invented names; their ``side`` is given
as the attribution step would give it (``taliban``, ``nrf``, ``other`` for a speaker tied to
neither side, ``""`` unknown). Labels follow the project guide (in doubt, none).

Each test type yields cases; a case is a list of (row, expected stance) checks that must all hold.

``side_swap``   the same claim or vow by a speaker of either side: the stance toward the
                speaker's own side follows the side (favor), never the quote's words alone.
``negate_vow``  a vow to fight (favor own side) and its negation (none toward both).
``we_they``     an accusation or dismissal aimed at "they" (against the other side) and the same
                words turned on "we" (not against the other side any more).
``name_swap``   a speaker of neither side names one actor: the stance goes to the named actor,
                and moves when the name is replaced by the other actor's.
``procedural``  procedural, conciliatory or condolence remarks: none toward both, any side.
``no_target``   quotes that name no actor: a stance only when the speaker's side implies it.
``speaker_inv`` invariance: another speaker of the same side (another invented name) gets the same
                stance for the same quote (the prediction under the first name is the expectation).
"""

from __future__ import annotations

TARGETS = ("taliban", "nrf")
OTHER = {"taliban": "nrf", "nrf": "taliban"}
SPEAKER = {"taliban": "Qari Abdul Wahid", "nrf": "Dawood Rahimi", "other": "Marta Keller", "": ""}


def row(text: str, side: str, target: str) -> dict:
    """A stance input row for ``text`` said by the invented speaker of ``side`` about ``target``."""
    return {"text": text, "target": target, "speaker": SPEAKER[side], "side": side, "group": "checklist"}


# --------------------------------------------------------------------------- side_swap

SIDE_SWAP = [
    "We will keep fighting until every valley is free.",
    "Our fighters will never lay down their arms.",
    "We have taken full control of the provincial capital.",
    "Our forces captured the district headquarters this morning.",
    "We will defend our homeland to the last breath.",
    "Every district in the province is now under our control.",
    "We call on all young men to join our ranks.",
    "We will not surrender, whatever the cost.",
    "Our men have pushed back the attackers and retaken the pass.",
    "No one who lays down their weapons will be harmed; a general amnesty has been declared.",
    "The fight will go on until we win.",
    "We are ready to fight for every village in this country.",
]


def side_swap_cases() -> list[list[tuple[dict, str]]]:
    return [[(row(text, side, side), "favor") for side in TARGETS] for text in SIDE_SWAP]


# --------------------------------------------------------------------------- negate_vow

NEGATE_VOW = [
    ("We will continue to fight.", "We will not continue to fight."),
    ("We will fight on until victory.", "We will no longer fight."),
    ("Our men will resist to the end.", "Our men will not resist any more."),
    ("We will never surrender.", "We will surrender."),
    ("We are ready to fight for every village.", "We are not ready to fight for every village."),
    ("We will keep up the struggle.", "We will stop the struggle."),
    ("Our commanders vowed to keep fighting.", "Our commanders vowed to end the fighting."),
    ("We will never give up our weapons.", "We will give up our weapons."),
]


def negate_vow_cases() -> list[list[tuple[dict, str]]]:
    cases = []
    for vow, negated in NEGATE_VOW:
        for side in TARGETS:
            cases.append([
                (row(vow, side, side), "favor"),
                (row(negated, side, side), "none"),
                (row(negated, side, OTHER[side]), "none"),
            ])
    return cases


# --------------------------------------------------------------------------- we_they

WE_THEY = [
    ("They have killed dozens of civilians in the valley.", "We have killed dozens of civilians in the valley."),
    ("They rejected every offer of talks.", "We rejected every offer of talks."),
    ("They have been defeated and have fled into the mountains.", "We have been defeated and have fled into the mountains."),
    ("They are spreading lies about the fighting.", "We are spreading lies about the fighting."),
    ("They broke the ceasefire and shelled the villages.", "We broke the ceasefire and shelled the villages."),
    ("They have no respect for the lives of ordinary people.", "We have no respect for the lives of ordinary people."),
]


def we_they_cases() -> list[list[tuple[dict, str]]]:
    cases = []
    for they, we in WE_THEY:
        for side in TARGETS:
            other = OTHER[side]
            case = [(row(they, side, other), "against"), (row(we, side, other), "!against")]
            case += [(row(t, side, side), "!against") for t in (they, we)]
            cases.append(case)
    return cases


# --------------------------------------------------------------------------- name_swap

NAME_SWAP = [
    ("The {a} are terrorists who have murdered innocent people.", "against"),
    ("{A} fighters executed prisoners in the valley.", "against"),
    ("The {a} brutally killed unarmed villagers.", "against"),
    ("The {a} have looted homes and burned shops in the district.", "against"),
    ("The {a} have committed war crimes.", "against"),
    ("Nobody trusts the {a}; they lied to the people.", "against"),
    ("The {a} claims of victory are propaganda.", "against"),
    ("The {a} have brought security and order to the roads.", "favor"),
]
NAMES = {"taliban": ("Taliban", "Taliban"), "nrf": ("NRF", "NRF")}


def name_swap_cases() -> list[list[tuple[dict, str]]]:
    cases = []
    for template, label in NAME_SWAP:
        for speaker_side in ("other", ""):
            case = []
            for named in TARGETS:
                a, big = NAMES[named]
                text = template.format(a=a, A=big)
                case += [(row(text, speaker_side, named), label), (row(text, speaker_side, OTHER[named]), "none")]
            cases.append(case)
    return cases


# --------------------------------------------------------------------------- procedural

PROCEDURAL = [
    "The delegation will meet on Tuesday to discuss the schedule.",
    "The new cabinet will be announced in the coming days.",
    "Flights from the airport will resume next week.",
    "The committee has received the documents and is reviewing them.",
    "A statement will be issued after the meeting.",
    "We are ready to hold talks with all sides.",
    "We offer our condolences to the families of the victims.",
    "The elders asked both sides to agree to a ceasefire so that food can reach the valley.",
    "Registration for the aid distribution starts on Monday.",
    "We welcome the proposal for talks and will study it.",
]


def procedural_cases() -> list[list[tuple[dict, str]]]:
    return [[(row(text, side, target), "none") for target in TARGETS] for text in PROCEDURAL
            for side in ("taliban", "nrf", "other", "")]


# --------------------------------------------------------------------------- no_target

NO_TARGET = [
    ("We will fight until the last drop of blood.", {"nrf": ("favor", "against"), "taliban": ("favor", "against")}),
    ("Our fighters hold every pass in the mountains.", {"nrf": ("favor", "none"), "taliban": ("favor", "none")}),
    ("We will never bow to pressure, we will keep resisting.", {"nrf": ("favor", "against"), "taliban": ("favor", "against")}),
    ("The price of flour has doubled in the market.", {"nrf": ("none", "none"), "taliban": ("none", "none")}),
    ("The roads are closed because of the snow.", {"nrf": ("none", "none"), "taliban": ("none", "none")}),
    ("Many families have left their homes and need shelter.", {"nrf": ("none", "none"), "taliban": ("none", "none")}),
]


def no_target_cases() -> list[list[tuple[dict, str]]]:
    """Each quote by a speaker of either side (own, other expected) and by speakers of neither
    side or unknown side (none toward both)."""
    cases = []
    for text, by_side in NO_TARGET:
        case = []
        for side, (own, other) in by_side.items():
            case += [(row(text, side, side), own), (row(text, side, OTHER[side]), other)]
        case += [(row(text, side, target), "none") for side in ("other", "") for target in TARGETS]
        cases.append(case)
    return cases


# --------------------------------------------------------------------------- speaker_inv

OTHER_NAMES = {"taliban": "Mawlawi Habib Noori", "nrf": "Farid Amiri", "other": "Jonas Berg"}


def speaker_inv_cases() -> list[list[tuple[dict, str]]]:
    """Pairs (quote by SPEAKER[side], same quote by OTHER_NAMES[side]); the expectation of the
    second is ``=<first>`` (resolved by :func:`run_checklist` against the first's prediction)."""
    texts = SIDE_SWAP[:2] + [WE_THEY[0][0], PROCEDURAL[0], NAME_SWAP[0][0].format(a="Taliban", A="Taliban")]
    cases = []
    for text in texts:
        for side in ("taliban", "nrf", "other"):
            for target in TARGETS:
                first = row(text, side, target)
                second = dict(first, speaker=OTHER_NAMES[side])
                cases.append([(first, "*"), (second, "=")])
    return cases


TEST_TYPES = {
    "side_swap": side_swap_cases,
    "negate_vow": negate_vow_cases,
    "we_they": we_they_cases,
    "name_swap": name_swap_cases,
    "procedural": procedural_cases,
    "no_target": no_target_cases,
    "speaker_inv": speaker_inv_cases,
}


def holds(expected: str, predicted: str, previous: str = "") -> bool:
    """``expected`` is a label, ``!label`` (anything but that label), ``*`` (anything) or ``=``
    (the same as the previous check's prediction in the case)."""
    if expected == "*":
        return True
    if expected == "=":
        return predicted == previous
    return predicted != expected[1:] if expected.startswith("!") else predicted == expected


def run_checklist(predict) -> dict[str, dict]:
    """Pass rates per test type. ``predict(rows) -> labels``; a case passes when all its checks hold.

    Returns ``{type: {"passed", "total", "rate", "failures": [(text, side, target, expected, got)]}}``.
    """
    out: dict[str, dict] = {}
    for name, make in TEST_TYPES.items():
        cases = make()
        rows = [r for case in cases for r, _ in case]
        labels = list(predict(rows))
        k = 0
        passed = 0
        failures = []
        for case in cases:
            ok = True
            previous = ""
            for r, expected in case:
                got = str(labels[k])
                k += 1
                if not holds(expected, got, previous):
                    ok = False
                    failures.append((r["text"], r["side"], r["target"], expected + previous, got))
                previous = got
            passed += ok
        out[name] = {"passed": passed, "total": len(cases), "rate": passed / len(cases), "failures": failures}
    return out

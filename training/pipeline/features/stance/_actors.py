"""Actor aliases (from the actors file), free-name matching, speaker-side relation."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_ACTORS: dict[str, list[str]] = {  # kept for tests and old pickles; actors come from the actors file
    "taliban": ["Taliban", "Islamic Emirate", "Zabihullah Mujahid", "Mujahid", "the militant group",
                "the Islamist militia", "Taliban forces", "the Taliban"],
    "nrf": ["National Resistance Front", "NRF", "Ahmad Massoud", "Massoud", "Amrullah Saleh",
            "resistance forces", "the resistance"],
}
"""A small fixed actor map (tests, examples); models read the actors file (:func:`load_actor_aliases`)."""


# --------------------------------------------------------------------------- actors


def _aliases_of(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        names = list(value.get("aliases", []) or []) + list(value.get("members", []) or [])
        names += [m.split()[-1] for m in value.get("members", []) or [] if len(m.split()) > 1]
        for k in ("name", "label"):
            if value.get(k):
                names.append(value[k])
        return [str(n) for n in names]
    if hasattr(value, "aliases"):
        names = list(value.aliases or [])
        if getattr(value, "name", None):
            names.append(value.name)
        members = list(getattr(value, "members", None) or [])
        names.extend(members)
        names.extend(getattr(value, "surnames", {}) or [m.split()[-1] for m in members if len(m.split()) > 1])
        return [str(n) for n in names]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def load_actor_aliases(path: str | Path | None = None) -> dict[str, list[str]]:
    """Actor key -> names that mention it (aliases, members, members' surnames, display name),
    longest first, from :func:`newsclf.data.actors.load_actors` (the actors file; default the
    shipped one). The one place the stance featurizers read actors: a fitted featurizer keeps the
    result in ``actors_``, so a model carries its actors.

    Raises
    ------
    ConfigError
        When the actors file is missing or invalid (from ``load_actors``).
    """
    from newsclf.data.actors import load_actors

    actors = load_actors(path)
    out = {str(a.key).lower(): _aliases_of(a) for a in actors}
    return {k: sorted(set(v) | {k}, key=len, reverse=True) for k, v in out.items()}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


@lru_cache(maxsize=1024)
def _normalised(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({n.strip().lower() for n in names if n and n.strip()}, key=len, reverse=True))


@lru_cache(maxsize=4096)
def _find_names(text: str, names: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Case-insensitive whole-word occurrences of ``names`` (plus a possessive ``'s``), no regex.

    Plain ``str.find`` on the lower-cased text: free-name targets are mostly unique, so compiling
    a pattern per name would dominate prediction time. Cached: the marking and the parts of one
    row look up the same names in the same text.
    """
    low = text.lower()
    found: list[tuple[int, int]] = []
    for name in _normalised(names):
        if name not in low:
            continue
        start = low.find(name)
        while start >= 0:
            end = start + len(name)
            if (start == 0 or not _is_word_char(low[start - 1])) and (end == len(low) or not _is_word_char(low[end])):
                if low[end:end + 2] in ("'s", "’s") and (end + 2 == len(low) or not _is_word_char(low[end + 2])):
                    end += 2
                found.append((start, end))
            start = low.find(name, start + 1)
    return tuple(found)


def _free_name_variants(name: str) -> tuple[str, ...]:
    name = name.strip()
    if not name:
        return ()
    out = [name]
    words = name.split()
    if len(words) > 1 and len(words[-1]) > 3 and words[-1][:1].isupper():
        out.append(words[-1])
    return tuple(out)


def relation(side: str, target: str, actors: Mapping[str, Any]) -> str:
    """``"same"``, ``"other"`` or ``"unknown"``: the speaker's side versus the target actor."""
    side = (side or "").strip().lower()
    target = (target or "").strip().lower()
    if not side or side not in actors or target not in actors:
        return "unknown"
    return "same" if side == target else "other"


# --------------------------------------------------------------------------- side relation (4-way)

SIDE_RELATIONS = ("same", "opposing", "other", "unknown")
"""The speaker's relation to the target: on its side, on another actor's side, on no actor's side
(``side == "other"``, or a side that is not an actor), or not known (no side, or a target that is
not an actor)."""

OTHER_SIDE = "other"
"""Side value of a speaker tied to neither actor (set by the attribution step)."""


def side_relation(side: str, target: str, actors: Mapping[str, Any]) -> str:
    """One of :data:`SIDE_RELATIONS` for a speaker's ``side`` and a ``target``.

    >>> A = {"taliban": (), "nrf": ()}
    >>> [side_relation(s, "taliban", A) for s in ("taliban", "nrf", "other", "")]
    ['same', 'opposing', 'other', 'unknown']
    """
    side = (side or "").strip().lower()
    target = (target or "").strip().lower()
    if not side or target not in actors:
        return "unknown"
    if side == target:
        return "same"
    if side in actors:
        return "opposing"
    return "other"


def actor_names(target: str, actors: Mapping[str, Any]) -> tuple[str, ...]:
    """Names that mention ``target``: its aliases and members when it is an actor key, otherwise
    the free name and its surname ("Ahmad Massoud" -> "Massoud")."""
    key = (target or "").strip().lower()
    if key in actors:
        names = actors[key]
        return names if isinstance(names, tuple) else tuple(names)
    return _free_name_variants(target or "")


def find_mentions(text: str, names: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Character spans of whole-word, case-insensitive occurrences of ``names`` in ``text``
    ("anti-Taliban" and "pro-Taliban" are not mentions of the Taliban: ``-`` is a word character)."""
    return _find_names(text, names)

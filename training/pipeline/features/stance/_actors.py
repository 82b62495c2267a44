"""Actor aliases (from the actors file), free-name matching, speaker-side relation."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsclf.data.actors import Actors, load_actors

__all__ = ["actor_aliases", "load_actor_aliases", "relation"]

# --------------------------------------------------------------------------- actors


def actor_aliases(actors: Actors) -> dict[str, list[str]]:
    """Actor key -> every name that marks a mention of the actor: the key, the display name, the
    aliases, the members and the members' surnames; longest first (ties by name).

    This plain-data form is what a stance featurizer keeps (``actors_``) and what the trainer
    passes from the data config's ``actors`` file, so a fitted model never reads a file.
    """
    return {
        a.key: sorted({a.key, a.name, *a.aliases, *a.members, *a.surnames}, key=lambda n: (-len(n), n))
        for a in actors
    }


def load_actor_aliases(path: str | Path | None = None) -> dict[str, list[str]]:
    """:func:`actor_aliases` of an actors file (default: the shipped ``newsclf:configs/actors.yaml``,
    the default of the data config's ``actors`` key).

    Raises
    ------
    ConfigError
        When the file is missing or invalid (:func:`newsclf.data.actors.load_actors`).
    """
    return actor_aliases(load_actors(path))


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

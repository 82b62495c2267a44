"""Actors: stance targets and speaker sides, read from ``configs/actors.yaml``.

An actor has a key (``taliban``), a display name, aliases (names and descriptions of the group)
and members (people on its side). Users add actors by editing the YAML file; no code changes.

>>> actors = load_actors()  # doctest: +SKIP
>>> actors.side_of("Taliban spokesman Zabihullah Mujahid")  # doctest: +SKIP
'taliban'
>>> actors.side_of("Massoud")  # doctest: +SKIP
'nrf'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsclf import settings
from newsclf.errors import ConfigError
from newsclf.resources import resolve_path
from newsclf.safeyaml import load_mapping

__all__ = ["Actor", "Actors", "load_actors"]

_WORDS = re.compile(r"[\w’'-]+")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class _ActorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)

    @field_validator("aliases", "members")
    @classmethod
    def _non_empty(cls, values: list[str]) -> list[str]:
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise ValueError("entries must be non-empty strings")
        return [" ".join(v.split()) for v in values]


class _ActorsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actors: dict[str, _ActorSpec]
    media: list[str] = Field(default_factory=list)

    @field_validator("actors")
    @classmethod
    def _keys(cls, actors: dict[str, _ActorSpec]) -> dict[str, _ActorSpec]:
        if not actors:
            raise ValueError("at least one actor is needed")
        for key in actors:
            if not _KEY.match(key):
                raise ValueError(
                    f"actor key {key!r} must be lower case letters, digits or '_' (e.g. 'taliban')"
                )
        return actors


_HONORIFICS = frozenset("mullah mawlawi maulvi molvi qari haji hajji sheikh hafiz mr dr gen".split())


def _given(name: str) -> list[str]:
    """The words of a name without leading honorifics ("Mullah Abdul Ghani Baradar" -> 3 words)."""
    words = [w.lower().rstrip(".") for w in name.split()]
    while len(words) > 1 and words[0] in _HONORIFICS:
        words.pop(0)
    return words


def _same_person(a: str, b: str) -> bool:
    """Two spellings of one name: one's words contain the other's, or each word starts like the
    other's (transliterations: "Zabihullah" / "Zabiullah Mujahid", but not "Mohammad Hassan" /
    "Mohammad Abbas Akhund")."""
    wa, wb = _given(a), _given(b)
    if set(wa) <= set(wb) or set(wb) <= set(wa):
        return True
    return len(wa) == len(wb) and all(x[:3] == y[:3] for x, y in zip(wa, wb, strict=True))


def _norm(phrase: str) -> str:
    return " ".join(phrase.split()).lower()


def _trie_pattern(phrases: list[str], fold: bool = True) -> str:
    """A regex matching any of ``phrases`` (longest first), built as a character trie so that the
    regex engine tries one branch per character instead of every phrase at every position."""
    trie: dict = {}
    for p in phrases:
        node = trie
        for ch in " ".join(p.split()).lower() if fold else " ".join(p.split()):
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            c = r"\s+" if ch == " " else re.escape(ch)
            alts.append(c + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # whole words; "anti-Taliban"/"pro-Taliban" are not mentions of the Taliban
    return re.compile(
        rf"(?<![\w-])(?<!anti-)(?<!pro-)(?:{_trie_pattern(phrases)})(?![\w])", re.IGNORECASE
    )


@dataclass
class Actor:
    """One actor: key, display name, aliases, members and its compiled mention regex."""

    key: str
    name: str
    aliases: list[str]
    members: list[str]
    surnames: dict[str, str] = field(
        default_factory=dict
    )  # lower-cased surname -> full member name
    mention_re: re.Pattern[str] | None = None
    alias_re: re.Pattern[str] | None = None
    member_re: re.Pattern[str] | None = None


class Actors:
    """The actors of an actors file.

    Attributes
    ----------
    keys : list of str
        Actor keys in file order.
    media : list of str
        News outlets that are cited but never speakers.
    path : Path or None
        The file read.
    spec : dict
        The validated file as plain data (``{"actors": {key: {name, aliases, members}}, "media":
        [...]}``): what a dataset manifest and a run directory record.
    """

    def __init__(
        self, actors: list[Actor], media: list[str] | None = None, path: Path | None = None
    ):
        self._actors = {a.key: a for a in actors}
        self.keys = [a.key for a in actors]
        self.media = list(media or [])
        self.path = path
        self.spec: dict = {
            "actors": {a.key: {"name": a.name, "aliases": list(a.aliases), "members": list(a.members)}
                       for a in actors},
            "media": list(self.media),
        }
        self._media_re = _phrase_regex(self.media)
        self._media_lookup = {_norm(m) for m in self.media}
        self._alias_lookup: dict[str, str] = {}
        for a in actors:
            for phrase in (a.name, *a.aliases):
                self._alias_lookup.setdefault(_norm(phrase), a.key)
        self._member_cache: dict[str, tuple[str, str] | None] = {}
        # lower-case descriptions of actors ("the militant group"), found case-sensitively (fast)
        descriptions = [p for a in actors for p in a.aliases if p[:1].islower()]
        variants = [v for p in descriptions for v in (p, p[:1].upper() + p[1:])]
        self.description_re = (
            re.compile(rf"(?<![\w-])(?:{_trie_pattern(variants, fold=False)})(?![\w])")
            if variants
            else None
        )
        # a surname names one person when every member carrying it is a spelling of one name
        # ("Ali Nazary" / "Ali Maisam Nazary", "Zabihullah" / "Zabiullah Mujahid": the fullest,
        # first listed, is kept); shared by different people ("Anas Haqqani", "Khalil Haqqani") it
        # names no one alone, but still gives the side when they all belong to one actor
        carriers: dict[str, list[tuple[str, str]]] = {}
        for a in actors:
            for m in a.members:
                parts = m.split()
                if len(parts) > 1 and len(parts[-1]) >= 3:
                    carriers.setdefault(parts[-1].lower(), []).append((a.key, m))
        self._surnames: dict[str, tuple[str, str]] = {}
        self._surname_sides: dict[str, str] = {}
        for surname, hits in carriers.items():
            keys = {k for k, _ in hits}
            if len(keys) != 1:
                continue
            key = next(iter(keys))
            self._surname_sides[surname] = key
            names = [m for _, m in hits]
            fullest = max(names, key=lambda m: (len(_given(m)), -names.index(m)))
            if all(_same_person(m, fullest) for m in names):
                self._surnames[surname] = (key, fullest)

    @classmethod
    def from_dict(cls, data: dict, path: Path | None = None) -> Actors:
        where = str(path) if path else "actors"
        try:
            spec = _ActorsFile.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ConfigError(
                f"{where}: invalid actors file: {problems}. See configs/actors.yaml for the format."
            ) from None
        actors = []
        for key, s in spec.actors.items():
            surnames = {}
            for m in s.members:
                parts = m.split()
                if len(parts) > 1 and len(parts[-1]) >= 3:
                    surnames[parts[-1].lower()] = m
            actors.append(
                Actor(
                    key=key,
                    name=s.name,
                    aliases=list(s.aliases),
                    members=list(s.members),
                    surnames=surnames,
                    mention_re=_phrase_regex(
                        [
                            s.name,
                            *s.aliases,
                            *s.members,
                            *[
                                m.split()[-1]
                                for m in s.members
                                if m.split()[-1].lower() in surnames
                            ],
                        ]
                    ),
                    alias_re=_phrase_regex([s.name, *s.aliases]),
                    member_re=_phrase_regex(s.members),
                )
            )
        return cls(actors, media=spec.media, path=path)

    # ------------------------------------------------------------------ lookups

    def __contains__(self, key: object) -> bool:
        return key in self._actors

    def __iter__(self):
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, key: str) -> Actor:
        """The actor ``key``; ``KeyError`` naming the known keys otherwise."""
        try:
            return self._actors[key]
        except KeyError:
            raise KeyError(f"unknown actor {key!r}; known actors: {', '.join(self.keys)}") from None

    def name_of(self, key: str) -> str:
        """Display name of actor ``key``."""
        return self.get(key).name

    def find_descriptions(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, actor key)`` of every lower-case description of an actor ("the militant group")."""
        if self.description_re is None:
            return []
        out = []
        for m in self.description_re.finditer(text):
            key = self.alias_key(m.group())
            if key is not None:
                out.append((m.start(), m.end(), key))
        return out

    def alias_key(self, phrase: str) -> str | None:
        """The actor whose name or alias is exactly ``phrase`` (case-insensitive; a leading "the" is optional)."""
        low = _norm(phrase)
        return self._alias_lookup.get(low) or (
            self._alias_lookup.get(low[4:]) if low.startswith("the ") else None
        )

    def is_surname(self, word: str) -> bool:
        """Whether ``word`` (any case) is the unambiguous surname of a member."""
        return word.lower() in self._surnames

    def member(self, name: str) -> tuple[str, str] | None:
        """``(actor key, full member name)`` for a member's full name or unambiguous surname."""
        if not name:
            return None
        if name in self._member_cache:
            return self._member_cache[name]
        hit = self._member(name)
        if len(self._member_cache) < 10_000:
            self._member_cache[name] = hit
        return hit

    def _member(self, name: str) -> tuple[str, str] | None:
        for a in self._actors.values():
            if a.member_re is not None and (m := a.member_re.search(name)):
                return a.key, next(
                    x for x in a.members if x.lower() == " ".join(m.group(0).split()).lower()
                )
        words = _WORDS.findall(name)
        if words:
            hit = self._surnames.get(words[-1].lower())
            if hit:
                return hit
        return None

    def surname_side(self, name: str) -> str | None:
        """The actor whose members all carry the last word of ``name`` as surname ("Haqqani" ->
        ``taliban``), or None."""
        words = _WORDS.findall(name)
        return self._surname_sides.get(words[-1].lower()) if words else None

    def alias_side(self, phrase: str) -> str | None:
        """The actor whose name or alias occurs first in ``phrase`` (e.g. "the Islamist militia")."""
        best: tuple[int, str] | None = None
        for a in self._actors.values():
            if a.alias_re is not None and (m := a.alias_re.search(phrase)):
                if best is None or m.start() < best[0]:
                    best = (m.start(), a.key)
        return best[1] if best else None

    def side_of(self, speaker: str | None) -> str | None:
        """The actor key a speaker belongs to, or None.

        Members (full name, then unambiguous surname) win over aliases, so
        ``"Taliban spokesman Zabihullah Mujahid"`` and ``"Mujahid"`` are ``taliban``,
        ``"Massoud"`` is ``nrf`` and ``"the Islamist militia"`` is ``taliban``. Case-insensitive.
        """
        if not speaker or not speaker.strip():
            return None
        hit = self.member(speaker)
        if hit:
            return hit[0]
        side = self.alias_side(speaker)
        if side is None and len(speaker.split()) == 1:  # a lone surname: "Haqqani"
            side = self.surname_side(speaker)
        return side

    def is_media(self, phrase: str) -> bool:
        """Whether ``phrase`` names a news outlet from the ``media`` list."""
        low = _norm(phrase).rstrip(".,")
        return low in self._media_lookup or (
            low.startswith("the ") and low[4:] in self._media_lookup
        )

    def find_mentions(self, text: str, key: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every mention of actor ``key`` in ``text`` (aliases, members, surnames)."""
        rx = self.get(key).mention_re
        return [] if rx is None else [m.span() for m in rx.finditer(text)]


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Actors:
    p = Path(path)
    data, _ = load_mapping(p, "actors file", "actors, media; see newsclf:configs/actors.yaml")
    return Actors.from_dict(data, path=p)


def load_actors(path: str | Path | None = None) -> Actors:
    """Read and validate an actors file (default: the shipped ``newsclf:configs/actors.yaml``); cached per file version.

    Raises
    ------
    ConfigError
        When the file is missing, not YAML, or does not follow the schema (naming file and key).
    """
    p = resolve_path(path if path is not None else settings.default_actors_ref(), "actors file")
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise ConfigError(
            f"{p}: actors file not found; create it (see newsclf:configs/actors.yaml)"
        ) from None
    return _load_cached(str(p.resolve()), mtime)

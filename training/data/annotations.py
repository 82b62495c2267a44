"""Gold annotations: hand-written labels for an article, placed in its text.

A gold file ``data/annotations/<article id>.json`` holds::

    {
      "article_id": "panjshir-nrf-2021-09",
      "source": "seeds/panjshir-nrf-2021-09.txt",
      "sha256": "<sha256 of the article text, UTF-8>",            # optional
      "sentences": [{"start": 0, "end": 183, "text": "...", "label": "content"}, ...],
      "quotes": [{"start": 418, "end": 430, "text": "last moment.", "speaker": "Ahmad Massoud",
                  "side": "nrf", "fragment": true, "stance": null},
                 {"text": "We need their expertise,", "speaker": "Zabihullah Mujahid",
                  "side": "taliban", "stance": {"taliban": "none", "nrf": "none"}}, ...]
    }

Every item names its words (``text``: the quoted words without their marks for quotes) and may
give their character offsets (``start``/``end``, end exclusive) or, when the words occur more
than once, which ``occurrence`` (1-based) is meant. ``stance`` maps a target (an actor key of
the actors file) to ``favor``/``against``/``none`` for full quotes (``null`` for fragments, which
carry no stance); ``speaker`` and ``side`` are the gold ones and win over what newsclf detects.

:meth:`Gold.place` finds every item in the article text: at its offsets when they give its
``text``; otherwise by its text (the occurrence nearest the offsets, or the one ``occurrence``
names), also with curly and straight quotation marks and apostrophes and runs of white space
taken as equal. Items that cannot be found, or whose text occurs several times without a hint,
are *unplaced* and reported, never silently dropped. A ``sha256`` that differs from the article
text's only warns: the items are placed by their text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from newsclf import settings
from newsclf.data.types import Article
from newsclf.errors import InputError

__all__ = [
    "FUZZY_PLACEMENTS",
    "Gold",
    "GoldPlacement",
    "GoldQuote",
    "GoldSentence",
    "PlacedItem",
    "check_gold",
    "draft_gold",
    "gold_path",
    "load_annotations",
    "load_gold",
    "parse_gold",
    "text_sha256",
]

StanceLabel = Literal["favor", "against", "none"]

FUZZY_PLACEMENTS = ("relocated", "normalized")
"""Placements that did not take the item as written: ``relocated`` (its offsets did not give its
text; found by the text nearest to them), ``normalized`` (found only with quotation marks,
apostrophes and white space normalised)."""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=0)
    text: str = Field(min_length=1)
    occurrence: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _span(self) -> _Item:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither (the item is then found by its text)")
        if self.start is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


class GoldSentence(_Item):
    """A gold sentence: its words (and offsets) and its label (``content`` or ``boilerplate``)."""

    label: Literal["content", "boilerplate"]


class GoldQuote(_Item):
    """A gold quote: its words without the marks (and offsets), speaker, side, fragment flag and
    stance per target."""

    speaker: str | None = None
    side: str | None = None
    fragment: bool = False
    stance: dict[str, StanceLabel] | None = None

    @model_validator(mode="after")
    def _fragment(self) -> GoldQuote:
        if self.fragment and self.stance:
            raise ValueError("fragments carry no stance: set stance to null")
        return self


class _GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    article_id: str = Field(min_length=1)
    source: str = ""
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    sentences: list[GoldSentence] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)
    quotes_complete: bool = False
    notes: str = ""


@dataclass(frozen=True)
class PlacedItem:
    """A gold item found in the text.

    Attributes
    ----------
    index : int
        Position of the item in its list of the gold file (``quotes[index]``).
    item : GoldSentence or GoldQuote
        The item with the offsets where it was found.
    how : str
        ``exact`` (its offsets give its text), ``text`` (no offsets: found by its text),
        ``relocated`` or ``normalized`` (see :data:`FUZZY_PLACEMENTS`).
    """

    index: int
    item: Any
    how: str

    @property
    def fuzzy(self) -> bool:
        return self.how in FUZZY_PLACEMENTS


@dataclass
class GoldPlacement:
    """Where the items of a gold file sit in one article text.

    ``unplaced`` holds ``{"kind", "index", "text", "reason"}`` per item that could not be found;
    ``warnings`` says what was placed fuzzily and whether the text changed since annotation.
    """

    sentences: list[PlacedItem] = field(default_factory=list)
    quotes: list[PlacedItem] = field(default_factory=list)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text_changed: bool = False


@dataclass
class Gold:
    """The gold annotations of one article, as written in its file (see :meth:`place`)."""

    article_id: str
    sha256: str | None
    sentences: list[GoldSentence]
    quotes: list[GoldQuote]
    source: str = ""
    path: Path | None = None
    notes: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    quotes_complete: bool = False
    """``quotes`` lists every quote of the article: a detected quote that matches none of them is
    not a quote and gives no stance rows (set by ``newsclf annotate import``)."""
    placement: GoldPlacement | None = None
    """Set by :func:`load_gold`: where the items were found (its sentences/quotes are then the
    placed items)."""

    @property
    def where(self) -> str:
        return str(self.path or self.article_id)

    def place(self, text: str) -> GoldPlacement:
        """Find every item in ``text`` (see the module docstring); never raises for a mismatch."""
        out = GoldPlacement()
        if self.sha256 is not None and self.sha256 != text_sha256(text):
            out.text_changed = True
            out.warnings.append(
                f"{self.where}: the article text changed since it was annotated (sha256 differs); "
                "items are placed by their text"
            )
        finder = _Finder(text)
        for kind, items, placed in (
            ("sentences", self.sentences, out.sentences),
            ("quotes", self.quotes, out.quotes),
        ):
            for i, item in enumerate(items):
                span, how, reason = finder.place(item)
                if span is None:
                    out.unplaced.append(
                        {"kind": kind, "index": i, "text": item.text[:80], "reason": reason}
                    )
                    continue
                placed.append(
                    PlacedItem(i, item.model_copy(update={"start": span[0], "end": span[1]}), how)
                )
                if how in FUZZY_PLACEMENTS:
                    given = f"offsets {item.start}:{item.end}" if item.start is not None else "its text"
                    out.warnings.append(
                        f"{self.where}: {kind}[{i}] {item.text[:40]!r} placed at {span[0]}:{span[1]} "
                        f"({how}; {given} did not match exactly)"
                    )
        return out

    def to_gold(self, article: Article) -> Any:
        """The placed labels as :class:`newsclf.data.examples.Gold` (keys: offsets in the text)."""
        from newsclf.data.examples import Gold as ExampleGold

        placement = self.place(article.text)
        return ExampleGold(
            sentences={(p.item.start, p.item.end): p.item.label for p in placement.sentences},
            stance={
                (p.item.start, p.item.end, target): label
                for p in placement.quotes
                for target, label in (p.item.stance or {}).items()
            },
        )

    def sentence_label(self, start: int, end: int) -> str | None:
        """The gold label of the sentence with exactly these offsets, or None."""
        for s in self.sentences:
            if s.start == start and s.end == end:
                return s.label
        return None

    def label_at(self, start: int, end: int) -> str | None:
        """The label of the gold sentence that overlaps ``[start, end)`` most, or None."""
        best, best_overlap = None, 0
        for s in self.sentences:
            if s.start is None:
                continue
            overlap = min(end, s.end) - max(start, s.start)
            if overlap > best_overlap:
                best, best_overlap = s.label, overlap
        return best


# ----------------------------------------------------------------------------- finding items

_SAME = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                       "\u00a0": " "})


class _Finder:
    """Finds item texts in one article text, exactly or with marks and white space normalised."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm: tuple[str, list[int]] | None = None

    def _normalized(self) -> tuple[str, list[int]]:
        """The text with marks unified and white-space runs as one space; index map back."""
        if self._norm is None:
            chars, index = [], []
            prev_space = False
            for i, ch in enumerate(self.text.translate(_SAME)):
                if ch.isspace():
                    if prev_space:
                        continue
                    ch, prev_space = " ", True
                else:
                    prev_space = False
                chars.append(ch)
                index.append(i)
            self._norm = ("".join(chars), index)
        return self._norm

    @staticmethod
    def _all(haystack: str, needle: str) -> list[int]:
        out, i = [], haystack.find(needle)
        while i != -1:
            out.append(i)
            i = haystack.find(needle, i + 1)
        return out

    def _candidates(self, needle: str) -> tuple[list[tuple[int, int]], bool]:
        """Spans of ``needle`` in the text; the flag says they were found only normalised."""
        spans = [(i, i + len(needle)) for i in self._all(self.text, needle)]
        if spans:
            return spans, False
        norm, index = self._normalized()
        key = " ".join(needle.translate(_SAME).split())
        if not key:
            return [], True
        return [(index[i], index[i + len(key) - 1] + 1) for i in self._all(norm, key)], True

    def place(self, item: _Item) -> tuple[tuple[int, int] | None, str, str]:
        """``(span, how, reason)``: the span where ``item`` sits (None and a reason if nowhere)."""
        if item.start is not None and self.text[item.start : item.end] == item.text:
            return (item.start, item.end), "exact", ""
        spans, normalized = self._candidates(item.text)
        if not spans:
            return None, "", "its text is not in the article"
        n = len(spans)
        if item.occurrence is not None:
            if item.occurrence > n:
                return None, "", f"occurrence {item.occurrence}, but the text occurs {n} time(s)"
            span = spans[item.occurrence - 1]
        elif item.start is not None:
            span = min(spans, key=lambda s: (abs(s[0] - item.start), s[0]))
        elif n == 1:
            span = spans[0]
        else:
            return None, "", f"its text occurs {n} times; add \"occurrence\" (1-{n}) or offsets"
        if normalized:
            return span, "normalized", ""
        return span, ("relocated" if item.start is not None else "text"), ""


# ----------------------------------------------------------------------------- files


def text_sha256(text: str) -> str:
    """sha256 of ``text`` encoded as UTF-8 (the fingerprint a gold file pins)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def gold_path(article_id: str, directory: str | Path | None = None) -> Path:
    """Where the gold file of ``article_id`` lives (``data/annotations/<id>.json``)."""
    return Path(directory or settings.annotations_dir()) / f"{article_id}.json"


def load_annotations(path: str | Path, text: str | None = None) -> Gold | dict[str, Gold]:
    """Read and validate a gold file; with ``text``, also check that every item sits exactly at
    its offsets (:func:`check_gold`).

    Given a folder, read every ``*.json`` file in it (sorted, recursive, hidden parts skipped) and
    return ``{article_id: Gold}``.

    Raises
    ------
    InputError
        When the file is not JSON or breaks the schema (naming the file and the item:
        ``sentences[3]``, ``quotes[1].stance.nrf``), or (with ``text``) does not match the text.
    """
    path = Path(path)
    if path.is_dir():
        out: dict[str, Gold] = {}
        for f in sorted(path.rglob("*.json")):
            if any(part.startswith(".") for part in f.relative_to(path).parts):
                continue
            gold = load_annotations(f)
            if gold.article_id in out:
                raise InputError(
                    f"{f}: article_id {gold.article_id!r} is also annotated in {out[gold.article_id].path}"
                )
            out[gold.article_id] = gold
        return out
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the annotation file ({exc.strerror or exc})"
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: the annotation file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    gold = parse_gold(raw, path)
    if text is not None:
        check_gold(gold, text)
    return gold


def parse_gold(data: Any, path: str | Path) -> Gold:
    """Validate the parsed JSON of a gold file (``path`` names it in errors)."""
    try:
        spec = _GoldFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_loc(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise InputError(f"{path}: invalid annotation file: {problems}") from None
    return Gold(
        article_id=spec.article_id,
        sha256=spec.sha256,
        sentences=list(spec.sentences),
        quotes=list(spec.quotes),
        source=spec.source,
        path=Path(path),
        notes=spec.notes,
        quotes_complete=spec.quotes_complete,
    )


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def check_gold(gold: Gold, text: str) -> None:
    """Raise :class:`InputError` unless every item of ``gold`` sits exactly where it says in
    ``text`` (its offsets give its text, or its text is found once or at its ``occurrence``)
    and the ``sha256``, when given, matches. The strict form of :meth:`Gold.place`."""
    placement = gold.place(text)
    if placement.text_changed:
        raise InputError(
            f"{gold.where}: the article text changed since it was annotated (sha256 "
            f"{text_sha256(text)[:12]}… != {(gold.sha256 or '')[:12]}… in the file); re-annotate it "
            "or restore the original text"
        )
    if placement.unplaced:
        u = placement.unplaced[0]
        raise InputError(f"{gold.where}: {u['kind']}[{u['index']}] {u['text'][:40]!r}: {u['reason']}")
    for kind, items in (("sentences", placement.sentences), ("quotes", placement.quotes)):
        for p in items:
            if p.fuzzy:
                original = (gold.sentences if kind == "sentences" else gold.quotes)[p.index]
                where = f"offsets {original.start}:{original.end}" if original.start is not None else "text"
                raise InputError(
                    f"{gold.where}: {kind}[{p.index}] {where} do not give the annotated "
                    f"{original.text[:40]!r} exactly (it is at {p.item.start}:{p.item.end}); fix the offsets or the text"
                )


def load_gold(article: Article, directory: str | Path | None = None) -> Gold | None:
    """The gold annotations of ``article`` (by id) placed in its text, or None when there are none.

    The returned :class:`Gold` holds the placed items (with their offsets in ``article.text``);
    its ``placement`` lists what could not be placed and what was placed fuzzily.

    Raises
    ------
    InputError
        When the gold file is unreadable or its ``article_id`` differs from the file name.
    """
    path = gold_path(article.id, directory)
    if not path.is_file():
        return None
    gold = load_annotations(path)
    if gold.article_id != article.id:
        raise InputError(
            f"{path}: article_id {gold.article_id!r} does not match the file name ({article.id!r})"
        )
    placement = gold.place(article.text)
    gold.sentences = [p.item for p in placement.sentences]
    gold.quotes = [p.item for p in placement.quotes]
    gold.placement = placement
    return gold


def draft_gold(processed: Any, labels: list[str] | None = None) -> dict[str, Any]:
    """A draft gold file for a :class:`~newsclf.data.document.ProcessedArticle`, to correct by hand.

    Sentence labels default to ``content``; full quotes get ``stance`` "none" for every actor side
    found. Review every item before saving it under ``data/annotations/<id>.json``.
    """
    from newsclf.data.document import quotes_json

    draft = quotes_json(processed, labels or ["content"] * len(processed.sentences))
    sides = sorted({q.side for q in processed.quotes if q.side})
    for q in draft["quotes"]:
        q["stance"] = None if q["fragment"] else {k: "none" for k in sides}
    return {
        "article_id": draft.pop("id"),
        "source": processed.article.source,
        "sha256": text_sha256(processed.article.text),
        **draft,
    }

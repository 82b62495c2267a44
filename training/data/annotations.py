"""Gold annotations: hand-written labels for an article, checked against its text.

A gold file ``data/annotations/<article id>.json`` holds::

    {
      "article_id": "panjshir-nrf-2021-09",
      "source": "seeds/panjshir-nrf-2021-09.txt",
      "sha256": "<sha256 of the article text, UTF-8>",
      "sentences": [{"start": 0, "end": 183, "text": "...", "label": "content"}, ...],
      "quotes": [{"start": 418, "end": 430, "text": "last moment.", "speaker": "Ahmad Massoud",
                  "side": "nrf", "fragment": true, "stance": null}, ...]
    }

``stance`` maps an actor key to ``favor``/``against``/``none`` for full quotes (``null`` for
fragments, which carry no stance). Offsets index the article text; every item's ``text`` must equal
``article_text[start:end]`` and the ``sha256`` must match, or loading raises
:class:`~newsclf.errors.InputError` naming the file and the item.
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
    "Gold",
    "GoldQuote",
    "GoldSentence",
    "draft_gold",
    "gold_path",
    "check_gold",
    "load_annotations",
    "load_gold",
    "text_sha256",
]

StanceLabel = Literal["favor", "against", "none"]


class GoldSentence(BaseModel):
    """A gold sentence: span and label (``content`` or ``boilerplate``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    label: Literal["content", "boilerplate"]

    @model_validator(mode="after")
    def _order(self) -> GoldSentence:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


class GoldQuote(BaseModel):
    """A gold quote: span (marks excluded), speaker, side, fragment flag and stance per actor."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    speaker: str | None = None
    side: str | None = None
    fragment: bool = False
    stance: dict[str, StanceLabel] | None = None

    @model_validator(mode="after")
    def _order(self) -> GoldQuote:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        if self.fragment and self.stance:
            raise ValueError("fragments carry no stance: set stance to null")
        return self


class _GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    article_id: str = Field(min_length=1)
    source: str = ""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    sentences: list[GoldSentence] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)
    notes: str = ""


@dataclass
class Gold:
    """The gold annotations of one article."""

    article_id: str
    sha256: str
    sentences: list[GoldSentence]
    quotes: list[GoldQuote]
    source: str = ""
    path: Path | None = None
    notes: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_gold(self, article: Article) -> Any:
        """Check against ``article`` and convert to :class:`newsclf.data.examples.Gold` (labels by offsets)."""
        from newsclf.data.examples import Gold as ExampleGold

        check_gold(self, article.text)
        return ExampleGold(
            sentences={(s.start, s.end): s.label for s in self.sentences},
            stance={
                (q.start, q.end, target): label
                for q in self.quotes
                for target, label in (q.stance or {}).items()
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
            overlap = min(end, s.end) - max(start, s.start)
            if overlap > best_overlap:
                best, best_overlap = s.label, overlap
        return best


def text_sha256(text: str) -> str:
    """sha256 of ``text`` encoded as UTF-8 (the fingerprint a gold file pins)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def gold_path(article_id: str, directory: str | Path | None = None) -> Path:
    """Where the gold file of ``article_id`` lives (``data/annotations/<id>.json``)."""
    return Path(directory or settings.annotations_dir()) / f"{article_id}.json"


def load_annotations(path: str | Path, text: str | None = None) -> Gold | dict[str, Gold]:
    """Read and validate a gold file; with ``text``, also check its sha256 and every offset.

    Given a folder, read every ``*.json`` file in it (sorted, recursive) and return
    ``{article_id: Gold}``; each entry is checked against its article later by :meth:`Gold.to_gold`
    or :func:`check_gold`.

    Raises
    ------
    InputError
        When the file is not JSON, breaks the schema, or (with ``text``) does not match the text;
        the message names the file and the item (``sentences[3]``, ``quotes[1]``).
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
    try:
        spec = _GoldFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_loc(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise InputError(f"{path}: invalid annotation file: {problems}") from None
    gold = Gold(
        article_id=spec.article_id,
        sha256=spec.sha256,
        sentences=list(spec.sentences),
        quotes=list(spec.quotes),
        source=spec.source,
        path=path,
        notes=spec.notes,
    )
    if text is not None:
        check_gold(gold, text)
    return gold


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def check_gold(gold: Gold, text: str) -> None:
    """Raise :class:`InputError` unless ``gold`` matches ``text`` (sha256 and every item's offsets)."""
    where = gold.path or gold.article_id
    digest = text_sha256(text)
    if digest != gold.sha256:
        raise InputError(
            f"{where}: the article text changed since it was annotated (sha256 {digest[:12]}… != "
            f"{gold.sha256[:12]}… in the file); re-annotate it or restore the original text"
        )
    for kind, items in (("sentences", gold.sentences), ("quotes", gold.quotes)):
        for i, item in enumerate(items):
            if item.end > len(text):
                raise InputError(
                    f"{where}: {kind}[{i}] ends at {item.end}, past the end of the text ({len(text)} characters)"
                )
            actual = text[item.start : item.end]
            if actual != item.text:
                raise InputError(
                    f"{where}: {kind}[{i}] offsets {item.start}:{item.end} give {actual[:40]!r}, "
                    f"not the annotated {item.text[:40]!r}; fix the offsets or the text"
                )


def load_gold(article: Article, directory: str | Path | None = None) -> Gold | None:
    """The gold annotations of ``article`` (by id), checked against its text; None when there are none.

    Raises
    ------
    InputError
        When a gold file exists but does not match the article.
    """
    path = gold_path(article.id, directory)
    if not path.is_file():
        return None
    gold = load_annotations(path, text=article.text)
    if gold.article_id != article.id:
        raise InputError(
            f"{path}: article_id {gold.article_id!r} does not match the file name ({article.id!r})"
        )
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

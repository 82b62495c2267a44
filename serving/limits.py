"""Request limits and the validated input shapes of the HTTP API.

Every endpoint validates its JSON body with one of the pydantic models below before any work
starts; a violation is a 400 whose message names the field and the limit. The same limits are
exported as constants so the CLI, the tests and the docs quote one number.

=====================  ==========================================================
``MAX_ITEMS``          1,000 sentences / quotes / targets per request
``MAX_CHARS``          10,000 characters per sentence or quote
``MAX_TOTAL_CHARS``    500,000 characters of sentences or quotes per request
``MAX_DOC_BYTES``      2 MB (2,097,152 bytes, UTF-8) per article or page
``MAX_BODY_BYTES``     64 MB per request body (413 above it)
``MAX_SENTENCES``      20,000 sentences in one analysed article (422 above it)
``MAX_PAIRS``          20,000 quote-target stance predictions per article (422)
``TIME_BUDGET``        20 s of analysis per ``/analyze`` or ``/extract`` request (422)
``MEMORY_BUDGET_MB``   1,024 MB a request's analysis may add (422)
=====================  ==========================================================

The last four are the budget of one analysis (:mod:`newsclf.serving.workers`); the time and memory
budgets can be changed with ``NEWSCLF_TIME_BUDGET`` (seconds) and ``NEWSCLF_MEMORY_BUDGET_MB``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "env_seconds",
    "MAX_BODY_BYTES",
    "MAX_CHARS",
    "MAX_DOC_BYTES",
    "MAX_ITEMS",
    "MAX_NAME_CHARS",
    "MAX_PAIRS",
    "MAX_SENTENCES",
    "MAX_TOTAL_CHARS",
    "MEMORY_BUDGET_MB",
    "TIME_BUDGET",
    "AnalyzeRequest",
    "BoilerplateRequest",
    "ExtractRequest",
    "ModelsRequest",
    "QuoteIn",
    "StanceRequest",
    "check_document",
]

MAX_ITEMS = 1_000
"""Most sentences (``/boilerplate``), quotes (``/stance``) or targets in one request."""
MAX_CHARS = 10_000
"""Most characters in one sentence or quote."""
MAX_DOC_BYTES = 2 * 1024 * 1024
"""Most bytes (UTF-8) in one article text or HTML page: 2 MB."""
MAX_NAME_CHARS = 200
"""Most characters in a target, speaker or side name."""
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Most bytes in one request body; larger bodies get 413 before they are parsed."""
MAX_TOTAL_CHARS = 500_000
"""Most characters of all sentences (``/boilerplate``) or quotes (``/stance``) of one request."""
MAX_SENTENCES = 20_000
"""Most sentences of one article ``/analyze`` classifies (a 2 MB article of ~100-character sentences)."""
MAX_PAIRS = 20_000
"""Most quote-target pairs of one article ``/analyze`` asks the stance model about."""
TIME_BUDGET = 20.0
"""Seconds of analysis one ``/analyze`` or ``/extract`` request may use (``NEWSCLF_TIME_BUDGET``)."""
MEMORY_BUDGET_MB = 1024
"""Megabytes one analysis may add to its worker process (``NEWSCLF_MEMORY_BUDGET_MB``)."""


def env_seconds(name: str, default: float) -> float:
    """Seconds from the environment variable ``name``: ``default`` when unset, not a number or not > 0."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = default
    return value if value > 0 else default


def _doc_size(value: str) -> str:
    # len(str) <= UTF-8 length <= 4 * len(str): encode only when the cheap bounds do not decide.
    if len(value) * 4 > MAX_DOC_BYTES:
        size = (
            len(value)
            if len(value) > MAX_DOC_BYTES
            else len(value.encode("utf-8", "surrogatepass"))
        )
        if size > MAX_DOC_BYTES:
            raise PydanticCustomError(
                "document_too_large",
                "document is {size} bytes; the limit is 2 MB ({limit} bytes) per article or page",
                {"size": size, "limit": MAX_DOC_BYTES},
            )
    return value


def check_document(value: str) -> str:
    """Raise ``ValueError`` naming the limit when ``value`` is over 2 MB in UTF-8."""
    try:
        return _doc_size(value)
    except PydanticCustomError as exc:
        raise ValueError(str(exc)) from None


Text = Annotated[str, StringConstraints(max_length=MAX_CHARS)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]
Document = Annotated[str, AfterValidator(_doc_size)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _total(kind: str, lengths: Iterable[int]) -> None:
    total = sum(lengths)
    if total > MAX_TOTAL_CHARS:
        raise PydanticCustomError(
            "request_too_large",
            "{kind} hold {total} characters in all; the limit is {limit} characters per request: "
            "split them over several requests",
            {"kind": kind, "total": total, "limit": MAX_TOTAL_CHARS},
        )


class BoilerplateRequest(_Strict):
    """``POST /boilerplate``: sentences of one document, in reading order."""

    sentences: Annotated[list[Text], Field(max_length=MAX_ITEMS)]

    @model_validator(mode="after")
    def _total_size(self) -> BoilerplateRequest:
        _total("the sentences", map(len, self.sentences))
        return self


class QuoteIn(_Strict):
    """One quote to classify toward one target."""

    text: Text
    target: Name
    speaker: Name | None = None
    side: Name | None = None


class StanceRequest(_Strict):
    """``POST /stance``: quotes, each with the target its stance is asked toward."""

    quotes: Annotated[list[QuoteIn], Field(max_length=MAX_ITEMS)]

    @model_validator(mode="after")
    def _total_size(self) -> StanceRequest:
        _total("the quotes", (len(q.text) for q in self.quotes))
        return self


class AnalyzeRequest(_Strict):
    """``POST /analyze``: one article as plain ``text`` or as an ``html`` page (exactly one)."""

    text: Document | None = None
    html: Document | None = None
    targets: Annotated[list[Name], Field(max_length=MAX_ITEMS)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> AnalyzeRequest:
        if (self.text is None) == (self.html is None):
            raise PydanticCustomError(
                "one_of", 'give exactly one of "text" (plain article text) or "html" (a page)'
            )
        return self


class ExtractRequest(_Strict):
    """``POST /extract``: one HTML page; ``comments: true`` keeps reader-comment sections."""

    html: Document
    comments: bool = False


class ModelsRequest(BaseModel):
    """``/models`` takes no input (an empty body or ``{}``)."""

    model_config = ConfigDict(extra="ignore")

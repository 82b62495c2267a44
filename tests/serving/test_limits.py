"""Request shapes and limits (newsclf.serving.limits): every violation names the field and the limit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsclf.serving.limits import (
    MAX_CHARS,
    MAX_DOC_BYTES,
    MAX_ITEMS,
    AnalyzeRequest,
    BoilerplateRequest,
    ExtractRequest,
    StanceRequest,
    check_document,
)


@pytest.mark.parametrize(
    ("model", "body", "needle"),
    [
        (BoilerplateRequest, {"sentences": ["a"] * (MAX_ITEMS + 1)}, "at most 1000 items"),
        (BoilerplateRequest, {"sentences": ["x" * (MAX_CHARS + 1)]}, "at most 10000 characters"),
        (BoilerplateRequest, {"sentences": "not a list"}, "valid list"),
        (BoilerplateRequest, {"sentences": [1]}, "valid string"),
        (BoilerplateRequest, {}, "Field required"),
        (BoilerplateRequest, {"sentences": [], "extra": 1}, "Extra inputs"),
        (StanceRequest, {"quotes": [{"text": "a"}]}, "Field required"),
        (
            StanceRequest,
            {"quotes": [{"text": "a", "target": "t"}] * (MAX_ITEMS + 1)},
            "at most 1000 items",
        ),
        (
            StanceRequest,
            {"quotes": [{"text": "x" * (MAX_CHARS + 1), "target": "t"}]},
            "at most 10000 characters",
        ),
        (AnalyzeRequest, {}, "exactly one of"),
        (AnalyzeRequest, {"text": "a", "html": "b"}, "exactly one of"),
        (AnalyzeRequest, {"text": "x" * (MAX_DOC_BYTES + 1)}, "2 MB"),
        (AnalyzeRequest, {"text": "é" * (MAX_DOC_BYTES // 2 + 1)}, "2 MB"),
        (ExtractRequest, {"html": "x" * (MAX_DOC_BYTES + 1)}, "2 MB"),
    ],
)
def test_limits_reject_with_named_limit(model, body, needle):
    with pytest.raises(ValidationError) as info:
        model.model_validate(body)
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (BoilerplateRequest, {"sentences": ["a"] * MAX_ITEMS}),
        (BoilerplateRequest, {"sentences": ["x" * MAX_CHARS]}),
        (BoilerplateRequest, {"sentences": []}),
        (
            StanceRequest,
            {"quotes": [{"text": "a", "target": "nrf", "speaker": None, "side": "nrf"}]},
        ),
        (AnalyzeRequest, {"text": "x" * MAX_DOC_BYTES}),
        (AnalyzeRequest, {"html": "<p>a</p>", "targets": ["taliban"]}),
    ],
)
def test_limits_accept_at_the_limit(model, body):
    model.model_validate(body)


def test_limits_check_document_counts_utf8_bytes():
    check_document("€" * (MAX_DOC_BYTES // 3))
    with pytest.raises(ValueError, match="2 MB"):
        check_document("€" * (MAX_DOC_BYTES // 3 + 1))

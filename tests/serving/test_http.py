"""RequestGuard (newsclf.serving.http): content types, body size, readable 4xx bodies, one-line logs."""

from __future__ import annotations

import json
import logging

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from newsclf.serving.http import ClientErrorFilter, RequestGuard


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    if body == b"bad":
        return JSONResponse([{"error": "wrapped message"}], status_code=400)
    if body == b"invalid":
        detail = [{"loc": ["sentences", 0], "msg": "Input should be a valid string"}]
        return JSONResponse({"error": "1 validation error", "detail": detail}, status_code=400)
    return JSONResponse(
        {
            "method": request.method,
            "ctype": request.headers.get("content-type"),
            "size": len(body),
        }
    )


@pytest.fixture
def client():
    app = Starlette(
        routes=[
            Route("/api", echo, methods=["POST"]),
            Route("/models", echo, methods=["POST"]),
            Route("/other", echo, methods=["POST"]),
        ]
    )
    guarded = RequestGuard(app, paths=["/api", "/models"], get_paths=["/models"], max_body=100)
    return TestClient(guarded)


def test_http_declared_body_over_limit_is_413(client):
    resp = client.post("/api", content=b"x" * 101, headers={"content-type": "application/json"})
    assert resp.status_code == 413 and "100 bytes" in resp.json()["error"]
    assert client.post("/api", content=b"x" * 100).status_code == 200


def test_http_chunked_body_over_limit_is_413(client):
    def gen():
        for _ in range(5):
            yield b"x" * 30

    resp = client.post("/api", content=gen(), headers={"content-type": "application/json"})
    assert resp.status_code == 413

    def small():
        yield b"x" * 30
        yield b"y" * 30

    resp = client.post("/api", content=small(), headers={"content-type": "application/json"})
    assert resp.status_code == 200 and resp.json()["size"] == 60


@pytest.mark.parametrize(
    ("ctype", "status"),
    [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("text/plain", 200),
        ("application/x-www-form-urlencoded", 200),
        ("application/octet-stream", 415),
        ("application/xml", 415),
        ("application/python-pickle", 415),
        ("application/vnd.bentoml+pickle", 415),
        ("APPLICATION/X-PICKLE", 415),
    ],
)
def test_http_content_types(client, ctype, status):
    resp = client.post("/api", content=b"{}", headers={"content-type": ctype})
    assert resp.status_code == status
    if status == 200:
        assert resp.json()["ctype"].startswith("application/json")


def test_http_get_models_is_post(client):
    resp = client.get("/models")
    assert resp.status_code == 200 and resp.json()["method"] == "POST"
    assert client.get("/api").status_code == 405


def test_http_other_paths_untouched(client):
    resp = client.post(
        "/other", content=b"x" * 500, headers={"content-type": "application/x-pickle"}
    )
    assert resp.status_code == 200


def test_http_rewrites_error_bodies(client, caplog):
    with caplog.at_level(logging.INFO, logger="bentoml.newsclf"):
        wrapped = client.post("/api", content=b"bad")
        invalid = client.post("/api", content=b"invalid")
    assert wrapped.status_code == 400 and wrapped.json() == {"error": "wrapped message"}
    assert invalid.json()["error"] == "sentences.0: Input should be a valid string"
    assert invalid.json()["detail"][0]["msg"] == "Input should be a valid string"
    assert int(invalid.headers["content-length"]) == len(json.dumps(invalid.json()).encode())
    lines = [r.getMessage() for r in caplog.records if r.name == "bentoml.newsclf"]
    assert lines == [
        "rejected POST /api: 400 wrapped message",
        "rejected POST /api: 400 sentences.0: Input should be a valid string",
    ]


def test_http_filter_drops_client_error_tracebacks_only():
    from bentoml.exceptions import InvalidArgument
    from pydantic import BaseModel, ValidationError

    class M(BaseModel):
        x: int

    def record(exc):
        try:
            raise exc
        except BaseException:
            import sys

            return logging.LogRecord("x", logging.ERROR, "", 0, "Exception on", (), sys.exc_info())

    try:
        M.model_validate({"x": "no"})
    except ValidationError as exc:
        validation = exc
    f = ClientErrorFilter()
    assert not f.filter(record(validation))
    assert not f.filter(record(InvalidArgument("bad")))
    assert f.filter(record(RuntimeError("server bug")))
    assert f.filter(logging.LogRecord("x", logging.INFO, "", 0, "plain", (), None))

"""HTTP hygiene for the service: content types, body size, readable 4xx bodies, one-line logs.

:class:`RequestGuard` is a plain ASGI middleware in front of the API routes. It

- answers 415 to pickle bodies (any ``Content-Type`` mentioning pickle) and to multipart or other
  non-JSON bodies; bodies sent as ``text/plain`` or form-encoded (``curl -d``) are read as JSON;
- answers 413 to bodies over :data:`newsclf.serving.limits.MAX_BODY_BYTES` before reading them;
- reads every body itself within :data:`BODY_TIMEOUT` seconds (408 and the connection closed
  past it: a slowloris body holds nothing for long) and logs a client that goes away in the middle
  of its upload in one line (no ``ClientDisconnect`` traceback);
- tells the endpoint when its client disconnects later (:func:`client_gone`), so that an analysis
  whose client left is stopped;
- lets ``GET /models`` through as ``POST /models``;
- rewrites BentoML's 400 bodies into ``{"error": "<field>: <message naming the limit>", "detail":
  [...]}`` and logs every rejected request in one line (no traceback).

:class:`ClientErrorFilter` drops BentoML's traceback log records for client errors (validation
errors, 4xx exceptions); server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .bento_internals import REQUEST_ERROR_LOGGERS
from .limits import MAX_BODY_BYTES, env_seconds

__all__ = ["BODY_TIMEOUT", "ClientErrorFilter", "RequestGuard", "client_gone", "install_log_filter", "logger"]

logger = logging.getLogger("bentoml.newsclf")
"""Rejected requests are logged here (a child of BentoML's logger, so ``bentoml serve`` shows it)."""

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BODY_TIMEOUT = env_seconds("NEWSCLF_BODY_TIMEOUT", 30.0)
"""Seconds from the end of the headers to the last byte of the body (``NEWSCLF_BODY_TIMEOUT``)."""

_gone: contextvars.ContextVar[asyncio.Event | None] = contextvars.ContextVar("newsclf_client_gone",
                                                                            default=None)


def client_gone() -> asyncio.Event | None:
    """An event set when the client of the current request disconnects (None outside the guard)."""
    return _gone.get()


_JSON_LIKE = (
    b"application/json",
    b"text/plain",
    b"application/x-www-form-urlencoded",
    b"text/json",
)


def _summary(payload: Any) -> tuple[str, Any]:
    """A one-line message and the detail list from a BentoML / pydantic error body."""
    if isinstance(payload, list) and len(payload) == 1 and isinstance(payload[0], dict):
        payload = payload[0]  # BentoML wraps InvalidArgument bodies in a one-item list
    if not isinstance(payload, dict):
        return str(payload)[:500], None
    detail = payload.get("detail")
    if isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        parts = []
        for err in detail[:3]:
            loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body",))
            msg = str(err.get("msg", "invalid"))
            parts.append(f"{loc}: {msg}" if loc else msg)
        if len(detail) > 3:
            parts.append(f"and {len(detail) - 3} more errors")
        return "; ".join(parts), detail
    return str(payload.get("error", payload))[:1000], detail


async def _send_json(send: Send, status: int, body: dict[str, Any], close: bool = False) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if close:  # the rest of the body is not read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class RequestGuard:
    """ASGI middleware guarding the API ``paths`` (see the module docstring).

    Parameters
    ----------
    app : ASGI app
    paths : iterable of str
        Routes of the API methods (``/boilerplate``...); other routes pass untouched.
    get_paths : iterable of str
        Routes that also answer ``GET`` (taken as ``POST`` with an empty body).
    max_body : int
        Largest accepted body in bytes (413 above).
    """

    def __init__(
        self,
        app: Any,
        paths: Iterable[str] = (),
        get_paths: Iterable[str] = (),
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.get_paths = frozenset(get_paths)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        method = scope["method"]
        if method == "GET" and path in self.get_paths:
            scope = dict(scope, method="POST")
            method = "POST"
        ctype = b""
        clen = None
        for key, value in scope["headers"]:
            if key == b"content-type":
                ctype = value.strip().lower()
            elif key == b"content-length":
                clen = value
        if method == "POST":
            if ctype and not ctype.startswith(b"application/json"):
                if b"pickle" in ctype:
                    return await self._reject(
                        send,
                        path,
                        415,
                        "pickle bodies are not accepted: send JSON (Content-Type: application/json)",
                        close=True,
                    )
                if not ctype.startswith(_JSON_LIKE):
                    shown = ctype.decode("latin-1")[:100]
                    return await self._reject(
                        send,
                        path,
                        415,
                        f"unsupported Content-Type {shown!r}: send JSON (Content-Type: application/json)",
                        close=True,
                    )
                scope = dict(scope)
                scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
                scope["headers"].append((b"content-type", b"application/json"))
            size = None
            if clen is not None:
                try:
                    size = int(clen)
                except ValueError:
                    return await self._reject(send, path, 400, "invalid Content-Length header", close=True)
                if size > self.max_body:
                    return await self._reject(
                        send,
                        path,
                        413,
                        f"request body is {size} bytes; the limit is {self.max_body} bytes per request",
                        close=True,
                    )
            body = await self._read_body(receive, send, path, size)
            if body is None:
                return
            gone = asyncio.Event()
            watcher = asyncio.ensure_future(_watch(receive, gone))
            token = _gone.set(gone)
            try:
                await self.app(scope, _replay(body, watcher), self._rewriting(send, method, path))
            finally:
                _gone.reset(token)
                watcher.cancel()
            return
        await self.app(scope, receive, self._rewriting(send, method, path))

    async def _read_body(self, receive: Receive, send: Send, path: str, size: int | None) -> bytes | None:
        """The whole body (None when the request was answered or its client left; logged)."""
        chunks = []
        seen = 0
        deadline = time.monotonic() + BODY_TIMEOUT
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await self._reject(
                    send, path, 408,
                    f"request body not received within {BODY_TIMEOUT:g} s ({seen} of "
                    f"{size if size is not None else 'unknown'} bytes)",
                    close=True,
                )
                return None
            if message["type"] != "http.request":
                of = f" of {size}" if size is not None else ""
                logger.info("aborted POST %s: the client went away after %d%s bytes of its body", path, seen, of)
                return None
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                await self._reject(
                    send, path, 413, f"request body over the limit of {self.max_body} bytes per request",
                    close=True,
                )
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _reject(self, send: Send, path: str, status: int, message: str, close: bool = False) -> None:
        logger.info("rejected POST %s: %d %s", path, status, message)
        await _send_json(send, status, {"error": message}, close)

    def _rewriting(self, send: Send, method: str, path: str) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if 400 <= message["status"] < 500:
                    start = message
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            status = start["status"]
            try:
                payload = json.loads(b"".join(chunks) or b"null")
            except ValueError:
                payload = b"".join(chunks).decode("utf-8", "replace")
            text, detail = _summary(payload)
            logger.info("rejected %s %s: %d %s", method, path, status, text)
            body: dict[str, Any] = {"error": text}
            if detail:
                body["detail"] = detail
            data = json.dumps(body).encode()
            headers = [
                (k, v)
                for k, v in start.get("headers", [])
                if k not in (b"content-length", b"content-type")
            ]
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        return wrapped


async def _watch(receive: Receive, gone: asyncio.Event) -> Message:
    """The next message after the body: ``http.disconnect`` when the client leaves (sets ``gone``)."""
    message = await receive()
    if message["type"] == "http.disconnect":
        gone.set()
    return message


def _replay(body: bytes, watcher: asyncio.Future[Message]) -> Receive:
    """The body as one message, then what the watcher receives (the app never races it)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await asyncio.shield(watcher)

    return replay


def _is_client_error(exc: BaseException | None) -> bool:
    if exc is None:
        return False
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return True
    code = getattr(exc, "error_code", None)
    value = getattr(code, "value", code)
    return isinstance(value, int) and 400 <= value < 500


class ClientErrorFilter(logging.Filter):
    """Drop traceback records BentoML logs for client errors (the guard logs one line instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not _is_client_error(exc)


_FILTER = ClientErrorFilter()
_LOGGERS = REQUEST_ERROR_LOGGERS


def install_log_filter() -> None:
    """Attach :class:`ClientErrorFilter` to the loggers BentoML uses for request errors (idempotent)."""
    for name in _LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)

"""Connection timeouts uvicorn lacks: a deadline for the request line and headers.

uvicorn times out a connection only while it idles *between* requests (``timeout_keep_alive``):
a client that connects and sends nothing, or sends its headers a byte at a time (slowloris),
holds the connection forever. :class:`TimedHttpToolsProtocol` closes such a connection after
:data:`HEADER_TIMEOUT` seconds with a 408 (one log line). Request bodies get their own deadline in
:class:`newsclf.serving.http.RequestGuard`; idle keep-alive connections close after uvicorn's
``timeout_keep_alive`` (5 s).

It is installed (by :func:`newsclf.serving.bento_internals.install_connection_timeouts`) as
uvicorn's ``auto`` HTTP protocol of the service worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .limits import env_seconds

__all__ = ["HEADER_TIMEOUT", "TimedHttpToolsProtocol"]

log = logging.getLogger("bentoml.newsclf")


HEADER_TIMEOUT = env_seconds("NEWSCLF_HEADER_TIMEOUT", 10.0)
"""Seconds from connecting (or from the first byte of a request) to its last header line."""

_BODY = json.dumps({"error": f"request headers not received within {HEADER_TIMEOUT:g} s"}).encode()
_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY
)


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline (see the module docstring)."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        peer = self.transport.get_extra_info("peername")
        where = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else "a client"
        log.info("closed connection from %s: request headers not received within %g s", where, HEADER_TIMEOUT)
        self.transport.write(_RESPONSE)
        self.transport.close()

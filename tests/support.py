"""Test helpers importable from any test module (``from support import corpus_or_skip``).

Test folders have no ``__init__.py`` and several hold a ``conftest.py``, so ``from conftest import``
is ambiguous; shared helpers live here instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsclf import settings

REPO = Path(__file__).resolve().parents[1]
"""The checkout under test (tests may change the working directory; paths start here)."""


def corpus_or_skip(name: str) -> Path:
    """Path of corpus ``name`` under NEWSCLF_CORPORA, or skip the test saying where it looked."""
    path = settings.corpora_dir() / name
    if not path.is_dir():
        pytest.skip(f"corpus {name!r} not found at {path} (set NEWSCLF_CORPORA to the corpora folder)")
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_process(args: list[str], env: dict[str, str], log: Path, cwd: Path | None = None,
                  ready_within: float = 120.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """``newsclf serve --port P ARGS`` as a real server (see :func:`server_process`)."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("newsclf")), "serve", "--port", str(port), *args]
    with server_process(command, port, env, log, cwd=cwd, ready_within=ready_within) as served:
        yield served


@contextlib.contextmanager
def server_process(command: list[str], port: int, env: dict[str, str], log: Path, cwd: Path | None = None,
                   ready_within: float = 120.0, preexec_fn: Callable[[], None] | None = None,
                   ) -> Iterator[tuple[str, subprocess.Popen]]:
    """``command`` (a server listening on ``port``) in its own process group, output in ``log``;
    yields its URL and process once ``/readyz`` answers 200, and stops it (SIGTERM, then SIGKILL)."""
    import httpx

    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=preexec_fn, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready in {ready_within:g} s:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

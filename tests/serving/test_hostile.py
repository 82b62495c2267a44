"""Hostile input against a real `bentoml serve` under a memory and a wall-clock limit.

Every shape is generated here (none is stored). For each request: the answer is 2xx or 4xx
(never 5xx, never a hang), the server is ready afterwards, and a small ``/boilerplate`` request
sent every 0.2 s meanwhile is answered within :data:`PROBE_BOUND` seconds. Over the module, the
server's memory (proportional set size summed over its processes, sampled every 0.25 s) stays
under :data:`MEMORY_BOUND`, and its log holds one line per rejected or aborted request and no
traceback or repeated warning.

The server runs with a small time budget (``NEWSCLF_TIME_BUDGET=4``) and short connection
deadlines so that the module takes about a minute and a half; each process's address space is
capped by ``RLIMIT_AS`` (:data:`ADDRESS_SPACE`), set in the server's ``preexec_fn``.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import sys
import threading
import time

import pytest

from support import free_port, server_process

pytestmark = [pytest.mark.slow, pytest.mark.serve]

TIME_BUDGET = 4.0
HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 3.0
ADDRESS_SPACE = 6 * 2**30
"""RLIMIT_AS of every server process (the service worker maps ~2 GB of address space at rest)."""
MEMORY_BOUND = 2.5 * 2**30
"""Peak of the server's summed proportional set size (bytes) over the whole module."""
PROBE_BOUND = 2.0
"""Seconds within which a small request is answered while a hostile one runs (shared machine)."""
REQUEST_WALL = TIME_BUDGET + 20
"""Seconds after which a hostile request counts as hung."""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


class Watch:
    """Samples the server tree's memory and probes a small request while a hostile one runs."""

    def __init__(self, pid: int, url: str) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.url = url
        self.peak = 0
        self.probe_worst = 0.0
        self.probe_failures: list[str] = []
        self._stop = threading.Event()
        self._probing = threading.Event()
        self._threads = [threading.Thread(target=self._sample, daemon=True),
                         threading.Thread(target=self._probe, daemon=True)]
        for t in self._threads:
            t.start()

    def tree(self) -> list:
        return [self.root, *self.root.children(recursive=True)]

    def pss(self) -> int:
        import psutil

        total = 0
        for p in self.tree():
            try:
                total += p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.peak = max(self.peak, self.pss())

    def _probe(self) -> None:
        import httpx

        with httpx.Client(base_url=self.url, timeout=30) as http:
            while not self._stop.is_set():
                if not self._probing.wait(0.1):
                    continue
                t = time.perf_counter()
                try:
                    r = http.post("/boilerplate", json={"sentences": ["Read more", "Taliban forces entered the valley."]})
                    if r.status_code != 200:
                        self.probe_failures.append(f"probe answered {r.status_code}")
                except Exception as exc:  # noqa: BLE001 - any failure of the probe is recorded
                    self.probe_failures.append(f"probe failed: {exc!r}")
                self.probe_worst = max(self.probe_worst, time.perf_counter() - t)
                time.sleep(0.2)

    def probing(self, on: bool) -> None:
        (self._probing.set if on else self._probing.clear)()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(10)


@pytest.fixture(scope="module")
def hostile_server(tiny_runs, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("hostile") / "serve.log"
    env = dict(
        os.environ,
        NEWSCLF_BOILERPLATE_RUN=str(tiny_runs["boilerplate"]),
        NEWSCLF_STANCE_RUN=str(tiny_runs["stance"]),
        NEWSCLF_TIME_BUDGET=str(TIME_BUDGET),
        NEWSCLF_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        NEWSCLF_BODY_TIMEOUT=str(BODY_TIMEOUT),
        NEWSCLF_ANALYSIS_WORKERS="2",
        MALLOC_ARENA_MAX="2",
        BENTOML_DO_NOT_TRACK="true",
        HF_DATASETS_OFFLINE="1",
    )
    env.pop("NEWSCLF_ACCESS_LOG", None)
    command = [sys.executable, "-m", "bentoml", "serve", "newsclf.serving.service:Newsclf",
               "--host", "127.0.0.1", "--port", str(port), "--working-dir", str(log.parent)]
    with server_process(command, port, env, log, cwd=log.parent, preexec_fn=_limit_memory) as (url, proc):
        watch = Watch(proc.pid, url)
        yield url, log, watch
        watch.stop()


def _attributes(n: int) -> str:
    return "<p " + " ".join(f"a{i}=1" for i in range(n)) + ">x</p>"


QUOTE = '"We will fight on," Ahmad Massoud said. '
NESTED = "<x-a>" * 2000 + "<p>Fighters held the valley.</p>" * 4000 + "</x-a>" * 2000
# (path, body, allowed status codes or None for any 2xx/4xx, text the error must hold)
SHAPES = {
    "quote flood 96 KB": ("/analyze", lambda: {"text": '"a" ' * 24000}, None, ""),
    "quote flood 2 MB (past the time budget)": ("/analyze", lambda: {"text": '"a" ' * 520000}, {422}, "time budget"),
    "1,000 targets x 400 quotes": ("/analyze", lambda: {"text": QUOTE * 400, "targets": [f"t{i}" for i in range(1000)]},
                                   {422}, "the limit is 20,000 per article"),
    "2,000 nested tags around 4,000 paragraphs, /extract": ("/extract", lambda: {"html": NESTED}, None, ""),
    "2,000 nested tags around 4,000 paragraphs, /analyze": ("/analyze", lambda: {"html": NESTED}, None, ""),
    "250,000 nested tags, /extract": ("/extract", lambda: {"html": "<b>" * 250000 + "deep" + "</b>" * 250000}, None, ""),
    "250,000 nested tags, /analyze": ("/analyze", lambda: {"html": "<i>" * 250000 + "deep" + "</i>" * 250000}, None, ""),
    "100,000 attributes on one tag": ("/extract", lambda: {"html": _attributes(100000)}, None, ""),
    "one 2 MB token": ("/analyze", lambda: {"text": "a" * 2_000_000}, None, ""),
    "tokens of 10,000 characters, /boilerplate": ("/boilerplate", lambda: {"sentences": ["x" * 10000] * 50}, {200}, ""),
    "too many characters in all, /boilerplate": ("/boilerplate", lambda: {"sentences": ["x" * 10000] * 60}, {400},
                                                "500000 characters per request"),
    "over 2 MB": ("/analyze", lambda: {"text": "a" * (2 * 2**20 + 1)}, {400}, "2 MB"),
    "1,000 one-letter sentences": ("/boilerplate", lambda: {"sentences": ["a"] * 1000}, {200}, ""),
    "1,000 one-letter quotes": ("/stance", lambda: {"quotes": [{"text": "a", "target": "taliban"}] * 1000}, {200}, ""),
    "600,000 tiny sentences": ("/analyze", lambda: {"text": "A. " * 600000}, {422}, ""),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_hostile_shapes_get_2xx_or_4xx_and_the_server_stays_fast(hostile_server, name):
    import httpx

    url, log, watch = hostile_server
    path, make, allowed, needle = SHAPES[name]
    body = json.dumps(make()).encode()
    watch.probe_worst = 0.0
    watch.probing(True)
    t = time.perf_counter()
    try:
        with httpx.Client(base_url=url, timeout=REQUEST_WALL) as http:
            r = http.post(path, content=body, headers={"content-type": "application/json"})
    finally:
        watch.probing(False)
    took = time.perf_counter() - t
    print(f"{name}: {len(body) // 1000} KB -> {r.status_code} in {took:.2f} s, "
          f"probe worst {watch.probe_worst:.2f} s, peak {watch.peak / 2**20:.0f} MB")
    assert 200 <= r.status_code < 500, r.text[:300]
    if allowed:
        assert r.status_code in allowed, r.text[:300]
    if needle:
        assert needle in r.json()["error"]
    assert took < TIME_BUDGET + 10
    assert not watch.probe_failures, watch.probe_failures
    assert watch.probe_worst < PROBE_BOUND
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/readyz").status_code == 200
        assert http.post("/analyze", json={"text": QUOTE}).status_code == 200


def _raw(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    return s


def _read_until_closed(s: socket.socket, limit: float) -> tuple[bytes, float]:
    t = time.perf_counter()
    data = b""
    s.settimeout(limit)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data, time.perf_counter() - t


def test_hostile_slow_headers_and_idle_connections_are_closed(hostile_server):
    url, _, watch = hostile_server
    port = int(url.rsplit(":", 1)[1])
    idle = _raw(port)
    trickle = _raw(port)
    trickle.sendall(b"POST /analyze HTTP/1.1\r\nHost: x\r\n")
    stop = threading.Event()

    def drip() -> None:
        while not stop.wait(0.5):
            try:
                trickle.sendall(b"X")
            except OSError:
                return

    threading.Thread(target=drip, daemon=True).start()
    crowd = [_raw(port) for _ in range(50)]  # slowloris: many connections that never send
    watch.probing(True)
    try:
        data, took = _read_until_closed(trickle, HEADER_TIMEOUT + 5)
        assert b"408" in data.split(b"\r\n", 1)[0] and took < HEADER_TIMEOUT + 3
        data, took = _read_until_closed(idle, HEADER_TIMEOUT + 5)
        assert b"408" in data and took < HEADER_TIMEOUT + 3
        assert all(_read_until_closed(c, 5)[0].startswith(b"HTTP/1.1 408") for c in crowd)
    finally:
        stop.set()
        watch.probing(False)
        for s in (idle, trickle, *crowd):
            s.close()
    assert not watch.probe_failures and watch.probe_worst < PROBE_BOUND


def test_hostile_slow_and_aborted_bodies(hostile_server):
    url, log, watch = hostile_server
    port = int(url.rsplit(":", 1)[1])
    head = (b"POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n")
    slow = _raw(port)
    slow.sendall(head + b'{"text": "')
    data, took = _read_until_closed(slow, BODY_TIMEOUT + 5)
    slow.close()
    assert data.startswith(b"HTTP/1.1 408") and b"not received within" in data
    assert BODY_TIMEOUT - 0.5 < took < BODY_TIMEOUT + 3
    before = log.read_text(errors="replace").count("aborted POST /analyze")
    for _ in range(3):  # uploads cut off in the middle
        s = _raw(port)
        s.sendall(head + b'{"text": "' + b"a" * 5000)
        time.sleep(0.2)
        s.close()
    time.sleep(1.0)
    assert log.read_text(errors="replace").count("aborted POST /analyze") == before + 3


def test_hostile_a_disconnected_client_stops_its_analysis(hostile_server):
    """The client of a long analysis leaves: the analysis process is killed and replaced (its
    CPU time does not go on), the log says so in one line."""
    import psutil

    url, log, watch = hostile_server
    port = int(url.rsplit(":", 1)[1])
    body = json.dumps({"text": '"a" ' * 520000}).encode()
    s = _raw(port)
    s.sendall(b"POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    time.sleep(0.5)
    before = {p.pid: (p, sum(p.cpu_times()[:2])) for p in watch.tree()}
    time.sleep(1.5)
    spent = {pid: sum(p.cpu_times()[:2]) - t for pid, (p, t) in before.items() if p.is_running()}
    busy = before[max(spent, key=spent.get)][0]
    assert spent[busy.pid] > 0.3 and busy.pid != watch.root.pid
    s.close()
    time.sleep(1.5)
    assert not busy.is_running() or busy.status() == psutil.STATUS_ZOMBIE, "the analysis should have been killed"
    assert "aborted POST /analyze: the client went away; its analysis was stopped" in log.read_text(errors="replace")


def test_hostile_zz_memory_and_log(hostile_server):
    """Runs last (module order): the peak memory bound, and a log without tracebacks."""
    url, log, watch = hostile_server
    print(f"peak server memory (PSS, all processes): {watch.peak / 2**20:.0f} MB")
    assert 0 < watch.peak < MEMORY_BOUND
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "ClientDisconnect" not in text
    assert "PydanticDeprecatedSince211" not in text
    assert text.count("rejected POST") >= 5

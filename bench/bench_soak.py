"""Soak: the service under mixed load for minutes: errors, memory over time, log size.

Starts ``newsclf.serving.service:Newsclf`` (``bentoml serve``) on 127.0.0.1 and runs ``hey``
(Debian package ``hey``) against every endpoint at once for ``--minutes`` (default 10), with
``--concurrency`` connections in all (default 16) split over the endpoints:

==============================  ===========
``/boilerplate`` 1 sentence      6
``/boilerplate`` 100 sentences   1
``/stance`` 10 quotes            4
``/analyze`` the seed article    3
``/extract`` a seed page         2
==============================  ===========

Every 5 s it samples the server's memory (proportional set size summed over its processes: the
arbiter, the service worker and its analysis processes) and the size of its log. It prints
requests, answers other than 200 and transport errors per endpoint, the memory at each minute,
the growth from the second minute to the last (flat memory: the models are loaded and warm by
then), and the log's size and line count.

Usage::

    nice -n 10 python bench/bench_soak.py --boilerplate models/<run> --stance models/<run>
        [--minutes 10] [--concurrency 16] [--json soak.json]    # or --tiny
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_serving import SENTENCES, Server, resolve_runs  # noqa: E402

os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

SHARE = {"boilerplate-1": 6, "boilerplate-100": 1, "stance-10": 4, "analyze": 3, "extract": 2}


def _bodies() -> dict[str, tuple[str, bytes]]:
    from newsclf import settings

    seed = settings.seed_article_path().read_text(encoding="utf-8")
    paras = "".join(f"<p>{p}</p>" for p in seed.split("\n\n") if p.strip())
    page = f"<html><body><nav><a href='/'>Home</a> | World</nav><article>{paras}</article></body></html>"
    quotes = [{"text": "We will fight the Taliban until our last breath", "target": t, "speaker": "Ahmad Massoud"}
              for t in ("taliban", "nrf")] * 5
    return {
        "boilerplate-1": ("/boilerplate", json.dumps({"sentences": [SENTENCES[0]]}).encode()),
        "boilerplate-100": ("/boilerplate", json.dumps({"sentences": [SENTENCES[i % 8] for i in range(100)]}).encode()),
        "stance-10": ("/stance", json.dumps({"quotes": quotes}).encode()),
        "analyze": ("/analyze", json.dumps({"text": seed}).encode()),
        "extract": ("/extract", json.dumps({"html": page}).encode()),
    }


def _hey(url: str, body: bytes, seconds: int, c: int, tmp: Path, name: str) -> subprocess.Popen:
    path = tmp / f"{name}.json"
    path.write_bytes(body)
    return subprocess.Popen(
        ["hey", "-z", f"{seconds}s", "-c", str(c), "-m", "POST", "-T", "application/json",
         "-D", str(path), "-t", "60", url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _parse_hey(out: str) -> dict[str, Any]:
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    errors = 0
    block = out.split("Error distribution:", 1)
    if len(block) > 1:
        errors = sum(int(x) for x in re.findall(r"\[(\d+)\]", block[1]))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%+ in ([\d.]+) secs", out)
    return {
        "requests": sum(codes.values()) + errors,
        "ok": codes.get(200, 0),
        "not_200": sum(n for c, n in codes.items() if c != 200),
        "codes": codes,
        "errors": errors,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99_ms": float(p99.group(1)) * 1000 if p99 else None,
    }


def _pss(pid: int) -> tuple[int, int]:
    """(summed PSS bytes, number of processes) of ``pid`` and its descendants."""
    import psutil

    root = psutil.Process(pid)
    total, n = 0, 0
    for p in [root, *root.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
            n += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total, n


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boilerplate", type=Path)
    ap.add_argument("--stance", type=Path)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep-log", type=Path, help="copy the server log here")
    args = ap.parse_args(argv)
    if not shutil.which("hey"):
        raise SystemExit("hey not found: apt-get update && apt-get install -y hey")
    tmp = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    runs = resolve_runs(args, tmp)
    env = dict(os.environ, NEWSCLF_BOILERPLATE_RUN=str(runs["boilerplate"]), NEWSCLF_STANCE_RUN=str(runs["stance"]),
               BENTOML_DO_NOT_TRACK="true")
    env.pop("NEWSCLF_ACCESS_LOG", None)
    scale = args.concurrency / sum(SHARE.values())
    conns = {k: max(1, round(v * scale)) for k, v in SHARE.items()}
    seconds = int(args.minutes * 60)
    log = tmp / "serve.log"
    samples: list[tuple[float, int, int, int]] = []
    results: dict[str, Any] = {"connections": conns, "seconds": seconds, "load_average_before": os.getloadavg()[0]}
    with Server("newsclf.serving.service:Newsclf", env, HERE.parent, log) as server:
        server.wait_ready()
        print(f"soak: {seconds} s, connections {conns}, server {server.url}, log {log}", file=sys.stderr)
        stop = threading.Event()
        t0 = time.monotonic()

        def sample() -> None:
            while not stop.is_set():
                pss, n = _pss(server.proc.pid)
                samples.append((time.monotonic() - t0, pss, n, log.stat().st_size))
                stop.wait(5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        procs = {name: _hey(server.url + path, body, seconds, conns[name], tmp, name)
                 for name, (path, body) in _bodies().items()}
        outs = {name: p.communicate()[0] for name, p in procs.items()}
        stop.set()
        sampler.join(10)
        alive = server.proc.poll() is None
    results["load_average_after"] = os.getloadavg()[0]
    per = {name: _parse_hey(out) for name, out in outs.items()}
    results["endpoints"] = per
    log_text = log.read_text(errors="replace")
    results["log"] = {"bytes": len(log_text.encode()), "lines": log_text.count("\n"),
                      "tracebacks": log_text.count("Traceback"), "warnings": log_text.count("Warning")}
    minutes = {}
    for t, pss, n, _ in samples:
        minutes.setdefault(int(t // 60), []).append((pss, n))
    results["memory_mb_per_minute"] = {m: round(statistics.median(p for p, _ in v) / 2**20) for m, v in minutes.items()}
    later = [m for m in minutes if m >= 1]
    growth = None
    if len(later) >= 2:
        growth = results["memory_mb_per_minute"][max(later)] - results["memory_mb_per_minute"][min(later)]
    results["memory_growth_mb"] = growth
    results["server_alive"] = alive

    total = sum(r["requests"] for r in per.values())
    bad = sum(r["not_200"] + r["errors"] for r in per.values())
    print(f"\nsoak {seconds} s, concurrency {sum(conns.values())} (hey), load average "
          f"{results['load_average_before']:.1f} -> {results['load_average_after']:.1f} on {os.cpu_count()} CPUs")
    print(f"{'endpoint':<18}{'requests':>10}{'req/s':>8}{'p99 ms':>8}{'not 200':>9}{'errors':>8}")
    for name, r in per.items():
        p99 = f"{r['p99_ms']:.0f}" if r["p99_ms"] is not None else "-"
        print(f"{name:<18}{r['requests']:>10}{r['rps']:>8.0f}{p99:>8}{r['not_200']:>9}{r['errors']:>8}")
    print(f"{'all':<18}{total:>10}{'':>8}{'':>8}{bad:>9}")
    print("memory (PSS of all server processes, median per minute, MB): "
          + ", ".join(f"{m}:{v}" for m, v in results["memory_mb_per_minute"].items()))
    print(f"memory growth from minute 1 to the last: {growth} MB; processes at the end: "
          f"{samples[-1][2] if samples else '?'}")
    print(f"log: {results['log']['bytes']} bytes, {results['log']['lines']} lines, "
          f"{results['log']['tracebacks']} tracebacks, {results['log']['warnings']} warnings; server alive: {alive}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.keep_log:
        shutil.copyfile(log, args.keep_log)
    shutil.rmtree(tmp, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
